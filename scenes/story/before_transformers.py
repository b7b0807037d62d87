"""Story · Before transformers (seed 004): a seeded toy RNN reads "The cat sat on the mat" one word
per step, its hidden states and how much of "The" still reaches each of them (the norm of
∂h_t/∂x_The), against attention, which reads all six words in one step and lets "mat" look straight
at "The". Every number comes from attention_math.rnn's record (sources `rnn.…`)."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Arrow, ArcBetweenPoints, Create, FadeIn, FadeOut, GrowArrow,
                   GrowFromEdge, LaggedStart, MathTex, Rectangle, VGroup)

from attention_math import format_number

from ..base import corner_title
from ..components import NumberMatrix, NumberText, TokenChip, fit_width, formula, label
from ..components.parts import Parts
from ..components.text import FlatText
from ..presentation import STAGE
from ..decoder.phrases import worded
from .common import StoryScene
from .learning_pictures import AttentionStrip, number_line

PITCH, FIRST_X = 1.9, -4.2  # word t sits at FIRST_X + t · PITCH
CHIP_Y, STATE_Y, BAR_BASE, BAR_MAX = 2.35, 0.8, -2.45, 1.25
ROW_LABEL_X = -6.0
ROW_LABEL_WIDTH = 1.6  # a row label narrower than this sits left of the first column (wider ones shrink)
STRIP_Y = 0.1  # attention's row for the last word, under the arcs


class BeforeTransformers(StoryScene):
    segment = "before-transformers"

    def construct(self) -> None:
        rnn = self.rnn = self.names["rnn"]  # the pictures' builders read it too
        corner_title(self, self.words("title"), self.words("subtitle"))
        chips = self.chips()

        self.step("one-word", self.words("one-word.caption"))
        reading = self.reading()
        self.play(FadeIn(chips, shift=DOWN * 0.2), FadeIn(reading.rule))
        for t in range(len(rnn.tokens)):
            self.play(GrowArrow(reading.inputs[t]), *(GrowArrow(a) for a in reading.links[t - 1:t] if t),
                      FadeIn(reading.states[t], shift=RIGHT * 0.15), FadeIn(reading.step_labels[t]), run_time=0.45)
        self.play(FadeIn(reading.row_label))
        self.hold_for_caption(0.5)

        self.step("steps", self.words("steps.caption", words=len(rnn.tokens), steps=rnn.rnn_steps))
        steps = number_line(self.words("labels.sequential_steps"), NumberText(rnn.rnn_steps, 0, "rnn.rnn_steps", "heading",
                                                           color=self.theme.highlight, weight="BOLD"))
        steps.next_to(reading.rule, RIGHT, buff=0.8)
        self.play(FadeIn(steps, shift=LEFT * 0.2))
        self.hold_for_caption(0.6)

        self.step("forgetting", self.words("forgetting.caption", first=rnn.tokens[0], last=rnn.tokens[-1],
                                           start=self.reach_text(0), end=self.reach_text(-1),
                                           percent=format_number(rnn.reach_percent, 0)))
        bars = self.reach_bars()
        self.play(FadeOut(reading.rule), FadeOut(steps), FadeIn(bars.row_label))
        self.play(LaggedStart(*(GrowFromEdge(bar, DOWN) for bar in bars.bars), lag_ratio=0.2),
                  LaggedStart(*(FadeIn(n) for n in bars.numbers), lag_ratio=0.2), run_time=1.8)
        self.hold_for_caption(0.8)

        self.step("attention", self.words("attention.caption", first=rnn.tokens[0], last=rnn.tokens[-1],
                                          percent=format_number(rnn.attention_first_percent, 0)))
        look = self.attention_look(chips)
        self.play(FadeOut(VGroup(reading.states, reading.inputs, reading.links, reading.row_label,
                                 reading.step_labels, bars)))
        self.play(LaggedStart(*(Create(arc) for arc in look.arcs), lag_ratio=0.05), FadeIn(look.strip), run_time=1.2)
        self.hold_for_caption(0.8)

        self.step("compare", self.words("compare.caption"))
        table = self.comparison()
        self.play(LaggedStart(*(FadeIn(row, shift=UP * 0.2) for row in table), lag_ratio=0.3), run_time=1.2)
        self.hold_for_caption(1.5)

    # Captions -------------------------------------------------------------------------
    def reach_text(self, t: int) -> str:
        return format_number(self.rnn.reach[t], 3)

    # Pictures ------------------------------------------------------------------------
    @staticmethod
    def column_x(t: int) -> float:
        return FIRST_X + t * PITCH

    def chips(self) -> VGroup:
        return VGroup(*(TokenChip(token, t, max_width=PITCH - 0.2).move_to([self.column_x(t), CHIP_Y, 0])
                        for t, token in enumerate(self.rnn.tokens)))

    def row_label(self, text: str, y: float) -> VGroup:
        tag = fit_width(label(text, "small", self.theme.muted), ROW_LABEL_WIDTH)
        return STAGE.keep_inside(tag.move_to([ROW_LABEL_X, y, 0]))

    def reading(self) -> Reading:
        """One hidden state per word (a column of numbers), an arrow down from its word and one
        across from the state before; the update rule under them."""
        theme, rnn = self.theme, self.rnn
        states = VGroup(*(NumberMatrix(
            rnn.hidden[t][:, None], 2, "", source_of=lambda i, j, t=t: f"rnn.hidden[{t}, {i}]", cell_width=1.1,
            cell_height=0.38, frame_color=theme.output).move_to([self.column_x(t), STATE_Y, 0])
            for t in range(len(rnn.tokens))))
        inputs = VGroup(*(Arrow([self.column_x(t), CHIP_Y - 0.3, 0], state.get_top(), buff=0.08,
                                color=theme.muted, stroke_width=3) for t, state in enumerate(states)))
        links = VGroup(*(Arrow(a.get_right(), b.get_left(), buff=0.08, color=theme.highlight, stroke_width=4)
                         for a, b in zip(states, states[1:])))
        row_label = self.row_label(self.words("labels.hidden_state"), STATE_Y)
        step_labels = VGroup(*(label(self.words("labels.step", step=t + 1), "small", theme.muted).next_to(state, DOWN, buff=0.15)
                               for t, state in enumerate(states)))
        rule = formula(r"h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b)", "label").move_to([-2.4, -1.6, 0])
        return Reading(states, inputs, links, row_label, step_labels, rule, states=states, inputs=inputs, links=links,
                       row_label=row_label, step_labels=step_labels, rule=rule)

    def reach_bars(self) -> ReachBars:
        """A bar per step, its height the norm of ∂h_t/∂x_1 (the first bar full height), its number below."""
        theme, rnn = self.theme, self.rnn
        bars = VGroup(*(Rectangle(width=0.7, height=max(BAR_MAX * reach / rnn.reach[0], 0.02),
                                  fill_color=theme.highlight, fill_opacity=0.85, stroke_width=0)
                        .move_to([self.column_x(t), BAR_BASE, 0], aligned_edge=DOWN)
                        for t, reach in enumerate(rnn.reach)))
        numbers = VGroup(*(NumberText(reach, 3, f"rnn.reach[{t}]", "cell").next_to(bar, DOWN, buff=0.15)
                           for t, (reach, bar) in enumerate(zip(rnn.reach, bars))))
        row_label = self.row_label(self.words("labels.reaches", first=rnn.tokens[0]), BAR_BASE + BAR_MAX / 2)
        return ReachBars(bars, numbers, row_label, bars=bars, numbers=numbers, row_label=row_label)

    def attention_look(self, chips: VGroup) -> AttentionLook:
        """Arcs from the last word to every word (thicker for more weight) and its attention row."""
        theme, rnn = self.theme, self.rnn
        start = chips[-1].get_bottom() + DOWN * 0.05
        arcs = VGroup(*(ArcBetweenPoints(start, chip.get_bottom() + DOWN * 0.05, angle=-0.9,
                                         color=theme.weight_high, stroke_width=1.5 + 14 * float(weight))
                        for chip, weight in zip(chips[:-1], rnn.attention_row[:-1])))
        strip = AttentionStrip(rnn.tokens, rnn.attention_row, rnn.attention_percentages,
                               "rnn.attention_percentages", cell_width=PITCH, chips=False)
        strip.move_to([(self.column_x(0) + self.column_x(len(rnn.tokens) - 1)) / 2, STRIP_Y, 0])
        strip_label = self.row_label(self.words("labels.attends", last=rnn.tokens[-1]), STRIP_Y)
        strip.add(strip_label)  # appears with the strip
        return AttentionLook(arcs, strip, arcs=arcs, strip=strip, strip_label=strip_label)

    def comparison(self) -> VGroup:
        """A table, RNN against attention: sequential steps, and how much of the first word reaches the last."""
        theme, rnn = self.theme, self.rnn
        first, last = rnn.tokens[0], rnn.tokens[-1]
        head = lambda text: label(text, "label", theme.muted)
        big = lambda value, precision, source: NumberText(value, precision, source, "heading", color=theme.highlight,
                                                           weight="BOLD")
        cells = [
            [VGroup(), head(self.words("labels.sequential_steps")),
             head(self.words("labels.reach_header", first=first, last=last))],
            [label(self.words("labels.rnn"), "body", theme.ink, weight="BOLD"), big(rnn.rnn_steps, 0, "rnn.rnn_steps"),
             number_line(*worded(self.words, "labels.rnn_reach", now=big(rnn.last_reach, 3, "rnn.last_reach"),
                                 start=NumberText(rnn.first_reach, 3, "rnn.first_reach", "label", color=theme.muted)))],
            [label(self.words("labels.attention"), "body", theme.ink, weight="BOLD"),
             big(rnn.attention_steps, 0, "rnn.attention_steps"),
             number_line(*worded(self.words, "labels.attention_reach", first=first, last=last,
                                 weight=big(rnn.attention_first_weight, 2, "rnn.attention_first_weight")))],
        ]
        widths = [max(row[c].width for row in cells) for c in range(3)]
        table = VGroup()
        for r, row in enumerate(cells):
            x = 0.0
            for c, cell in enumerate(row):
                if c == 1:  # the step counts centred under their heading
                    cell.move_to([x + widths[1] / 2, -0.75 * r, 0])
                else:
                    cell.move_to([x, -0.75 * r, 0], aligned_edge=LEFT)
                x += widths[c] + 0.6
            table.add(VGroup(*row))
        return table.move_to([0, -2.35, 0])


# Parts of the pictures ------------------------------------------------------------
class Reading(Parts):
    """The recurrent network reading word by word. Parts: `states` (a hidden-state column per
    word), `inputs` (arrows down from the words), `links` (arrows from state to state),
    `row_label`, `step_labels` ("step t" under each state), `rule` (the update formula)."""
    states: VGroup
    inputs: VGroup
    links: VGroup
    row_label: FlatText
    step_labels: VGroup
    rule: MathTex


class ReachBars(Parts):
    """How much of the first word reaches each step. Parts: `bars`, `numbers` (under each bar), `row_label`."""
    bars: VGroup
    numbers: VGroup
    row_label: FlatText


class AttentionLook(Parts):
    """Attention's one look from the last word. Parts: `arcs` (to every earlier word, thicker for
    more weight), `strip` (its attention row, with `strip_label` added to it)."""
    arcs: VGroup
    strip: AttentionStrip
    strip_label: FlatText
