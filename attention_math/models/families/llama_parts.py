"""The pieces of a Llama-style layer around attention, as frozen records: RMSNorm, SwiGLU, and the
RoPE and grouped-query views of one layer's attention (which query head reads which K/V head)."""
from __future__ import annotations

import numpy as np

from ...rope import RotaryAngles
from ...trace import AttentionTrace, _frozen
from ..decoder_records import GroupedQueryTrace, RMSNormTrace, RopeTrace, SwiGLUTrace


def _f64(matrix: np.ndarray) -> np.ndarray:
    return matrix.astype(np.float64, copy=False)


def rms_norm(x: np.ndarray, gain: np.ndarray, eps: float) -> RMSNormTrace:
    """Per row: divide by the root mean square (no mean is subtracted), then multiply by the gain."""
    rms = np.sqrt(np.mean(x * x, axis=-1) + eps)
    normalized = x / rms[:, None]
    return RMSNormTrace(input=_frozen(x), rms=_frozen(rms), normalized=_frozen(normalized),
                        gain=_frozen(gain), eps=eps, output=_frozen(normalized * gain))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^−x), written with tanh so that no exponential overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def swiglu(x: np.ndarray, weights) -> SwiGLUTrace:
    biases = getattr(weights, "mlp_biases", {})  # Llama with mlp_bias=True; none elsewhere
    gate, up = x @ _f64(weights.w_gate), x @ _f64(weights.w_up)  # cast first: mixed-dtype matmul skips BLAS
    gate, up = gate + biases.get("gate", 0.0), up + biases.get("up", 0.0)
    activated_gate = gate * sigmoid(gate)  # SiLU
    product = activated_gate * up
    return SwiGLUTrace(
        input=_frozen(x), w_gate=_frozen(weights.w_gate), w_up=_frozen(weights.w_up),
        w_down=_frozen(weights.w_down), gate=_frozen(gate), up=_frozen(up),
        activated_gate=_frozen(activated_gate), product=_frozen(product),
        output=_frozen(product @ _f64(weights.w_down) + biases.get("down", 0.0)),
    )


def _kv_heads(per_query_head: np.ndarray, config) -> np.ndarray:
    """(n, n_heads·d_k) widened K or V → (n_kv_heads, n, d_k): the first query head's copy of each."""
    n_tokens, group = per_query_head.shape[0], config.n_heads // config.n_kv_heads
    return per_query_head.reshape(n_tokens, config.n_kv_heads, group, config.d_k)[:, :, 0].transpose(1, 0, 2)


def rope_and_groups(attention: AttentionTrace, rotary: RotaryAngles, weights,
                     config) -> tuple[RopeTrace, GroupedQueryTrace]:
    n_tokens, group = attention.n_tokens, config.n_heads // config.n_kv_heads
    firsts = range(0, config.n_heads, group)  # each KV head's first query head
    rope = RopeTrace(
        angles=rotary,
        q=_frozen(attention.q.reshape(n_tokens, config.n_heads, config.d_k).transpose(1, 0, 2)),
        q_rotated=_frozen(np.stack([head.q for head in attention.heads])),
        k=_frozen(_kv_heads(attention.k, config)),
        k_rotated=_frozen(np.stack([attention.heads[h].k for h in firsts])),
    )
    v = _kv_heads(attention.v, config)
    grouped = GroupedQueryTrace(
        n_heads=config.n_heads, n_kv_heads=config.n_kv_heads,
        kv_head_of_query=tuple(h // group for h in range(config.n_heads)),
        query_heads_of_kv=tuple(tuple(range(g * group, (g + 1) * group)) for g in range(config.n_kv_heads)),
        w_k=_frozen(weights.w_k), w_v=_frozen(weights.w_v),
        k=_frozen(rope.k.transpose(1, 0, 2).reshape(n_tokens, -1)), v=_frozen(v.transpose(1, 0, 2).reshape(n_tokens, -1)),
        k_rotated=rope.k_rotated, v_by_kv_head=_frozen(v),
        kv_cache_floats_per_token=2 * config.n_kv_heads * config.d_k,
        kv_cache_floats_per_token_without_sharing=2 * config.n_heads * config.d_k,
    )
    return rope, grouped
