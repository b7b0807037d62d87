"""One RoPE pair of a head's dimensions as a plane: the query's and the key's 2-D pieces as
arrows from the origin, turned by their positions' angles, with the angle between them as an arc.

No numbers on the plane itself (they go in the lines under it), so arrows can turn freely.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, UP, Arc, Arrow, Circle, Line, Rotate, VGroup

from ..components import label
from ..theme import current_theme

RADIUS = 1.2  # the longer of the two arrows reaches this far (scene units)
GAP_RADIUS = 0.42  # the arc that marks the angle from k to q


def _angle(vector: np.ndarray) -> float:
    return float(np.arctan2(vector[1], vector[0]))


class PairPlane(VGroup):
    """A pair's plane with q and k arrows; `turn_to(placement)` rotates them to that placement."""

    def __init__(self, pair, title: str, subtitle: str) -> None:
        theme = current_theme()
        self.pair = pair
        self.unit = RADIUS / max(np.linalg.norm(pair.query), np.linalg.norm(pair.key))
        self.circle = Circle(radius=RADIUS, stroke_color=theme.faint, stroke_width=1.5)
        self.axes = VGroup(Line([-RADIUS - 0.15, 0, 0], [RADIUS + 0.15, 0, 0]),
                           Line([0, -RADIUS - 0.15, 0], [0, RADIUS + 0.15, 0])).set_stroke(theme.muted, width=1.5)
        self.query_arrow = self._arrow(pair.query, theme.query)
        self.key_arrow = self._arrow(pair.key, theme.key)
        self.turned = {"query": 0.0, "key": 0.0}  # radians each arrow has been turned so far
        self.gap = self.gap_arc()
        self.title = VGroup(label(title, "label", theme.ink), label(subtitle, "small", theme.muted))
        self.title.arrange(DOWN, buff=0.1).next_to(self.circle, UP, buff=0.25)
        super().__init__(self.circle, self.axes, self.gap, self.key_arrow, self.query_arrow, self.title)

    @property
    def origin(self) -> np.ndarray:
        return self.circle.get_center()

    def _arrow(self, vector: np.ndarray, color) -> Arrow:
        tip = np.array([vector[0], vector[1], 0.0]) * self.unit
        return Arrow([0, 0, 0], tip, buff=0, color=color, stroke_width=6, max_tip_length_to_length_ratio=0.18)

    def gap_arc(self) -> Arc:
        """The arc from the key's arrow to the query's, the short way round, where they point now."""
        query_angle = _angle(self.pair.query) + self.turned["query"]
        key_angle = _angle(self.pair.key) + self.turned["key"]
        sweep = (query_angle - key_angle + np.pi) % (2 * np.pi) - np.pi
        return Arc(radius=GAP_RADIUS, start_angle=key_angle, angle=sweep, arc_center=self.origin,
                   stroke_color=current_theme().highlight, stroke_width=4)

    def turn_to(self, placement: int) -> tuple[list, Arc]:
        """Rotations that bring both arrows to `placement`'s angles, through the whole angle the
        positions give (343.8° is nearly a full turn, not the short way back), and the gap arc to
        transform into once they are there."""
        animations = []
        for which, arrow, degrees in (("query", self.query_arrow, self.pair.query_degrees),
                                      ("key", self.key_arrow, self.pair.key_degrees)):
            target = float(np.radians(degrees[placement]))
            if target != self.turned[which]:
                animations.append(Rotate(arrow, target - self.turned[which], about_point=self.origin))
            self.turned[which] = target
        return animations, self.gap_arc()
