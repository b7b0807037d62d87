"""Rotary position embedding (RoPE, Su et al. 2021) as Llama and SmolLM2 use it.

Each head's 64 dimensions form 32 pairs; pair i is dimensions (i, i + 32) (the Hugging Face
"rotate half" layout; GGUF files store Q/K rows so that llama.cpp pairs 2i, 2i+1 instead, and
gguf_weights puts them back). At position p pair i is turned by the angle p · θ^(−2i/64):
    (a, b) → (a·cos − b·sin, b·cos + a·sin).
Queries and keys are turned, values are not; nothing is added to the token vectors. Since a
rotation by α then the transpose of one by β is one by α − β, q_p · k_r depends on the
positions only through p − r.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import _frozen


@dataclass(frozen=True)
class RotaryAngles:
    """The angles for positions 0 … n−1; the same in every layer and head."""
    theta: float  # base, 100000 for SmolLM2
    d_k: int  # head size; d_k / 2 pairs
    frequencies: np.ndarray  # (d_k/2,) θ^(−2i/d_k), radians per position step, for pair i
    angles: np.ndarray  # (n, d_k/2) position p × frequencies[i]
    cos: np.ndarray  # (n, d_k) cos(angles) for both dimensions of each pair: [cos(angles), cos(angles)]
    sin: np.ndarray  # (n, d_k)

    @property
    def pair_dimensions(self) -> tuple[tuple[int, int], ...]:
        """Pair i's two dimensions within a head: (i, i + d_k/2)."""
        half = self.d_k // 2
        return tuple((i, i + half) for i in range(half))

    def rotate(self, vectors: np.ndarray) -> np.ndarray:
        """Turn each row (…, n, d_k) by its position's angles."""
        half = self.d_k // 2
        turned_half = np.concatenate([-vectors[..., half:], vectors[..., :half]], axis=-1)
        return vectors * self.cos + turned_half * self.sin


def rotary_angles(n_tokens: int, d_k: int, theta: float) -> RotaryAngles:
    """The angles for n positions, computed in float64 (transformers computes them in float32)."""
    frequencies = 1.0 / theta ** (np.arange(0, d_k, 2, dtype=np.float64) / d_k)
    angles = np.arange(n_tokens, dtype=np.float64)[:, None] * frequencies[None, :]
    doubled = np.concatenate([angles, angles], axis=-1)
    return RotaryAngles(theta=float(theta), d_k=d_k, frequencies=_frozen(frequencies), angles=_frozen(angles),
                        cos=_frozen(np.cos(doubled)), sin=_frozen(np.sin(doubled)))
