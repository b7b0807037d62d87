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
    scaled: bool = False  # the speeds are not θ^(−2i/d_k) throughout: a scaled RoPE (Llama 3's)

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


def rotary_angles(n_tokens: int, d_k: int, theta: float, frequencies: np.ndarray | None = None) -> RotaryAngles:
    """The angles for n positions, computed in float64 (transformers computes them in float32);
    `frequencies` replaces θ^(−2i/d_k) when a scaled RoPE (Llama 3's) changes them."""
    plain = 1.0 / theta ** (np.arange(0, d_k, 2, dtype=np.float64) / d_k)
    scaled = frequencies is not None and not np.allclose(frequencies, plain, rtol=1e-12, atol=0)
    frequencies = plain if frequencies is None else frequencies
    angles = np.arange(n_tokens, dtype=np.float64)[:, None] * frequencies[None, :]
    doubled = np.concatenate([angles, angles], axis=-1)
    return RotaryAngles(theta=float(theta), d_k=d_k, frequencies=_frozen(frequencies), angles=_frozen(angles),
                        cos=_frozen(np.cos(doubled)), sin=_frozen(np.sin(doubled)), scaled=scaled)


def llama3_frequencies(theta: float, d_k: int, factor: float, low_freq_factor: float, high_freq_factor: float,
                       original_context: int) -> np.ndarray:
    """Llama 3.1's scaled speeds: slow pairs (long wavelengths) divided by `factor`, fast ones kept,
    a smooth blend between (transformers' _compute_llama3_parameters)."""
    frequencies = 1.0 / theta ** (np.arange(0, d_k, 2, dtype=np.float64) / d_k)
    wavelengths = 2 * np.pi / frequencies
    low, high = original_context / low_freq_factor, original_context / high_freq_factor
    scaled = np.where(wavelengths > low, frequencies / factor, frequencies)
    smooth = (original_context / wavelengths - low_freq_factor) / (high_freq_factor - low_freq_factor)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    medium = (wavelengths >= high) & (wavelengths <= low)
    return np.where(medium, blended, scaled)
