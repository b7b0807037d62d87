"""The whole figure: title and subtitle, the top row (one head in numbers), its connectors, and
the bottom band, laid out in the theme's figure frame."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Mobject, VGroup

from attention_math import LAYOUT_MAX_TOKENS, AttentionTrace, ExampleError

from ..theme import current_theme
from .blocks import in_line, number, text
from .bottom_band import bottom_band
from .main_flow import SQUARE_NUMBERS_UP_TO, MainFlow

FIGURE_NAME = "self_attention"
MAX_TOKENS = LAYOUT_MAX_TOKENS["figure"]
MARGIN = 0.14  # frame units around the figure
MAX_GROW = 1.25  # a short example's top row grows at most this much


class Figure(VGroup):
    """title, subtitle, flow (the top row), connectors (its arrows) and band (the bottom band)."""
    title: Mobject
    subtitle: VGroup
    flow: MainFlow
    connectors: VGroup
    band: VGroup

    def __init__(self, trace: AttentionTrace) -> None:
        theme = current_theme()
        frame_width, frame_height = theme.figure.frame
        width, left, top = frame_width - 2 * MARGIN, -frame_width / 2 + MARGIN, frame_height / 2 - MARGIN
        self.title = text("Self-Attention Mechanism", "title", theme.ink, bold=True)
        self.title.move_to([left, top, 0], aligned_edge=UP + LEFT)
        self.subtitle = in_line(text("Top row: head 1 of", "note", theme.muted),
                                number(trace.n_heads, 0, "n_heads", "note", theme.muted),
                                text(("in numbers" if trace.n_tokens <= SQUARE_NUMBERS_UP_TO else "in numbers and colour")
                                     + ". Rows are queries, columns are keys.", "note", theme.muted))
        self.subtitle.next_to(self.title, RIGHT, buff=0.3).align_to(self.title, DOWN)
        self.flow = MainFlow(trace)
        self.flow.scale(min(width / self.flow.width, MAX_GROW))
        self.flow.next_to(self.title, DOWN, buff=0.18).set_x(0)
        self.connectors = self.flow.connectors()
        above, below = self.connectors.get_bottom()[1] - 0.14, -frame_height / 2 + MARGIN
        self.band = bottom_band(trace, width, above - below).move_to([0, above, 0], aligned_edge=UP)
        super().__init__(self.title, self.subtitle, self.flow, self.connectors, self.band)


def check_fits(n_tokens: int, what: str = "this example") -> None:
    if n_tokens > MAX_TOKENS:
        raise ExampleError(f"the figure shows at most {MAX_TOKENS} tokens; {what} has {n_tokens}")


def build_figure(trace: AttentionTrace) -> Figure:
    check_fits(trace.n_tokens)
    return Figure(trace)
