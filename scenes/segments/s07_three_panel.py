"""Segment 7 · Three panels (seed 001): mechanism → behaviour in one picture.

Panel A: the tokens, their embeddings, and one token's query, key and value. Panel B: the
scores grid (greyed above the diagonal when causal), softmax as percentage bars per row, the
weighted sum. Panel C: the heads one at a time as attention graphs, then concat → W_O. Panels A
and B always show the head that panel C has selected. The panels are narrow: beyond a few tokens B
keeps the first, focus and last rows and columns and the focus row's largest shares, and C a
window of tokens around the focus (presentation.PANEL_*), so no text falls under 18 px.

Everything is built before the first `play`: the panels, panel A's column, a HeadView per
stepped head, the concat chain; construct then shows them step by step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Create, FadeIn, FadeOut, GrowArrow, GrowFromEdge, LaggedStart,
    ReplacementTransform, VGroup,
)

from attention_math import AttentionTrace

from ..base import ExplainerScene, corner_title
from ..components import AttentionGraph, NumberMatrix, formula, label
from ..components.attention_steps import AttentionSteps, CellWidths
from ..components.head_columns import head_column_frames
from ..components.head_selector import HeadSelector
from ..components.panel import Panel, Room
from ..components.percent_bars import FocusBars
from ..components.qkv_branch import HeadSlices, TokenColumn
from ..presentation import PANEL_WINDOW, Presentation
from ..theme import current_theme
from ..words import common, sentences, words

PANEL_WIDTHS = (3.92, 5.38, 3.75)  # A, B, C (all inside the safe margin; A wide enough for 18 px Q, K, V)
SEGMENT = "07-three-panel"  # its words file (scenes/words/<lang>/07-three-panel.toml)
PANEL_HEADINGS = ("labels.panel_a", "labels.panel_b", "labels.panel_c")  # their keys
PANEL_GAP, PANEL_TOP, PANEL_BOTTOM = 0.15, 2.85, -3.74
PAD = 0.16  # inside a panel
MAX_GROW = 1.3  # a short example's graph grows, at most this much
MAX_HEAD_STEPS = 4  # heads stepped through one by one; the selector shows them all
CHAIN_ROOM = 1.5  # panel C's bottom strip, kept for concat → W_O


class ThreePanels(VGroup):
    """panels (A, B, C: tinted, headings at one size), heading_scale (that size's shrink) and
    rooms (each panel's room under its heading as first drawn: every head's view is laid out in
    the same room, so it lands where the last one did)."""
    panels: list[Panel]
    heading_scale: float
    rooms: list[Room]

    def __init__(self) -> None:
        theme = current_theme()
        headings = [label(words(SEGMENT)(key), "label", theme.ink, weight="BOLD") for key in PANEL_HEADINGS]
        self.heading_scale = min(1.0, *((width - 2 * PAD) / heading.width
                                        for width, heading in zip(PANEL_WIDTHS, headings)))
        tints = (theme.panels.panel_a, theme.panels.panel_b, theme.panels.panel_c)
        self.panels, x = [], -sum(PANEL_WIDTHS) / 2 - PANEL_GAP
        for width, tint, heading in zip(PANEL_WIDTHS, tints, headings):
            panel = Panel(VGroup(), tint, heading.scale(self.heading_scale), size=(width, PANEL_TOP - PANEL_BOTTOM),
                          pad=PAD, corner_radius=0.15, stroke_width=1.5)
            self.panels.append(panel.move_to([x + width / 2, (PANEL_TOP + PANEL_BOTTOM) / 2, 0]))
            x += width + PANEL_GAP
        self.rooms = [panel.room(PAD) for panel in self.panels]
        super().__init__(*self.panels)

    def end_under(self, content) -> None:
        """Panels end just under their lowest content: a short example leaves the bottom of the
        frame free (where the subtitles go) instead of half-empty panels."""
        for panel in self.panels:
            panel.end_at(content.get_bottom()[1] - PAD)

    def head_tag(self, h: int) -> VGroup:
        """"head h" beside panel B's heading, at the headings' size."""
        heading = self.panels[1].heading
        tag = label(common("head", head=h + 1), "label", current_theme().head_color(h), weight="BOLD").scale(self.heading_scale)
        return tag.next_to(heading, RIGHT, buff=0.25).align_to(heading, DOWN)


@dataclass(frozen=True)
class HeadView:
    """One head across the panels: A's slices, B's calculation and tag, C's selector and graph."""
    head: int
    slices: HeadSlices
    calculation: AttentionSteps
    tag: VGroup
    selector: HeadSelector
    graph: AttentionGraph

    def shown(self) -> VGroup:
        """What a head switch replaces (B's step lines and formula stay)."""
        calc = self.calculation
        return VGroup(self.slices, calc.scores, calc.bars, calc.output, self.tag, self.selector, self.graph)


def head_view(trace: AttentionTrace, h: int, p: Presentation, widths: CellWidths, column: TokenColumn,
              panels: ThreePanels) -> HeadView:
    room, focus = panels.rooms[2], p.focus_query
    selector = HeadSelector(trace.n_heads, h)
    selector.scale(min(1.0, room.width / selector.width)).move_to(room.corner, aligned_edge=UP + LEFT)
    # Beyond a few tokens: the first, focus and last rows and columns, the focus row's largest keys.
    visible = trace.heads[h].softmax_rows[focus].rest.visible  # the keys the focus query sees
    top = p.panel_keys(visible) if p.panel_long else None
    steps = AttentionSteps(trace, h, focus, widths, panels.rooms[1], ids=p.panel_ids, top=top)
    return HeadView(h, HeadSlices(trace, h, focus, column, widths.slice), steps, panels.head_tag(h), selector,
                    head_graph(trace, h, p, room, below=selector))


def head_graph(trace: AttentionTrace, h: int, p: Presentation, room: Room, below: VGroup) -> AttentionGraph:
    """Head h's attention graph under the selector, leaving CHAIN_ROOM at the bottom of panel C. A long
    sentence: the policy's window of tokens around the focus, lines from its threshold up, both said."""
    shown = p.graph_tokens(PANEL_WINDOW)
    weights = trace.heads[h].weights[np.ix_(shown, shown)]
    drawn = trace.mask[np.ix_(shown, shown)] & (weights >= p.graph_threshold)
    graph = AttentionGraph([trace.tokens[i] for i in shown], weights, drawn, current_theme().head_color(h),
                           common("head", head=h + 1), height=min(4.6, 0.7 * len(shown)), gap=1.1, chip_width=1.45,
                           token_indices=shown)
    said = words(SEGMENT)
    notes = ([said("labels.window", first=shown[0] + 1, last=shown[-1] + 1, n=trace.n_tokens)]
             if len(shown) < trace.n_tokens else []) \
        + ([said("labels.threshold", percent=f"{p.graph_threshold:.0%}")] if p.graph_threshold > 0 else []) \
        + ([] if drawn.any() else [said("labels.none_reach")])
    if notes:
        graph.legend.add(label("\n".join(notes), "small", current_theme().muted).next_to(graph, DOWN, buff=0.15))
    space = below.get_bottom()[1] - room.bottom - CHAIN_ROOM - 0.3
    graph.scale(min(MAX_GROW, room.width / graph.width, space / graph.height))
    return graph.move_to([room.centre_x, below.get_bottom()[1] - 0.3 - graph.height / 2, 0])


def concat_chain(trace: AttentionTrace, focus: int, room: Room, graph: AttentionGraph) -> VGroup:
    """Every head's output for the focus token joined (head-coloured slices), then mixed by W_O:
    a short vertical flow under the graph."""
    theme = current_theme()
    squares = lambda values, scale, **kw: NumberMatrix(values, 0, "", show_numbers=False, cell_width=0.3,
                                                        cell_height=0.3, value_scale=scale, **kw)
    concat = squares(trace.concat[focus], float(np.abs(trace.concat).max()))
    concat.add(head_column_frames(concat, trace.n_heads, trace.d_k, 4))
    output = squares(trace.output[focus], float(np.abs(trace.output).max()), frame_color=theme.output)
    arrow = Arrow(UP * 0.3, DOWN * 0.3, buff=0, color=theme.muted, stroke_width=3, tip_length=0.15)
    VGroup(concat, arrow, output).arrange(DOWN, buff=0.1)
    mix = VGroup(arrow, VGroup(formula(r"\cdot\, W_O", "body"), label(words(SEGMENT)("labels.linear"), "small", theme.muted))
                 .arrange(RIGHT, buff=0.12).next_to(arrow, RIGHT, buff=0.12))
    names = (label(common("concat"), "small", theme.ink).next_to(concat, LEFT, buff=0.2),
             label(common("output"), "small", theme.output).next_to(output, LEFT, buff=0.2))
    parts = VGroup(VGroup(names[0], concat), mix, VGroup(names[1], output))
    below = graph.get_bottom()[1] - 0.35 - room.bottom  # a narrower language's names leave it taller: fit both ways
    parts.scale(min(1.0, room.width / parts.width, below / parts.height))
    return parts.next_to(graph, DOWN, buff=0.35).set_x(room.centre_x)


def softmax_caption(word: str, p: Presentation) -> str:
    said = words(SEGMENT)
    return sentences(said("softmax.caption"), said("softmax.long", token=word) if p.panel_long else "")


def head_caption(h: int) -> str:
    said = words(SEGMENT)
    return said("head.second") if h == 1 else said("head.next", head=h + 1)


def switch_head(old: HeadView, new: HeadView) -> AnimationGroup:
    """Numbers cross-fade (morphing digits reads as noise); shapes, bars and lines morph. A long
    sentence's bars list each head's own largest keys: their chips and cells are swapped too."""
    old_calc, new_calc = old.calculation, new.calculation
    swapped = lambda view: (view.slices, view.calculation.scores, view.calculation.bars.numbers,
                            view.calculation.output, view.tag,
                            *((view.calculation.bars.cells, view.calculation.bars.chips)
                              if isinstance(view.calculation.bars, FocusBars) else ()))
    return AnimationGroup(
        ReplacementTransform(old.selector, new.selector), ReplacementTransform(old.graph, new.graph),
        ReplacementTransform(old_calc.bars.bars, new_calc.bars.bars),
        *(FadeOut(part) for part in swapped(old)), *(FadeIn(part) for part in swapped(new)), run_time=1.3)


class ThreePanelSegment(ExplainerScene):
    segment = "07-three-panel"

    def construct(self) -> None:
        trace, p, focus = self.trace, self.presentation, self.presentation.focus_query
        word, heads = trace.tokens[focus], min(trace.n_heads, MAX_HEAD_STEPS)
        corner_title(self, self.words("title"), self.words("subtitle"))
        panels, widths = ThreePanels(), CellWidths.for_heads(trace, heads, focus)
        column = TokenColumn(trace, focus, widths.slice, panels.rooms[0], ids=None if p.detail == "all" else p.token_ids())
        views = [head_view(trace, h, p, widths, column, panels) for h in range(heads)]
        view, calc, branch = views[0], views[0].calculation, column.branch
        chain = concat_chain(trace, focus, panels.rooms[2], view.graph)
        panels.end_under(VGroup(column, calc, view.shown(), chain))

        self.step("tokens", self.words("tokens.caption"))
        self.play(LaggedStart(*(FadeIn(panel) for panel in panels.panels), lag_ratio=0.15), run_time=1.0)
        self.play(LaggedStart(*(FadeIn(row, shift=RIGHT * 0.3) for row in column.rows), lag_ratio=0.1), run_time=1.0)
        self.hold_for_caption(0.8)

        self.step("qkv", self.words("qkv.caption", token=word))
        self.play(Create(column.focus_box), FadeIn(branch.chip, shift=DOWN * 0.2))
        self.play(*(GrowArrow(arrow) for arrow in branch.arrows), FadeIn(view.slices), FadeIn(branch.notes))
        self.hold_for_caption(1.0)

        self.step("scores", sentences(self.words("scores.caption"), self.words("scores.causal") if trace.causal else ""))
        self.play(FadeIn(view.tag), FadeIn(calc.steps[0]), FadeIn(calc.scores, shift=DOWN * 0.2), run_time=1.0)
        self.hold_for_caption(1.0)

        self.step("softmax", softmax_caption(word, p))
        self.play(FadeIn(calc.steps[1]), FadeIn(VGroup(calc.bars.cells, calc.bars.chips)))
        self.play(LaggedStart(*(GrowFromEdge(bar, LEFT) for bar in calc.bars.bars), lag_ratio=0.02),
                  FadeIn(calc.bars.numbers), run_time=1.2)
        self.hold_for_caption(1.0)

        self.step("weighted-sum", self.words("weighted-sum.caption", token=word))
        self.play(FadeIn(calc.steps[2]), FadeIn(calc.output, shift=DOWN * 0.2), FadeIn(calc.formula))
        self.hold_for_caption(1.0)

        self.step("head-1", sentences(self.words("head.caption"), self.words("head.causal") if trace.causal else ""))
        self.play(FadeIn(view.selector), FadeIn(VGroup(view.graph.query_chips, view.graph.key_chips,
                                                       view.graph.heading)))
        self.play(*([view.graph.draw_in()] if view.graph.lines else []), FadeIn(view.graph.legend), run_time=1.8)
        self.hold_for_caption(1.2)

        for old, new in zip(views, views[1:]):
            self.step(f"head-{new.head + 1}", head_caption(new.head))
            self.play(switch_head(old, new))
            self.hold_for_caption(1.2)

        self.step("concat", self.words("concat.caption"))
        self.play(LaggedStart(*(FadeIn(part, shift=RIGHT * 0.2) for part in chain), lag_ratio=0.3), run_time=1.5)
        self.hold_for_caption(1.0)

        self.step("insight", self.words("insight.caption"))
        self.hold_for_caption(1.5)
