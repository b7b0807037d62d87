"""Story · Why attention (seed 002): a static embedding gives "bank" one vector in "money bank
grows" and in "river bank flows"; a weighted sum of each sentence's words (weights from
softmax of X·Xᵀ, no learned matrices yet) gives two different contextual "bank" vectors,
and the video shows how far apart they end up."""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, Create, FadeIn, LaggedStart, TransformFromCopy, VGroup, Write

from attention_math import format_number

from ..base import corner_title
from ..components import NumberMatrix, NumberText, TokenChip, highlight_box, label
from ..components.parts import Parts
from ..components.text import FlatText
from ..components.weighted_sum import WeightedSum
from .common import StoryScene, chip_row, row_vector

SENTENCES = ("money", "river")  # story trace names, left and right
PANEL_X = 3.45  # each sentence's panel is centred this far left / right of the middle


class WhyAttention(StoryScene):
    segment = "why-attention"

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle"))
        money, river = (self.traces[name] for name in SENTENCES)
        self.bank = money.tokens.index("bank")
        panels = [self.panel(name, side) for name, side in zip(SENTENCES, (-1, 1))]

        self.step("static", self.words("static.caption", money=" ".join(money.tokens), river=" ".join(river.tokens)))
        self.play(*(FadeIn(p.chips, shift=DOWN * 0.2) for p in panels))
        self.play(*(TransformFromCopy(p.chips[self.bank], p.static) for p in panels),
                  *(FadeIn(p.static_label) for p in panels), run_time=1.2)
        self.hold_for_caption(0.8)

        self.step("same", self.words("same.caption"))
        equal = label("=", "heading", self.theme.ink).move_to(
            (panels[0].static.get_right() + panels[1].static.get_left()) / 2)
        self.play(Write(equal), *(Create(highlight_box(p.static, buff=0.06)) for p in panels))
        self.hold_for_caption(0.8)

        self.step("mix", self.words("mix.caption"))
        for p in panels:
            self.play(FadeIn(p.total.lead), LaggedStart(*(FadeIn(t, shift=RIGHT * 0.15) for t in p.total.pieces),
                                                       lag_ratio=0.25), run_time=1.2)
        self.hold_for_caption(0.6)

        self.step("contextual", self.words("contextual.caption"))
        unequal = label("≠", "heading", self.theme.highlight).move_to(
            (panels[0].contextual.get_right() + panels[1].contextual.get_left()) / 2)
        self.play(*(FadeIn(VGroup(p.contextual, p.contextual_label), shift=DOWN * 0.3) for p in panels), run_time=1.2)
        self.play(Write(unequal))
        self.hold_for_caption(0.8)

        shift = self.names["bank_shift"]
        self.step("distance", self.words("distance.caption", static=self.static_distance_text(),
                                         contextual=format_number(shift.length, money.precision)))
        distance = self.distance_line()
        self.play(FadeIn(distance, shift=UP * 0.2))
        self.hold_for_caption(1.5)

    # Pictures ------------------------------------------------------------------------
    def panel(self, name: str, side: int) -> SentencePanel:
        """One sentence: its chips; "static" and bank's embedding; the weighted sum of the
        sentence with bank's weights; "contextual" and the sum's result."""
        trace, plain, theme = self.traces[name], self.plain[name], self.theme
        i = self.bank
        scale = float(np.abs(np.concatenate([plain.output[i], trace.embeddings[i]])).max())  # one colour scale
        chips = chip_row(trace.tokens, gap=0.25).move_to([side * PANEL_X, 2.25, 0])
        chips.shift(UP * (2.0 - chips.get_bottom()[1]))  # both rows on one baseline
        static = row_vector(trace.embeddings[i], self.input_precision, f"traces['{name}'].embeddings[{i}]",
                            value_scale=scale)
        static_label = label(self.words("labels.static"), "small", theme.muted)
        contextual = row_vector(plain.output[i], trace.precision, f"plain['{name}'].output[{i}]",
                                value_scale=scale, frame_color=theme.output)
        contextual_label = label(self.words("labels.contextual"), "small", theme.output)
        lead = VGroup(label(self.words("labels.new"), "label", theme.muted), TokenChip(trace.tokens[i], i, height=0.42, size="small"),
                      label("=", "cell", theme.muted))
        total = WeightedSum(lead.arrange(RIGHT, buff=0.12), [
            ((plain.weights[i, j], trace.precision, f"plain['{name}'].weights[{i}, {j}]"), token, j)
            for j, token in enumerate(trace.tokens)], layout="column")
        for vector, caption, y in ((static, static_label, 1.25), (contextual, contextual_label, -1.95)):
            vector.move_to([side * PANEL_X, y, 0])
            caption.next_to(vector, UP, buff=0.12)
        total.move_to([side * PANEL_X, -0.3, 0])
        return SentencePanel(chips, static, static_label, total, contextual, contextual_label, chips=chips, static=static,
                     static_label=static_label, contextual=contextual, contextual_label=contextual_label, total=total)

    def static_distance_text(self) -> str:
        return format_number(self.names["bank_static_shift"].length, self.traces[SENTENCES[0]].precision)

    def distance_line(self) -> VGroup:
        """difference of the contextual vectors, its length, and the static vectors' length for contrast."""
        theme, precision = self.theme, self.traces[SENTENCES[0]].precision
        shift, static = self.names["bank_shift"], self.names["bank_static_shift"]
        line = VGroup(
            label(self.words("labels.difference"), "small", theme.muted),
            row_vector(shift.vector, precision, "bank_shift.vector", frame_color=theme.highlight),
            label(self.words("labels.length"), "small", theme.muted),
            NumberText(shift.length, precision, "bank_shift.length", weight="BOLD", color=theme.highlight),
            label(self.words("labels.static_vectors"), "small", theme.muted),
            NumberText(static.length, precision, "bank_static_shift.length", "small", color=theme.muted),
            label(")", "small", theme.muted),
        ).arrange(RIGHT, buff=0.2)
        line[-1].next_to(line[-2], RIGHT, buff=0.03)
        line[-3:].next_to(line[3], RIGHT, buff=0.4)
        return line.move_to([0, -3.15, 0])


# Parts of the pictures ------------------------------------------------------------
class SentencePanel(Parts):
    """One sentence and what attention does to "bank" in it. Parts: `chips` (its tokens),
    `static` and `static_label` (bank's embedding), `total` (the weighted sum with bank's
    weights), `contextual` and `contextual_label` (the sum's result)."""
    chips: VGroup
    static: NumberMatrix
    static_label: FlatText
    total: WeightedSum
    contextual: NumberMatrix
    contextual_label: FlatText
