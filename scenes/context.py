"""Which example the scenes draw. The render pipeline sets it; the plain `manim` CLI
reads EXPLAINER_EXAMPLE (a TOML path) or EXPLAINER_SENTENCE from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from attention_math import AttentionTrace, Example, load_example, trace_example

DEFAULT_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "the-cat-sat.toml"


@dataclass(frozen=True)
class RenderContext:
    example: Example
    stills_dir: str | None = None  # where section-end stills go (None: don't save)
    model: str = "toy"  # "toy" | "minilm"
    layer: int = 0
    head: int = 0
    narration_dir: str | None = None  # classroom: NARRATE=1 speaks captions, cached here


_active: list[RenderContext] = []


def use(context: RenderContext) -> None:
    _active[:] = [context]


def active() -> RenderContext:
    if not _active:
        if os.environ.get("EXPLAINER_EXAMPLE"):
            example = load_example(os.environ["EXPLAINER_EXAMPLE"])
        elif os.environ.get("EXPLAINER_SENTENCE"):
            example = Example(os.environ["EXPLAINER_SENTENCE"])
        else:
            example = load_example(DEFAULT_EXAMPLE)
        _active.append(RenderContext(example))
    return _active[0]


def active_trace() -> AttentionTrace:
    context = active()
    return _trace_for(context.example, context.model, context.layer)


def active_presentation():
    """The layout policy's decisions for the active trace (scenes/presentation.py)."""
    from .presentation import ModelFacts, presentation_for

    context = active()
    facts = None
    if context.model == "minilm":
        facts = ModelFacts("all-MiniLM-L6-v2", "WordPiece tokens, with [CLS] at the start and [SEP] at the end",
                           context.layer, trained_causal=False)
    return presentation_for(active_trace(), focus_head=context.head, model=facts)


def validate_model_context(context: RenderContext) -> None:
    """Fail early, in one line, for a sentence or layer/head the real-model layout can't show."""
    from attention_math import ExampleError, LAYOUT_MAX_TOKENS
    from attention_math.minilm import model_trace

    trace = model_trace(context.example.sentence, causal=context.example.causal)
    limit = LAYOUT_MAX_TOKENS[context.example.layout]
    if len(trace.tokens) > limit:
        raise ExampleError(f"the model splits this sentence into {len(trace.tokens)} WordPiece tokens "
                           f"(with [CLS] and [SEP]); the {context.example.layout!r} layout shows at most {limit}")
    if not 0 <= context.layer < trace.n_layers:
        raise ExampleError(f"LAYER must be 1–{trace.n_layers}, got {context.layer + 1}")
    if not 0 <= context.head < trace.n_heads:
        raise ExampleError(f"HEAD must be 1–{trace.n_heads}, got {context.head + 1}")


@lru_cache(maxsize=8)
def _trace_for(example: Example, model: str, layer: int) -> AttentionTrace:
    if model == "minilm":
        from attention_math.minilm import model_trace

        return model_trace(example.sentence, causal=example.causal).layers[layer].attention
    return trace_example(example)
