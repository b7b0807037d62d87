"""Heads grouped by how alike their attention patterns are (seed 003's "clustering algorithms").

Distance between two heads: the Jensen–Shannon distance (base 2, so 0…1) between their rows,
averaged over the rows: two heads that spread every query's attention alike are close, whatever
their layers. Average-linkage hierarchical clustering (scipy, installed with manim) orders the
heads for the grid and cuts the tree into a few clusters; each cluster is named by the pattern
class most of its heads have (head_patterns' rule, the one the page shows per head).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
from scipy.spatial.distance import squareform

MAX_CLUSTERS = 8


def _entropy_terms(p: np.ndarray) -> np.ndarray:
    """−Σ p log2 p over the last axis (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log2(p), 0.0).sum(axis=-1)


def js_distances(weights: np.ndarray) -> np.ndarray:
    """[heads, n, m] → [heads, heads]: Jensen–Shannon distance per row, averaged over the rows."""
    p = np.asarray(weights, dtype=np.float64)
    own = _entropy_terms(p)  # [heads, n]
    count = len(p)
    distances = np.zeros((count, count))
    for a in range(count - 1):
        mixed = _entropy_terms((p[a] + p[a + 1:]) / 2)  # [heads after a, n]
        divergence = np.clip(mixed - (own[a] + own[a + 1:]) / 2, 0.0, None)
        distances[a, a + 1:] = distances[a + 1:, a] = np.sqrt(divergence).mean(axis=-1)
    return distances


def cluster_count(heads: int) -> int:
    """A few clusters: about √heads, at most MAX_CLUSTERS."""
    return int(min(MAX_CLUSTERS, max(2, round(np.sqrt(heads)))))


def head_clusters(attentions: list[dict], patterns: list | None) -> dict | None:
    """The page's clustering: heads in leaf order, each head's cluster, each cluster's members and
    dominant pattern, and the tree (for a dendrogram). None for a single head."""
    weights = np.array([[h["weights"] for h in att["heads"]] for att in attentions], dtype=np.float64)
    n_layers, n_heads = weights.shape[:2]
    if n_layers * n_heads < 2:
        return None
    distances = js_distances(weights.reshape(n_layers * n_heads, *weights.shape[2:]))
    tree = linkage(squareform(distances, checks=False), method="average")
    order = [int(i) for i in leaves_list(tree)]
    raw = fcluster(tree, cluster_count(len(order)), criterion="maxclust")
    renumber = {}
    for head in order:  # clusters numbered as they appear along the leaves: bands left to right
        renumber.setdefault(int(raw[head]), len(renumber))
    labels = [renumber[int(raw[head])] for head in range(len(order))]
    clusters = []
    for number in range(len(renumber)):
        members = [head for head in order if labels[head] == number]
        names = [patterns[m // n_heads][m % n_heads][0] for m in members] if patterns else []
        pattern, count = Counter(names).most_common(1)[0] if names else ("", 0)
        clusters.append({"members": members, "pattern": pattern, "patternCount": count})
    return {
        "order": order, "labels": labels, "clusters": clusters,
        "tree": [[int(a), int(b), round(float(d), 4), int(c)] for a, b, d, c in tree],
        "distances": [round(float(v), 4) for v in distances[np.triu_indices(len(order), 1)]]
        if len(order) <= 12 else None,
    }
