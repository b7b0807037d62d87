"""Segment 5's weighted sum for one query: one line per key, weight × value = scaled value,
then the scaled rows added up under a rule into the query's output.

Every number is a field of the trace's worked row (`heads[h].blend_rows[i]`). A long sentence's
row (`top=k`) lists the k keys of largest weight, then one line for the other keys together:
their weights' sum and their scaled rows' sum (`rest`), so the lines still add up to the output."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, VGroup

from attention_math.worked import BlendRow

from ..theme import current_theme
from ..words import common
from .key_table import KeyTable, others_label, per_line, worked_column
from .labels import around, inline, operator
from .matrix import NumberMatrix
from .text import label
from .tokens import TokenChip


class BlendTable(KeyTable):
    """Parts besides KeyTable's: `weights`, `times`, `values`, `equals`, `products` (the scaled
    rows), `plus_signs`, `rule`, `output`, `output_label`, `footnote`."""

    weights: NumberMatrix
    times: VGroup
    values: NumberMatrix
    equals: VGroup
    products: NumberMatrix
    plus_signs: VGroup
    rule: Line
    output: NumberMatrix
    output_label: VGroup
    footnote: VGroup
    cut: bool  # the table lists the largest weights and one line for the other keys

    def __init__(self, tokens, row: BlendRow, source: str, values, values_source: str, precision: int,
                 max_cols: int | None, top: int | None = None) -> None:
        """`source`: the worked row's field path ("heads[0].blend_rows[2]"); `values`: the head's V."""
        theme = current_theme()
        self.cut = top is not None
        keys = list(range(len(tokens))) if top is None else list(row.rest.order[:top])
        lines = len(keys) + (top is not None)
        scale = float(abs(values).max()) or 1.0  # one colour scale, so scaled rows look smaller
        self.weights = worked_column(row, source, "weights", keys, top, precision, coloring="weight")
        self.values = NumberMatrix(values, precision, values_source, frame_color=theme.value, value_scale=scale,
                                   max_cols=max_cols, rows=keys + ([None] if top is not None else []))
        scaled = np.vstack([row.scaled_values[keys]] + ([row.rest.scaled_values[top][None, :]] if top is not None else []))
        path = lambda r, c: (f"{source}.scaled_values[{keys[r]}, {c}]" if r < len(keys)
                             else f"{source}.rest.scaled_values[{top}, {c}]")
        self.products = NumberMatrix(scaled, precision, "", frame_color=theme.value, value_scale=scale,
                                     max_cols=max_cols, source_of=path)
        self.times = per_line(lambda: operator("×", "label"), lines)
        self.equals = per_line(lambda: operator("=", "label"), lines)
        names = [tokens[j] for j in keys] + ([others_label(row, top)] if top is not None else [])
        super().__init__(names, [(common("weight"), self.weights), (None, self.times),
                                 (label(common("blend.value"), "small", theme.value), self.values), (None, self.equals),
                                 (label(common("blend.product"), "small", theme.value), self.products)],
                         query=row.query, indices=keys + [0], query_token=tokens[row.query])
        self._add_sum(tokens, row, source, precision, scale, max_cols)

    def _add_sum(self, tokens, row: BlendRow, source: str, precision: int, scale: float, max_cols) -> None:
        """"+" between consecutive scaled rows (added top to bottom), a rule, and the query's output."""
        theme, products = current_theme(), self.products
        right = products.frame.get_right()[0] + 0.25
        self.plus_signs = VGroup(*(label("+", "label", theme.muted).move_to(
            [right, (products.rects[j][0].get_y() + products.rects[j + 1][0].get_y()) / 2, 0])
            for j in range(len(self.keys) - 1)))
        bottom = products.frame.get_bottom()[1] - 0.12
        self.rule = Line([products.frame.get_left()[0], bottom, 0], [right + 0.15, bottom, 0],
                         color=theme.muted, stroke_width=2)
        self.output = NumberMatrix(row.total[None, :], precision, "", frame_color=theme.output, value_scale=scale,
                                   source_of=lambda r, c: f"{source}.total[{c}]", max_cols=max_cols)
        self.output.next_to(self.rule, DOWN, buff=0.12).align_to(products.frame, LEFT)
        chip = TokenChip(tokens[row.query], row.query, max_width=3.0, size="small")
        before, after = around("output_of", "token")
        self.output_label = inline(before, chip, after, "label", theme.output, buff=0.2)
        self.output_label.next_to(self.output, LEFT, buff=0.3)
        # Honest about rounding: adding the shown rows can miss the shown output in the last digit.
        self.footnote = label(common("blend.rounded", precision=precision), "small", theme.muted)
        self.footnote.next_to(self.output, DOWN, buff=0.2).align_to(self.rule, RIGHT)
        self.add(self.plus_signs, self.rule, self.output, self.output_label, self.footnote)

    def header_of(self, column: str) -> VGroup:
        order = {"keys": 0, "weights": 1, "values": 3, "products": 5}
        return self.headers[order[column]]
