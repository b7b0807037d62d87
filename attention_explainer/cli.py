"""The console command `attention-explainer render|stills|figure|explore|list|trace|doctor ...`.

A thin door onto the same entry points as `python -m scenes` and `python -m attention_math`
(the Makefile calls those): the same flags, files and one-line errors, from any folder.
`--out DIR` is `--media-dir DIR`; each subcommand's `--help` is a man page (manual.py).
"""
from __future__ import annotations

import argparse
import sys

from .manual import PAGES, manual, overview

SCENES_COMMANDS = ("render", "stills", "figure", "explore", "list")


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:  # argparse keeps subcommands in its one _SubParsersAction
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(name)
    return None


def options_help(command: str) -> str:
    """The option list of the parser that really runs `command`."""
    if command == "trace":
        parser = _trace_parser()
    elif command == "doctor":
        from .doctor import parser as doctor_parser

        parser = doctor_parser()
    else:
        from scenes.cli import _parser

        parser = _subparser(_parser(), command)
    parser.prog = f"attention-explainer {command}"
    text = parser.format_help()
    if command in SCENES_COMMANDS and "--media-dir" in text:
        text += "  --out DIR             the same as --media-dir DIR\n"
    return text


def _trace_parser() -> argparse.ArgumentParser:
    from attention_math.cli import example_arguments
    from attention_math.models.registry import add_model_argument

    parser = argparse.ArgumentParser(prog="attention-explainer trace")
    example_arguments(parser)
    add_model_argument(parser)
    parser.add_argument("--indent", type=int, default=None, help="pretty-print JSON")
    return parser


def _scenes_command(command: str) -> bool:
    from scenes.cli import _parser

    return not command.startswith("-") and _subparser(_parser(), command) is not None


def _out_is_media_dir(arguments: list[str]) -> list[str]:
    return ["--media-dir" if a == "--out" else "--media-dir=" + a[6:] if a.startswith("--out=") else a
            for a in arguments]


def run(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(overview())
        return 0 if argv else 2
    if argv[0] == "--version":
        from . import __version__

        print(f"attention-explainer {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in PAGES and _scenes_command(command):  # a subcommand added later (course) passes through
        from scenes.cli import main as scenes_main

        return scenes_main([command, *_out_is_media_dir(rest)])
    if command not in PAGES:
        print(f"error: no command {command!r}; choose one of {', '.join(PAGES)} (attention-explainer --help)",
              file=sys.stderr)
        return 2
    if "-h" in rest or "--help" in rest:
        print(manual(command, options_help(command)))
        return 0
    if command == "trace":
        from attention_math.cli import main as trace_main

        return trace_main(["trace", *rest])
    if command == "doctor":
        from .doctor import main as doctor_main

        return doctor_main(rest)
    from scenes.cli import main as scenes_main

    return scenes_main([command, *_out_is_media_dir(rest)])


def main(argv: list[str] | None = None) -> int:
    try:
        return run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:  # Ctrl-C before a render starts (a render handles its own)
        print("interrupted (SIGINT): stopped; finished files were kept, none is half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
