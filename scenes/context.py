"""Which example the scenes draw. The render pipeline sets it; the plain `manim` CLI
reads EXPLAINER_EXAMPLE (a TOML path) or EXPLAINER_SENTENCE from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from attention_math import AttentionTrace, Example, ExampleError, load_example, trace_example
from attention_math.models.registry import BUILT_IN_NAMES

DEFAULT_MODEL = BUILT_IN_NAMES[0]  # the seeded toy model
# attention_math/examples links to the repository's examples/ and is a copy in an installed package.
DEFAULT_EXAMPLE = Path(__file__).resolve().parent.parent / "attention_math" / "examples" / "the-cat-sat.toml"


@dataclass(frozen=True)
class RenderContext:
    example: Example
    stills_dir: str | None = None  # where section-end stills go (None: don't save)
    model: str = DEFAULT_MODEL  # what the user typed: a built-in name, a model folder, a cached hub id (models/registry.py)
    layer: int = 0
    head: int = 0
    query: int | None = None  # 0-based token the segments follow (QUERY=); None: the layout policy's choice
    key: int | None = None  # 0-based token whose share of the query's attention the focus note gives (KEY=)
    narration_dir: str | None = None  # classroom: NARRATE=1 speaks captions, cached here
    lang: str = "en"  # the words' language (scenes/words/<lang>/; LOCALE= in make, --lang)
    captions: str | None = None  # a teacher's override file of words (CAPTIONS=), checked before rendering


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
    from .presentation import presentation_for

    context = active()
    trace = active_trace()
    note, note_source = _focus_note(context, trace)
    return presentation_for(trace, focus_head=context.head, model=model_facts(context), focus_query=context.query,
                            focus_key=context.key, focus_note=note, focus_note_source=note_source)


def model_spec(model: str):
    """What the model named `model` (a built-in, a folder, a cached hub id) is: the registry's ModelSpec."""
    from attention_math.models.registry import resolve

    return resolve(model).spec


def model_facts(context: RenderContext):
    """What captions say about the real model of `context` (None for the toy model)."""
    from .presentation import ModelFacts

    spec = model_spec(context.model)
    if not spec.trained:
        return None
    positions = "no position vector is added: RoPE turns each head's queries and keys by position" \
        if spec.positions == "rotary" else None
    if positions and spec.qk_norm:  # Gemma 3, Qwen3: the q and k the scores use are normalised first
        positions = positions.replace("turns each head's", "turns each head's RMS-normalised")
    return ModelFacts(spec.name, spec.tokens_described, context.layer, trained_causal=spec.causal,
                      quantisation=spec.quantisation_note, positions=positions)


def _focus_note(context: RenderContext, trace: AttentionTrace) -> tuple[str | None, str | None]:
    """'layer 14, head 9: “it” gives 75 % to “animal”' and the field path of its percentage."""
    if context.query is None or context.key is None:
        return None, None
    source = f"heads[{context.head}].percentages[{context.query}, {context.key}]"
    percent = int(trace.heads[context.head].percentages[context.query, context.key])
    where = f"layer {context.layer + 1}, head {context.head + 1}" if is_real_model(context.model) else \
        f"head {context.head + 1}"
    query, key = (shown_token(trace.tokens[i]) for i in (context.query, context.key))
    return f"{where}: “{query}” gives {percent} % to “{key}”", source


def shown_token(token: str) -> str:
    """A token as its chip reads, for a caption: no word marker, no leading space."""
    return token.replace("Ġ", " ").replace("▁", " ").removeprefix("##").strip() or token


def full_trace(example: Example, model: str, upto_layer: int | None = None):
    """The real model's trace (every layer, or those up to `upto_layer`) of the example's sentence."""
    from attention_math.models.registry import resolve

    loaded = resolve(model)
    causal = example.causal if loaded.spec.kind == "encoder" else None  # a decoder is causal by training
    return loaded.trace(example.sentence, causal=causal, upto_layer=upto_layer)


def validate_model_context(context: RenderContext) -> None:
    """Fail early, in one line, for a sentence or layer/head the real-model layout can't show."""
    from attention_math import LAYOUT_MAX_TOKENS

    from attention_math.models.registry import resolve

    model = resolve(context.model)
    spec = model.spec
    tokens, _ = model.tokenize(context.example.sentence)
    limit = LAYOUT_MAX_TOKENS[context.example.layout]
    if len(tokens) > limit:
        raise ExampleError(f"the model splits this sentence into {len(tokens)} {spec.tokens_named}; "
                           f"the {context.example.layout!r} layout shows at most {limit}")
    if not 0 <= context.layer < spec.n_layers:
        raise ExampleError(f"LAYER must be 1–{spec.n_layers} for {spec.name}, got {context.layer + 1}")
    if not 0 <= context.head < spec.n_heads:
        raise ExampleError(f"HEAD must be 1–{spec.n_heads} for {spec.name}, got {context.head + 1}")


@lru_cache(maxsize=8)
def _layer_for(example: Example, model: str, layer: int):
    """A real model's shown layer (the core segments need the layers up to it only)."""
    return full_trace(example, model, upto_layer=layer).layers[layer]


@lru_cache(maxsize=8)
def _trace_for(example: Example, model: str, layer: int) -> AttentionTrace:
    if is_real_model(model):
        return _layer_for(example, model, layer).attention
    return trace_example(example)


def active_grouped_query():
    """The shown layer's grouped-query record (K and V at their true width) when its query heads
    share key/value heads, else None."""
    context = active()
    if not is_real_model(context.model):
        return None
    grouped = getattr(_layer_for(context.example, context.model, context.layer), "grouped_query", None)
    return grouped if grouped is not None and grouped.n_kv_heads < grouped.n_heads else None


def is_real_model(model: str) -> bool:
    return model_spec(model).trained


def resolve_context(example: Example, model: str, layer: int | None = None, head: int | None = None,
                    query: str | None = None, key: str | None = None) -> RenderContext:
    """The render context for the CLI's choices. LAYER and HEAD are 1-based (None: not given);
    QUERY and KEY are words or 1-based positions of the model's tokens. With KEY, what LAYER/HEAD
    leave open is chosen: the head (and layer) where QUERY gives KEY the most weight."""
    if key is not None and query is None:
        raise ExampleError("KEY needs QUERY: the key is the token the followed query attends to")
    context = RenderContext(example, model=model, layer=0 if layer is None else layer - 1,
                            head=0 if head is None else head - 1)
    if is_real_model(model):
        validate_model_context(context)
    if query is None:
        return context
    from attention_math.focus import find_token

    stack = _layer_stack(context)
    query_index = find_token(stack.tokens, query, "QUERY")
    if key is None:
        return replace(context, query=query_index)
    key_index = find_token(stack.tokens, key, "KEY")
    if stack.causal and key_index > query_index:
        raise ExampleError(f"KEY={key!r} comes after QUERY={query!r}: with the causal mask a query sees only "
                           "itself and earlier tokens")
    context = replace(context, query=query_index, key=key_index)
    if not is_real_model(model):
        layer = 1  # one layer: only the head is chosen
    if layer is None or head is None:
        context = replace(context, **_strongest(stack, query_index, key_index, layer, head))
    return context


def _layer_stack(context: RenderContext):
    """What strongest_head reads (tokens, causal, layers[l].attention): the real model's trace,
    or the toy trace as a one-layer stack."""
    if is_real_model(context.model):
        return full_trace(context.example, context.model)
    trace = trace_example(context.example)
    return SimpleNamespace(tokens=trace.tokens, causal=trace.causal, layers=(SimpleNamespace(attention=trace),))


def _strongest(stack, query: int, key: int, layer: int | None, head: int | None) -> dict[str, int]:
    """The 0-based layer and head strongest_head picks, within the given (1-based) layer or head if any."""
    from attention_math.head_finder import strongest_head

    layers = range(len(stack.layers)) if layer is None else [layer - 1]
    candidates = SimpleNamespace(tokens=stack.tokens, causal=stack.causal, layers=tuple(
        SimpleNamespace(attention=SimpleNamespace(heads=stack.layers[l].attention.heads if head is None else
                                                  (stack.layers[l].attention.heads[head - 1],)))
        for l in layers))
    best = strongest_head(candidates, query, key)
    return {"layer": layers[best.layer], "head": best.head if head is None else head - 1}


def folder_name(context: RenderContext) -> str:
    """media/<folder>: the example's name, then the model, layer and head, query and key chosen
    (1-based), then the language unless English, so that renders with other choices stay."""
    parts = [context.example.name]
    if is_real_model(context.model):
        parts.append(f"{model_spec(context.model).slug}-l{context.layer + 1}-h{context.head + 1}")
    if context.query is not None:
        parts.append(f"q{context.query + 1}")
    if context.key is not None:
        parts.append(f"k{context.key + 1}")
    from .words.choice import lang_suffix

    return "-".join(parts) + lang_suffix(context.lang)
