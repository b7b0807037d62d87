"""`make bench-render`: the render pipeline measured on this machine, beside the plain Manim CLI.

One table per quality: each segment's video frames, seconds, frames per second and file size,
ours (the segment task's own time inside the parallel run) beside the plain `manim` CLI (one
process per scene, one after another, cold cache). The totals row is whole-process: wall time
and CPU time (user + system, from the rusage of every process each side waited for). Then a
no-op re-render and `make stills`.
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from manim import get_video_metadata

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-cat-sat.toml"
CLI_FLAGS = {"low": "-ql", "medium": "-qm", "high": "-qh"}
# High quality is measured on two segments; a full 1080p60 explainer takes tens of minutes on
# 2 cores, and so would its plain-CLI twin.
HIGH_QUALITY_SCENES = "embedding,softmax"
NEW_SENTENCE = "A small dog ran across fields"  # six tokens, never rendered before in the run
DONE = re.compile(r"\] (\S+): done in ([\d.]+) s")


@dataclass
class Side:
    wall: float = 0.0
    cpu: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)  # segment → seconds
    videos: dict[str, Path] = field(default_factory=dict)  # segment → its MP4


def run(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and everything it waited for, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout + result.stderr


def pipeline(action: str, media: Path, quality: str, scenes: str | None = None) -> list[str]:
    return [sys.executable, "-m", "scenes", action, "--example", str(EXAMPLE), "--quality", quality,
            "--media-dir", str(media)] + (["--scenes", scenes] if scenes else [])


def cold_glyphs(folder: Path) -> dict:
    """An empty glyph store (scenes/pipeline/glyph_store.py): our side starts as cold as the CLI's."""
    return {"XDG_CACHE_HOME": str(folder)}


def ours(media: Path, quality: str, subset: str | None, cache: Path) -> Side:
    wall, cpu, output = run(pipeline("render", media, quality, subset), env=cold_glyphs(cache))
    side = Side(wall, cpu, {name: float(s) for name, s in DONE.findall(output) if name != "assembly"})
    side.videos = {name: media / EXAMPLE.stem / f"{name}.mp4" for name in side.seconds}
    return side


def plain_cli(media: Path, quality: str, subset: str | None) -> Side:
    """The same scenes, one after the other, with the plain manim CLI (cold cache)."""
    from scenes.playlist import numbered_name, select

    side = Side()
    for cls in select(subset):
        wall, cpu, _ = run([sys.executable, "-m", "manim", CLI_FLAGS.get(quality, "-qh"),
                            str(ROOT / "scenes" / "manim_entry.py"), cls.__name__, "--media_dir", str(media)],
                           env={"EXPLAINER_EXAMPLE": str(EXAMPLE)})
        name = numbered_name(cls)
        side.wall, side.cpu, side.seconds[name] = side.wall + wall, side.cpu + cpu, wall
        side.videos[name] = next(p for p in media.rglob(f"{cls.__name__}.mp4") if "partial" not in str(p))
    return side


def frames(video: Path) -> int:
    return int(get_video_metadata(str(video))["nb_frames"])


def table(quality: str, what: str, a: Side, b: Side) -> list[str]:
    rows = [f"\n{quality} quality, {what}, cold caches: ours vs the plain manim CLI",
            "| segment | frames | ours s | ours fps | CLI s | CLI fps | ours MB | CLI MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    n_total = 0
    for name in b.seconds:
        n = frames(a.videos[name])
        n_total += n
        rows.append(f"| {name} | {n} | {a.seconds[name]:.1f} | {n / a.seconds[name]:.1f} | {b.seconds[name]:.1f} | "
                    f"{frames(b.videos[name]) / b.seconds[name]:.1f} | {a.videos[name].stat().st_size / 1e6:.2f} | "
                    f"{b.videos[name].stat().st_size / 1e6:.2f} |")
    rows.append(f"| whole process | {n_total} | {a.wall:.1f} | {n_total / a.wall:.1f} | {b.wall:.1f} | "
                f"{n_total / b.wall:.1f} | | |")
    rows.append(f"wall: ours {a.wall:.1f} s, CLI {b.wall:.1f} s → {b.wall / a.wall:.2f}× faster; "
                f"CPU: ours {a.cpu:.1f} s, CLI {b.cpu:.1f} s → ours {a.cpu / b.cpu:.2f}× the CLI's")
    return rows


def stills_rows(scratch: Path, quality: str) -> list[str]:
    """`make stills` of the example with an empty glyph store, then of a new 6-token sentence
    with the store as that run left it, then a no-op re-run."""
    rows, cache = [], cold_glyphs(scratch / "stills-cache")
    seconds, cpu, _ = run(pipeline("stills", scratch / "stills-only", quality), env=cache)
    rows.append(f"make stills ({quality}), cold caches and glyph store: {seconds:.1f} s wall, {cpu:.1f} s CPU "
                "(goal ≤ 20 s)")
    new = [*pipeline("stills", scratch / "stills-new", quality)]
    at = new.index("--example")
    new[at:at + 2] = ["--sentence", NEW_SENTENCE]
    seconds, cpu, _ = run(new, env=cache)
    rows.append(f"make stills ({quality}), a new 6-token sentence, glyph store warm: {seconds:.1f} s wall, "
                f"{cpu:.1f} s CPU (goal ≤ 20 s)")
    seconds, _, _ = run(pipeline("stills", scratch / "stills-only", quality), env=cache)
    rows.append(f"no-op stills re-run: {seconds:.1f} s (goal ≤ 2 s)")
    return rows


def main() -> None:
    qualities = sys.argv[1:] or ["low", "high"]
    with tempfile.TemporaryDirectory(prefix="bench-render-") as scratch:
        scratch = Path(scratch)
        for quality in qualities:
            subset = HIGH_QUALITY_SCENES if quality != "low" else None
            mine = ours(scratch / f"ours-{quality}", quality, subset, scratch / f"cache-{quality}")
            theirs = plain_cli(scratch / f"cli-{quality}", quality, subset)
            rows = table(quality, f"segments {subset}" if subset else "whole explainer", mine, theirs)
            if quality == qualities[0]:
                noop, _, _ = run(pipeline("render", scratch / f"ours-{quality}", quality, subset),
                                 env=cold_glyphs(scratch / f"cache-{quality}"))
                rows.append(f"no-op re-render ({quality}): {noop:.1f} s (goal ≤ 2 s)")
                print("\n".join(rows), flush=True)  # a later failure keeps what was measured
                rows = stills_rows(scratch, quality)
            print("\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
