"""Segment 5 · Weighted sum: one query's weights scale every value row and the rows add up
to its output; then all outputs at once as weights · V. A real model's 32-dim value rows show
their first entries, an ellipsis and the last.

Long sentences: past ~10 keys the table lists the largest weights and one line for all the other
keys together; past 8 tokens the matrix form is colour only, the focus output row zoomed."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, TransformFromCopy, VGroup

from ..base import ExplainerScene, corner_title
from ..components import NumberMatrix, TokenChip, highlight_box, operator, shape_label
from ..components.blend_table import BlendTable
from ..components.heatmap import ColorGrid, WeightHeatmap
from ..components.matrix import kept_indices
from ..components.pacing import one_at_a_time
from ..components.parts import Parts
from ..components.text import NumberText, label
from ..components.zoom import ZoomCallout, ZoomEntry
from ..theme import current_theme
from ..words import sentences

MIN_SCALE = 0.7  # the matrix form drops V's key chips rather than shrink below this


class WeightedSumSegment(ExplainerScene):
    segment = "05-weighted-sum"

    def construct(self) -> None:
        trace = self.trace
        query = self.presentation.focus_query
        token = trace.tokens[query]
        corner_title(self, self.words("title"), self.words("subtitle"))

        table = self.blend_table(query)
        self.step("weights", sentences(self.words("weights.caption", token=token),
                                      self.words("weights.cut") if table.cut else ""))
        self.play(FadeIn(table.query_label), FadeIn(table.keys), FadeIn(table.header_of("keys")),
                  FadeIn(table.header_of("weights")), FadeIn(table.weights))
        self.play(FadeIn(table.header_of("values")), FadeIn(table.times), FadeIn(table.values, shift=LEFT * 0.2))
        self.hold_for_caption(0.8)

        self.step("scale", self.words("scale.caption"))
        self.play(FadeIn(table.header_of("products")), FadeIn(table.equals), FadeIn(table.products.frame),
                  one_at_a_time([TransformFromCopy(table.values.row(j), table.products.row(j))
                                 for j in range(len(table.keys))], self.presentation.one_by_one, lag_ratio=0.1),
                  run_time=1.5)
        self.hold_for_caption(0.8)

        self.step("sum", self.words("sum.caption", token=token))
        self.play(FadeIn(table.plus_signs), Create(table.rule))
        self.play(FadeIn(table.output_label), TransformFromCopy(table.products.cells, table.output.cells),
                  FadeIn(table.output.frame), FadeIn(table.footnote))
        self.hold_for_caption(1.2)

        self.step("matrix", self.words("matrix.caption"))
        product = self.colour_form(query) if self.presentation.colour_weights else self.matrix_form(query)
        self.play(FadeOut(table, shift=UP * 0.3), FadeIn(product))
        self.play(*(Create(box) for box in product.highlights))
        if product.zoom is not None:
            self.play(Create(product.zoom.lines), FadeIn(product.zoom.frame), FadeIn(product.zoom.panel))
        self.hold_for_caption(1.5)

    def blend_table(self, i: int) -> BlendTable:
        """One line per key j: chip | w_ij × v_j = w_ij·v_j, then the sum of the lines."""
        trace, head = self.trace, self.head_trace
        row = head.blend_rows[i]
        table = BlendTable(trace.tokens, row, f"{self.head_source}.blend_rows[{i}]", head.v,
                           f"{self.head_source}.v", trace.precision, self.presentation.worked_entries(trace.d_k),
                           top=self.presentation.worked_keys(row.rest.visible))
        return self.stage.fit(table, width=13.0, height=6.3, grow=1.4)

    def matrix_form(self, i: int) -> MatrixForm:
        """Weights (n × n) · V (n × d_k) = Output (n × d_k), shapes below, query i's row lit in
        the weights and the output and all of V (every value row feeds that one output row)."""
        trace, head, theme = self.trace, self.head_trace, self.theme
        n, d_k = trace.n_tokens, trace.d_k
        weights = WeightHeatmap(head.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask,
                                precision=trace.precision, legend=False, note=None, axes=False,
                                title=self.words("labels.weights"))
        values = NumberMatrix(head.v, trace.precision, f"{self.head_source}.v", title="V",
                              frame_color=theme.value, col_headers=[f"d{c + 1}" for c in range(d_k)], max_cols=self.presentation.entries(d_k))
        output = NumberMatrix(head.output, trace.precision, f"{self.head_source}.output", title=self.words("labels.output"),
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
        return MatrixForm(parts, shapes, highlights=highlights, zoom=None)  # the highlights: their own step

    def colour_form(self, i: int) -> MatrixForm:
        """The same product as colour grids (a long sentence's n × n weights), query i's row lit
        in the weights and the output, and the output row's numbers zoomed beside it."""
        trace, head, theme, p = self.trace, self.head_trace, self.theme, self.presentation
        n, d_k, side = trace.n_tokens, trace.d_k, 3.8
        weights = WeightHeatmap(head.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask,
                                colour_only=True, focus=i, side=side, legend=False, note=None, axes=False,
                                title=self.words("labels.weights"), weight_top=p.weight_top)
        width = min(side * 0.6, 0.5 * d_k)
        scale = float(np.abs(head.v).max())
        grids = [ColorGrid(values, width=width, height=side, value_scale=scale, frame_color=color)
                 for values, color in ((head.v, theme.value), (head.output, theme.output))]
        for grid, name, color in zip(grids, ("V", self.words("labels.output")), (theme.value, theme.output)):
            grid.add(label(name, "body", color, weight="BOLD").next_to(grid.frame, UP, buff=0.2))
        parts = VGroup(weights, operator("·").scale(2), grids[0], operator("="), grids[1]).arrange(RIGHT, buff=0.4)
        for grid in grids:
            grid.shift(UP * (weights.frame.get_top()[1] - grid.frame.get_top()[1]))
            grid[-1].match_y(weights.title)
        for symbol in (parts[1], parts[3]):
            symbol.match_y(weights.frame)
        shapes = VGroup(*(shape_label(rows, cols).next_to(frame, DOWN, buff=0.15)
                          for (rows, cols), frame in zip(((n, n), (n, d_k), (n, d_k)),
                                                         (weights.frame, grids[0].frame, grids[1].frame))))
        output_row = grids[1].row_span(i, i + 1)
        zoom = ZoomCallout(output_row, output_entries(head, self.head_source, i, trace.precision,
                                                      p.entries(d_k), scale),
                           beside=grids[1].frame, color=theme.output, title=self.words("labels.output_of_row", row=i + 1))
        highlights = VGroup(highlight_box(weights.row_rect(i)), highlight_box(grids[0].frame, buff=0.06),
                            zoom.highlight)
        self.stage.fit(VGroup(parts, shapes, highlights, zoom), width=13.0, height=6.3, grow=1.4)
        return MatrixForm(parts, shapes, highlights=highlights, zoom=zoom)


# Parts of the pictures ------------------------------------------------------------
class MatrixForm(Parts):
    """weights · V = output with the shapes under them (the members). Parts: `highlights`
    (query i's row of the weights and the output, and all of V; not drawn with the rest), `zoom`
    (colour only: the output row's numbers magnified, drawn last; else None)."""
    highlights: VGroup
    zoom: ZoomCallout | None


def output_entries(head, head_source: str, i: int, precision: int, limit: int | None, scale: float) -> list[ZoomEntry]:
    """Query i's output row as callout entries "d1 … d_k" (a long row: its first entries, ⋯, the last)."""
    theme = current_theme()
    entries = []
    for c in kept_indices(head.output.shape[1], limit):
        if c is None:
            entries.append(ZoomEntry(label("⋯", "small", theme.muted), label("⋯", "cell", theme.muted)))
            continue
        value = head.output[i, c]
        entries.append(ZoomEntry(label(f"d{c + 1}", "small", theme.muted),
                                 NumberText(value, precision, f"{head_source}.output[{i}, {c}]"),
                                 theme.value_color(value, scale)))
    return entries
