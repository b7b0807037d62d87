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
WORK_GAP = 0.35  # between the grid and the working line below it


class DotProductsSegment(ExplainerScene):
    segment = "03-dot-products"

    def construct(self) -> None:
        corner_title(self, "Dot products", f"queries meet keys · head {self.focus_head + 1}")
        trace = self.trace

        self.step("grid", f"Head {self.focus_head + 1} compares every query with every key. Its queries go down the left, its keys "
                          "along the top: each cell of the grid is one query meeting one key.")
        board = self.board()
        self.play(FadeIn(board.q), FadeIn(board.q_title), FadeIn(board.kt, shift=DOWN * 0.3), FadeIn(board.kt_title))
        self.play(FadeIn(board.scores), FadeIn(board.note))
        self.hold_for_caption(1.0)

        self.step("first-row", "A score is a dot product: multiply the query and the key number by number, "
                               "then add. A large score means a good match."
                  + (f" Here {trace.d_k} products each; the numbers shown are rounded." if trace.d_k > 16 else ""))
        self.perform(*self.first_row(board))
        self.hold_for_caption(0.6)

        self.step("all-rows", "The other rows work the same way, one query at a time.")
        self.perform(*self.other_rows(board))
        self.hold_for_caption(0.8)

        self.step("scale", "Longer vectors give larger dot products, so every score is divided by the square root "
                           f"of d_k, the length of a query. Here d_k is {trace.d_k}.")
        scaled, line = self.grid("scaled_scores", board.scores), board.scale_line
        self.play(FadeIn(board.scale_line))
        self.play(FadeTransform(board.scores, scaled), run_time=1.2)
        self.hold_for_caption(1.0)

        if trace.causal:
            self.step("mask", self.mask_caption())
            masked = self.grid("masked_scores", scaled, mask=trace.mask)
            self.play(FadeTransform(board.scale_line, board.mask_line), FadeTransform(scaled, masked), run_time=1.2)
            line = board.mask_line
            self.hold_for_caption(1.2)

        self.step("formula", "In one line: the scores are Q times K transposed, divided by √d_k. "
                             "Next, softmax turns each row into attention weights.")
        self.play(FadeTransform(line, board.formula_line))
        self.hold_for_caption(1.5)

    def mask_caption(self) -> str:
        model = self.presentation.model
        if model is not None and not model.trained_causal:
            return ("Here we add a causal mask: a token may not look at later tokens. Their scores become −∞, "
                    "greyed out above the diagonal. The real model was trained without one: this shows what "
                    "the mask does.")
        return ("This model is causal: a token may not look at later tokens. "
                "Their scores become −∞, greyed out above the diagonal.")

    # Building the board ----------------------------------------------------------
    def grid(self, field: str, like: NumberMatrix | None = None, mask=None) -> NumberMatrix:
        """The focus head's n × n `field` (rows = queries, columns = keys), sized and placed `like` the grid it replaces."""
        trace = self.trace
        grid = NumberMatrix(getattr(self.head_trace, field), trace.precision, f"{self.head_source}.{field}", mask=mask,
                            cell_width=self.cell_width)
        if like is not None:
            grid.scale(like.frame.width / grid.frame.width).move_to(like.frame)
        return grid

    def board(self) -> Board:
        """Q₁ on the left, K₁ᵀ on top, the empty scores grid where they meet, and the working
        line below (sized for its tallest content), scaled to fit the frame."""
        trace, theme, head = self.trace, self.theme, self.head_trace
        self.cell_width = cell_width_for(head.k, head.scores, head.scaled_scores, precision=trace.precision)
        q = NumberMatrix(head.q, trace.precision, f"{self.head_source}.q", row_tokens=trace.tokens, frame_color=theme.query,
                           max_cols=self.presentation.entries(trace.d_k))
        kt = NumberMatrix(head.k.T, trace.precision, f"{self.head_source}.k", col_tokens=trace.tokens, frame_color=theme.key,
                            cell_width=self.cell_width, source_of=lambda r, c: f"{self.head_source}.k[{c}, {r}]",
                            max_rows=self.presentation.entries(trace.d_k))
        scores = hide_values(self.grid("scores"))
        place_product(q, kt, scores, gap=0.35)
        q_title = formula("Q", "heading", theme.query).next_to(q.frame, UP, buff=0.12)
        kt_title = formula(r"K^{\top}", "heading", theme.key).next_to(kt.frame, LEFT, buff=0.3)
        b = VGroup(q, kt, scores, q_title, kt_title)

        note = label("rows = queries,  columns = keys", "label", theme.muted)
        products = [self.product(0, j) for j in range(trace.n_tokens)]
        scale_line = self.scale_line()
        mask_line = label("grey −∞: a token may not look at later tokens", "label", theme.muted)
        formula_line = VGroup(formula(r"\text{Scores} = \frac{Q K^{\top}}{\sqrt{d_k}}"), self.scale_line(with_factor=False))
        formula_line.arrange(RIGHT, buff=0.6)
        lines = [note, *products, scale_line, mask_line, formula_line]
        work_height = max(line.height for line in lines)
        stage = self.stage
        scale = min(1.0, stage.width / b.width, (stage.height - WORK_GAP) / (b.height + work_height))
        b.scale(scale).move_to([0, stage.top - b.height * 1 / 2, 0])
        # The working line's centre: below the grid, in the middle of the space left.
        work_y = b.get_bottom()[1] - WORK_GAP - work_height * scale / 2
        for line in lines:
            line.scale(scale).move_to([0, work_y, 0])
        whole_height = stage.top - (work_y - work_height * scale / 2)
        shift = (stage.height - whole_height) / 2
        for mob in (b, *lines):
            mob.shift(DOWN * shift)
        lit = VGroup(highlight_box(q.row_rect(0)), highlight_box(kt.column_rect(0)), highlight_box(scores.rects[0][0]))
        return Board(*b, q=q, kt=kt, scores=scores, q_title=q_title, kt_title=kt_title, note=note, products=products,
                     scale_line=scale_line, mask_line=mask_line, formula_line=formula_line, lit=lit)

    def product(self, i: int, j: int) -> SpelledProduct:
        """q·k = q₀×k₀ + q₁×k₁ + … = score, from the focus head's shown queries and keys."""
        trace, theme, head = self.trace, self.theme, self.head_trace
        prefix = VGroup(label("q", "cell", theme.query, weight="BOLD"), label("·", "cell", theme.muted),
                        label("k", "cell", theme.key, weight="BOLD"), label("=", "cell", theme.muted)).arrange(RIGHT, buff=0.1)
        p = trace.precision
        return SpelledProduct([(head.q[i, r], p, f"{self.head_source}.q[{i}, {r}]") for r in range(trace.d_k)],
                              [(head.k[j, r], p, f"{self.head_source}.k[{j}, {r}]") for r in range(trace.d_k)],
                              (head.scores[i, j], p, f"{self.head_source}.scores[{i}, {j}]"),
                              left_color=theme.query, right_color=theme.key, prefix=prefix, max_width=self.stage.width)

    def scale_line(self, with_factor: bool = True) -> VGroup:
        """"every score × 1/√d_k = 1/√2 = 0.71": d_k and the factor are trace numbers."""
        trace, theme = self.trace, self.theme
        root = VGroup(label("1/√", "label"), NumberText(trace.d_k, 0, "trace.d_k", "label")).arrange(RIGHT, buff=0.03)
        factor = NumberText(trace.scale, trace.precision, "trace.scale", "label")
        if not with_factor:
            return VGroup(label("with", "label", theme.muted), root, label("=", "label"), factor).arrange(RIGHT, buff=0.15)
        return VGroup(label("every score ×", "label", theme.muted), formula(r"\frac{1}{\sqrt{d_k}}"), label("=", "label"),
                      root, label("=", "label"), factor).arrange(RIGHT, buff=0.15)

    # Filling the grid ------------------------------------------------------------
    def first_row(self, board: Board):
        """Beats, cell by cell: the query row stays lit, the key column moves, the product is spelled out.
        Leaves `board.lit[0]` (the query row's box) lit and the last product with its boxes shown."""
        q, kt, scores, boxes = board.q, board.kt, board.scores, board.lit
        yield Beat((FadeOut(board.note), *(Create(box) for box in boxes)))
        shown = None
        for j, product in enumerate(board.products):
            if j:
                yield Beat((Transform(boxes[1], highlight_box(kt.column_rect(j))),
                            Transform(boxes[2], highlight_box(scores.rects[0][j])), FadeOut(shown)), run_time=0.5)
            at_q = [shown_position(q.col_ids, r) for r in product.term_ids]  # the terms an elided product draws
            at_k = [shown_position(kt.row_ids, r) for r in product.term_ids]
            yield Beat((*(TransformFromCopy(q.numbers[0][c], number) for c, number in zip(at_q, product.left_numbers)),
                        *(TransformFromCopy(kt.numbers[r][j], number) for r, number in zip(at_k, product.right_numbers)),
                        FadeIn(product.operators()), FadeIn(product.result)), run_time=1.2 if j == 0 else 0.7)
            animations, flying = into_cell(product.result, scores, 0, j)
            yield Beat(tuple(animations), run_time=0.8 if j == 0 else 0.5, remove=(flying,))
            shown = product

    def other_rows(self, board: Board):
        """Beats, a row at a time: each query against every key at once."""
        n = self.trace.n_tokens
        keys_box = highlight_box(board.kt.body())
        row_box, done = board.lit[0], VGroup(board.products[-1], board.lit[1:])  # what first_row left shown
        yield Beat((FadeOut(done), Create(keys_box)), run_time=0.6)
        for i in range(1, n):
            yield Beat((Transform(row_box, highlight_box(board.q.row_rect(i))),
                        *reveal(board.scores, [(i, j) for j in range(n)])), run_time=0.6)
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
