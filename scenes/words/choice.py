"""The class's language and the teacher's words as every command takes them: `--lang` (LOCALE= in
make) and `--captions FILE` (CAPTIONS=), checked before any work starts, and the folder suffix
that keeps each language's outputs apart."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from . import DEFAULT_LANGUAGE, LANGUAGES, WordsError, read_overrides


@dataclass(frozen=True)
class WordsChoice:
    lang: str = DEFAULT_LANGUAGE
    captions: str | None = None  # absolute path of the override file: workers may start elsewhere


def add_words_arguments(parser: argparse.ArgumentParser) -> None:
    """--lang and --captions on a command that makes a lesson."""
    parser.add_argument("--lang", default=None, metavar="LANG",
                        help=f"the lesson's language: {', '.join(f'{code} ({name})' for code, name in LANGUAGES.items())}; "
                             "default en")
    parser.add_argument("--captions", default=None, metavar="FILE",
                        help="a TOML file of your own words that replace the lesson's (see examples/words/my-words.toml)")


def check_language(lang: str | None, origin: str = "--lang") -> str:
    """The language code, or one line listing the languages."""
    lang = DEFAULT_LANGUAGE if lang in (None, "") else lang
    if lang not in LANGUAGES:
        raise WordsError(f"{origin}={lang!r} is not a language of the lesson: choose one of "
                         f"{', '.join(f'{code} ({name})' for code, name in LANGUAGES.items())}")
    return lang


def choose_words(lang: str | None, captions: str | os.PathLike | None, base: Path | None = None) -> WordsChoice:
    """Check the language and read the override file now (one WordsError line), so nothing renders
    with words that would fail later. A relative path is taken from `base` (default: the current folder)."""
    lang = check_language(lang)
    if captions in (None, ""):
        return WordsChoice(lang)
    path = Path(captions)
    path = (base / path if base is not None and not path.is_absolute() else path).resolve()
    if not path.is_file():
        raise WordsError(f"captions file not found: {captions}")
    read_overrides(str(path))
    return WordsChoice(lang, str(path))


def words_from_args(args: argparse.Namespace) -> WordsChoice:
    return choose_words(getattr(args, "lang", None), getattr(args, "captions", None))


def lang_suffix(lang: str) -> str:
    """media/<name>/ for English (as before), media/<name>-<lang>/ for another language."""
    return "" if lang == DEFAULT_LANGUAGE else f"-{lang}"


def words_for_example(lang: str | None, captions: str | None, example):
    """(WordsChoice, example): the command's --lang/--captions, else the example file's `lang`/`captions`
    fields, else English; the example comes back without them (the render context holds them once)."""
    chosen = choose_words(lang or example.lang or None, captions or example.captions or None)
    return chosen, example.with_changes(lang="", captions="") if (example.lang or example.captions) else example
