"""The trace data a page is built from, for each kind of example the CLI accepts."""
from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from attention_math import Example, ExampleError, load_example, trace_example

MAX_FOLDER_NAME = 64  # a 512-token sentence's slug is thousands of characters; a file name takes 255
MODEL_MAX_TOKENS = 64  # real models: WordPiece tokens with [CLS] and [SEP]; 64² cells per head stay readable
CROSS_NAME = "cross-attention"


@dataclass(frozen=True)
class PageSource:
    """What one page shows: the trace dict, an optional cross-attention dict, and where it goes."""
    name: str  # media/<name>/explorer.html
    trace: dict
    cross: dict | None = None
    title: str | None = None  # the page's heading; default: the sentence


def folder_name(name: str) -> str:
    """media/<name>/ for any sentence: a long slug is cut, and a hash of the whole keeps it unique."""
    if len(name) <= MAX_FOLDER_NAME:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[:MAX_FOLDER_NAME - 9].rstrip('-')}-{digest}"


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def toy_example(sentence: str | None, example_file: str | None, default_example: Path) -> Example:
    """The toy example for the explorer layout (up to 512 tokens)."""
    if sentence is not None:
        return Example(sentence, layout="explorer")
    return load_example(example_file or default_example).with_changes(layout="explorer")


def toy_source(example: Example) -> PageSource:
    return PageSource(folder_name(example.name), trace_example(example).to_dict())


def minilm_source(sentence: str | None, example_file: str | None) -> PageSource:
    """all-MiniLM-L6-v2 on the sentence: every layer, at most MODEL_MAX_TOKENS WordPiece tokens."""
    from attention_math.example import slugify
    from attention_math.minilm import tokenize_for_model
    from attention_math.model_export import model_trace_for_cli

    causal = None
    if example_file:
        example = load_example(example_file)
        sentence, causal = example.sentence, example.causal
    if sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    tokens, _ = tokenize_for_model(sentence)
    if len(tokens) > MODEL_MAX_TOKENS:
        raise ExampleError(f"sentence: {len(tokens)} WordPiece tokens with [CLS] and [SEP], "
                           f"but the explorer shows at most {MODEL_MAX_TOKENS} for a real model")
    args = argparse.Namespace(sentence=sentence, example=None, causal=causal)
    return PageSource(folder_name(f"{slugify(sentence)}-minilm"), model_trace_for_cli(args))


def cross_source() -> PageSource:
    """The story's translation pair: self-attention over the French words, cross-attention to the English."""
    from attention_math.story import CROSS_TARGET, cross_example

    cross = _plain(cross_example())
    title = f"{CROSS_TARGET} → {' '.join(cross['key_tokens'])}"
    return PageSource(CROSS_NAME, trace_example(Example(CROSS_TARGET)).to_dict(), cross, title)


def query_index(query: str | None, tokens: list[str]) -> int | None:
    """--query: a 1-based position or a token's text (its first occurrence); 0-based result."""
    if query is None:
        return None
    if query.isdigit():
        position = int(query)
        if not 1 <= position <= len(tokens):
            raise ExampleError(f"--query {position}: the sentence has tokens 1–{len(tokens)}")
        return position - 1
    if query in tokens:
        return tokens.index(query)
    raise ExampleError(f"--query {query!r}: no such token; tokens are {' '.join(tokens[:20])}"
                       + (" …" if len(tokens) > 20 else ""))
