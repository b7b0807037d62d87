"""Gemma 3 text decoders in numpy, as transformers' Gemma3ForCausalLM computes them (eager).

What differs from a Llama-style layer (families/llama.py, whose pieces this reuses):
- the token embeddings are multiplied by √d_model, rounded to the weights' dtype first (float32:
  25.298222 for d_model 640), as Gemma3TextScaledWordEmbedding does;
- every RMSNorm multiplies by (1 + weight), and a layer has four: before attention, after it
  (before the residual add), before the MLP and after it;
- each head's q and k are RMS-normalised (with their own (1 + weight)) before RoPE;
- scores are scaled by query_pre_attn_scalar^−½ (256: the head size), not 1/√d_k by definition;
- five sliding-window ("local") layers, then one global layer, repeated; local layers turn q and
  k with RoPE base 10,000, global layers with 1,000,000 (times a linear scaling factor if any);
- the MLP is gated with GELU (tanh approximation), not SiLU; the output matrix is the embedding
  matrix (tied); final-logit softcapping (logits = c · tanh(logits / c)) when the config has it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..decoder_records import DecoderLayerTrace, DecoderTrace, SwiGLUTrace
from ...example import ExampleError
from ...rope import rotary_angles
from ...trace import _frozen, attention_trace
from ..loaders import take_rows
from ..spec import ModelSpec, WeightSource
from .decoder_head import next_token_prediction
from .llama import PRECISION, Shape, _f64, _head_rms, _matrix, _widener, window_mask
from .llama_parts import rms_norm, rope_and_groups

MODEL_TYPES = ("gemma3_text",)
SLIDING_WINDOW_PATTERN = 6  # transformers' default: layers 1–5 local, layer 6 global, and again
LOCAL_ROPE_BASE = 10_000.0
_ACTIVATIONS = ("gelu_pytorch_tanh", "gelu_tanh")


@dataclass(frozen=True)
class GemmaShape(Shape):
    """Shape (as llama's forward pieces read it) plus what only Gemma has."""
    local_theta: float = LOCAL_ROPE_BASE
    global_factor: float = 1.0  # linear RoPE scaling of the global layers (Gemma 3 4B and larger: 8)
    scale: float = 1 / 16  # query_pre_attn_scalar ** -0.5
    embed_scale: float = 1.0  # √d_model in the weights' dtype
    final_softcap: float | None = None

    @classmethod
    def of(cls, config: Mapping, dtype: str = "float32") -> GemmaShape:
        n_layers, d_model = int(config["num_hidden_layers"]), int(config["hidden_size"])
        n_heads = int(config["num_attention_heads"])
        d_k = int(config.get("head_dim") or d_model // n_heads)
        global_theta, local_theta, factor = _rope_settings(config)
        if config.get("attn_logit_softcapping"):
            raise ExampleError("model: attention-logit softcapping (Gemma 2) is not supported; Gemma 3 has none")
        return cls(n_layers=n_layers, d_model=d_model, n_heads=n_heads,
                   n_kv_heads=int(config.get("num_key_value_heads") or n_heads), d_k=d_k,
                   eps=float(config.get("rms_norm_eps", 1e-6)), theta=global_theta, windows=_windows(config, n_layers),
                   qk_norm=True, local_theta=local_theta, global_factor=factor,
                   scale=float(config.get("query_pre_attn_scalar", 256)) ** -0.5,
                   embed_scale=_in_dtype(d_model ** 0.5, dtype),
                   final_softcap=config.get("final_logit_softcapping") or None)

    def rope_base(self, index: int) -> float:
        return self.local_theta if self.windows[index] is not None else self.theta


def _in_dtype(value: float, dtype: str) -> float:
    """value rounded to the weights' dtype, as transformers casts the embedding scale to it."""
    if dtype == "float16":
        return float(np.float16(value))
    if dtype == "bfloat16":  # round to nearest even on the upper 16 bits of the float32
        bits = int(np.float32(value).view(np.uint32))
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
        return float(np.uint32(bits).view(np.float32))
    return float(np.float32(value))


def layer_types(config: Mapping, n_layers: int) -> tuple[str, ...]:
    types = config.get("layer_types")
    if types:
        return tuple(types[:n_layers])
    pattern = int(config.get("sliding_window_pattern") or SLIDING_WINDOW_PATTERN)
    return tuple("sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n_layers))


def _windows(config: Mapping, n_layers: int) -> tuple[int | None, ...]:
    window = config.get("sliding_window")
    return tuple(int(window) if kind == "sliding_attention" and window else None
                 for kind in layer_types(config, n_layers))


def _rope_settings(config: Mapping) -> tuple[float, float, float]:
    """(global base, local base, global linear factor), from transformers 5's rope_parameters per layer
    type or the older rope_theta / rope_local_base_freq / rope_scaling keys."""
    params = config.get("rope_parameters") or {}
    full, sliding = dict(params.get("full_attention") or {}), dict(params.get("sliding_attention") or {})
    full.update({k: v for k, v in (config.get("rope_scaling") or {}).items() if k not in full})
    global_theta = float(full.get("rope_theta", config.get("rope_theta", 1_000_000.0)))
    local_theta = float(sliding.get("rope_theta", config.get("rope_local_base_freq", LOCAL_ROPE_BASE)))
    for settings in (full, sliding):
        kind = settings.get("rope_type", settings.get("type", "default"))
        if kind not in ("default", "linear", None):
            raise ExampleError(f"model: RoPE type {kind!r} is not supported for Gemma 3 (default and linear are)")
    linear = full.get("rope_type", full.get("type")) == "linear"
    return global_theta, local_theta, float(full.get("factor", 1.0)) if linear else 1.0


def describe(config: Mapping, source: str, dtype: str, name: str, slug: str) -> ModelSpec:
    shape = GemmaShape.of(config)
    if config.get("hidden_activation", "gelu_pytorch_tanh") not in _ACTIVATIONS:
        raise ExampleError(f"model: hidden_activation {config['hidden_activation']!r} is not supported (Gemma 3's "
                           "MLP uses gelu_pytorch_tanh)")
    bos = config.get("_bos_token")
    return ModelSpec(
        name=name, slug=slug, family="gemma3", architecture=(config.get("architectures") or ["Gemma3ForCausalLM"])[0],
        kind="decoder", causal=True, positions="rotary", n_layers=shape.n_layers, d_model=shape.d_model,
        n_heads=shape.n_heads, n_kv_heads=shape.n_kv_heads, head_dim=shape.d_k,
        max_positions=int(config.get("max_position_embeddings", 32768)), windows=shape.windows,
        rope_bases=tuple(shape.rope_base(i) for i in range(shape.n_layers)), qk_norm=True, next_token=True,
        norm="rms", generation=False, special_tokens=(bos,) if bos else (), tokenizer_kind="sentencepiece",
        tokens_named="SentencePiece tokens", source=source, dtype=dtype)


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (torch's gelu(approximate="tanh"))."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def gated_gelu(x: np.ndarray, layer) -> SwiGLUTrace:
    gate, up = x @ _f64(layer.w_gate), x @ _f64(layer.w_up)
    activated = gelu_tanh(gate)
    product = activated * up
    return SwiGLUTrace(input=_frozen(x), w_gate=_frozen(layer.w_gate), w_up=_frozen(layer.w_up),
                       w_down=_frozen(layer.w_down), gate=_frozen(gate), up=_frozen(up),
                       activated_gate=_frozen(activated), product=_frozen(product),
                       output=_frozen(product @ _f64(layer.w_down)), activation="gelu_tanh")


class _GemmaLayer:
    """One layer's weights: matrices as x @ W (K and V widened per query head), norm gains 1 + weight."""

    def __init__(self, weights: WeightSource, index: int, shape: GemmaShape):
        prefix = f"model.layers.{index}."
        attention = prefix + "self_attn."

        def gain(name: str) -> np.ndarray:
            return _f64(weights[name + ".weight"]) + 1.0

        def matrix(name: str) -> np.ndarray:
            return _matrix(weights[name + ".weight"]).T

        self.attention_norm, self.post_attention_norm = gain(prefix + "input_layernorm"), \
            gain(prefix + "post_attention_layernorm")
        self.mlp_norm, self.post_mlp_norm = gain(prefix + "pre_feedforward_layernorm"), \
            gain(prefix + "post_feedforward_layernorm")
        self.w_q, self.w_k, self.w_v = (matrix(attention + p) for p in ("q_proj", "k_proj", "v_proj"))
        self.w_o = matrix(attention + "o_proj")
        self.w_gate, self.w_up, self.w_down = (matrix(prefix + "mlp." + p) for p in ("gate_proj", "up_proj", "down_proj"))
        widen = _widener(shape, shape.n_heads // shape.n_kv_heads)
        self.w_k_per_query_head, self.w_v_per_query_head = widen(self.w_k), widen(self.w_v)
        self.q_gain, self.k_gain = gain(attention + "q_norm"), gain(attention + "k_norm")
        self.norm_q, self.norm_k = _head_rms(self.q_gain, shape.eps), _head_rms(self.k_gain, shape.eps)


def _layer(weights: WeightSource, index: int, shape: GemmaShape, tokens, x, rotary) -> DecoderLayerTrace:
    layer = _GemmaLayer(weights, index, shape)
    attention_norm = rms_norm(x, layer.attention_norm, shape.eps)
    norms = (layer.norm_q, layer.norm_k)
    attention = attention_trace(
        tokens, attention_norm.output, layer.w_q, layer.w_k_per_query_head, layer.w_v_per_query_head, layer.w_o,
        shape.n_heads, causal=True, precision=PRECISION, rotate=rotary.rotate, head_norms=norms, d_k=shape.d_k,
        scale=shape.scale, mask=window_mask(len(tokens), shape.windows[index]))
    rope, grouped = rope_and_groups(attention, rotary, layer, shape)
    rope = replace(rope, q=_frozen(norms[0](rope.q)), k=_frozen(norms[1](rope.k)),  # RoPE turns the normalised q, k
                   q_gain=_frozen(layer.q_gain), k_gain=_frozen(layer.k_gain), norm_eps=shape.eps)
    post_attention = rms_norm(attention.output, layer.post_attention_norm, shape.eps)
    attention_residual = x + post_attention.output
    mlp_norm = rms_norm(attention_residual, layer.mlp_norm, shape.eps)
    mlp = gated_gelu(mlp_norm.output, layer)
    post_mlp = rms_norm(mlp.output, layer.post_mlp_norm, shape.eps)
    return DecoderLayerTrace(index=index, input=x, attention_norm=attention_norm, attention=attention, rope=rope,
                             grouped_query=grouped, attention_residual=attention_residual, mlp_norm=mlp_norm,
                             mlp=mlp, hidden=attention_residual + post_mlp.output,
                             post_attention_norm=post_attention, post_mlp_norm=post_mlp)


def rotaries(shape: GemmaShape, n_tokens: int) -> dict[float, object]:
    """RoPE angles per base: the local layers' and the global layers' (with its linear factor)."""
    plain = 1.0 / shape.theta ** (np.arange(0, shape.d_k, 2, dtype=np.float64) / shape.d_k)
    scaled = plain / shape.global_factor if shape.global_factor != 1.0 else None
    return {shape.local_theta: rotary_angles(n_tokens, shape.d_k, shape.local_theta),
            shape.theta: rotary_angles(n_tokens, shape.d_k, shape.theta, scaled)}


def _output_name(weights: WeightSource) -> str:
    return "lm_head.weight" if "lm_head.weight" in weights else "model.embed_tokens.weight"


def forward(config: Mapping, weights: WeightSource, token_ids, tokens, sentence: str, causal: bool | None = None,
            upto_layer: int | None = None, decode=None, quantisation: str = "") -> DecoderTrace:
    """Every value of every layer up to `upto_layer` (all, and the next token, when None)."""
    from threadpoolctl import threadpool_limits

    dtype = weights.dtype_name() if hasattr(weights, "dtype_name") else "float32"
    shape = GemmaShape.of(config, dtype if dtype in ("float16", "bfloat16") else "float32")
    tokens = tuple(tokens)
    embeddings = take_rows(weights, "model.embed_tokens.weight", token_ids) * shape.embed_scale
    angles = rotaries(shape, len(tokens))
    last = shape.n_layers if upto_layer is None else upto_layer + 1
    with threadpool_limits(limits=1, user_api="blas"):  # steady on a shared machine
        x, layers = embeddings, []
        for index in range(last):
            layers.append(_layer(weights, index, shape, tokens, x, angles[shape.rope_base(index)]))
            x = layers[-1].hidden
        head = next_token_prediction(weights, x, shape.eps, decode, "model.norm.weight", _output_name(weights),
                                     complete=last == shape.n_layers, norm_offset=1.0, softcap=shape.final_softcap)
    return DecoderTrace(sentence=sentence, tokens=tokens, token_ids=tuple(token_ids), embeddings=_frozen(embeddings),
                        rotary=angles[shape.theta], layers=tuple(layers), quantisation=quantisation,
                        embedding_scale=shape.embed_scale, **head)
