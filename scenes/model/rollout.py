"""Attention rollout (Abnar & Zuidema 2020): the last layer's own attention against the
attention rolled out through all layers, which also counts what earlier layers already mixed."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, VGroup, Write

from ..base import corner_title
from ..components import formula, label
from ..components.heatmap import WeightHeatmap
from .colour_map import ColourMap, colour_map
from ..words import words
from .common import ModelScene


class Rollout(ModelScene):
    segment = "rollout"

    def construct(self) -> None:
        model = self.model
        last = model.n_layers - 1
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("raw", self.words("raw.caption", layer=last + 1, heads=model.n_heads, previous=last))
        raw = self.stage.fit(self.heatmap(f"model.layer_means[{last}]", model.layer_means[last],
                                          self.words("labels.mean_title", layer=last + 1, heads=model.n_heads)))
        self.play(FadeIn(raw))
        self.hold_for_caption(1.5)

        self.step("formula", self.words("formula.caption"))
        recipe = self.recipe()
        self.play(FadeOut(raw), LaggedStart(*(Write(line) for line in recipe), lag_ratio=0.4), run_time=2.4)
        self.hold_for_caption(2.0)

        self.step("rolled", self.words("rolled.caption", layer=last + 1, layers=model.n_layers))
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
                             note=words("model-common")("rows_sum"))

    def recipe(self) -> VGroup:
        """The rollout formulas, each with a plain-words line under it."""
        theme = self.theme
        steps = [
            (r"\bar{W}_l = \operatorname{mean}_{\text{heads}} W_{l,h}", "recipe_mean"),
            (r"A_l = \tfrac{1}{2}\,\bar{W}_l + \tfrac{1}{2}\,I", "recipe_blend"),
            (r"R_1 = A_1, \qquad R_l = A_l \, R_{l-1}", "recipe_multiply"),
        ]
        lines = VGroup(*(VGroup(formula(tex, "heading"), label(self.words(f"labels.{name}"), "label", theme.muted))
                         .arrange(DOWN, buff=0.2) for tex, name in steps)).arrange(DOWN, buff=0.55)
        return self.stage.fit(lines)

    def comparison(self, last: int) -> VGroup:
        model = self.model
        raw = self.heatmap(f"model.layer_means[{last}]", model.layer_means[last], self.words("labels.alone", layer=last + 1),
                           legend=False, side=3.4, callout=False)  # its row's callout was the first step
        rolled = self.heatmap(f"model.rollout[{last}]", model.rollout[last], self.words("labels.rolled", layer=last + 1),
                              side=3.4)
        pair = VGroup(raw, rolled).arrange(RIGHT, buff=0.6, aligned_edge=UP)
        raw.note.match_y(rolled.note)  # one line of notes, though only the right map has a legend
        return self.stage.fit(pair)
