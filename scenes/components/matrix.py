"""A matrix of numbers, each cell coloured by value (or by attention weight), with token labels.

Large matrices (a real model's 384 dimensions) keep their first and last entries and show
an ellipsis between; cells always draw the true value at its true index.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, PI, RIGHT, UP, Rectangle, SurroundingRectangle, VGroup

from attention_math.display import readable_decimals

from ..theme import current_theme
from .text import FlatText, NumberText, label
from .tokens import TokenChip, chip_column

CELL_HEIGHT = 0.5


def kept_indices(count: int, limit: int | None) -> list[int | None]:
    """Indices to draw: all of them, or the first limit−2, an ellipsis (None), and the last."""
    if limit is None or count <= limit:
        return list(range(count))
    return list(range(limit - 2)) + [None, count - 1]


# Set once per scene from the layout policy (Presentation.readable_numbers): whether matrices of
# real-model values choose their own decimals.
NUMBER_POLICY = {"readable": False}


def matrix_decimals(shown_values, precision: int) -> int:
    """The decimals a NumberMatrix of these shown values uses under the scene's number policy."""
    return readable_decimals(shown_values, precision) if NUMBER_POLICY["readable"] else precision


def shown_decimals(values, precision: int, rows=None, max_cols: int | None = None) -> int:
    """The decimals NumberMatrix(values, precision, rows=rows, max_cols=max_cols) would choose."""
    values = np.asarray(values)
    row_ids = [i for i in (rows if rows is not None else range(values.shape[0])) if i is not None]
    col_ids = [j for j in kept_indices(values.shape[1], max_cols) if j is not None]
    return matrix_decimals(values[np.ix_(row_ids, col_ids)], precision)


class NumberMatrix(VGroup):
    """values[i, j] drawn in a grid; `source` names the array in the trace ("x", "heads[0].q"),
    or `source_of(i, j)` gives each cell's field path (for slices and transposes).

    coloring: "value" (sign → hue, magnitude → intensity), "weight" (sequential, darker =
    higher), or "none". percents=(shown, path): the cells show the trace's whole percentages
    `shown` (field `path`, e.g. "heads[0].percentages") instead of the values, rows adding to 100.
    mask: False cells are greyed and show `masked_text` instead of a number.
    max_rows / max_cols: elide the middle of a long axis; ellipsis_width: narrower "⋯" columns. Methods take display positions;
    `row_ids` / `col_ids` map them to data indices (None = the ellipsis).
    Parts: `cells` (each a VGroup of rect and text), `rects`, `numbers`, `frame`,
    `row_labels`, `col_labels`, `title` (or None); `cell_colors[r][c]` is the colour the
    rule gave each cell (what `products.reveal` fills a blanked cell with).
    """
    values: np.ndarray
    value_scale: float
    precision: int  # decimals the cells show (a real model's matrix may choose more: readable_decimals)
    row_ids: list[int | None]
    col_ids: list[int | None]
    col_widths: list[float]
    numbers: list[list[NumberText]]
    cell_width: float
    cell_height: float
    cells: VGroup
    rects: list[list[Rectangle]]
    cell_colors: list[list]
    n_rows: int
    n_cols: int
    frame: SurroundingRectangle
    row_labels: VGroup
    col_labels: VGroup
    title: FlatText | None

    def __init__(
        self, values, precision: int, source: str, *, coloring: str = "value",
        percents: tuple[np.ndarray, str] | None = None,
        mask=None, masked_text: str = "−∞", row_tokens: tuple[str, ...] | None = None,
        col_tokens: tuple[str, ...] | None = None, col_headers: list[str] | None = None,
        title: str | None = None, title_color=None, frame_color=None, cell_width: float | None = None,
        cell_height: float = CELL_HEIGHT, value_scale: float | None = None, token_indices=None,
        col_token_indices=None, show_numbers: bool = True, size: str = "cell", source_of=None,
        max_rows: int | None = None, max_cols: int | None = None, rows=None, cols=None,
        ellipsis_width: float | None = None,
    ) -> None:
        theme = current_theme()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            values = values[None, :]
        self.values = values
        mask = np.ones(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(values.shape)
        finite = values[mask & np.isfinite(values)]
        self.value_scale = value_scale or (float(np.abs(finite).max()) if finite.size else 1.0) or 1.0
        # rows / cols: the layout policy's own choice of drawn indices (None = an ellipsis), e.g.
        # the first rows, the focus row and its neighbours, the last (Presentation.token_ids).
        self.row_ids = list(rows) if rows is not None else kept_indices(values.shape[0], max_rows)
        self.col_ids = list(cols) if cols is not None else kept_indices(values.shape[1], max_cols)
        source_of = source_of or (lambda i, j: f"{source}[{i}, {j}]")
        if percents is None:  # a real model's values: 0.0512, not 0.05
            shown = values[np.ix_([i for i in self.row_ids if i is not None], [j for j in self.col_ids if j is not None])]
            precision = matrix_decimals(shown, precision)
        self.precision = precision
        self.numbers = [[self._cell_text(i, j, mask, precision, source_of, percents, masked_text, size, show_numbers)
                         for j in self.col_ids] for i in self.row_ids]
        widest = max((t.width for row in self.numbers for t in row), default=0.0)
        self.cell_width, self.cell_height = cell_width or max(0.56, widest + 0.2), cell_height
        # ellipsis_width: "⋯" columns narrower than number columns (a zoomed row keeps its numbers large).
        narrow = min(ellipsis_width or self.cell_width, self.cell_width)
        self.col_widths = [self.cell_width if j is not None else narrow for j in self.col_ids]
        self.cells = self._grid(mask, coloring, show_numbers)
        self.n_rows, self.n_cols = len(self.row_ids), len(self.col_ids)
        self.frame = SurroundingRectangle(self.cells, buff=0.0, color=frame_color or theme.ink, stroke_width=2.5)
        super().__init__(self.cells, self.frame)
        self._add_row_labels(row_tokens, token_indices, cell_height)
        self._add_col_labels(col_tokens, col_token_indices, col_headers, self.cell_width)
        self.title = None
        if title:
            self.title = label(title, "body", title_color or frame_color or theme.ink, weight="BOLD")
            above = self.col_labels if len(self.col_labels) else self.cells
            self.title.next_to(above, UP, buff=0.16)
            self.add(self.title)

    def _cell_text(self, i, j, mask, precision, source_of, percents, masked_text, size, show_numbers):
        """What cell (i, j) shows: its number, a percentage, −∞ when masked, an ellipsis, or nothing."""
        theme = current_theme()
        if not show_numbers:  # a colour-only grid: no text to build or animate
            return VGroup()
        if i is None or j is None:
            return label("⋮" if i is None else "⋯", size, theme.muted)
        if not mask[i, j]:
            return label(masked_text, size, theme.muted, mono=True)
        if percents is not None:
            shown, path = percents
            return NumberText(shown[i, j], 0, f"{path}[{i}, {j}]", size, suffix="%")
        return NumberText(self.values[i, j], precision, source_of(i, j), size)

    def _grid(self, mask, coloring: str, show_numbers: bool) -> VGroup:
        """The cells, each a rectangle filled by the colouring rule with its text on top."""
        theme = current_theme()
        self.rects = []
        cells = VGroup()
        for r, i in enumerate(self.row_ids):
            rect_row = []
            for c, j in enumerate(self.col_ids):
                elided = i is None or j is None
                if elided:
                    fill = theme.cell_fill
                elif not mask[i, j]:
                    fill = theme.masked_fill
                elif coloring == "weight":
                    fill = theme.weight_color(self.values[i, j])
                elif coloring == "value":
                    fill = theme.value_color(self.values[i, j], self.value_scale)
                else:
                    fill = theme.cell_fill
                width = self.col_widths[c]
                rect = Rectangle(width=width, height=self.cell_height, fill_color=fill, fill_opacity=1.0,
                                 stroke_color=theme.faint, stroke_width=1)
                left = sum(self.col_widths[:c])
                rect.move_to(RIGHT * (left + width / 2) + DOWN * r * self.cell_height)
                text = self.numbers[r][c]
                text.move_to(rect)
                if show_numbers and not elided and mask[i, j] and coloring != "none":
                    text.set_color(theme.text_on(rect.fill_color))
                rect_row.append(rect)
                cells.add(VGroup(rect, text))
            self.rects.append(rect_row)
        self.cell_colors = [[rect.get_fill_color() for rect in row] for row in self.rects]
        return cells

    def _add_row_labels(self, row_tokens, token_indices, cell_height: float) -> None:
        self.row_labels = VGroup()
        if row_tokens is None:
            return
        indices = list(token_indices) if token_indices is not None else list(range(len(row_tokens)))
        drawn = [(r, i) for r, i in enumerate(self.row_ids) if i is not None]
        chips = chip_column([row_tokens[i] for _, i in drawn], [indices[i] for _, i in drawn], max_width=1.6,
                            height=cell_height * 0.86, size="small")  # one column: one font size
        for (r, _), chip in zip(drawn, chips):
            chip.next_to(self.rects[r][0], LEFT, buff=0.12)
            self.row_labels.add(chip)
        self.add(self.row_labels)

    def _add_col_labels(self, col_tokens, col_token_indices, col_headers, width: float) -> None:
        theme = current_theme()
        self.col_labels = VGroup()
        if col_tokens is not None:
            indices = list(col_token_indices) if col_token_indices is not None else list(range(len(col_tokens)))
            chips = {c: TokenChip(col_tokens[j], indices[j], max_width=1.6, height=min(width, 0.5) * 0.9, size="small")
                     for c, j in enumerate(self.col_ids) if j is not None}
            rotate = any(chip.width > width * 0.96 for chip in chips.values())
            for c, chip in chips.items():
                if rotate:
                    chip.rotate(PI / 2)
                chip.next_to(self.rects[0][c], UP, buff=0.12)
                self.col_labels.add(chip)
        elif col_headers is not None:
            for c, j in enumerate(self.col_ids):
                if j is None:
                    continue
                head = label(col_headers[j], "small", theme.muted)
                head.next_to(self.rects[0][c], UP, buff=0.08)
                self.col_labels.add(head)
        if len(self.col_labels):
            self.add(self.col_labels)

    def cell(self, i: int, j: int) -> VGroup:
        return VGroup(self.rects[i][j], self.numbers[i][j])

    def row(self, i: int) -> VGroup:
        return VGroup(*(self.cell(i, j) for j in range(self.n_cols)))

    def column(self, j: int) -> VGroup:
        return VGroup(*(self.cell(i, j) for i in range(self.n_rows)))

    def row_rect(self, i: int) -> VGroup:
        return VGroup(*self.rects[i])

    def column_rect(self, j: int) -> VGroup:
        return VGroup(*(self.rects[i][j] for i in range(self.n_rows)))

    def body(self) -> VGroup:
        return self.cells

    def number_texts(self) -> VGroup:
        return VGroup(*(t for row in self.numbers for t in row))
