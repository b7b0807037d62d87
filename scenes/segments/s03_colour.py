"""Segment 3 for 17–64 tokens: the scores grid as colour only (a 64 × 64 grid is a few dozen
mobjects, never 4,096 cells of text), filled a row strip at a time, with the focus query's row of
numbers in a zoomed callout beside it. The segment class mixes this in; `construct` plays it."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Line, Rectangle, Transform, VGroup

from ..base import Beat
from ..components import NumberMatrix, TokenChip, formula, highlight_box, label
from ..components.heatmap import ColorGrid
from ..components.parts import Parts
from ..components.products import SpelledProduct, cell_width_for, hide_values, into_cell, reveal
from ..components.text import FlatText

GRID_SIDE = 4.0  # the n × n grid, before fitting: 64 cells of 0.06 units (6 px at 720p), colour only
QK_DEPTH = 0.9  # Q's width and Kᵀ's height (d_k columns or rows of colour)
CALLOUT_GAP = 0.6  # between the grid and the callout (room for the zoom lines)


class ColourScores:
    """The colour-only board's builders and beats (mixed into DotProductsSegment)."""

    def colour_grid(self, field: str, mask=None) -> ColorGrid:
        values = getattr(self.head_trace, field)
        return ColorGrid(values, width=GRID_SIDE, height=GRID_SIDE, mask=mask)

    def callout_row(self, field: str, mask=None) -> NumberMatrix:
        """The focus query's row of `field` on the drawn key columns, numbers in cells."""
        trace, f = self.trace, self.presentation.focus_query
        values = getattr(self.head_trace, field)[f:f + 1]
        return NumberMatrix(values, trace.precision, "", cell_width=self.cell_width,
                            mask=None if mask is None else mask[f:f + 1], col_tokens=trace.tokens,
                            cols=self.presentation.token_ids(), ellipsis_width=0.45,
                            source_of=lambda i, j: f"{self.head_source}.{field}[{f}, {j}]")

    def colour_board(self) -> ColourBoard:
        """Q (n × d_k) and Kᵀ (d_k × n) as colour around the empty n × n grid; the focus
        query's chip beside its row; the callout of its scores on the right; the working
        lines under the callout. Fitted to the stage."""
        trace, theme, head, n = self.trace, self.theme, self.head_trace, self.trace.n_tokens
        f = self.presentation.focus_query
        # Only the focus row's numbers are drawn (in the callout): its widest sets the cells.
        self.cell_width = cell_width_for(head.scores[f], head.scaled_scores[f], precision=trace.precision)
        empty = Rectangle(width=GRID_SIDE, height=GRID_SIDE, fill_color=theme.cell_fill, fill_opacity=1,
                          stroke_color=theme.ink, stroke_width=2)
        q = ColorGrid(head.q, width=QK_DEPTH, height=GRID_SIDE, frame_color=theme.query)
        kt = ColorGrid(head.k.T, width=GRID_SIDE, height=QK_DEPTH, frame_color=theme.key)
        q.next_to(empty, LEFT, buff=0.2)
        kt.next_to(empty, UP, buff=0.2)
        q_title = formula("Q", "heading", theme.query).next_to(q, DOWN, buff=0.15)
        kt_title = formula(r"K^{\top}", "heading", theme.key).next_to(kt, LEFT, buff=0.3)
        chip = TokenChip(trace.tokens[f], f, max_width=1.6, size="small")
        chip.next_to(q.row_span(f, f + 1), LEFT, buff=0.15)
        sizes = VGroup(label(self.words("labels.queries_down", n=n), "small", theme.muted),
                       label(self.words("labels.keys_across", n=n), "small", theme.muted))
        sizes[0].next_to(empty, DOWN, buff=0.12).align_to(empty, LEFT)
        sizes[1].next_to(kt, UP, buff=0.1).align_to(kt, LEFT)
        board = VGroup(q, kt, empty, q_title, kt_title, chip, sizes)
        board.scale(min(1.0, (self.stage.height - 0.1) / board.height)).move_to(self.stage.centre)
        board.align_to([self.stage.left + 0.1, 0, 0], LEFT)

        callout = self.callout(empty, q, f)
        keys = self.spelled_keys()
        products = [self.product(f, j, max_width=self.work_width(empty)) for j in keys]
        key_box = highlight_box(kt.column_span(keys[0], keys[0] + 1), buff=0.02)
        work = self.work_lines(products)
        self.place_work(empty, callout, work)
        return ColourBoard(*board, q=q, kt=kt, empty=empty, scores=VGroup(empty, chip, sizes), q_title=q_title,
                           kt_title=kt_title, callout=callout, note=work[0], products=products, scale_line=work[-3],
                           mask_line=work[-2], formula_line=work[-1], key_box=key_box,
                           strips=[])

    def callout(self, empty: Rectangle, q: ColorGrid, f: int) -> Callout:
        """The focus row's numbers, boxed to the right of the grid, lines from the row to the box."""
        theme, n = self.theme, self.trace.n_tokens
        matrix = hide_values(self.callout_row("scores"))
        heading = label(self.words("labels.zoomed", query=f + 1, n=n), "small", theme.muted)
        inner = VGroup(heading, matrix).arrange(DOWN, buff=0.25)
        room = self.stage.right - (empty.get_right()[0] + CALLOUT_GAP) - 0.3
        inner.scale(min(1.0, room / inner.width))
        box = Rectangle(width=inner.width + 0.3, height=inner.height + 0.3, stroke_color=theme.highlight,
                        stroke_width=3)
        box.move_to(inner).next_to(empty, RIGHT, buff=CALLOUT_GAP)
        row_y = empty.get_top()[1] - empty.height * (f + 0.5) / n
        box.set_y(min(max(row_y, self.stage.bottom + 2.2 + box.height / 2), self.stage.top - box.height / 2))
        inner.move_to(box)
        span = Rectangle(width=empty.get_right()[0] - q.get_left()[0], height=empty.height / n)
        row = highlight_box(span.move_to([(empty.get_right()[0] + q.get_left()[0]) / 2, row_y, 0]), buff=0.02)
        lines = VGroup(Line(row.get_corner(UP + RIGHT), box.get_corner(UP + LEFT)),
                       Line(row.get_corner(DOWN + RIGHT), box.get_corner(DOWN + LEFT)))
        lines.set_stroke(theme.highlight, width=2)
        return Callout(box, inner, row, lines, matrix=matrix, heading=heading, box=box, row_box=row, lines=lines)

    def place_work(self, empty: Rectangle, callout: Callout, lines: list) -> None:
        """The working lines under the callout (above it when the callout sits low), in the
        right-hand column."""
        left = empty.get_right()[0] + CALLOUT_GAP
        width = self.work_width(empty)
        below = callout.box.get_bottom()[1] - self.stage.bottom
        for line in lines:
            line.scale(min(1.0, width / line.width))
            if below > line.height + 0.4:
                line.move_to([left + width / 2, callout.box.get_bottom()[1] - 0.3 - line.height / 2, 0])
            else:
                line.move_to([left + width / 2, callout.box.get_top()[1] + 0.3 + line.height / 2, 0])

    def work_width(self, empty: Rectangle) -> float:
        return self.stage.right - (empty.get_right()[0] + CALLOUT_GAP) - 0.1

    # Beats ------------------------------------------------------------------------
    def colour_first_row(self, board: ColourBoard):
        """The focus query's first few drawn keys spelled out into the callout, then the rest of
        its row at once (callout numbers and the grid's row strip)."""
        callout, f = board.callout, self.presentation.focus_query
        yield Beat((FadeOut(board.note), Create(callout.box), Create(callout.row_box), *map(Create, callout.lines),
                    FadeIn(callout.heading), FadeIn(callout.matrix)))
        columns = callout.matrix.col_ids
        spelled = [c for c, j in enumerate(columns) if j is not None][:len(board.products)]
        shown = None
        for c, product in zip(spelled, board.products):
            j = columns[c]
            box = highlight_box(board.kt.column_span(j, j + 1), buff=0.02)
            yield Beat((*([FadeOut(shown), Transform(board.key_box, box)] if shown else [Create(board.key_box)]),
                        FadeIn(product, shift=UP * 0.2)), run_time=0.8)
            animations, flying = into_cell(product.result, callout.matrix, 0, c)
            yield Beat(tuple(animations), run_time=0.5, remove=(flying,))
            shown = product
        rest = [(0, c) for c in range(callout.matrix.n_cols) if c not in spelled]
        strip = self.row_strip(board, "scores", f)
        yield Beat((*reveal(callout.matrix, rest), FadeIn(strip)), run_time=0.8, add=(callout.row_box,))
        board.strips.append(strip)

    def colour_other_rows(self, board: ColourBoard, full: ColorGrid):
        """A few more rows one strip at a time, then the whole grid at once."""
        n, f = self.trace.n_tokens, self.presentation.focus_query
        rows = [i for i in range(n) if i != f][:self.presentation.one_by_one]
        yield Beat((FadeOut(board.products[-1]), FadeOut(board.key_box)), run_time=0.5)
        row_box = None
        for i in rows:
            strip = self.row_strip(board, "scores", i)
            box = highlight_box(board.q.row_span(i, i + 1), buff=0.02)
            yield Beat((Transform(row_box, box) if row_box else Create(box), FadeIn(strip)), run_time=0.6,
                       add=(board.callout.row_box,))
            row_box = row_box or box
            board.strips.append(strip)
        yield Beat((FadeIn(full), *([FadeOut(row_box)] if row_box else [])), run_time=0.8,
                   remove=tuple(board.strips), add=(board.callout.row_box,))

    def row_strip(self, board: ColourBoard, field: str, i: int) -> ColorGrid:
        """Row i of the grid alone, coloured on the whole grid's scale, laid over its place."""
        values = getattr(self.head_trace, field)
        empty, n = board.empty, self.trace.n_tokens
        strip = ColorGrid(values[i:i + 1], width=empty.width, height=empty.height / n,
                          value_scale=float(abs(values).max()) or 1.0, stroke_width=0)
        return strip.move_to([empty.get_x(), empty.get_top()[1] - empty.height * (i + 0.5) / n, 0])

    def colour_regrid(self, board: ColourBoard, shown: VGroup, field: str, mask=None) -> VGroup:
        """The grid and the callout's numbers showing `field` instead, each in the other's place."""
        grid = self.colour_grid(field, mask)
        grid.scale(board.empty.width / grid.frame.width).move_to(board.empty)
        old = shown[1]
        row = self.callout_row(field, mask)
        row.scale(old.frame.width / row.frame.width).move_to(old)
        return VGroup(grid, row)


class Callout(Parts):
    """The focus query's scores as numbers in a box beside the colour grid. Parts: `matrix`
    (its drawn key columns), `heading`, `box`, `row_box` (the row on Q and the grid), `lines` (row → box)."""
    matrix: NumberMatrix
    heading: FlatText
    box: Rectangle
    row_box: Rectangle
    lines: VGroup


class ColourBoard(Parts):
    """Q and Kᵀ as colour, the empty grid with the focus chip and the sizes (the members), and,
    drawn later, the callout and the working lines. Parts: `q`, `kt` (ColorGrid), `empty`,
    `scores` (the empty grid, chip and sizes), `q_title`, `kt_title`, `callout`, `note`,
    `products` (the focus query with its first drawn keys, spelled out), `scale_line`,
    `mask_line`, `formula_line`, `key_box` (on the key being spelled), `strips` (row strips on screen until the whole grid covers them)."""
    q: ColorGrid
    kt: ColorGrid
    empty: Rectangle
    scores: VGroup
    q_title: VGroup
    kt_title: VGroup
    callout: Callout
    note: FlatText
    products: list[SpelledProduct]
    scale_line: VGroup
    mask_line: FlatText
    formula_line: VGroup
    key_box: Rectangle
    strips: list
