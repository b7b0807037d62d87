"""What runs on a Dask worker: a segment, a lesson's assembly, its explorer page, its figure.

A worker needs no disk in common with the client: each task works in a scratch folder of its
own and hands back a Bundle, the files it made keyed by their path inside the lesson's folder
(or, with --store, the folder of a store both sides reach). The client publishes them."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .identity import check_code
from .jobs import SegmentJob
from .lesson_files import assemble_lesson, publish_segment


@dataclass
class Bundle:
    name: str  # a segment's numbered name, "assembly", "explorer" or "figure"
    seconds: float = 0.0
    files: dict[str, bytes] = field(default_factory=dict)  # path inside the lesson folder → content
    stored: str | None = None  # with --store: the folder holding the files instead
    error: str | None = None

    def paths(self) -> dict[str, bytes]:
        """Every file of the bundle, read from the store if it went there."""
        if self.stored is None:
            return self.files
        root = Path(self.stored)
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _scratch() -> Path:
    """The worker's own local directory (Dask removes it with the worker), else the temp folder."""
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory)
    except ValueError:  # not inside a worker (a test calling the task directly)
        return Path(tempfile.gettempdir())


def _collect(folder: Path, store: str | None, key: str, skip: set[str] = frozenset()) -> tuple[dict, str | None]:
    """(files, stored): the folder's files as bytes, or moved whole into the store under `key`."""
    files = {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}
    files = {path: source for path, source in files.items() if path not in skip}
    if store is None:
        return {path: source.read_bytes() for path, source in files.items()}, None
    target = Path(store) / key
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".partial-{key}.", dir=store))
    for path, source in files.items():
        (partial / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, partial / path)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return {}, str(target)


def write_bundle(bundle: Bundle, folder: Path) -> list[str]:
    """Unpack a bundle into a plain folder (a worker's scratch lesson); its paths."""
    files = bundle.paths()
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return list(files)


def segment_task(job: SegmentJob, name: str, stamp: str, fingerprint: str, store: str | None = None) -> Bundle:
    """Render one segment in scratch space; its MP4, subtitles, stills, step videos and manifest."""
    from .worker import render_segment

    check_code(fingerprint)
    with tempfile.TemporaryDirectory(prefix="segment-", dir=_scratch()) as scratch:
        scratch = Path(scratch)
        job = replace(job, context=replace(job.context, stills_dir=str(scratch / "stills")),
                      manim_media_dir=str(scratch / "manim"))
        result = render_segment(job)
        if result.error:
            return Bundle(name, result.seconds, error=result.error)
        lesson = scratch / "lesson"
        publish_segment(result, name, lesson, job.write_video)
        files, stored = _collect(lesson, store, f"{name}-{stamp[:16]}")
        return Bundle(name, result.seconds, files, stored)


def assembly_task(folder: str, names: list[str], write_video: bool, fingerprint: str,
                  *segments: Bundle, lang: str = "en", captions: str | None = None) -> Bundle:
    """Join a lesson's segments (fresh from their tasks or sent from the client's disk): explainer.mp4,
    subtitles, storyboard, slides, presentation. Fails, in one line, if one of them failed."""
    import time

    check_code(fingerprint)
    failed = [bundle for bundle in segments if bundle.error]
    if failed:
        return Bundle("assembly", error=f"{failed[0].name} failed: {failed[0].error}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="assembly-", dir=_scratch()) as scratch:
        lesson = Path(scratch) / folder  # the presentation's title is the folder's name
        given = {path for bundle in segments for path in write_bundle(bundle, lesson)}
        assemble_lesson(lesson, names, write_video, lang, captions)
        files, _ = _collect(lesson, None, "", skip=given)
    return Bundle("assembly", time.perf_counter() - started, files)


def explorer_task(context, fingerprint: str) -> Bundle:
    """explorer.html of the lesson's sentence, model and query."""
    import time

    from explorer.page import build_page
    from explorer.sources import model_source, toy_source

    from ..context import is_real_model

    check_code(fingerprint)
    started = time.perf_counter()
    if is_real_model(context.model):
        source = model_source(context.model, context.example.sentence, None)
    else:
        source = toy_source(context.example.with_changes(layout="explorer"))
    # The query is a token index of the lesson's render: the same tokens the page shows.
    text = build_page(source.trace, cross=source.cross, title=source.title, layer=context.layer,
                      head=context.head, query=context.query, lang=context.lang, captions=context.captions)
    return Bundle("explorer", time.perf_counter() - started, {"explorer.html": text.encode("utf-8")})


def figure_task(example, fingerprint: str, lang: str = "en", captions: str | None = None) -> Bundle:
    """self_attention.png and its twins (the figure draws the toy model of the sentence), its words in `lang`."""
    import time

    from ..context import RenderContext, use
    from .figure_export import render_figure

    check_code(fingerprint)
    use(RenderContext(example, lang=lang, captions=captions))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="figure-", dir=_scratch()) as scratch:
        paths = render_figure(example.with_changes(layout="figure"), scratch)  # as `make figure` draws it
        files = {path.name: path.read_bytes() for path in paths}
    return Bundle("figure", time.perf_counter() - started, files)
