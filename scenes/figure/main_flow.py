"""The figure's top row: one head, number by number. Input embeddings → Q, K, V → scores →
softmax weights → weighted sum, five panels whose grids keep row i at one height, so a token
can be followed from its embedding to its output."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, Mobject, VGroup, VMobject

from attention_math import AttentionTrace
from attention_math.display import readable_decimals

from ..components import NumberMatrix, TokenChip
from ..components.panel import Panel
from ..context import shown_token
from ..theme import current_theme
from .blocks import (CELL_HEIGHT, cell_scale, elbow, heading_text, in_line, matrix, named_formula, number, said, said_line,
                     swatch, tex, tex_lines, text)
from .real_notes import dims_line, projection_note, row_mark, width_note
from .subject import FigureSubject

GAP = 0.24  # between panels: room for the flow arrows
CHIP_SCALE = 0.6  # token chips' text at ~11 px
# Up to this many tokens the n × n grids print every score and percentage; beyond, their numbers
# would be ~7 px at 800 px wide, so the two grids are colour only (the legend reads them).
SQUARE_NUMBERS_UP_TO = 6
# A real model's 256–640 columns: the first few, a narrow ⋯ column, the last (its colour-only n × n
# grids a little narrower than tall), so 800 px still hold the row.
REAL_WIDE = {"max_cols": 4, "ellipsis_width": 0.3}
REAL_QKV_COLS = 3  # three grids side by side: the first column, ⋯, the last
REAL_SQUARE_WIDTH = 0.8


class FlowPanel(Panel):
    """A top-row panel; `anchor` is its grid, whose row 0 lines up with the other panels'."""
    anchor: NumberMatrix

    def __init__(self, grid: Mobject, lead: Mobject, note: Mobject, heading: str, tint, anchor: NumberMatrix) -> None:
        """Heading, formula line (`lead`, may be empty), grid, a note line under it."""
        if len(lead.submobjects) or lead.points.size:
            lead.next_to(grid, UP, buff=0.12).align_to(grid, LEFT)
        note.next_to(grid, DOWN, buff=0.1).align_to(grid, LEFT)
        self.anchor = anchor
        super().__init__(VGroup(lead, grid, note), tint, heading_text(heading))


class MainFlow(VGroup):
    """Five panels on one row; every grid's row i sits at the same height."""
    subject: FigureSubject
    trace: AttentionTrace
    chips: VGroup
    x: NumberMatrix
    qkv: list[NumberMatrix]
    scores: NumberMatrix
    weights: NumberMatrix
    output: NumberMatrix
    projection_arrows: VGroup
    qkv_blocks: VGroup  # each of Q, K, V with its name (and a real model's W shape under it)
    panels: list[FlowPanel]

    def __init__(self, subject: FigureSubject) -> None:
        self.subject = subject
        self.trace = trace = subject.trace
        self.chips = VGroup(*(TokenChip(token, i, max_width=1.6, height=0.43, size="small").scale(CHIP_SCALE)
                              for i, token in enumerate(trace.tokens)))
        self._grids()
        tints = current_theme().panels
        self.panels = [
            self.input_panel(),
            self.projection_panel(),
            self.square_panel(self.scores, said("panels.scores"), [named_formula("names.scores", r"= QK^{\top}/\sqrt{d_k}")],
                              self.scale_note(), tints.scores),
            self.square_panel(self.weights, said("panels.softmax"), [
                named_formula("names.weights", "="),
                in_line(tex(r"\mathrm{softmax}("), text(said("names.scores"), "formula"), tex(")"), buff=0.04)],
                              self.row_sum_note(), tints.softmax),
            self.output_panel(),
        ]
        super().__init__(*self.panels)
        self.arrange(RIGHT, buff=GAP, aligned_edge=UP)
        self.align_rows()
        if subject.query is not None:  # --query: its row marked where it attends and what it gets
            self.add(*(row_mark(grid, subject.query) for grid in (self.weights, self.output)))

    def _grids(self) -> None:
        """X, the head's Q, K, V, scores, weights (as percentages) and output, rows one height."""
        trace, theme, head = self.trace, current_theme(), self.trace.heads[self.subject.head]
        src = self.subject.head_source
        # Rows grow when a long word wraps onto two lines in its chip, so it stays readable.
        row_height = max(CELL_HEIGHT * cell_scale(), max(chip.height for chip in self.chips) + 0.03)
        cell_height = row_height / cell_scale()
        wide = REAL_WIDE if self.subject.real else {}
        self.x = matrix(trace.x, trace.input_precision, "x", cell_height=cell_height, **wide)
        # Past four tokens the n × n grids need the room: Q, K, V drop to the inputs' decimals.
        decimals = trace.precision if trace.n_tokens <= 4 else trace.input_precision
        self.qkv = [matrix(getattr(head, role), decimals, f"{src}.{role}", frame_color=theme.role_color(role),
                           cell_height=cell_height, **{**wide, **({"max_cols": REAL_QKV_COLS} if wide else {})})
                    for role in "qkv"]
        # Shown with one decimal: a 6 × 6 grid must fit a fifth of 800 px.
        numbers = trace.n_tokens <= SQUARE_NUMBERS_UP_TO
        square = {"max_cols": None, "cell_height": cell_height, "show_numbers": numbers,
                  **({} if numbers else {"cell_width": cell_height * (REAL_SQUARE_WIDTH if wide else 1)})}
        self.scores = matrix(head.masked_scores, 1, f"{src}.masked_scores", mask=trace.mask, masked_text="−∞",
                             **square)
        self.weights = matrix(head.weights, 0, f"{src}.weights", coloring="weight",
                              percents=(head.percentages, f"{src}.percentages"), **square)
        for i, j in zip(*np.nonzero(~trace.mask)):  # hidden keys: weight exactly 0, greyed like their scores
            self.weights.rects[i][j].set_fill(theme.masked_fill)
            self.weights.numbers[i][j].set_color(theme.muted)
        self.output = matrix(head.output, trace.precision, f"{src}.output", frame_color=theme.output,
                             cell_height=cell_height, **wide)

    # Each panel: heading, formula line, grid (row 0 at the shared height), a note line.
    def input_panel(self) -> FlowPanel:
        for chip, row in zip(self.chips, self.x.rects):
            chip.next_to(row[0], LEFT, buff=0.08)
        name = tex("X", "grid_name").next_to(self.x, UP, buff=0.06)
        note = text(said("notes.one_vector"), "flow_note", current_theme().muted)
        if self.subject.real:  # its true width: 640 numbers per token
            note = width_note(self.trace)
        # Past a real model's first layer, X is what the layers before made of the embeddings.
        heading = said("panels.input_layer", layer=self.subject.layer + 1) if self.subject.layer else said("panels.input")
        return FlowPanel(VGroup(self.chips, name, self.x), VGroup(), note, heading,
                         current_theme().panels.input, self.x)

    def projection_panel(self) -> FlowPanel:
        theme, real = current_theme(), self.subject.real
        blocks, arrows = VGroup(), VGroup()
        for role, grid, dims in zip("QKV", self.qkv, self.subject.w_dims or (None,) * 3):
            color = theme.role_color(role.lower())
            blocks.add(VGroup(grid, tex(role, "grid_name", color).next_to(grid, UP, buff=0.06)))
            if real:  # each W's true shape under its product (a grouped model's W_K, W_V are narrower)
                blocks[-1].add(dims_line(f"W_{role}", dims, color).next_to(grid, DOWN, buff=0.08).align_to(grid, LEFT))
        blocks.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        for block in blocks:  # the grids' tops on one line, whatever hangs below them
            block.shift(UP * (blocks[0][0].get_top()[1] - block[0].get_top()[1]))
        for role, block in zip("QKV", blocks):
            color = theme.role_color(role.lower())
            top = block[0].get_top() + UP * (block[1].get_top()[1] - block[0].get_top()[1])
            arrow = Arrow(top + UP * 0.36, top + UP * 0.03, buff=0, color=color,
                          stroke_width=2.5, tip_length=0.1, max_tip_length_to_length_ratio=0.4)
            arrows.add(VGroup(arrow, tex(f"\\cdot W_{role}", "flow_formula", color).next_to(arrow, LEFT, buff=0.04)))
        self.projection_arrows, self.qkv_blocks = arrows, blocks
        toy_note = said("notes.toy_columns", head=self.subject.head + 1)
        note = projection_note(self.subject) if real else text(toy_note, "flow_note", theme.muted)
        return FlowPanel(VGroup(arrows, blocks), VGroup(), note, said("panels.projections"), theme.panels.projections,
                         self.qkv[0])

    def square_panel(self, grid: NumberMatrix, heading: str, formula_lines: list, note: Mobject,
                     tint) -> FlowPanel:
        n, cell = self.trace.n_tokens, grid.rects[0][0].height
        rows = VGroup(*(swatch(current_theme().token_color(i), cell * 0.55) for i in range(n)))
        cols = rows.copy()
        for mark, row in zip(rows, grid.rects):
            mark.next_to(row[0], LEFT, buff=0.05)
        for mark, rect in zip(cols, grid.rects[0]):
            mark.next_to(rect, UP, buff=0.05)
        return FlowPanel(VGroup(rows, cols, grid), tex_lines(formula_lines), note, heading, tint, grid)

    def output_panel(self) -> FlowPanel:
        theme = current_theme()
        name = text(said("names.output"), "formula", theme.output).next_to(self.output, UP, buff=0.06)
        note = VGroup(*(text(line, "flow_note", theme.muted) for line in said("notes.blends").split("\n")))
        note.arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        lead = tex_lines([named_formula("names.output", "="), named_formula("names.weights", r"\cdot V")])
        return FlowPanel(VGroup(name, self.output), lead, note, said("panels.output"), theme.panels.output, self.output)

    def scale_note(self) -> VGroup:
        muted = current_theme().muted
        digits = readable_decimals([self.trace.scale], 2) if self.subject.real else 2  # 0.0625, not 0.06
        return in_line(text(said("notes.scaled"), "flow_note", muted), number(self.trace.scale, digits, "scale",
                                                                              "flow_note", muted))

    def row_sum_note(self) -> VGroup:
        muted, row = current_theme().muted, self.trace.heads[self.subject.head].softmax_rows[0]
        total = number(row.percent_total, 0, f"{self.subject.head_source}.softmax_rows[0].percent_total", "flow_note",
                       muted, suffix="%")
        sums = said_line("notes.rows_sum", "flow_note", muted, {"percent": total})
        lines = VGroup(text(said("notes.darker"), "flow_note", muted), sums)
        if self.subject.query is not None:  # what the frame on a row means
            lines.add(text(said("notes.framed", token=shown_token(self.trace.tokens[self.subject.query])), "flow_note",
                           muted))
        return lines.arrange(DOWN, buff=0.05, aligned_edge=LEFT)

    def align_rows(self) -> None:
        """Row 0 of every grid at one height, headings on one line, boxes one height."""
        y = min(p.anchor.rects[0][0].get_top()[1] for p in self.panels)
        for p in self.panels:
            p.body.shift(UP * (y - p.anchor.rects[0][0].get_top()[1]))
        top = max(p.body.get_top()[1] for p in self.panels) + 0.1
        bottom = min(p.body.get_bottom()[1] for p in self.panels)
        for p in self.panels:
            p.heading.next_to([p.heading.get_x(), top, 0], UP, buff=0).align_to(p.body, LEFT)
            p.background.stretch_to_fit_height(p.heading.get_top()[1] - bottom + 0.2)
            p.background.align_to([0, p.heading.get_top()[1] + 0.1, 0], UP)

    def connectors(self) -> VGroup:
        """Flow arrows between panels; X branching into the three projections; V on to the output."""
        muted = current_theme().muted
        arrows = VGroup()
        y = (self.x.rects[0][0].get_y() + self.x.rects[-1][0].get_y()) / 2
        for left, right in zip(self.panels[1:-1], self.panels[2:]):
            arrows.add(elbow([[left.background.get_right()[0] + 0.03, y],
                              [right.background.get_left()[0] - 0.03, y]], muted))
        tops = [a[0].get_start() for a in self.projection_arrows]
        start = [self.panels[0].background.get_right()[0] + 0.03, y]
        bus_x = (self.panels[0].background.get_right()[0] + self.panels[1].background.get_left()[0]) / 2
        bus = VMobject(stroke_color=muted, stroke_width=2).set_points_as_corners(
            [np.array(p) for p in ([*start, 0], [bus_x, y, 0], [bus_x, tops[0][1], 0], [tops[-1][0], tops[0][1], 0])])
        arrows.add(bus)
        v_bottom = self.qkv[2].frame.get_bottom()
        if self.subject.real:  # under W_V's shape line
            v_bottom[1] = self.qkv_blocks[2].get_bottom()[1]
        below = self.get_bottom()[1] - 0.17
        output_box = self.panels[-1].background
        arrows.add(elbow([v_bottom + DOWN * 0.02, [v_bottom[0], below], [output_box.get_x(), below],
                          [output_box.get_x(), output_box.get_bottom()[1] - 0.02]], current_theme().value))
        return arrows
