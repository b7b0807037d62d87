"""Our trace equals PyTorch's attention, for random shapes, causal on and off."""
import numpy as np
import pytest

from attention_math import attention_trace

torch = pytest.importorskip("torch")
F = torch.nn.functional

CASES = [  # (tokens, d_model, heads, causal), spread over the asked ranges
    (1, 4, 1, False), (2, 8, 2, True), (3, 6, 3, False), (5, 16, 4, True),
    (7, 24, 8, False), (8, 64, 8, True), (11, 32, 2, False), (16, 64, 4, True),
    (16, 48, 6, False), (13, 40, 5, True), (4, 64, 1, True), (9, 56, 7, False),
]


def random_case(n, d_model, heads, causal, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model))
    weights = {name: rng.normal(scale=d_model**-0.5, size=(d_model, d_model)) for name in ("w_q", "w_k", "w_v", "w_o")}
    return attention_trace(tuple(f"t{i}" for i in range(n)), x, n_heads=heads, causal=causal, **weights)


@pytest.mark.parametrize("n,d_model,heads,causal", CASES)
def test_heads_equal_scaled_dot_product_attention(n, d_model, heads, causal):
    trace = random_case(n, d_model, heads, causal, seed=n * 100 + d_model)
    for head in trace.heads:
        q, k, v = (torch.from_numpy(np.array(a)) for a in (head.q, head.k, head.v))
        expected_out = F.scaled_dot_product_attention(q[None], k[None], v[None], is_causal=causal)[0]
        expected_weights = torch.softmax(
            (q @ k.T) / np.sqrt(trace.d_k)
            + (torch.triu(torch.full((n, n), float("-inf"), dtype=torch.float64), 1) if causal else 0),
            dim=-1,
        )
        np.testing.assert_allclose(head.output, expected_out.numpy(), atol=1e-6, rtol=0)
        np.testing.assert_allclose(head.weights, expected_weights.numpy(), atol=1e-6, rtol=0)


@pytest.mark.parametrize("n,d_model,heads,causal", CASES)
def test_trace_equals_multihead_attention(n, d_model, heads, causal):
    trace = random_case(n, d_model, heads, causal, seed=n * 7 + heads)
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        # torch computes x @ W.T, we compute x @ W.
        mha.in_proj_weight.copy_(torch.from_numpy(np.concatenate([trace.w_q.T, trace.w_k.T, trace.w_v.T])))
        mha.out_proj.weight.copy_(torch.from_numpy(np.array(trace.w_o.T)))
        x = torch.from_numpy(np.array(trace.x))[None]
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), 1) if causal else None
        out, weights = mha(x, x, x, attn_mask=mask, need_weights=True, average_attn_weights=False)
    np.testing.assert_allclose(trace.output, out[0].numpy(), atol=1e-6, rtol=0)
    for head in trace.heads:
        np.testing.assert_allclose(head.weights, weights[0, head.index].numpy(), atol=1e-6, rtol=0)
