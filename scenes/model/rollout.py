"""Attention rollout (Abnar & Zuidema 2020): the last layer's own attention against the
attention rolled out through all layers, which also counts what earlier layers already mixed."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, VGroup, Write

from ..base import corner_title
from ..components import formula, label
from ..components.heatmap import WeightHeatmap
from .colour_map import ColourMap, colour_map
from .common import ModelScene


class Rollout(ModelScene):
    segment = "rollout"

    def construct(self) -> None:
        model = self.model
        last = model.n_layers - 1
        corner_title(self, "Attention rollout", "through all the layers")

        self.step("raw", f"Layer {last + 1}'s attention, averaged over its {model.n_heads} heads. But layer "
                         f"{last + 1} mixes layer {last}'s outputs, which are already mixtures of the words: "
                         "one layer alone does not say which input words a position draws on.")
        raw = self.stage.fit(self.heatmap(f"model.layer_means[{last}]", model.layer_means[last],
                                          f"layer {last + 1}, mean of {model.n_heads} heads"))
        self.play(FadeIn(raw))
        self.hold_for_caption(1.5)

        self.step("formula", "Rollout follows the mixing down through every layer. Each layer's mean attention is "
                             "blended half and half with the identity, for the residual connection that carries "
                             "each token straight through; then the layers are multiplied together.")
        recipe = self.recipe()
        self.play(FadeOut(raw), LaggedStart(*(Write(line) for line in recipe), lag_ratio=0.4), run_time=2.4)
        self.hold_for_caption(2.0)

        self.step("rolled", f"Side by side: layer {last + 1} alone, and rolled out through all {model.n_layers} "
                            "layers. Row by row, the rollout says how much of each position after the last layer "
                            "traces back to each input token. Where many heads park on [CLS], the rollout piles up "
                            "there too: it is an estimate that assumes heads and the residual path mix evenly.")
        pair = self.comparison(last)
        self.play(FadeOut(recipe), FadeIn(pair[0]), run_time=0.8)
        self.play(FadeIn(pair[1], shift=LEFT * 0.3), run_time=1.0)
        self.hold_for_caption(2.0)

    def heatmap(self, source: str, mean, title: str, legend: bool = True, side: float = 4.6,
                callout: bool = True) -> WeightHeatmap | ColourMap:
        """A MeanWeights record (`source` its field path) as a heatmap of percentages (colour only,
        with the focus row's callout, for a long sentence: the layout policy decides)."""
        model = self.model
        if not self.presentation.model_numbers:
            return colour_map(self.presentation, mean.weights, (mean.percentages, f"{source}.percentages"),
                              model.tokens, mask=model.layers[0].attention.mask, side=side, title=title,
                              legend=legend, callout=callout)
        return WeightHeatmap(mean.weights, f"{source}.weights", model.tokens, mask=model.layers[0].attention.mask,
                             percents=(mean.percentages, f"{source}.percentages"), title=title, legend=legend,
                             note="each row sums to 100 %")

    def recipe(self) -> VGroup:
        """The rollout formulas, each with a plain-words line under it."""
        theme = self.theme
        steps = [
            (r"\bar{W}_l = \operatorname{mean}_{\text{heads}} W_{l,h}", "layer l's attention, averaged over its heads"),
            (r"A_l = \tfrac{1}{2}\,\bar{W}_l + \tfrac{1}{2}\,I",
             "half attention, half the residual path (I: each token keeps itself);\nrows renormalised to sum to 1"),
            (r"R_1 = A_1, \qquad R_l = A_l \, R_{l-1}", "multiply the layers up, first to last"),
        ]
        lines = VGroup(*(VGroup(formula(tex, "heading"), label(words, "label", theme.muted)).arrange(DOWN, buff=0.2)
                         for tex, words in steps)).arrange(DOWN, buff=0.55)
        return self.stage.fit(lines)

    def comparison(self, last: int) -> VGroup:
        model = self.model
        raw = self.heatmap(f"model.layer_means[{last}]", model.layer_means[last], f"layer {last + 1} alone",
                           legend=False, side=3.4, callout=False)  # its row's callout was the first step
        rolled = self.heatmap(f"model.rollout[{last}]", model.rollout[last], f"rolled out, layers 1–{last + 1}",
                              side=3.4)
        pair = VGroup(raw, rolled).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        raw.note.match_y(rolled.note)  # one line of notes, though only the right map has a legend
        return self.stage.fit(pair)
