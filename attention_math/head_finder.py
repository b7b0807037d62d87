"""Which head links two tokens most strongly: the one whose query row gives the key the most weight.

Model-agnostic: it reads only `trace.layers[l].attention.heads[h].weights`, so it works on
MiniLM's and SmolLM2's traces alike (and on anything laid out the same way).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .example import ExampleError


@dataclass(frozen=True)
class StrongestHead:
    layer: int  # 0-based; shown as "layer layer+1"
    head: int  # 0-based
    weight: float  # weights[query, key] in that head


def strongest_head(trace: Any, query: int, key: int) -> StrongestHead:
    """The (layer, head) where token `query` gives token `key` the largest softmax weight.

    Ties go to the earliest layer, then the lowest head. Raises ExampleError for an index out of
    range, or for a key a causal model's query cannot see (every head gives it exactly 0).
    """
    n_tokens = len(trace.tokens)
    for name, index in (("query", query), ("key", key)):
        if not 0 <= index < n_tokens:
            raise ExampleError(f"{name} token index must be 0–{n_tokens - 1}, got {index}")
    if getattr(trace, "causal", False) and key > query:
        raise ExampleError(f"a causal model's query {query} cannot see the later key {key}")
    weights = np.array([[head.weights[query, key] for head in layer.attention.heads] for layer in trace.layers])
    layer, head = np.unravel_index(int(np.argmax(weights)), weights.shape)  # argmax: first of ties
    return StrongestHead(layer=int(layer), head=int(head), weight=float(weights[layer, head]))
