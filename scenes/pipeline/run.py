"""Render segments as tasks on a Dask cluster (farm.py), then publish outputs atomically into media/<name>/."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from concurrent.futures import as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from . import assemble
from .farm import FarmError, dask_executor
from .files import example_lock, make_staging, publish, remove_dead_run_leftovers, writing
from .interrupt import Interrupted, remove_written_since, signals_deferred, stop_on_signals
from .steps import publish_steps
from .worker import SegmentJob, SegmentResult, render_segment

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RenderRequest:
    context: object  # scenes.context.RenderContext without stills_dir
    scene_classes: tuple
    quality: str = "medium"
    jobs: int = 2
    write_video: bool = True
    media_root: Path = PROJECT / "media"


def _code_fingerprint() -> str:
    """Changes whenever any code that draws or computes changes, so stale outputs re-render."""
    digest = hashlib.sha256()
    for folder in ("scenes", "attention_math"):
        # The fontconfig file decides which glyphs are drawn, so it counts as code too.
        for path in sorted(p for pattern in ("*.py", "*.conf") for p in (PROJECT / folder).rglob(pattern)):
            digest.update(path.read_bytes())
    import manim
    digest.update(manim.__version__.encode())
    return digest.hexdigest()


def _stamp(request: RenderRequest, scene_class, fingerprint: str) -> str:
    key = f"{request.context!r}|{request.quality}|{request.write_video}|{scene_class.__module__}.{scene_class.__name__}"
    return hashlib.sha256(f"{key}|{fingerprint}".encode()).hexdigest()


def render(request: RenderRequest, log=print) -> int:
    """Returns a process exit code; on failure or a stop signal the previous outputs stay as
    they were (a stop returns 128 + the signal number, as a shell reports it)."""
    out_dir = request.media_root / request.context.example.name
    try:
        with stop_on_signals(), example_lock(out_dir):
            remove_dead_run_leftovers(out_dir)  # we hold the lock: no live run owns them
            staging = make_staging(out_dir)
            try:
                code = _render_into(request, out_dir, staging, log)
            finally:
                with signals_deferred():
                    shutil.rmtree(staging, ignore_errors=True)
    except Interrupted as stop:
        log(f"interrupted ({stop}): render stopped, previous outputs left as they were", file=sys.stderr)
        return stop.exit_code
    except FarmError as error:
        log(f"error: {error}", file=sys.stderr)
        return 1
    if code == 0:
        log(f"done: {out_dir}")
    return code


def _render_into(request: RenderRequest, out_dir: Path, staging: Path, log) -> int:
    from ..playlist import numbered_name, playlist

    model = request.context.model
    stamps_path = out_dir / ".stamps.json"
    stamps = json.loads(stamps_path.read_text()) if stamps_path.exists() else {}
    fingerprint = _code_fingerprint()
    todo, reused = [], []
    for cls in request.scene_classes:
        name = numbered_name(cls, model)
        stamp = _stamp(request, cls, fingerprint)
        done = (out_dir / f"{name}.mp4").exists() or not request.write_video
        if stamps.get(name) == stamp and done and any((out_dir / "stills").glob(f"{name}-*.png")):
            reused.append(name)
        else:
            todo.append((cls, name, stamp))
    if reused:
        log(f"up to date: {', '.join(reused)}")
    results = _run_jobs(request, todo, staging, out_dir, log)
    failed = {name: r for name, r in results.items() if r.error}
    if failed:
        for name, r in failed.items():
            log(f"error: {name} failed: {r.error}", file=sys.stderr)
        log("error: previous outputs were left as they were", file=sys.stderr)
        return 1
    with signals_deferred():  # every segment's files and its stamp, or none
        for cls, name, stamp in todo:
            _publish_segment(results[name], name, out_dir, request.write_video)
            stamps[name] = stamp
        with writing(stamps_path) as tmp:
            tmp.write_text(json.dumps(stamps, indent=1))
    if not todo and _assembled(out_dir, request.write_video):
        log("nothing changed: outputs kept as they are")
        return 0
    # The full explainer when every segment exists, else just the ones asked for.
    everything = [numbered_name(cls, model) for cls in playlist(model)]
    complete = all((out_dir / f"{n}.mp4").exists() for n in everything) or not request.write_video
    asked = [numbered_name(cls, model) for cls in playlist(model) if cls in request.scene_classes]
    _assemble(out_dir, everything if complete else asked, request.write_video, log)
    return 0


def _assembled(out_dir: Path, write_video: bool) -> bool:
    wanted = ["storyboard.png", "slides.pdf", *assemble.CLASSROOM_FILES]  # classroom: + presentation, pptx
    wanted += ["explainer.mp4", "explainer.srt"] if write_video else []
    return all((out_dir / name).exists() for name in wanted)


def _run_jobs(request, todo, staging: Path, out_dir: Path, log) -> dict[str, SegmentResult]:
    manim_dir = out_dir / ".manim" / request.quality
    jobs = {
        name: SegmentJob(cls.__module__, cls.__name__, replace(request.context, stills_dir=str(staging / name)),
                         request.quality, str(manim_dir), request.write_video)
        for cls, name, _ in todo
    }
    results: dict[str, SegmentResult] = {}
    if not jobs:
        return results
    started = time.perf_counter()
    what = "video" if request.write_video else "stills"
    log(f"rendering {len(jobs)} segment(s) ({what}, {request.quality} quality, {request.jobs} processes)")
    wall_start = time.time()  # cache files are dated by the wall clock
    try:
        # A cluster only when there is work: a no-op re-render starts none.
        with dask_executor(max(1, min(request.jobs, len(jobs)))) as pool:
            futures = {pool.submit(render_segment, job): name for name, job in jobs.items()}
            for count, future in enumerate(as_completed(futures), 1):
                name = futures[future]
                result = future.result()
                results[name] = result
                status = "FAILED" if result.error else "done"
                log(f"[{count}/{len(jobs)}] {name}: {status} in {result.seconds:.1f} s "
                    f"(elapsed {time.perf_counter() - started:.0f} s)")
    except BaseException:  # a stop signal: remove what unfinished segments half-wrote
        with signals_deferred():
            unfinished = {job.scene_class for name, job in jobs.items() if name not in results}
            remove_written_since(manim_dir, wall_start, unfinished)
        raise
    return results


def _publish_segment(result: SegmentResult, name: str, out_dir: Path, write_video: bool) -> None:
    stills_dir = out_dir / "stills"
    new_stills = []
    for index, (still, section) in enumerate(result.stills, 1):
        final = stills_dir / f"{name}-{index:02d}-{section}.png"
        publish(Path(still), final)
        new_stills.append(final)
    for old in stills_dir.glob(f"{name}-*.png"):
        if old not in new_stills:
            old.unlink()
    if write_video and result.video:
        publish(Path(result.video), out_dir / f"{name}.mp4")
        if result.subtitles:
            publish(Path(result.subtitles), out_dir / f"{name}.srt")
    publish_steps(result, name, out_dir, write_video)  # classroom: step videos + captions


def _assemble(out_dir: Path, names: list[str], write_video: bool, log) -> None:
    stills = sorted(p for name in names for p in (out_dir / "stills").glob(f"{name}-*.png"))
    with writing(out_dir / "storyboard.png") as tmp:
        assemble.storyboard(stills, tmp)
    with writing(out_dir / "slides.pdf") as tmp:
        assemble.slides_pdf(stills, tmp)
    assemble.classroom(out_dir, names)  # classroom: presentation.html, slides.pptx
    videos = [out_dir / f"{name}.mp4" for name in names]
    if write_video and all(v.exists() for v in videos):
        with writing(out_dir / "explainer.mp4") as tmp:
            assemble.concat_videos(videos, tmp)
        with writing(out_dir / "explainer.srt") as tmp:
            parts = [(out_dir / f"{name}.srt", assemble.video_seconds(out_dir / f"{name}.mp4")) for name in names]
            assemble.merge_subtitles(parts, tmp)
        log(f"explainer.mp4: {len(videos)} segments, {assemble.video_seconds(out_dir / 'explainer.mp4'):.0f} s")
