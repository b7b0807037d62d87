"""Story · All at once (seed 002, "GPU parallelization"): the word-by-word loop of n² dot
products next to one matrix product. S = X·Xᵀ, W = softmax(S), Y = W·X with their shapes,
and why the matrix form is what runs on a GPU. Grids are colour only: the shapes are the point."""
from __future__ import annotations

from manim import (DOWN, LEFT, PI, RIGHT, UP, Arrow, FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup,
                   Write)

from ..base import corner_title
from ..components import NumberMatrix, NumberText, formula, label, shape_label
from ..components.heatmap import ColorGrid, upright_width
from ..components.parts import Parts
from ..decoder.phrases import worded
from .common import MAX_VECTOR_CELLS, StoryScene

LOOP_CELL = 0.5  # the smallest cell of the grid the loop fills (token chips on its edges)
CHAIN_CELL = 0.36  # the grids of the matrix form: colour only
LOOP_SIDE = 5.0  # a long sentence's loop grid: one colour-only square
CHAIN_SIDE, CHAIN_MIN_WIDTH = 3.0, 0.45  # a long sentence's matrix-form grids


class AllAtOnce(StoryScene):
    segment = "all-at-once"

    def construct(self) -> None:
        trace = self.trace
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("loop", self.words("loop.caption", n=trace.n_tokens))
        loop = self.loop()
        self.play(FadeIn(loop.code), FadeIn(loop.grid.frame), FadeIn(loop.labels))
        self.play(LaggedStart(*(FadeIn(cell) for cell in loop.cells), lag_ratio=0.5), run_time=2.5)
        self.play(FadeIn(loop.count, shift=UP * 0.2))
        self.hold_for_caption(0.6)

        self.step("matrix", self.words("matrix.caption"))
        chain = self.chain()
        self.play(FadeOut(loop.code), FadeOut(loop.count), FadeOut(loop.labels),
                  ReplacementTransform(VGroup(loop.cells, loop.grid.frame), chain.grids[1]),
                  FadeIn(chain.grids[0]), *(FadeIn(chain.parts[k]) for k in (0, 1)), run_time=1.5)
        self.hold_for_caption(0.8)

        self.step("weights", self.words("weights.caption"))
        self.play(FadeIn(chain.parts[2], shift=RIGHT * 0.2), FadeIn(chain.grids[2], shift=RIGHT * 0.2))
        self.play(FadeIn(chain.parts[3], shift=RIGHT * 0.2), FadeIn(chain.grids[3], shift=RIGHT * 0.2))
        self.hold_for_caption(0.8)

        self.step("gpu", self.words("gpu.caption"))
        compare = self.comparison(chain)
        self.play(LaggedStart(*(Write(line) for line in compare), lag_ratio=0.5), run_time=1.6)
        self.hold_for_caption(1.5)

    # Pictures ------------------------------------------------------------------------
    def loop(self) -> Loop:
        """Left: the loop as code and its count; right: the S grid it fills cell by cell."""
        trace, theme = self.trace, self.theme
        code = VGroup(*(label(self.words(f"labels.code_{line}"), "label", theme.ink, mono=True)
                       for line in ("outer", "inner", "body")))
        code.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        code[1].shift(RIGHT * 0.6)  # indentation by shifting: Text drops leading spaces
        code[2].shift(RIGHT * 1.2)
        grid, cells, labels = self.loop_grid()
        n = lambda: NumberText(trace.n_tokens, 0, "trace.n_tokens", "body", color=theme.highlight)
        count = VGroup(n(), label("×", "body", theme.muted), n(), label("=", "body", theme.muted),
                       NumberText(trace.n_pairs, 0, "trace.n_pairs", "body", color=theme.highlight, weight="BOLD"),
                       label(self.words("labels.dot_products"), "body", theme.ink)).arrange(RIGHT, buff=0.15)
        left = VGroup(code, count).arrange(DOWN, buff=0.7, aligned_edge=LEFT)
        group = Loop(left, VGroup(grid, labels), code=code, grid=grid, count=count, cells=cells, labels=labels)
        group.arrange(RIGHT, buff=1.2)
        return self.stage.fit(group, width=13.0, height=6.2, grow=1.0)

    def loop_grid(self) -> tuple[NumberMatrix | ColorGrid, VGroup, VGroup]:
        """The S grid the loop fills, its cells (in filling order) and its labels: with every number
        shown, a cell per pair and the words on its edges; a long sentence's grid is colour only,
        its axes named ("63 words")."""
        trace, theme, n = self.trace, self.theme, self.trace.n_tokens
        if self.presentation.detail == "all":
            # Square cells wide enough for upright key chips when the words are short, at most 5 units in all.
            cell = min(max(upright_width(trace.tokens, limit=1.2) or LOOP_CELL, LOOP_CELL), 5.0 / n)
            grid = NumberMatrix(self.active_plain.similarity, trace.precision, "", show_numbers=False,
                                row_tokens=trace.tokens, col_tokens=trace.tokens, cell_width=cell, cell_height=cell)
            return grid, grid.cells, VGroup(grid.row_labels, grid.col_labels)
        grid = ColorGrid(self.active_plain.similarity, width=LOOP_SIDE, height=LOOP_SIDE)
        words = lambda: VGroup(*(piece if not isinstance(piece, str) else label(piece, "small", theme.muted)
                                 for piece in worded(self.words, "labels.axis_words", n=NumberText(
                                     n, 0, "trace.n_tokens", "small", color=theme.muted)))).arrange(RIGHT, buff=0.1)
        across = words().next_to(grid.frame, UP, buff=0.15)
        down = words().rotate(PI / 2).next_to(grid.frame, LEFT, buff=0.15)
        return grid, grid.buckets, VGroup(across, down)

    def chain(self) -> Chain:
        """X → S = X·Xᵀ → W = softmax(S) → Y = W·X: grids with formulas above and shapes below."""
        trace, plain, theme = self.trace, self.active_plain, self.theme
        n, d = trace.n_tokens, trace.d_model
        grid = lambda values, coloring="value", cols=None: self.chain_grid(values, coloring, cols)
        grids = [grid(trace.x, cols=MAX_VECTOR_CELLS), grid(plain.similarity), grid(plain.weights, "weight"),
                 grid(plain.output, cols=MAX_VECTOR_CELLS)]
        texts = (r"X", r"S = X\,X^{\top}", r"W = \mathrm{softmax}(S)", r"Y = W\,X")
        shapes = ((n, d), (n, n), (n, n), (n, d))
        parts = []
        for k, (matrix, tex, (rows, cols)) in enumerate(zip(grids, texts, shapes)):
            title = formula(tex, "label").next_to(matrix.frame, UP, buff=0.2)
            shape = shape_label(rows, cols).next_to(matrix.frame, DOWN, buff=0.15)
            parts.append(VGroup(title, shape))
        chain = VGroup(*(VGroup(g, p) for g, p in zip(grids, parts))).arrange(RIGHT, buff=1.1)
        for link in chain[1:]:  # frames on one line (every grid has n rows), so the arrows run level
            link.shift(UP * (chain[0][0].frame.get_y() - link[0].frame.get_y()))
        arrows = [Arrow(a[0].frame.get_right(), b[0].frame.get_left(), buff=0.15, color=theme.muted, stroke_width=3,
                        max_tip_length_to_length_ratio=0.2) for a, b in zip(chain[:-1], chain[1:])]
        for arrow, part in zip(arrows, parts[1:]):
            part.add(arrow)
        self.stage.fit(chain, width=13.0, height=3.6, grow=1.6).shift(UP * 0.9)
        return Chain(*chain, grids=grids, parts=parts)

    def chain_grid(self, values, coloring: str, cols: int | None) -> NumberMatrix | ColorGrid:
        """One grid of the matrix form, colour only: a cell per entry, or for a long sentence one
        ColorGrid CHAIN_SIDE tall (never thinner than CHAIN_MIN_WIDTH) instead of n² squares."""
        if self.presentation.detail == "all":
            return NumberMatrix(values, self.trace.precision, "", coloring=coloring, show_numbers=False,
                                cell_width=CHAIN_CELL, cell_height=CHAIN_CELL, max_cols=cols)
        rows, count = values.shape
        cell = CHAIN_SIDE / rows
        return ColorGrid(values, width=max(CHAIN_MIN_WIDTH, cell * count), height=CHAIN_SIDE, coloring=coloring)

    def comparison(self, chain: Chain) -> VGroup:
        """Loop against matrix form, in words, under the chain."""
        trace, theme = self.trace, self.theme
        lines = VGroup(
            self.headed(worded(self.words, "labels.loop_line", pairs=NumberText(
                trace.n_pairs, 0, "trace.n_pairs", "label", color=theme.highlight))),
            self.headed(worded(self.words, "labels.matrix_line")),
        )
        for line in lines:
            line.arrange(RIGHT, buff=0.18)
        lines.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        lines.next_to(chain, DOWN, buff=0.7)
        if lines.width > 13.0:
            lines.scale_to_fit_width(13.0)
        return lines.set_x(0)

    def headed(self, pieces: list) -> VGroup:
        """A comparison line: its words up to the first colon muted (the head), the rest in ink."""
        first, *others = pieces
        head, colon, rest = first.partition(":")
        tail = ([rest.strip()] if rest.strip() else []) + others
        return VGroup(label(head + colon, "label", self.theme.muted),
                      *(label(p, "label", self.theme.ink) if isinstance(p, str) else p for p in tail))


# Parts of the pictures ------------------------------------------------------------
class Loop(Parts):
    """The double loop as code with its count (left) and the grid it fills (right).
    Parts: `code` (three lines), `grid` (NumberMatrix or ColorGrid, colour only), `count` ("n × n =
    n² dot products"), `cells` (what the loop fills in, in order), `labels` (the grid's words or axis names)."""
    code: VGroup
    grid: NumberMatrix | ColorGrid
    count: VGroup
    cells: VGroup
    labels: VGroup


class Chain(Parts):
    """X → S → W → Y, each grid with its formula and shape (the members: a group per grid).
    Parts: `grids` (the four NumberMatrix), `parts` (each grid's formula and shape, and the arrow into it)."""
    grids: list[NumberMatrix]
    parts: list[VGroup]
