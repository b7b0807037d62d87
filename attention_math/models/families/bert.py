"""BERT-style encoders in numpy: BERT (all-MiniLM-L6-v2 among them), RoBERTa / XLM-R, DistilBERT.

Post-LayerNorm layers: attention → residual + LayerNorm → GELU feed-forward → residual +
LayerNorm. Each layer's `.attention` is the AttentionTrace every segment draws (matrices stored
(out, in) by Hugging Face are transposed to x @ W). RoBERTa and XLM-R number positions from
padding_idx + 1 (their position table keeps rows for the padding index); DistilBERT has no
token types and its own tensor names.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...activations import activation, layer_norm
from ...example import ExampleError
from ..encoder_records import LayerTrace, ModelTrace
from ...trace import attention_trace
from ..spec import ModelSpec, WeightSource

MODEL_TYPES = ("bert", "roberta", "xlm-roberta", "distilbert")
PRECISION = 2


def _names(config: Mapping, weights: WeightSource) -> dict[str, str]:
    """Where this checkpoint keeps each tensor (a task head adds a prefix such as 'bert.')."""
    if config.get("model_type") == "distilbert":
        prefix = "distilbert." if "distilbert.embeddings.word_embeddings.weight" in weights else ""
        layer = prefix + "transformer.layer.{i}."
        return {"embeddings": prefix + "embeddings.", "q": layer + "attention.q_lin", "k": layer + "attention.k_lin",
                "v": layer + "attention.v_lin", "o": layer + "attention.out_lin", "norm1": layer + "sa_layer_norm",
                "in": layer + "ffn.lin1", "out": layer + "ffn.lin2", "norm2": layer + "output_layer_norm"}
    prefix = next((p for p in ("", "bert.", "roberta.", "model.") if p + "embeddings.word_embeddings.weight" in weights), "")
    layer = prefix + "encoder.layer.{i}."
    return {"embeddings": prefix + "embeddings.", "q": layer + "attention.self.query",
            "k": layer + "attention.self.key", "v": layer + "attention.self.value",
            "o": layer + "attention.output.dense", "norm1": layer + "attention.output.LayerNorm",
            "in": layer + "intermediate.dense", "out": layer + "output.dense", "norm2": layer + "output.LayerNorm"}


def _sizes(config: Mapping) -> tuple[int, int, int]:
    if config.get("model_type") == "distilbert":
        return int(config["n_layers"]), int(config["dim"]), int(config["n_heads"])
    return int(config["num_hidden_layers"]), int(config["hidden_size"]), int(config["num_attention_heads"])


def _activation(config: Mapping):
    """The feed-forward non-linearity config.json names (DistilBERT calls it `activation`)."""
    key = "activation" if config.get("model_type") == "distilbert" else "hidden_act"
    return activation(str(config.get(key, "gelu")), "feed-forward")


def describe(config: Mapping, source: str, dtype: str, name: str, slug: str) -> ModelSpec:
    n_layers, d_model, n_heads = _sizes(config)
    _activation(config)  # refused here, in one line, if unknown
    if config.get("position_embedding_type", "absolute") != "absolute":  # relative_key(_query) adds a term
        raise ExampleError(f"model: position_embedding_type {config['position_embedding_type']!r} is not "
                           "supported (only absolute positions)")
    offset = _position_offset(config)
    special = ("[CLS]", "[SEP]") if config.get("model_type") in ("bert", "distilbert") else ("<s>", "</s>")
    return ModelSpec(
        name=name, slug=slug, family="bert", architecture=(config.get("architectures") or [config["model_type"]])[0],
        kind="encoder", causal=False, positions="learned", n_layers=n_layers, d_model=d_model, n_heads=n_heads,
        n_kv_heads=n_heads, head_dim=d_model // n_heads,
        max_positions=int(config.get("max_position_embeddings", 512)) - offset,
        windows=(None,) * n_layers, special_tokens=special,
        tokenizer_kind="wordpiece" if special[0] == "[CLS]" else "byte-bpe",
        tokens_named=f"WordPiece tokens (with {special[0]} and {special[1]})" if special[0] == "[CLS]"
        else f"byte-level BPE tokens (with {special[0]} and {special[1]})",
        source=source, dtype=dtype)


def _position_offset(config: Mapping) -> int:
    return int(config.get("pad_token_id", 1)) + 1 if config.get("model_type") in ("roberta", "xlm-roberta") else 0


def _f64(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=np.float64)
    array.setflags(write=False)
    return array


def _embed(config: Mapping, weights: WeightSource, names: dict, token_ids) -> np.ndarray:
    base = names["embeddings"]
    ids = list(token_ids)
    offset = _position_offset(config)
    summed = np.asarray(weights[base + "word_embeddings.weight"])[ids].astype(np.float64)
    summed = summed + np.asarray(weights[base + "position_embeddings.weight"])[offset:offset + len(ids)]
    if base + "token_type_embeddings.weight" in weights:  # one sentence: type 0 throughout
        summed = summed + np.asarray(weights[base + "token_type_embeddings.weight"])[0]
    norm = (_f64(weights[base + "LayerNorm.weight"]), _f64(weights[base + "LayerNorm.bias"]))
    return layer_norm(summed, norm, _eps(config))


def _eps(config: Mapping) -> float:
    return float(config.get("layer_norm_eps", 1e-12))


def _layer(config: Mapping, weights: WeightSource, names: dict, index: int, tokens, x, causal: bool) -> LayerTrace:
    def name(part: str) -> str:
        return names[part].format(i=index)

    def matrix(part: str) -> np.ndarray:  # stored (out, in); used as x @ W
        return _f64(np.asarray(weights[name(part) + ".weight"]).T)

    def vector(part: str, kind: str = ".bias") -> np.ndarray:
        return _f64(weights[name(part) + kind])

    n_heads = _sizes(config)[2]
    attention = attention_trace(tokens, x, matrix("q"), matrix("k"), matrix("v"), matrix("o"), n_heads, causal,
                                biases={key: vector(key) for key in "qkvo"}, precision=PRECISION)
    eps = _eps(config)
    residual_norm = layer_norm(x + attention.output, (vector("norm1", ".weight"), vector("norm1")), eps)
    intermediate = _activation(config)(residual_norm @ matrix("in") + vector("in"))
    ffn_output = intermediate @ matrix("out") + vector("out")
    hidden = layer_norm(residual_norm + ffn_output, (vector("norm2", ".weight"), vector("norm2")), eps)
    return LayerTrace(index=index, attention=attention, attention_residual_norm=_f64(residual_norm),
                      ffn_intermediate=_f64(intermediate), ffn_output=_f64(ffn_output), hidden=_f64(hidden))


def forward(config: Mapping, weights: WeightSource, token_ids, tokens, sentence: str, causal: bool | None = None,
            upto_layer: int | None = None) -> ModelTrace:
    """Every value of every layer (up to `upto_layer`, 0-based, if given); causal=True masks later tokens
    (the model was not trained so: it shows what the mask does)."""
    names = _names(config, weights)
    causal = bool(causal)
    embeddings = _f64(_embed(config, weights, names, token_ids))
    n_layers = _sizes(config)[0] if upto_layer is None else upto_layer + 1
    x, layers = embeddings, []
    for index in range(n_layers):
        layers.append(_layer(config, weights, names, index, tuple(tokens), x, causal))
        x = layers[-1].hidden
    return ModelTrace(sentence=sentence, tokens=tuple(tokens), token_ids=tuple(token_ids), causal=causal,
                      embeddings=embeddings, layers=tuple(layers))
