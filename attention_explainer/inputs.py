"""From `explain(...)`'s arguments to what the CLI would have built from its flags: the same
functions read them, so the API and the CLI accept and refuse the same input with the same line."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace

from attention_math import Example
from attention_math.cli import example_from_arguments
from attention_math.models.export import trained_model_sentence

from .errors import ModelError, TokenChoiceError, named

TOY_SETTINGS = ("heads", "d_model", "d_k", "seed", "positional", "precision")


@dataclass(frozen=True)
class Choices:
    """What the user asked for, as typed (1-based layer and head, QUERY/KEY as words or positions)."""
    sentence: str | None = None
    example: str | None = None
    model: str | None = None  # what the registry resolves; None for a model object in memory
    causal: bool | None = None
    layer: int | None = None
    head: int | None = None
    query: str | None = None
    key: str | None = None
    settings: tuple = ()  # (name, value) of the toy model's settings given
    lang: str | None = None  # the lesson's language (--lang); None: the example's, else English
    captions: str | None = None  # a teacher's words file (--captions), an absolute path

    def namespace(self, **extra) -> argparse.Namespace:
        """The argparse namespace the CLI's own readers take."""
        values = {name: None for name in TOY_SETTINGS}
        values.update(dict(self.settings))
        return argparse.Namespace(sentence=self.sentence, example=self.example, causal=self.causal,
                                  model=self.model, **values, **extra)


def choices(sentence, example, model, causal, layer, head, query, key, settings: dict, lang=None,
            captions=None) -> Choices:
    from scenes.words.choice import choose_words

    try:  # the language and the words file, checked now: one line, before any work
        words = choose_words(lang, None if captions is None else os.fspath(captions))
    except ValueError as error:
        raise named(error) from None
    if sentence is not None and not isinstance(sentence, str):
        raise named(ValueError(f"sentence: must be text, got {type(sentence).__name__}"))
    for name, value in (("layer", layer), ("head", head)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise named(ValueError(f"{name.upper()} must be a whole number (1-based), got {value!r}"))
    text = None if model is None or not isinstance(model, (str, os.PathLike)) else os.fspath(model)
    given = tuple((name, value) for name, value in settings.items() if value is not None)
    return Choices(sentence, None if example is None else os.fspath(example), text,
                   None if causal is None else bool(causal), layer, head,
                   None if query is None else str(query), None if key is None else str(key), given,
                   None if lang is None else words.lang, words.captions)


def toy_example(chosen: Choices, layout: str) -> Example:
    """The toy model's example for a layout (trace: 512 tokens, full: the video's 64, explorer: 512)."""
    try:
        example = example_from_arguments(chosen.namespace(), layout=layout)
    except ValueError as error:
        raise named(error) from None
    return example.with_changes(layout=layout) if example.layout != layout else example


def trained_sentence(chosen: Choices, name: str) -> tuple[str, bool]:
    try:
        return trained_model_sentence(chosen.namespace(), name)
    except ValueError as error:
        raise named(error) from None


def render_example(chosen: Choices) -> Example:
    """The example a render draws, as `python -m scenes render` builds it (layout 'full')."""
    if chosen.model is not None and chosen.settings and _trained(chosen.model):
        trained_sentence(chosen, chosen.model)  # the same refusal as the trace's
    return toy_example(chosen, "full")


def _trained(model: str) -> bool:
    from attention_math.models.registry import resolve

    return resolve(model).spec.trained


def focus(chosen: Choices, loaded, stack, n_layers: int, n_heads: int) -> tuple[int, int, int | None, int | None]:
    """0-based layer, head, query, key as the CLI picks them (KEY without LAYER/HEAD: the strongest)."""
    from attention_math.focus import find_token
    from attention_math.head_finder import strongest_head

    spec = loaded.spec
    layer = 0 if chosen.layer is None else chosen.layer - 1
    head = 0 if chosen.head is None else chosen.head - 1
    where = spec.name if spec.trained else "the toy model"
    if not 0 <= layer < n_layers:
        raise named(ValueError(f"LAYER must be 1–{n_layers} for {where}, got {layer + 1}"))
    if not 0 <= head < n_heads:
        raise named(ValueError(f"HEAD must be 1–{n_heads} for {where}, got {head + 1}"))
    if chosen.key is not None and chosen.query is None:
        raise TokenChoiceError("KEY needs QUERY: the key is the token the followed query attends to")
    try:
        query = None if chosen.query is None else find_token(stack.tokens, chosen.query, "QUERY")
        key = None if chosen.key is None else find_token(stack.tokens, chosen.key, "KEY")
    except ValueError as error:
        raise named(error) from None
    if key is None:
        return layer, head, query, None
    if stack.causal and key > query:
        raise TokenChoiceError(f"KEY={chosen.key!r} comes after QUERY={chosen.query!r}: with the causal mask a "
                               "query sees only itself and earlier tokens")
    if chosen.layer is None or chosen.head is None:
        layers = range(n_layers) if chosen.layer is None else [layer]
        heads = range(n_heads) if chosen.head is None else [head]
        best = max(((stack.layers[l].attention.heads[h].weights[query, key], -l, -h) for l in layers for h in heads))
        layer, head = -best[1], -best[2]
    return layer, head, query, key


def strip_unused(chosen: Choices, **changes) -> Choices:
    return replace(chosen, **changes)
