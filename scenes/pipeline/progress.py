"""The course's progress: one line per finished task, with a bar, tasks done/total and an ETA
from the estimated seconds of what is left (each segment's duration last time, else a guess)."""
from __future__ import annotations

import time

BAR_WIDTH = 20


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


class Progress:
    def __init__(self, log) -> None:
        self.log = log
        self.started = time.perf_counter()
        self.total = self.count = 0
        self.estimated = self.finished = 0.0  # estimated seconds of all tasks, of the finished ones

    def add(self, estimate: float) -> None:
        self.total += 1
        self.estimated += estimate

    def done(self, estimate: float, name: str, bundle, label: str) -> None:
        self.count += 1
        self.finished += estimate
        elapsed = time.perf_counter() - self.started
        # What is left, at the pace the finished tasks went (estimated seconds per real second).
        left = elapsed * (self.estimated - self.finished) / self.finished if self.finished else 0.0
        filled = round(BAR_WIDTH * self.count / self.total) if self.total else BAR_WIDTH
        status = "FAILED" if bundle.error else "done"
        where = f" ({label})" if label else ""
        self.log(f"[{self.count}/{self.total}] {name}: {status} in {bundle.seconds:.1f} s{where}  "
                 f"|{'#' * filled}{'.' * (BAR_WIDTH - filled)}| elapsed {_clock(elapsed)}, ETA {_clock(left)}")
