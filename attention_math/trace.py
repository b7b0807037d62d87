"""The trace: every intermediate value of multi-head self-attention, computed once, frozen.

Conventions: rows are queries, columns are keys; softmax runs along each row.
Matrices multiply from the right, X @ W, so W has shape (d_in, d_out).
Per-head values are column slices of the full projections (head h owns
columns h·d_k … (h+1)·d_k − 1), exactly as torch.nn.MultiheadAttention splits them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .example import Example
from .head_patterns import classify_head
from .plain import _nan_to_none, plain_data
from .softmax import masked_softmax_rows
from .weights import input_decimals, projection_weights, quantise, sinusoidal_encoding, static_embedding
from .worked import (BlendRow, HeadPattern, LazyRows, SoftmaxRow, blend_row, needs_shift, row_percentages,
                     softmax_row)


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only float64 (or bool) array; a view when no conversion is needed (large traces). A
    checkpoint's float32 weights stay float32 (exact, and half the memory of a 1B model's copy)."""
    array = np.asarray(array)
    if array.dtype not in (np.float64, np.float32, np.bool_):
        array = array.astype(np.float64)
    view = array.view()
    view.setflags(write=False)
    return view


@dataclass(frozen=True)
class HeadTrace:
    index: int  # 0-based; shown as "head index+1"
    q: np.ndarray  # (n, d_k); with rotary positions (RoPE), after the rotation
    k: np.ndarray  # (n, d_k); likewise
    v: np.ndarray  # (n, d_k)
    scores: np.ndarray  # (n, n) = q @ k.T
    scaled_scores: np.ndarray  # scores * scale
    masked_scores: np.ndarray  # scaled_scores, -inf where the mask hides a key
    weights: np.ndarray  # softmax per row; masked entries exactly 0
    output: np.ndarray  # (n, d_k) = weights @ v

    # Worked values, built on first use (attention_math/worked.py): what segments spell out.
    @cached_property
    def percentages(self) -> np.ndarray:
        """(n, n) each row's weights as whole percentages adding to exactly 100."""
        return row_percentages(self.weights)

    @cached_property
    def softmax_shifted(self) -> bool:
        """Whether this head's worked softmax rows show e^(s − m) (its scores are too large for e^s)."""
        return needs_shift(self.masked_scores)

    @cached_property
    def softmax_rows(self) -> LazyRows[SoftmaxRow]:
        return LazyRows(len(self.weights), lambda i: softmax_row(self.masked_scores, self.weights, i,
                                                                 self.softmax_shifted))

    @cached_property
    def blend_rows(self) -> LazyRows[BlendRow]:
        return LazyRows(len(self.weights), lambda i: blend_row(self.weights, self.v, i))


@dataclass(frozen=True)
class AttentionTrace:
    tokens: tuple[str, ...]
    d_model: int
    d_k: int
    n_heads: int
    causal: bool
    precision: int  # decimals shown for computed values
    input_precision: int  # decimals of the inputs (x, W): exact there for the toy model
    embeddings: np.ndarray  # (n, d_model) static token embeddings
    positional: np.ndarray  # (n, d_model) added position signal (zeros when off)
    x: np.ndarray  # (n, d_model) = embeddings + positional
    w_q: np.ndarray  # (d_model, d_model)
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    q: np.ndarray  # (n, d_model) = x @ w_q (+ b_q); before any rotation (RoPE turns the heads' q and k)
    k: np.ndarray
    v: np.ndarray
    scale: float  # 1 / sqrt(d_k)
    mask: np.ndarray  # (n, n) bool: True where the query may attend to the key
    heads: tuple[HeadTrace, ...]
    concat: np.ndarray  # (n, d_model) heads' outputs side by side
    output: np.ndarray  # (n, d_model) = concat @ w_o (+ b_o)
    b_q: np.ndarray  # (d_model,) biases: zeros for the toy model, learned in a real one
    b_k: np.ndarray
    b_v: np.ndarray
    b_o: np.ndarray

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    @property
    def d_attention(self) -> int:
        """Width of Q, K, V (one block per query head) and of the heads' concat: heads × d_k, which
        need not be d_model (Qwen3, Gemma 3)."""
        return self.n_heads * self.d_k

    @property
    def window(self) -> int | None:
        """The sliding window, when the mask also hides keys too far back (a query sees itself and
        the window − 1 tokens before it: Mistral, Gemma's local layers); None otherwise."""
        seen = self.mask.sum(axis=1)
        full = np.arange(1, self.n_tokens + 1) if self.causal else np.full(self.n_tokens, self.n_tokens)
        return int(seen.max()) if (seen < full).any() else None

    @property
    def n_pairs(self) -> int:
        """Query–key pairs: n × n scores per head."""
        return self.n_tokens ** 2

    @cached_property
    def head_patterns(self) -> tuple[HeadPattern, ...]:
        """Each head's pattern class and score (attention_math/head_patterns.py)."""
        return tuple(HeadPattern(*classify_head(head.weights, self.tokens, self.mask)) for head in self.heads)

    def to_dict(self, omit: tuple[str, ...] = ()) -> dict:
        """Plain JSON-ready data; keys are the field names, masked scores are null.

        omit: fields left out (a real model's fixed weights are megabytes of JSON per layer)."""
        data = plain_data(self, omit)
        data["shapes"] = {
            f.name: list(getattr(self, f.name).shape)
            for f in fields(self)
            if isinstance(getattr(self, f.name), np.ndarray) and f.name not in omit
        }
        return _nan_to_none(data)


def causal_mask(n_tokens: int) -> np.ndarray:
    """True on and below the diagonal: a query sees itself and earlier tokens only."""
    return np.tril(np.ones((n_tokens, n_tokens), dtype=bool))


# Query rows per block in the causal path: small enough that the skipped upper-right part
# is close to the exact triangle, large enough that numpy's per-call overhead stays negligible.
_CAUSAL_BLOCK = 32


def _causal_softmax(scaled: np.ndarray, mask: np.ndarray, masked: np.ndarray, weights: np.ndarray) -> None:
    """Fill `masked` (scaled, -inf where hidden) and `weights` (which must come in zeroed).

    Works on blocks of query rows r0 … r1-1 for all heads at once: no query in the block sees
    a key ≥ r1, so that part is just set to -inf in `masked` and left at 0 in `weights`, and
    the softmax only runs on the columns < r1, about half the work of the full square. Inside
    a block only the diagonal square needs the mask. Every value equals what the full-square
    computation gives.
    """
    n_tokens = scaled.shape[-1]
    for r0 in range(0, n_tokens, _CAUSAL_BLOCK):
        r1 = min(r0 + _CAUSAL_BLOCK, n_tokens)
        rows, seen = slice(r0, r1), slice(0, r1)
        masked[:, rows, r1:] = -np.inf
        masked[:, rows, seen] = scaled[:, rows, seen]
        np.copyto(masked[:, rows, r0:r1], -np.inf, where=~mask[rows, r0:r1])
        masked_softmax_rows(masked[:, rows, seen], out=weights[:, rows, seen])


def _heads(q_h: np.ndarray, k_h: np.ndarray, v_h: np.ndarray, scale: float, mask: np.ndarray,
           causal: bool, windowed: bool = False) -> tuple[tuple[HeadTrace, ...], np.ndarray]:
    """Every head at once on (heads, n, d_k) projections: the per-head records and the outputs."""
    n_heads, n_tokens = q_h.shape[:2]
    # The (heads, n, n) arrays the trace keeps share one allocation from np.zeros: at 512
    # tokens they are 100 MB, and faulting in fresh memory costs more than the arithmetic on
    # it. One large block is faulted in far fewer (transparent huge) pages than four separate
    # arrays (measured: ~50 instead of ~5000 page faults per trace), and its pages arrive
    # zeroed, which the causal path relies on for the hidden weights.
    square = np.zeros((4 if causal or windowed else 3, n_heads, n_tokens, n_tokens))
    scores = np.matmul(q_h, k_h.transpose(0, 2, 1), out=square[0])
    scaled = np.multiply(scores, scale, out=square[1])
    weights = square[-1]
    if windowed:  # any mask (a sliding window): hide, then softmax every row
        masked = square[2]
        np.copyto(masked, scaled)
        masked[:, ~mask] = -np.inf
        masked_softmax_rows(masked, out=weights)
    elif causal:
        masked = square[2]
        _causal_softmax(scaled, mask, masked, weights)
    else:
        masked = scaled  # nothing is hidden: the same read-only array, not a copy
        masked_softmax_rows(masked, out=weights)
    head_outputs = weights @ v_h
    return tuple(
        HeadTrace(
            index=h, q=_frozen(q_h[h]), k=_frozen(k_h[h]), v=_frozen(v_h[h]),
            scores=_frozen(scores[h]), scaled_scores=_frozen(scaled[h]),
            masked_scores=_frozen(masked[h]), weights=_frozen(weights[h]),
            output=_frozen(head_outputs[h]),
        )
        for h in range(n_heads)
    ), head_outputs


def attention_trace(
    tokens: tuple[str, ...], x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, w_o: np.ndarray,
    n_heads: int, causal: bool = False, *,
    embeddings: np.ndarray | None = None, positional: np.ndarray | None = None,
    biases: dict[str, np.ndarray] | None = None, precision: int = 2, input_precision: int | None = None,
    rotate: Callable[[np.ndarray], np.ndarray] | None = None,
    head_norms: tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]] | None = None,
    d_k: int | None = None, scale: float | None = None, mask: np.ndarray | None = None,
) -> AttentionTrace:
    """Multi-head self-attention on inputs x, keeping every intermediate value. rotate turns the
    per-head q and k (heads, n, d_k) by position (RoPE), after head_norms (q's, k's: Qwen3); the
    trace's q and k stay x @ w. d_k: d_model / heads by default; scale: 1/√d_k; mask (n, n), True
    where a query sees a key, replaces the causal one (a sliding window)."""
    x = np.asarray(x, dtype=np.float64)
    n_tokens, d_model = x.shape
    if d_k is None and d_model % n_heads:
        raise ValueError(f"d_model {d_model} is not divisible by {n_heads} heads")
    d_k = d_model // n_heads if d_k is None else d_k
    biases = biases or {}

    def project(inputs: np.ndarray, matrix: np.ndarray, name: str) -> np.ndarray:
        product = inputs @ matrix.astype(np.float64, copy=False)  # mixed float32 @ float64 skips BLAS: 4× slower
        if name in biases:
            product += biases[name]  # in place: a fresh array costs page faults, not just adds
        return product

    q, k, v = project(x, w_q, "q"), project(x, w_k, "k"), project(x, w_v, "v")
    scale = 1.0 / np.sqrt(d_k) if scale is None else scale
    windowed = mask is not None
    mask = _default_mask(n_tokens, causal) if mask is None else mask

    def by_head(matrix: np.ndarray) -> np.ndarray:  # (heads, n, d_k)
        return matrix.reshape(n_tokens, n_heads, d_k).transpose(1, 0, 2)

    q_h, k_h = _turned(by_head(q), by_head(k), head_norms, rotate)
    heads, head_outputs = _heads(q_h, k_h, by_head(v), scale, mask, causal, windowed)
    concat = head_outputs.transpose(1, 0, 2).reshape(n_tokens, n_heads * d_k)
    output = project(concat, w_o, "o")
    return AttentionTrace(
        tokens=tuple(tokens), d_model=d_model, d_k=d_k, n_heads=n_heads, causal=causal,
        precision=precision, input_precision=precision if input_precision is None else input_precision,
        **{f"b_{name}": _frozen(np.asarray(biases.get(name, np.zeros(width)), dtype=np.float64))
           for name, width in zip("qkvo", (q.shape[1], k.shape[1], v.shape[1], d_model))},
        embeddings=_frozen(x if embeddings is None else embeddings),
        positional=_frozen(np.zeros_like(x) if positional is None else positional),
        x=_frozen(x), w_q=_frozen(w_q), w_k=_frozen(w_k), w_v=_frozen(w_v), w_o=_frozen(w_o),
        q=_frozen(q), k=_frozen(k), v=_frozen(v), scale=float(scale), mask=_frozen(mask),
        heads=heads, concat=_frozen(concat), output=_frozen(output),
    )


def _default_mask(n_tokens: int, causal: bool) -> np.ndarray:
    return causal_mask(n_tokens) if causal else np.ones((n_tokens, n_tokens), dtype=bool)


def _turned(q_h: np.ndarray, k_h: np.ndarray, head_norms, rotate) -> tuple[np.ndarray, np.ndarray]:
    """Per-head q and k as the scores use them: normalised (Qwen3, Gemma 3), then rotated (RoPE)."""
    if head_norms is not None:
        q_h, k_h = head_norms[0](q_h), head_norms[1](k_h)
    if rotate is not None:
        q_h, k_h = rotate(q_h), rotate(k_h)
    return q_h, k_h


def trace_example(example: Example) -> AttentionTrace:
    """The trace of an example: its tokens, static embeddings (+ positions) and seeded weights."""
    decimals = input_decimals(example.precision)
    tokens = example.tokens
    embeddings = np.stack([static_embedding(t, example.d_model, example.seed, decimals) for t in tokens])
    if example.positional == "sinusoidal":
        positional = quantise(sinusoidal_encoding(len(tokens), example.d_model), decimals)
    else:
        positional = np.zeros_like(embeddings)
    weights = projection_weights(example.d_model, example.seed, decimals)
    return attention_trace(
        tokens, embeddings + positional, n_heads=example.heads, causal=example.causal,
        embeddings=embeddings, positional=positional, precision=example.precision,
        input_precision=decimals, **weights,
    )
