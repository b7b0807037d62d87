"""Atomic file moves and the per-example lock: a failed render never leaves a truncated
file at a final path, and two renders of one example wait for each other."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

PARTIAL_PREFIX = ".partial-"  # a file being written beside its final path
STAGING_PREFIX = ".staging-"  # a run's scratch folder inside media/<name>/
STAGING_STARTED = "started"  # an empty file: its time is when that run began


def make_staging(folder: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    (staging / STAGING_STARTED).touch()
    return staging


def publish(source: Path, final: Path) -> None:
    """Copy `source` next to `final`, then rename over it (atomic on one file system)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}{final.name}.", dir=final.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; outputs are for sharing
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def writing(final: Path):
    """Yield a temporary path beside `final`; it replaces `final` only if the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}{final.stem}.", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    finally:
        Path(tmp).unlink(missing_ok=True)


@contextmanager
def example_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_dead_run_leftovers(folder: Path) -> None:
    """Staging folders and partial files of a run that was killed (SIGKILL, power loss).
    Call with the example's lock held: then no live run owns any of them."""
    from .interrupt import remove_written_since

    for staging in folder.glob(f"{STAGING_PREFIX}*"):
        # Manim's cache files written since that run began may be truncated.
        began = staging / STAGING_STARTED
        remove_written_since(folder / ".manim", (began if began.exists() else staging).stat().st_mtime, None)
        shutil.rmtree(staging, ignore_errors=True)
    for partial in [*folder.glob(f"{PARTIAL_PREFIX}*"), *folder.glob(f"stills/{PARTIAL_PREFIX}*")]:
        partial.unlink(missing_ok=True)
