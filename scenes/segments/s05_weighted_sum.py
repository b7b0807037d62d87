"""Segment 5 · Weighted sum (placeholder until its storyboard lands)."""
from __future__ import annotations

from manim import Write

from ..base import ExplainerScene, corner_title
from ..components import label


class WeightedSumSegment(ExplainerScene):
    segment = "05-weighted-sum"

    def construct(self) -> None:
        corner_title(self, "5 · Weighted sum")
        self.step("placeholder", "This segment is being drawn.")
        self.play(Write(label("coming soon")))
