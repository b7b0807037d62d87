"""Segment 3 · Dot products (placeholder until its storyboard lands)."""
from __future__ import annotations

from manim import Write

from ..base import ExplainerScene, corner_title
from ..components import label


class DotProductsSegment(ExplainerScene):
    segment = "03-dot-products"

    def construct(self) -> None:
        corner_title(self, "3 · Dot products")
        self.step("placeholder", "This segment is being drawn.")
        self.play(Write(label("coming soon")))
