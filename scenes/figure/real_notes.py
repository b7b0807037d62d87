"""What the top row adds for a real model: the true shapes of its matrices (each side a number with
its field path), which of the head's columns are shown and what RoPE and shared keys do to them,
and the mark on the followed query's row."""
from __future__ import annotations

from manim import DOWN, LEFT, Mobject, SurroundingRectangle, VGroup

from attention_math import AttentionTrace

from ..components import NumberMatrix
from ..components.products import bias_of
from ..theme import current_theme
from .blocks import in_line, number, said, said_line, tex, text
from .subject import Dims, FigureSubject


def dims_line(name: str, dims: Dims, color) -> VGroup:
    """ "W_Q [640 × 1024]": a matrix's name and its true shape."""
    muted = current_theme().muted
    return in_line(tex(name, "flow_formula", color), text("[", "flow_note", muted),
                   number(dims.rows, 0, dims.rows_source, "flow_note", muted), text("×", "flow_note", muted),
                   number(dims.cols, 0, dims.cols_source, "flow_note", muted), text("]", "flow_note", muted),
                   buff=0.05)


def width_note(trace: AttentionTrace) -> VGroup:
    """Under X: how many numbers each token's row really has (the grid shows a few)."""
    muted = current_theme().muted
    return _lines([said_line("notes.width", "flow_note", muted, {"d_model": number(trace.d_model, 0, "d_model", "flow_note", muted)}),
                   text(said("notes.width_second"), "flow_note", muted)])


def projection_note(subject: FigureSubject) -> VGroup:
    """Under Q, K, V: the head's columns (how many), biases, RoPE and q/k normalisation, the shared K and V."""
    muted, trace = current_theme().muted, subject.trace
    lines = [said_line("notes.head_columns", "flow_note", muted, {"d_k": number(trace.d_k, 0, "d_k", "flow_note", muted)},
                       head=subject.head + 1)]
    if any(bias_of(trace, name) is not None for name in ("b_q", "b_k", "b_v")):
        lines.append(text(said("notes.biases"), "flow_note", muted))
    if subject.rotary:
        lines.append(text(said("notes.rope_normalised" if subject.qk_norm else "notes.rope"), "flow_note", muted))
    if subject.n_kv_heads and subject.n_kv_heads < trace.n_heads:
        where = subject.w_dims[1].rows_source.removesuffix(".w_k.shape[0]")
        lines.append(said_line("notes.shared_one" if subject.n_kv_heads == 1 else "notes.shared_many", "flow_note", muted,
                               {"n_heads": number(trace.n_heads, 0, "n_heads", "flow_note", muted),
                                "n_kv": number(subject.n_kv_heads, 0, f"{where}.n_kv_heads", "flow_note", muted)}))
    return _lines(lines)


def row_mark(grid: NumberMatrix, row: int) -> Mobject:
    """A frame around one token's row of a grid (the query --query follows)."""
    return SurroundingRectangle(grid.row_rect(row), buff=0.02, color=current_theme().highlight, stroke_width=2.5)


def _lines(lines: list[Mobject]) -> VGroup:
    return VGroup(*lines).arrange(DOWN, buff=0.05, aligned_edge=LEFT)

