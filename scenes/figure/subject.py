"""What the figure draws: the toy model's one layer, or one layer and head of a real model.

    subject = FigureSubject(trace)                        # the toy model, head 1
    subject, folder = subject_for(example, "gemma3", layer=3, head=2)   # as `figure --model gemma3 --layer 3 --head 2`

Field paths of the numbers stay relative to the shown layer's attention trace ("heads[1].q[0, 3]");
what lies outside it (a grouped-query model's own W_K and W_V) is named from the `model` root,
the real model's whole trace, which `roots` hands to the tests."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from attention_math import AttentionTrace


@dataclass(frozen=True)
class Dims:
    """A matrix's true shape as drawn, each side a number with its field path."""
    rows: int
    rows_source: str
    cols: int
    cols_source: str


@dataclass(frozen=True)
class FigureSubject:
    trace: AttentionTrace  # the shown layer's attention
    head: int = 0  # 0-based: the head the top row follows
    query: int | None = None  # 0-based: a token whose row is marked (--query); None: no mark
    model: str | None = None  # the real model's name on screen; None: the toy model
    layer: int = 0  # 0-based
    n_layers: int = 1
    n_kv_heads: int = 0  # key/value heads (fewer than the query heads: grouped or multi-query)
    w_dims: tuple[Dims, ...] = ()  # W_Q, W_K, W_V as the model holds them: K and V at their true width
    rotary: bool = False  # the heads' q and k are turned by RoPE (after RMS normalisation when qk_norm)
    qk_norm: bool = False
    quantisation: str | None = None  # said when the numbers come from a quantized file
    roots: Mapping[str, Any] = field(default_factory=dict)  # field-path roots besides the trace's own

    @property
    def real(self) -> bool:
        return self.model is not None

    @property
    def head_source(self) -> str:
        return f"heads[{self.head}]"


def _dims(matrix, source: str) -> Dims:
    return Dims(matrix.shape[0], f"{source}.shape[0]", matrix.shape[1], f"{source}.shape[1]")


def model_subject(context) -> FigureSubject:
    """The figure of the real model of a RenderContext (scenes/context.py): its layer, head, query."""
    from ..context import full_trace, model_spec, quantisation_said

    spec = model_spec(context.model)
    model = full_trace(context.example, context.model, upto_layer=context.layer)
    layer = model.layers[context.layer]
    trace = layer.attention
    grouped = getattr(layer, "grouped_query", None)
    if grouped is not None and spec.grouped_query:  # the model's own, narrower W_K and W_V
        where = f"model.layers[{context.layer}].grouped_query"
        kv = [_dims(grouped.w_k, f"{where}.w_k"), _dims(grouped.w_v, f"{where}.w_v")]
    else:
        kv = [_dims(trace.w_k, "w_k"), _dims(trace.w_v, "w_v")]
    return FigureSubject(trace, head=context.head, query=context.query, model=spec.name, layer=context.layer,
                         n_layers=spec.n_layers, n_kv_heads=spec.n_kv_heads, w_dims=(_dims(trace.w_q, "w_q"), *kv),
                         rotary=spec.positions == "rotary", qk_norm=spec.qk_norm,
                         quantisation=quantisation_said(spec.quantisation_note), roots={"model": model})


def subject_for(example, model: str, layer: int | None = None, head: int | None = None, query: str | None = None,
                key: str | None = None) -> tuple[FigureSubject, str]:
    """The CLI's choices (LAYER, HEAD 1-based; QUERY, KEY words or positions) as a figure subject, and
    the media folder it goes in (the example's name, then model, layer, head, query, as the renders)."""
    from attention_math import ExampleError, trace_example

    from ..context import folder_name, is_real_model, resolve_context
    from .build import check_fits

    if not is_real_model(model):
        check_fits(len(example.tokens), f"“{example.sentence}”")
    context = resolve_context(example, model, layer, head, query, key)
    if is_real_model(model):
        return model_subject(context), folder_name(context)
    trace = trace_example(example)
    if not 0 <= context.head < trace.n_heads:
        raise ExampleError(f"HEAD must be 1–{trace.n_heads} for the toy model, got {context.head + 1}")
    return FigureSubject(trace, head=context.head, query=context.query), folder_name(context)
