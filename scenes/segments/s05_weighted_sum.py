"""Segment 5 · Weighted sum: one query's weights scale every value row and the rows add up
to its output; then all outputs at once as weights · V. A real model's 32-dim value rows show
their first entries, an ellipsis and the last."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Line, TransformFromCopy, VGroup

from ..base import ExplainerScene, corner_title
from ..components import NumberMatrix, TokenChip, highlight_box, label, operator, shape_label
from ..components.heatmap import WeightHeatmap, focus_query
from ..components.layout import fit_stage
from ..components.products import elide

MIN_SCALE = 0.7  # the matrix form drops V's key chips rather than shrink below this


class WeightedSumSegment(ExplainerScene):
    segment = "05-weighted-sum"

    def construct(self) -> None:
        trace = self.trace
        query = focus_query(trace)
        token = trace.tokens[query]
        corner_title(self, "Weighted sum", "weights mix the values")

        self.step("weights", f"Take the query “{token}” and its weights from softmax. "
                             "Each key also has a value vector: a row of V.")
        table = self.blend_table(query)
        self.play(FadeIn(table.query_label), FadeIn(table.keys), FadeIn(table.headers[:2]), FadeIn(table.weights))
        self.play(FadeIn(table.headers[2]), FadeIn(table.times), FadeIn(table.values, shift=LEFT * 0.2))
        self.hold_for_caption(0.8)

        self.step("scale", "Each weight scales its key's value: a big weight keeps most of the value, "
                           "a small one shrinks it towards zero.")
        self.play(FadeIn(table.headers[3]), FadeIn(table.equals), FadeIn(table.products.frame),
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

    def blend_table(self, i: int) -> VGroup:
        """One line per key j: chip | w_ij × v_j = w_ij·v_j, then the sum of the lines."""
        trace, head, theme = self.trace, self.head_trace, self.theme
        n, precision = trace.n_tokens, trace.precision
        value_scale = float(np.abs(head.v).max())  # one colour scale, so scaled rows look smaller
        table = VGroup()
        table.weights = NumberMatrix(head.weights[i][:, None], precision, "", coloring="weight",
                                     source_of=lambda r, c: f"{self.head_source}.weights[{i}, {r}]")
        wide = elide(trace.d_k)
        table.values = NumberMatrix(head.v, precision, f"{self.head_source}.v", frame_color=theme.value, value_scale=value_scale,
                                    max_cols=wide)
        table.products = NumberMatrix(
            head.weights[i][:, None] * head.v, precision, "", frame_color=theme.value, value_scale=value_scale,
            source_of=lambda r, c: f"{self.head_source}.weights[{i}, {r}] * {self.head_source}.v[{r}, {c}]", max_cols=wide)
        table.times, table.equals = column_of("×", n), column_of("=", n)
        VGroup(table.weights, table.times, table.values, table.equals, table.products).arrange(RIGHT, buff=0.3)
        for j in range(n):
            table.times[j].match_y(table.weights.rects[j][0])
            table.equals[j].match_y(table.weights.rects[j][0])
        table.keys = VGroup(*(TokenChip(trace.tokens[j], j, max_width=2.0, height=0.43, size="small")
                              .next_to(table.weights.rects[j][0], LEFT, buff=0.3) for j in range(n)))
        table.headers = VGroup(*(label(text, "small", color) for text, color in (
            ("key", theme.muted), ("weight", theme.muted), ("value (row of V)", theme.value),
            ("weight × value", theme.value))))
        for header, above in zip(table.headers, (table.keys, table.weights, table.values, table.products)):
            header.next_to(above, UP, buff=0.15).match_x(above).match_y(table.headers[0])
        table.query_label = VGroup(label("query", "label", theme.muted),
                                   TokenChip(trace.tokens[i], i, max_width=3.0, size="small")).arrange(RIGHT, buff=0.2)
        table.query_label.next_to(table.headers, UP, buff=0.3).align_to(table.keys, LEFT)
        table.add(table.query_label, table.keys, table.headers, table.weights, table.times, table.values,
                  table.equals, table.products)
        self.add_sum(table, i, value_scale)
        return fit_stage(table, height=6.3)

    def add_sum(self, table: VGroup, i: int, value_scale: float) -> None:
        """“+” between consecutive scaled rows (added top to bottom), a rule, and query i's output."""
        trace, theme = self.trace, self.theme
        products = table.products
        right = products.frame.get_right()[0] + 0.25
        table.plus_signs = VGroup(*(label("+", "label", theme.muted).move_to(
            [right, (products.rects[j][0].get_y() + products.rects[j + 1][0].get_y()) / 2, 0])
            for j in range(trace.n_tokens - 1)))
        bottom = products.frame.get_bottom()[1] - 0.12
        table.rule = Line([products.frame.get_left()[0], bottom, 0], [right + 0.15, bottom, 0],
                          color=theme.muted, stroke_width=2)
        table.output = NumberMatrix(self.head_trace.output[i][None, :], trace.precision, "", frame_color=theme.output,
                                    value_scale=value_scale, source_of=lambda r, c: f"{self.head_source}.output[{i}, {c}]",
                                    max_cols=elide(trace.d_k))
        table.output.next_to(table.rule, DOWN, buff=0.12).align_to(products.frame, LEFT)
        table.output_label = VGroup(label("output of", "label", theme.output),
                                    TokenChip(trace.tokens[i], i, max_width=3.0, size="small")).arrange(RIGHT, buff=0.2)
        table.output_label.next_to(table.output, LEFT, buff=0.3)
        # Honest about rounding: adding the shown rows can miss the shown output in the last digit.
        table.footnote = label(f"all values rounded to {trace.precision} decimals", "small", theme.muted)
        table.footnote.next_to(table.output, DOWN, buff=0.2).align_to(table.rule, RIGHT)
        table.add(table.plus_signs, table.rule, table.output, table.output_label, table.footnote)

    def matrix_form(self, i: int) -> VGroup:
        """Weights (n × n) · V (n × d_k) = Output (n × d_k), shapes below, query i's row lit in
        the weights and the output and all of V (every value row feeds that one output row)."""
        trace, head, theme = self.trace, self.head_trace, self.theme
        n, d_k = trace.n_tokens, trace.d_k
        weights = WeightHeatmap(head.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask, percent=False,
                                precision=trace.precision, legend=False, note=None, axes=False, title="weights")
        values = NumberMatrix(head.v, trace.precision, f"{self.head_source}.v", title="V",
                              frame_color=theme.value, col_headers=[f"d{c + 1}" for c in range(d_k)], max_cols=elide(d_k))
        output = NumberMatrix(head.output, trace.precision, f"{self.head_source}.output", title="output",
                              frame_color=theme.output, col_headers=[f"d{c + 1}" for c in range(d_k)],
                              value_scale=float(np.abs(head.v).max()), max_cols=elide(d_k))
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
        group = VGroup(parts, shapes, highlights)
        fit_stage(group, height=6.3)
        group.highlights = highlights
        group.remove(highlights)  # drawn in their own step
        return group


def column_of(symbol: str, count: int) -> VGroup:
    """One operator per table line (each is moved to its line's height afterwards)."""
    return VGroup(*(operator(symbol, "label") for _ in range(count))).arrange(DOWN, buff=0.2)
