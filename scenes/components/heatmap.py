"""The attention-weights heatmap: one head's weights as a grid coloured on the sequential
weight scale (darker = higher), token chips on both axes, an optional legend and note.

Rows are queries, columns are keys; softmax runs along each row, so each row adds to 100 %.

    heatmap = WeightHeatmap(trace.heads[0].weights, "heads[0].weights", trace.tokens, mask=trace.mask)
    heatmap.row_rect(i)   # the cells of query i (to highlight)
    heatmap.matrix        # the underlying NumberMatrix (cells, numbers, chips)

Also here: `focus_query(trace)`, the one rule for which query row a segment works through.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, VGroup

from ..theme import current_theme
from .labels import weight_legend
from .matrix import NumberMatrix
from .text import label
from .tokens import TokenChip


def focus_query(trace) -> int:
    """The query row worked through in segments 4–6: with a causal mask the last token
    (the only one that sees every key), otherwise the middle token."""
    n = trace.n_tokens
    return n - 1 if trace.causal else (n - 1) // 2


def upright_width(tokens: tuple[str, ...], limit: float = 1.3) -> float | None:
    """A cell width that lets every key chip stand upright (rotated chips are harder to read);
    None when some chip is too long for that."""
    widest = max(TokenChip(token, j, max_width=1.6, height=0.45, size="small").width for j, token in enumerate(tokens))
    return widest / 0.95 if widest / 0.95 <= limit else None


def upright_keys(build: Callable[[float | None], NumberMatrix], tokens: tuple[str, ...]) -> NumberMatrix:
    """build(cell_width) with its own width, rebuilt a little wider if that lets short key
    chips stand upright instead of rotated."""
    matrix = build(None)
    upright = upright_width(tokens)
    return build(upright) if upright and upright > matrix.cell_width else matrix


class WeightHeatmap(VGroup):
    """weights[i, j] (query i, key j) as a heatmap.

    source: the trace expression of the whole array, e.g. "heads[0].weights".
    percent: True shows each row as whole percentages adding to exactly 100; False shows
        decimals at `precision`.
    mask: False cells (keys a causal query may not see) are greyed; their weight is exactly 0.
    legend: the colour bar (0 % … 100 %, darker = higher) to the right.
    note: a line under the grid (default "each row sums to 100 %"); None for none.
    axes: "keys →" above the columns and "queries ↓" above the row chips.
    """

    def __init__(
        self, weights, source: str, tokens: tuple[str, ...], *, mask=None, percent: bool = True,
        precision: int = 2, legend: bool = True, note: str | None = "each row sums to 100 %",
        axes: bool = True, title: str | None = None, title_color=None, cell_width: float | None = None,
    ) -> None:
        theme = current_theme()
        weights = np.asarray(weights, dtype=np.float64)
        # No NumberMatrix mask: masked cells still show their true weight (0) as a number.
        build = lambda width: NumberMatrix(weights, precision, source, coloring="weight", percent=percent,
                                           row_tokens=tokens, col_tokens=tokens, cell_width=width)
        self.matrix = build(cell_width) if cell_width else upright_keys(build, tokens)
        super().__init__(self.matrix)
        if mask is not None:
            for i, j in zip(*np.nonzero(~np.asarray(mask, dtype=bool))):
                self.matrix.rects[i][j].set_fill(theme.masked_fill)
                self.matrix.numbers[i][j].set_color(theme.muted)

        self.axis_labels = VGroup()
        if axes:
            keys = label("keys →", "small", theme.muted)
            keys.next_to(self.matrix.col_labels, UP, buff=0.1).align_to(self.matrix.frame, LEFT)
            queries = label("queries ↓", "small", theme.muted)
            queries.next_to(self.matrix.rects[0][0], UP, buff=0.1).align_to(self.matrix.row_labels, RIGHT)
            queries.shift(LEFT * 0.12)
            self.axis_labels.add(keys, queries)
            self.add(self.axis_labels)

        self.title = None
        if title:
            self.title = label(title, "body", title_color or theme.ink, weight="BOLD")
            above = VGroup(self.matrix.col_labels, self.axis_labels) if axes else self.matrix.col_labels
            self.title.next_to(above, UP, buff=0.12).match_x(self.matrix.frame)
            self.add(self.title)

        self.legend = None
        if legend:
            self.legend = weight_legend(height=min(max(self.matrix.frame.height, 1.6), 2.4))
            self.legend.next_to(self.matrix.frame, RIGHT, buff=0.35).align_to(self.matrix.frame, UP)
            self.add(self.legend)

        self.note = None
        if note:
            self.note = label(note, "label", theme.muted)
            below = VGroup(self.matrix.frame, self.legend) if legend else self.matrix.frame
            self.note.next_to(below, DOWN, buff=0.2).match_x(self.matrix.frame)
            self.add(self.note)

    def row_rect(self, i: int) -> VGroup:
        return self.matrix.row_rect(i)

    def row(self, i: int) -> VGroup:
        return self.matrix.row(i)
