"""Text pieces. User tokens and numbers are Pango Text, never TeX: nothing a user types reaches LaTeX."""
from __future__ import annotations

from manim import Mobject, Text

from attention_math import format_number

from ..theme import current_theme


def label(text: str, size: str = "label", color=None, weight: str = "NORMAL", mono: bool = False) -> Text:
    theme = current_theme()
    return Text(
        text, font=theme.mono_font if mono else theme.font, font_size=theme.sizes[size],
        color=color or theme.ink, weight=weight,
    )


class NumberText(Text):
    """A number drawn on screen that remembers where in the trace it comes from.

    `source` is an expression over the trace (e.g. "heads[0].weights[1, 2]"); tests
    evaluate it on the trace and check the drawn text equals its formatted value.
    """

    def __init__(self, value: float, precision: int, source: str, size: str = "cell", color=None,
                 suffix: str = "", **kwargs) -> None:
        theme = current_theme()
        self.value = float(value)
        self.precision = precision
        self.source = source
        self.suffix = suffix
        self.shown_text = format_number(value, precision) + suffix
        super().__init__(self.shown_text, font=theme.mono_font, font_size=theme.sizes[size],
                         color=color or theme.ink, **kwargs)


def fit_width(mobject: Mobject, max_width: float) -> Mobject:
    """Shrink (never grow) to fit a width."""
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


def token_text(token: str, max_width: float, size: str = "label", color=None) -> Mobject:
    """A token's text fitted to a width: shrink, and split a long word over two lines
    (with a hyphen) when that keeps it larger."""
    from manim import VGroup, DOWN

    one_line = label(token, size, color)
    if one_line.width <= max_width:
        return one_line
    shrink_one = max_width / one_line.width
    if len(token) >= 8:
        cut = (len(token) + 1) // 2
        two_lines = VGroup(label(token[:cut] + "-", size, color), label(token[cut:], size, color))
        two_lines.arrange(DOWN, buff=0.04)
        shrink_two = min(max_width / two_lines.width, 1.0)
        if shrink_two > shrink_one * 1.25:
            two_lines.scale(shrink_two)
            two_lines.token = token
            return two_lines
    one_line.scale(shrink_one)
    return one_line
