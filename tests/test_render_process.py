"""A real render, stopped by Ctrl-C or SIGTERM, and rendered twice: same frames."""
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from attention_math import Example
from scenes.context import RenderContext
from scenes.playlist import numbered_name
from scenes.pipeline.run import RenderRequest, render
from scenes.segments import EmbeddingSegment

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "money bank grows"
STOP_WITHIN_SECONDS = 2.0
SEGMENT = numbered_name(EmbeddingSegment, "toy")  # e.g. "03-embedding": its place in the playlist


def _session_members(session: int) -> list[int]:
    """Live processes of a session other than its leader (the render's workers, LaTeX, ...).
    A zombie is dead already: reaping an orphan is its new parent's (init's) business."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and int(stat.parent.name) != session and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _earlier_outputs(out: Path) -> dict[Path, bytes]:
    """A previous good render's files, a dead run's staging folder and a half-copied file."""
    files = {out / f"{SEGMENT}.mp4": b"an earlier video", out / "explainer.srt": b"1\nearlier\n",
             out / "stills" / f"{SEGMENT}-01-sentence.png": b"an earlier still"}
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (out / ".staging-deadrun").mkdir()
    (out / ".staging-deadrun" / "started").touch()
    (out / ".partial-explainer.mp4.x1y2").write_bytes(b"half")
    return files


@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False)])
def test_a_stop_signal_ends_a_render_at_once_and_keeps_earlier_outputs(tmp_path, signum, to_group):
    out = tmp_path / SENTENCE.replace(" ", "-")
    earlier = _earlier_outputs(out)
    # A shell's background job starts with SIGINT ignored: reset it, as a terminal would have it.
    render_process = subprocess.Popen(
        [sys.executable, "-m", "scenes", "render", "--scenes", "embedding", "--quality", "low",
         "--sentence", SENTENCE, "--media-dir", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not _session_members(render_process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _session_members(render_process.pid), "no worker started"
        time.sleep(1.0)  # the worker is drawing by now
        assert render_process.poll() is None
        sent = time.monotonic()
        if to_group:  # Ctrl-C: the terminal signals the whole foreground process group
            os.killpg(render_process.pid, signum)
        else:  # `kill PID`: only the main process hears it
            os.kill(render_process.pid, signum)
        stdout, stderr = render_process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:  # whatever failed, leave nothing running
        for pid in [render_process.pid, *_session_members(render_process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        render_process.wait()

    assert render_process.returncode == 128 + signum, stderr
    assert took < STOP_WITHIN_SECONDS, f"took {took:.2f} s to stop"
    # multiprocessing's resource tracker ends by itself once the render is gone (it unlinks what the
    # killed workers left): give it a moment; a worker that escaped would still be drawing by then.
    deadline = time.monotonic() + 3
    while _session_members(render_process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_members(render_process.pid) == [], "a worker outlived the render"
    assert stderr.strip().splitlines() == [
        f"interrupted ({signal.Signals(signum).name}): render stopped, previous outputs left as they were"]
    assert "Traceback" not in stdout + stderr
    assert list(out.glob(".staging-*")) == [] and list(out.glob(".partial-*")) == []
    for path, content in earlier.items():
        assert path.read_bytes() == content


def _frame_hashes(video: Path) -> list[str]:
    with av.open(str(video)) as container:
        return [hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for frame in container.decode(video=0)]


def _last_subtitle_end(srt: Path) -> float:
    hours, minutes, seconds, millis = map(int, re.findall(r"--> (\d+):(\d+):(\d+),(\d+)", srt.read_text())[-1])
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def test_the_same_example_renders_the_same_frames_twice(tmp_path):
    def render_into(media: Path) -> Path:
        request = RenderRequest(RenderContext(Example(SENTENCE)), (EmbeddingSegment,), quality="low", jobs=1,
                                media_root=media)
        assert render(request, log=lambda *args, **kwargs: None) == 0
        return media / SENTENCE.replace(" ", "-")

    first, second = render_into(tmp_path / "first"), render_into(tmp_path / "second")  # each with a cold cache
    frames = _frame_hashes(first / f"{SEGMENT}.mp4")
    assert _frame_hashes(second / f"{SEGMENT}.mp4") == frames
    # Again with Manim's cache warm (cached plays used to shift every later wait by a frame).
    (first / ".stamps.json").unlink()
    assert _frame_hashes(render_into(tmp_path / "first") / f"{SEGMENT}.mp4") == frames
    # Waits are whole frames: the subtitles end exactly on the last frame (15 fps at low).
    assert _last_subtitle_end(first / f"{SEGMENT}.srt") == pytest.approx(len(frames) / 15, abs=0.0015)
