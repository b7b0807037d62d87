"""Frozen records of a Llama-style decoder's trace (SmolLM2): what a layer adds around attention.

Shapes use n = tokens, d = d_model (576), d_k = head size (64), f = MLP width (1536),
H = query heads (9), G = key/value heads (3). Rows are tokens throughout.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..layer_stack import LayerStack
from ..rope import RotaryAngles
from ..trace import AttentionTrace


@dataclass(frozen=True)
class RMSNormTrace:
    input: np.ndarray  # (n, d)
    rms: np.ndarray  # (n,) sqrt(mean(input²) + eps), per row
    normalized: np.ndarray  # (n, d) input / rms
    gain: np.ndarray  # (d,) learned
    eps: float
    output: np.ndarray  # (n, d) normalized * gain


@dataclass(frozen=True)
class RopeTrace:
    """One layer's rotation of queries and keys (the angles are the same in every layer)."""
    angles: RotaryAngles
    q: np.ndarray  # (H, n, d_k) before the rotation: attention.q split into heads
    q_rotated: np.ndarray  # (H, n, d_k) = heads[h].q
    k: np.ndarray  # (G, n, d_k) before, one per key/value head
    k_rotated: np.ndarray  # (G, n, d_k); query head h uses k_rotated[h // (H / G)]
    # Per-head q/k RMSNorm before RoPE (Qwen3, Gemma 3): q and k above are then the normalised vectors,
    # attention.q / attention.k the ones before; each dimension's learned gain (Gemma's 1 + w), and eps.
    q_gain: np.ndarray | None = None  # (d_k,)
    k_gain: np.ndarray | None = None  # (d_k,)
    norm_eps: float | None = None


@dataclass(frozen=True)
class GroupedQueryTrace:
    """Grouped-query attention: several query heads read one key/value head."""
    n_heads: int
    n_kv_heads: int
    kv_head_of_query: tuple[int, ...]  # (H,) query head h reads KV head kv_head_of_query[h]
    query_heads_of_kv: tuple[tuple[int, ...], ...]  # (G,) the query heads sharing each KV head
    w_k: np.ndarray  # (d, G·d_k) the model's own key matrix (attention.w_k repeats its blocks per query head)
    w_v: np.ndarray  # (d, G·d_k)
    k: np.ndarray  # (n, G·d_k) = attention.x @ w_k, before the rotation
    v: np.ndarray  # (n, G·d_k) = attention.x @ w_v
    k_rotated: np.ndarray  # (G, n, d_k) what the KV cache keeps for keys
    v_by_kv_head: np.ndarray  # (G, n, d_k) what it keeps for values
    kv_cache_floats_per_token: int  # per layer: 2 · G · d_k = 384
    kv_cache_floats_per_token_without_sharing: int  # 2 · H · d_k = 1152, 3× more


@dataclass(frozen=True)
class SwiGLUTrace:
    input: np.ndarray  # (n, d) the RMSNorm output
    w_gate: np.ndarray  # (d, f)
    w_up: np.ndarray  # (d, f)
    w_down: np.ndarray  # (f, d)
    gate: np.ndarray  # (n, f) input @ w_gate
    up: np.ndarray  # (n, f) input @ w_up
    activated_gate: np.ndarray  # (n, f) SiLU(gate) = gate · sigmoid(gate), or GELU(gate) (see activation)
    product: np.ndarray  # (n, f) activated_gate * up
    output: np.ndarray  # (n, d) product @ w_down
    activation: str = "silu"  # of the gate: "silu" (SwiGLU: Llama, Qwen) or "gelu_tanh" (Gemma 3)


@dataclass(frozen=True)
class DecoderLayerTrace:
    index: int  # 0-based; shown as "layer index+1"
    input: np.ndarray  # (n, d) the residual stream entering the layer
    attention_norm: RMSNormTrace  # of input; its output is attention.x
    attention: AttentionTrace  # causal; see smollm2's docstring for q, k, w_k, w_v
    rope: RopeTrace
    grouped_query: GroupedQueryTrace
    attention_residual: np.ndarray  # (n, d) input + attention.output
    mlp_norm: RMSNormTrace  # of attention_residual
    mlp: SwiGLUTrace
    hidden: np.ndarray  # (n, d) attention_residual + mlp.output (Gemma: + post_mlp_norm.output): next layer's input
    # Gemma 3 normalises each sub-layer's output too, before it is added to the residual stream:
    post_attention_norm: RMSNormTrace | None = None  # of attention.output; attention_residual = input + its output
    post_mlp_norm: RMSNormTrace | None = None  # of mlp.output; hidden = attention_residual + its output


@dataclass(frozen=True)
class NextToken:
    token_id: int
    token: str  # decoded text, e.g. " to"
    logit: float
    probability: float  # softmax over the whole vocabulary


@dataclass(frozen=True)
class NextTokenShares:
    """The top next tokens as shown: percentages with one decimal, and "all others" the rest, so
    the shown values add to exactly 100.0 (the top 5 alone never do: the other 49,147 tokens
    share what is left)."""
    tokens: tuple[str, ...]  # the top tokens, best first
    percentages: tuple[float, ...]  # each probability × 100, rounded to 0.1
    others_percentage: float  # 100.0 − the shown percentages, exact in tenths
    others_count: int  # how many tokens "all others" is
    vocabulary_size: int  # 49,152
    total_percentage: float  # the shown values' sum: 100.0


def next_token_shares(next_tokens: tuple[NextToken, ...], vocabulary_size: int) -> NextTokenShares:
    tenths = [int(round(token.probability * 1000)) for token in next_tokens]  # whole tenths of a percent
    others = 1000 - sum(tenths)
    return NextTokenShares(tokens=tuple(token.token for token in next_tokens),
                           percentages=tuple(t / 10 for t in tenths), others_percentage=others / 10,
                           others_count=vocabulary_size - len(next_tokens), vocabulary_size=vocabulary_size,
                           total_percentage=(sum(tenths) + others) / 10)


@dataclass(frozen=True)
class DecoderTrace(LayerStack):
    sentence: str  # the prompt
    tokens: tuple[str, ...]  # decoded token texts, no BOS
    token_ids: tuple[int, ...]
    embeddings: np.ndarray  # (n, d) rows of the token embedding matrix
    rotary: RotaryAngles
    layers: tuple[DecoderLayerTrace, ...]
    final_norm: RMSNormTrace  # of the last layer's hidden
    logits: np.ndarray  # (vocab,) the last position only: final_norm.output[-1] @ embeddings.T (tied)
    probabilities: np.ndarray  # (vocab,) softmax of logits
    next_tokens: tuple[NextToken, ...]  # the 5 most probable, best first
    quantisation: str  # to be shown once: the numbers are those of the 4-bit file
    causal: bool = True
    embedding_scale: float = 1.0  # embeddings = embedding rows × this (Gemma: √d_model in the weights' dtype)

    @cached_property
    def next_token_shares(self) -> NextTokenShares:
        """next_tokens as the next-token segment shows them (percentages adding to 100.0)."""
        return next_token_shares(self.next_tokens, len(self.logits))
