"""Deterministic inputs: static word embeddings, positional encoding and projection weights.

Everything a viewer sees as an input is quantised to `input_decimals`, one decimal
fewer than the display precision, so that Q = X·W_Q (and every product of shown
inputs) is exact at the shown precision: the arithmetic on screen redoes exactly.
"""
from __future__ import annotations

import hashlib

import numpy as np

# Scales chosen so the shipped examples' softmax rows show a spread: neither
# uniform nor one-hot (measured by tests/test_spread.py and `make bench`).
EMBEDDING_RANGE = 1.0
# The weights' spread shrinks as 1/sqrt(d_model), so scores keep one scale at any size.
WEIGHT_GAIN = 2.4


def input_decimals(precision: int) -> int:
    return max(1, precision - 1)


def quantise(values: np.ndarray, decimals: int) -> np.ndarray:
    quantised = np.round(np.asarray(values, dtype=np.float64), decimals)
    quantised[quantised == 0] = 0.0  # no "-0.0" on screen
    return quantised


def _rng(*parts: object) -> np.random.Generator:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def static_embedding(word: str, d_model: int, seed: int, decimals: int) -> np.ndarray:
    """The same word gets the same vector in every sentence (for a given seed and size)."""
    vector = _rng("embedding", seed, d_model, word).uniform(-EMBEDDING_RANGE, EMBEDDING_RANGE, d_model)
    return quantise(vector, decimals)


def sinusoidal_encoding(n_tokens: int, d_model: int) -> np.ndarray:
    """Vaswani et al. 2017: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...)."""
    positions = np.arange(n_tokens)[:, None]
    rates = 1.0 / 10000 ** (2 * (np.arange(d_model) // 2) / d_model)
    angles = positions * rates[None, :]
    return np.where(np.arange(d_model) % 2 == 0, np.sin(angles), np.cos(angles))


def projection_weights(d_model: int, seed: int, decimals: int) -> dict[str, np.ndarray]:
    """W_Q, W_K, W_V, W_O as (d_model, d_model) matrices used as X @ W."""
    rng = _rng("weights", seed, d_model)
    names = ("w_q", "w_k", "w_v", "w_o")
    return {name: quantise(rng.normal(0.0, WEIGHT_GAIN / np.sqrt(d_model), (d_model, d_model)), decimals) for name in names}
