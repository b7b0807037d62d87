"""The dequantized tensors of any GGUF file, kept on disk and memory-mapped on the next load.

$XDG_CACHE_HOME/attention-explainer/ (or ~/.cache/attention-explainer/) gets one folder per file
content, named after the file's SHA-256 (remembered per path, size and mtime, so it is computed
once): one .npy per tensor under its Hugging Face name (float32, or float64 for Gemma's norms,
exactly what GGUFWeights.read gives), tokenizer.json (the tokenizer built from the metadata) and
meta.json (the config, the name, the quantization types). The folder is written under a private
name and renamed into place in one step, so a reader never sees half of it. Where the cache can't
be written (a read-only home), the file is simply read again next time.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from .gguf_weights import _remove_abandoned_builds, cache_root, file_digest

CACHE_FORMAT = 1  # bump when what is stored changes: old folders are then ignored


def cache_folder(path: Path) -> Path:
    return cache_root() / f"gguf-v{CACHE_FORMAT}-{file_digest(path)[:16]}"


class CachedWeights(Mapping):
    """Hugging Face names -> the cached arrays, each memory-mapped (read-only) when first asked for."""

    def __init__(self, folder: Path, meta: dict):
        self._folder, self._files = folder, dict(meta["files"])
        self._aliases, self._dtype, self._memo = dict(meta["aliases"]), meta["dtype"], {}

    def __getitem__(self, name: str) -> np.ndarray:
        stored = self._aliases.get(name, name)
        if stored not in self._memo:
            self._memo[stored] = np.load(self._folder / self._files[stored], mmap_mode="r")
        return self._memo[stored]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._files, *self._aliases])

    def __len__(self) -> int:
        return len(self._files) + len(self._aliases)

    def __contains__(self, name: object) -> bool:
        return name in self._files or name in self._aliases

    def n_bytes(self) -> int:
        return sum((self._folder / file).stat().st_size for file in self._files.values())

    def dtype_name(self) -> str:
        return self._dtype


def load(path: Path) -> dict | None:
    """model_from_parts' arguments from the cache of this file, or None when there is none yet."""
    from tokenizers import Tokenizer

    try:
        folder = cache_folder(path)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception:  # none yet, or unreadable (tokenizers raises plain Exception): read the file itself
        return None
    return {"config": meta["config"], "weights": CachedWeights(folder, meta), "tokenizer": tokenizer,
            "name": meta["name"], "dtype": meta["dtype"]}


def store(path: Path, config: dict, weights, tokenizer, name: str) -> bool:
    """Write every tensor of `weights` (GGUFWeights) and the tokenizer; False when it can't be written."""
    try:
        target = cache_folder(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_builds(target.parent)
        work = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    except OSError:
        return False
    try:
        files = {}
        for index, hf_name in enumerate(n for n in weights if n not in weights.aliases):
            files[hf_name] = f"{index:04d}-{hf_name}.npy"
            np.save(work / files[hf_name], np.ascontiguousarray(weights.read(hf_name)))
        tokenizer.save(str(work / "tokenizer.json"))
        meta = {"config": config, "name": name, "dtype": weights.dtype_name(), "files": files,
                "aliases": weights.aliases, "source": str(path.resolve())}
        (work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            os.rename(work, target)
        except OSError:
            if not (target / "meta.json").is_file():
                return False  # not another process's finished cache: leave the file uncached
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(work, ignore_errors=True)
