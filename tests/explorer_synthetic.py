"""A model-shaped trace dict with made-up numbers: 30 layers × 9 heads × 64 tokens, d_k 64.

The 30-layer decoder's real trace has this shape (`layers[l].attention.heads[h]`, as the
MiniLM trace); the page's size and speed limits are checked on it without loading a model.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from attention_math import masked_softmax


def synthetic_model_trace(n_layers: int = 30, n_heads: int = 9, n_tokens: int = 64, d_k: int = 64,
                          seed: int = 0, causal: bool = True, tokens: list[str] | None = None) -> dict:
    rng = np.random.default_rng(seed)
    mask = np.tril(np.ones((n_tokens, n_tokens), dtype=bool)) if causal else np.ones((n_tokens, n_tokens), dtype=bool)
    tokens = tokens or [f"t{i}" for i in range(n_tokens)]
    scale = 1 / np.sqrt(d_k)
    layers = []
    for index in range(n_layers):
        heads = []
        for h in range(n_heads):
            q, k, v = (rng.normal(0, 1.5, (n_tokens, d_k)) for _ in range(3))
            scores = q @ k.T
            scaled = scores * scale
            weights = masked_softmax(scaled, mask)
            heads.append({
                "index": h, "q": q.tolist(), "k": k.tolist(), "v": v.tolist(), "scores": scores.tolist(),
                "scaled_scores": scaled.tolist(),
                "masked_scores": np.where(mask, scaled, np.nan).tolist(),
                "weights": weights.tolist(), "output": (weights @ v).tolist(),
            })
        layers.append({"index": index, "attention": {
            "tokens": tokens, "d_k": d_k, "n_heads": n_heads, "causal": causal,
            "precision": 2, "scale": scale, "mask": mask.tolist(), "heads": heads}})
    return {"model": f"synthetic {n_layers}-layer {'decoder' if causal else 'encoder'} shape", "tokens": tokens,
            "causal": causal, "layers": layers}


@lru_cache(maxsize=1)
def synthetic_page() -> str:
    """The explorer page of the default synthetic trace, built once per test process."""
    from explorer.page import build_page

    return build_page(synthetic_model_trace())
