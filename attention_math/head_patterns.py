"""Name what an attention head does, by a rule short enough to show on screen.

Every score is a mean over query rows of one head's (n, n) softmax weights:
  previous token  W[i, i−1] over rows that have a previous token
  next token      W[i, i+1] over rows that have a next token
  self            W[i, i]
  [CLS] / [SEP] sink   mass on that token (summed over its columns), all rows
  first-token sink     mass on token 0, all rows (a decoder has no [CLS]: its sink is token 0)
  broad           entropy of row i / log(keys row i may see), rows seeing ≥ 2 keys
The labels are checked in PATTERN_RULES order and the first whose score reaches
its threshold wins: the specific positional patterns first, then the sinks, then
"broad"; a head matching none is "mixed".
"""
from __future__ import annotations

import numpy as np

# Thresholds, set after measuring all 72 heads of all-MiniLM-L6-v2 on 10 sentences:
# - positional: the real positional heads stand apart (layer 1 head 3 puts 1.00
#   on the previous token, layer 2 head 9 puts 0.53–0.66 on the next one) and
#   every other head averages < 0.4, except layer 3 head 12 (previous token
#   0.34–0.52), which "at least half" names in some sentences only.
# - sinks: the mass on [CLS] is one broad hump (median ≈ 0.55, no gap anywhere),
#   so any cut splits a continuum; "at least half the attention" reads plainly,
#   and 0.55, 0.6 or 2/3 did not make labels steadier across sentences
#   (a head keeps its usual label in 77–82 % of sentences for every choice).
#   [SEP] never gets more than 0.36 in this model.
# - broad: normalised entropy spreads from 0.3 to 0.9; 0.75 keeps the clearly
#   diffuse heads (mostly in layers 1 and 6); sinks are checked first, since a
#   row with half its mass on [CLS] can still score ≈ 0.8 here.
POSITION_THRESHOLD = 0.5
SINK_THRESHOLD = 0.5
BROAD_THRESHOLD = 0.75

# Label -> the one-line rule shown on screen; the order is the order of the checks.
PATTERN_RULES = {
    "previous token": f"on average ≥ {POSITION_THRESHOLD:.0%} of each row goes to the token just before",
    "next token": f"on average ≥ {POSITION_THRESHOLD:.0%} of each row goes to the token just after",
    "self": f"on average ≥ {POSITION_THRESHOLD:.0%} of each row stays on the token itself",
    "[CLS] sink": f"on average ≥ {SINK_THRESHOLD:.0%} of each row goes to [CLS]",
    "[SEP] sink": f"on average ≥ {SINK_THRESHOLD:.0%} of each row goes to [SEP]",
    "broad": f"rows are spread out: mean entropy ≥ {BROAD_THRESHOLD:.0%} of the most possible",
    "mixed": "none of the above; score: the strongest single pattern's share",
}
_THRESHOLDS = {
    "previous token": POSITION_THRESHOLD, "next token": POSITION_THRESHOLD, "self": POSITION_THRESHOLD,
    "[CLS] sink": SINK_THRESHOLD, "[SEP] sink": SINK_THRESHOLD, "broad": BROAD_THRESHOLD,
}

# A decoder (SmolLM2) has no [CLS], yet most of its heads park their weight on token 0, the
# attention sink. It is checked right after the named sinks, with their threshold; when token 0
# is [CLS] its mass is the [CLS] sink's, checked first, so MiniLM's labels and scores never change.
FIRST_TOKEN_SINK = "first-token sink"
# Every label in the order of the checks: PATTERN_RULES with the first-token sink before "broad".
ALL_PATTERN_RULES = {**{k: v for k, v in PATTERN_RULES.items() if k not in ("broad", "mixed")},
                     FIRST_TOKEN_SINK: f"on average ≥ {SINK_THRESHOLD:.0%} of each row goes to the first token",
                     "broad": PATTERN_RULES["broad"], "mixed": PATTERN_RULES["mixed"]}
_THRESHOLDS = {**{k: v for k, v in _THRESHOLDS.items() if k != "broad"}, FIRST_TOKEN_SINK: SINK_THRESHOLD,
               "broad": BROAD_THRESHOLD}
_NAMED_SINKS = {"[CLS] sink": "[CLS]", "[SEP] sink": "[SEP]"}


def pattern_rules(tokens: tuple[str, ...]) -> dict[str, str]:
    """The rules that can name a head of this sentence, in the order of the checks: a named sink
    only if its token occurs, the first-token sink only if token 0 is not [CLS] (so a MiniLM
    sentence gets exactly PATTERN_RULES, SmolLM2's the first-token sink instead of the named ones)."""
    def applies(kind: str) -> bool:
        if kind in _NAMED_SINKS:
            return _NAMED_SINKS[kind] in tokens
        return kind != FIRST_TOKEN_SINK or not tokens or tokens[0] != "[CLS]"
    return {kind: rule for kind, rule in ALL_PATTERN_RULES.items() if applies(kind)}


def _mean_offset(weights: np.ndarray, offset: int) -> float:
    """Mean of W[i, i+offset] over the rows where that key exists (0 for a single token)."""
    diagonal = np.diagonal(weights, offset=offset)
    return float(diagonal.mean()) if diagonal.size else 0.0


def _mean_sink(weights: np.ndarray, tokens: tuple[str, ...], sink: str) -> float:
    columns = [i for i, token in enumerate(tokens) if token == sink]
    return float(weights[:, columns].sum(axis=1).mean()) if columns else 0.0


def _mean_normalised_entropy(weights: np.ndarray, mask: np.ndarray) -> float:
    """Row entropy over log(keys the row may see), averaged over rows that may see ≥ 2 keys."""
    keys_seen = mask.sum(axis=1)
    rows = keys_seen >= 2
    if not rows.any():
        return 0.0
    safe = np.where(weights > 0, weights, 1.0)  # 0·log 0 = 0
    entropy = -(weights * np.log(safe)).sum(axis=1)
    return float(np.mean(entropy[rows] / np.log(keys_seen[rows])))


def pattern_scores(
    weights: np.ndarray, tokens: tuple[str, ...], mask: np.ndarray | None = None
) -> dict[str, float]:
    """Every label's measured score (all but "mixed"); mask: True where a query may see a key."""
    weights = np.asarray(weights, dtype=np.float64)
    if mask is None:
        mask = np.ones(weights.shape, dtype=bool)
    return {
        "previous token": _mean_offset(weights, -1),
        "next token": _mean_offset(weights, 1),
        "self": _mean_offset(weights, 0),
        "[CLS] sink": _mean_sink(weights, tokens, "[CLS]"),
        "[SEP] sink": _mean_sink(weights, tokens, "[SEP]"),
        FIRST_TOKEN_SINK: float(weights[:, 0].mean()) if weights.size else 0.0,
        "broad": _mean_normalised_entropy(weights, mask),
    }


def classify_head(
    weights: np.ndarray, tokens: tuple[str, ...], mask: np.ndarray | None = None
) -> tuple[str, float]:
    """(label, score): the first label in ALL_PATTERN_RULES order whose score reaches its threshold.

    A "mixed" head's score is its largest positional or sink share, so a viewer
    sees how far the strongest pattern is from the threshold.
    """
    if len(tokens) != np.shape(weights)[0]:
        raise ValueError(f"{len(tokens)} tokens for a {np.shape(weights)[0]}-row weight matrix")
    scores = pattern_scores(weights, tokens, mask)
    for label, threshold in _THRESHOLDS.items():
        if scores[label] >= threshold:
            return label, scores[label]
    return "mixed", max(score for label, score in scores.items() if label != "broad")
