"""Segment 4 · Softmax (placeholder until its storyboard lands)."""
from __future__ import annotations

from manim import Write

from ..base import ExplainerScene, corner_title
from ..components import label


class SoftmaxSegment(ExplainerScene):
    segment = "04-softmax"

    def construct(self) -> None:
        corner_title(self, "4 · Softmax")
        self.step("placeholder", "This segment is being drawn.")
        self.play(Write(label("coming soon")))
