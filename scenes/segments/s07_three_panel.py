"""Segment 7 · Three panels (seed 001): mechanism → behaviour in one picture.

Panel A: the tokens, their embeddings, and one token's query, key and value. Panel B: the
scores grid (greyed above the diagonal when causal), softmax as percentage bars per row, the
weighted sum. Panel C: the heads one at a time as attention graphs, then concat → W_O. Panels A
and B always show the head that panel C has selected.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, FadeOut, GrowArrow, GrowFromEdge, LaggedStart, Rectangle,
    ReplacementTransform, RoundedRectangle, Transform, VGroup,
)

from attention_math import percentages

from ..base import ExplainerScene, corner_title
from ..components import AttentionGraph, NumberMatrix, NumberText, TokenChip, formula, highlight_box, label

from ..components.products import cell_width_for
from ..theme import current_theme

PANEL_WIDTHS = (4.0, 5.7, 3.9)  # A, B, C: B holds two n × n grids
PANEL_GAP, PANEL_TOP, PANEL_BOTTOM = 0.15, 2.85, -3.85
PAD = 0.16  # inside a panel
MAX_GROW = 1.3  # a short example's panels grow, at most this much
MAX_HEAD_STEPS = 4  # heads stepped through one by one; the selector shows them all
MAX_GRID_WIDTH = 9.0  # panel B's scores grid, before scaling: wider grids elide middle keys
BAR_CELL = (0.92, 0.44)  # a percentage bar's cell, before scaling
GRID_CELL_HEIGHT = 0.42  # panel B's scores rows, before scaling


class PercentBars(VGroup):
    """One head's weights as bars: a row per query, a cell per key; bar length = weight, with its
    percentage (the row's labels add to exactly 100). Masked keys: a grey cell, no bar."""

    def __init__(self, weights, source: str, mask, color, tokens) -> None:
        theme = current_theme()
        width, height = BAR_CELL
        self.bars, self.numbers, cells = VGroup(), VGroup(), VGroup()
        for i, row in enumerate(np.asarray(weights)):
            shown = percentages(row)
            for j, weight in enumerate(row):
                cell = Rectangle(width=width, height=height, stroke_color=theme.faint, stroke_width=1, fill_opacity=1,
                                 fill_color=theme.cell_fill if mask[i, j] else theme.masked_fill)
                cell.move_to(RIGHT * j * width + DOWN * i * height)
                cells.add(cell)
                if not mask[i, j]:
                    continue
                # A data bar: filling the cell from the left, as long as the weight, under its label.
                bar = Rectangle(width=max(weight * (width - 0.06), 0.01), height=height - 0.08, stroke_width=0,
                                fill_color=color, fill_opacity=0.45)
                self.bars.add(bar.move_to(cell.get_left() + RIGHT * 0.03, aligned_edge=LEFT))
                number = NumberText(shown[j], 0, f"percentages({source}[{i}])[{j}]", "cell", suffix="%")
                self.numbers.add(number.move_to(cell))
        self.cells = cells
        self.chips = VGroup(*(TokenChip(token, i, max_width=1.6, height=height * 0.86, size="small")
                              .next_to(cells[i * len(tokens)], LEFT, buff=0.12) for i, token in enumerate(tokens)))
        super().__init__(cells, self.bars, self.numbers, self.chips)


class ThreePanelSegment(ExplainerScene):
    segment = "07-three-panel"

    def construct(self) -> None:
        trace = self.trace
        self.focus = self.presentation.focus_query
        self.word = trace.tokens[self.focus]
        self.shared_widths()
        corner_title(self, "Three panels", "mechanism → behaviour")

        self.step("tokens", "Self-attention lets every token look at all the others. Panel A: the tokens, "
                            "in their colours, and their embeddings.")
        self.boxes = self.panel_boxes()
        tokens, view = self.token_column(), self.head_view(0)
        chain = self.concat_chain(view.graph)
        self.fit_boxes(VGroup(tokens, self.branch, view, self.steps, self.formula, chain))
        self.play(LaggedStart(*(FadeIn(box) for box in self.boxes), lag_ratio=0.15), run_time=1.0)
        self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.3) for row in tokens), lag_ratio=0.1), run_time=1.0)
        self.hold_for_caption(0.8)

        self.step("qkv", f"Three projections of each embedding: what “{self.word}” looks for (its query), what it "
                         "contains (key) and what it offers (value).")
        self.play(Create(self.focus_box), FadeIn(self.branch.chip, shift=DOWN * 0.2))
        self.play(*(GrowArrow(arrow) for arrow in self.branch.arrows), FadeIn(view.slices), FadeIn(self.branch.notes))
        self.hold_for_caption(1.0)

        self.step("scores", "Panel B, step 1: Q times K transposed, over √d_k: how similar is each query to "
                            "each key?" + (" Grey: later tokens, hidden." if trace.causal else ""))
        self.play(FadeIn(view.tag), FadeIn(self.steps[0]), FadeIn(view.scores, shift=DOWN * 0.2), run_time=1.0)
        self.hold_for_caption(1.0)

        self.step("softmax", "Step 2: softmax turns each row into percentages that add up to 100.")
        self.play(FadeIn(self.steps[1]), FadeIn(VGroup(view.bars.cells, view.bars.chips)))
        self.play(LaggedStart(*(GrowFromEdge(bar, LEFT) for bar in view.bars.bars), lag_ratio=0.02),
                  FadeIn(view.bars.numbers), run_time=1.2)
        self.hold_for_caption(1.0)

        self.step("weighted-sum", f"Step 3: those percentages weight the values; their sum is the new vector "
                                  f"for “{self.word}”.")
        self.play(FadeIn(self.steps[2]), FadeIn(view.output, shift=DOWN * 0.2), FadeIn(self.formula))
        self.hold_for_caption(1.0)

        self.step("head-1", "Panel C shows the behaviour: a line per pair of tokens, thicker for more attention."
                  + (" Masked pairs get none." if trace.causal else ""))
        self.play(FadeIn(view.selector), FadeIn(VGroup(view.graph.query_chips, view.graph.key_chips,
                                                       view.graph.heading)))
        self.play(view.graph.draw_in(), FadeIn(view.graph.legend), run_time=1.8)
        self.hold_for_caption(1.2)

        for h in range(1, min(trace.n_heads, MAX_HEAD_STEPS)):
            caption = ("Head 2 has its own weights, so it attends differently: heads can learn different "
                       "patterns." if h == 1 else f"Head {h + 1}: the same tokens, its own pattern.")
            self.step(f"head-{h + 1}", caption)
            view = self.switch_head(view, self.head_view(h))
            self.hold_for_caption(1.2)

        self.step("concat", "The heads' outputs are joined, and a last linear projection, W_O, mixes them into "
                            "one vector per token.")
        self.play(LaggedStart(*(FadeIn(part, shift=RIGHT * 0.2) for part in chain), lag_ratio=0.3), run_time=1.5)
        self.hold_for_caption(1.0)

        self.step("insight", "Mechanism on the left, behaviour on the right: the pattern shows which tokens "
                             "the model finds important.")
        self.hold_for_caption(1.5)

    # Layout --------------------------------------------------------------------------------
    def panel_boxes(self) -> VGroup:
        """The three tinted panels with their headings, side by side under the corner title."""
        theme, boxes = self.theme, VGroup()
        headings = ("A · Input → Q, K, V", "B · Attention", "C · Heads → behaviour")
        titles = [label(heading, "label", theme.ink, weight="BOLD") for heading in headings]
        shrink = min(1.0, *((width - 2 * PAD) / title.width for width, title in zip(PANEL_WIDTHS, titles)))
        self.title_scale, self.areas = shrink, {}
        x = -sum(PANEL_WIDTHS) / 2 - PANEL_GAP
        for width, tint, title in zip(PANEL_WIDTHS, (self.theme.panels.panel_a, self.theme.panels.panel_b, self.theme.panels.panel_c),
                                      titles):
            box = RoundedRectangle(corner_radius=0.15, width=width, height=PANEL_TOP - PANEL_BOTTOM, fill_color=tint,
                                   fill_opacity=1, stroke_color=theme.faint, stroke_width=1.5)
            box.move_to([x + width / 2, (PANEL_TOP + PANEL_BOTTOM) / 2, 0])
            title.scale(shrink).next_to(box.get_corner(UP + LEFT), DOWN + RIGHT, buff=PAD)  # one size for all three
            boxes.add(VGroup(box, title))
            x += width + PANEL_GAP
        return boxes

    def fit_boxes(self, content) -> None:
        """Panels end just under their lowest content: a short example leaves the bottom of the
        frame free (where the subtitles go) instead of half-empty panels."""
        bottom = content.get_bottom()[1] - PAD
        for box, _ in self.boxes:
            box.stretch_to_fit_height(box.get_top()[1] - bottom, about_edge=UP)

    def area(self, panel: int) -> tuple[np.ndarray, float, float]:
        """Top-left corner, width and height of a panel's room under its heading, as it was before
        `fit_boxes`: every head's view is laid out in the same room, so it lands where the last one did."""
        if panel not in self.areas:
            box, title = self.boxes[panel]
            top = title.get_bottom()[1] - 0.2
            self.areas[panel] = (np.array([box.get_left()[0] + PAD, top, 0]), box.width - 2 * PAD,
                                 top - box.get_bottom()[1] - PAD)
        return self.areas[panel]

    def shared_widths(self) -> None:
        """Cell widths shared by every head, so each head's panels land exactly where the last one's were."""
        trace, n = self.trace, self.trace.n_tokens
        heads = trace.heads[:MAX_HEAD_STEPS]
        visible = [np.where(trace.mask, h.scaled_scores, 0.0) for h in heads]
        self.score_width = cell_width_for(*visible, precision=trace.precision)
        self.score_cols = max(4, min(n, int((MAX_GRID_WIDTH - 1.6) / self.score_width)))
        self.slice_width = cell_width_for(*(getattr(h, r)[self.focus] for h in heads for r in "qkv"),
                                          precision=trace.precision)
        self.out_width = cell_width_for(*(h.output[self.focus] for h in heads), precision=trace.precision)

    # Panel A -------------------------------------------------------------------------------
    def token_column(self) -> VGroup:
        """Each token: its chip and its embedding as colour squares (sign → hue, size → strength);
        below, the focus token's chip branching into Q, K and V."""
        trace = self.trace
        scale = float(np.abs(trace.x).max())
        rows = VGroup()
        for i, token in enumerate(trace.tokens):
            chip = TokenChip(token, i, max_width=1.9, height=0.44, size="small")
            squares = NumberMatrix(trace.x[i], 0, "", show_numbers=False, cell_width=0.26, cell_height=0.26,
                                   value_scale=scale, frame_color=self.theme.faint, max_cols=8)
            rows.add(VGroup(chip, squares).arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        squares_left = max(row[0].get_right()[0] for row in rows) + 0.2
        for row in rows:  # the squares in one column, after the widest chip
            row[1].align_to([squares_left, 0, 0], LEFT)
        branch = self.branch_to_qkv()
        column = VGroup(rows, branch).arrange(DOWN, buff=0.75, aligned_edge=LEFT)  # room for the slice's tag
        corner, width, height = self.area(0)
        self.a_scale = min(MAX_GROW, width / column.width, height / column.height)
        column.scale(self.a_scale).move_to(corner, aligned_edge=UP + LEFT)
        self.focus_box = highlight_box(rows[self.focus], buff=0.06)
        self.branch = branch
        return rows

    def branch_to_qkv(self) -> VGroup:
        """The focus token's chip, three arrows (in the Q, K, V colours) to where its slices go, and
        what each is for."""
        theme = self.theme
        chip = TokenChip(self.word, self.focus, max_width=1.6, height=0.44, size="small")
        slots = VGroup()
        for role, note in zip("qkv", ("what am I looking for?", "what do I contain?", "what do I have to offer?")):
            name = formula(role.upper(), "label", theme.role_color(role))
            slot = VGroup(name, RoundedRectangle(width=self.slice_width * self.trace.d_k, height=0.5, stroke_width=0,
                                                 fill_opacity=0)).arrange(RIGHT, buff=0.15)
            slots.add(VGroup(slot, label(note, "small", theme.muted).next_to(slot, DOWN, buff=0.08)
                             .align_to(slot, LEFT)))
        slots.arrange(DOWN, buff=0.2, aligned_edge=LEFT).next_to(chip, RIGHT, buff=0.9)
        arrows = VGroup(*(Arrow(chip.get_right(), slot[0][0].get_left(), buff=0.1, color=theme.role_color(role),
                                stroke_width=3, tip_length=0.16, max_tip_length_to_length_ratio=0.2)
                          for role, slot in zip("qkv", slots)))
        branch = VGroup(chip, slots, arrows)
        branch.chip, branch.slots, branch.arrows = chip, slots, arrows
        branch.notes = VGroup(*(VGroup(slot[0][0], slot[1]) for slot in slots))  # names and what each is for
        return branch

    def slices(self, h: int) -> VGroup:
        """Head h's slice of the focus token's q, k and v, with values, in the branch's slots."""
        trace, theme = self.trace, self.theme
        group = VGroup()
        for role, slot in zip("qkv", self.branch.slots):
            values = getattr(trace.heads[h], role)[self.focus]
            vector = NumberMatrix(values, trace.precision, "", frame_color=theme.role_color(role),
                                  cell_width=self.slice_width, max_cols=5,
                                  source_of=lambda r, c, role=role: f"heads[{h}].{role}[{self.focus}, {c}]")
            group.add(vector.scale(self.a_scale).move_to(slot[0][1], aligned_edge=LEFT))
        tag = label(f"head {h + 1}'s slice of q, k, v", "small", theme.head_color(h)).scale(self.a_scale)
        group.add(tag.next_to(self.branch.slots, UP, buff=0.12).align_to(self.branch.slots, LEFT))
        return group

    # Panel B -------------------------------------------------------------------------------
    def calculation(self, h: int) -> VGroup:
        """Head h's scores grid, percentage bars and the focus token's output, under the step labels."""
        trace, theme, head = self.trace, self.theme, self.trace.heads[h]
        color = theme.head_color(h)
        scores = NumberMatrix(head.scaled_scores, trace.precision, f"heads[{h}].scaled_scores", mask=trace.mask,
                              masked_text="·", row_tokens=trace.tokens, cell_width=self.score_width,
                              cell_height=GRID_CELL_HEIGHT, max_cols=self.score_cols, frame_color=color)
        keys = VGroup(*(RoundedRectangle(corner_radius=0.04, width=0.24, height=0.24, stroke_width=0, fill_opacity=1,
                                         fill_color=theme.token_color(j)).next_to(scores.rects[0][c], UP, buff=0.08)
                        for c, j in enumerate(scores.col_ids) if j is not None))
        bars = PercentBars(head.weights, f"heads[{h}].weights", trace.mask, color, trace.tokens)
        output = NumberMatrix(head.output[self.focus], trace.precision, "", frame_color=theme.output,
                              cell_width=self.out_width, max_cols=5,
                              source_of=lambda r, c: f"heads[{h}].output[{self.focus}, {c}]")
        out_chip = TokenChip(self.word, self.focus, max_width=1.6, height=0.44, size="small")
        out_row = VGroup(label("output of", "small", theme.muted), out_chip, output).arrange(RIGHT, buff=0.15)
        steps = VGroup(
            label("1  Q·Kᵀ/√dₖ: how similar is each Q to each K?", "small", theme.ink),
            label("2  softmax: each row → % (adds to 100)", "small", theme.ink),
            label("3  weighted sum of the values", "small", theme.ink))
        body = VGroup(steps[0], VGroup(keys, scores), steps[1], bars, steps[2], out_row)
        body.arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        for part in (VGroup(keys, scores), bars, out_row):
            part.shift(RIGHT * 0.2)
        attention = formula(r"\mathrm{Attention}(Q,K,V) = "
                            r"\mathrm{softmax}\!\left(\tfrac{QK^{\top}}{\sqrt{d_k}}\right)V", "label")
        whole = VGroup(body, attention.next_to(body, DOWN, buff=0.2).align_to(body, LEFT))
        corner, width, height = self.area(1)
        scale = min(MAX_GROW, width / whole.width, height / whole.height)
        whole.scale(scale).move_to(corner, aligned_edge=UP + LEFT)
        view = VGroup(VGroup(keys, scores), bars, out_row)
        view.scores, view.bars, view.output = VGroup(keys, scores), bars, out_row
        view.steps, view.formula = steps, attention
        return view

    # Panel C -------------------------------------------------------------------------------
    def selector(self, h: int) -> VGroup:
        """A button per head in its colour; the selected one filled and outlined."""
        theme, n_heads = self.theme, self.trace.n_heads
        buttons = VGroup()
        for k in range(n_heads):
            color = theme.head_color(k)
            fill = 1.0 if k == h else 0.18
            name = label(f"head {k + 1}", "small", color)
            button = RoundedRectangle(corner_radius=0.08, width=name.width + 0.3, height=0.46, fill_color=color,
                                      fill_opacity=fill, stroke_color=theme.ink if k == h else color,
                                      stroke_width=3 if k == h else 1.5)
            if k == h:  # the selected head: filled, its name in ink or white, whichever reads
                name.set_color(theme.text_on(button.fill_color))
            buttons.add(VGroup(button, name.move_to(button)))
        buttons.arrange_in_grid(cols=min(n_heads, 4), buff=(0.12, 0.1))
        corner, width, _ = self.area(2)
        buttons.scale(min(1.0, width / buttons.width)).move_to(corner, aligned_edge=UP + LEFT)
        return buttons

    def graph(self, h: int, below) -> AttentionGraph:
        trace = self.trace
        graph = AttentionGraph(trace.tokens, trace.heads[h].weights, trace.mask, self.theme.head_color(h),
                               f"head {h + 1}", height=min(4.6, 0.7 * trace.n_tokens), gap=1.3, chip_width=1.3)
        corner, width, height = self.area(2)
        room = below.get_bottom()[1] - (corner[1] - height) - CHAIN_ROOM - 0.3
        graph.scale(min(MAX_GROW, width / graph.width, room / graph.height))
        return graph.move_to([corner[0] + width / 2, below.get_bottom()[1] - 0.3 - graph.height / 2, 0])

    def concat_chain(self, graph: AttentionGraph) -> VGroup:
        """Every head's output for the focus token joined (head-coloured slices), then mixed by W_O:
        a short vertical flow at the bottom of panel C."""
        trace, theme = self.trace, self.theme
        squares = lambda values, scale, **kw: NumberMatrix(values, 0, "", show_numbers=False, cell_width=0.3,
                                                            cell_height=0.3, value_scale=scale, **kw)
        concat = squares(trace.concat[self.focus], float(np.abs(trace.concat).max()))
        for h in range(trace.n_heads):
            columns = VGroup(*(concat.column_rect(h * trace.d_k + j) for j in range(trace.d_k)))
            concat.add(Rectangle(width=columns.width, height=columns.height, stroke_color=theme.head_color(h),
                                 stroke_width=4).move_to(columns))
        output = squares(trace.output[self.focus], float(np.abs(trace.output).max()), frame_color=theme.output)
        names = VGroup(label("concat", "small", theme.ink), label("output", "small", theme.output))
        arrow = Arrow(UP * 0.3, DOWN * 0.3, buff=0, color=theme.muted, stroke_width=3, tip_length=0.15)
        VGroup(concat, arrow, output).arrange(DOWN, buff=0.1)
        mix = VGroup(arrow, VGroup(formula(r"\cdot\, W_O", "small"), label("linear projection", "small", theme.muted))
                     .arrange(RIGHT, buff=0.12).next_to(arrow, RIGHT, buff=0.12))
        for name, grid in zip(names, (concat, output)):
            name.next_to(grid, LEFT, buff=0.2)
        parts = VGroup(VGroup(names[0], concat), mix, VGroup(names[1], output))
        corner, width, _ = self.area(2)
        parts.scale(min(1.0, width / parts.width))
        return parts.next_to(graph, DOWN, buff=0.35).set_x(corner[0] + width / 2)

    # One head across the panels --------------------------------------------------------------
    def head_view(self, h: int) -> VGroup:
        view = VGroup()
        calc = self.calculation(h)
        if h == 0:
            self.steps, self.formula = calc.steps, calc.formula
        view.slices, view.scores, view.bars, view.output = self.slices(h), calc.scores, calc.bars, calc.output
        view.tag = label(f"head {h + 1}", "label", self.theme.head_color(h), weight="BOLD").scale(self.title_scale)
        view.tag.next_to(self.boxes[1][1], RIGHT, buff=0.25).align_to(self.boxes[1][1], DOWN)
        view.selector = self.selector(h)
        view.graph = self.graph(h, view.selector)
        view.add(view.slices, view.scores, view.bars, view.output, view.tag, view.selector, view.graph)
        return view

    def switch_head(self, old: VGroup, new: VGroup) -> VGroup:
        """Numbers cross-fade (morphing digits reads as noise); shapes, bars and lines morph."""
        self.play(Transform(old.selector, new.selector), ReplacementTransform(old.graph, new.graph),
                  ReplacementTransform(old.bars.bars, new.bars.bars),
                  *(FadeOut(part) for part in (old.slices, old.scores, old.bars.numbers, old.output, old.tag)),
                  *(FadeIn(part) for part in (new.slices, new.scores, new.bars.numbers, new.output, new.tag)),
                  run_time=1.3)
        self.remove(old.selector)
        self.add(new.selector)
        return new


CHAIN_ROOM = 1.5  # panel C's bottom strip, kept for concat → W_O
