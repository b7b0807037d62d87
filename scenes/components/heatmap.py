"""The attention-weights heatmap: one head's weights as a grid coloured on the sequential
weight scale (darker = higher), token chips on both axes, an optional legend and note.

Rows are queries, columns are keys; softmax runs along each row, so each row adds to 100 %.

    heatmap = WeightHeatmap(trace.heads[0].weights, "heads[0].weights", trace.tokens, mask=trace.mask)
    heatmap.row_rect(i)   # the cells of query i (to highlight)
    heatmap.matrix        # the underlying NumberMatrix (cells, numbers, chips)

For 17–64 tokens (Presentation.detail "colour"), colour only: a ColorGrid (a few mobjects, not
n² cells), chips on the axes while cells are big enough, else position numbers every few tokens
and the focus token's chip beside its row; put the focus row's numbers in a ZoomCallout:

    heatmap = WeightHeatmap(head.weights, "heads[0].weights", trace.tokens, mask=trace.mask,
                            colour_only=True, focus=p.focus_query)
    heatmap.grid                        # the ColorGrid
    highlight_box(heatmap.row_rect(i))  # query i's row; heatmap.column_rect(j) a key's column

`ColorGrid`, `head_marks` and `band_scale` live in color_grid.py (imported from here too).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from manim import DOWN, LEFT, PI, RIGHT, UP, Mobject, Rectangle, VGroup

from ..theme import current_theme
from ..words import common
from .color_grid import COLOR_LEVELS, ColorGrid, HeadMarks, band_scale, head_marks  # noqa: F401 (re-exported)
from .labels import weight_legend
from .matrix import NumberMatrix
from .text import FlatText, label
from .tokens import TokenChip, chip_column
from .zoom import ZoomCallout, ZoomEntry

ROWS_SUM = "heatmap.rows_sum"  # the default note: that key of common.toml, in the lesson's language
COLOUR_SIDE = 5.6  # a colour-only heatmap's grid is this square (scene units) before fitting
CHIP_CELL = 0.36  # cells at least this big carry token chips; smaller ones get position numbers
POSITION_GAP = 0.42  # the least distance between two position numbers on an axis
POSITION_STEPS = (1, 2, 4, 5, 8, 10, 16)


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


def chips_side(tokens: tuple[str, ...], side: float) -> tuple[float, bool]:
    """A colour grid's side, and whether its axes carry chips: they do when the grid, shrunk by
    its tallest (rotated) key chip to stay `side` tall, still has cells that hold a chip; else
    the grid keeps `side` and the axes show position numbers."""
    n = len(tokens)
    if side / n < CHIP_CELL:
        return side, False
    longest = max(TokenChip(token, j, max_width=1.6, height=0.45, size="small").width for j, token in enumerate(tokens))
    shrunk = side - longest - 0.12 if longest > side / n * 0.96 else side
    return (shrunk, True) if shrunk / n >= CHIP_CELL else (side, False)


def marked_positions(n: int, cell: float, focus: int | None) -> list[int]:
    """The token indices an axis labels with their 1-based position: the focus always, the first
    and the last, then multiples of a round step, none closer than POSITION_GAP to another."""
    step = next((s for s in POSITION_STEPS if s * cell >= POSITION_GAP), POSITION_STEPS[-1])
    kept = [] if focus is None else [focus]
    for index in [0, n - 1] + list(range(step - 1, n, step)):
        if all(abs(index - other) * cell >= POSITION_GAP for other in kept):
            kept.append(index)
    return sorted(kept)


class WeightHeatmap(VGroup):
    """weights[i, j] (query i, key j) as a heatmap.

    source: the field path of the whole array, e.g. "heads[0].weights".
    percents: (shown, path), the trace's whole percentages (e.g. head.percentages,
        "heads[0].percentages"), rows adding to exactly 100; None shows decimals at `precision`.
    mask: False cells (keys a causal query may not see) are greyed; their weight is exactly 0.
    legend: the colour bar (0 % … 100 %, darker = higher) to the right.
    note: a line under the grid (default "each row sums to 100 %"); None for none.
    axes: "keys →" above the columns and "queries ↓" above the row chips.
    colour_only: a ColorGrid and no numbers (for long sentences), `side` tall with its column
        chips (a grid with chips shrinks to leave them room, while they still fit); `focus` is the
        query whose chip and position stay named when the axes show position numbers;
        `coloring` "value" colours scores by sign instead (no legend then); `weight_top` is the
        weight given the darkest colour (Presentation.weight_top: 64 weights near 1/64 would
        all be white on a 0–100 % scale), the legend says so.
    ids: the rows and columns drawn with numbers (Presentation.numbered_ids; None: all).
    ticks: the positions numbered on a colour-only map's axes; maps shown together pass the same
        (marked_positions for the smallest of them), so their axes read alike.
    Methods take token indices (query i, key j), whichever rows are drawn.
    Parts: `matrix` (numbers) or `grid` (colour only; the other is None), `row_labels`,
    `col_labels`, `focus_chip` (or None), `axis_labels`, `title`, `legend`, `note`.
    """
    matrix: NumberMatrix | None
    grid: ColorGrid | None
    row_labels: VGroup
    col_labels: VGroup
    focus_chip: TokenChip | None
    coloring: str
    focus: int | None
    axis_labels: VGroup
    title: FlatText | None
    legend: VGroup | None
    note: FlatText | None
    n_tokens: int
    ticks: list[int] | None  # the positions numbered on the axes (None: chips or numbers name every token)

    def __init__(
        self, weights, source: str, tokens: tuple[str, ...], *, mask=None,
        percents: tuple[np.ndarray, str] | None = None,
        precision: int = 2, legend: bool = True, note: str | None = ROWS_SUM,
        axes: bool = True, title: str | None = None, title_color=None, cell_width: float | None = None,
        colour_only: bool = False, focus: int | None = None, side: float = COLOUR_SIDE, coloring: str = "weight",
        ids: list[int | None] | None = None, weight_top: float = 1.0, ticks: list[int] | None = None,
    ) -> None:
        weights = np.asarray(weights, dtype=np.float64)
        self.matrix, self.grid, self.focus_chip, self.coloring, self.focus = None, None, None, coloring, focus
        self.n_tokens, self.ticks = len(tokens), None
        if colour_only:
            side, chips = chips_side(tokens, side)
            self.grid = ColorGrid(weights, width=side, height=side, coloring=coloring, mask=mask,
                                  value_scale=weight_top if coloring == "weight" else None)
            super().__init__(self.grid)
            self._colour_axes(tokens, focus, chips, ticks)
        else:
            super().__init__()
            self._numbers(weights, source, tokens, mask, percents, precision, cell_width, ids)
        self._frame_labels(axes, title, title_color, legend, note, weight_top)

    def _numbers(self, weights, source, tokens, mask, percents, precision, cell_width, ids) -> None:
        """Every weight (of the drawn rows and columns) as a number in its cell, token chips on both axes."""
        theme = current_theme()
        # No NumberMatrix mask: masked cells still show their true weight (0) as a number.
        build = lambda width: NumberMatrix(weights, precision, source, coloring="weight", percents=percents,
                                           row_tokens=tokens, col_tokens=tokens, cell_width=width, rows=ids, cols=ids)
        self.matrix = build(cell_width) if cell_width else upright_keys(build, tokens)
        self.add(self.matrix)
        if mask is not None:
            for r, i in enumerate(self.matrix.row_ids):
                for c, j in enumerate(self.matrix.col_ids):
                    if i is not None and j is not None and not mask[i][j]:
                        self.matrix.rects[r][c].set_fill(theme.masked_fill)
                        self.matrix.numbers[r][c].set_color(theme.muted)
        self.row_labels, self.col_labels = self.matrix.row_labels, self.matrix.col_labels

    def _colour_axes(self, tokens, focus: int | None, chips: bool, ticks: list[int] | None) -> None:
        """Chips on both axes when a cell holds one, else position numbers (`ticks`, or the
        positions marked_positions picks) and the focus's chip."""
        theme, grid = current_theme(), self.grid
        n, cell = grid.n_rows, grid.frame.height / grid.n_rows
        self.row_labels, self.col_labels = VGroup(), VGroup()
        if chips:
            rows = chip_column(tokens, range(len(tokens)), max_width=1.6, height=cell * 0.86, size="small")
            for j, token in enumerate(tokens):
                self.row_labels.add(rows[j].next_to(self.row_rect(j), LEFT, buff=0.12))
                chip = TokenChip(token, j, max_width=1.6, height=min(cell, 0.5) * 0.9, size="small")
                self.col_labels.add(chip)
            if any(chip.width > cell * 0.96 for chip in self.col_labels):
                for chip in self.col_labels:
                    chip.rotate(PI / 2)
            for j, chip in enumerate(self.col_labels):
                chip.next_to(self.column_rect(j), UP, buff=0.12)
        else:
            self.ticks = list(ticks) if ticks is not None else marked_positions(n, cell, focus)
            for j in self.ticks:
                color, weight = (theme.highlight, "BOLD") if j == focus else (theme.muted, "NORMAL")
                self.row_labels.add(label(str(j + 1), "small", color, weight=weight)
                                    .next_to(self.row_rect(j), LEFT, buff=0.16))
                self.col_labels.add(label(str(j + 1), "small", color, weight=weight)
                                    .next_to(self.column_rect(j), UP, buff=0.1))
            if focus is not None:
                self.focus_chip = TokenChip(tokens[focus], focus, max_width=2.0, size="small")
                self.focus_chip.next_to(self.row_labels, LEFT, buff=0.15).match_y(self.row_rect(focus))
                self.add(self.focus_chip)
        self.add(self.row_labels, self.col_labels)

    def _frame_labels(self, axes: bool, title, title_color, legend: bool, note, weight_top: float) -> None:
        """Axis names, the title above, the legend to the right, the note below."""
        theme, frame = current_theme(), self.frame
        self.axis_labels = VGroup()
        if axes:
            keys = label(common("axes.keys"), "small", theme.muted)
            keys.next_to(VGroup(frame, self.col_labels), UP, buff=0.1).align_to(frame, LEFT)
            queries = label(common("axes.queries"), "small", theme.muted)
            queries.next_to(self.row_rect(0), UP, buff=0.1)
            queries.align_to(self.row_labels if len(self.row_labels) else frame, RIGHT).shift(LEFT * 0.12)
            if queries.get_bottom()[1] < frame.get_top()[1]:  # position numbers: above the column numbers
                queries.match_y(keys)
            self.axis_labels.add(keys, queries)
            self.add(self.axis_labels)
        self.title = None
        if title:
            self.title = label(title, "body", title_color or theme.ink, weight="BOLD")
            above = VGroup(self.col_labels, self.axis_labels, frame)
            self.title.next_to(above, UP, buff=0.12).match_x(frame)
            self.add(self.title)
        self.legend = None
        if legend:
            self.legend = weight_legend(height=min(max(frame.height, 1.6), 2.4),
                                        top="100%" if weight_top >= 1 else f"{round(weight_top * 100)}% +")
            self.legend.next_to(frame, RIGHT, buff=0.35).align_to(frame, UP)
            self.add(self.legend)
        self.note = None
        if note:
            self.note = label(common(ROWS_SUM) if note is ROWS_SUM else note, "label", theme.muted)
            below = VGroup(frame, self.legend) if legend else frame
            self.note.next_to(below, DOWN, buff=0.2).match_x(frame)
            self.add(self.note)

    def zoom(self, entries: list[ZoomEntry], title: str | None = None) -> ZoomCallout:
        """The focus row highlighted and `entries` magnified right of the grid; the legend moves
        right of the callout, so the joining lines cross nothing."""
        callout = ZoomCallout(self.row_rect(self.focus), entries, beside=self.frame, title=title)
        if self.legend is not None:
            self.legend.next_to(callout.frame, RIGHT, buff=0.35).align_to(callout.frame, UP)
        if self.note is not None:  # under the callout too, when it reaches lower than the grid
            self.note.next_to(VGroup(self.frame, callout.frame), DOWN, buff=0.2).match_x(self.frame)
        return callout

    @property
    def frame(self) -> Mobject:
        """The outline of the cells (the matrix's or the colour grid's)."""
        return self.matrix.frame if self.matrix is not None else self.grid.frame

    def row_rect(self, i: int) -> Mobject:
        """Query i's row of cells, to highlight (an outline in colour-only mode)."""
        return self.matrix.row_rect(self.matrix.row_ids.index(i)) if self.matrix is not None \
            else self.grid.row_span(i, i + 1)

    def column_rect(self, j: int) -> Mobject:
        """Key j's column of cells, to highlight."""
        return self.matrix.column_rect(self.matrix.col_ids.index(j)) if self.matrix is not None \
            else self.grid.column_span(j, j + 1)

    def row(self, i: int) -> Mobject:
        """Query i's row as drawn (its cells, or its colours as a one-row ColorGrid in place)."""
        if self.matrix is not None:
            return self.matrix.row(self.matrix.row_ids.index(i))
        span = self.row_rect(i)
        row = ColorGrid(self.grid.values[i:i + 1], width=span.width, height=span.height, coloring=self.coloring,
                        mask=self.grid.mask[i:i + 1], value_scale=self.grid.value_scale, stroke_width=1.0)
        return row.move_to(span)
