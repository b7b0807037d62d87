"""Story · Learning (seed 002, "start random but learn"): a real gradient-descent run of W_Q, W_K
and W_V on a toy task. Apple's attention row and output at step 0, 10, 100 and 300, the loss
curve, then the trained weights on "Apple pie recipe", a sentence never trained on. Every number
comes from attention_math.learning's run (sources `learning.…`)."""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Create, Dot, FadeIn, FadeOut, ReplacementTransform,
                   VGroup, VMobject)

from attention_math import format_number
from attention_math.learning import FEATURES, SENSES, TRAINING

from ..base import corner_title
from ..components import NumberMatrix, NumberText, fit_width, label
from ..components.parts import Parts
from .common import StoryScene
from .learning_pictures import AttentionStrip, number_line

PANEL_MARGIN, PANEL_Y = 0.45, -0.45  # the sentence panel: left edge and centre height
TASK_WIDTH = 13.2  # the training task's two columns, inside the safe area
STRIP_CELL = 1.45  # wide enough for "launched" upright
PLOT_X = 4.4  # the loss plot's centre (its step numbers end inside the safe margin)
LOSS_FLOOR, LOSS_DECADES = -3, 3.5  # the plot's y is log10(loss) − LOSS_FLOOR, so its axis sits at 0.001


class Learning(StoryScene):
    segment = "learning"

    def construct(self) -> None:
        run = self.names["learning"]
        self.training = run
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("task", self.words("task.caption"))
        task = self.task()
        self.play(FadeIn(task.sentences, shift=RIGHT * 0.2), run_time=1.0)
        self.play(FadeIn(task.inputs, shift=LEFT * 0.2), run_time=1.0)
        self.hold_for_caption(0.8)

        self.step("random", self.words("random.caption", loss=self.loss_text(0)))
        plot = self.loss_plot()
        panel = self.checkpoint_panel(0)
        self.play(FadeOut(task), FadeIn(panel), FadeIn(plot.axes_group), FadeIn(plot.dots[0]))
        self.hold_for_caption(0.8)

        training_steps = (  # checkpoints 1, 2, 3: the same picture, later numbers
            ("values", self.words("values.caption", step=run.checkpoints[1].step)),
            ("attention", self.words("attention.caption", step=run.checkpoints[2].step)),
            ("trained", self.words("trained.caption", step=run.checkpoints[3].step, share=self.share_text(3, 4),
                                   loss=self.loss_text(3))),
        )
        for k, (name, caption) in enumerate(training_steps, start=1):
            self.step(name, caption)
            new_panel = self.checkpoint_panel(k)
            self.play(Create(plot.pieces[k - 1]), ReplacementTransform(plot.dots[k - 1], plot.dots[k]),
                      ReplacementTransform(panel, new_panel), run_time=1.5)
            panel = new_panel
            self.hold_for_caption(0.6)

        self.step("held-out", self.words("held-out.caption"))
        held = self.held_out_panel()
        self.play(FadeOut(panel), FadeIn(held.before))
        self.play(FadeIn(held.after, shift=DOWN * 0.2), FadeIn(held.output), run_time=1.2)
        self.hold_for_caption(1.2)

    # Captions -------------------------------------------------------------------------
    def loss_text(self, k: int) -> str:
        return format_number(self.training.checkpoints[k].loss, 3)

    def share_text(self, k: int, j: int) -> str:
        return format_number(self.training.checkpoints[k].sentences[0].percentages[j], 0) + "%"

    # Pictures ------------------------------------------------------------------------
    def task(self) -> Task:
        """The six training sentences with their senses; the shown sentence's inputs and the targets."""
        theme, first = self.theme, self.training.checkpoints[0].sentences[0]
        lines = VGroup(*(VGroup(label(text, "label", theme.ink), label(self.sense_name(sense), "label", self.sense_color(sense),
                                                                        weight="BOLD")).arrange(RIGHT, buff=0.3)
                         for text, sense in TRAINING)).arrange(DOWN, buff=0.28, aligned_edge=LEFT)
        for line in lines:  # senses in one column
            line[1].align_to(lines, LEFT).shift(RIGHT * (max(l[0].width for l in lines) + 0.35))
        heading = label(self.words("labels.training_sentences"), "body", theme.muted, weight="BOLD")
        sentences = VGroup(heading, lines).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        x = NumberMatrix(first.x, 1, "", source_of=lambda i, j: f"learning.checkpoints[0].sentences[0].x[{i}, {j}]",
                         row_tokens=first.tokens, col_headers=list(FEATURES), cell_width=0.75, cell_height=0.42,
                         value_scale=1.0)
        x_heading = label(self.words("labels.three_numbers"), "label", theme.muted, weight="BOLD")
        targets = VGroup(*(number_line(f"{self.sense_name(sense)}:", NumberMatrix(
            np.eye(2)[s], 0, "", source_of=lambda i, j, s=s: f"learning.targets[{s}, {j}]", col_headers=self.senses(),
            cell_width=0.75, cell_height=0.42, frame_color=self.sense_color(sense)))
            for s, sense in enumerate(SENSES))).arrange(RIGHT, buff=0.5)
        t_heading = label(self.words("labels.must_reach"), "label", theme.muted, weight="BOLD")
        inputs = VGroup(x_heading, x, t_heading, targets).arrange(DOWN, buff=0.3)
        inputs[2].shift(DOWN * 0.25)
        inputs[3].shift(DOWN * 0.25)
        task = Task(sentences, inputs, sentences=sentences, inputs=inputs).arrange(RIGHT, buff=0.9, aligned_edge=UP)
        return fit_width(task, TASK_WIDTH).move_to([0, -0.4, 0])  # a language's longer headings shrink it

    def sense_name(self, sense: str) -> str:
        """A sense ("tech", "food", "neither": the run's data) in the lesson's language."""
        return self.words(f"labels.sense_{sense}")

    def senses(self) -> list[str]:
        return [self.sense_name(sense) for sense in SENSES]

    def sense_color(self, sense: str):
        return self.theme.head_color(2 if sense == "tech" else 5)

    def checkpoint_panel(self, k: int) -> VGroup:
        """Checkpoint k of the shown training sentence: Apple's attention row, output, target, step and loss."""
        theme, c = self.theme, self.training.checkpoints[k]
        view, source = c.sentences[0], f"learning.checkpoints[{k}].sentences[0]"
        heading = label(self.words("labels.attention"), "body", theme.ink, weight="BOLD")
        strip = AttentionStrip(view.tokens, view.focus_row, view.percentages, f"{source}.percentages",
                               cell_width=STRIP_CELL)
        heading.next_to(strip, UP, buff=0.25).align_to(strip, LEFT)
        output = self.output_line(source, view)
        status = number_line(self.words("labels.step"), NumberText(c.step, 0, f"learning.checkpoints[{k}].step",
                                                                   "heading", weight="BOLD"),
                             "   " + self.words("labels.loss"), NumberText(c.loss, 3, f"learning.checkpoints[{k}].loss", "heading",
                                                   color=theme.highlight, weight="BOLD"))
        group = VGroup(heading, strip, output, status).arrange(DOWN, buff=0.5, aligned_edge=LEFT)
        return self.place_left(group)

    @staticmethod
    def place_left(group: VGroup) -> VGroup:
        group.to_edge(LEFT, buff=PANEL_MARGIN)
        return group.shift(UP * (PANEL_Y - group.get_center()[1]))

    def output_line(self, source: str, view) -> VGroup:
        theme = self.theme
        output = NumberMatrix(view.output, 2, "", source_of=lambda i, j: f"{source}.output[{j}]",
                              col_headers=self.senses(), cell_width=1.08, cell_height=0.5, value_scale=1.0,
                              frame_color=theme.output)
        target = NumberMatrix(view.target, 0, "", source_of=lambda i, j: f"{source}.target[{j}]",
                              col_headers=self.senses(), cell_width=0.75, cell_height=0.5, value_scale=1.0,
                              frame_color=self.sense_color(SENSES[int(np.argmax(view.target))]))
        reading = label(self.sense_name(view.reading), "body", self.sense_color(view.reading) if view.reading in SENSES else theme.muted,
                        weight="BOLD")
        line = number_line(self.words("labels.output"), output, "  " + self.words("labels.target"), target)
        return VGroup(line, number_line(self.words("labels.reads_as"), reading)).arrange(DOWN, buff=0.25, aligned_edge=LEFT)

    def loss_plot(self) -> LossPlot:
        """log10(loss) against step, drawn in pieces between checkpoints, with a dot at each checkpoint."""
        theme, run = self.theme, self.training
        axes = Axes(x_range=[0, run.steps, 100], y_range=[0, LOSS_DECADES, 1], x_length=3.8, y_length=3.8,
                    tips=False, axis_config={"color": theme.muted, "stroke_width": 2})
        ticks = VGroup(*(label(text, "small", theme.muted).next_to(axes.c2p(0, height), LEFT, buff=0.15)
                         for height, text in enumerate(("0.001", "0.01", "0.1", "1"))),
                       *(label(str(step), "small", theme.muted).next_to(axes.c2p(step, 0), DOWN, buff=0.15)
                         for step in range(0, run.steps + 1, 100)))
        title = label(self.words("labels.loss_title"), "label", theme.ink, weight="BOLD").next_to(axes, UP, buff=0.25)
        x_name = label(self.words("labels.training_step"), "small", theme.muted).next_to(ticks[-1], DOWN, buff=0.12).match_x(axes)
        point = lambda step: axes.c2p(step, float(np.log10(run.loss[step])) - LOSS_FLOOR)
        steps = [c.step for c in run.checkpoints]
        pieces = VGroup(*(VMobject(stroke_color=theme.highlight, stroke_width=4).set_points_as_corners(
            [point(t) for t in range(a, b + 1)]) for a, b in zip(steps, steps[1:])))
        dots = [Dot(point(step), radius=0.08, color=theme.highlight) for step in steps]
        axes_group = VGroup(axes, ticks, title, x_name)
        VGroup(axes_group, pieces, *dots).shift(RIGHT * PLOT_X + UP * PANEL_Y - axes.get_center())
        return LossPlot(axes_group, pieces, axes_group=axes_group, pieces=pieces, dots=dots)

    def held_out_panel(self) -> HeldOut:
        """"Apple pie recipe" under the random and the trained weights, and the trained output."""
        theme, first, last = self.theme, 0, len(self.training.checkpoints) - 1
        rows = []
        for k, name in ((first, self.words("labels.step_n", step=0)),
                        (last, self.words("labels.step_n", step=self.training.checkpoints[last].step))):
            view, source = self.training.checkpoints[k].sentences[1], f"learning.checkpoints[{k}].sentences[1]"
            rows.append(AttentionStrip(view.tokens, view.focus_row, view.percentages, f"{source}.percentages",
                                       cell_width=STRIP_CELL, caption=name, chips=k == first))
        heading = VGroup(label(self.words("labels.attention"), "body", theme.ink, weight="BOLD"),
                         label(self.words("labels.never_trained"), "label", theme.highlight, weight="BOLD")).arrange(RIGHT, buff=0.4)
        before = VGroup(heading, rows[0]).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        rows[1].next_to(rows[0], DOWN, buff=0.2).align_to(rows[0].cells, LEFT)
        rows[1].shift(RIGHT * (rows[0].cells.get_left()[0] - rows[1].cells.get_left()[0]))
        view = self.training.checkpoints[last].sentences[1]
        output = self.output_line(f"learning.checkpoints[{last}].sentences[1]", view)
        output.next_to(rows[1], DOWN, buff=0.6).align_to(rows[1].caption, LEFT)
        return self.place_left(HeldOut(before, rows[1], output, before=before, after=rows[1], output=output))


# Parts of the pictures ------------------------------------------------------------
class Task(Parts):
    """The training task. Parts: `sentences` (the training sentences, left), `inputs` (each
    word's three numbers and the targets Apple's output must reach, right)."""
    sentences: VGroup
    inputs: VGroup


class LossPlot(Parts):
    """log10(loss) against step (the members: axes and the curve). Parts: `axes_group` (axes,
    ticks, titles), `pieces` (the curve between checkpoints), `dots` (one per checkpoint, shown one at a time)."""
    axes_group: VGroup
    pieces: VGroup
    dots: list[Dot]


class HeldOut(Parts):
    """A sentence never trained on. Parts: `before` (heading and its attention at step 0),
    `after` (its attention after training), `output` (the trained output and its reading)."""
    before: VGroup
    after: AttentionStrip
    output: VGroup
