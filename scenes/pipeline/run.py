"""`render` and `stills`: a course of one lesson on the engine's path (engine.py)."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .engine import Farm, run_lessons
from .plan import Lesson

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RenderRequest:
    context: object  # scenes.context.RenderContext without stills_dir
    scene_classes: tuple
    quality: str = "medium"
    jobs: int = 2
    write_video: bool = True
    media_root: Path = PROJECT / "media"


def render(request: RenderRequest, log=print) -> int:
    """Returns a process exit code; on failure or a stop signal the previous outputs stay as
    they were (a stop returns 128 + the signal number, as a shell reports it)."""
    out_dir = request.media_root / request.context.example.name
    outputs = ("video", "stills", "slides", "presentation") if request.write_video else ("stills", "slides")
    lesson = Lesson(request.context, tuple(request.scene_classes), out_dir, request.quality, outputs)
    code, outcome = run_lessons([lesson], Farm(workers=request.jobs), log)
    if outcome.failed:
        log("error: previous outputs were left as they were", file=sys.stderr)
    elif code == 0:
        log(f"done: {out_dir}")
    return code
