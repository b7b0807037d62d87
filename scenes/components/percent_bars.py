"""Attention weights as percentage bars: a cell per key, a bar as long as the weight, labelled
with the trace's whole percentage (a row's labels add to exactly 100).

    row = PercentBars(head.weights[i], head.percentages[i], "heads[0].percentages[2]", trace.mask[i], color)
    table = PercentBarTable(head, "heads[0]", trace.mask, color, trace.tokens)   # a row per query
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Rectangle, VGroup

from attention_math import HeadTrace

from ..theme import current_theme
from ..words import common
from .text import NumberText, label
from .tokens import chip_column

BAR_CELL = (0.92, 0.44)  # width, height of a key's cell
INSET = 0.03  # between a cell's edge and its bar


class PercentBars(VGroup):
    """One query's row: cells (a cell per key), bars (one per visible key) and numbers (their
    percentages, NumberTexts whose sources are `source`[j]). Masked keys: a grey cell, no bar."""
    cells: VGroup
    bars: VGroup
    numbers: VGroup

    def __init__(self, weights, shown, source: str, mask, color, cell: tuple[float, float] = BAR_CELL) -> None:
        theme = current_theme()
        width, height = cell
        self.cells, self.bars, self.numbers = VGroup(), VGroup(), VGroup()
        for j, weight in enumerate(weights):
            box = Rectangle(width=width, height=height, stroke_color=theme.faint, stroke_width=1, fill_opacity=1,
                            fill_color=theme.cell_fill if mask[j] else theme.masked_fill).move_to(RIGHT * j * width)
            self.cells.add(box)
            if not mask[j]:
                continue
            # A data bar: filling the cell from the left, as long as the weight, under its label.
            bar = Rectangle(width=max(weight * (width - 2 * INSET), 0.01), height=height - 0.08, stroke_width=0,
                            fill_color=color, fill_opacity=0.45)
            self.bars.add(bar.move_to(box.get_left() + RIGHT * INSET, aligned_edge=LEFT))
            self.numbers.add(NumberText(shown[j], 0, f"{source}[{j}]", "cell", suffix="%").move_to(box))
        super().__init__(self.cells, self.bars, self.numbers)


class PercentBarTable(VGroup):
    """A head's weights, a PercentBars row per query with its token chip on the left.
    cells, bars and numbers gather every row's parts (to animate them together)."""
    rows: list[PercentBars]
    chips: VGroup
    cells: VGroup
    bars: VGroup
    numbers: VGroup

    def __init__(self, head: HeadTrace, head_path: str, mask, color, tokens: tuple[str, ...]) -> None:
        height = BAR_CELL[1]
        self.rows = [PercentBars(head.weights[i], head.percentages[i], f"{head_path}.percentages[{i}]", mask[i], color)
                     .shift(DOWN * i * height) for i in range(len(tokens))]
        self.chips = VGroup()
        chips = chip_column(tokens, range(len(tokens)), max_width=1.6, height=height * 0.86, size="small")
        for chip, row in zip(chips, self.rows):
            self.chips.add(chip.next_to(row.cells[0], LEFT, buff=0.12))
        self.cells = VGroup(*(cell for row in self.rows for cell in row.cells))
        self.bars = VGroup(*(bar for row in self.rows for bar in row.bars))
        self.numbers = VGroup(*(number for row in self.rows for number in row.numbers))
        super().__init__(*self.rows, self.chips)


LONG_BAR = 2.6  # a listed key's bar at 100 % (FocusBars)


class FocusBars(VGroup):
    """A long sentence's softmax step: only the focus query's row, its `top` keys of largest
    weight one per line (chip, a bar as long as the weight, the trace's percentage), then one
    line for all the other keys the query sees (the trace's rest sums). Same parts as
    PercentBarTable: `chips`, `cells`, `bars`, `numbers`."""
    chips: VGroup
    cells: VGroup
    bars: VGroup
    numbers: VGroup

    def __init__(self, head: HeadTrace, head_path: str, focus: int, top: int, color, tokens: tuple[str, ...]) -> None:
        theme, row = current_theme(), head.softmax_rows[focus]
        source = f"{head_path}.softmax_rows[{focus}]"
        keys = list(row.rest.order[:top])
        chips = chip_column([tokens[j] for j in keys], keys, max_width=1.6, height=BAR_CELL[1] * 0.86, size="small")
        lines = [(chip, row.weights[j], NumberText(row.percentages[j], 0, f"{source}.percentages[{j}]", "cell",
                                                   suffix="%")) for chip, j in zip(chips, keys)]
        if top < row.rest.visible:  # the others the query sees, together
            lines.append((label(common("others", count=row.rest.counts[top]), "small", theme.muted), row.rest.weights[top],
                          NumberText(row.rest.percentages[top], 0, f"{source}.rest.percentages[{top}]", "cell",
                                     suffix="%")))
        self.chips, self.cells, self.bars, self.numbers = VGroup(), VGroup(), VGroup(), VGroup()
        for k, (chip, weight, number) in enumerate(lines):
            # Outline only: a head switch fades the new cells in over the morphing bars.
            box = Rectangle(width=LONG_BAR, height=BAR_CELL[1], stroke_color=theme.faint, stroke_width=1.5,
                            fill_opacity=0).move_to(DOWN * k * BAR_CELL[1])
            bar = Rectangle(width=max(float(weight) * (LONG_BAR - 2 * INSET), 0.01), height=BAR_CELL[1] - 0.08,
                            stroke_width=0, fill_color=color, fill_opacity=0.45)
            self.cells.add(box)
            self.bars.add(bar.move_to(box.get_left() + RIGHT * INSET, aligned_edge=LEFT))
            self.numbers.add(number.next_to(box, RIGHT, buff=0.12))
            self.chips.add(chip.next_to(box, LEFT, buff=0.12))
        right = max(chip.get_right()[0] for chip in self.chips)  # chips right-aligned against the bars
        for chip in self.chips:
            chip.shift(RIGHT * (right - chip.get_right()[0]))
        super().__init__(self.cells, self.bars, self.numbers, self.chips)
