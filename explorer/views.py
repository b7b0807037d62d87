"""From trace data (the JSON `python -m attention_math trace` prints) to the page's views.

A view is one grid of attention: rows are queries, columns are keys, `layers × heads` of
them. Self-attention is one view (the toy model: 1 layer; a real model: all its layers),
rollout another where there are layers, cross-attention a third when given. Each shown
number is stored once here, already rounded as shown (see payload.py).
"""
from __future__ import annotations

import math

import numpy as np

from attention_math import format_number, percentages
from attention_math.head_patterns import classify_head
from attention_math.rollout import attention_rollout

from .payload import PayloadBuilder, scaled_integers

PERCENT_DECIMALS = 1  # the hover readout's "43.2 %": largest-remainder rounded, rows add to 100.0
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


def _matrix(values) -> np.ndarray:
    """A nested list (null where masked) as float64, null → NaN."""
    return np.array([[np.nan if v is None else v for v in row] for row in values], dtype=np.float64)


def _percent_tenths(weights: np.ndarray) -> np.ndarray:
    """Each row's percentages at PERCENT_DECIMALS, as integers (43.2 % → 432)."""
    rows = [percentages(row, PERCENT_DECIMALS) for row in weights]
    return scaled_integers(np.array(rows), PERCENT_DECIMALS)


def _head_arrays(head: dict, mask: np.ndarray, precision: int, always_shift: bool) -> dict:
    """Every per-head number the page shows, as integers at the shown precision."""
    weights = np.asarray(head["weights"], dtype=np.float64)
    scaled = np.where(mask, _matrix(head["scaled_scores"]), -np.inf)
    terms = min(MAX_TERMS, len(head["q"][0]))
    row_max = scaled.max(axis=1, keepdims=True)
    shifted = always_shift or float(np.abs(scaled[mask]).max()) > SHIFT_ABOVE
    exps = np.exp(scaled - row_max) if shifted else np.exp(scaled)  # exp(−inf) = 0: hidden keys
    columns = lambda name: np.asarray(head[name], dtype=np.float64)[:, :terms]
    return {
        "pct": _percent_tenths(weights),
        "score": scaled_integers(np.asarray(head["scores"], dtype=np.float64), precision),
        "scaled": scaled_integers(scaled, precision),
        "exps": scaled_integers(exps, precision + EXTRA_EXP_DECIMALS),
        "expSum": scaled_integers(exps.sum(axis=1), precision + EXTRA_EXP_DECIMALS),
        **{name: scaled_integers(columns(name), precision) for name in ("q", "k", "v", "output")},
        "shifted": shifted,
    }


def _stack(per_head: list[list[dict]], name: str) -> np.ndarray:
    return np.array([[head[name] for head in layer] for layer in per_head])


def _pattern_cells(per_layer_weights: list[np.ndarray], tokens: tuple[str, ...], mask: np.ndarray) -> list:
    """[layer][head] -> [label, the score as a whole percent] by head_patterns' rule."""
    return [[[label, f"{score:.0%}"] for label, score in
             (classify_head(w, tokens, mask) for w in layer)] for layer in per_layer_weights]


def attention_view(view_id: str, label: str, attentions: list[dict], row_tokens: list[str], col_tokens: list[str],
                   payload: PayloadBuilder, *, always_shift: bool, patterns: bool = True) -> dict:
    """A self- or cross-attention view: its meta for the page, its arrays into the payload."""
    first = attentions[0]
    n, m = len(row_tokens), len(col_tokens)
    mask = np.asarray(first.get("mask", np.ones((n, m), dtype=bool)), dtype=bool)
    precision = int(first.get("precision", 2))
    d_k = int(first.get("d_k") or len(first["heads"][0]["q"][0]))
    scale = float(first.get("scale") or 1 / math.sqrt(d_k))
    per_head = [[_head_arrays(h, mask, precision, always_shift) for h in att["heads"]] for att in attentions]
    fields = {}
    for name in ("pct", "score", "scaled", "exps", "expSum", "q", "k", "v", "output"):
        stacked = _stack(per_head, name)
        hidden = ~np.broadcast_to(mask, stacked.shape) if name == "scaled" else None  # −∞: a key the mask hides
        fields[name] = payload.add(f"{view_id}.{name}", stacked, hidden=hidden)
    weights = [[np.asarray(h["weights"], dtype=np.float64) for h in att["heads"]] for att in attentions]
    return {
        "id": view_id, "label": label, "kind": "attention", "rowTokens": row_tokens, "colTokens": col_tokens,
        "layers": len(attentions), "heads": len(attentions[0]["heads"]), "dk": d_k,
        "terms": int(per_head[0][0]["q"].shape[1]), "precision": precision,
        "expPrecision": precision + EXTRA_EXP_DECIMALS,
        "scaleText": format_number(scale, max(precision, 3)), "causal": bool(not mask.all()),
        "shifted": [[bool(h["shifted"]) for h in layer] for layer in per_head],
        "patterns": _pattern_cells(weights, tuple(row_tokens), mask) if patterns else None,
        "fields": fields,
    }


def rollout_view(data: dict, attentions: list[dict], tokens: list[str], payload: PayloadBuilder) -> dict:
    """Rollout after each layer as a one-head view (the trace's own `rollout` when it has one)."""
    if "rollout" in data:
        rolled = np.asarray(data["rollout"], dtype=np.float64)
    else:
        rolled = attention_rollout(np.array([[h["weights"] for h in att["heads"]] for att in attentions]))
    pct = np.array([_percent_tenths(layer) for layer in rolled])[:, None]
    return {
        "id": "rollout", "label": "rollout", "kind": "rollout", "rowTokens": tokens, "colTokens": tokens,
        "layers": len(rolled), "heads": 1, "fields": {"pct": payload.add("rollout.pct", pct)},
    }
