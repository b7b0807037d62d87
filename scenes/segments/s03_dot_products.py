"""Segment 3 · Dot products: the focus head's QKᵀ grid filled cell by cell (first row) and row by
row, scaled by 1/√d_k, and, when causal, masked above the diagonal. A real model's 32-dim
heads show their first entries, an ellipsis and the last."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, FadeTransform, MathTex, Transform,
                   TransformFromCopy, VGroup)

from ..base import Beat, ExplainerScene, corner_title
from ..components import NumberMatrix, NumberText, formula, highlight_box, label
from ..components.parts import Parts
from ..components.text import FlatText
from ..components.products import (SpelledProduct, cell_width_for, hide_values, into_cell, place_product, reveal,
                                   shown_position)
from .s03_colour import ColourBoard, ColourScores
from ..words import sentences

WORK_GAP = 0.35  # between the grid and the working line below it


class DotProductsSegment(ColourScores, ExplainerScene):
    segment = "03-dot-products"

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle", head=self.focus_head + 1))
        trace = self.trace

        self.step("grid", self.words("grid.caption", head=self.focus_head + 1))
        board = self.colour_board() if self.colour else self.board()
        self.play(FadeIn(board.q), FadeIn(board.q_title), FadeIn(board.kt, shift=DOWN * 0.3), FadeIn(board.kt_title))
        self.play(FadeIn(board.scores), FadeIn(board.note))
        self.hold_for_caption(1.0)

        self.step("first-row", self.first_row_caption())
        self.perform(*(self.colour_first_row(board) if self.colour else self.first_row(board)))
        self.hold_for_caption(0.6)

        self.step("all-rows", sentences(self.words("all-rows.caption"),
                                       self.words("all-rows.rest") if self.presentation.detail != "all" else ""))
        full = self.colour_regrid(board, VGroup(board.empty, board.callout.matrix), "scores")[0] if self.colour else None
        self.perform(*(self.colour_other_rows(board, full) if self.colour else self.other_rows(board)))
        shown = VGroup(full, board.callout.matrix) if self.colour else board.scores
        self.hold_for_caption(0.8)

        self.step("scale", self.words("scale.caption", d_k=trace.d_k))
        scaled, line = self.regrid(board, shown, "scaled_scores"), board.scale_line
        self.play(FadeIn(board.scale_line))
        self.play(FadeTransform(shown, scaled), run_time=1.2)
        self.hold_for_caption(1.0)

        if trace.causal:
            self.step("mask", self.mask_caption())
            masked = self.regrid(board, scaled, "masked_scores", mask=trace.mask)
            self.play(FadeTransform(board.scale_line, board.mask_line), FadeTransform(scaled, masked), run_time=1.2)
            line = board.mask_line
            self.hold_for_caption(1.2)

        self.step("formula", self.words("formula.caption"))
        self.play(FadeTransform(line, board.formula_line))
        self.hold_for_caption(1.5)

    @property
    def colour(self) -> bool:
        """17–64 tokens: the grid is colour only, the focus row's numbers in a callout."""
        return self.presentation.detail == "colour"

    @property
    def worked_row(self) -> int:
        """The query whose row is spelled out: the first, or with many tokens the followed one."""
        return 0 if self.presentation.detail == "all" else self.presentation.focus_query

    def spelled_keys(self) -> list[int]:
        """The keys whose products with the worked query are spelled out one at a time."""
        keys = [j for j in self.presentation.token_ids() if j is not None]
        return keys[:self.presentation.one_by_one]

    def first_row_caption(self) -> str:
        caption = [self.words("first-row.caption")]
        if self.trace.d_k > 16:
            caption.append(self.words("first-row.many", d_k=self.trace.d_k))
        if self.presentation.detail != "all":
            token = self.trace.tokens[self.worked_row]
            caption.append(self.words("first-row.follow", query=self.worked_row + 1, token=token))
        return sentences(*caption)

    def regrid(self, board, shown, field: str, mask=None):
        """What shows `field` in place of `shown` (the grid, and with colour the callout's numbers)."""
        if self.colour:
            return self.colour_regrid(board, shown, field, mask)
        return self.grid(field, shown, mask)

    def mask_caption(self) -> str:
        model = self.presentation.model
        if self.trace.window:
            return self.words("mask.window", window=self.trace.window, back=self.trace.window - 1)
        if model is not None and not model.trained_causal:
            return self.words("mask.added")
        return self.words("mask.caption")

    # Building the board ----------------------------------------------------------
    def grid(self, field: str, like: NumberMatrix | None = None, mask=None) -> NumberMatrix:
        """The focus head's n × n `field` (rows = queries, columns = keys), sized and placed `like` the grid it replaces."""
        trace = self.trace
        ids = self.presentation.token_ids()
        grid = NumberMatrix(getattr(self.head_trace, field), trace.precision, f"{self.head_source}.{field}", mask=mask,
                            cell_width=self.cell_width, rows=ids, cols=ids)
        if like is not None:
            grid.scale(like.frame.width / grid.frame.width).move_to(like.frame)
        return grid

    def board(self) -> Board:
        """Q₁ on the left, K₁ᵀ on top, the empty scores grid where they meet, and the working
        line below (sized for its tallest content), scaled to fit the frame."""
        trace, theme, head = self.trace, self.theme, self.head_trace
        self.cell_width = cell_width_for(head.k, head.scores, head.scaled_scores, precision=trace.precision)
        ids = self.presentation.token_ids()
        q = NumberMatrix(head.q, trace.precision, f"{self.head_source}.q", row_tokens=trace.tokens, frame_color=theme.query,
                         max_cols=self.presentation.entries(trace.d_k), rows=ids)
        kt = NumberMatrix(head.k.T, trace.precision, f"{self.head_source}.k", col_tokens=trace.tokens, frame_color=theme.key,
                          cell_width=self.cell_width, source_of=lambda r, c: f"{self.head_source}.k[{c}, {r}]",
                          max_rows=self.presentation.entries(trace.d_k), cols=ids)
        scores = hide_values(self.grid("scores"))
        place_product(q, kt, scores, gap=0.35)
        q_title = formula("Q", "heading", theme.query).next_to(q.frame, UP, buff=0.12)
        kt_title = formula(r"K^{\top}", "heading", theme.key).next_to(kt.frame, LEFT, buff=0.3)
        b = VGroup(q, kt, scores, q_title, kt_title)

        products = [self.product(self.worked_row, j) for j in self.spelled_keys()]
        lines = self.work_lines(products)
        note, scale_line, mask_line, formula_line = lines[0], *lines[-3:]
        work_height = max(line.height for line in lines)
        stage = self.stage
        # Room at the sides for a highlight box around the first or last column (it sits just outside the cells).
        scale = min(1.0, (stage.width - 0.12) / b.width, (stage.height - WORK_GAP) / (b.height + work_height))
        b.scale(scale).move_to([0, stage.top - b.height * 1 / 2, 0])
        # The working line's centre: below the grid, in the middle of the space left.
        work_y = b.get_bottom()[1] - WORK_GAP - work_height * scale / 2
        for line in lines:
            line.scale(scale).move_to([0, work_y, 0])
        whole_height = stage.top - (work_y - work_height * scale / 2)
        shift = (stage.height - whole_height) / 2
        for mob in (b, *lines):
            mob.shift(DOWN * shift)
        r0 = scores.row_ids.index(self.worked_row)
        lit = VGroup(highlight_box(q.row_rect(r0)), highlight_box(kt.column_rect(0)), highlight_box(scores.rects[r0][0]))
        return Board(*b, q=q, kt=kt, scores=scores, q_title=q_title, kt_title=kt_title, note=note, products=products,
                     scale_line=scale_line, mask_line=mask_line, formula_line=formula_line, lit=lit)

    def work_lines(self, products: list[SpelledProduct]) -> list:
        """The lines shown one at a time under the grid: the note, the products, × 1/√d_k, the
        mask's note and the formula."""
        theme = self.theme
        note = label(self.words("labels.note"), "label", theme.muted)
        window = self.trace.window
        mask_line = label(self.words("labels.mask_window", back=window - 1, window=window) if window
                          else self.words("labels.mask"), "label", theme.muted)
        # The word in the lesson's font (TeX sets no Hindi or Japanese), the fraction in TeX.
        scores = VGroup(label(self.words("labels.scores"), "heading"),
                        formula(r"= \frac{Q K^{\top}}{\sqrt{d_k}}", "heading")).arrange(RIGHT, buff=0.2)
        formula_line = VGroup(scores, self.scale_line(with_factor=False))
        formula_line.arrange(RIGHT, buff=0.6)
        return [note, *products, self.scale_line(), mask_line, formula_line]

    def product(self, i: int, j: int, max_width: float | None = None) -> SpelledProduct:
        """q·k = q₀×k₀ + q₁×k₁ + … = score, from the focus head's shown queries and keys."""
        trace, theme, head = self.trace, self.theme, self.head_trace
        prefix = VGroup(label("q", "cell", theme.query, weight="BOLD"), label("·", "cell", theme.muted),
                        label("k", "cell", theme.key, weight="BOLD"), label("=", "cell", theme.muted)).arrange(RIGHT, buff=0.1)
        p = trace.precision
        return SpelledProduct([(head.q[i, r], p, f"{self.head_source}.q[{i}, {r}]") for r in range(trace.d_k)],
                              [(head.k[j, r], p, f"{self.head_source}.k[{j}, {r}]") for r in range(trace.d_k)],
                              (head.scores[i, j], p, f"{self.head_source}.scores[{i}, {j}]"),
                              left_color=theme.query, right_color=theme.key, prefix=prefix,
                              max_width=max_width or self.stage.width)

    def scale_line(self, with_factor: bool = True) -> VGroup:
        """"every score × 1/√d_k = 1/√2 = 0.71": d_k and the factor are trace numbers."""
        trace, theme = self.trace, self.theme
        root = VGroup(label("1/√", "label"), NumberText(trace.d_k, 0, "trace.d_k", "label")).arrange(RIGHT, buff=0.03)
        factor = NumberText(trace.scale, trace.precision, "trace.scale", "label")
        if not with_factor:
            return VGroup(label(self.words("labels.with"), "label", theme.muted), root, label("=", "label"), factor).arrange(RIGHT, buff=0.15)
        return VGroup(label(self.words("labels.every_score"), "label", theme.muted), formula(r"\frac{1}{\sqrt{d_k}}", "heading"), label("=", "label"),
                      root, label("=", "label"), factor).arrange(RIGHT, buff=0.15)

    # Filling the grid ------------------------------------------------------------
    def first_row(self, board: Board):
        """Beats, cell by cell: the query row stays lit, the key column moves, the product is spelled
        out; the row's other cells (with many tokens) then at once. Leaves `board.lit[0]` (the query
        row's box) lit and the last product with its boxes shown."""
        q, kt, scores, boxes = board.q, board.kt, board.scores, board.lit
        r0 = scores.row_ids.index(self.worked_row)
        yield Beat((FadeOut(board.note), *(Create(box) for box in boxes)))
        spelled = [c for c, j in enumerate(scores.col_ids) if j is not None][:len(board.products)]
        shown = None
        for c, product in zip(spelled, board.products):
            if shown:
                yield Beat((Transform(boxes[1], highlight_box(kt.column_rect(c))),
                            Transform(boxes[2], highlight_box(scores.rects[r0][c])), FadeOut(shown)), run_time=0.5)
            at_q = [shown_position(q.col_ids, r) for r in product.term_ids]  # the terms an elided product draws
            at_k = [shown_position(kt.row_ids, r) for r in product.term_ids]
            yield Beat((*(TransformFromCopy(q.numbers[r0][k], number) for k, number in zip(at_q, product.left_numbers)),
                        *(TransformFromCopy(kt.numbers[r][c], number) for r, number in zip(at_k, product.right_numbers)),
                        FadeIn(product.operators()), FadeIn(product.result)), run_time=0.7 if shown else 1.2)
            animations, flying = into_cell(product.result, scores, r0, c)
            yield Beat(tuple(animations), run_time=0.5 if shown else 0.8, remove=(flying,))
            shown = product
        rest = [(r0, c) for c in range(scores.n_cols) if c not in spelled]
        if rest:
            yield Beat(tuple(reveal(scores, rest)), run_time=0.8)

    def other_rows(self, board: Board):
        """Beats, a row at a time (with many tokens a few rows, then the rest at once): each query
        against every key at once."""
        scores = board.scores
        r0 = scores.row_ids.index(self.worked_row)
        keys_box = highlight_box(board.kt.body())
        row_box, done = board.lit[0], VGroup(board.products[-1], board.lit[1:])  # what first_row left shown
        yield Beat((FadeOut(done), Create(keys_box)), run_time=0.6)
        rows = [r for r in range(scores.n_rows) if r != r0]
        one_by_one = [r for r in rows if scores.row_ids[r] is not None][:self.presentation.one_by_one]
        for r in one_by_one:
            yield Beat((Transform(row_box, highlight_box(board.q.row_rect(r))),
                        *reveal(scores, [(r, c) for c in range(scores.n_cols)])), run_time=0.6)
        rest = [(r, c) for r in rows if r not in one_by_one for c in range(scores.n_cols)]
        if rest:
            yield Beat(tuple(reveal(scores, rest)), run_time=0.8)
        yield Beat((FadeOut(row_box), FadeOut(keys_box)), run_time=0.5)


# Parts of the pictures ------------------------------------------------------------
class Board(Parts):
    """Q on the left, Kᵀ on top, the scores grid where they meet (the members, with the titles),
    and the working lines shown one at a time below. Parts: `q`, `kt`, `scores` (NumberMatrix),
    `q_title`, `kt_title`, `note` (rows and columns), `products` (query 0 with each key, spelled
    out), `scale_line` (× 1/√d_k), `mask_line`, `formula_line`, `lit` (boxes on Q's row 0, Kᵀ's
    column 0 and the scores' cell (0, 0))."""
    q: NumberMatrix
    kt: NumberMatrix
    scores: NumberMatrix
    q_title: MathTex
    kt_title: MathTex
    note: FlatText
    products: list[SpelledProduct]
    scale_line: VGroup
    mask_line: FlatText
    formula_line: VGroup
    lit: VGroup
