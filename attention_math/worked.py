"""Worked values: what a segment spells out beyond the raw trace, computed here, never in a scene.

A scene shows a softmax row as score → e^s → sum → ÷ sum → weight → %, a weighted sum as
weight × value per key and their total, a head's pattern class, a layer's mean weights.
Each is a frozen record reached from the trace by a field path
(`heads[0].softmax_rows[2].total`), so the screen checks resolve what a scene shows in
the trace itself instead of redoing its arithmetic.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from .display import percentages

# Above this |scaled score| the worked row shows e^(s − m): e^6 ≈ 403 still reads on screen,
# a real model's e^28 (a 13-digit number) does not. m is the row's largest score.
SHIFT_ABOVE = 6.0

Record = TypeVar("Record")


# --- long-b (issue 10): a worked row cut to its largest keys plus one "all other keys" line ---------
@dataclass(frozen=True)
class RestOfRow:
    """One query's keys ranked by weight, and for every cut k the keys ranked k and later taken
    together. A table of a 64-token row shows the keys order[:k], then one line "the other
    counts[k] keys" with exponentials[k], weights[k], percentages[k]: the column still adds up
    to the row's total and to 100 %. Arrays have n + 1 entries (index n: nothing left, 0)."""
    order: tuple[int, ...]  # keys by decreasing weight (ties by position); hidden keys (weight 0) last
    visible: int  # keys with a weight above 0: the ones the query may see
    counts: tuple[int, ...]  # counts[k]: keys ranked k or later (n − k; hidden ones among them weigh 0)
    weights: np.ndarray  # (n + 1,) weights[k]: the sum of the weights of the keys ranked k or later
    percentages: np.ndarray  # (n + 1,) the same over the shown whole percentages
    exponentials: np.ndarray | None  # (n + 1,) softmax rows: the same over the exponentials
    scaled_values: np.ndarray | None  # (n + 1, d_k) blend rows: the same over the scaled value rows


def _from_rank(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Suffix sums in rank order: entry k sums the values of the keys ranked k or later."""
    ranked = values[order]
    sums = np.cumsum(ranked[::-1], axis=0)[::-1]
    return frozen(np.concatenate([sums, np.zeros((1,) + values.shape[1:])]))


def rest_of_row(weights_row: np.ndarray, shown: np.ndarray, *, exponentials: np.ndarray | None = None,
                scaled_values: np.ndarray | None = None) -> RestOfRow:
    order = np.argsort(-weights_row, kind="stable")
    n = len(order)
    return RestOfRow(tuple(int(j) for j in order), int((weights_row > 0).sum()), tuple(range(n, -1, -1)), _from_rank(weights_row, order),
                     _from_rank(np.asarray(shown, dtype=np.float64), order),
                     None if exponentials is None else _from_rank(exponentials, order),
                     None if scaled_values is None else _from_rank(scaled_values, order))


def frozen(array) -> np.ndarray:
    view = np.asarray(array).view()
    view.setflags(write=False)
    return view


class LazyRows(Sequence, Generic[Record]):
    """rows[i] built on first use and kept: a 512-token trace never builds 512 worked rows
    it won't show, yet a field path like `softmax_rows[3].total` still resolves."""

    def __init__(self, count: int, build: Callable[[int], Record]) -> None:
        self._count, self._build, self._built = count, build, {}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        index %= self._count
        if index not in self._built:
            self._built[index] = self._build(index)
        return self._built[index]


@dataclass(frozen=True)
class SoftmaxRow:
    """One query's row worked through, as segment 4 spells it out."""
    query: int
    scores: np.ndarray  # (n,) scaled scores; −inf where the key is masked
    shifted: bool  # True: exponentials are e^(s − m), as softmax is computed in practice
    row_max: float  # m, the largest score the query may see
    exponentials: np.ndarray  # (n,) e^s or e^(s − m); exactly 0 where masked
    total: float  # the sum of the exponentials: what every one is divided by
    weights: np.ndarray  # (n,) exponentials / total
    weight_total: float  # 1, up to rounding
    percentages: np.ndarray  # (n,) whole percentages adding to exactly 100
    percent_total: float  # 100
    largest: tuple[int, ...]  # the keys with the largest shown percentage (ties as shown together)
    rest: RestOfRow  # keys by weight, and "all other keys" together for any cut (long sentences)


def softmax_row(masked_scores: np.ndarray, weights: np.ndarray, query: int, shifted: bool) -> SoftmaxRow:
    scores = masked_scores[query]
    row_max = float(scores[np.isfinite(scores)].max())
    exponentials = np.exp(scores - row_max) if shifted else np.exp(scores)
    shown = percentages(weights[query])
    return SoftmaxRow(query, frozen(scores), shifted, row_max, frozen(exponentials), float(exponentials.sum()),
                      frozen(weights[query]), float(weights[query].sum()), frozen(shown), float(shown.sum()),
                      largest_shares(shown), rest_of_row(weights[query], shown, exponentials=exponentials))


def needs_shift(masked_scores: np.ndarray) -> bool:
    finite = masked_scores[np.isfinite(masked_scores)]
    return bool(finite.size and np.abs(finite).max() > SHIFT_ABOVE)


@dataclass(frozen=True)
class BlendRow:
    """One query's weighted sum, as segment 5 spells it out: each key's value row scaled by the
    query's weight on that key, and the scaled rows added up (= the head's output row)."""
    query: int
    weights: np.ndarray  # (n,) the query's weights
    scaled_values: np.ndarray  # (n, d_k) weights[j] · v[j]
    total: np.ndarray  # (d_k,) the sum of the scaled rows
    shares: np.ndarray  # (n,) the weights as shown percentages / 100: a weighted sum a viewer redoes
    rest: RestOfRow  # keys by weight, and "all other keys" together for any cut (long sentences)


def blend_row(weights: np.ndarray, values: np.ndarray, query: int) -> BlendRow:
    scaled = weights[query][:, None] * values
    shown = percentages(weights[query])
    return BlendRow(query, frozen(weights[query]), frozen(scaled), frozen(scaled.sum(axis=0)), frozen(shown / 100),
                    rest_of_row(weights[query], shown, scaled_values=scaled))


@dataclass(frozen=True)
class HeadPattern:
    """What a head does, by the rule in head_patterns.PATTERN_RULES."""
    kind: str
    score: float


def row_percentages(weights: np.ndarray) -> np.ndarray:
    """Every row as whole percentages adding to exactly 100 (masked keys stay 0)."""
    return frozen(np.array([percentages(row) for row in weights]) if len(weights) else np.zeros((0, 0)))


def largest_shares(shown: np.ndarray) -> tuple[int, ...]:
    """The keys whose shown percentage is the largest: ties as shown are marked together."""
    return tuple(int(j) for j in np.flatnonzero(shown == shown.max()))


@dataclass(frozen=True)
class MeanWeights:
    """Weights combined over heads or layers (a layer's mean, a rollout): rows still sum to 1."""
    weights: np.ndarray  # (n, n)
    percentages: np.ndarray  # (n, n) whole percentages, rows adding to 100


def mean_weights(weights: np.ndarray) -> MeanWeights:
    return MeanWeights(frozen(weights), row_percentages(weights))


def clearest_heads(patterns: Sequence[Sequence[HeadPattern]]) -> dict[str, tuple[int, int]]:
    """For each class that occurs, its clearest head: the highest score, or for "mixed" the lowest
    (the head furthest from every pattern). Keys in the order the classes first occur."""
    clarity = lambda p: -p.score if p.kind == "mixed" else p.score
    best: dict[str, tuple[int, int]] = {}
    for l, row in enumerate(patterns):
        for h, pattern in enumerate(row):
            held = best.get(pattern.kind)
            if held is None or clarity(pattern) > clarity(patterns[held[0]][held[1]]):
                best[pattern.kind] = (l, h)
    return best
