"""A tinted rounded panel with its heading at the top left: the figure's five steps and
bottom band, and the three-panel segment's A, B and C.

    panel = Panel(content, theme.panels.scores, heading=label("Scores", ...))   # wraps content
    panel = Panel(VGroup(), theme.panels.panel_a, heading, size=(4.0, 6.7))    # a fixed box, empty body
    panel.room(pad)      # the Room under the heading, where a body is laid out
    panel.resize(height=3.2)   # from the top-left corner
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, RoundedRectangle, VGroup

from ..theme import current_theme


@dataclass(frozen=True)
class Room:
    """A rectangle to lay a panel's body out in: its top-left corner, width and height."""
    corner: np.ndarray
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return float(self.corner[1] - self.height)

    @property
    def centre_x(self) -> float:
        return float(self.corner[0] + self.width / 2)


class Panel(VGroup):
    """background (the tinted box), heading (bold, top left; or None) and body (what it holds)."""
    background: RoundedRectangle
    heading: Mobject | None
    body: Mobject

    def __init__(self, body: Mobject, tint, heading: Mobject | None = None, *, size: tuple[float, float] | None = None,
                 pad: float = 0.1, heading_gap: float = 0.1, corner_radius: float = 0.1,
                 stroke_width: float = 1.0) -> None:
        """Without `size`: a box `pad` around the body and the heading, which sits `heading_gap` above
        the body. With `size`: a width × height box at the origin, its heading `pad` in from the
        top-left corner, the body left where it is (a scene lays it out in `room()`)."""
        self.body, self.heading = body, heading
        if size is None:
            inside = VGroup(body)
            if heading is not None:
                inside.add(heading.next_to(body, UP, buff=heading_gap).align_to(body, LEFT))
            size = (inside.width + 2 * pad, inside.height + 2 * pad)
            self.background = self._box(*size, tint, corner_radius, stroke_width).move_to(inside)
        else:
            self.background = self._box(*size, tint, corner_radius, stroke_width)
            if heading is not None:
                heading.next_to(self.background.get_corner(UP + LEFT), DOWN + RIGHT, buff=pad)
        super().__init__(*(part for part in (self.background, heading, body) if part is not None))

    @staticmethod
    def _box(width: float, height: float, tint, corner_radius: float, stroke_width: float) -> RoundedRectangle:
        return RoundedRectangle(corner_radius=corner_radius, width=width, height=height, fill_color=tint,
                                fill_opacity=1, stroke_color=current_theme().faint, stroke_width=stroke_width)

    def room(self, pad: float, below_heading: float = 0.2) -> Room:
        """The room under the heading, `pad` in from the box's sides and bottom."""
        box = self.background
        top = (self.heading.get_bottom()[1] if self.heading is not None else box.get_top()[1]) - below_heading
        return Room(np.array([box.get_left()[0] + pad, top, 0.0]), box.width - 2 * pad, top - box.get_bottom()[1] - pad)

    def resize(self, width: float | None = None, height: float | None = None) -> "Panel":
        """Stretch the box to width × height (either one alone), keeping its top-left corner."""
        box = self.background
        corner = box.get_corner(UP + LEFT)
        if width is not None:
            box.stretch_to_fit_width(width)
        if height is not None:
            box.stretch_to_fit_height(height)
        box.move_to(corner, aligned_edge=UP + LEFT)
        return self

    def end_at(self, bottom: float) -> "Panel":
        """The box's bottom edge at `bottom`, its top where it was."""
        return self.resize(height=self.background.get_top()[1] - bottom)

