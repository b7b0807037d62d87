"""Segment 6 · Multi-head: Q, K, V split into head slices, each head's weights side by side,
one attention graph per head, and the head outputs joined and mixed by W_O.

A real model's 384-wide matrices are colour bands cut into 12 slices; four heads are shown
(the focus head and heads of other pattern classes) and the rest counted.

Long sentences: 9–16 tokens keep numbers on the first, focus and last rows; 17–64 draw Q, K, V
and concat as colour bands and the weight maps as colour grids; graphs draw only lines above
Presentation.graph_threshold (said under them), tokens as numbered squares when rows are close."""
from __future__ import annotations

from manim import (
    DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, FadeTransform, LaggedStart, MoveToTarget, ReplacementTransform,
    VGroup, Write,
)

from ..base import Beat, ExplainerScene, corner_title
from ..components import NumberMatrix, formula, label, operator, shape_label
from ..components.attention_graph import AttentionGraph
from ..components.head_columns import HeadColumns, head_columns
from ..components.heatmap import ColorGrid, band_scale, head_marks
from ..components.multi_head import NamedBlock, SplitView, WeightMaps, named_block
from ..components.products import bias_of
from ..presentation import MAX_HEADS_SHOWN
from ..words import common, sentences
from .multihead_maps import MIN_SCALE, weight_maps

AREA_WIDTH, AREA_HEIGHT = 13.3, 6.3  # of the stage: a margin for the head names
COMPACT_CELL = 0.28  # K and V as small colour grids: the split matters there, not their numbers
BAND_WIDTH = 11.0  # a real model's 384 columns as one colour band


class MultiHeadSegment(ExplainerScene):
    segment = "06-multi-head"

    def construct(self) -> None:
        trace = self.trace
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("split", self.words("split.caption", n_heads=trace.n_heads, d_k=trace.d_k))
        split = self.split_bands() if self.bands else self.split_view()
        self.play(FadeIn(split.matrices), run_time=1.0)
        self.play(LaggedStart(*(Create(mark) for mark in split.marks), lag_ratio=0.2), run_time=1.2)
        self.play(Write(split.note), run_time=0.8)
        self.hold_for_caption(1.5)

        maps = weight_maps(self)
        self.step("weights", sentences(self.words("weights.caption"), (
            self.words("weights.some", count=len(maps.heads), n_heads=trace.n_heads)
            if trace.n_heads > MAX_HEADS_SHOWN else "")))
        self.play(FadeOut(split), LaggedStart(*(FadeIn(m, shift=UP * 0.2) for m in maps), lag_ratio=0.25),
                  run_time=1.5)
        self.hold_for_caption(1.5)

        first = maps.heads[0]
        self.step(f"graph-head-{first + 1}", sentences(self.words("graph.caption"),
                                                      self.words("graph.causal") if trace.causal else ""))
        graph = self.graph(first)
        self.play(FadeOut(maps), FadeIn(VGroup(graph.query_chips, graph.key_chips, graph.position_labels,
                                                                 graph.focus_chips, graph.heading)), run_time=0.8)
        self.play(graph.draw_in(one_by_one=None if self.presentation.detail == "all" else self.presentation.one_by_one),
                  FadeIn(graph.legend), run_time=1.6)
        self.hold_for_caption(1.5)
        for h in maps.heads[1:]:
            self.step(f"graph-head-{h + 1}", self.words("graph.next", head=h + 1))
            next_graph = self.graph(h)
            self.play(ReplacementTransform(graph, next_graph), run_time=1.2)
            graph = next_graph
            self.hold_for_caption(1.2)

        self.step("concat", self.words("concat.caption", d_k=trace.d_k, width=trace.d_attention))
        concat, beats = self.concat_bands(graph) if self.bands else self.concat_from_heads(graph)
        self.perform(*beats)
        self.hold_for_caption(1.2)

        self.step("mix", sentences(self.words("mix.caption", d_model=trace.d_model),
                                  self.words("mix.bias") if bias_of(trace, "b_o") is not None else ""))
        self.perform(*self.mix(concat))
        self.hold_for_caption(2.0)

    @property
    def bands(self) -> bool:
        """Q, K, V and concat too wide for numbers (a real model's 384 columns) or too tall (a
        colour-only sentence): colour bands."""
        return self.presentation.bands or self.presentation.colour_only

    @property
    def band_row(self) -> float:
        """A band's height per token: 64 tokens still fit three bands on the stage."""
        return min(0.16, 1.5 / self.trace.n_tokens)

    # Step 1: the split ------------------------------------------------------------
    def split_bands(self) -> SplitView:
        """Q, K and V stacked as colour bands, every head's slice framed in its colour, numbered above Q."""
        trace, theme = self.trace, self.theme
        blocks = []
        for role, color in (("q", theme.query), ("k", theme.key), ("v", theme.value)):
            values = getattr(trace, role)
            band = ColorGrid(values, width=BAND_WIDTH, height=self.band_row * trace.n_tokens, frame_color=color,
                             value_scale=band_scale(values))
            name = label(role.upper(), "body", color, weight="BOLD")
            caption = VGroup(name, shape_label(trace.n_tokens, trace.d_attention)).arrange(DOWN, buff=0.1)
            blocks.append(NamedBlock(band, caption.next_to(band.frame, LEFT, buff=0.3), matrix=band, caption=caption,
                                     marks=head_marks(band, trace.n_heads, numbers=role == "q")))
        row = VGroup(*(VGroup(b, b.marks) for b in blocks)).arrange(DOWN, buff=0.4, aligned_edge=RIGHT)
        note = label(self.words("labels.split_note_bands", n_heads=trace.n_heads, d_k=trace.d_k), "body", theme.muted)
        return self.fit(SplitView.of(blocks, row, note.next_to(row, DOWN, buff=0.45)))

    def split_view(self) -> SplitView:
        trace, theme = self.trace, self.theme
        q = NumberMatrix(trace.q, trace.precision, "q", row_tokens=trace.tokens, rows=self.presentation.numbered_ids)
        blocks = [named_block(q, label("Q", "body", theme.query, weight="BOLD"), self.head_marks(q, named=True))]
        for source, color in (("k", theme.key), ("v", theme.value)):
            compact = NumberMatrix(getattr(trace, source), trace.precision, source, cell_width=COMPACT_CELL,
                                   cell_height=COMPACT_CELL, show_numbers=False)
            name = label(source.upper(), "body", color, weight="BOLD")
            blocks.append(named_block(compact, name, self.head_marks(compact)))
        row = VGroup(*blocks).arrange(RIGHT, buff=0.8)
        note = label(self.words("labels.split_note"), "body", theme.muted)
        return self.fit(SplitView.of(blocks, row, note.next_to(row, DOWN, buff=0.5)))

    def head_marks(self, matrix: NumberMatrix, named: bool = False) -> HeadColumns:
        """A frame in the head's colour around each head's column slice, "head k" above it when named."""
        return HeadColumns(matrix, self.trace.d_k, range(self.trace.n_heads), named=named)

    # Step 3: one graph per head ---------------------------------------------------
    def graph(self, h: int) -> AttentionGraph:
        trace = self.trace
        p = self.presentation
        return self.fit(AttentionGraph(trace.tokens, trace.heads[h].weights, trace.mask, self.theme.head_color(h),
                                       common("head", head=h + 1), height=min(5.0, 0.95 * trace.n_tokens),
                                       threshold=p.graph_threshold, focus=p.focus_query))

    # Steps 4 and 5: concat and W_O ------------------------------------------------
    def concat_from_heads(self, graph: AttentionGraph) -> tuple[NamedBlock, list[Beat]]:
        """Head outputs, spread apart in their colours, slide together into concat: the block and its beats."""
        trace = self.trace
        rows = self.presentation.numbered_ids
        concat = NumberMatrix(trace.concat, trace.precision, "concat", row_tokens=trace.tokens, rows=rows)
        block = named_block(concat, label(common("concat"), "body", weight="BOLD"), self.head_marks(concat, named=True))
        at_head = [head_columns(concat, h, trace.d_k).get_center() for h in range(trace.n_heads)]
        outputs = VGroup()
        for h, head in enumerate(trace.heads):
            out = NumberMatrix(head.output, trace.precision, f"heads[{h}].output", cell_width=concat.cell_width, rows=rows,
                               frame_color=self.theme.head_color(h), title=common("head", head=h + 1),
                               value_scale=abs(trace.concat).max())  # concat's colour scale, so cells match
            out.shift(at_head[h] - out.cells.get_center())
            outputs.add(VGroup(out, shape_label(trace.n_tokens, trace.d_k).next_to(out.frame, DOWN, buff=0.2)))
        gap = max(0.6, max(o[0].title.width - o[0].frame.width for o in outputs) + 0.3)  # titles never touch
        for h, out in enumerate(outputs):
            out.shift(RIGHT * h * gap)  # spread rightwards, clear of the token chips
        self.fit(VGroup(block, outputs))
        at_head = [head_columns(concat, h, trace.d_k).get_center() for h in range(trace.n_heads)]  # fitted
        return block, [
            Beat((FadeOut(graph), FadeIn(concat.row_labels),
                  LaggedStart(*(FadeIn(o, shift=DOWN * 0.2) for o in outputs), lag_ratio=0.2)), run_time=1.4, wait=0.8),
            # The slid-in cells look exactly like concat's (same numbers, size, colours): swap them unseen.
            Beat((*(o[0].animate.shift(at_head[h] - o[0].cells.get_center()) for h, o in enumerate(outputs)),
                  *(FadeOut(o[1]) for o in outputs)), run_time=1.0,
                 remove=tuple(outputs.get_family()), add=(concat.cells, concat.row_labels)),
            Beat((FadeOut(VGroup(*(VGroup(o[0].frame, o[0].title) for o in outputs))),
                  FadeIn(VGroup(concat.frame, block.caption, block.marks))), run_time=0.8, add=(block,)),
        ]

    def concat_bands(self, graph: AttentionGraph) -> tuple[VGroup, list[Beat]]:
        """Each head's output as a small band in its colour, spread apart, sliding together into concat."""
        trace = self.trace
        scale = band_scale(trace.concat)  # one colour scale, so the slid-in slices match concat
        concat = ColorGrid(trace.concat, width=BAND_WIDTH, height=min(0.2 * trace.n_tokens, 4.0), value_scale=scale)
        caption = VGroup(label(common("concat"), "body", weight="BOLD"), shape_label(trace.n_tokens, trace.d_attention))
        block = VGroup(concat, caption.arrange(DOWN, buff=0.1).next_to(concat.frame, LEFT, buff=0.3))
        marks = head_marks(concat, trace.n_heads, numbers=True)
        self.fit(VGroup(block, marks))
        slice_width = concat.frame.width / trace.n_heads
        outputs = VGroup()
        for h, head in enumerate(trace.heads):
            out = ColorGrid(head.output, width=slice_width, height=concat.frame.height, value_scale=scale,
                            frame_color=self.theme.head_color(h), stroke_width=3)
            outputs.add(out.move_to(concat.column_span(h * trace.d_k, (h + 1) * trace.d_k)))
        spread = outputs.copy().arrange(RIGHT, buff=0.22).match_y(concat).set_x(concat.get_x())
        return VGroup(block, marks), [
            Beat((FadeOut(graph), FadeIn(caption), FadeIn(marks.numbers),
                  LaggedStart(*(FadeIn(s, shift=DOWN * 0.2) for s in spread), lag_ratio=0.1)), run_time=1.4, wait=0.8),
            Beat(tuple(ReplacementTransform(s, o) for s, o in zip(spread, outputs)), run_time=1.0,
                 remove=tuple(outputs), add=(concat,)),
            Beat((FadeIn(concat.frame), FadeIn(marks)), run_time=0.8),
        ]

    def mix(self, concat: VGroup) -> list[Beat]:
        """Beats: concat moves aside (a band gives way to its numbers), "· W_O" and "= output" join it."""
        trace, theme = self.trace, self.theme
        wide = self.presentation.entries(trace.d_model)
        w_name = r"W_O\;\;(+\,b_O)" if bias_of(trace, "b_o") is not None else "W_O"
        w_block = named_block(NumberMatrix(trace.w_o, self.input_precision, "w_o", max_rows=wide, max_cols=wide),
                              formula(w_name))
        p = self.presentation
        rows = p.compact_ids if self.presentation.bands else p.numbered_ids  # a real model's 384 columns
        output = NumberMatrix(trace.output, trace.precision, "output", frame_color=theme.output, max_cols=wide, rows=rows)
        out_block = named_block(output, label(common("output"), "body", theme.output, weight="BOLD"))
        times, equals = operator("·"), operator("=")
        if self.bands:  # the band gives way to concat's numbers, first entries and the last
            numbers = NumberMatrix(trace.concat, trace.precision, "concat", row_tokens=trace.tokens, max_cols=wide,
                                   rows=rows)
            numbers = named_block(numbers, label(common("concat"), "body", weight="BOLD"))
            self.fit(self.product_layout(numbers, times, w_block, equals, out_block))
            arrive = FadeTransform(concat, numbers)
        else:
            concat.generate_target()
            concat.target.scale(concat.matrix.cell_height / concat.matrix.rects[0][0].height)  # back to full size
            self.fit(self.product_layout(concat.target, times, w_block, equals, out_block))
            arrive = MoveToTarget(concat)
        return [Beat((arrive,), run_time=1.0),
                Beat((FadeIn(times), FadeIn(w_block, shift=LEFT * 0.3)), run_time=0.9),
                Beat((FadeIn(equals), FadeIn(out_block, shift=LEFT * 0.3)), run_time=0.9)]

    def product_layout(self, left, times, right, equals, result) -> VGroup:
        """"left · right = result" in one row, or "= result" under `left` when that keeps it larger."""
        group = VGroup(left, times, right, equals, result)
        self.place_beside(left, times, right)
        self.place_beside(right, equals, result)
        one_row = self.fit_scale(group)
        if one_row >= MIN_SCALE:
            return group
        result.next_to(left, DOWN, buff=0.45).align_to(left.matrix.frame, LEFT)
        equals.next_to(result.matrix.frame, LEFT, buff=0.3)
        if self.fit_scale(group) < one_row:
            self.place_beside(right, equals, result)
        return group

    @staticmethod
    def place_beside(block, op, other) -> None:
        """`other` right of `block`, matrix frames centred on one line, the operator between them."""
        other.next_to(block, RIGHT, buff=0.7)
        other.shift(UP * (block.matrix.frame.get_y() - other.matrix.frame.get_y()))
        op.move_to((block.matrix.frame.get_right() + other.matrix.frame.get_left()) / 2)

    # Layout -----------------------------------------------------------------------
    def fit_scale(self, group) -> float:
        return self.stage.fit_scale(group, AREA_WIDTH, AREA_HEIGHT)

    def fit(self, group):
        """Shrink (never grow) onto the stage."""
        return self.stage.fit(group, AREA_WIDTH, AREA_HEIGHT)
