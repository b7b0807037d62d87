"""One segment rendered in a worker process (jobs.py: what it is given and returns)."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from .encoding import use_deterministic_frames
from .jobs import QUALITIES, SegmentJob, SegmentResult  # noqa: F401

# x264's veryfast preset instead of Manim's medium, tuned back to medium's quality (issue 21: equal
# quality, files within 1.15×): a 40-frame lookahead (veryfast's 10 starves the macroblock tree over
# our long still holds), trellis quantisation, subpixel refinement 1 and crf 22.5 for Manim's 23;
# one x264 thread (two segments already share the two cores). `python -m benchmarks.bench_encoder
# softmax 100000` / `embedding 100000`: luma PSNR 47.36 / 51.33 dB and SSIM 0.99870 / 0.99948
# against medium's 47.09 / 51.38 and 0.99868 / 0.99952, files 1.08× / 1.06×, x264 CPU 0.57× / 0.62×.
# Plain veryfast at crf 23 was 3 dB worse than medium.
ENCODER_OPTIONS = {"crf": "22.5", "preset": "veryfast", "threads": "1",
                   "x264-params": "rc-lookahead=40:trellis=1:subme=1"}


def render_segment(job: SegmentJob) -> SegmentResult:
    import importlib

    from manim import logger, tempconfig

    from .. import context
    from . import glyph_store, steps, still_frames, stills_pass

    logger.setLevel(logging.WARNING)
    use_deterministic_frames()
    started = time.perf_counter()
    scene_class = getattr(importlib.import_module(job.scene_module), job.scene_class)
    context.use(stills_pass.video_pass_context(job))  # classroom: stills come from the ≥1080p pass
    settings = {
        "quality": QUALITIES[job.quality], "media_dir": job.manim_media_dir, "write_to_movie": job.write_video,
        "verbosity": "WARNING", "progress_bar": "none",
        # Our stamps decide what is re-rendered: Manim's hash of every play (58–208 ms each) is waste.
        "disable_caching": True, "video_encoder_options": ENCODER_OPTIONS,
        # Text outlines and TeX kept between renders; the SVGs Manim reads in this process's own folders.
        **glyph_store.keep_glyphs(),
    }
    settings.update(stills_pass.video_settings(job))  # classroom: one MP4 per step
    try:
        with tempconfig(settings):
            scene = scene_class(skip_animations=not job.write_video)
            still_frames.draw_stills_only(scene, stills_pass.still_size(job))  # stills at ≥ 1080p, no extra frames
            scene.render()
        step_videos, shown = stills_pass.after_video(scene, scene_class, job, settings)  # classroom
    except Exception as error:  # one line for the user; the pipeline keeps the last good outputs
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return SegmentResult(scene_class.segment, time.perf_counter() - started,
                             error=f"{type(error).__name__}: {first_line}")
    result = SegmentResult(scene_class.segment, time.perf_counter() - started,
                           stills=[(r.still, r.name) for r in shown.sections if r.still], frames=scene.frames_played,
                           title=steps.segment_title(shown), step_videos=step_videos,  # classroom
                           captions=[r.caption for r in shown.sections if r.still])
    if job.write_video:
        movie = Path(scene.renderer.file_writer.movie_file_path)
        result.video = str(movie)
        subtitles = movie.with_suffix(".srt")
        result.subtitles = str(subtitles) if subtitles.exists() else None
    return result
