"""Files from a lesson: the same render pipeline, request and folders as `python -m scenes render|stills|figure`."""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Interrupted, RenderError, SettingError, named
from .progress import Progress

VIDEO_INLINE_BYTES = 20_000_000  # a bigger video is linked, not carried inside the notebook
STILLS_SHOWN = 6


@dataclass(frozen=True)
class Outputs:
    """What a render wrote: its folder and files. Displays as the video (render) or the stills."""
    folder: Path
    files: tuple[Path, ...]
    kind: str  # render | stills | figure

    @property
    def videos(self) -> list[Path]:
        return sorted(p for p in self.files if p.suffix == ".mp4")

    @property
    def pngs(self) -> list[Path]:
        return sorted(p for p in self.files if p.suffix == ".png")

    def __repr__(self) -> str:
        return f"<{self.kind}: {len(self.files)} files in {self.folder}>"

    def _repr_html_(self) -> str:
        title = f"<p><code>{html.escape(str(self.folder))}</code>: {len(self.files)} files</p>"
        videos = [v for v in self.videos if v.name == "explainer.mp4"] or self.videos[:1]
        if self.kind == "render" and videos:
            video = videos[0]
            if video.stat().st_size <= VIDEO_INLINE_BYTES:
                data = base64.b64encode(video.read_bytes()).decode("ascii")
                return title + f'<video controls style="max-width:100%" src="data:video/mp4;base64,{data}"></video>'
            return title + f"<p>{html.escape(video.name)}: {video.stat().st_size / 1e6:.0f} MB, open it from disk</p>"
        images = [p for p in self.pngs if "@2x" not in p.name][:STILLS_SHOWN]
        return title + "".join(
            f'<img style="max-width:32%;margin:2px" title="{html.escape(p.name)}" '
            f'src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode("ascii")}">' for p in images)


def _files(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(folder).parts)))


def model_text(lesson) -> str:
    """What the render processes resolve: the model's name, or the folder a model in memory was saved to."""
    if lesson.choices.model is not None:
        return lesson.choices.model
    from .memory import saved_folder

    return str(saved_folder(lesson.model_object, lesson.tokenizer_object))


def render_request(lesson, command: str, quality: str, scenes, out: Path, jobs: int):
    """The RenderRequest `python -m scenes COMMAND` builds for these choices (scenes/cli.py's steps)."""
    from scenes.context import folder_name, resolve_context
    from scenes.pipeline.run import RenderRequest
    from scenes.pipeline.worker import QUALITIES
    from scenes.playlist import select

    from .inputs import render_example

    if quality not in QUALITIES:
        raise SettingError(f"quality: one of {', '.join(QUALITIES)}, got {quality!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SettingError("--jobs must be at least 1")
    model = model_text(lesson)
    chosen = replace(lesson.choices, model=model)
    from scenes.words.choice import words_for_example

    try:
        words, example = words_for_example(chosen.lang, chosen.captions, render_example(chosen))
    except ValueError as error:
        raise named(error) from None
    spec = None if scenes is None else ",".join(str(s) for s in ([scenes] if isinstance(scenes, (str, int)) else scenes))
    try:
        scene_classes = select(spec, model)
        from attention_math.models.registry import resolve
        if not resolve(model).spec.trained:
            from attention_math import trace_example
            trace_example(example)
        context = replace(resolve_context(example, model, chosen.layer, chosen.head, chosen.query, chosen.key),
                          lang=words.lang, captions=words.captions)
        example = example.with_changes(name=folder_name(context))
        context = replace(context, example=example)
    except ValueError as error:
        raise named(error) from None
    return RenderRequest(context, tuple(scene_classes), quality=quality, jobs=jobs,
                         write_video=command == "render", media_root=out.resolve())


def run_render(lesson, command: str, quality: str, scenes, out: Path, jobs: int, show_progress: bool) -> Outputs:
    from scenes.pipeline.run import render

    request = render_request(lesson, command, quality, scenes, out, jobs)
    bar = Progress(len(request.scene_classes), command, show_progress)
    try:
        code = render(request, log=bar.render_log)
    finally:
        bar.close()
    folder = request.media_root / request.context.example.name
    if code != 0:
        message = bar.errors[0].removeprefix("error: ") if bar.errors else f"{command} failed (exit code {code})"
        if code > 128:
            raise Interrupted(message)
        raise RenderError(message + (f" ({'; '.join(e.removeprefix('error: ') for e in bar.errors[1:])})"
                                     if len(bar.errors) > 1 else ""))
    return Outputs(folder, _files(folder), command)


def run_figure(lesson, out: Path) -> Outputs:
    """The figure of `python -m scenes figure`: the toy model in every number, or a real model's head."""
    from scenes.cli import DEFAULT_FIGURE_EXAMPLE
    from scenes.figure.subject import subject_for
    from scenes.pipeline.figure_export import render_figure

    from .inputs import toy_example

    chosen = replace(lesson.choices, model=model_text(lesson))
    if chosen.sentence is None and chosen.example is None:
        chosen = replace(chosen, example=str(DEFAULT_FIGURE_EXAMPLE))
    from scenes.context import RenderContext, use
    from scenes.words.choice import lang_suffix, words_for_example

    try:
        words, example = words_for_example(chosen.lang, chosen.captions, toy_example(chosen, "figure"))
        use(RenderContext(example, lang=words.lang, captions=words.captions))  # the figure's words
        subject, name = subject_for(example, chosen.model, chosen.layer, chosen.head, chosen.query, chosen.key)
        name += lang_suffix(words.lang)
        written = render_figure(example, out.resolve() / name, subject)
    except ValueError as error:
        raise named(error) from None
    return Outputs(out.resolve() / name, tuple(written), "figure")
