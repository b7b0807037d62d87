"""Frozen records of a BERT-style encoder's trace (all-MiniLM-L6-v2, any BERT, RoBERTa, DistilBERT):
what each layer adds around attention (residual + LayerNorm, feed-forward, residual + LayerNorm)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layer_stack import LayerStack
from ..trace import AttentionTrace


@dataclass(frozen=True)
class LayerTrace:
    index: int  # 0-based; shown as "layer index+1"
    attention: AttentionTrace  # x = this layer's input; output = concat @ W_O + b_O
    attention_residual_norm: np.ndarray  # (n, d_model) LayerNorm(x + attention.output)
    ffn_intermediate: np.ndarray  # (n, d_ffn) act(attention_residual_norm @ W_in + b_in), act GELU by default
    ffn_output: np.ndarray  # (n, d_model) ffn_intermediate @ W_out + b_out
    hidden: np.ndarray  # (n, d_model) LayerNorm(attention_residual_norm + ffn_output): next layer's input


@dataclass(frozen=True)
class ModelTrace(LayerStack):
    sentence: str
    tokens: tuple[str, ...]  # WordPiece tokens, [CLS] first and [SEP] last
    token_ids: tuple[int, ...]
    causal: bool
    embeddings: np.ndarray  # (n, d_model) LayerNorm(word + position + token type)
    layers: tuple[LayerTrace, ...]
