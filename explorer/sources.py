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


def model_source(model_name: str, sentence: str | None, example_file: str | None) -> PageSource:
    """A real model (any the registry loads) on the sentence: every layer, at most MODEL_MAX_TOKENS tokens.
    An encoder brings its whole export (patterns, rollout); a decoder only each layer's attention."""
    from attention_math.example import slugify
    from attention_math.models.export import attention_only, trace_data
    from attention_math.models.registry import resolve

    model = resolve(model_name)
    causal = None
    if example_file:
        example = load_example(example_file)
        sentence, causal = example.sentence, example.causal
    if sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    tokens, _ = model.tokenize(sentence)
    if len(tokens) > MODEL_MAX_TOKENS:
        raise ExampleError(f"sentence: {len(tokens)} {model.spec.tokens_named}, "
                           f"but the explorer shows at most {MODEL_MAX_TOKENS} for a real model")
    data = trace_data(model, sentence, causal) if model.spec.kind == "encoder" else attention_only(model, sentence)
    return PageSource(folder_name(f"{slugify(sentence)}-{model.spec.slug}"), data)


def cross_source() -> PageSource:
    """The story's translation pair: self-attention over the French words, cross-attention to the English."""
    from attention_math.story import CROSS_TARGET, cross_example

    cross = _plain(cross_example())
    title = f"{CROSS_TARGET} → {' '.join(cross['key_tokens'])}"
    return PageSource(CROSS_NAME, trace_example(Example(CROSS_TARGET)).to_dict(), cross, title)


def query_index(query: str | None, tokens: list[str]) -> int | None:
    """--query: a 1-based position or a word as the videos take it (attention_math.focus); 0-based."""
    if query is None:
        return None
    from attention_math.focus import find_token

    return find_token(tokens, query, "--query")
