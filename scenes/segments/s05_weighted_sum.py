"""Segment 5 · Weighted sum: one query's weights scale every value row and the rows add up
to its output; then all outputs at once as weights · V. A real model's 32-dim value rows show
their first entries, an ellipsis and the last."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, TransformFromCopy, VGroup

from ..base import ExplainerScene, corner_title
from ..components import NumberMatrix, TokenChip, highlight_box, operator, shape_label
from ..components.blend_table import BlendTable
from ..components.heatmap import WeightHeatmap
from ..components.parts import Parts

MIN_SCALE = 0.7  # the matrix form drops V's key chips rather than shrink below this


class WeightedSumSegment(ExplainerScene):
    segment = "05-weighted-sum"

    def construct(self) -> None:
        trace = self.trace
        query = self.presentation.focus_query
        token = trace.tokens[query]
        corner_title(self, "Weighted sum", "weights mix the values")

        self.step("weights", f"Take the query “{token}” and its weights from softmax. "
                             "Each key also has a value vector: a row of V.")
        table = self.blend_table(query)
        self.play(FadeIn(table.query_label), FadeIn(table.keys), FadeIn(table.header_of("keys")),
                  FadeIn(table.header_of("weights")), FadeIn(table.weights))
        self.play(FadeIn(table.header_of("values")), FadeIn(table.times), FadeIn(table.values, shift=LEFT * 0.2))
        self.hold_for_caption(0.8)

        self.step("scale", "Each weight scales its key's value: a big weight keeps most of the value, "
                           "a small one shrinks it towards zero.")
        self.play(FadeIn(table.header_of("products")), FadeIn(table.equals), FadeIn(table.products.frame),
                  LaggedStart(*(TransformFromCopy(table.values.row(j), table.products.row(j))
                                for j in range(trace.n_tokens)), lag_ratio=0.1), run_time=1.5)
        self.hold_for_caption(0.8)

        self.step("sum", f"Add the scaled rows: the result is the output for “{token}”, "
                         "a blend of every token's value, mixed by how much it attends to each.")
        self.play(FadeIn(table.plus_signs), Create(table.rule))
        self.play(FadeIn(table.output_label), TransformFromCopy(table.products.cells, table.output.cells),
                  FadeIn(table.output.frame), FadeIn(table.footnote))
        self.hold_for_caption(1.2)

        self.step("matrix", "All queries at once: weights times V gives every output in one matrix product. "
                            "Each output row is that token's blend of values.")
        product = self.matrix_form(query)
        self.play(FadeOut(table, shift=UP * 0.3), FadeIn(product))
        self.play(*(Create(box) for box in product.highlights))
        self.hold_for_caption(1.5)

    def blend_table(self, i: int) -> BlendTable:
        """One line per key j: chip | w_ij × v_j = w_ij·v_j, then the sum of the lines."""
        trace, head = self.trace, self.head_trace
        table = BlendTable(trace.tokens, head.blend_rows[i], f"{self.head_source}.blend_rows[{i}]", head.v,
                           f"{self.head_source}.v", trace.precision, self.presentation.entries(trace.d_k))
        return self.stage.fit(table, width=13.0, height=6.3, grow=1.4)

    def matrix_form(self, i: int) -> MatrixForm:
        """Weights (n × n) · V (n × d_k) = Output (n × d_k), shapes below, query i's row lit in
        the weights and the output and all of V (every value row feeds that one output row)."""
        trace, head, theme = self.trace, self.head_trace, self.theme
        n, d_k = trace.n_tokens, trace.d_k
        weights = WeightHeatmap(head.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask,
                                precision=trace.precision, legend=False, note=None, axes=False, title="weights")
        values = NumberMatrix(head.v, trace.precision, f"{self.head_source}.v", title="V",
                              frame_color=theme.value, col_headers=[f"d{c + 1}" for c in range(d_k)], max_cols=self.presentation.entries(d_k))
        output = NumberMatrix(head.output, trace.precision, f"{self.head_source}.output", title="output",
                              frame_color=theme.output, col_headers=[f"d{c + 1}" for c in range(d_k)],
                              value_scale=float(np.abs(head.v).max()), max_cols=self.presentation.entries(d_k))
        value_keys = VGroup(*(TokenChip(token, j, max_width=1.6, height=0.43, size="small")
                              for j, token in enumerate(trace.tokens)))
        if (13.0 / (weights.width + values.width + output.width + value_keys.width + 1.6)) >= MIN_SCALE:
            # V's rows are keys: label them, unless that would shrink the figure below readable.
            for chip, row in zip(value_keys, values.rects):
                chip.next_to(row[0], LEFT, buff=0.12)
            values.add(value_keys)
        parts = VGroup(weights, operator("·").scale(2), values, operator("="), output).arrange(RIGHT, buff=0.35)
        for matrix in (values, output):  # rows line up across the three
            matrix.shift(UP * (weights.matrix.frame.get_top()[1] - matrix.frame.get_top()[1]))
        for symbol in (parts[1], parts[3]):
            symbol.match_y(weights.matrix.frame)
        titles = [m.title for m in (weights, values, output)]
        top = max(title.get_top()[1] for title in titles)
        for title in titles:
            title.shift(UP * (top - title.get_top()[1]))  # one line of titles
        shapes = VGroup(*(shape_label(rows, cols).next_to(frame, DOWN, buff=0.15)
                          for (rows, cols), frame in zip(((n, n), (n, d_k), (n, d_k)),
                                                         (weights.matrix.frame, values.frame, output.frame))))
        highlights = VGroup(highlight_box(weights.row_rect(i)), highlight_box(values.frame, buff=0.06),
                            highlight_box(output.row_rect(i)))
        self.stage.fit(VGroup(parts, shapes, highlights), width=13.0, height=6.3, grow=1.4)
        return MatrixForm(parts, shapes, highlights=highlights)  # the highlights are drawn in their own step


# Parts of the pictures ------------------------------------------------------------
class MatrixForm(Parts):
    """weights · V = output with the shapes under them (the members). Parts: `highlights`
    (query i's row of the weights and the output, and all of V; not drawn with the rest)."""
    highlights: VGroup
