"""Greedy generation with a KV cache: SmolLM2 writes a few tokens, one query row at a time.

Reading the prompt (the full trace) leaves every layer's rotated keys and values in the cache.
Each step then feeds one token: in every layer its own K and V rows are appended to the cache,
and only its own query row meets all the cached keys; no earlier row is recomputed. Step 1 feeds
the prompt's last token (the cache then holds the prompt), and each step's argmax is the token
the next step feeds, so 3 steps write 3 tokens.

    generation = generation_trace(model_trace(prompt), layer=13, head=8)
    generation.steps[1].attention.weights   # the new token's row over all cached positions

The chosen layer and head are what a scene shows; the cache is kept for every layer and head.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .models.decoder_records import DecoderTrace
from .display import percentages
from .models.families.llama_parts import rms_norm, swiglu
from .trace import _frozen

GENERATED_TOKENS = 3


@dataclass(frozen=True)
class CachedAttentionRow:
    """The chosen head's work for the fed token at one step."""
    query: np.ndarray  # (d_k,) the fed token's query row, rotated to its position
    new_key: np.ndarray  # (d_k,) the K row it adds to its KV head's cache (rotated)
    new_value: np.ndarray  # (d_k,) the V row it adds
    cached_rows: int  # K/V rows in the cache once it is added: every position so far
    scaled_scores: np.ndarray  # (cached_rows,) query · each cached key / √d_k
    weights: np.ndarray  # (cached_rows,) softmax: the new attention row over every cached position
    percentages: np.ndarray  # (cached_rows,) whole percentages adding to exactly 100


@dataclass(frozen=True)
class GenerationStep:
    index: int  # 0-based; shown as "step index+1"
    position: int  # the fed token's position
    fed_token: str
    fed_token_id: int
    attention: CachedAttentionRow  # at the chosen layer and head
    chosen_token: str  # the argmax of the next-token probabilities
    chosen_token_id: int
    probability: float  # of the chosen token, over the whole vocabulary
    probability_percentage: float  # probability × 100


@dataclass(frozen=True)
class GenerationTrace:
    prompt: str
    prompt_tokens: tuple[str, ...]
    layer: int  # 0-based: the layer and query head whose rows the steps keep
    head: int
    kv_head: int  # the key/value head that query head reads (grouped-query attention)
    steps: tuple[GenerationStep, ...]
    generated_tokens: tuple[str, ...]  # each step's chosen token, in order
    generated_ids: tuple[int, ...]
    tokens: tuple[str, ...]  # prompt tokens, then the generated ones
    cache_floats_per_token: int  # K and V numbers one token adds per layer: 2 · KV heads · d_k
    n_layers: int


class _KVCache:
    """Per layer, per KV head: the rotated keys and the values of every position so far."""

    def __init__(self, trace: DecoderTrace, keep: int) -> None:
        self.keys = [layer.grouped_query.k_rotated[:, :keep] for layer in trace.layers]  # (G, keep, d_k)
        self.values = [layer.grouped_query.v_by_kv_head[:, :keep] for layer in trace.layers]

    def append(self, layer: int, key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Add one position's (G, d_k) key and value rows; returns the layer's whole cache."""
        self.keys[layer] = np.concatenate([self.keys[layer], key[:, None]], axis=1)
        self.values[layer] = np.concatenate([self.values[layer], value[:, None]], axis=1)
        return self.keys[layer], self.values[layer]


def _rotate(vectors: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """RoPE at one position (rope.RotaryAngles.rotate's formula for a single row of each head)."""
    half = vectors.shape[-1] // 2
    return vectors * cos + np.concatenate([-vectors[..., half:], vectors[..., :half]], axis=-1) * sin


def _feed(model, layers: list, cache: _KVCache, token_id: int, cos: np.ndarray, sin: np.ndarray,
          watch: tuple[int, int]) -> tuple[np.ndarray, CachedAttentionRow]:
    """One token through all layers against the cache: its logits, and the watched head's row."""
    shape = layers[0].shape
    group, d_k = shape.n_heads // shape.n_kv_heads, shape.d_k
    x = np.array(model.weights["model.embed_tokens.weight"][token_id], dtype=np.float64)[None, :]
    watched = None
    for index, weights in enumerate(layers):
        normed = rms_norm(x, weights.attention_norm, shape.eps).output[0]
        q, k, v = ((normed @ matrix + weights.raw_biases.get(key, 0.0)).reshape(-1, d_k)
                   for key, matrix in (("q", weights.w_q), ("k", weights.w_k), ("v", weights.w_v)))
        if shape.qk_norm:
            q, k = weights.norm_q(q), weights.norm_k(k)
        q, k = _rotate(q, cos, sin), _rotate(k, cos, sin)
        keys, values = cache.append(index, k, v)
        window = shape.windows[index] or keys.shape[1]
        keys, values = keys[:, -window:], values[:, -window:]  # a sliding window sees only the last keys
        kv_of = np.arange(shape.n_heads) // group
        scaled = np.einsum("hd,hnd->hn", q, keys[kv_of]) / np.sqrt(d_k)
        shifted = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        attention = shifted / shifted.sum(axis=1, keepdims=True)
        heads_out = np.einsum("hn,hnd->hd", attention, values[kv_of]).reshape(-1)
        x = x + (heads_out @ weights.w_o + weights.biases.get("o", 0.0))[None, :]
        x = x + swiglu(rms_norm(x, weights.mlp_norm, shape.eps).output, weights).output
        if index == watch[0]:
            h, g = watch[1], watch[1] // group
            watched = CachedAttentionRow(
                query=_frozen(q[h]), new_key=_frozen(k[g]), new_value=_frozen(v[g]), cached_rows=keys.shape[1],
                scaled_scores=_frozen(scaled[h]), weights=_frozen(attention[h]), percentages=_frozen(percentages(attention[h])))
    return model.family.logits_of(model.weights, x, shape.eps), watched


def generation_trace(trace: DecoderTrace, layer: int, head: int, model=None, steps: int = GENERATED_TOKENS) -> GenerationTrace:
    """Greedy generation of `steps` tokens after the trace's prompt, with a KV cache (model: the
    registry's LoadedModel of a Llama-style decoder; SmolLM2 when None)."""
    from threadpoolctl import threadpool_limits

    from .models.families import llama
    from .models.registry import BUILT_IN_NAMES, resolve

    model = model or resolve(BUILT_IN_NAMES[2])  # SmolLM2, the packaged decoder
    shape = llama.Shape.of(model.config)
    if not 0 <= layer < shape.n_layers or not 0 <= head < shape.n_heads:
        raise ValueError(f"layer {layer}, head {head}: the model has {shape.n_layers} layers of {shape.n_heads} heads")
    n_prompt = len(trace.tokens)
    cache = _KVCache(trace, keep=n_prompt - 1)  # the prompt but its last token, which step 1 feeds
    frequencies = trace.rotary.frequencies
    records, fed_id = [], trace.token_ids[-1]
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: see smollm2.model_trace
        layers = [llama.layer_weights(model.weights, index, shape) for index in range(shape.n_layers)]
        for index in range(steps):
            position = n_prompt - 1 + index
            angles = np.concatenate([position * frequencies] * 2)
            logits, row = _feed(model, layers, cache, fed_id, np.cos(angles), np.sin(angles), (layer, head))
            shifted = np.exp(logits - logits.max())
            chosen = int(np.argmax(logits))
            probability = float(shifted[chosen] / shifted.sum())
            records.append(GenerationStep(
                index=index, position=position, fed_token=model.decode(fed_id), fed_token_id=int(fed_id),
                attention=row, chosen_token=model.decode(chosen), chosen_token_id=chosen, probability=probability,
                probability_percentage=probability * 100))
            fed_id = chosen
    generated = tuple(step.chosen_token for step in records)
    return GenerationTrace(
        prompt=trace.sentence, prompt_tokens=trace.tokens, layer=layer, head=head,
        kv_head=head // (shape.n_heads // shape.n_kv_heads), steps=tuple(records), generated_tokens=generated,
        generated_ids=tuple(step.chosen_token_id for step in records), tokens=trace.tokens + generated,
        cache_floats_per_token=2 * shape.n_kv_heads * shape.d_k, n_layers=shape.n_layers)
