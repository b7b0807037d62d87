"""What a segment task is given and what it gives back: plain data, importing nothing of the
pipeline, so worker, steps and stills_pass can all name it without importing one another."""
from __future__ import annotations

from dataclasses import dataclass, field

QUALITIES = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality", "4k": "fourk_quality"}


@dataclass(frozen=True)
class SegmentJob:
    scene_module: str
    scene_class: str
    context: object  # scenes.context.RenderContext (stills_dir set to a staging folder)
    quality: str
    manim_media_dir: str  # Manim's own files: the worker's scratch space
    write_video: bool


@dataclass
class SegmentResult:
    segment: str
    seconds: float
    video: str | None = None
    subtitles: str | None = None
    stills: list[tuple[str, str]] = field(default_factory=list)  # (png path, section name)
    error: str | None = None
    frames: int = 0  # as the scene counted them; the video has exactly these
    # classroom: what presentation.html and slides.pptx need (see steps.py)
    title: str = ""
    captions: list[str] = field(default_factory=list)  # one per still, in order
    step_videos: list[tuple[str, str]] = field(default_factory=list)  # (section name, MP4)
