"""Cross-attention (queries from one sequence, keys and values from another) equals PyTorch's
scaled_dot_product_attention for different query and key lengths, and reduces to
self-attention when both sequences are the same."""
import numpy as np
import pytest

from attention_math import attention_trace
from attention_math.cross import cross_attention_trace
from attention_math.story import CROSS_SOURCE, CROSS_TARGET, cross_example

torch = pytest.importorskip("torch")
F = torch.nn.functional

CASES = [(3, 4, 4, 2), (1, 7, 8, 2), (6, 2, 6, 3), (5, 9, 16, 4), (2, 11, 12, 1)]  # (m queries, n keys, d, heads)


def random_cross(m, n, d_model, heads, seed):
    rng = np.random.default_rng(seed)
    query_x, key_x = rng.normal(size=(m, d_model)), rng.normal(size=(n, d_model))
    w = {name: rng.normal(scale=d_model**-0.5, size=(d_model, d_model)) for name in ("w_q", "w_k", "w_v", "w_o")}
    trace = cross_attention_trace(tuple(f"q{i}" for i in range(m)), query_x, tuple(f"k{j}" for j in range(n)), key_x,
                                  w["w_q"], w["w_k"], w["w_v"], heads, w_o=w["w_o"])
    return trace, query_x, key_x, w


@pytest.mark.parametrize("m,n,d_model,heads", CASES)
def test_cross_attention_equals_scaled_dot_product_attention(m, n, d_model, heads):
    trace, query_x, key_x, w = random_cross(m, n, d_model, heads, seed=m * 100 + n)
    d_k = d_model // heads
    to_heads = lambda a, rows: torch.from_numpy(a).reshape(rows, heads, d_k).transpose(0, 1)
    q = to_heads(query_x @ w["w_q"], m)
    k, v = to_heads(key_x @ w["w_k"], n), to_heads(key_x @ w["w_v"], n)
    expected = F.scaled_dot_product_attention(q, k, v)  # (heads, m, d_k)
    expected_weights = torch.softmax(q @ k.transpose(1, 2) / np.sqrt(d_k), dim=-1)
    for h, head in enumerate(trace.heads):
        assert head.weights.shape == (m, n) and head.output.shape == (m, d_k)
        np.testing.assert_allclose(head.output, expected[h].numpy(), atol=1e-10, rtol=0)
        np.testing.assert_allclose(head.weights, expected_weights[h].numpy(), atol=1e-10, rtol=0)
    concat = expected.transpose(0, 1).reshape(m, d_model).numpy()
    np.testing.assert_allclose(trace.output, concat @ w["w_o"], atol=1e-10, rtol=0)


def test_same_sequence_is_self_attention():
    trace, query_x, _, w = random_cross(5, 5, 8, 2, seed=7)
    own = cross_attention_trace(trace.query_tokens, query_x, trace.query_tokens, query_x, w["w_q"], w["w_k"], w["w_v"],
                                2, w_o=w["w_o"])
    reference = attention_trace(trace.query_tokens, query_x, w["w_q"], w["w_k"], w["w_v"], w["w_o"], n_heads=2)
    for ours, theirs in zip(own.heads, reference.heads):
        np.testing.assert_allclose(ours.weights, theirs.weights, atol=1e-6)
    np.testing.assert_allclose(own.output, reference.output, atol=1e-6)


def test_translation_example_is_m_by_n_and_deterministic():
    trace = cross_example()
    assert trace.query_tokens == tuple(CROSS_TARGET.split()) and trace.key_tokens == tuple(CROSS_SOURCE.split())
    assert trace.heads[0].weights.shape == (len(trace.query_tokens), len(trace.key_tokens))
    np.testing.assert_allclose(trace.heads[0].weights.sum(axis=1), 1.0)
    np.testing.assert_array_equal(trace.heads[0].weights, cross_example().heads[0].weights)


def test_mismatched_inputs_are_refused():
    with pytest.raises(ValueError):
        cross_attention_trace(("a",), np.ones((1, 4)), ("b",), np.ones((1, 6)), *(np.eye(4),) * 3, 2)
    with pytest.raises(ValueError):
        cross_attention_trace(("a", "b"), np.ones((1, 4)), ("c",), np.ones((1, 4)), *(np.eye(4),) * 3, 2)
