"""`python -m scenes`: render the explainer, its stills, or the figure, for any sentence."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from attention_math import Example, ExampleError, load_example
from attention_math.models.registry import add_model_argument

from .context import DEFAULT_EXAMPLE, is_real_model
from .pipeline.jobs import QUALITIES

DEFAULT_FIGURE_EXAMPLE = DEFAULT_EXAMPLE.parent / "the-cat-sat-down.toml"  # seed 000: four tokens


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in [("render", "MP4 per segment, explainer.mp4, subtitles, stills, storyboard, slides"),
                            ("stills", "only the stills, storyboard.png and slides.pdf (no video: fast)"),
                            ("check", "the layout checker over every step: overlaps, frame, sizes, grids (issue 26)"),
                            ("figure", "self_attention.png (800×500), a transparent twin and a 2× print version"),
                            ("list", "the segments in playing order")]:
        sub = commands.add_parser(name, help=help_text)
        add_model_argument(sub)
        if name == "list":
            continue
        sub.add_argument("--sentence", help="your own sentence (gets the default settings)")
        default = DEFAULT_FIGURE_EXAMPLE if name == "figure" else DEFAULT_EXAMPLE
        sub.add_argument("--example", help=f"an example TOML file (default {default.relative_to(Path.cwd()) if default.is_relative_to(Path.cwd()) else default})")
        if name != "figure":  # the figure is one size, one picture
            sub.add_argument("--quality", choices=list(QUALITIES), default="medium",
                             help="low 432p15 · medium 720p30 (default) · high 1080p60 · 4k 2160p60")
            sub.add_argument("--scenes", help="a subset: numbers or names, e.g. '1,3' or 'softmax'")
            sub.add_argument("--jobs", type=int, default=2, help="parallel render processes (default 2)")
        sub.add_argument("--layer", type=int, help="with a real model: the layer, 1-based (minilm has 6, smollm2 "
                                                   "30); default 1, or the strongest for --key")
        sub.add_argument("--head", type=int, help="the head, 1-based (minilm has 12, smollm2 9); default 1, or the "
                                                  "strongest for --key")
        sub.add_argument("--query", help="the token to follow: a word of the sentence or a 1-based position")
        sub.add_argument("--key", help="with --query: a key token; picks the head (and layer) where the query "
                                       "gives it the most weight, unless --layer/--head say")
        sub.add_argument("--media-dir", type=Path, default=Path("media"), help="output root (default media/)")
        from .words.choice import add_words_arguments
        add_words_arguments(sub)  # issue 25: --lang, --captions
        if name == "render":  # classroom
            sub.add_argument("--narrate", action="store_true", help="speak every caption (offline voice) into the videos")
    from .course.cli import add_course_arguments  # issue 23: whole courses on Dask
    add_course_arguments(commands.add_parser("course", help="a course file's lessons on a Dask cluster, index.html"))
    from explorer.cli import add_explore_arguments
    add_explore_arguments(commands.add_parser("explore", help="explorer.html: one interactive offline page (seed 003)"))
    return parser


def _example(args) -> Example:
    if args.sentence and args.example:
        raise ExampleError("give SENTENCE or EXAMPLE, not both")
    layout = "figure" if args.command == "figure" else "full"
    if args.sentence is not None:
        return Example(args.sentence, layout=layout)
    default = DEFAULT_FIGURE_EXAMPLE if args.command == "figure" else DEFAULT_EXAMPLE
    example = load_example(args.example or default)
    return example.with_changes(layout=layout) if example.layout != layout else example


def _narration_dir(args, example: Example, lang: str = "en") -> str | None:
    """classroom: the speech cache of a narrated render (media/<name>/.narration); a language no
    offline voice speaks is an error here, before anything renders (not English over it)."""
    if not getattr(args, "narrate", False):
        return None
    from .pipeline.voices import voice_for
    voice_for(lang)
    return str(args.media_dir.resolve() / example.name / ".narration")


def _figure(args, example: Example, chosen) -> int:
    """self_attention.png and its twins into media/<folder>[-<lang>]/, its words in the chosen language."""
    from .context import RenderContext, use
    from .figure.subject import subject_for
    from .pipeline.figure_export import render_figure
    from .words.choice import lang_suffix

    use(RenderContext(example, lang=chosen.lang, captions=chosen.captions))  # the figure's words
    subject, folder = subject_for(example, args.model, args.layer, args.head, args.query, args.key)
    for path in render_figure(example, args.media_dir.resolve() / (folder + lang_suffix(chosen.lang)), subject):
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # one line, not a usage dump: e.g. `figure --quality high` (the figure is one size)
        parser.exit(2, f"error: `{args.command}` takes no {' '.join(unknown)} (see python -m scenes {args.command} "
                       "--help)\n")
    if args.command == "course":
        from .course.cli import run_course
        return run_course(args)
    if args.command == "explore":
        from explorer.cli import run_explore
        return run_explore(args, DEFAULT_EXAMPLE)
    from .playlist import numbered_name, playlist, select

    if args.command == "list":
        try:
            names = [numbered_name(cls, args.model) for cls in playlist(args.model)]
        except ExampleError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print("\n".join(names))
        return 0
    from .pipeline.run import RenderRequest, render
    from .words.choice import words_for_example

    try:
        # The language and the override file (flags, else the example's fields), checked before any work.
        chosen, example = words_for_example(args.lang, args.captions, _example(args))
        if args.command == "figure":
            return _figure(args, example, chosen)
        scene_classes = select(args.scenes, args.model)
        if args.jobs < 1:
            raise ExampleError("--jobs must be at least 1")
        if not is_real_model(args.model):
            from attention_math import trace_example
            trace_example(example)  # fail here, in one line, not inside a worker
        from .context import folder_name, resolve_context

        context = replace(resolve_context(example, args.model, args.layer, args.head, args.query, args.key),
                          lang=chosen.lang, captions=chosen.captions)
        # Its own folder per model, layer, head, query and key: other renders of the sentence stay.
        example = example.with_changes(name=folder_name(context))
        context = replace(context, example=example, narration_dir=_narration_dir(args, example, chosen.lang))
    except (ExampleError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "check":
        from .layout.command import run_check
        return run_check(context, scene_classes)
    request = RenderRequest(context, tuple(scene_classes), quality=args.quality, jobs=args.jobs,
                            write_video=args.command == "render", media_root=args.media_dir.resolve())
    return render(request)
