"""Segment 2 · Projections: X·W_Q, X·W_K, X·W_V → Q, K, V, with one number of Q spelled out,
then Q, K, V side by side and the columns the focus head uses.

A real model's 384 dimensions show their first entries, an ellipsis and the last; its learned
biases appear as "+ b"; Q, K and V then appear as colour bands cut into the heads' slices."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Brace, Create, FadeIn, FadeOut, FadeTransform, LaggedStart, MathTex,
                   ReplacementTransform, TransformFromCopy, VGroup, VMobject, Write)

from ..base import Beat, ExplainerScene, corner_title
from ..components import NumberMatrix, formula, highlight_box, label, shape_label
from ..components.matrix import kept_indices, shown_decimals
from ..components.head_columns import HeadColumns
from ..components.heatmap import ColorGrid, band_scale, head_marks
from ..presentation import SHOWN_TERMS
from ..words import sentences
from .projection_parts import QKV, Projection, RoleArrays, role_arrays
from ..components.products import (SpelledProduct, bias_of, cell_width_for, hide_values, into_cell, place_product,
                                   reveal, shown_position)

BAND_WIDTH = 11.0  # Q's colour band (a shared K and V: to scale)
BAND_HEIGHT = 1.7  # the tallest a Q, K or V colour band gets (three stacked fill the stage)
TEX_NAMES = {"q": ("Q", "W_Q"), "k": ("K", "W_K"), "v": ("V", "W_V")}


class ProjectionsSegment(ExplainerScene):
    segment = "02-projections"

    def setup(self) -> None:
        super().setup()
        from ..context import active_grouped_query

        self.grouped = active_grouped_query()  # K and V at their true width when heads share them
        self.traces = {"grouped_query": self.grouped} if self.grouped else {}

    def role(self, role: str) -> RoleArrays:
        return role_arrays(self.trace, self.grouped, role, self.focus_head)

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle"))
        trace = self.trace

        self.step("query", self.words("query.caption"))
        grid = self.projection("q")
        self.play(FadeIn(grid.x), FadeIn(grid.x_title))
        self.play(FadeIn(grid.w, shift=DOWN * 0.3), FadeIn(grid.w_title), FadeIn(grid.result),
                  FadeIn(grid.result_title), Write(grid.equation))
        self.hold_for_caption(0.8)

        self.step("one-number", self.one_number_caption())
        self.perform(*self.spell_out(grid))
        self.hold_for_caption(1.0)

        self.step("all-queries", self.words("all-queries.caption"))
        rest = [(r, c) for r in range(grid.result.n_rows) for c in range(grid.result.n_cols) if (r, c) != (0, 0)]
        self.play(FadeOut(grid.product), FadeOut(grid.boxes), *reveal(grid.result, rest), run_time=1.2)
        self.hold_for_caption(0.8)

        self.step("keys", self.words("keys.caption"))
        grid, beats = self.swap_weights(grid, self.projection("k", revealed=True))
        self.perform(*beats)
        self.hold_for_caption(0.8)
        self.step("values", self.words("values.caption"))
        grid, beats = self.swap_weights(grid, self.projection("v", revealed=True))
        self.perform(*beats)
        self.hold_for_caption(0.8)

        self.step("qkv", sentences(self.words("qkv.caption"), *self.qkv_caption()))
        qkv = self.qkv_bands() if self.bands else self.qkv_row()
        self.play(FadeOut(VGroup(grid.x, grid.x_title, grid.w, grid.w_title, grid.equation)),
                  (FadeTransform if self.bands else ReplacementTransform)(VGroup(grid.result, grid.result_title),
                                                                          qkv.matrices[2]))
        self.play(LaggedStart(*(FadeIn(m, shift=RIGHT * 0.3) for m in qkv.matrices[:2]), lag_ratio=0.3))
        self.hold_for_caption(1.0)

        head = self.focus_head + 1
        self.step(f"head-{head}", self.head_caption())
        self.play(*(Create(box) for box in qkv.head_boxes), *(FadeIn(b) for b in qkv.braces), FadeIn(qkv.head_label))
        self.hold_for_caption(1.5)

    # Captions -------------------------------------------------------------------
    @property
    def bands(self) -> bool:
        """Q, K and V too wide for numbers (a real model's 384 columns): drawn as colour bands."""
        return self.presentation.bands

    def one_number_caption(self) -> str:
        caption = [self.words("one-number.caption")]
        if bias_of(self.trace, "b_q") is not None:
            caption.append(self.words("one-number.bias"))
        if self.trace.d_model > 16:
            caption.append(self.words("one-number.many", d=self.trace.d_model))
        return sentences(*caption)

    def qkv_caption(self) -> list[str]:
        """The sentences after the qkv step's first: how wide Q, K and V are, and their colours."""
        trace, grouped = self.trace, self.grouped
        if grouped is None:
            return [self.words("qkv.bands", d=trace.d_attention)] if self.bands else []
        shared = trace.n_heads // grouped.n_kv_heads
        said = self.words("qkv.grouped_many" if grouped.n_kv_heads > 1 else "qkv.grouped_one", d=trace.d_attention,
                          kv=grouped.k.shape[1], n_kv=grouped.n_kv_heads, d_k=trace.d_k, shared=shared)
        return [said, *([self.words("qkv.colour")] if self.bands else [])]

    def head_caption(self) -> str:
        trace, h = self.trace, self.focus_head
        first, last = h * trace.d_k + 1, (h + 1) * trace.d_k
        columns = self.words("head.first_columns", d_k=trace.d_k) if h == 0 else \
            self.words("head.columns", first=first, last=last)
        if self.grouped is not None:
            g = self.grouped.kv_head_of_query[h]
            return self.words("head.grouped", n_heads=trace.n_heads, n_kv=self.grouped.n_kv_heads, head=h + 1,
                              columns=columns, kv_head=g + 1, kv_first=g * trace.d_k + 1, kv_last=(g + 1) * trace.d_k)
        return self.words("head.caption", n_heads=trace.n_heads, head=h + 1, columns=columns)

    # Building the pictures ------------------------------------------------------
    def _shared_width(self, w_ids, ids, wide) -> float:
        """One cell width for W and its product (their columns line up), wide enough for the decimals
        each drawn part chooses (a small model's weights may keep three)."""
        trace, roles = self.trace, [self.role(r) for r in "qkv"]
        w_decimals = max(shown_decimals(r.w, self.input_precision, rows=w_ids, max_cols=wide) for r in roles)
        decimals = max(shown_decimals(r.result, trace.precision, rows=ids, max_cols=wide) for r in roles)
        return max(cell_width_for(*(r.w for r in roles), precision=w_decimals),
                   cell_width_for(*(r.result for r in roles), precision=decimals))

    def projection(self, role: str, revealed: bool = False) -> Projection:
        """X on the left, W on top, their product where X's rows meet W's columns, with titles
        and the equation in the free corner; below, Q's first number spelled out."""
        trace, theme = self.trace, self.theme
        color = theme.role_color(role)
        name, w_name = TEX_NAMES[role]
        wide, ids = self.presentation.entries(trace.d_model), self.presentation.token_ids()
        x = NumberMatrix(trace.x, self.input_precision, "x", row_tokens=trace.tokens, max_cols=wide, rows=ids)
        # With many tokens X keeps 7 rows: W's rows then keep only the spelled terms', so the numbers
        # stay at least the small size.
        w_rows = wide if self.presentation.detail == "all" else self.presentation.entries(trace.d_model, SHOWN_TERMS)
        width = self._shared_width(kept_indices(trace.d_model, w_rows), ids, wide)
        arrays = self.role(role)
        w = NumberMatrix(arrays.w, self.input_precision, arrays.w_source, frame_color=color,
                         cell_width=width, max_rows=w_rows, max_cols=wide)
        result = NumberMatrix(arrays.result, trace.precision, arrays.source, frame_color=color, cell_width=width,
                              max_cols=wide, rows=ids)
        if not revealed:
            hide_values(result)
        place_product(x, w, result)
        x_title = VGroup(formula("X", "heading"), shape_label(trace.n_tokens, trace.d_model)).arrange(RIGHT, buff=0.25)
        x_title.next_to(x.frame, UP, buff=0.15)
        w_title = VGroup(formula(w_name, "heading", color), shape_label(*arrays.w.shape))
        w_title.arrange(DOWN, buff=0.12).next_to(w.frame, LEFT, buff=0.3)
        result_title = VGroup(formula(name, "heading", color), shape_label(*arrays.result.shape))
        result_title.arrange(RIGHT, buff=0.25).next_to(result.frame, DOWN, buff=0.15)
        bias = f" + b_{name}" if bias_of(trace, f"b_{role}") is not None else ""
        equation = formula(f"{name} = X\\,{w_name}{bias}", "heading")
        equation.next_to(w_title, LEFT, buff=0.5).align_to(w.frame, UP)
        equation.set_x(max(equation.get_x(), x.get_left()[0] + equation.width / 2))
        # Always Q's first number: only it is spelled out, and every role's layout must reserve
        # the same room for it, so W_K and W_V land exactly where W_Q was.
        b_q = bias_of(trace, "b_q")
        # as the matrices show them (W_Q's, for every role: Q's first number is the one spelled)
        x_digits = x.precision
        w_ids = kept_indices(trace.d_model, w_rows)
        w_digits = shown_decimals(trace.w_q, self.input_precision, rows=w_ids, max_cols=wide)
        product = SpelledProduct(
            [(trace.x[0, k], x_digits, f"x[0, {k}]") for k in range(trace.d_model)],
            [(trace.w_q[k, 0], w_digits, f"w_q[{k}, 0]") for k in range(trace.d_model)],
            (trace.q[0, 0], shown_decimals(trace.q, trace.precision, ids, wide), "q[0, 0]"), right_color=theme.query,
            max_width=self.stage.width, bias=None if b_q is None else (b_q[0], w_digits, "b_q[0]"),
        )
        g = VGroup(x, w, result, x_title, w_title, result_title, equation)
        product_height = product.height + 0.35
        scale = min(1.0, self.stage.width / g.width, self.stage.height / (g.height + product_height))
        g.scale(scale)
        product.scale(scale).next_to(g, DOWN, buff=0.35 * scale)
        VGroup(g, product).move_to(self.stage.centre)
        boxes = VGroup(highlight_box(x.row_rect(0)), highlight_box(w.column_rect(0)), highlight_box(result.rects[0][0]))
        return Projection(*g, x=x, w=w, result=result, x_title=x_title, w_title=w_title, result_title=result_title,
                          equation=equation, product=product, boxes=boxes)

    def spell_out(self, grid: Projection) -> list[Beat]:
        """Row 0 of X and column 0 of W light up; their numbers fly down into the product,
        and its result flies into cell (0, 0)."""
        x, w, product = grid.x, grid.w, grid.product
        lit = Beat(tuple(Create(box) for box in grid.boxes))
        # An elided product draws some of the terms: each flies from where its number is shown.
        at_x = [shown_position(x.col_ids, k) for k in product.term_ids]
        at_w = [shown_position(w.row_ids, k) for k in product.term_ids]
        factors = Beat((*(TransformFromCopy(x.numbers[0][c], number) for c, number in zip(at_x, product.left_numbers)),
                        *(TransformFromCopy(w.numbers[r][0], number) for r, number in zip(at_w, product.right_numbers)),
                        FadeIn(product.operators())), run_time=1.5)
        result = Beat((*([FadeIn(product.bias)] if product.bias else []), FadeIn(product.result, shift=RIGHT * 0.2)))
        animations, flying = into_cell(product.result, grid.result, 0, 0)
        return [lit, factors, result, Beat(tuple(animations), remove=(flying,))]

    @staticmethod
    def swap_weights(grid: Projection, other: Projection) -> tuple[Projection, list[Beat]]:
        """Same X, another learned matrix: the weights, then the result, change in place. Returns
        the projection now on screen (grid's X, other's weights and result) and the beats."""
        # Cross-fades: morphing one digit into another reads as noise, not as "new numbers".
        beats = [Beat(tuple(FadeTransform(getattr(grid, p), getattr(other, p)) for p in ("w", "w_title", "equation"))),
                 Beat(tuple(FadeTransform(getattr(grid, p), getattr(other, p)) for p in ("result", "result_title")))]
        shown = Projection(grid.x, other.w, other.result, grid.x_title, other.w_title, other.result_title,
                           other.equation, x=grid.x, w=other.w, result=other.result, x_title=grid.x_title,
                           w_title=other.w_title, result_title=other.result_title, equation=other.equation,
                           product=grid.product, boxes=grid.boxes)
        return shown, beats

    def qkv_row(self) -> QKV:
        """Q, K and V side by side (or stacked, when side by side would shrink the numbers too
        much), each titled, with the focus head's columns boxed and braced."""
        wide = self._qkv(stacked=False)
        wide_scale = self.stage.fit_scale(wide, grow=float("inf"))
        if wide_scale >= 0.75:
            return self.stage.fit(wide)
        tall = self._qkv(stacked=True)
        return self.stage.fit(tall if self.stage.fit_scale(tall, grow=float("inf")) > wide_scale else wide)

    def qkv_bands(self) -> QKV:
        """Q, K and V stacked as colour bands to scale (a shared K and V as narrow as the model
        keeps them, and who reads each key/value head said beside K), thin lines between the
        heads' slices, the focus head's slice framed in its colour and braced under V."""
        trace, theme, h = self.trace, self.theme, self.focus_head
        head = theme.head_color(h)
        matrices, head_boxes, rows = [], [], VGroup()
        for role in "qkv":
            arrays, color = self.role(role), theme.role_color(role)
            # At most BAND_HEIGHT tall: 64 rows of 0.22 would shrink the whole picture, head label and all.
            band = ColorGrid(arrays.result, width=BAND_WIDTH * arrays.result.shape[1] / trace.d_attention,
                             height=min(0.22 * trace.n_tokens, BAND_HEIGHT), frame_color=color,
                             value_scale=band_scale(arrays.result))
            title = VGroup(formula(TEX_NAMES[role][0], "heading", color),
                           shape_label(*arrays.result.shape)).arrange(DOWN, buff=0.1)
            title.next_to(band.frame, LEFT, buff=0.3)
            marks = head_marks(band, arrays.n_heads, focus=arrays.focus, numbers=role == "q" and bool(self.grouped))
            marks.frames[arrays.focus].set_stroke(head)
            readers = self.readers().next_to(band.frame, RIGHT, buff=0.4) if role == "k" and self.grouped else VGroup()
            matrices.append(VGroup(band, marks.cuts, marks.numbers, title, readers))
            head_boxes.append(marks.frames[arrays.focus])
            rows.add(VGroup(matrices[-1], head_boxes[-1]))
        rows.arrange(DOWN, buff=0.45)
        for row in rows[1:]:  # the bands start at one x, so a narrower K and V read as narrower
            row.shift(RIGHT * (rows[0][0][0].frame.get_left()[0] - row[0][0].frame.get_left()[0]))
        braces = VGroup(Brace(head_boxes[-1], DOWN, color=head, buff=0.08))
        head_label = label(self.head_columns_said(), "small", head)
        head_label.next_to(braces, DOWN, buff=0.1)
        return self.stage.fit(QKV(*rows, braces, head_label, matrices=matrices, head_boxes=head_boxes, braces=braces,
                                  head_label=head_label))

    def head_columns_said(self) -> str:
        trace, h = self.trace, self.focus_head
        first = h * trace.d_k + 1
        if self.grouped is None:
            return self.words("labels.head_columns", head=h + 1, first=first, last=first + trace.d_k - 1)
        g = self.grouped.kv_head_of_query[h]
        return self.words("labels.head_columns_grouped", head=h + 1, first=first, last=first + trace.d_k - 1,
                          kv_first=g * trace.d_k + 1, kv_last=(g + 1) * trace.d_k)

    def readers(self) -> VGroup:
        """Which query heads read each key/value head ("K, V head 1 ← query heads 1–3")."""
        grouped, muted = self.grouped, self.theme.muted
        lines = [self.words("labels.readers", kv_head=g + 1, first=heads[0] + 1, last=heads[-1] + 1)
                 for g, heads in enumerate(grouped.query_heads_of_kv)]
        if len(lines) > 4:
            lines = [self.words("labels.readers_each", count=len(grouped.query_heads_of_kv[0]))]
        return VGroup(*(label(line, "small", muted) for line in lines)).arrange(DOWN, buff=0.12, aligned_edge=LEFT)

    def _qkv(self, stacked: bool) -> QKV:
        trace, theme = self.trace, self.theme
        h = self.focus_head
        head = theme.head_color(h)
        roles = [self.role(r) for r in "qkv"]
        decimals = max(shown_decimals(r.result, trace.precision, rows=self.presentation.token_ids()) for r in roles)
        width = cell_width_for(*(r.result for r in roles), precision=decimals)
        matrices, head_boxes, rows = [], [], VGroup()
        for index, (role, arrays) in enumerate(zip("qkv", roles)):
            color = theme.role_color(role)
            tokens = trace.tokens if stacked or index == 0 else None
            matrix = NumberMatrix(arrays.result, trace.precision, arrays.source, frame_color=color,
                                  cell_width=width, row_tokens=tokens, rows=self.presentation.token_ids())
            title = VGroup(formula(TEX_NAMES[role][0], "heading", color),
                           shape_label(*arrays.result.shape)).arrange(RIGHT, buff=0.25)
            title.next_to(matrix.frame, UP, buff=0.15)
            matrices.append(VGroup(matrix, title))
            head_boxes.append(HeadColumns(matrix, trace.d_k, [arrays.focus], buff=0.03).frames[0].set_stroke(head))
            rows.add(VGroup(matrices[-1], head_boxes[-1]))
        # Stacked, the matrices' right edges line up so their columns (and head boxes) do too.
        rows.arrange(DOWN, buff=0.35, aligned_edge=RIGHT) if stacked else rows.arrange(RIGHT, buff=0.35)
        for row in rows[1:] if not stacked else []:  # side by side: the grids level, whatever stands beside them
            row.shift(UP * (rows[0][0][0].frame.get_top()[1] - row[0][0].frame.get_top()[1]))
        braces = VGroup(*(Brace(box, DOWN, color=head, buff=0.08) for box in (head_boxes[-1:] if stacked else head_boxes)))
        middle = braces[len(braces) // 2]
        head_label = label(self.words("labels.head_uses", head=h + 1), "small", head).next_to(middle, DOWN, buff=0.1)
        return QKV(*rows, braces, head_label, matrices=matrices, head_boxes=head_boxes, braces=braces,
                   head_label=head_label)
