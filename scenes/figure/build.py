"""The whole figure: title and subtitle, the top row (one head in numbers), its connectors, and
the bottom band, laid out in the theme's figure frame."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Mobject, VGroup

from attention_math import LAYOUT_MAX_TOKENS, AttentionTrace, ExampleError

from ..components.matrix import NUMBER_POLICY
from ..theme import current_theme
from .blocks import said, said_line, number, text
from .bottom_band import bottom_band
from .main_flow import SQUARE_NUMBERS_UP_TO, MainFlow
from .subject import FigureSubject

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

    def __init__(self, subject: FigureSubject) -> None:
        theme, trace = current_theme(), subject.trace
        frame_width, frame_height = theme.figure.frame
        width, left, top = frame_width - 2 * MARGIN, -frame_width / 2 + MARGIN, frame_height / 2 - MARGIN
        self.title = text(said("title"), "title", theme.ink, bold=True)
        self.title.move_to([left, top, 0], aligned_edge=UP + LEFT)
        self.subtitle = model_subtitle(subject) if subject.real else toy_subtitle(subject)
        self.subtitle.next_to(self.title, RIGHT, buff=0.3).align_to(self.title, DOWN)
        if self.subtitle.get_top()[1] > top:  # a real model's two lines: inside the frame, level with the title
            self.subtitle.align_to(self.title, UP)
        self.flow = MainFlow(subject)
        self.flow.scale(min(width / self.flow.width, MAX_GROW))
        self.flow.next_to(self.title, DOWN, buff=0.18).set_x(0)
        self.connectors = self.flow.connectors()
        above, below = self.connectors.get_bottom()[1] - 0.14, -frame_height / 2 + MARGIN
        self.band = bottom_band(subject, width, above - below).move_to([0, above, 0], aligned_edge=UP)
        super().__init__(self.title, self.subtitle, self.flow, self.connectors, self.band)


def toy_subtitle(subject: FigureSubject) -> VGroup:
    muted, trace = current_theme().muted, subject.trace
    key = "subtitle.toy" if trace.n_tokens <= SQUARE_NUMBERS_UP_TO else "subtitle.toy_colour"
    return said_line(key, "note", muted, {"n_heads": number(trace.n_heads, 0, "n_heads", "note", muted)},
                     head=subject.head + 1)


def model_subtitle(subject: FigureSubject) -> VGroup:
    """Two lines: the model, layer and head the top row follows; what its numbers are."""
    muted, trace = current_theme().muted, subject.trace
    first = said_line("subtitle.model", "note", muted, {"n_heads": number(trace.n_heads, 0, "n_heads", "note", muted)},
                      model=subject.model, layer=subject.layer + 1, n_layers=subject.n_layers, head=subject.head + 1)
    quantisation = subject.quantisation
    second = text(said("subtitle.quantised", quantisation=quantisation[0].upper() + quantisation[1:]) if quantisation
                  else said("subtitle.rows"), "note", muted)
    return VGroup(first, second).arrange(DOWN, buff=0.06, aligned_edge=LEFT)


def check_fits(n_tokens: int, what: str = "this example") -> None:
    if n_tokens > MAX_TOKENS:
        raise ExampleError(f"the figure shows at most {MAX_TOKENS} tokens; {what} has {n_tokens}")


def build_figure(subject: AttentionTrace | FigureSubject) -> Figure:
    """The figure of a subject (a trace alone: the toy model's head 1)."""
    if isinstance(subject, AttentionTrace):
        subject = FigureSubject(subject)
    check_fits(subject.trace.n_tokens)
    NUMBER_POLICY["readable"] = subject.real  # a real model's matrices: 0.0512, not 0.05, as in the segments
    try:
        return Figure(subject)
    finally:
        NUMBER_POLICY["readable"] = False
