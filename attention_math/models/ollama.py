"""`ollama:NAME[:TAG]`: a model the user pulled with Ollama, read from Ollama's own store.

$OLLAMA_MODELS (default ~/.ollama/models)/manifests/registry.ollama.ai/library/NAME/TAG is a JSON
manifest; its layer of media type application/vnd.ollama.image.model names the GGUF blob
blobs/sha256-<hex>, which models/gguf_file.py reads like any GGUF file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..example import ExampleError

MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model"


def store_root() -> Path:
    return Path(os.environ.get("OLLAMA_MODELS") or Path.home() / ".ollama" / "models").expanduser()


def pulled_names(library: Path) -> list[str]:
    """NAME:TAG for every manifest in the store's library folder."""
    if not library.is_dir():
        return []
    return sorted(f"{tag.parent.name}:{tag.name}" for tag in library.glob("*/*") if tag.is_file())


def blob_path(text: str) -> Path:
    """The GGUF blob of `ollama:NAME[:TAG]`, or one line saying why there is none."""
    name, _, tag = text.removeprefix("ollama:").partition(":")
    tag = tag or "latest"
    root = store_root()
    if not (root / "manifests").is_dir():
        raise ExampleError(f"model: {text}: no Ollama model store at {root} (set OLLAMA_MODELS to where it is)")
    library = root / "manifests" / "registry.ollama.ai" / "library"
    manifest = library / name / tag
    if not name or "/" in name or ".." in name or not manifest.is_file():
        pulled = ", ".join(pulled_names(library)) or "none"
        raise ExampleError(f"model: {text}: not pulled with Ollama; pulled: {pulled}")
    try:
        layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
        digest = next(layer["digest"] for layer in layers if layer.get("mediaType") == MODEL_MEDIA_TYPE)
    except (ValueError, StopIteration, KeyError, AttributeError, TypeError):
        raise ExampleError(f"model: {text}: its Ollama manifest {manifest} names no model layer") from None
    blob = root / "blobs" / str(digest).replace(":", "-")
    if not blob.is_file():
        raise ExampleError(f"model: {text}: the blob {blob.name} its manifest names is missing from {root / 'blobs'}")
    return blob


def load_model(text: str):
    from .gguf_file import model_from_path

    return model_from_path(blob_path(text), text.removeprefix("ollama:"))
