"""Token chips: a token in its own colour, the same colour in every segment."""
from __future__ import annotations

from manim import DOWN, RIGHT, Mobject, RoundedRectangle, VGroup

from ..theme import current_theme
from .text import column_scale, label, token_text

CHIP_PADDING = 0.24  # a chip is its word's width and this
LOW_MARKS = set(".,_")  # marks that sit on the line: centred in a chip, "." would read as "·"


def chip_column(tokens, indices, *, max_width: float, height: float, size: str = "label") -> list[TokenChip]:
    """Chips that stand in one column (a matrix's rows, a table's keys): one font size for all,
    the one the hardest word fits at, instead of each word shrunk on its own."""
    tokens = list(tokens)
    scale = column_scale(tokens, max_width - CHIP_PADDING, size)
    return [TokenChip(token, index, max_width=max_width, height=height, size=size, text_scale=scale)
            for token, index in zip(tokens, indices)]


WHITESPACE_MARKS = {"\n": "↵", "\t": "⇥", " ": "␣", "\r": ""}


def visible_whitespace(token: str) -> str:
    """A token of whitespace only (a newline a decoder predicts) as marks a viewer can see: an
    empty chip reads as a drawing error."""
    if token.strip() or not token:
        return token
    return "".join(WHITESPACE_MARKS.get(c, "␣") for c in token) or "␣"


class TokenChip(VGroup):
    """A token in a rounded box of its colour. Parts: `token`, `index` (its colour's index), `box`, `text`."""
    token: str
    index: int
    box: RoundedRectangle
    text: Mobject

    def __init__(self, token: str, index: int, max_width: float = 1.8, height: float = 0.5,
                 size: str = "label", text_scale: float | None = None) -> None:
        """`text_scale`: the column's one scale (chip_column), instead of this word's own fit."""
        theme = current_theme()
        self.token = token
        self.index = index
        text = token_text(visible_whitespace(token), max_width - CHIP_PADDING, size, scale=text_scale)
        width = max(text.width + CHIP_PADDING, height * 1.2)
        self.box = RoundedRectangle(
            corner_radius=0.08, width=width, height=max(height, text.height + 0.14),
            fill_color=theme.token_color(index), fill_opacity=1.0, stroke_width=0,
        )
        text.move_to(self.box)
        if token.strip() and set(token.strip()) <= LOW_MARKS:
            x_height = label("x", size).height * (text_scale or 1.0)
            text.align_to([0, self.box.get_center()[1] - x_height / 2, 0], DOWN)
        self.text = text
        super().__init__(self.box, text)


MIN_CHIP_WIDTH = 1.0  # narrower, a word's chip stops being readable: the row wraps instead


class TokenRow(VGroup):
    """The sentence as chips in a row, fitted to `max_width` (long words shrink or wrap); a long
    sentence wraps onto lines like text, at most `max_lines` of them (then the chips shrink).
    Parts: `chips` (in token order), `lines` (the chips of each line)."""
    chips: list[TokenChip]
    lines: list[VGroup]

    def __init__(self, tokens: tuple[str, ...], max_width: float = 12.0, gap: float = 0.18,
                 size: str = "label", max_lines: int = 6, line_gap: float = 0.16) -> None:
        n = max(len(tokens), 1)
        per_chip = min(2.2, (max_width - gap * (n - 1)) / n)
        if per_chip >= MIN_CHIP_WIDTH or n == 1:
            self.chips = [TokenChip(token, i, max_width=per_chip, size=size) for i, token in enumerate(tokens)]
            self.lines = [VGroup(*self.chips).arrange(RIGHT, buff=gap)]
        else:
            self.chips = [TokenChip(token, i, max_width=2.2, size=size) for i, token in enumerate(tokens)]
            self.lines = self._wrapped(max_width, gap, max_lines)
        super().__init__(*self.lines)
        self.arrange(DOWN, buff=line_gap)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    def _wrapped(self, max_width: float, gap: float, max_lines: int) -> list[VGroup]:
        """Chips in reading order, a new line when the next would pass `max_width`; with more than
        `max_lines` lines, the width each line may take grows until they fit."""
        width = max_width
        while True:
            lines, current, used = [], [], 0.0
            for chip in self.chips:
                if current and used + gap + chip.width > width:
                    lines.append(current)
                    current, used = [], 0.0
                used += (gap if current else 0.0) + chip.width
                current.append(chip)
            lines.append(current)
            if len(lines) <= max_lines:
                return [VGroup(*line).arrange(RIGHT, buff=gap) for line in lines]
            width *= 1.15
