"""Ctrl-C, SIGTERM and SIGHUP stop a render at once: the main process ends its workers
(farm.end_descendants), removes what they half-wrote, and returns 128 + the signal number."""
from __future__ import annotations

import signal
from contextlib import contextmanager
from pathlib import Path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # what a shell reports for a process killed by the signal


def _raise_interrupted(signum, _frame) -> None:
    raise Interrupted(signum)


@contextmanager
def stop_on_signals():
    """While the block runs, a stop signal raises Interrupted in the main thread."""
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_deferred():
    """A stop signal arriving in the block takes effect when it ends (publishing a segment's
    files is quick, and half of a segment published is worse than a second's delay)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def remove_written_since(folder: Path, started: float, scene_names: set[str] | None) -> None:
    """Manim writes partial movies and text/TeX SVGs straight to their cache paths, and would
    reuse a truncated one next time: drop every cache file the unfinished scenes (None: any
    scene) wrote since `started`; a whole one among them costs only its re-render."""
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        if scene_names is not None and not scene_names & set(path.parts):
            continue
        if path.is_file() and path.stat().st_mtime >= started:
            path.unlink(missing_ok=True)
