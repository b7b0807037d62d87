"""Which word of the sentence each token covers, for any tokenizer's tokens (two-model page).

Words are the sentence's whitespace-separated words. A token is matched to the sentence text:
WordPiece's "##" and byte-level BPE's leading space (or "Ġ") are dropped, and both sides are
compared lower-cased without accents (uncased WordPiece lower-cases and strips them). A token that
matches nothing there ([CLS], [SEP], <s>, a partial byte) covers no word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Alignment:
    words: list[str]  # the sentence's words, in order
    token_words: list[int | None]  # per token: the index of the word it lies in, or None


def _folded(text: str) -> tuple[str, list[int]]:
    """Lower-cased, accents removed, and for each folded character the index of its original one."""
    chars, origin = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char).lower():
            if not unicodedata.combining(part):
                chars.append(part)
                origin.append(index)
    return "".join(chars), origin


def _piece_text(token: str) -> str:
    text = token[2:] if token.startswith("##") else token
    return _folded(text.replace("Ġ", " ").replace("▁", " ").strip())[0]


def align_tokens(sentence: str, tokens: list[str]) -> Alignment:
    """Each token's word: tokens are matched in order, each from where the previous one ended."""
    spans = [match.span() for match in re.finditer(r"\S+", sentence)]
    word_at = [None] * len(sentence)
    for number, (start, end) in enumerate(spans):
        for position in range(start, end):
            word_at[position] = number
    folded, origin = _folded(sentence)
    cursor, found = 0, []
    for token in tokens:
        piece = _piece_text(token)
        at = -1
        if piece:
            start = cursor
            while start < len(folded) and folded[start].isspace():
                start += 1
            at = start if folded.startswith(piece, start) else -1
        if at < 0:
            found.append(None)
            continue
        found.append(word_at[origin[at]])
        cursor = at + len(piece)
    return Alignment([sentence[s:e] for s, e in spans], found)
