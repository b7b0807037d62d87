"""`python -m scenes explore ...`: write media/<name>/explorer.html (the subcommand's logic)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from attention_math import ExampleError, load_example
from attention_math.models.registry import add_model_argument, resolve

from .page import build_page, write_page
from .sources import PageSource, cross_source, folder_name, model_source, query_index, toy_example, toy_source


def add_explore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sentence", help="your own sentence (toy model: up to 512 tokens)")
    parser.add_argument("--example", help="an example TOML file")
    add_model_argument(parser)
    parser.add_argument("--compare", metavar="MODEL",
                        help="a second model on the same sentence, both in one page (any model --model takes)")
    parser.add_argument("--cross", action="store_true",
                        help="the translation example: self- and cross-attention side by side")
    parser.add_argument("--query", help="the query to focus first: a 1-based position or a token")
    parser.add_argument("--layer", type=int, default=1, help="layer to open on (1-based)")
    parser.add_argument("--head", type=int, default=1, help="head to open on (1-based)")
    parser.add_argument("--media-dir", type=Path, default=Path("media"), help="output root (default media/)")
    from scenes.words.choice import add_words_arguments
    add_words_arguments(parser)  # the page's language (its interface words) and a words file


def any_source(model: str, sentence: str | None, example: str | None, default_example: Path) -> PageSource:
    """The page source of one model (anything the registry resolves) on the sentence or example."""
    if resolve(model).spec.trained:
        return model_source(model, sentence, example)
    return toy_source(toy_example(sentence, example, default_example))


def _source(args: argparse.Namespace, default_example: Path) -> PageSource:
    if args.sentence is not None and args.example:
        raise ExampleError("give SENTENCE or EXAMPLE, not both")
    if args.cross:
        if args.sentence is not None or args.example or resolve(args.model).spec.trained or args.compare:
            raise ExampleError("--cross shows its own translation example: drop --sentence, --example, --model and --compare")
        return cross_source()
    return any_source(args.model, args.sentence, args.example, default_example)


def _pair_page(args: argparse.Namespace, default_example: Path, first: PageSource) -> tuple[Path, str]:
    """--compare: both models on the sentence in one page, media/<sentence>-<model>-vs-<model>/."""
    from attention_math.example import slugify

    from .pair import build_pair_page

    sentence = args.sentence if args.sentence is not None else load_example(args.example or default_example).sentence
    second = any_source(args.compare, sentence, None, default_example)
    query = query_index(args.query, list(first.trace["tokens"]))
    text = build_pair_page(first.trace, second.trace, sentence, query=query, lang=args.words.lang,
                           captions=args.words.captions)
    slugs = [resolve(name).spec.slug or slugify(name) for name in (args.model, args.compare)]
    return Path(folder_name(f"{slugify(sentence)}-{slugs[0]}-vs-{slugs[1]}")), text


def run_explore(args: argparse.Namespace, default_example: Path) -> int:
    """Build and write the page; bad input gives one error line and exit code 2, and no file."""
    from scenes.words.choice import choose_words, lang_suffix

    try:
        example = load_example(args.example) if args.example and not args.sentence else None
        words = choose_words(args.lang or (example.lang if example else None) or None,
                             args.captions or (example.captions if example else None) or None)
        args.words = words  # the pair page reads them too
        source = _source(args, default_example)
        if args.compare:
            folder, text = _pair_page(args, default_example, source)
        else:
            query = query_index(args.query, list(source.trace["tokens"]))
            text = build_page(source.trace, cross=source.cross, title=source.title, layer=args.layer - 1,
                              head=args.head - 1, query=query, lang=words.lang, captions=words.captions)
            folder = Path(source.name)
        folder = folder.with_name(folder.name + lang_suffix(words.lang))
    except (ExampleError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(write_page(args.media_dir.resolve() / folder / "explorer.html", text))
    return 0
