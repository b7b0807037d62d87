"""What every real model's trace offers over its layers, whatever the layer holds around attention.

A trace class inherits this and has `embeddings` (n, d_model) and `layers`, each with `.hidden`
(its output) and `.attention` (an AttentionTrace): MiniLM's ModelTrace and SmolLM2's DecoderTrace.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from .head_patterns import ALL_PATTERN_RULES
from .rollout import attention_rollout
from .worked import HeadPattern, MeanWeights, clearest_heads, mean_weights


class LayerStack:
    """Mixed into a frozen trace dataclass; the worked values are computed on first use."""

    @property
    def hidden_states(self) -> tuple[np.ndarray, ...]:
        """The embeddings, then every layer's output: n_layers + 1 arrays (transformers lists MiniLM's
        so; for a decoder it puts the final norm's output last instead)."""
        return (self.embeddings, *(layer.hidden for layer in self.layers))

    @property
    def n_layers(self) -> int:
        return len(self.layers)

    @property
    def n_heads(self) -> int:
        return self.layers[0].attention.n_heads

    @property
    def attention_weights(self) -> np.ndarray:
        """(n_layers, n_heads, n, n): every head's softmax weights."""
        return np.array([[head.weights for head in layer.attention.heads] for layer in self.layers])

    # Worked values the model scenes show (attention_math/worked.py).
    @cached_property
    def layer_means(self) -> tuple[MeanWeights, ...]:
        """Each layer's weights averaged over its heads (rows still sum to 1)."""
        return tuple(mean_weights(layer.mean(axis=0)) for layer in self.attention_weights)

    @cached_property
    def rollout(self) -> tuple[MeanWeights, ...]:
        """Attention rollout after each layer (attention_math/rollout.py)."""
        return tuple(mean_weights(rolled) for rolled in attention_rollout(self.attention_weights))

    @cached_property
    def head_patterns(self) -> tuple[tuple[HeadPattern, ...], ...]:
        return tuple(layer.attention.head_patterns for layer in self.layers)

    @cached_property
    def pattern_counts(self) -> dict[str, int]:
        """How many heads of the whole model each pattern class names (every class, in check order)."""
        kinds = [pattern.kind for row in self.head_patterns for pattern in row]
        return {kind: kinds.count(kind) for kind in ALL_PATTERN_RULES}

    @cached_property
    def clearest_heads(self) -> dict[str, tuple[int, int]]:
        """For each pattern class that occurs, the (layer, head) that shows it most clearly."""
        return clearest_heads(self.head_patterns)
