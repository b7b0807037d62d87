"""Tokens, folder names and character checks for a sentence in any script.

Text is cut into grapheme clusters first (the `regex` package's \\X, Unicode's rules), so
a vowel sign, a virama, an accent, a variation selector or a ZWJ emoji sequence always
stays with the character it belongs to. Graphemes then make tokens:
- runs of letters, marks and digits (in scripts written with spaces) are one word;
- scripts written without spaces between words (Han, kana, Thai, ...) give one token per
  grapheme: we have no dictionary to find their words, and a grapheme is honest;
- every other grapheme (punctuation, symbols, emoji) is a token of its own.
Tokens keep the sentence's logical order, right-to-left scripts included.
"""
from __future__ import annotations

import hashlib
import unicodedata

import regex

_GRAPHEME = regex.compile(r"\X")
_WORD_START = regex.compile(r"[\p{L}\p{M}\p{N}_]")
# Script_Extensions, so marks shared by kana (ー, ゙) count as kana.
_UNSPACED = regex.compile(
    r"[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Bopomofo}\p{scx=Thai}\p{scx=Lao}"
    r"\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Tai_Tham}\p{scx=Tai_Viet}\p{scx=New_Tai_Lue}]"
)
# Emoji stay whole and alone even when they start with a digit (keycaps: 1️⃣).
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3|\ufe0f")
# Bidi embeddings, overrides and isolates would reorder what the viewer sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SLUG_MAX_CHARS = 48
HASH_CHARS = 6
_HASH_SUFFIX = regex.compile(rf"-[0-9a-f]{{{HASH_CHARS}}}$")


def graphemes(text: str) -> list[str]:
    """User-perceived characters: "लॉन्च" → ["लॉ", "न्च"], "❤️" stays one."""
    return _GRAPHEME.findall(text)


def _kind(grapheme: str) -> str:
    first = grapheme[0]
    if first.isspace():
        return "space"
    if _EMOJI.search(grapheme):
        return "alone"
    if _UNSPACED.match(first):
        return "alone"
    return "word" if _WORD_START.match(first) else "alone"


def tokenize(sentence: str) -> tuple[str, ...]:
    """Words, punctuation and unspaced-script graphemes, in logical order, case kept:
    "The cat." → ("The", "cat", "."); "猫が座った" → ("猫", "が", "座", "っ", "た")."""
    tokens: list[str] = []
    word: list[str] = []
    for grapheme in graphemes(unicodedata.normalize("NFC", sentence)):
        kind = _kind(grapheme)
        if kind == "word":
            word.append(grapheme)
            continue
        if word:
            tokens.append("".join(word))
            word = []
        if kind == "alone":
            tokens.append(grapheme)
    if word:
        tokens.append("".join(word))
    return tuple(tokens)


def character_problem(sentence: str) -> str | None:
    """Why a sentence can't be shown as typed (one line naming the character), or None."""
    for index, char in enumerate(sentence):
        category = unicodedata.category(char)
        name = f"U+{ord(char):04X}"
        if category == "Cc" and not char.isspace():
            return f"control character {name} at position {index + 1}; remove it"
        if char in _BIDI_CONTROLS:
            return f"bidirectional control {name} at position {index + 1}; tokens keep their typed order"
        if category in ("Cs", "Co", "Cn"):
            kind = {"Cs": "a lone surrogate", "Co": "a private-use character", "Cn": "unassigned in Unicode"}
            return f"{name} at position {index + 1} is {kind[category]}: no font can draw it"
    for grapheme in graphemes(sentence):
        if grapheme[0].isspace() and len(grapheme) > 1:
            mark = grapheme[1]
            return f"the mark U+{ord(mark):04X} follows a space: nothing to attach it to"
    return None


def _slug_core(text: str) -> str:
    """Lowercase letters and digits of any script, with their marks; every other run
    (spaces, punctuation, emoji, a stray mark) becomes one '-'."""
    kept = [g if regex.match(r"[\p{L}\p{N}]", g) and not _EMOJI.search(g) else "-"
            for g in graphemes(unicodedata.normalize("NFC", text).lower())]
    return regex.sub(r"-+", "-", "".join(kept)).strip("-")


def is_slug(name: str) -> bool:
    return bool(name) and _slug_core(name) == name


def _shorten(core: str) -> str:
    """At most SLUG_MAX_CHARS, cut at a '-' when there is one, never inside a grapheme."""
    kept = ""
    for grapheme in graphemes(core):
        if len(kept) + len(grapheme) > SLUG_MAX_CHARS:
            return kept.rsplit("-", 1)[0] if "-" in kept else kept
        kept += grapheme
    return kept


def slugify(sentence: str) -> str:
    """A folder name for a sentence: its readable slug, plus a short hash of the exact
    sentence whenever the slug dropped anything (case, punctuation, extra spaces, length),
    so two different sentences never share a folder. "river bank flows" → itself;
    "The cat sat." → "the-cat-sat-<6 hex>"; "🍕!" → "sentence-<6 hex>"."""
    core = _slug_core(sentence)
    short = _shorten(core)
    # A readable slug ending like a hash suffix gets one too, so it can't be mistaken for one.
    if short and short.replace("-", " ") == sentence and not _HASH_SUFFIX.search(short):
        return short
    digest = hashlib.sha256(sentence.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    return f"{short or 'sentence'}-{digest}"
