"""`python -m scenes explore ...`: write media/<name>/explorer.html (the subcommand's logic)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from attention_math import ExampleError

from .page import build_page, write_page
from attention_math.models.registry import add_model_argument, resolve

from .sources import PageSource, cross_source, model_source, query_index, toy_example, toy_source


def add_explore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sentence", help="your own sentence (toy model: up to 512 tokens)")
    parser.add_argument("--example", help="an example TOML file")
    add_model_argument(parser)
    parser.add_argument("--cross", action="store_true",
                        help="the translation example: self- and cross-attention side by side")
    parser.add_argument("--query", help="the query to focus first: a 1-based position or a token")
    parser.add_argument("--layer", type=int, default=1, help="layer to open on (1-based)")
    parser.add_argument("--head", type=int, default=1, help="head to open on (1-based)")
    parser.add_argument("--media-dir", type=Path, default=Path("media"), help="output root (default media/)")


def _source(args: argparse.Namespace, default_example: Path) -> PageSource:
    if args.sentence is not None and args.example:
        raise ExampleError("give SENTENCE or EXAMPLE, not both")
    real = resolve(args.model).spec.trained
    if args.cross:
        if args.sentence is not None or args.example or real:
            raise ExampleError("--cross shows its own translation example: drop --sentence, --example and --model")
        return cross_source()
    if real:
        return model_source(args.model, args.sentence, args.example)
    return toy_source(toy_example(args.sentence, args.example, default_example))


def run_explore(args: argparse.Namespace, default_example: Path) -> int:
    """Build and write the page; bad input gives one error line and exit code 2, and no file."""
    try:
        source = _source(args, default_example)
        query = query_index(args.query, list(source.trace["tokens"]))
        text = build_page(source.trace, cross=source.cross, title=source.title, layer=args.layer - 1, head=args.head - 1, query=query)
    except (ExampleError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(write_page(args.media_dir.resolve() / source.name / "explorer.html", text))
    return 0
