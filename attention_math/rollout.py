"""Attention rollout (Abnar & Zuidema 2020): how much each input token feeds each position, layer by layer.

Each layer mixes tokens by its heads' average attention, but the residual
connection also carries every token straight through; rollout models that as
A = ½·mean_heads(W) + ½·I (rows renormalised) and multiplies the layers up:
R₁ = A₁, R_l = A_l · R_{l−1}. Row i of R_l says how much of position i after
layer l comes from each input token; every row sums to 1.
"""
from __future__ import annotations

import numpy as np


def residual_attention(layer_weights: np.ndarray) -> np.ndarray:
    """(heads, n, n) softmax weights -> ½·mean over heads + ½·I, each row summing to 1."""
    layer_weights = np.asarray(layer_weights, dtype=np.float64)
    n_tokens = layer_weights.shape[-1]
    mixed = 0.5 * layer_weights.mean(axis=0) + 0.5 * np.eye(n_tokens)
    return mixed / mixed.sum(axis=-1, keepdims=True)


def attention_rollout(weights: np.ndarray) -> np.ndarray:
    """(layers, heads, n, n) -> (layers, n, n): the rolled-out matrix after each layer, first layer first."""
    rolled = []
    for layer_weights in weights:
        step = residual_attention(layer_weights)
        rolled.append(step if not rolled else step @ rolled[-1])
    return np.array(rolled)
