"""A matrix of numbers, each cell coloured by value (or by attention weight), with token labels."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, PI, RIGHT, UP, Rectangle, SurroundingRectangle, VGroup

from attention_math import percentages

from ..theme import current_theme
from .text import NumberText, label
from .tokens import TokenChip

CELL_HEIGHT = 0.5


class NumberMatrix(VGroup):
    """values[i, j] drawn in a grid; `source` names the array in the trace ("x", "heads[0].q"),
    or `source_of(i, j)` gives each cell's trace expression (for slices and transposes).

    coloring: "value" (sign → hue, magnitude → intensity), "weight" (sequential, darker =
    higher), or "none". percent=True shows each row as percentages adding to exactly 100.
    mask: False cells are greyed and show `masked_text` instead of a number.
    """

    def __init__(
        self, values, precision: int, source: str, *, coloring: str = "value", percent: bool = False,
        mask=None, masked_text: str = "−∞", row_tokens: tuple[str, ...] | None = None,
        col_tokens: tuple[str, ...] | None = None, col_headers: list[str] | None = None,
        title: str | None = None, title_color=None, frame_color=None, cell_width: float | None = None,
        cell_height: float = CELL_HEIGHT, value_scale: float | None = None, token_indices=None,
        col_token_indices=None, show_numbers: bool = True, size: str = "cell", source_of=None,
    ) -> None:
        theme = current_theme()
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            values = values[None, :]
        self.values = values
        n_rows, n_cols = values.shape
        mask = np.ones(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(values.shape)
        finite = values[mask & np.isfinite(values)]
        scale = value_scale or (float(np.abs(finite).max()) if finite.size else 1.0) or 1.0

        source_of = source_of or (lambda i, j: f"{source}[{i}, {j}]")
        self.numbers: list[list] = []
        texts = []
        for i in range(n_rows):
            row_texts = []
            shown_percent = percentages(values[i]) if percent else None
            for j in range(n_cols):
                if not mask[i, j]:
                    text = label(masked_text, size, theme.muted, mono=True)
                elif percent:
                    text = NumberText(shown_percent[j], 0, f"percentages({source}[{i}])[{j}]", size, suffix="%")
                else:
                    text = NumberText(values[i, j], precision, source_of(i, j), size)
                row_texts.append(text)
                texts.append(text)
            self.numbers.append(row_texts)
        width = cell_width or max(0.56, max(t.width for t in texts) + 0.2)
        self.cell_width, self.cell_height = width, cell_height

        self.rects: list[list[Rectangle]] = []
        cells = VGroup()
        for i in range(n_rows):
            rect_row = []
            for j in range(n_cols):
                if not mask[i, j]:
                    fill = theme.masked_fill
                elif coloring == "weight":
                    fill = theme.weight_color(values[i, j])
                elif coloring == "value":
                    fill = theme.value_color(values[i, j], scale)
                else:
                    fill = theme.cell_fill
                rect = Rectangle(width=width, height=cell_height, fill_color=fill, fill_opacity=1.0,
                                 stroke_color=theme.faint, stroke_width=1)
                rect.move_to(RIGHT * j * width + DOWN * i * cell_height)
                text = self.numbers[i][j]
                text.move_to(rect)
                if not mask[i, j]:
                    text.set_color(theme.muted)
                elif coloring != "none":
                    text.set_color(theme.text_on(rect.fill_color))
                if not show_numbers:
                    text.set_opacity(0)
                rect_row.append(rect)
                cells.add(VGroup(rect, text))
            self.rects.append(rect_row)
        self.cells = cells
        self.n_rows, self.n_cols = n_rows, n_cols
        self.frame = SurroundingRectangle(cells, buff=0.0, color=frame_color or theme.ink, stroke_width=2.5)
        super().__init__(cells, self.frame)

        self.row_labels = VGroup()
        if row_tokens is not None:
            indices = token_indices if token_indices is not None else range(len(row_tokens))
            for i, (token, index) in enumerate(zip(row_tokens, indices)):
                chip = TokenChip(token, index, max_width=1.6, height=cell_height * 0.86, size="small")
                chip.next_to(self.rects[i][0], LEFT, buff=0.12)
                self.row_labels.add(chip)
            self.add(self.row_labels)
        self.col_labels = VGroup()
        if col_tokens is not None:
            indices = col_token_indices if col_token_indices is not None else range(len(col_tokens))
            chips = [TokenChip(t, k, max_width=1.6, height=min(width, 0.5) * 0.9, size="small")
                     for t, k in zip(col_tokens, indices)]
            rotate = any(chip.width > width * 0.96 for chip in chips)
            for j, chip in enumerate(chips):
                if rotate:
                    chip.rotate(PI / 2)
                chip.next_to(self.rects[0][j], UP, buff=0.12)
                self.col_labels.add(chip)
            self.add(self.col_labels)
        elif col_headers is not None:
            for j, header in enumerate(col_headers):
                head = label(header, "small", theme.muted)
                head.next_to(self.rects[0][j], UP, buff=0.08)
                self.col_labels.add(head)
            self.add(self.col_labels)
        self.title = None
        if title:
            self.title = label(title, "body", title_color or frame_color or theme.ink, weight="BOLD")
            above = self.col_labels if len(self.col_labels) else cells
            self.title.next_to(above, UP, buff=0.16)
            self.add(self.title)

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
