"""The attention-weights heatmap: one head's weights as a grid coloured on the sequential
weight scale (darker = higher), token chips on both axes, an optional legend and note.

Rows are queries, columns are keys; softmax runs along each row, so each row adds to 100 %.

    heatmap = WeightHeatmap(trace.heads[0].weights, "heads[0].weights", trace.tokens, mask=trace.mask)
    heatmap.row_rect(i)   # the cells of query i (to highlight)
    heatmap.matrix        # the underlying NumberMatrix (cells, numbers, chips)

Also here: `ColorGrid`, a colour-only matrix cheap enough for a real model's 384 columns or 72
heads' weights at once.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Rectangle, VGroup, VMobject

from ..theme import current_theme
from .labels import weight_legend
from .matrix import NumberMatrix
from .parts import Parts
from .text import label
from .tokens import TokenChip


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

    source: the field path of the whole array, e.g. "heads[0].weights".
    percents: (shown, path), the trace's whole percentages (e.g. head.percentages,
        "heads[0].percentages"), rows adding to exactly 100; None shows decimals at `precision`.
    mask: False cells (keys a causal query may not see) are greyed; their weight is exactly 0.
    legend: the colour bar (0 % … 100 %, darker = higher) to the right.
    note: a line under the grid (default "each row sums to 100 %"); None for none.
    axes: "keys →" above the columns and "queries ↓" above the row chips.
    """
    matrix: NumberMatrix
    axis_labels: VGroup
    title: FlatText | None
    legend: VGroup | None
    note: FlatText | None

    def __init__(
        self, weights, source: str, tokens: tuple[str, ...], *, mask=None,
        percents: tuple[np.ndarray, str] | None = None,
        precision: int = 2, legend: bool = True, note: str | None = "each row sums to 100 %",
        axes: bool = True, title: str | None = None, title_color=None, cell_width: float | None = None,
    ) -> None:
        theme = current_theme()
        weights = np.asarray(weights, dtype=np.float64)
        # No NumberMatrix mask: masked cells still show their true weight (0) as a number.
        build = lambda width: NumberMatrix(weights, precision, source, coloring="weight", percents=percents,
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


COLOR_LEVELS = 32  # steps of |value| / scale (or weight) per hue: finer than the eye tells apart


def _rectangles_path(boxes: np.ndarray) -> np.ndarray:
    """Closed rectangles (left, bottom, right, top) as one path of straight cubic segments."""
    left, bottom, right, top = boxes.T
    corners = np.stack([np.stack([x, y, np.zeros_like(x)], axis=-1) for x, y in (
        (left, top), (right, top), (right, bottom), (left, bottom), (left, top))], axis=1)  # (n, 5, 3)
    start, end = corners[:, :-1], corners[:, 1:]
    thirds = [start + (end - start) * t for t in (0.0, 1 / 3, 2 / 3, 1.0)]
    return np.stack(thirds, axis=2).reshape(-1, 3)


class ColorGrid(VGroup):
    """A matrix as colour only, no numbers: one block of colour per value.

    Built from rectangles, a real model's 8 × 384 Q costs ~6 s (3,072 mobjects). Here all the
    cells of one colour are one path (like FlatText's glyphs), so a grid is a few dozen
    mobjects. Colours are the theme's, taken in COLOR_LEVELS steps: coloring "value" (sign →
    hue, |value| → intensity) or "weight" (sequential, darker = higher); mask False cells get
    the masked fill. `column_span(a, b)` gives the rectangle over columns a … b−1 (a head's
    slice), wherever the grid has been moved or scaled to.
    """
    values: np.ndarray
    n_rows: int
    n_cols: int
    buckets: VGroup
    frame: Rectangle

    def __init__(self, values, *, width: float, height: float, coloring: str = "value", mask=None,
                 value_scale: float | None = None, frame_color=None, stroke_width: float = 2.0) -> None:
        theme = current_theme()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            values = values[None, :]
        mask = np.ones(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        finite = values[mask & np.isfinite(values)]
        scale = value_scale or (float(np.abs(finite).max()) if finite.size else 1.0) or 1.0
        self.values = values
        self.n_rows, self.n_cols = values.shape
        # One bucket per colour step: -1 for masked cells, else a signed level.
        if coloring == "weight":
            levels = np.round(np.clip(values, 0, 1) * COLOR_LEVELS).astype(int)
            color_of = lambda level: theme.weight_color(level / COLOR_LEVELS)
        else:
            levels = np.round(np.clip(values / scale, -1, 1) * COLOR_LEVELS).astype(int)
            color_of = lambda level: theme.value_color(level / COLOR_LEVELS * scale, scale)
        levels = np.where(mask, levels, COLOR_LEVELS * 10)  # masked: a bucket of its own
        cell_w, cell_h = width / self.n_cols, height / self.n_rows
        overlap = 0.004  # a hair of overlap, so neighbouring cells leave no seam of background
        self.buckets = VGroup()
        for level in np.unique(levels):
            rows, cols = np.nonzero(levels == level)
            boxes = np.stack([cols * cell_w - width / 2 - overlap, height / 2 - (rows + 1) * cell_h - overlap,
                              (cols + 1) * cell_w - width / 2 + overlap, height / 2 - rows * cell_h + overlap], axis=1)
            fill = theme.masked_fill if level == COLOR_LEVELS * 10 else color_of(level)
            path = VMobject(fill_color=fill, fill_opacity=1.0, stroke_width=0)
            path.set_points(_rectangles_path(boxes))
            self.buckets.add(path)
        self.frame = Rectangle(width=width, height=height, stroke_color=frame_color or theme.ink,
                               stroke_width=stroke_width, fill_opacity=0)
        super().__init__(self.buckets, self.frame)

    def column_span(self, first: int, stop: int) -> Rectangle:
        """An outline over columns first … stop−1, as tall as the grid."""
        left, cell = self.frame.get_left()[0], self.frame.width / self.n_cols
        span = Rectangle(width=cell * (stop - first), height=self.frame.height, stroke_width=0)
        return span.move_to([left + cell * (first + stop) / 2, self.frame.get_y(), 0])

    def row_span(self, first: int, stop: int) -> Rectangle:
        """An outline over rows first … stop−1, as wide as the grid."""
        top, cell = self.frame.get_top()[1], self.frame.height / self.n_rows
        span = Rectangle(width=self.frame.width, height=cell * (stop - first), stroke_width=0)
        return span.move_to([self.frame.get_x(), top - cell * (first + stop) / 2, 0])


class HeadMarks(Parts):
    """A d_model-wide colour grid's head slices, drawn cuts, frames, numbers.
    Parts: `cuts` (thin muted lines between slices), `frames` (head h's frame at index h, None
    where not drawn), `numbers` (each head's number above its slice; empty unless numbered)."""
    cuts: VGroup
    frames: list[Rectangle | None]
    numbers: VGroup


def head_marks(grid: ColorGrid, n_heads: int, *, focus: int | None = None, numbers: bool = False) -> HeadMarks:
    """A d_model-wide colour grid cut into the heads' column slices: thin muted cuts between
    slices, each head's slice framed in its colour (only `focus`'s, when given), and with
    `numbers` each head's number above its slice."""
    theme = current_theme()
    width = grid.n_cols // n_heads
    cuts = VGroup(*(
        Line(grid.column_span(0, h * width).get_corner(UP + RIGHT), grid.column_span(0, h * width).get_corner(DOWN + RIGHT),
             color=theme.muted, stroke_width=1.5)
        for h in range(1, n_heads)))
    frames = [grid.column_span(h * width, (h + 1) * width).set_stroke(theme.head_color(h), width=4)
              if focus is None or h == focus else None for h in range(n_heads)]
    names = VGroup()
    if numbers:
        for h in range(n_heads):
            number = label(str(h + 1), "small", theme.head_color(h), weight="BOLD")
            names.add(number.next_to(grid.column_span(h * width, (h + 1) * width), UP, buff=0.1))
    return HeadMarks(cuts, *(frame for frame in frames if frame is not None), names, cuts=cuts, frames=frames,
                     numbers=names)


def band_scale(values) -> float:
    """The colour scale for a real model's activations: a few outlier dimensions are ~10× the
    rest, and scaled to the largest every other cell would be near white. The 99th percentile
    of |value| keeps the pattern visible (larger values get the full colour)."""
    return float(np.percentile(np.abs(np.asarray(values, dtype=np.float64)), 99)) or 1.0
