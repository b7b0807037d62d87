"""Token chips: a token in its own colour, the same colour in every segment."""
from __future__ import annotations

from manim import RIGHT, Mobject, RoundedRectangle, VGroup

from ..theme import current_theme
from .text import token_text


class TokenChip(VGroup):
    """A token in a rounded box of its colour. Parts: `token`, `index` (its colour's index), `box`, `text`."""
    token: str
    index: int
    box: RoundedRectangle
    text: Mobject

    def __init__(self, token: str, index: int, max_width: float = 1.8, height: float = 0.5,
                 size: str = "label") -> None:
        theme = current_theme()
        self.token = token
        self.index = index
        text = token_text(token, max_width - 0.24, size)
        width = max(text.width + 0.24, height * 1.2)
        self.box = RoundedRectangle(
            corner_radius=0.08, width=width, height=max(height, text.height + 0.14),
            fill_color=theme.token_color(index), fill_opacity=1.0, stroke_width=0,
        )
        text.move_to(self.box)
        self.text = text
        super().__init__(self.box, text)


class TokenRow(VGroup):
    """The sentence as chips in a row, fitted to `max_width` (long words shrink or wrap)."""
    chips: list[TokenChip]

    def __init__(self, tokens: tuple[str, ...], max_width: float = 12.0, gap: float = 0.18,
                 size: str = "label") -> None:
        per_chip = min(2.2, (max_width - gap * (len(tokens) - 1)) / max(len(tokens), 1))
        self.chips = [TokenChip(token, i, max_width=per_chip, size=size) for i, token in enumerate(tokens)]
        super().__init__(*self.chips)
        self.arrange(RIGHT, buff=gap)
