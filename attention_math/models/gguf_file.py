"""Any GGUF file (llama.cpp, LM Studio, Ollama blobs) as a model: memory-mapped by the PyPI package
gguf, its metadata mapped to a Hugging Face-style config dict, its tensors to Hugging Face names
(dequantized to float32 when first read), its tokenizer built from the file's own vocabulary
(models/gguf_tokenizer.py). After the first load every tensor is kept dequantized on disk, keyed
by the file's SHA-256 (models/gguf_cache.py), so a second load only maps those arrays.

Read: the `llama`, `qwen2` and `gemma3` architectures; byte-level BPE ("gpt2") and
SentencePiece-style ("llama") vocabularies.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..example import ExampleError

ARCHITECTURES = ("llama", "qwen2", "gemma3")
# GGUF tensor name (without "blk.N.") -> Hugging Face name (without "model.layers.N.").
_LAYER_NAMES = {
    "attn_norm.weight": "input_layernorm.weight", "ffn_norm.weight": "post_attention_layernorm.weight",
    "attn_q.weight": "self_attn.q_proj.weight", "attn_k.weight": "self_attn.k_proj.weight",
    "attn_v.weight": "self_attn.v_proj.weight", "attn_output.weight": "self_attn.o_proj.weight",
    "attn_q.bias": "self_attn.q_proj.bias", "attn_k.bias": "self_attn.k_proj.bias",
    "attn_v.bias": "self_attn.v_proj.bias",
    "ffn_gate.weight": "mlp.gate_proj.weight", "ffn_up.weight": "mlp.up_proj.weight",
    "ffn_down.weight": "mlp.down_proj.weight",
}
# Gemma 3 has four norms per layer (ffn_norm is the one before the MLP there) and per-head q/k norms.
_GEMMA_NAMES = {**_LAYER_NAMES, "ffn_norm.weight": "pre_feedforward_layernorm.weight",
                "post_attention_norm.weight": "post_attention_layernorm.weight",
                "post_ffw_norm.weight": "post_feedforward_layernorm.weight",
                "attn_q_norm.weight": "self_attn.q_norm.weight", "attn_k_norm.weight": "self_attn.k_norm.weight"}
_GLOBAL_NAMES = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
                 "output.weight": "lm_head.weight"}


def check_magic(path: Path) -> None:
    with open(path, "rb") as file:
        magic = file.read(4)
    if magic != b"GGUF":
        raise ExampleError(f"model: {path} is not a GGUF file (it doesn't start with the bytes GGUF)")


def open_reader(path: Path):
    """The file memory-mapped, or one line saying why it can't be read."""
    from gguf import GGUFReader

    check_magic(path)
    try:
        return GGUFReader(path, "r")
    except (ValueError, IndexError, OSError) as error:
        text = str(error)
        if "type" in text.lower() and ("not a valid" in text or "GGMLQuantizationType" in text):
            raise ExampleError(f"model: {path}: a tensor uses a quantization type the gguf package can't read "
                               f"({text})") from None
        raise ExampleError(f"model: {path}: the GGUF file is truncated or damaged ({text})") from None


def field(reader, name: str, default=None):
    found = reader.fields.get(name)
    return default if found is None else found.contents()


def architecture(reader, path: Path) -> str:
    arch = field(reader, "general.architecture")
    if arch not in ARCHITECTURES:
        raise ExampleError(f"model: {path} holds a {arch!r} model; GGUF files of the architectures "
                           f"{', '.join(ARCHITECTURES)} can be read")
    return arch


def hf_config(reader, arch: str) -> dict:
    """The metadata as the config.json transformers would write for the same model."""
    def key(name, default=None):
        return field(reader, f"{arch}.{name}", default)

    d_model, n_heads = int(key("embedding_length")), int(key("attention.head_count"))
    tokens = field(reader, "tokenizer.ggml.tokens") or []
    has_output = any(t.name == "output.weight" for t in reader.tensors)
    config = {
        "model_type": arch, "architectures": ["LlamaForCausalLM" if arch == "llama" else "Qwen2ForCausalLM"],
        "hidden_size": d_model, "intermediate_size": int(key("feed_forward_length")),
        "num_hidden_layers": int(key("block_count")), "num_attention_heads": n_heads,
        "num_key_value_heads": int(key("attention.head_count_kv", n_heads)),
        "head_dim": int(key("attention.key_length", d_model // n_heads)),
        "rms_norm_eps": float(key("attention.layer_norm_rms_epsilon", 1e-6)),
        "rope_theta": float(key("rope.freq_base", 10000.0)),
        "max_position_embeddings": int(key("context_length", 2048)),
        "vocab_size": len(tokens) or int(key("vocab_size", 0)), "tie_word_embeddings": not has_output,
        "hidden_act": "silu", "attention_bias": arch == "qwen2", "torch_dtype": "float32",
        "bos_token_id": field(reader, "tokenizer.ggml.bos_token_id"),
        "eos_token_id": field(reader, "tokenizer.ggml.eos_token_id"),
    }
    return _gemma3_config(config, key) if arch == "gemma3" else config


def _gemma3_config(config: dict, key) -> dict:
    """Gemma 3's extra settings: what the file says, and what llama.cpp assumes where it says nothing
    (five local layers to one global, local RoPE base 10,000, q·k scaled by 1/√head_dim; 27B's
    62 layers by 1/√(d_model / heads))."""
    del config["hidden_act"], config["attention_bias"]
    scalar = config["hidden_size"] / config["num_attention_heads"] if config["num_hidden_layers"] == 62 \
        else config["head_dim"]
    config.update(model_type="gemma3_text", architectures=["Gemma3ForCausalLM"], hidden_activation="gelu_pytorch_tanh",
                  sliding_window=int(key("attention.sliding_window", 512)), sliding_window_pattern=6,
                  rope_local_base_freq=10000.0, query_pre_attn_scalar=scalar,
                  final_logit_softcapping=key("final_logit_softcapping"),
                  attn_logit_softcapping=key("attn_logit_softcapping"))
    if key("rope.scaling.type") == "linear":
        config["rope_scaling"] = {"rope_type": "linear", "factor": float(key("rope.scaling.factor", 1.0))}
    return config


def _unpermute(matrix: np.ndarray, n_heads: int) -> np.ndarray:
    """Undo llama.cpp's Q/K row permutation (pairs 2i, 2i+1 back to i, i + d_k/2), as transformers does."""
    half = matrix.shape[0] // n_heads // 2
    return matrix.reshape(n_heads, half, 2, *matrix.shape[1:]).swapaxes(1, 2).reshape(matrix.shape)


class GGUFWeights(Mapping):
    """Hugging Face tensor names -> float32 arrays, each dequantized from the mapped file when first read."""

    def __init__(self, reader, config: dict):
        self._tensors, self._config, self._memo = {}, config, {}
        self.gemma = config["model_type"] == "gemma3_text"
        for tensor in reader.tensors:
            name = _hf_name(tensor.name, _GEMMA_NAMES if self.gemma else _LAYER_NAMES)
            if name is not None:
                self._tensors[name] = tensor
        self.aliases = {}  # name -> the stored tensor it shares (a tied output matrix)
        if config["tie_word_embeddings"] and "model.embed_tokens.weight" in self._tensors \
                and "lm_head.weight" not in self._tensors:
            self._tensors["lm_head.weight"] = self._tensors["model.embed_tokens.weight"]
            self.aliases["lm_head.weight"] = "model.embed_tokens.weight"

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._memo:
            self._memo[name] = self.read(name)
        return self._memo[name]

    def read(self, name: str) -> np.ndarray:
        """The tensor dequantized, under Hugging Face's conventions (not remembered)."""
        from gguf import dequantize

        tensor = self._tensors[name]
        shape = tuple(int(n) for n in reversed(tensor.shape.tolist()))  # GGUF lists dims innermost first
        try:
            array = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32).reshape(shape)
        except NotImplementedError:
            raise ExampleError(f"model: tensor {tensor.name} uses the quantization type {tensor.tensor_type.name}, "
                               "which the gguf package can't dequantize") from None
        if self._config["model_type"] == "llama" and name.endswith(("q_proj.weight", "k_proj.weight")):
            heads = self._config["num_attention_heads" if "q_proj" in name else "num_key_value_heads"]
            array = _unpermute(array, heads)
        if self.gemma and name.endswith("norm.weight"):  # the file stores 1 + w; Hugging Face (and we) keep w
            array = array.astype(np.float64) - 1.0
        return array

    def __iter__(self) -> Iterator[str]:
        return iter(self._tensors)

    def __len__(self) -> int:
        return len(self._tensors)

    def n_bytes(self) -> int:
        return sum(int(np.prod(t.shape)) * 4 for t in self._tensors.values())

    def dtype_name(self) -> str:
        kinds = sorted({t.tensor_type.name for t in self._tensors.values()})
        return "+".join(kinds)


def _hf_name(name: str, layer_names: dict = _LAYER_NAMES) -> str | None:
    if name in _GLOBAL_NAMES:
        return _GLOBAL_NAMES[name]
    parts = name.split(".", 2)
    if parts[0] == "blk" and len(parts) == 3 and parts[2] in layer_names:
        return f"model.layers.{parts[1]}.{layer_names[parts[2]]}"
    return None


def quantisation_note(dtype: str) -> str | None:
    """Said on screen when the weights were stored quantized: "numbers are those of the Q4_K/Q8_0 GGUF file"."""
    kinds = [kind for kind in dtype.split("+") if kind not in ("F32", "F64")]
    return f"numbers are those of the {'/'.join(kinds)} GGUF file" if kinds else None


def load_model(text: str):
    """`--model FILE.gguf` -> LoadedModel (through the registry's model_from_parts)."""
    path = Path(text).expanduser()
    return model_from_path(path, path.stem)


def model_from_path(path: Path, name: str, title: str | None = None, slug: str | None = None):
    """The model in a GGUF file: from the dequantized cache when there is one, else read (and cached).
    name: shown when the file has no general.name; title: shown whatever the file says (a built-in).
    Remembered per file (path, size, modification time): scenes ask for the model many times."""
    stat = path.stat()
    return _loaded(path.resolve(), stat.st_size, stat.st_mtime_ns, name, title, slug)


@lru_cache(maxsize=4)
def _loaded(path: Path, size: int, mtime: int, name: str, title: str | None, slug: str | None):
    from . import gguf_cache
    from .gguf_tokenizer import bos_token, build_tokenizer
    from .registry import model_from_parts

    check_magic(path)
    cached = gguf_cache.load(path)
    if cached is not None:
        cached["name"] = title or cached["name"]
        return model_from_parts(**cached, source=str(path.resolve()), slug=slug, add_special=True,
                                quantisation_note=quantisation_note(cached["dtype"]))
    reader = open_reader(path)
    arch = architecture(reader, path)
    config = hf_config(reader, arch)
    config["_bos_token"] = bos_token(reader)
    weights = GGUFWeights(reader, config)
    tokenizer = build_tokenizer(reader, path, arch)
    name = str(field(reader, "general.name") or name)
    model = model_from_parts(config, weights, tokenizer, str(path.resolve()), title or name, slug,
                             dtype=weights.dtype_name(), add_special=True,
                             quantisation_note=quantisation_note(weights.dtype_name()))
    if gguf_cache.store(path, config, weights, tokenizer, name):  # later loads (and this one) map the arrays
        cached = gguf_cache.load(path)
        cached["name"] = title or cached["name"]
        return model_from_parts(**cached, source=str(path.resolve()), slug=slug, add_special=True,
                                quantisation_note=quantisation_note(cached["dtype"]))
    return model
