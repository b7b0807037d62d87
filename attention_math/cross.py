"""Cross-attention: queries from one sequence, keys and values from another.

In translation, the words being written (m of them) ask the questions and the source
sentence (n words) answers them: the weights form an m × n grid instead of self-attention's
n × n. Same conventions as the self-attention trace: rows are queries, columns are keys,
softmax along each row, X @ W, and head h owns columns h·d_k … (h+1)·d_k − 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .softmax import masked_softmax
from .trace import HeadTrace, _frozen


@dataclass(frozen=True)
class CrossAttentionTrace:
    query_tokens: tuple[str, ...]  # m tokens: the sequence that asks
    key_tokens: tuple[str, ...]  # n tokens: the sequence that answers (keys and values)
    d_model: int
    d_k: int
    n_heads: int
    precision: int
    query_x: np.ndarray  # (m, d_model)
    key_x: np.ndarray  # (n, d_model)
    w_q: np.ndarray  # (d_model, d_model)
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    q: np.ndarray  # (m, d_model) = query_x @ w_q
    k: np.ndarray  # (n, d_model) = key_x @ w_k
    v: np.ndarray  # (n, d_model) = key_x @ w_v
    scale: float  # 1 / sqrt(d_k)
    heads: tuple[HeadTrace, ...]  # per head: q (m, d_k), k and v (n, d_k), scores … weights (m, n), output (m, d_k)
    concat: np.ndarray  # (m, d_model)
    output: np.ndarray  # (m, d_model) = concat @ w_o


def cross_attention_trace(
    query_tokens: tuple[str, ...],
    query_x: np.ndarray,
    key_tokens: tuple[str, ...],
    key_x: np.ndarray,
    w_q: np.ndarray,
    w_k: np.ndarray,
    w_v: np.ndarray,
    n_heads: int,
    *,
    w_o: np.ndarray | None = None,
    precision: int = 2,
) -> CrossAttentionTrace:
    """Multi-head attention of query_x (m, d) over key_x (n, d), keeping every intermediate value.

    No mask: every query may look at every source token (a decoder's causal mask applies to
    its self-attention, not to cross-attention).
    """
    query_x = np.asarray(query_x, dtype=np.float64)
    key_x = np.asarray(key_x, dtype=np.float64)
    m, d_model = query_x.shape
    n = key_x.shape[0]
    if key_x.shape[1] != d_model:
        raise ValueError(f"query and key inputs differ in width: {d_model} vs {key_x.shape[1]}")
    if d_model % n_heads:
        raise ValueError(f"d_model {d_model} is not divisible by {n_heads} heads")
    if len(query_tokens) != m or len(key_tokens) != n:
        raise ValueError("one token per input row, for queries and for keys")
    d_k = d_model // n_heads
    w_o = np.eye(d_model) if w_o is None else np.asarray(w_o, dtype=np.float64)
    q, k, v = query_x @ w_q, key_x @ w_k, key_x @ w_v
    scale = 1.0 / np.sqrt(d_k)

    heads = []
    for h in range(n_heads):
        columns = slice(h * d_k, (h + 1) * d_k)
        q_h, k_h, v_h = q[:, columns], k[:, columns], v[:, columns]
        scores = q_h @ k_h.T
        scaled = scores * scale
        weights = masked_softmax(scaled)
        heads.append(HeadTrace(
            index=h, q=_frozen(q_h), k=_frozen(k_h), v=_frozen(v_h), scores=_frozen(scores),
            scaled_scores=_frozen(scaled), masked_scores=_frozen(scaled), weights=_frozen(weights),
            output=_frozen(weights @ v_h),
        ))
    concat = np.concatenate([head.output for head in heads], axis=1)
    return CrossAttentionTrace(
        query_tokens=tuple(query_tokens), key_tokens=tuple(key_tokens), d_model=d_model, d_k=d_k,
        n_heads=n_heads, precision=precision, query_x=_frozen(query_x), key_x=_frozen(key_x),
        w_q=_frozen(w_q), w_k=_frozen(w_k), w_v=_frozen(w_v), w_o=_frozen(w_o), q=_frozen(q), k=_frozen(k),
        v=_frozen(v), scale=float(scale), heads=tuple(heads), concat=_frozen(concat),
        output=_frozen(concat @ w_o),
    )
