"""The static figure of seed 000: `self_attention.png`, one 800×500 picture of self-attention.

Top row, one head with the example's own numbers: input embeddings → Q, K, V → scores →
softmax weights → weighted sum. Token rows line up across the row, so a token can be followed
from its embedding to its output. Below: the multi-head strip (heads → concat → W_O), the key
equations, and a legend with one-line notes. Every number is a NumberText whose source is a
trace expression, as in the segments.

    paths = render_figure(example, Path("media/the-cat-sat"))  # PNG, transparent PNG, @2x PNG
"""
from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Mobject, Rectangle, RoundedRectangle, Scene, Text, VGroup, VMobject, tempconfig,
)

from attention_math import AttentionTrace, Example, ExampleError, LAYOUT_MAX_TOKENS, trace_example

from .components import NumberMatrix, NumberText, TokenChip, formula, label
from .pipeline.files import writing
from .theme import current_theme

FIGURE_NAME = "self_attention"
PIXELS = (800, 500)
FRAME = (12.8, 8.0)  # 62.5 px per unit at 800 × 500
MARGIN = 0.14
MAX_TOKENS = LAYOUT_MAX_TOKENS["figure"]
# Font sizes in pixels at 800 × 500: nothing a reader must read is below 10 px.
TITLE_PX, HEADING_PX, FORMULA_PX, NUMBER_PX, NOTE_PX = 21, 12.5, 12.5, 11, 10.5
FLOW_NOTE_PX = 11.5  # the top row shrinks ~10 % to fit 800 px: its notes start larger
SMALL_TEXT_PX = 18.2  # what the theme's "small" text (font size 20) measures in this frame
CELL_TEXT_PX = 21.9  # the theme's "cell" text (font size 24)
FORMULA_TEXT_PX = 17.5  # formula(…, "small"): TeX glyphs run smaller than Pango's
MAX_COLS = 4  # wider vectors keep their first and last entries around an ellipsis
SHOWN_HEADS = 3  # seed 000: "show 2–3 attention heads"
GAP = 0.24  # between panels: room for the flow arrows
MAX_GROW = 1.25  # a short example's top row grows at most this much
MAX_MINI_CELL = 0.3  # colour-only cells in the multi-head strip
MINI_FIXED_WIDTH = 3.4  # the strip's head names, arrows and gaps
CELL_HEIGHT = 0.7  # before scaling to NUMBER_PX: ~20 px rows
CHIP_SCALE = 0.6  # token chips' text at ~11 px




# Pieces at figure sizes -------------------------------------------------------------------
def text(content: str, px: float, color=None, bold: bool = False) -> Mobject:
    return label(content, "small", color, weight="BOLD" if bold else "NORMAL").scale(px / SMALL_TEXT_PX)


def tex(content: str, px: float = FORMULA_PX, color=None) -> Mobject:
    """Our own fixed formulas only (never user text)."""
    return formula(content, "small", color).scale(px / FORMULA_TEXT_PX)


def tex_lines(lines: list[str], px: float = FORMULA_PX) -> VGroup:
    """A formula broken by hand over lines, left-aligned, so a narrow panel can hold it."""
    return VGroup(*(tex(line, px) for line in lines)).arrange(DOWN, buff=0.07, aligned_edge=LEFT)


def number(value: float, precision: int, source: str, px: float = NUMBER_PX, color=None,
           suffix: str = "") -> NumberText:
    return NumberText(value, precision, source, "small", color, suffix=suffix).scale(px / SMALL_TEXT_PX)


def _matrix(values, precision: int, source: str, **kwargs) -> NumberMatrix:
    """A grid with figure-sized numbers and rows a little taller than the segments' (more air)."""
    kwargs.setdefault("max_cols", MAX_COLS)
    kwargs.setdefault("cell_height", CELL_HEIGHT)
    return NumberMatrix(values, precision, source, **kwargs).scale(NUMBER_PX / CELL_TEXT_PX)


def swatch(color, side: float = 0.17, fill_opacity: float = 1.0) -> RoundedRectangle:
    return RoundedRectangle(corner_radius=side * 0.2, width=side, height=side, stroke_width=0,
                            fill_color=color, fill_opacity=fill_opacity)


FLAT_BOTTOMED = set("ABDEFHIKLMNPRTUVWXYZbdfhiklmnrtuvwxz12457%")


def baseline(mobject: Mobject) -> float | None:
    """Where a line of text sits: the bottom of its flat-bottomed glyphs (not of g, p, y or a round o).
    Measured on a glyph-by-glyph Text of the same string, so it works for any text mobject; None
    for shapes and for text without such glyphs."""
    content = getattr(mobject, "text", None)
    if not content:
        return None
    if isinstance(mobject, NumberText):  # digits sit on the baseline
        return mobject.get_bottom()[1]
    glyphs = Text(content, font=current_theme().font, font_size=20)
    flat = [g.get_bottom()[1] for c, g in zip("".join(content.split()), glyphs.submobjects) if c in FLAT_BOTTOMED]
    if not flat:
        return None
    return mobject.get_bottom()[1] + (max(flat) - glyphs.get_bottom()[1]) / glyphs.height * mobject.height


def in_line(*parts, buff: float = 0.07) -> VGroup:
    """Words and numbers on one line, sharing a baseline (a number beside text must not float)."""
    line = VGroup(*parts).arrange(RIGHT, buff=buff)
    lines = [(part, baseline(part)) for part in parts]
    known = [(part, y) for part, y in lines if y is not None]
    for part, y in known[1:]:
        part.shift(UP * (known[0][1] - y))
    return line


def panel(content: Mobject, tint: str, heading: str | None, pad: float = 0.1) -> VGroup:
    """A tinted rounded box around `content`, with its heading bold at the top left."""
    theme = current_theme()
    body = VGroup(content)
    title = None
    if heading:
        title = text(heading, HEADING_PX, theme.ink, bold=True).next_to(content, UP, buff=0.1).align_to(content, LEFT)
        body.add(title)
    box = RoundedRectangle(corner_radius=0.1, width=body.width + 2 * pad, height=body.height + 2 * pad,
                           fill_color=tint, fill_opacity=1, stroke_color=theme.faint, stroke_width=1).move_to(body)
    group = VGroup(box, body)
    group.box, group.title, group.content = box, title, content
    return group


def elbow(points, color, stroke_width: float = 2.0) -> VGroup:
    """A connector along `points` (right angles), the last leg an arrow."""
    points = [np.array([*p[:2], 0.0]) for p in points]
    path = VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points[:-1])
    tip = Arrow(points[-2], points[-1], buff=0, color=color, stroke_width=stroke_width, tip_length=0.11,
                max_tip_length_to_length_ratio=0.6)
    return VGroup(path, tip) if len(points) > 2 else VGroup(tip)


# The top row: one head, number by number ---------------------------------------------------
class MainFlow(VGroup):
    """Five panels on one row; every grid's row i sits at the same height."""

    def __init__(self, trace: AttentionTrace) -> None:
        theme, head = current_theme(), trace.heads[0]
        self.trace = trace
        self.chips = VGroup(*(TokenChip(token, i, max_width=1.6, height=0.43, size="small").scale(CHIP_SCALE)
                              for i, token in enumerate(trace.tokens)))
        # Rows grow when a long word wraps onto two lines in its chip, so it stays readable.
        row_height = max(CELL_HEIGHT * NUMBER_PX / CELL_TEXT_PX, max(chip.height for chip in self.chips) + 0.03)
        matrix = partial(_matrix, cell_height=row_height * CELL_TEXT_PX / NUMBER_PX)
        self.x = matrix(trace.x, trace.input_precision, "x")
        # Past four tokens the n × n grids need the room: Q, K, V drop to the inputs' decimals.
        decimals = trace.precision if trace.n_tokens <= 4 else trace.input_precision
        self.qkv = [matrix(getattr(head, role), decimals, f"heads[0].{role}", frame_color=theme.role_color(role))
                    for role in "qkv"]
        # Shown with one decimal: a 6 × 6 grid must fit a fifth of 800 px.
        self.scores = matrix(head.masked_scores, 1, "heads[0].masked_scores", mask=trace.mask, masked_text="−∞",
                             max_cols=None)
        self.weights = matrix(head.weights, 0, "heads[0].weights", coloring="weight",
                              percents=(head.percentages, "heads[0].percentages"), max_cols=None)
        for i, j in zip(*np.nonzero(~trace.mask)):  # hidden keys: weight exactly 0, greyed like their scores
            self.weights.rects[i][j].set_fill(theme.masked_fill)
            self.weights.numbers[i][j].set_color(theme.muted)
        self.output = matrix(head.output, trace.precision, "heads[0].output", frame_color=theme.output)
        self.panels = [
            self.input_panel(),
            self.projection_panel(),
            self.square_panel(self.scores, "Scores", [r"\mathrm{Scores} = QK^{\top}/\sqrt{d_k}"], self.scale_note(),
                              current_theme().panels.scores),
            self.square_panel(self.weights, "Softmax", [r"\mathrm{Weights} =", r"\mathrm{softmax}(\mathrm{Scores})"],
                              self.row_sum_note(), current_theme().panels.softmax),
            self.output_panel(),
        ]
        super().__init__(*self.panels)
        self.arrange(RIGHT, buff=GAP, aligned_edge=UP)
        self.align_rows()

    # Each panel: heading, formula line, grid (row 0 at the shared height), a note line.
    def input_panel(self) -> VGroup:
        chips = self.chips
        for chip, row in zip(chips, self.x.rects):
            chip.next_to(row[0], LEFT, buff=0.08)
        name = tex("X", FORMULA_PX + 1).next_to(self.x, UP, buff=0.06)
        note = text("one vector per token", FLOW_NOTE_PX, current_theme().muted)
        return self.column(VGroup(chips, name, self.x), VGroup(), note, "Input embeddings", current_theme().panels.input, self.x)

    def projection_panel(self) -> VGroup:
        theme = current_theme()
        blocks, arrows = VGroup(), VGroup()
        for role, grid in zip("QKV", self.qkv):
            color = theme.role_color(role.lower())
            blocks.add(VGroup(grid, tex(role, FORMULA_PX + 1, color).next_to(grid, UP, buff=0.06)))
        blocks.arrange(RIGHT, buff=0.25, aligned_edge=DOWN)
        for role, block in zip("QKV", blocks):
            color = theme.role_color(role.lower())
            arrow = Arrow(block.get_top() + UP * 0.36, block.get_top() + UP * 0.03, buff=0, color=color,
                          stroke_width=2.5, tip_length=0.1, max_tip_length_to_length_ratio=0.4)
            arrows.add(VGroup(arrow, tex(f"\\cdot W_{role}", FLOW_NOTE_PX + 0.5, color).next_to(arrow, LEFT, buff=0.04)))
        self.projection_arrows = arrows
        note = text("head 1's columns only", FLOW_NOTE_PX, theme.muted)
        return self.column(VGroup(arrows, blocks), VGroup(), note, "Queries · keys · values",
                           current_theme().panels.projections, self.qkv[0])

    def square_panel(self, grid: NumberMatrix, heading: str, formula_lines: list[str], note: Mobject,
                     tint: str) -> VGroup:
        n, cell = self.trace.n_tokens, grid.rects[0][0].height
        rows = VGroup(*(swatch(current_theme().token_color(i), cell * 0.55) for i in range(n)))
        cols = rows.copy()
        for mark, row in zip(rows, grid.rects):
            mark.next_to(row[0], LEFT, buff=0.05)
        for mark, rect in zip(cols, grid.rects[0]):
            mark.next_to(rect, UP, buff=0.05)
        return self.column(VGroup(rows, cols, grid), tex_lines(formula_lines), note, heading, tint, grid)

    def output_panel(self) -> VGroup:
        theme = current_theme()
        name = tex(r"\mathrm{Output}", FORMULA_PX, theme.output).next_to(self.output, UP, buff=0.06)
        note = VGroup(text("blends of", FLOW_NOTE_PX, theme.muted), text("V's rows", FLOW_NOTE_PX, theme.muted))
        note.arrange(DOWN, buff=0.05, aligned_edge=LEFT)
        lead = tex_lines([r"\mathrm{Output} =", r"\mathrm{Weights}\cdot V"])
        return self.column(VGroup(name, self.output), lead, note,
                           "Weighted sum", current_theme().panels.output, self.output)

    @staticmethod
    def column(grid, lead, note, heading, tint, anchor) -> VGroup:
        if len(lead.submobjects) or lead.points.size:
            lead.next_to(grid, UP, buff=0.12).align_to(grid, LEFT)
        note.next_to(grid, DOWN, buff=0.1).align_to(grid, LEFT)
        group = panel(VGroup(lead, grid, note), tint, heading)
        group.anchor = anchor
        return group

    def scale_note(self) -> VGroup:
        muted = current_theme().muted
        return in_line(text("scaled by 1/√dₖ =", FLOW_NOTE_PX, muted),
                       number(self.trace.scale, 2, "scale", FLOW_NOTE_PX, muted))

    def row_sum_note(self) -> VGroup:
        muted, row = current_theme().muted, self.trace.heads[0].softmax_rows[0]
        sums = in_line(text("rows sum to", FLOW_NOTE_PX, muted),
                       number(row.percent_total, 0, "heads[0].softmax_rows[0].percent_total", FLOW_NOTE_PX, muted,
                              suffix="%"))
        return VGroup(text("darker = higher", FLOW_NOTE_PX, muted), sums).arrange(DOWN, buff=0.05, aligned_edge=LEFT)

    def align_rows(self) -> None:
        """Row 0 of every grid at one height, titles on one line, boxes one height."""
        y = min(p.anchor.rects[0][0].get_top()[1] for p in self.panels)
        for p in self.panels:
            p.content.shift(UP * (y - p.anchor.rects[0][0].get_top()[1]))
        top = max(p.content.get_top()[1] for p in self.panels) + 0.1
        bottom = min(p.content.get_bottom()[1] for p in self.panels)
        for p in self.panels:
            p.title.next_to([p.title.get_x(), top, 0], UP, buff=0).align_to(p.content, LEFT)
            p.box.stretch_to_fit_height(p.title.get_top()[1] - bottom + 0.2)
            p.box.align_to([0, p.title.get_top()[1] + 0.1, 0], UP)

    def connectors(self) -> VGroup:
        """Flow arrows between panels; X branching into the three projections; V on to the output."""
        theme = current_theme()
        arrows = VGroup()
        y = np.mean([self.x.rects[0][0].get_y(), self.x.rects[-1][0].get_y()])
        for left, right in zip(self.panels[1:-1], self.panels[2:]):
            arrows.add(elbow([[left.box.get_right()[0] + 0.03, y], [right.box.get_left()[0] - 0.03, y]], theme.muted))
        tops = [a[0].get_start() for a in self.projection_arrows]
        start = [self.panels[0].box.get_right()[0] + 0.03, y]
        bus_x = (self.panels[0].box.get_right()[0] + self.panels[1].box.get_left()[0]) / 2
        bus = VMobject(stroke_color=theme.muted, stroke_width=2).set_points_as_corners(
            [np.array(p) for p in ([*start, 0], [bus_x, y, 0], [bus_x, tops[0][1], 0], [tops[-1][0], tops[0][1], 0])])
        arrows.add(bus)
        v_bottom = self.qkv[2].frame.get_bottom()
        below = self.get_bottom()[1] - 0.17
        output_box = self.panels[-1].box
        arrows.add(elbow([v_bottom + DOWN * 0.02, [v_bottom[0], below], [output_box.get_x(), below],
                          [output_box.get_x(), output_box.get_bottom()[1] - 0.02]], theme.value))
        return arrows


# The bottom band: heads, equations, legend --------------------------------------------------
def multihead_strip(trace: AttentionTrace, body_width: float, body_height: float) -> VGroup:
    """X feeds every head; each head's weights and output (colours only); the outputs joined by
    concat and mixed by W_O into the output. Grid cells as large as the room allows."""
    theme = current_theme()
    shown = min(trace.n_heads, SHOWN_HEADS)
    more_line = 0.25 if trace.n_heads > shown else 0.0
    across = 3 * trace.d_model + trace.n_tokens + trace.d_k  # X, concat, output; a head's weights and output
    cell = min(MAX_MINI_CELL, (body_height - 0.14 * (shown - 1) - more_line) / (shown * trace.n_tokens),
               (body_width - MINI_FIXED_WIDTH) / across)
    grid = lambda values, **kw: NumberMatrix(values, 0, "", cell_width=cell, cell_height=cell, show_numbers=False,
                                             max_cols=None, **kw)
    out_scale = float(np.abs(trace.concat).max())  # one colour scale: head outputs look as they do in concat
    heads = VGroup()
    for h in range(shown):
        color = theme.head_color(h)
        weights = grid(trace.heads[h].weights, coloring="weight", frame_color=color, mask=trace.mask)
        output = grid(trace.heads[h].output, frame_color=color, value_scale=out_scale)
        name = text(f"head {h + 1}", NOTE_PX + 0.5, color, bold=True)
        row = VGroup(name, weights, output).arrange(RIGHT, buff=0.28)
        row.add(elbow([weights.get_right() + RIGHT * 0.04, output.get_left() + LEFT * 0.04], color, 1.5))
        heads.add(row)
    heads.arrange(DOWN, buff=0.14, aligned_edge=RIGHT)
    x = grid(trace.x, value_scale=float(np.abs(trace.x).max()))
    x_name = tex("X", FORMULA_PX).next_to(x, UP, buff=0.06)
    x_block = VGroup(x, x_name).next_to(heads, LEFT, buff=0.5).match_y(heads)
    concat = grid(trace.concat, value_scale=out_scale)
    for h in range(trace.n_heads):  # each head's columns, framed in its colour
        columns = VGroup(*(concat.column_rect(h * trace.d_k + j) for j in range(trace.d_k)))
        concat.add(Rectangle(width=columns.width, height=columns.height, stroke_color=theme.head_color(h),
                             stroke_width=2.5).move_to(columns))
    output = grid(trace.output, frame_color=theme.output)
    named = lambda mob, name, color: VGroup(mob, text(name, NOTE_PX + 0.5, color).next_to(mob, UP, buff=0.07))
    chain = VGroup(named(concat, "concat", theme.ink), named(output, "output", theme.output))
    chain.arrange(RIGHT, buff=0.75)
    chain[1].shift(UP * (concat.get_y() - output.get_y()))
    mix = elbow([concat.get_right() + RIGHT * 0.06, [output.get_left()[0] - 0.06, concat.get_y()]], theme.muted, 1.5)
    chain.add(mix, tex(r"\cdot W_O", FORMULA_PX).next_to(mix, UP, buff=0.05))
    chain.next_to(heads, RIGHT, buff=0.6)
    chain.shift(UP * (heads.get_y() - concat.get_y()))
    muted = theme.muted
    fan_x = (x.get_right()[0] + heads.get_left()[0]) / 2
    join_x = (heads.get_right()[0] + concat.get_left()[0]) / 2
    links = VGroup()
    for row in heads:  # X fans out to every head; every head's output joins concat
        links.add(elbow([x.get_right() + RIGHT * 0.04, [fan_x, x.get_y()], [fan_x, row.get_y()],
                         row.get_left() + LEFT * 0.06], muted, 1.5))
        links.add(elbow([row[2].get_right() + RIGHT * 0.04, [join_x, row.get_y()], [join_x, concat.get_y()],
                         concat.get_left() + LEFT * 0.06], muted, 1.5))
    body = VGroup(x_block, heads, chain, links)
    if trace.n_heads > shown:
        more = in_line(text("+", NOTE_PX, muted), number(trace.n_heads - shown, 0, f"n_heads - {shown}", NOTE_PX,
                                                          muted), text("more", NOTE_PX, muted))
        body.add(more.next_to(heads, DOWN, buff=0.08).align_to(heads[-1][1], LEFT))
    lead = text("heads run side by side on their own columns; their outputs are joined and mixed", NOTE_PX, muted)
    content = VGroup(lead, body).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
    strip = panel(content, current_theme().panels.multihead, "Multi-head attention")
    strip.centre_body = True
    return strip


def equations_box() -> VGroup:
    lines = VGroup(
        tex(r"Q = XW_Q,\quad K = XW_K,\quad V = XW_V"),
        tex(r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\!\left(\frac{QK^{\top}}{\sqrt{d_k}}\right)V"),
        tex(r"\mathrm{MultiHead} = \mathrm{Concat}(\mathrm{head}_1,\dots,\mathrm{head}_h)\,W_O"),
    ).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
    return panel(lines, current_theme().panels.notes, "Key equations")


def legend_box(trace: AttentionTrace) -> VGroup:
    theme = current_theme()
    note = lambda s: text(s, NOTE_PX, theme.ink)
    ramp = VGroup(*(swatch(theme.weight_color(k / 4), 0.13) for k in range(5))).arrange(RIGHT, buff=0)
    signs = in_line(swatch(theme.value_color(1, 1)), swatch(theme.value_color(-1, 1)), buff=0.03)
    entries = [
        in_line(swatch(theme.query), note("query: what a token is looking for")),
        in_line(swatch(theme.key), note("key: what a token contains")),
        in_line(swatch(theme.value), note("value: the content that gets mixed")),
        in_line(ramp, note("weight: how much a query attends to a key")),
        in_line(signs, note("positive / negative number")),
    ]
    if trace.causal:
        entries.append(in_line(swatch(theme.masked_fill), note("hidden (causal mask): a later key")))
    rows = VGroup(*entries).arrange(DOWN, buff=0.09, aligned_edge=LEFT)
    right = max(entry[0].get_right()[0] for entry in rows)
    for entry in rows:  # keys flush right in their column, the notes all start on one line
        entry[0].shift(RIGHT * (right - entry[0].get_right()[0]))
        entry[1].next_to(entry[0], RIGHT, buff=0.08)
    return panel(rows, current_theme().panels.notes, "Legend")


def bottom_band(trace: AttentionTrace, width: float, height: float) -> VGroup:
    """Multi-head strip on the left, equations over the legend on the right, filling width × height
    (shrunk to fit when their content needs more)."""
    side = VGroup(equations_box(), legend_box(trace)).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
    strip = multihead_strip(trace, width - side.width - 0.4, height - 0.85)
    band = VGroup(strip, side).arrange(RIGHT, buff=0.15, aligned_edge=UP)
    scale = min(1.0, width / band.width, height / band.height)
    band.scale(scale)
    height = max(height * scale, strip.box.height, side.height)
    side_width = max(box.box.width for box in side)
    resize(strip, width * scale - side_width - 0.15, height)
    spare = (height - side.height) / 2  # shared by the two boxes
    for box in side:
        resize(box, side_width, box.box.height + spare)
    side.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
    return band.arrange(RIGHT, buff=0.15, aligned_edge=UP)


def resize(group: VGroup, width: float, height: float) -> None:
    """Stretch a panel's box to width × height from its top-left corner; what is under the heading
    is centred in the room there (across too, for a panel marked `centre_body`)."""
    box, title, content = group.box, group.title, group.content
    corner = box.get_corner(UP + LEFT)
    box.stretch_to_fit_width(width).stretch_to_fit_height(height).move_to(corner, aligned_edge=UP + LEFT)
    room_top, room_bottom = title.get_bottom()[1] - 0.1, box.get_bottom()[1] + 0.1
    content.shift(UP * ((room_top + room_bottom) / 2 - content.get_y()))
    if getattr(group, "centre_body", False):
        lead, body = content
        lead.next_to(title, DOWN, buff=0.1).align_to(title, LEFT)
        body.move_to([box.get_x(), (lead.get_bottom()[1] + room_bottom) / 2, 0])


# The whole figure ---------------------------------------------------------------------------
def build_figure(trace: AttentionTrace) -> VGroup:
    theme = current_theme()
    if trace.n_tokens > MAX_TOKENS:
        raise ExampleError(f"the figure shows at most {MAX_TOKENS} tokens; this example has {trace.n_tokens}")
    width, left, top = FRAME[0] - 2 * MARGIN, -FRAME[0] / 2 + MARGIN, FRAME[1] / 2 - MARGIN
    title = text("Self-Attention Mechanism", TITLE_PX, theme.ink, bold=True)
    title.move_to([left, top, 0], aligned_edge=UP + LEFT)
    subtitle = in_line(text("Top row: head 1 of", NOTE_PX, theme.muted),
                       number(trace.n_heads, 0, "n_heads", NOTE_PX, theme.muted),
                       text("in numbers. Rows are queries, columns are keys.", NOTE_PX, theme.muted))
    subtitle.next_to(title, RIGHT, buff=0.3).align_to(title, DOWN)
    flow = MainFlow(trace)
    flow.scale(min(width / flow.width, MAX_GROW))
    flow.next_to(title, DOWN, buff=0.18).set_x(0)
    connectors = flow.connectors()
    above, below = connectors.get_bottom()[1] - 0.14, -FRAME[1] / 2 + MARGIN
    band_group = bottom_band(trace, width, above - below).move_to([0, above, 0], aligned_edge=UP)
    figure = VGroup(title, subtitle, flow, connectors, band_group)
    figure.flow = flow
    return figure


def render_figure(example: Example, out_dir: str | Path) -> list[Path]:
    """self_attention.png (800×500, white), its transparent twin and a 2× print version."""
    tokens = example.tokens
    if len(tokens) > MAX_TOKENS:
        raise ExampleError(f"the figure shows at most {MAX_TOKENS} tokens; “{example.sentence}” has {len(tokens)}")
    trace = trace_example(example)
    with tempfile.TemporaryDirectory(prefix="figure-") as media:
        with tempconfig(figure_config(media_dir=media)):
            figure = build_figure(trace)
        return write_pngs(figure, out_dir, media)


def write_pngs(figure: Mobject, out_dir: str | Path, media_dir: str | None = None) -> list[Path]:
    """The three PNGs of a built figure (vector shapes: each size is drawn, not resampled)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, zoom, transparent in ((f"{FIGURE_NAME}.png", 1, False), (f"{FIGURE_NAME}-transparent.png", 1, True),
                                    (f"{FIGURE_NAME}@2x.png", 2, False)):
        with tempconfig(figure_config(zoom, transparent, media_dir)):
            scene = Scene()
            scene.add(figure)
            scene.renderer.update_frame(scene)
            image = scene.camera.get_image()
        # Opaque variants as plain RGB: a white background, not a transparent one that happens to be white.
        with writing(out_dir / name) as tmp:  # never a half-written PNG at the final path
            (image if transparent else image.convert("RGB")).save(tmp, format="PNG")
        written.append(out_dir / name)
    return written


def figure_config(zoom: int = 1, transparent: bool = False, media_dir: str | None = None) -> dict:
    """Manim settings for the figure: 800 × 500 (× zoom) pixels of a 12.8 × 8 frame."""
    return {"pixel_width": PIXELS[0] * zoom, "pixel_height": PIXELS[1] * zoom, "frame_width": FRAME[0],
            "frame_height": FRAME[1], "background_color": "#FFFFFF", "transparent": transparent,
            "write_to_movie": False, "disable_caching": True, "media_dir": media_dir or tempfile.gettempdir(),
            "verbosity": "ERROR", "progress_bar": "none"}
