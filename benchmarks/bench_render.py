"""`make bench-render`: the render pipeline measured on this machine, beside the plain Manim CLI.

Reports video frames rendered per second of wall time (cold cache), a no-op re-render,
`make stills`, and the same scenes rendered one after another with `manim`.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from manim import get_video_metadata

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-cat-sat.toml"
TARGETS = {"low": 60.0, "high": 30.0}
CLI_FLAGS = {"low": "-ql", "medium": "-qm", "high": "-qh"}


def timed(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def frames(video: Path) -> int:
    return int(get_video_metadata(str(video))["nb_frames"])


# High quality is measured on two segments (frames per second is what it reports); a full
# 1080p60 explainer takes tens of minutes on 2 cores, and so would its plain-CLI twin.
HIGH_QUALITY_SCENES = "embedding,softmax"


def pipeline(action: str, media: Path, quality: str, scenes: str | None = None) -> list[str]:
    return [sys.executable, "-m", "scenes", action, "--example", str(EXAMPLE), "--quality", quality,
            "--media-dir", str(media)] + (["--scenes", scenes] if scenes else [])


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    qualities = sys.argv[1:] or ["low", "high"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as scratch:
        scratch = Path(scratch)
        for quality in qualities:
            media = scratch / f"ours-{quality}"
            subset = HIGH_QUALITY_SCENES if quality != "low" else None
            seconds = timed(pipeline("render", media, quality, subset))
            n_frames = frames(media / EXAMPLE.stem / "explainer.mp4")
            rate = n_frames / seconds
            target = TARGETS.get(quality)
            what = f"segments {subset}" if subset else "whole explainer"
            rows.append(f"render {quality:5} ({what}) cold cache: {seconds:6.1f} s, {n_frames} frames, {rate:5.1f} frames/s"
                        + (f" (target ≥ {target:.0f}: {verdict(rate >= target)})" if target else ""))
            if quality == qualities[0]:
                noop = timed(pipeline("render", media, quality))
                rows.append(f"no-op re-render ({quality}): {noop:.1f} s (target ≤ 5 s: {verdict(noop <= 5)})")
                stills = timed(pipeline("stills", scratch / "stills-only", quality))
                rows.append(f"make stills ({quality}), cold caches: {stills:.1f} s (target ≤ 20 s: {verdict(stills <= 20)})")
                # Forget the stamps so every segment is rebuilt, with Manim's TeX/text caches warm.
                (scratch / "stills-only" / EXAMPLE.stem / ".stamps.json").unlink()
                stills = timed(pipeline("stills", scratch / "stills-only", quality))
                rows.append(f"make stills ({quality}), every segment rebuilt, warm TeX/text caches: {stills:.1f} s "
                            f"(target ≤ 20 s: {verdict(stills <= 20)})")
            rows.append(plain_cli(scratch / f"cli-{quality}", quality, seconds, subset))
    print("\n".join(rows))


def plain_cli(media: Path, quality: str, ours: float, subset: str | None) -> str:
    """The same scenes, one after the other, with the plain manim CLI (cold cache)."""
    from scenes.playlist import select

    env = {"EXPLAINER_EXAMPLE": str(EXAMPLE)}
    started = time.perf_counter()
    for cls in select(subset):
        timed([sys.executable, "-m", "manim", CLI_FLAGS.get(quality, "-qh"), str(ROOT / "scenes" / "manim_entry.py"),
               cls.__name__, "--media_dir", str(media)], env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    return f"plain manim CLI {quality:5}, sequential: {seconds:6.1f} s → ours is {seconds / ours:.2f}× faster"


if __name__ == "__main__":
    main()
