"""What the real-model scenes share: the whole 6-layer trace and the names their sources use.

The core segments draw one layer (self.trace, chosen by LAYER); these scenes look across all
layers and heads, so they hold the full ModelTrace. Their NumberText sources are field paths
from `model` ("model.layers[2].attention.heads[4].percentages[1, 3]", "model.rollout[5].weights[1, 3]").
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Mobject, Rectangle, VGroup

from ..base import ExplainerScene
from ..context import full_trace
from ..components import TokenChip, label
from ..theme import Theme
from ..words import words

class ModelScene(ExplainerScene):
    """An ExplainerScene holding the whole real-model trace of the example's sentence."""

    def setup(self) -> None:
        super().setup()
        self.model = full_trace(self.example, self.context.model)
        # The root a source's field path may start from besides the active layer's trace.
        self.traces = {"model": self.model}

    def model_head_source(self, layer: int, head: int) -> str:
        return f"model.layers[{layer}].attention.heads[{head}]"


class LayerStepper(VGroup):
    """"layer 1 2 3 4 5 6" with a box around the current layer: where we are in the model."""
    theme: Theme
    numbers: VGroup
    marker: Mobject

    def __init__(self, n_layers: int, theme) -> None:
        self.theme = theme
        self.numbers = VGroup(*(label(str(k + 1), "label", theme.muted) for k in range(n_layers)))
        self.numbers.arrange(RIGHT, buff=0.32)
        name = label(words("model-common")("layer"), "label", theme.muted).next_to(self.numbers, LEFT, buff=0.3)
        self.marker = self.box(0)
        super().__init__(name, self.numbers, self.marker)

    def box(self, layer: int) -> Rectangle:
        """The box around layer `layer`'s number (animate the marker into it)."""
        return Rectangle(width=0.42, height=0.42, color=self.theme.highlight, stroke_width=3).move_to(self.numbers[layer])


def row_chips(tokens, grid: Mobject) -> VGroup:
    """A token chip left of each row of `grid`, at the 0.4 row pitch the short-sentence squares
    are built with (the heads-grid examples, the layer means)."""
    return VGroup(*(TokenChip(token, i, max_width=1.5, height=0.36, size="small")
                    .move_to(grid.get_corner(UP + LEFT) + DOWN * 0.4 * (i + 0.5) + LEFT * 0.12, aligned_edge=RIGHT)
                    for i, token in enumerate(tokens)))
