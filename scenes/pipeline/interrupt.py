"""Ctrl-C, SIGTERM and SIGHUP stop a render at once: the main process stops its workers,
removes what they half-wrote, and returns 128 + the signal number.

Workers run in process groups of their own and ignore SIGINT: a terminal's Ctrl-C reaches
only the main process, which then ends every worker group (a worker's LaTeX children too).
Left to themselves, workers would each raise KeyboardInterrupt mid-frame, and Python's
ProcessPoolExecutor hands that back as a result and waits for the next job."""
from __future__ import annotations

import ctypes
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
WORKER_GRACE_SECONDS = 0.5  # after SIGTERM, before SIGKILL


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


def worker_started() -> None:
    """ProcessPoolExecutor initializer: a group of its own, SIGINT left to the main process,
    and (on Linux) killed with it if the main process itself is killed (SIGKILL, OOM)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: stop_workers still ends us on a signal
        pass
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stop_workers(pool) -> int:
    """End every worker of a ProcessPoolExecutor and the processes they started; returns how
    many there were. Python 3.11 has no public call for it (3.14 adds terminate_workers)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + WORKER_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            _signal_group(process, signal.SIGKILL)
            process.join(1.0)
    pool.shutdown(wait=False, cancel_futures=True)
    return len(processes)


def _signal_group(process, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)  # the worker and whatever it started (latex, dvisvgm)
    except (ProcessLookupError, PermissionError):  # it had not made its group yet, or is gone
        try:
            os.kill(process.pid, signum)
        except ProcessLookupError:
            pass


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
