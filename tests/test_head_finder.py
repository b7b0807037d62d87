"""strongest_head: the (layer, head) where a query gives a key the most weight, for any model's trace."""
from types import SimpleNamespace

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.head_finder import StrongestHead, strongest_head
from attention_math.models.minilm import model_trace as minilm_trace


def fake_trace(weights: np.ndarray, causal: bool = False) -> SimpleNamespace:
    """A trace laid out as the real ones: layers[l].attention.heads[h].weights."""
    layers = tuple(
        SimpleNamespace(attention=SimpleNamespace(heads=tuple(SimpleNamespace(weights=w) for w in layer)))
        for layer in weights
    )
    return SimpleNamespace(tokens=tuple("abc"), layers=layers, causal=causal)


def test_finds_the_largest_weight_and_breaks_ties_by_the_earliest_head():
    weights = np.full((2, 3, 3, 3), 1 / 3)
    weights[1, 2, 2, 0] = 0.9
    weights[0, 1, 1, 2] = weights[1, 0, 1, 2] = 0.8  # a tie: layer 0 wins
    trace = fake_trace(weights)
    assert strongest_head(trace, 2, 0) == StrongestHead(layer=1, head=2, weight=0.9)
    assert strongest_head(trace, 1, 2) == StrongestHead(layer=0, head=1, weight=0.8)


@pytest.mark.parametrize("query,key,message", [
    (3, 0, "query token index must be 0–2, got 3"),
    (0, -1, "key token index must be 0–2, got -1"),
])
def test_indices_out_of_range_are_one_line_errors(query, key, message):
    with pytest.raises(ExampleError, match=f"^{message}$"):
        strongest_head(fake_trace(np.full((1, 1, 3, 3), 1 / 3)), query, key)


def test_a_causal_query_cannot_look_ahead():
    with pytest.raises(ExampleError, match="cannot see the later key 2"):
        strongest_head(fake_trace(np.full((1, 1, 3, 3), 1 / 3), causal=True), 0, 2)


def test_works_on_the_real_minilm_trace():
    trace = minilm_trace("The bank of the river flooded")
    query, key = trace.tokens.index("bank"), trace.tokens.index("river")
    found = strongest_head(trace, query, key)
    assert found.weight == trace.attention_weights[:, :, query, key].max()
    assert trace.layers[found.layer].attention.heads[found.head].weights[query, key] == found.weight
