"""Segment 2 · Projections (placeholder until its storyboard lands)."""
from __future__ import annotations

from manim import Write

from ..base import ExplainerScene, corner_title
from ..components import label


class ProjectionsSegment(ExplainerScene):
    segment = "02-projections"

    def construct(self) -> None:
        corner_title(self, "2 · Projections")
        self.step("placeholder", "This segment is being drawn.")
        self.play(Write(label("coming soon")))
