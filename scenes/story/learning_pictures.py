"""Pictures the learning and before-transformers segments share: one query's attention row as
chips over percentage cells, and a line of labelled numbers. Every number names its source in
the segments' records (`learning.…`, `rnn.…`, see attention_math.story.story_namespace)."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Rectangle, VGroup

from ..components import NumberText, TokenChip, label
from ..components.text import FlatText
from ..theme import current_theme

CELL_HEIGHT = 0.6


class AttentionStrip(VGroup):
    """Token chips over one cell each: the cell's colour is the weight (darker = higher), its text
    the whole percentage (the row adds to 100). `source` names the percentages array: cell j shows
    `source[j]`. `caption` (optional) sits left of the cells."""
    cells: VGroup
    numbers: VGroup
    chips: VGroup
    caption: FlatText | None

    def __init__(self, tokens, weights, shares, source: str, *, cell_width: float = 1.25,
                 caption: str | None = None, caption_color=None, chips: bool = True) -> None:
        theme = current_theme()
        self.cells, self.numbers, self.chips = VGroup(), VGroup(), VGroup()
        for j, (token, weight, share) in enumerate(zip(tokens, weights, shares)):
            fill = theme.weight_color(float(weight))
            cell = Rectangle(width=cell_width, height=CELL_HEIGHT, fill_color=fill, fill_opacity=1.0,
                             stroke_color=theme.faint, stroke_width=1).move_to(RIGHT * j * cell_width)
            number = NumberText(share, 0, f"{source}[{j}]", "cell", color=theme.text_on(fill), suffix="%")
            self.cells.add(cell)
            self.numbers.add(number.move_to(cell))
            if chips:
                chip = TokenChip(token, j, max_width=cell_width - 0.08, height=0.45, size="small")
                self.chips.add(chip.next_to(cell, UP, buff=0.12))
        super().__init__(self.cells, self.numbers, self.chips)
        self.caption = None
        if caption:
            self.caption = label(caption, "label", caption_color or theme.muted)
            self.caption.next_to(self.cells, LEFT, buff=0.3)
            self.add(self.caption)


def number_line(*parts) -> VGroup:
    """Labels and numbers in a row: strings become muted labels, mobjects are kept as they are."""
    theme = current_theme()
    pieces = [label(p, "label", theme.muted) if isinstance(p, str) else p for p in parts]
    return VGroup(*pieces).arrange(RIGHT, buff=0.15, aligned_edge=DOWN)

