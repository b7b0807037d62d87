"""Llama-style decoders in numpy: Llama 2/3 (with Llama 3's scaled RoPE), Mistral (sliding window),
Qwen2 (q/k/v biases), Qwen3 (per-head q/k RMSNorm before RoPE), SmolLM2.

Each layer: RMSNorm → attention (query heads, fewer key/value heads, RoPE on q and k, causal,
maybe a window) → residual → RMSNorm → SwiGLU MLP → residual; then the final RMSNorm and the
next-token logits. The records are SmolLM2's (attention_math/decoder_records.py), so every
decoder segment reads any of these models unchanged. Weights are converted to float64 one layer
at a time from the lazy tensor mapping.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..decoder_records import DecoderLayerTrace, DecoderTrace
from ...example import ExampleError
from ...rope import llama3_frequencies, rotary_angles
from .llama_parts import rope_and_groups, rms_norm, swiglu
from ...trace import _frozen, attention_trace, causal_mask
from ..loaders import take_rows
from ..spec import ModelSpec, WeightSource
from .decoder_head import next_token_prediction

MODEL_TYPES = ("llama", "mistral", "qwen2", "qwen3")
PRECISION = 2


@dataclass(frozen=True)
class Shape:
    """What the forward pass needs from config.json (named as _rope_and_groups reads them)."""
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int
    d_k: int
    eps: float
    theta: float
    windows: tuple[int | None, ...]
    qk_norm: bool

    @classmethod
    def of(cls, config: Mapping) -> Shape:
        n_layers, d_model = int(config["num_hidden_layers"]), int(config["hidden_size"])
        n_heads = int(config["num_attention_heads"])
        return cls(n_layers=n_layers, d_model=d_model, n_heads=n_heads,
                   n_kv_heads=int(config.get("num_key_value_heads") or n_heads),
                   d_k=int(config.get("head_dim") or d_model // n_heads), eps=float(config.get("rms_norm_eps", 1e-6)),
                   theta=float(_rope(config).get("rope_theta", 10000.0)), windows=_windows(config, n_layers),
                   qk_norm=config.get("model_type") == "qwen3")


def _rope(config: Mapping) -> dict:
    """RoPE settings, whether the config uses transformers 5's rope_parameters or the older keys."""
    rope = dict(config.get("rope_parameters") or {})
    rope.setdefault("rope_theta", config.get("rope_theta", 10000.0))
    rope.update({key: value for key, value in (config.get("rope_scaling") or {}).items() if key not in rope})
    rope.setdefault("rope_type", rope.get("type", "default"))
    return rope


def _windows(config: Mapping, n_layers: int) -> tuple[int | None, ...]:
    window = config.get("sliding_window")
    types = config.get("layer_types")
    qwen = config.get("model_type") in ("qwen2", "qwen3")
    if qwen and not config.get("use_sliding_window"):  # their sliding_window is only a default then
        return (None,) * n_layers
    if types:
        return tuple(int(window) if kind == "sliding_attention" and window else None for kind in types[:n_layers])
    first = int(config.get("max_window_layers", 0)) if qwen else 0  # older Qwen configs: windows from that layer on
    return tuple(int(window) if window and index >= first else None for index in range(n_layers))


def frequencies(config: Mapping, d_k: int) -> np.ndarray | None:
    rope = _rope(config)
    if rope["rope_type"] in ("default", None):
        return None
    if rope["rope_type"] != "llama3":
        raise ExampleError(f"model: RoPE type {rope['rope_type']!r} is not supported (default and llama3 are)")
    return llama3_frequencies(float(rope["rope_theta"]), d_k, float(rope["factor"]), float(rope["low_freq_factor"]),
                              float(rope["high_freq_factor"]), int(rope["original_max_position_embeddings"]))


def describe(config: Mapping, source: str, dtype: str, name: str, slug: str) -> ModelSpec:
    shape = Shape.of(config)
    frequencies(config, shape.d_k)  # refused here, in one line, if the RoPE type is not one we compute
    if config.get("hidden_act", "silu") not in ("silu", "swish"):  # the MLP is SwiGLU: SiLU of the gate
        raise ExampleError(f"model: hidden_act {config['hidden_act']!r} is not supported (a Llama-style MLP here "
                           "uses silu)")
    return ModelSpec(
        name=name, slug=slug, family="llama", architecture=(config.get("architectures") or [config["model_type"]])[0],
        kind="decoder", causal=True, positions="rotary", n_layers=shape.n_layers, d_model=shape.d_model,
        n_heads=shape.n_heads, n_kv_heads=shape.n_kv_heads, head_dim=shape.d_k,
        max_positions=int(config.get("max_position_embeddings", 2048)), windows=shape.windows,
        rope_bases=(shape.theta,) * shape.n_layers, qk_norm=shape.qk_norm, next_token=True, norm="rms", generation=True,
        tokenizer_kind="byte-bpe", tokens_named="byte-level BPE tokens", source=source, dtype=dtype)


def _f64(array) -> np.ndarray:
    return np.array(array, dtype=np.float64)


def _matrix(array) -> np.ndarray:
    """A weight as stored when it is float32 or float64 (a view of the mapped file: no copy, no memory),
    else widened to float32. x @ W with float64 x is then float64 arithmetic on the exact weights."""
    array = np.asarray(array)
    return array if array.dtype in (np.float32, np.float64) else array.astype(np.float32)


class _LayerWeights:
    """One layer's matrices as x @ W, float64; K and V also widened to one block per query head."""

    def __init__(self, weights: WeightSource, index: int, shape: Shape):
        prefix = f"model.layers.{index}."
        attention = prefix + "self_attn."

        def matrix(name: str) -> np.ndarray:
            return _matrix(weights[name + ".weight"]).T

        self.attention_norm = _f64(weights[prefix + "input_layernorm.weight"])
        self.mlp_norm = _f64(weights[prefix + "post_attention_layernorm.weight"])
        self.w_q, self.w_k, self.w_v = (matrix(attention + p) for p in ("q_proj", "k_proj", "v_proj"))
        self.w_o = matrix(attention + "o_proj")
        self.w_gate, self.w_up, self.w_down = (matrix(prefix + "mlp." + p) for p in ("gate_proj", "up_proj", "down_proj"))
        group = shape.n_heads // shape.n_kv_heads
        widen = _widener(shape, group)
        self.w_k_per_query_head, self.w_v_per_query_head = widen(self.w_k), widen(self.w_v)
        self.raw_biases = {key: _f64(weights[f"{attention}{key}_proj.bias"]) for key in "qkv"
                           if f"{attention}{key}_proj.bias" in weights}
        self.biases = {"q": self.raw_biases["q"]} if "q" in self.raw_biases else {}
        self.biases.update({key: widen(self.raw_biases[key][None, :])[0] for key in "kv" if key in self.raw_biases})
        if attention + "o_proj.bias" in weights:  # Llama's attention_bias=True biases o_proj too
            self.biases["o"] = _f64(weights[attention + "o_proj.bias"])
        self.mlp_biases = {part: _f64(weights[f"{prefix}mlp.{part}_proj.bias"]) for part in ("gate", "up", "down")
                           if f"{prefix}mlp.{part}_proj.bias" in weights}  # Llama's mlp_bias=True
        self.shape = shape
        if shape.qk_norm:
            self.q_gain, self.k_gain = _f64(weights[attention + "q_norm.weight"]), _f64(weights[attention + "k_norm.weight"])
            self.norm_q, self.norm_k = _head_rms(self.q_gain, shape.eps), _head_rms(self.k_gain, shape.eps)


def layer_weights(weights: WeightSource, index: int, shape: Shape) -> _LayerWeights:
    return _LayerWeights(weights, index, shape)


def logits_of(weights: WeightSource, hidden: np.ndarray, eps: float) -> np.ndarray:
    """The last position's next-token logits: final RMSNorm, then the output matrix (or the tied embeddings)."""
    final = rms_norm(hidden[-1:], _f64(weights["model.norm.weight"]), eps).output[0]
    return chunked_logits(weights, "lm_head.weight" if "lm_head.weight" in weights else "model.embed_tokens.weight",
                          final)


def chunked_logits(weights: WeightSource, name: str, vector: np.ndarray, rows: int = 16384) -> np.ndarray:
    """weights[name] (vocab, d) @ vector in float64, a block of rows at a time: a 128k × 2048 output
    matrix is never widened whole."""
    n_rows = weights.shape_of(name)[0] if hasattr(weights, "shape_of") else np.shape(weights[name])[0]
    return np.concatenate([take_rows(weights, name, slice(i, i + rows)) @ vector for i in range(0, n_rows, rows)])


def _widener(shape: Shape, group: int):
    """(rows, G·d_k) → (rows, H·d_k): KV head g's block repeated for its query heads (transformers' repeat_kv)."""
    def widen(matrix: np.ndarray) -> np.ndarray:
        rows = matrix.shape[0]
        blocks = matrix.reshape(rows, shape.n_kv_heads, 1, shape.d_k)
        return np.broadcast_to(blocks, (rows, shape.n_kv_heads, group, shape.d_k)).reshape(rows, -1).copy()
    return widen


def _head_rms(gain: np.ndarray, eps: float):
    def norm(heads: np.ndarray) -> np.ndarray:  # (H, n, d_k): each head's vector over its d_k dimensions
        return heads / np.sqrt(np.mean(heads * heads, axis=-1, keepdims=True) + eps) * gain
    return norm


def window_mask(n_tokens: int, window: int | None) -> np.ndarray | None:
    """Causal and within the window: query i sees key j when 0 ≤ i − j < window (None: no window)."""
    if window is None or window >= n_tokens:
        return None
    mask = causal_mask(n_tokens)
    return mask & ~np.tril(np.ones((n_tokens, n_tokens), dtype=bool), -window)


def _layer(weights: WeightSource, index: int, shape: Shape, tokens, x, rotary) -> DecoderLayerTrace:
    layer = _LayerWeights(weights, index, shape)
    attention_norm = rms_norm(x, layer.attention_norm, shape.eps)
    norms = (layer.norm_q, layer.norm_k) if shape.qk_norm else None
    attention = attention_trace(
        tokens, attention_norm.output, layer.w_q, layer.w_k_per_query_head, layer.w_v_per_query_head, layer.w_o,
        shape.n_heads, causal=True, biases=layer.biases, precision=PRECISION, rotate=rotary.rotate,
        head_norms=norms, d_k=shape.d_k, mask=window_mask(len(tokens), shape.windows[index]))
    rope, grouped = rope_and_groups(attention, rotary, layer, shape)
    if norms:  # what RoPE turns is the normalised q and k
        rope = replace(rope, q=_frozen(norms[0](rope.q)), k=_frozen(norms[1](rope.k)), q_gain=_frozen(layer.q_gain),
                       k_gain=_frozen(layer.k_gain), norm_eps=shape.eps)
    attention_residual = x + attention.output
    mlp_norm = rms_norm(attention_residual, layer.mlp_norm, shape.eps)
    mlp = swiglu(mlp_norm.output, layer)
    return DecoderLayerTrace(index=index, input=x, attention_norm=attention_norm, attention=attention, rope=rope,
                             grouped_query=grouped, attention_residual=attention_residual, mlp_norm=mlp_norm,
                             mlp=mlp, hidden=attention_residual + mlp.output)


def forward(config: Mapping, weights: WeightSource, token_ids, tokens, sentence: str, causal: bool | None = None,
            upto_layer: int | None = None, decode=None, quantisation: str = "") -> DecoderTrace:
    """Every value of every layer up to `upto_layer` (all, and the next token, when None)."""
    from threadpoolctl import threadpool_limits

    shape = Shape.of(config)
    tokens = tuple(tokens)
    embeddings = take_rows(weights, "model.embed_tokens.weight", token_ids)
    rotary = rotary_angles(len(tokens), shape.d_k, shape.theta, frequencies(config, shape.d_k))
    last = shape.n_layers if upto_layer is None else upto_layer + 1
    with threadpool_limits(limits=1, user_api="blas"):  # steady on a shared machine (see smollm2.py)
        x, layers = embeddings, []
        for index in range(last):
            layers.append(_layer(weights, index, shape, tokens, x, rotary))
            x = layers[-1].hidden
        head = next_token_prediction(weights, x, shape.eps, decode, "model.norm.weight",
                                     "lm_head.weight" if "lm_head.weight" in weights else "model.embed_tokens.weight",
                                     complete=last == shape.n_layers)
    return DecoderTrace(sentence=sentence, tokens=tokens, token_ids=tuple(token_ids), embeddings=embeddings,
                        rotary=rotary, layers=tuple(layers), quantisation=quantisation, **head)
