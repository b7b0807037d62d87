"""What the real-model scenes share: the whole 6-layer trace and the names their sources use.

The core segments draw one layer (self.trace, chosen by LAYER); these scenes look across all
layers and heads, so they hold the full ModelTrace. Their NumberText sources name it as
`model` ("model.layers[2].attention.heads[4].weights[1, 3]") and may call the attention_math
functions listed in `self.traces` ("attention_rollout(model.attention_weights)[5][1, 3]").
"""
from __future__ import annotations

from manim import LEFT, RIGHT, Rectangle, VGroup

from attention_math.head_patterns import classify_head, pattern_scores
from attention_math.minilm import model_trace
from attention_math.rollout import attention_rollout, residual_attention

from ..base import ExplainerScene
from ..components import label

AREA_WIDTH, AREA_TOP, AREA_BOTTOM = 13.8, 2.9, -3.8  # the frame minus margins and the corner title


class ModelScene(ExplainerScene):
    """An ExplainerScene holding the whole real-model trace of the example's sentence."""

    def setup(self) -> None:
        super().setup()
        self.model = model_trace(self.example.sentence, causal=self.example.causal)
        # Every name a source may use besides the active layer's trace (tests evaluate with them).
        self.traces = {"model": self.model, "attention_rollout": attention_rollout,
                       "residual_attention": residual_attention, "pattern_scores": pattern_scores,
                       "classify_head": classify_head}

    def weights_source(self, layer: int, head: int) -> str:
        return f"model.layers[{layer}].attention.heads[{head}].weights"

    def mean_source(self, layer: int) -> str:
        return f"model.attention_weights[{layer}].mean(axis=0)"


def fit_area(group, grow: float = 1.0):
    """Scale to the area under the corner title (never above `grow`) and centre it there."""
    scale = min(grow, AREA_WIDTH / group.width, (AREA_TOP - AREA_BOTTOM) / group.height)
    return group.scale(scale).move_to([0, (AREA_TOP + AREA_BOTTOM) / 2, 0])


class LayerStepper(VGroup):
    """"layer 1 2 3 4 5 6" with a box around the current layer: where we are in the model."""

    def __init__(self, n_layers: int, theme) -> None:
        self.theme = theme
        self.numbers = VGroup(*(label(str(k + 1), "label", theme.muted) for k in range(n_layers)))
        self.numbers.arrange(RIGHT, buff=0.32)
        name = label("layer", "label", theme.muted).next_to(self.numbers, LEFT, buff=0.3)
        self.marker = self.box(0)
        super().__init__(name, self.numbers, self.marker)

    def box(self, layer: int) -> Rectangle:
        """The box around layer `layer`'s number (animate the marker into it)."""
        return Rectangle(width=0.42, height=0.42, color=self.theme.highlight, stroke_width=3).move_to(self.numbers[layer])
