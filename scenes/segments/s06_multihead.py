"""Segment 6 · Multi-head (placeholder until its storyboard lands)."""
from __future__ import annotations

from manim import Write

from ..base import ExplainerScene, corner_title
from ..components import label


class MultiHeadSegment(ExplainerScene):
    segment = "06-multi-head"

    def construct(self) -> None:
        corner_title(self, "6 · Multi-head")
        self.step("placeholder", "This segment is being drawn.")
        self.play(Write(label("coming soon")))
