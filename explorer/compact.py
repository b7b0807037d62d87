"""The worked numbers of a view, stored as small residuals the page adds back exactly.

A big page cannot hold every score: 64 tokens × 270 heads is 560,000 cells, and a scaled score
at two decimals is ~10 bits of noise each. So (issue 24) a page keeps:
- every weight, as tenths of a percent (rows add to exactly 1000, largest remainder);
- the worked numbers (q·k, the scaled score, e^s) of every visible cell when the page is small,
  else of each row's KEYS strongest keys (the ones the step-through's table lists);
- of q, k, v and the output, the first `terms` numbers (the ones the page spells out).

The worked numbers are stored as residuals from predictions the page can redo with integer
arithmetic and two lookup tables, so the page shows exactly the integers Python stored:
- scaled score s_j ≈ m − (LN[p_max] − LN[p_j]), m the row's largest score, p the shown weights
  (softmax: ln(w_j / w_max) = s_j − m);
- score ≈ floor(s × √d_k + 0.5) (one IEEE multiplication, the same in Python and JavaScript);
- e^s ≈ EXP[m − s] (or EXP[−s] when the head shows plain e^s).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .payload import PayloadBuilder, scaled_integers

FULL_DETAIL_CELLS = 150_000  # visible cells over all heads: below this every cell keeps its worked numbers
TABLE_KEYS = 10  # a big page keeps each row's 10 strongest keys (the step-through's table shows them)


@dataclass(frozen=True)
class DetailPolicy:
    """Which worked numbers a page keeps: every visible key (`keys` None) or each row's strongest."""
    keys: int | None
    terms: int  # numbers of q, k, v and the output spelled out


def detail_policy(visible_cells: int, d_k: int, max_terms: int) -> DetailPolicy:
    if visible_cells <= FULL_DETAIL_CELLS:
        return DetailPolicy(None, min(max_terms, d_k))
    return DetailPolicy(TABLE_KEYS, min(2, d_k))


def percent_tenths(weights: np.ndarray, decimals: int = 1) -> np.ndarray:
    """display.percentages(row, decimals) × 10^decimals for every row of `weights` at once (ints).

    The same operations in the same order as display.percentages (checked by a test), so
    the largest-remainder ties fall the same way.
    """
    rows = np.asarray(weights, dtype=np.float64)
    unit = 10.0**-decimals
    raw = rows / rows.sum(axis=-1, keepdims=True) * 100.0 / unit
    floors = np.floor(raw)
    short = np.rint(100.0 / unit - floors.sum(axis=-1, keepdims=True)).astype(np.int64)
    remainders = np.where(rows > 0, raw - floors, -1.0)
    order = np.argsort(-remainders, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(rows.shape[-1]), axis=-1)
    return (floors + (rank < short)).astype(np.int64)


def detail_selection(pct: np.ndarray, visible: np.ndarray, keys: int | None) -> np.ndarray:
    """[..., n, m] bool: the cells whose worked numbers are kept (each row's `keys` strongest by
    shown weight, ties to the earlier key, among visible keys; or all visible)."""
    visible = np.broadcast_to(visible, pct.shape)
    if keys is None:
        return visible.copy()
    order = np.argsort(-np.where(visible, pct, -1), axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(pct.shape[-1]), axis=-1)
    return visible & (rank < keys)


def ln_table(precision: int, full: int) -> np.ndarray:
    """LN[p] = ln(p / full) at the scores' precision, as integers; LN[0] repeats LN[1] (any value
    works: the residual carries the rest)."""
    p = np.arange(full + 1, dtype=np.float64)
    p[0] = 1.0
    return scaled_integers(np.log(p / full), precision)


def exp_table(precision: int, low: int, high: int) -> tuple[np.ndarray, int, int]:
    """EXP[i − low] = e^(−i / 10^precision) at one decimal more, i in [low, high]; beyond the point
    where it rounds to 0 the table stops (the page predicts 0 there)."""
    zero_from = math.ceil(-math.log(0.5 * 10.0 ** -(precision + 1)) * 10**precision) + 1
    high = max(low, min(high, zero_from))
    index = np.arange(low, high + 1, dtype=np.float64)
    return scaled_integers(np.exp(-index / 10**precision), precision + 1), low, high


def _predicted_exps(exp_index: np.ndarray, table: np.ndarray, low: int, high: int) -> np.ndarray:
    inside = exp_index <= high
    return np.where(inside, table[np.clip(exp_index, low, high) - low], 0)


def encode_details(prefix: str, numbers: dict, pct: np.ndarray, visible: np.ndarray, policy: DetailPolicy,
                   inverse_scale: float, precision: int, payload: PayloadBuilder, percent_full: int = 1000) -> dict:
    """Store the worked numbers of the kept cells as residuals; returns the page's meta for them.

    `numbers`: [layers, heads, n, m] integer arrays "score", "scaled", "exps" (at the shown
    precisions), [layers, heads, n] "expSum", and [layers, heads] bool "shifted".
    """
    selected = detail_selection(pct, visible, policy.keys)
    vis = np.broadcast_to(visible, pct.shape)
    scaled = numbers["scaled"]
    row_max = np.where(vis, scaled, np.iinfo(np.int64).min).max(axis=-1)
    pct_max = np.where(vis, pct, 0).max(axis=-1)
    ln = ln_table(precision, percent_full)  # percent_full: a whole row (1000 tenths of a percent)
    scaled_guess = row_max[..., None] - (ln[pct_max][..., None] - ln[pct])
    score_guess = np.floor(scaled.astype(np.float64) * inverse_scale + 0.5).astype(np.int64)
    shifted = numbers["shifted"][..., None, None]
    exp_index = np.where(shifted, row_max[..., None] - scaled, -scaled)
    table, low, high = exp_table(precision, int(exp_index[selected].min(initial=0)), int(exp_index[selected].max(initial=0)))
    exp_guess = _predicted_exps(exp_index, table, low, high)
    fields = {
        "rowMax": payload.add(f"{prefix}.rowMax", row_max),
        "expSum": payload.add(f"{prefix}.expSum", numbers["expSum"]),
        "scaledRes": payload.add(f"{prefix}.scaledRes", varint=True, values=(scaled - scaled_guess)[selected]),
        "scoreRes": payload.add(f"{prefix}.scoreRes", varint=True, values=(numbers["score"] - score_guess)[selected]),
        "expRes": payload.add(f"{prefix}.expRes", varint=True, values=(numbers["exps"] - exp_guess)[selected]),
        "ln": payload.add(f"{prefix}.ln", ln),
        "exp": payload.add(f"{prefix}.exp", table),
    }
    return {"keys": policy.keys, "inverseScale": inverse_scale, "expLow": low, "expHigh": high, "fields": fields}
