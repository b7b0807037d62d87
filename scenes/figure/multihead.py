"""The figure's multi-head strip: X feeds every head; each head's weights and output (colours
only); the outputs joined by concat and mixed by W_O into the output."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, VGroup

from attention_math import AttentionTrace

from ..components import NumberMatrix
from ..components.head_columns import head_column_frames
from ..components.matrix import kept_indices
from ..components.panel import Panel
from ..theme import current_theme
from ..words import common
from .blocks import elbow, heading_text, number, said, said_line, tex, text
from .subject import FigureSubject

SHOWN_HEADS = 3  # seed 000: "show 2–3 attention heads"
MAX_MINI_CELL = 0.3  # colour-only cells
MINI_FIXED_WIDTH = 3.4  # the strip's head names, arrows and gaps
HEAD_GAP = 0.14  # between head rows
MORE_LINE = 0.25  # the "N heads in all" line under the rows
REAL_COLS = 6  # a real model's 384–1024 columns: the first four, ⋯, the last (colour only)


class BandPanel(Panel):
    """A bottom-band panel that can be stretched to fill its share of the band."""

    def fill(self, width: float, height: float) -> None:
        """Stretch the box to width × height from its top-left corner; the body is centred in the
        room under the heading."""
        self.resize(width, height)
        top, bottom = self.room_edges()
        self.body.shift(UP * ((top + bottom) / 2 - self.body.get_y()))

    def room_edges(self) -> tuple[float, float]:
        return self.heading.get_bottom()[1] - 0.1, self.background.get_bottom()[1] + 0.1


class MultiHeadStrip(BandPanel):
    """lead (one line under the heading) and diagram (X → heads → concat → W_O → output)."""
    lead: Mobject
    diagram: VGroup

    def __init__(self, subject: FigureSubject, body_width: float, body_height: float) -> None:
        """Grid cells as large as body_width × body_height allows."""
        self.diagram = strip_diagram(subject, mini_cell(subject, body_width, body_height))
        self.lead = text(said("notes.multihead"), "note", current_theme().muted)
        content = VGroup(self.lead, self.diagram).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
        super().__init__(content, current_theme().panels.multihead, heading_text(said("panels.multihead")))

    def fill(self, width: float, height: float) -> None:
        """As a band panel, then the lead under the heading and the diagram centred across too."""
        super().fill(width, height)
        _, bottom = self.room_edges()
        self.lead.next_to(self.heading, DOWN, buff=0.1).align_to(self.heading, LEFT)
        self.diagram.move_to([self.background.get_x(), (self.lead.get_bottom()[1] + bottom) / 2, 0])


def shown_heads(subject: FigureSubject) -> list[int]:
    """The toy model's first heads; a real model's followed head with its neighbours."""
    count = min(subject.trace.n_heads, SHOWN_HEADS)
    if not subject.real:
        return list(range(count))
    first = min(max(subject.head - 1, 0), subject.trace.n_heads - count)
    return list(range(first, first + count))


def max_cols(subject: FigureSubject) -> int | None:
    return REAL_COLS if subject.real else None


def mini_cell(subject: FigureSubject, body_width: float, body_height: float) -> float:
    trace, limit = subject.trace, max_cols(subject)
    shown = len(shown_heads(subject))
    more_line = MORE_LINE if trace.n_heads > shown else 0.0
    # X, concat, output; a head's weights and output
    across = sum(len(kept_indices(count, limit)) for count in (trace.d_model, trace.d_attention, trace.d_model,
                                                                trace.d_k)) + trace.n_tokens
    return min(MAX_MINI_CELL, (body_height - HEAD_GAP * (shown - 1) - more_line) / (shown * trace.n_tokens),
               (body_width - MINI_FIXED_WIDTH) / across)


def colour_grid(values, cell: float, source: str = "", **kwargs) -> NumberMatrix:
    kwargs.setdefault("max_cols", None)
    return NumberMatrix(values, 0, source, cell_width=cell, cell_height=cell, show_numbers=False, **kwargs)


def head_rows(subject: FigureSubject, cell: float, out_scale: float) -> VGroup:
    """A row per shown head: its name, weights grid → output grid, in the head's colour."""
    theme, rows, trace = current_theme(), VGroup(), subject.trace
    for h in shown_heads(subject):
        color = theme.head_color(h)
        weights = colour_grid(trace.heads[h].weights, cell, coloring="weight", frame_color=color, mask=trace.mask)
        output = colour_grid(trace.heads[h].output, cell, frame_color=color, value_scale=out_scale,
                             max_cols=max_cols(subject))
        name = text(common("head", head=h + 1), "name", color, bold=True)
        if subject.real and h == subject.head:  # the head the top row follows
            name = VGroup(name, text(said("notes.top_row"), "note", color)).arrange(DOWN, buff=0.04)
        row = VGroup(name, weights, output).arrange(RIGHT, buff=0.28)
        row.add(elbow([weights.get_right() + RIGHT * 0.04, output.get_left() + LEFT * 0.04], color, 1.5))
        rows.add(row)
    return rows.arrange(DOWN, buff=HEAD_GAP, aligned_edge=RIGHT)


def concat_chain(subject: FigureSubject, cell: float, out_scale: float) -> tuple[VGroup, NumberMatrix]:
    """concat (each head's columns framed in its colour) → ·W_O → output; and the concat grid."""
    theme, trace, limit = current_theme(), subject.trace, max_cols(subject)
    concat = colour_grid(trace.concat, cell, value_scale=out_scale, max_cols=limit)
    if not subject.real:  # an elided concat has no whole head to frame
        concat.add(head_column_frames(concat, trace.n_heads, trace.d_k, 2.5))
    output = colour_grid(trace.output, cell, frame_color=theme.output, max_cols=limit)
    chain = VGroup(named(concat, common("concat"), theme.ink), named(output, common("output"), theme.output))
    chain.arrange(RIGHT, buff=0.75)
    chain[1].shift(UP * (concat.get_y() - output.get_y()))
    mix = elbow([concat.get_right() + RIGHT * 0.06, [output.get_left()[0] - 0.06, concat.get_y()]], theme.muted, 1.5)
    return chain.add(mix, tex(r"\cdot W_O").next_to(mix, UP, buff=0.05)), concat


def named(grid: Mobject, name: str, color) -> VGroup:
    return VGroup(grid, text(name, "name", color).next_to(grid, UP, buff=0.07))


def strip_diagram(subject: FigureSubject, cell: float) -> VGroup:
    trace = subject.trace
    out_scale = float(np.abs(trace.concat).max())  # one colour scale: head outputs look as they do in concat
    heads = head_rows(subject, cell, out_scale)
    x = colour_grid(trace.x, cell, value_scale=float(np.abs(trace.x).max()), max_cols=max_cols(subject))
    x_block = VGroup(x, tex("X").next_to(x, UP, buff=0.06)).next_to(heads, LEFT, buff=0.5).match_y(heads)
    chain, concat = concat_chain(subject, cell, out_scale)
    chain.next_to(heads, RIGHT, buff=0.6)
    chain.shift(UP * (heads.get_y() - concat.get_y()))
    diagram = VGroup(x_block, heads, chain, links(x, heads, concat))
    if trace.n_heads > len(heads):
        muted = current_theme().muted
        total = said_line("notes.heads_in_all", "note", muted, {"n_heads": number(trace.n_heads, 0, "n_heads", "note", muted)})
        diagram.add(total.next_to(heads, DOWN, buff=0.08).align_to(heads[-1][1], LEFT))
    return diagram


def links(x: Mobject, heads: VGroup, concat: Mobject) -> VGroup:
    """X fans out to every head; every head's output joins concat."""
    muted = current_theme().muted
    fan_x = (x.get_right()[0] + heads.get_left()[0]) / 2
    join_x = (heads.get_right()[0] + concat.get_left()[0]) / 2
    arrows = VGroup()
    for row in heads:
        arrows.add(elbow([x.get_right() + RIGHT * 0.04, [fan_x, x.get_y()], [fan_x, row.get_y()],
                          row.get_left() + LEFT * 0.06], muted, 1.5))
        arrows.add(elbow([row[2].get_right() + RIGHT * 0.04, [join_x, row.get_y()], [join_x, concat.get_y()],
                          concat.get_left() + LEFT * 0.06], muted, 1.5))
    return arrows
