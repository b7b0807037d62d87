"""A `transformers` model the user already has in memory, read by the registry's families.

The weights are the model's own tensors (its state dict, widened to float32 numpy arrays); the
tokenizer is the fast tokenizer's `tokenizers.Tokenizer` (copied, so the user's padding settings
stay as they were). Nothing is downloaded and no code of the model runs.
"""
from __future__ import annotations

import numpy as np

from .errors import ModelError


def _arrays(model) -> dict[str, np.ndarray]:
    arrays = {}
    for name, tensor in model.state_dict().items():
        value = tensor.detach().cpu()
        if value.is_floating_point():
            value = value.float()
        arrays[name] = value.numpy()
    return arrays


def _tokenizer(tokenizer):
    from tokenizers import Tokenizer

    backend = getattr(tokenizer, "backend_tokenizer", None)
    if isinstance(tokenizer, Tokenizer):
        backend = tokenizer
    if backend is None:
        raise ModelError("model: give the model's fast tokenizer (AutoTokenizer.from_pretrained(..., use_fast=True)"
                         " or a tokenizers.Tokenizer); a slow tokenizer has no tokenizer.json")
    copy = Tokenizer.from_str(backend.to_str())
    copy.no_padding()
    copy.no_truncation()
    return copy


def loaded_from_memory(model, tokenizer):
    """A registry LoadedModel built from an in-memory `transformers` model and its tokenizer."""
    from attention_math.models.loaders import ArrayWeights
    from attention_math.models.registry import model_from_parts

    if not hasattr(model, "state_dict") or not hasattr(model, "config"):
        raise ModelError(f"model: {type(model).__name__} is neither a model name nor a loaded transformers model")
    if tokenizer is None:
        raise ModelError("model: a model object needs its tokenizer too: explain(..., model=model, tokenizer=tokenizer)")
    config = model.config.to_dict()
    if config.get("auto_map") or config.get("trust_remote_code"):
        raise ModelError("model: this model's config asks to run its own code (auto_map); it is refused")
    name = str(config.get("_name_or_path") or type(model).__name__).rstrip("/").split("/")[-1] or type(model).__name__
    dtypes = {str(t.dtype).removeprefix("torch.") for t in model.state_dict().values() if t.is_floating_point()}
    weights = ArrayWeights(_arrays(model), "bfloat16" if "bfloat16" in dtypes else
                           "float16" if "float16" in dtypes else "float32")
    source = f"in memory: {type(model).__name__} ({name})"
    try:
        return model_from_parts(config, weights, _tokenizer(tokenizer), source, name)
    except ValueError as error:
        raise ModelError(str(error)) from None


def saved_folder(model, tokenizer):
    """The render processes load a model by name or folder, so a model in memory is saved once
    (save_pretrained, safetensors) into ~/.cache/attention-explainer/in-memory/<hash of its weights>/."""
    import hashlib
    import os
    from pathlib import Path

    digest = hashlib.sha256()
    for name, array in sorted(_arrays(model).items()):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "attention-explainer" / "in-memory"
    folder = cache / digest.hexdigest()[:16]
    if not (folder / "config.json").is_file():
        partial = folder.with_name(folder.name + ".partial")
        model.save_pretrained(partial, safe_serialization=True)
        tokenizer.save_pretrained(partial)
        partial.rename(folder)
    return folder
