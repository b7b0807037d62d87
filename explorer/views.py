"""From trace data (the JSON `python -m attention_math trace` prints) to the page's views.

A view is one grid of attention: rows are queries, columns are keys, `layers × heads` of
them. Self-attention is one view (the toy model: 1 layer; a real model: all its layers),
"layer average" (each layer's heads averaged) and rollout are one-head views where there are
heads and layers, cross-attention another when given. Each shown number is stored once here,
already rounded as shown (see payload.py and compact.py).
"""
from __future__ import annotations

import math

import numpy as np

from attention_math import format_number
from attention_math.head_patterns import classify_head
from attention_math.rollout import attention_rollout

from .compact import detail_policy, encode_details, percent_tenths
from .payload import PayloadBuilder, scaled_integers

PERCENT_DECIMALS = 1  # the hover readout's "43.2 %": largest-remainder rounded, rows add to 100.0
PERCENT_FULL = 100 * 10**PERCENT_DECIMALS  # a whole row, in tenths of a percent
MAX_TERMS = 4  # q·k and weights·V spell out at most this many of the d_k dimensions
SHIFT_ABOVE = 6.0  # like the softmax video: beyond this, e^s is shown as e^(s − m)
# e^s and its sum get one decimal more than the scores: then "e ÷ sum ≈ weight" redone by hand
# with the shown numbers lands on the shown percentage (1.000 ÷ 1.346 = 74.3 %, not 1.00 ÷ 1.35 = 74.1 %).
EXTRA_EXP_DECIMALS = 1


def layer_attentions(data: dict) -> list[dict]:
    """One attention dict per layer: a real model's `layers[l].attention` (or `layers[l]`), else the toy trace."""
    if "layers" in data:
        return [layer.get("attention", layer) for layer in data["layers"]]
    return [data]


def _floats(values) -> np.ndarray:
    """Nested lists (None where masked) as float64, None → NaN."""
    try:
        return np.asarray(values, dtype=np.float64)
    except TypeError:
        return np.array(values, dtype=object).astype(np.float64)  # None → nan


def _stacked(attentions: list[dict], name: str, columns: int | None = None) -> np.ndarray:
    """[layers, heads, ...] of one per-head field (only the first `columns` columns when given)."""
    pick = (lambda h: _floats(h[name])) if columns is None else (lambda h: _floats(h[name])[:, :columns])
    return np.array([[pick(h) for h in att["heads"]] for att in attentions])


def mask_rows(visible: np.ndarray) -> list[str] | None:
    """The mask for the page: None when every key is visible, else one "1100…" string per row."""
    if visible.all():
        return None
    return ["".join("1" if v else "0" for v in row) for row in visible]


def worked_numbers(attentions: list[dict], visible: np.ndarray, precision: int, always_shift: bool) -> dict:
    """The step-through's numbers as integers at their shown precision, [layers, heads, n, m]."""
    scaled = np.where(visible, _stacked(attentions, "scaled_scores"), -np.inf)
    finite = np.where(visible, np.abs(scaled), 0.0)
    shifted = always_shift | (finite.max(axis=(-2, -1)) > SHIFT_ABOVE)
    row_max = scaled.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        exps = np.where(shifted[..., None, None], np.exp(scaled - row_max), np.exp(scaled))  # exp(−inf) = 0
    return {
        "score": scaled_integers(_stacked(attentions, "scores"), precision),
        "scaled": scaled_integers(scaled, precision),
        "exps": scaled_integers(exps, precision + EXTRA_EXP_DECIMALS),
        "expSum": scaled_integers(exps.sum(axis=-1), precision + EXTRA_EXP_DECIMALS),
        "shifted": shifted,
    }


def _pattern_cells(weights: np.ndarray, tokens: tuple[str, ...], mask: np.ndarray) -> list:
    """[layer][head] -> [label, the score as a whole percent] by head_patterns' rule."""
    return [[[label, f"{score:.0%}"] for label, score in
             (classify_head(w, tokens, mask) for w in layer)] for layer in weights]


def attention_view(view_id: str, label: str, attentions: list[dict], row_tokens: list[str], col_tokens: list[str],
                   payload: PayloadBuilder, *, always_shift: bool, patterns: bool = True) -> dict:
    """A self- or cross-attention view: its meta for the page, its arrays into the payload."""
    first = attentions[0]
    n, m = len(row_tokens), len(col_tokens)
    visible = np.asarray(first.get("mask", np.ones((n, m), dtype=bool)), dtype=bool)
    if "q" not in first["heads"][0]:  # weights given from outside (from_attentions): nothing to work out
        return given_view(view_id, label, attentions, row_tokens, col_tokens, visible, payload, patterns)
    precision = int(first.get("precision", 2))
    d_k = int(first.get("d_k") or len(first["heads"][0]["q"][0]))
    scale = float(first.get("scale") or 1 / math.sqrt(d_k))
    weights = _stacked(attentions, "weights")
    pct = percent_tenths(weights, PERCENT_DECIMALS)
    numbers = worked_numbers(attentions, visible, precision, always_shift)
    policy = detail_policy(int(visible.sum()) * weights.shape[0] * weights.shape[1], d_k, MAX_TERMS)
    fields = {"pct": payload.add(f"{view_id}.pct", pct[..., visible])}
    for name in ("q", "k", "v", "output"):
        fields[name] = payload.add(f"{view_id}.{name}", scaled_integers(_stacked(attentions, name, policy.terms), precision))
    details = encode_details(view_id, numbers, pct, visible, policy, 1 / scale, precision, payload, PERCENT_FULL)
    return {
        "id": view_id, "label": label, "kind": "attention", "rowTokens": row_tokens, "colTokens": col_tokens,
        "layers": len(attentions), "heads": len(first["heads"]), "dk": d_k, "terms": policy.terms,
        "precision": precision, "expPrecision": precision + EXTRA_EXP_DECIMALS,
        "scaleText": format_number(scale, max(precision, 3)), "causal": bool(not visible.all()),
        "mask": mask_rows(visible), "shifted": numbers["shifted"].tolist(),
        "patterns": _pattern_cells(weights, tuple(row_tokens), visible) if patterns else None,
        "fields": fields, "detail": details,
    }


def given_view(view_id: str, label: str, attentions: list[dict], row_tokens: list[str], col_tokens: list[str],
               visible: np.ndarray, payload: PayloadBuilder, patterns: bool) -> dict:
    """Attention weights handed over as they are (no q, k, v): the grid, no step-through, and it says so."""
    weights = _stacked(attentions, "weights")
    pct = percent_tenths(weights, PERCENT_DECIMALS)
    return {
        "id": view_id, "label": label, "kind": "attention", "weightsOnly": True, "rowTokens": row_tokens,
        "colTokens": col_tokens, "layers": len(attentions), "heads": len(attentions[0]["heads"]),
        "causal": bool(not visible.all()), "mask": mask_rows(visible),
        "patterns": _pattern_cells(weights, tuple(row_tokens), visible) if patterns else None,
        "fields": {"pct": payload.add(f"{view_id}.pct", pct[..., visible])},
    }


def _one_head_view(view_id: str, label: str, shares: np.ndarray, tokens: list[str], visible: np.ndarray,
                   payload: PayloadBuilder) -> dict:
    """A view of one "head" per layer (layer average, rollout): only its shown percentages."""
    if (shares[..., ~visible] != 0).any():
        visible = np.ones_like(visible)
    pct = percent_tenths(shares, PERCENT_DECIMALS)[:, None]
    return {
        "id": view_id, "label": label, "kind": view_id, "rowTokens": tokens, "colTokens": tokens,
        "layers": len(shares), "heads": 1, "causal": bool(not visible.all()), "mask": mask_rows(visible),
        "fields": {"pct": payload.add(f"{view_id}.pct", pct[..., visible])},
    }


def average_view(attentions: list[dict], tokens: list[str], visible: np.ndarray, payload: PayloadBuilder,
                 keep: list[int]) -> dict:
    """Each layer's heads averaged (the ensemble of a layer), as a one-head view; only layers `keep`."""
    averaged = np.array([_stacked([attentions[l]], "weights")[0].mean(axis=0) for l in keep])
    return _one_head_view("average", "layer average", averaged, tokens, visible, payload)


def rollout_view(data: dict, attentions: list[dict], tokens: list[str], visible: np.ndarray,
                 payload: PayloadBuilder, keep: list[int]) -> dict:
    """Rollout after each layer as a one-head view (the trace's own `rollout` when it has one);
    every layer counts, only the rollout after layers `keep` is shown."""
    if "rollout" in data:
        rolled = np.asarray(data["rollout"], dtype=np.float64)
    else:
        rolled = attention_rollout(_stacked(attentions, "weights"))
    return _one_head_view("rollout", "rollout", rolled[keep], tokens, visible, payload)
