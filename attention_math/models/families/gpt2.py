"""GPT-2 in numpy: learned positions added to the token embeddings, pre-LayerNorm layers with a
fused q/k/v projection (Conv1D, stored (in, out), so used as x @ W as it is), a tanh-GELU MLP,
a final LayerNorm and the next token against the tied embeddings."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ...activations import activation, layer_norm
from ..decoder_records import DecoderTrace, NextToken
from ...trace import AttentionTrace, _frozen, attention_trace
from ..spec import ModelSpec, WeightSource
from .decoder_head import TOP_NEXT_TOKENS

MODEL_TYPES = ("gpt2",)
PRECISION = 2


@dataclass(frozen=True)
class GPT2LayerTrace:
    index: int
    input: np.ndarray  # (n, d) the residual stream entering the layer
    attention_norm: np.ndarray  # (n, d) LayerNorm(input): attention.x
    attention: AttentionTrace  # causal, biases from c_attn and c_proj
    attention_residual: np.ndarray  # (n, d) input + attention.output
    mlp_norm: np.ndarray  # (n, d) LayerNorm(attention_residual)
    mlp_hidden: np.ndarray  # (n, 4d) act(mlp_norm @ W_fc + b_fc): GELU, tanh form, unless config says otherwise
    mlp_output: np.ndarray  # (n, d) mlp_hidden @ W_proj + b_proj
    hidden: np.ndarray  # (n, d) attention_residual + mlp_output


def _sizes(config: Mapping) -> tuple[int, int, int]:
    return int(config["n_layer"]), int(config["n_embd"]), int(config["n_head"])


def describe(config: Mapping, source: str, dtype: str, name: str, slug: str) -> ModelSpec:
    n_layers, d_model, n_heads = _sizes(config)
    _activation(config)  # refused here, in one line, if unknown
    return ModelSpec(
        name=name, slug=slug, family="gpt2", architecture=(config.get("architectures") or ["GPT2Model"])[0],
        kind="decoder", causal=True, positions="learned", n_layers=n_layers, d_model=d_model, n_heads=n_heads,
        n_kv_heads=n_heads, head_dim=d_model // n_heads, max_positions=int(config.get("n_positions", 1024)),
        windows=(None,) * n_layers, next_token=True, norm="layer", tokenizer_kind="byte-bpe",
        tokens_named="byte-level BPE tokens", source=source, dtype=dtype)


def _activation(config: Mapping):
    return activation(str(config.get("activation_function", "gelu_new")), "MLP")


def _scale(config: Mapping, index: int, d_k: int) -> float:
    """1/√d_k, or 1 when scale_attn_weights is off; also ÷ (layer + 1) with scale_attn_by_inverse_layer_idx."""
    scale = 1.0 / np.sqrt(d_k) if config.get("scale_attn_weights", True) else 1.0
    return scale / (index + 1) if config.get("scale_attn_by_inverse_layer_idx") else scale


def _layer(config: Mapping, weights: WeightSource, prefix: str, index: int, tokens, x) -> GPT2LayerTrace:
    base = f"{prefix}h.{index}."

    def get(name: str) -> np.ndarray:
        return np.array(weights[base + name], dtype=np.float64)

    eps = float(config.get("layer_norm_epsilon", 1e-5))
    d_model = x.shape[1]
    attention_norm = layer_norm(x, (get("ln_1.weight"), get("ln_1.bias")), eps)
    fused, fused_bias = get("attn.c_attn.weight"), get("attn.c_attn.bias")  # (d, 3d): q | k | v
    w_q, w_k, w_v = (fused[:, i * d_model:(i + 1) * d_model] for i in range(3))
    biases = {key: fused_bias[i * d_model:(i + 1) * d_model] for i, key in enumerate("qkv")}
    biases["o"] = get("attn.c_proj.bias")
    n_heads = _sizes(config)[2]
    attention = attention_trace(tokens, attention_norm, w_q, w_k, w_v, get("attn.c_proj.weight"), n_heads,
                                causal=True, biases=biases, precision=PRECISION,
                                scale=_scale(config, index, d_model // n_heads))
    residual = x + attention.output
    mlp_norm = layer_norm(residual, (get("ln_2.weight"), get("ln_2.bias")), eps)
    mlp_hidden = _activation(config)(mlp_norm @ get("mlp.c_fc.weight") + get("mlp.c_fc.bias"))
    mlp_output = mlp_hidden @ get("mlp.c_proj.weight") + get("mlp.c_proj.bias")
    return GPT2LayerTrace(index=index, input=_frozen(x), attention_norm=_frozen(attention_norm), attention=attention,
                          attention_residual=_frozen(residual), mlp_norm=_frozen(mlp_norm),
                          mlp_hidden=_frozen(mlp_hidden), mlp_output=_frozen(mlp_output),
                          hidden=_frozen(residual + mlp_output))


def _prediction(config: Mapping, weights: WeightSource, prefix: str, hidden: np.ndarray, decode) -> dict:
    eps = float(config.get("layer_norm_epsilon", 1e-5))
    final = layer_norm(hidden, (np.asarray(weights[prefix + "ln_f.weight"], np.float64),
                                np.asarray(weights[prefix + "ln_f.bias"], np.float64)), eps)
    untied = "lm_head.weight" in weights and not config.get("tie_word_embeddings", True)
    output = weights["lm_head.weight"] if untied else weights[prefix + "wte.weight"]
    logits = np.asarray(output).astype(np.float64) @ final[-1]
    shifted = np.exp(logits - logits.max())
    probabilities = shifted / shifted.sum()
    best = np.argsort(-logits, kind="stable")[:TOP_NEXT_TOKENS]
    decode = decode or (lambda token_id: f"#{token_id}")
    return {"final_norm": _frozen(final), "logits": _frozen(logits), "probabilities": _frozen(probabilities),
            "next_tokens": tuple(NextToken(int(i), decode(int(i)), float(logits[i]), float(probabilities[i]))
                                 for i in best)}


def forward(config: Mapping, weights: WeightSource, token_ids, tokens, sentence: str, causal: bool | None = None,
            upto_layer: int | None = None, decode=None, quantisation: str = "") -> DecoderTrace:
    prefix = "transformer." if "transformer.wte.weight" in weights else ""
    ids, tokens = list(token_ids), tuple(tokens)
    embeddings = np.asarray(weights[prefix + "wte.weight"])[ids].astype(np.float64) + \
        np.asarray(weights[prefix + "wpe.weight"])[:len(ids)]
    n_layers = _sizes(config)[0]
    last = n_layers if upto_layer is None else upto_layer + 1
    x, layers = _frozen(embeddings), []
    for index in range(last):
        layers.append(_layer(config, weights, prefix, index, tokens, x))
        x = layers[-1].hidden
    head = _prediction(config, weights, prefix, x, decode) if last == n_layers else \
        {"final_norm": None, "logits": None, "probabilities": None, "next_tokens": ()}
    return DecoderTrace(sentence=sentence, tokens=tokens, token_ids=tuple(ids), embeddings=_frozen(embeddings),
                        rotary=None, layers=tuple(layers), quantisation=quantisation, **head)
