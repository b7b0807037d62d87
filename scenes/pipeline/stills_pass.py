"""Stills at ≥ 1920×1080 whatever the video quality, and one MP4 per step.

A video render below 1080p saves its step videos (Manim's `save_sections`) and draws each
still on a 1920×1080 camera of its own (STILLS_FROM_VIDEO, still_frames.py). Without that, a
second pass of the same scene at 1080p with animations skipped saves them."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from manim import Scene

    from ..context import RenderContext
    from .jobs import SegmentJob

from .steps import section_videos

STILLS_AT_VIDEO_QUALITY = ("high", "4k")  # already ≥ 1080p: the video pass saves the stills
# Low quality at 768×432 (16:9, both multiples of 16), not Manim's 854×480: at a width that is
# not a multiple of 16, x264 gave different frames for the same input from one process to the
# next (issue 21; benchmarks/bench_determinism.py); at 768×432 and 1280×720 it did not.
LOW_VIDEO_SIZE = {"pixel_width": 768, "pixel_height": 432}


def stills_quality(quality: str) -> str:
    return "fourk_quality" if quality == "4k" else "high_quality"


# Below 1080p the video pass draws each still on a 1920×1080 camera of its own (still_frames.py):
# the same pixels as a second, stills-only pass (tests/test_render_speed.py), for a fraction of it.
STILLS_FROM_VIDEO = True
STILL_SIZE = (1920, 1080)


def video_pass_context(job: "SegmentJob") -> "RenderContext":
    """The context for the first pass: without a stills folder when a stills pass follows."""
    if job.write_video and job.quality not in STILLS_AT_VIDEO_QUALITY and not STILLS_FROM_VIDEO:
        return replace(job.context, stills_dir=None)
    return job.context


def still_size(job: "SegmentJob") -> tuple[int, int] | None:
    """The size the video pass draws its stills at; None: the video's own size (or no video)."""
    if job.write_video and job.quality not in STILLS_AT_VIDEO_QUALITY and STILLS_FROM_VIDEO:
        return STILL_SIZE
    return None


def video_settings(job: "SegmentJob") -> dict:
    if job.write_video:
        return {"save_sections": True, **(LOW_VIDEO_SIZE if job.quality == "low" else {})}
    return {"quality": stills_quality(job.quality)}  # a stills-only render is the stills pass


def after_video(scene: "Scene", scene_class: type, job: "SegmentJob",
                settings: dict) -> tuple[list[tuple[str, str]], "Scene"]:
    """((section name, step MP4) in order, the scene whose sections carry the stills)."""
    if not job.write_video:
        return [], scene
    index = Path(scene.renderer.file_writer.output_plan.section_index)
    steps = [(name, str(path)) for name, path in section_videos(index)]
    if job.context.narration_dir:
        steps = _narrated(steps, scene, Path(job.context.narration_dir), job.context.lang)
    if job.quality in STILLS_AT_VIDEO_QUALITY or STILLS_FROM_VIDEO:
        return steps, scene
    from manim import tempconfig

    from .. import context
    from .still_frames import draw_stills_only

    context.use(job.context)
    video_only = {key: value for key, value in settings.items() if key not in LOW_VIDEO_SIZE}
    with tempconfig({**video_only, "quality": stills_quality(job.quality), "write_to_movie": False,
                     "save_sections": False}):
        stills = scene_class(skip_animations=True)
        draw_stills_only(stills)
        stills.render()
    return steps, stills


def _narrated(steps: list[tuple[str, str]], scene, cache: Path, lang: str = "en") -> list[tuple[str, str]]:
    """Each step video with its own speech (a cache hit: the scene made it), so the
    presentation of a narrated render speaks too."""
    from .narration import speak, with_speech

    captions = iter(record for record in scene.sections)
    narrated = []
    for name, path in steps:
        record = next(r for r in captions if r.name == name)  # Manim drops empty sections
        output = Path(path).with_name(f"{Path(path).stem}-narrated.mp4")
        with_speech(Path(path), Path(speak(record.caption, cache, lang).wav), output)
        narrated.append((name, str(output)))
    return narrated
