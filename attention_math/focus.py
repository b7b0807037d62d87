"""Which token a viewer follows: QUERY= / KEY= given as a word or a 1-based position.

A word matches a token's text as shown: case-insensitive, with the tokenizers' word markers
(WordPiece's ##, byte-level BPE's Ġ, SentencePiece's ▁) ignored; a word the tokenizer split
into pieces matches its first piece. A word that is not there, or occurs more than once, is an
error that names the choices.
"""
from __future__ import annotations

from collections.abc import Sequence

from .example import ExampleError

_MARKERS = ("##", "Ġ", "▁")
# A BPE token that begins a word: marked (Ġ, ▁), or decoded to text with its leading space (SmolLM2's " animal").
_BPE_WORD_STARTS = ("Ġ", "▁", " ")


def shown_text(token: str) -> str:
    """A token as a viewer reads it: markers off, case folded."""
    for marker in _MARKERS:
        token = token.replace(marker, "")
    return token.strip().casefold()


def _word_starts(tokens: Sequence[str]) -> list[bool]:
    """Whether each token begins a word (a WordPiece "##" piece continues the one before it)."""
    return [not token.startswith("##") for token in tokens]


def find_token(tokens: Sequence[str], spec: str | int, role: str = "QUERY") -> int:
    """The 0-based index of the token `spec` names: a 1-based position ("3", 3) or a word."""
    text = str(spec).strip()
    if not text:
        raise ExampleError(f"{role}: give a word of the sentence or a position 1–{len(tokens)}")
    if text.lstrip("-").isdigit():
        position = int(text)
        if not 1 <= position <= len(tokens):
            raise ExampleError(f"{role}={position}: positions run 1–{len(tokens)}")
        return position - 1
    wanted = shown_text(text)
    starts = _word_starts(tokens)
    matches = [i for i, token in enumerate(tokens) if starts[i] and shown_text(token) == wanted]
    if not matches:  # a word split into pieces: its first piece is the token that starts it
        matches = [i for i, token in enumerate(tokens) if starts[i] and shown_text(token) and
                   _joined_word(tokens, i) == wanted]
    if not matches:
        shown = ", ".join(f"{i + 1}:{token}" for i, token in enumerate(tokens))
        raise ExampleError(f"{role}={text!r} is not a token of this sentence; tokens are {shown}")
    if len(matches) > 1:
        places = ", ".join(str(i + 1) for i in matches)
        raise ExampleError(f"{role}={text!r} occurs {len(matches)} times (positions {places}): give its position")
    return matches[0]


def _joined_word(tokens: Sequence[str], start: int) -> str:
    """The word that starts at `start`: WordPiece ## pieces, or BPE pieces up to the next word start."""
    word = shown_text(tokens[start])
    for token in tokens[start + 1:]:
        if token.startswith("##"):
            word += shown_text(token)
        elif (tokens[start].startswith(_BPE_WORD_STARTS) and token.strip()
              and not token.startswith(_BPE_WORD_STARTS + ("[", "<"))):
            word += shown_text(token)
        else:
            break
    return word
