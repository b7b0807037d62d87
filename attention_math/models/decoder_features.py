"""Worked values for what newer decoders add (Gemma 3; Mistral's windows and Qwen3's q/k norm too):
local sliding-window layers between global ones and their two RoPE speeds, the per-head q/k
RMSNorm, and the KV-cache saving against the other packaged decoder. Frozen records computed from a
DecoderTrace and a ModelSpec, so a scene shows their fields and does no arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..trace import _frozen

LONG_CONTEXT_WINDOWS = 4  # the long context the window is drawn in: this many windows long
PAIR_QUARTERS = 4  # RoPE pairs compared between local and global layers: 0, ¼, ½ and ¾ of the way


@dataclass(frozen=True)
class SlidingWindows:
    """Which layers are local (a query sees only the last `window` tokens) and which global, the
    mask of a local layer on a long context, and what differs on the traced sentence: the RoPE base."""
    n_layers: int
    is_local: tuple[bool, ...]  # per layer
    n_local: int
    n_global: int
    local_layers_per_global: int  # Gemma 3: 5
    window: int  # tokens a local query sees, itself included (512)
    long_context: int  # the drawn context: LONG_CONTEXT_WINDOWS × window tokens
    long_seen_local: int  # keys the last query of the long context sees in a local layer: window
    long_seen_global: int  # ... in a global layer: long_context
    window_fraction: float  # window / long_context: the band's width in the drawn square
    n_tokens: int  # the traced sentence
    sentence_fraction: float  # n_tokens / long_context: the sentence's side of the drawn square
    same_keys_on_sentence: bool  # the window is longer than the sentence: local layers see every earlier token
    local_layer: int  # 0-based examples: the first local layer and the first global one (None: every layer local)
    global_layer: int | None
    local_base: float  # RoPE base of the local layers (10,000)
    global_base: float  # of the global layers (1,000,000)
    pairs: tuple[int, ...]  # 0-based pairs compared
    local_degrees: tuple[float, ...]  # degrees per position of each pair in a local layer
    global_degrees: tuple[float, ...]  # ... in a global layer
    steps_across: int  # positions from the first token of the sentence to the last: n_tokens − 1
    local_degrees_across: tuple[float, ...]  # turned over those steps
    global_degrees_across: tuple[float, ...]


def sliding_windows(trace, spec) -> SlidingWindows:
    is_local = tuple(window is not None for window in spec.windows)
    window = max(w for w in spec.windows if w is not None)
    local, full = is_local.index(True), is_local.index(False) if False in is_local else None
    n_tokens = len(trace.tokens)
    long_context = max(LONG_CONTEXT_WINDOWS * window, n_tokens)  # the sentence always fits in the drawn square
    local_angles = trace.layers[local].rope.angles
    global_angles = local_angles if full is None or full >= len(trace.layers) else trace.layers[full].rope.angles
    half = len(local_angles.frequencies)
    pairs = tuple(sorted({half * q // PAIR_QUARTERS for q in range(PAIR_QUARTERS)}))
    degrees = lambda angles: tuple(float(np.degrees(angles.frequencies[i])) for i in pairs)
    across = lambda angles: tuple(float(np.degrees(angles.frequencies[i]) * (n_tokens - 1)) for i in pairs)
    n_local = sum(is_local)
    n_global = len(is_local) - n_local
    return SlidingWindows(
        n_layers=len(is_local), is_local=is_local, n_local=n_local, n_global=n_global,
        local_layers_per_global=n_local // max(1, n_global), window=window, long_context=long_context,
        long_seen_local=window, long_seen_global=long_context, window_fraction=window / long_context, n_tokens=n_tokens,
        sentence_fraction=n_tokens / long_context, same_keys_on_sentence=trace.layers[local].attention.window is None,
        local_layer=local, global_layer=full, local_base=float(spec.rope_bases[local]),
        global_base=float(spec.rope_bases[local if full is None else full]), pairs=pairs, local_degrees=degrees(local_angles),
        global_degrees=degrees(global_angles), steps_across=n_tokens - 1, local_degrees_across=across(local_angles),
        global_degrees_across=across(global_angles))


@dataclass(frozen=True)
class HeadNorm:
    """One vector (a query head's q or a key/value head's k) before and after the per-head RMSNorm."""
    before: np.ndarray  # (d_k,) x @ W for this head
    rms: float  # sqrt(mean(before²) + eps)
    normalized: np.ndarray  # (d_k,) before / rms
    gain: np.ndarray  # (d_k,) learned (Gemma: 1 + w)
    after: np.ndarray  # (d_k,) normalized × gain: what RoPE turns
    length_before: float  # Euclidean lengths
    length_after: float


@dataclass(frozen=True)
class QKNorm:
    layer: int
    head: int  # the query head
    kv_head: int  # the key/value head it reads
    query_token: int
    key_token: int
    d_k: int
    eps: float
    q: HeadNorm
    k: HeadNorm
    score_before: float  # q·k of the vectors before the norm (without RoPE), and after
    score_after: float


def _head_norm(before: np.ndarray, gain: np.ndarray, after: np.ndarray, eps: float) -> HeadNorm:
    rms = float(np.sqrt(np.mean(before * before) + eps))
    return HeadNorm(before=_frozen(before), rms=rms, normalized=_frozen(before / rms), gain=_frozen(gain),
                    after=_frozen(after), length_before=float(np.linalg.norm(before)),
                    length_after=float(np.linalg.norm(after)))


def qk_norm(trace, layer: int, head: int, query_token: int, key_token: int) -> QKNorm:
    """The q of `query_token` in `head` and the k of `key_token` in its key/value head, around the norm."""
    record = trace.layers[layer]
    rope, attention = record.rope, record.attention
    d_k, kv_head = rope.q.shape[-1], record.grouped_query.kv_head_of_query[head]
    q_before = np.asarray(attention.q[query_token, head * d_k:(head + 1) * d_k])
    k_before = np.asarray(record.grouped_query.k[key_token, kv_head * d_k:(kv_head + 1) * d_k])
    q = _head_norm(q_before, rope.q_gain, np.asarray(rope.q[head, query_token]), rope.norm_eps)
    k = _head_norm(k_before, rope.k_gain, np.asarray(rope.k[kv_head, key_token]), rope.norm_eps)
    return QKNorm(layer=layer, head=head, kv_head=kv_head, query_token=query_token, key_token=key_token, d_k=d_k,
                  eps=rope.norm_eps, q=q, k=k, score_before=float(q.before @ k.before),
                  score_after=float(q.after @ k.after))


@dataclass(frozen=True)
class KVCacheComparison:
    """Numbers kept per token and layer by another decoder, to compare with this one's sharing."""
    name: str
    n_heads: int
    n_kv_heads: int
    heads_per_kv_head: int
    times_smaller: float  # its own saving: n_heads / n_kv_heads


def kv_cache_reference(spec) -> KVCacheComparison | None:
    """The other packaged decoder with shared keys and values (SmolLM2, 9 query heads on 3), when this
    model is not it and it is installed; None otherwise."""
    from ..example import ExampleError
    from .registry import resolve

    if spec.slug == "smollm2":
        return None
    try:
        other = resolve("smollm2").spec
    except ExampleError:
        return None
    return KVCacheComparison(name=other.name, n_heads=other.n_heads, n_kv_heads=other.n_kv_heads,
                             heads_per_kv_head=other.n_heads // other.n_kv_heads,
                             times_smaller=other.n_heads / other.n_kv_heads)
