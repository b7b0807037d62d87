"""The words a lesson says, as data: scenes/words/<lang>/<file>.toml, one file per segment (its
`segment` name, e.g. 04-softmax.toml) and `common.toml` for the components' shared labels.

A file is TOML; nested tables flatten to dotted keys ("sum.caption", "labels.scores_title").
A text may name placeholders ({query}, {head}, {weight}) that the code fills from the trace, already
formatted (numbers keep their digits and precision in every language). The English text of a key
decides which placeholders it has: every language, and a teacher's override file (CAPTIONS=), may
use those and no others, which `check_overrides` says before anything renders.

An override file replaces any text: its top-level tables are files, e.g.
    ["04-softmax"]
    "sum.caption" = "Now add them all up."
"""
from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia", "hi": "हिन्दी", "ja": "日本語", "es": "Español"}
COMMON = "common"
# What goes between two sentences of one caption: Japanese writes 。 and goes on without a space.
SENTENCE_GAP = {"ja": ""}


class WordsError(ValueError):
    """One line for the user: an unknown language, file, key or placeholder."""


def placeholders(text: str) -> set[str]:
    """The names a text's {placeholders} use ({weight:.1f} → weight)."""
    try:
        return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as error:
        raise WordsError(f"{text[:40]!r}…: {error}") from None


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, str):
            flat[f"{prefix}{key}"] = value
        else:
            raise WordsError(f"{prefix}{key}: a text must be a string, got {type(value).__name__}")
    return flat


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise WordsError(f"{path}: {error}") from None


@lru_cache(maxsize=None)
def language_file(lang: str, name: str) -> dict[str, str]:
    """One language's texts of one file (segment or common), flattened; {} if it has none."""
    if lang not in LANGUAGES:
        raise WordsError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    path = HERE / lang / f"{name}.toml"
    return _flatten(_read(path)) if path.exists() else {}


def file_names() -> list[str]:
    """Every file the English words have (segments and common)."""
    return sorted(path.stem for path in (HERE / DEFAULT_LANGUAGE).glob("*.toml"))


@lru_cache(maxsize=16)
def read_overrides(path: str) -> dict[str, dict[str, str]]:
    """A teacher's override file, checked: file → {key: text}."""
    source = Path(path)
    if not source.is_file():
        raise WordsError(f"CAPTIONS={path}: no such file")
    overrides = {}
    for name, table in _read(source).items():
        if not isinstance(table, dict):
            raise WordsError(f"{path}: {name!r} must be a table of texts, e.g. [\"04-softmax\"] then \"sum.caption\" = \"…\"")
        overrides[name] = _flatten(table)
    check_overrides(overrides, path)
    return overrides


def check_overrides(overrides: dict[str, dict[str, str]], origin: str) -> None:
    """Every file and key known, every placeholder one the English text has: else one line."""
    names = file_names()
    for name, texts in overrides.items():
        if name not in names:
            raise WordsError(f"{origin}: no words file {name!r}; the files are {', '.join(names)}")
        english = language_file(DEFAULT_LANGUAGE, name)
        for key, text in texts.items():
            if key not in english:
                raise WordsError(f"{origin}: [{name}] has no key {key!r}; its keys are {', '.join(sorted(english))}")
            extra = placeholders(text) - placeholders(english[key])
            if extra:
                allowed = ", ".join(f"{{{p}}}" for p in sorted(placeholders(english[key]))) or "none"
                raise WordsError(f"{origin}: [{name}] {key!r} names {', '.join(f'{{{p}}}' for p in sorted(extra))}, "
                                 f"which this text does not have (it has: {allowed})")


@dataclass(frozen=True)
class Words:
    """The texts of one file in one language, with a teacher's overrides on top."""
    name: str
    lang: str = DEFAULT_LANGUAGE
    captions: str | None = None  # the override file (CAPTIONS=), or None

    def texts(self) -> dict[str, str]:
        english = language_file(DEFAULT_LANGUAGE, self.name)
        texts = dict(english) if self.lang == DEFAULT_LANGUAGE else language_file(self.lang, self.name)
        if self.captions:
            texts.update(read_overrides(self.captions).get(self.name, {}))
        return texts

    def __call__(self, key: str, /, **values) -> str:
        texts = self.texts()
        if key not in texts:
            where = "" if self.lang == DEFAULT_LANGUAGE else f" in {self.lang}"
            raise WordsError(f"words {self.name}{where} have no {key!r}; the keys are {', '.join(sorted(texts))}")
        text = texts[key]
        missing = placeholders(text) - set(values)
        if missing:  # a code path that does not give what its text names: our bug, said plainly
            raise WordsError(f"words {self.name} {key!r} needs {', '.join(sorted(missing))}")
        return text.format(**values)

    def has(self, key: str) -> bool:
        return key in self.texts()


def words(name: str) -> Words:
    """The texts of file `name` in the active render's language, with its overrides."""
    from ..context import active

    context = active()
    return Words(name, getattr(context, "lang", DEFAULT_LANGUAGE), getattr(context, "captions", None))


def common(key: str, /, **values) -> str:
    """A components' shared label (common.toml) in the active language."""
    return words(COMMON)(key, **values)


def sentences(*parts: str) -> str:
    """A caption of several sentences in the active language (empty parts left out)."""
    from ..context import active

    gap = SENTENCE_GAP.get(getattr(active(), "lang", DEFAULT_LANGUAGE), " ")
    return gap.join(part for part in parts if part)
