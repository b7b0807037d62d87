"""Two models, one sentence: one page with both explorers side by side and, above them, the sentence's
words with each model's pieces under them (WordPiece, byte-level BPE, ...) and how much attention the
followed word gives to each word in either model. The same query is followed in both.

Takes any two traces of the same shape (`tokens` and `layers[l].attention.heads[h].weights`, or a
toy trace's `heads`), whichever model made them.
"""
from __future__ import annotations

import html
import json

from .align import align_tokens
from .page import (STATIC, _fill, _script_text, default_query, document, explorer_data, fill_words, instance_html,
                   interface)

PREFIXES = ("a-", "b-")


def last_pieces(token_words: list[int | None], words: int) -> list[int | None]:
    """For each word, the index of its last token (the one that has read the whole word), or None."""
    last: list[int | None] = [None] * words
    for index, word in enumerate(token_words):
        if word is not None:
            last[word] = index
    return last


def start_word(token_words: list[int | None], query: int) -> int:
    """The word of the query token, or of the nearest token before it that covers a word."""
    for index in range(query, -1, -1):
        if token_words[index] is not None:
            return token_words[index]
    return next(word for word in token_words if word is not None)


def build_pair_page(first: dict, second: dict, sentence: str, *, query: int | None = None,
                    title: str | None = None, lang: str = "en", captions: str | None = None) -> str:
    """The two-model page. `query`: a 0-based token of the first trace to follow first (default: the
    page's usual start); the second model follows the same word."""
    alignments = [align_tokens(sentence, list(trace["tokens"])) for trace in (first, second)]
    for trace, alignment in zip((first, second), alignments):
        if all(word is None for word in alignment.token_words):
            raise ValueError(f"{trace.get('model', 'a model')}: no token matches a word of the sentence")
    word = start_word(alignments[0].token_words, default_query(first) if query is None else query)
    models, bodies = [], []
    for prefix, trace, alignment in zip(PREFIXES, (first, second), alignments):
        last = last_pieces(alignment.token_words, len(alignment.words))
        start = last[word] if last[word] is not None else default_query(trace)
        meta, payload = explorer_data(trace, title=sentence, query=start, lang=lang, captions=captions)
        models.append({"prefix": prefix, "model": meta["model"], "tokenWords": alignment.token_words, "lastPieces": last})
        bodies.append(instance_html(meta, payload, prefix, start=False))
    pair = {"sentence": sentence, "words": alignments[0].words, "models": models, "startWord": word}
    words = interface(lang, captions)
    title = title or words("pair.title", first=models[0]["model"], second=models[1]["model"], sentence=sentence)
    body = _fill(fill_words((STATIC / "pair.html").read_text(encoding="utf-8"), words.texts()), {
        "{{TITLE}}": html.escape(title),
        "{{PAIR}}": _script_text(json.dumps(pair, ensure_ascii=False, separators=(",", ":"))),
        "{{FIRST}}": bodies[0], "{{SECOND}}": bodies[1],
    })
    return document(words("pair.document_title", sentence=sentence), body, lang)
