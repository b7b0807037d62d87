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


def smollm2_source(sentence: str | None, example_file: str | None) -> PageSource:
    """SmolLM2-135M (causal) on the prompt: every layer's attention, at most MODEL_MAX_TOKENS tokens.
    Only the attention of each layer goes into the page (the MLP and the fixed weights stay out)."""
    from attention_math.example import slugify
    from attention_math.smollm2 import model_trace

    if example_file:
        sentence = load_example(example_file).sentence
    if sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    trace = model_trace(sentence)
    if len(trace.tokens) > MODEL_MAX_TOKENS:
        raise ExampleError(f"sentence: {len(trace.tokens)} byte-level BPE tokens, "
                           f"but the explorer shows at most {MODEL_MAX_TOKENS} for a real model")
    layers = [{"index": layer.index, "attention": layer.attention.to_dict(omit=("w_q", "w_k", "w_v", "w_o"))}
              for layer in trace.layers]
    data = {"model": "SmolLM2-135M-Instruct", "sentence": trace.sentence, "causal": True,
            "tokens": list(trace.tokens), "layers": layers}
    return PageSource(folder_name(f"{slugify(sentence)}-smollm2"), data)


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
