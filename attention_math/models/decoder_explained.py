"""Worked values the decoder scenes show that no single layer's record holds: RoPE's turns of a
real query and key at several placements, the attention sink over all layers and heads, and
what grouped-query attention saves in the KV cache.

Each is a frozen record computed from a DecoderTrace (any decoder family fills one:
decoder_records.py), so a scene shows its fields and never does the arithmetic itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..example import ExampleError
from ..trace import _frozen

# RoPE ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """The query at one position and the key at another: the score RoPE leaves them."""
    query_position: int  # 0-based
    key_position: int
    distance: int  # query_position − key_position
    score: float  # turned q · turned k over all d_k dimensions (before the 1/√d_k scale)


@dataclass(frozen=True)
class PairTurn:
    """One pair of a head's dimensions, (i, i + d_k/2), turned at each placement."""
    pair: int  # 0-based i
    dimensions: tuple[int, int]
    degrees_per_position: float  # θ^(−2i/d_k) in degrees: how fast this pair turns
    query: np.ndarray  # (2,) q's pair before turning
    key: np.ndarray  # (2,)
    query_degrees: np.ndarray  # (placements,) query_position × degrees_per_position
    key_degrees: np.ndarray  # (placements,)
    query_turned: np.ndarray  # (placements, 2)
    key_turned: np.ndarray  # (placements, 2)
    gap_degrees: np.ndarray  # (placements,) the angle from the turned key to the turned query, in (−180, 180]
    product: np.ndarray  # (placements,) this pair's share of the score: query_turned · key_turned


@dataclass(frozen=True)
class RotaryDistance:
    """A real head's query and key vectors, before RoPE, placed at several position pairs."""
    layer: int  # 0-based
    head: int  # 0-based query head
    kv_head: int  # the key/value head it reads
    query_token: int  # where the vectors come from in the sentence
    key_token: int
    theta: float
    d_k: int
    n_pairs: int
    shift: int  # placement 1 moves both tokens this many positions later
    query: np.ndarray  # (d_k,) q before turning
    key: np.ndarray  # (d_k,)
    placements: tuple[Placement, ...]  # as in the sentence; both shifted (same distance); query shifted only
    pairs: tuple[PairTurn, ...]
    scaled: bool = False  # the model scales its RoPE speeds (Llama 3): the θ formula is not the whole story


def _turn(vector: np.ndarray, position: int, frequencies: np.ndarray) -> np.ndarray:
    """RoPE at one position: pair i, dimensions (i, i + half), turned by position × frequencies[i]."""
    half = len(frequencies)
    angles = position * frequencies
    first, second = vector[:half], vector[half:]
    return np.concatenate([first * np.cos(angles) - second * np.sin(angles),
                           second * np.cos(angles) + first * np.sin(angles)])


# Where the drawn pairs are picked: one fast (about 57°–20° a step) and one slow (about 5°–1°).
def _pair_candidates(n_pairs: int) -> tuple[range, range]:
    """Where to look for a fast and a slow pair: the first eighth, and 7/32 to 12/32 of the way
    (pairs 0–3 and 7–11 of a 64-dimension head), never empty for small heads."""
    fast_end = max(1, n_pairs // 8)
    slow_start = max(fast_end, n_pairs * 7 // 32)
    return range(0, fast_end), range(slow_start, max(slow_start + 1, n_pairs * 12 // 32))


def rotary_distance(trace, layer: int, head: int, query_token: int, key_token: int, shift: int = 20,
                    pairs: tuple[int, ...] | None = None) -> RotaryDistance:
    """The query of `query_token` and key of `key_token` in one head, before RoPE, placed as in the
    sentence, both `shift` later, and with only the query moved: the first two scores are equal.
    `pairs` are the pairs to draw (default: the fast and the slow pair where both vectors are longest,
    so that neither arrow is a dot)."""
    if key_token > query_token:
        raise ExampleError(f"the key token {key_token} comes after the query token {query_token}")
    rotary, grouping = trace.layers[layer].rope.angles, trace.layers[layer].grouped_query  # its own base (Gemma)
    kv_head = grouping.kv_head_of_query[head]
    query = np.array(trace.layers[layer].rope.q[head, query_token])
    key = np.array(trace.layers[layer].rope.k[kv_head, key_token])
    positions = ((query_token, key_token), (query_token + shift, key_token + shift), (query_token + shift, key_token))
    frequencies = rotary.frequencies
    if pairs is None:
        pairs = tuple(_longest_pair(query, key, candidates) for candidates in _pair_candidates(len(frequencies)))
    turned = [(_turn(query, p, frequencies), _turn(key, r, frequencies)) for p, r in positions]
    placements = tuple(Placement(p, r, p - r, float(q @ k)) for (p, r), (q, k) in zip(positions, turned))
    half = len(frequencies)
    return RotaryDistance(
        layer=layer, head=head, kv_head=kv_head, query_token=query_token, key_token=key_token,
        theta=rotary.theta, d_k=rotary.d_k, n_pairs=half, shift=shift, query=_frozen(query), key=_frozen(key),
        placements=placements,
        pairs=tuple(_pair_turn(i, half, frequencies[i], positions, query, key, turned) for i in pairs),
        scaled=rotary.scaled,
    )


def _longest_pair(query: np.ndarray, key: np.ndarray, candidates: range) -> int:
    """Among `candidates`, the pair whose shorter piece (of q's and k's) is longest: both arrows show."""
    half = len(query) // 2
    length = lambda v, i: float(np.hypot(v[i], v[i + half]))
    return max(candidates, key=lambda i: min(length(query, i), length(key, i)))


def _pair_turn(i: int, half: int, frequency: float, positions, query, key, turned) -> PairTurn:
    dims = [i, i + half]
    query_turned = np.array([q[dims] for q, _ in turned])
    key_turned = np.array([k[dims] for _, k in turned])
    gap = np.degrees(np.arctan2(query_turned[:, 1], query_turned[:, 0]) - np.arctan2(key_turned[:, 1], key_turned[:, 0]))
    gap = (gap + 180.0) % 360.0 - 180.0
    gap = np.where(gap == -180.0, 180.0, gap)
    step = float(np.degrees(frequency))
    return PairTurn(
        pair=i, dimensions=(i, i + half), degrees_per_position=step, query=_frozen(query[dims]), key=_frozen(key[dims]),
        query_degrees=_frozen(np.array([p * step for p, _ in positions], dtype=np.float64)),
        key_degrees=_frozen(np.array([r * step for _, r in positions], dtype=np.float64)),
        query_turned=_frozen(query_turned), key_turned=_frozen(key_turned), gap_degrees=_frozen(gap),
        product=_frozen(np.einsum("pd,pd->p", query_turned, key_turned)),
    )


# The attention sink --------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionSink:
    """How much attention goes to the first token, in every layer and head."""
    shares: np.ndarray  # (layers, heads) the mean over query rows 2 … n of weights[row, 0] (row 1 if n = 1)
    percent: np.ndarray  # (layers, heads) shares × 100
    n_heads_total: int  # layers × heads
    over_half: int  # heads whose share is more than 50 %
    mean_percent: float  # over every head
    strongest: tuple[tuple[int, int], ...]  # (layer, head) of the largest shares, largest first
    weakest: tuple[int, int]  # (layer, head) of the smallest share
    row_layer: int  # the last layer
    row_head: int  # its head where the last token gives the first token the most
    last_row_percentages: np.ndarray  # (n,) that head's last row, whole percentages adding to 100
    last_row_total: int  # their sum: 100


def attention_sink(trace, n_strongest: int = 3) -> AttentionSink:
    """The first token's share of attention per head. The first query row is left out (unless it is
    the only one): it sees only the first token, so its 100 % says nothing about a choice."""
    weights = trace.attention_weights  # (layers, heads, n, n)
    shares = weights[:, :, min(1, weights.shape[-1] - 1):, 0].mean(axis=-1)
    order = np.argsort(-shares, axis=None, kind="stable")
    as_pairs = [tuple(int(x) for x in np.unravel_index(int(i), shares.shape)) for i in order]
    # The example row: where the last token, which sees every key, parks most on the first one at
    # the end of the model (a mean share of 100 % would leave nothing else to see in the row).
    layer = len(trace.layers) - 1
    head = int(np.argmax(weights[layer, :, -1, 0]))
    last_row = trace.layers[layer].attention.heads[head].percentages[-1]
    return AttentionSink(
        shares=_frozen(shares), percent=_frozen(shares * 100.0), n_heads_total=int(shares.size),
        over_half=int((shares > 0.5).sum()), mean_percent=float(shares.mean() * 100.0),
        strongest=tuple(as_pairs[:n_strongest]), weakest=as_pairs[-1],
        row_layer=layer, row_head=head, last_row_percentages=_frozen(np.array(last_row)), last_row_total=int(np.sum(last_row)),
    )


# Grouped-query attention ---------------------------------------------------------------------


@dataclass(frozen=True)
class KVCacheSaving:
    """What a decoder keeps per token so that later tokens need not recompute keys and values."""
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_k: int
    heads_per_kv_head: int  # n_heads / n_kv_heads: how many query heads read one K/V head
    floats_per_token_per_layer: int  # 2 (K and V) · n_kv_heads · d_k
    floats_per_token_per_layer_without_sharing: int  # 2 · n_heads · d_k
    floats_per_token: int  # every layer
    floats_per_token_without_sharing: int
    times_smaller: float  # without sharing / with sharing


def kv_cache_saving(trace) -> KVCacheSaving:
    grouping = trace.layers[0].grouped_query
    with_sharing = grouping.kv_cache_floats_per_token
    without = grouping.kv_cache_floats_per_token_without_sharing
    n_layers = len(trace.layers)
    return KVCacheSaving(
        n_layers=n_layers, n_heads=grouping.n_heads, n_kv_heads=grouping.n_kv_heads, d_k=trace.layers[0].rope.angles.d_k,
        heads_per_kv_head=grouping.n_heads // grouping.n_kv_heads, floats_per_token_per_layer=with_sharing,
        floats_per_token_per_layer_without_sharing=without, floats_per_token=with_sharing * n_layers,
        floats_per_token_without_sharing=without * n_layers, times_smaller=without / with_sharing,
    )
