"""Segment 4 · Softmax: one row worked through (exp, sum, divide), then every row → the
weights heatmap with percentages and a colour legend; each row sums to 1.

A real model's scaled scores reach 20 or more, and e^20 is a 9-digit number: there the worked
row shows e^(s − m), m the row's largest score, as softmax is computed in practice.

Long sentences (Presentation.detail): 9–16 tokens show numbers on the focus rows and columns
around ellipses; 17–64 colour-only grids with the focus row's percentages in a zoomed callout.
Past ~10 keys the worked row lists the largest weights, then all the other keys together."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, TransformFromCopy, VGroup

from ..base import ExplainerScene, corner_title
from ..components import NumberMatrix, NumberText, highlight_box
from ..components.heatmap import WeightHeatmap, upright_keys
from ..components.labels import inline
from ..components.pacing import one_at_a_time
from ..components.softmax_table import SoftmaxTable
from ..components.zoom import ZoomCallout, weight_entries
from ..presentation import STAGE
from ..words import sentences


class SoftmaxSegment(ExplainerScene):
    segment = "04-softmax"

    def construct(self) -> None:
        title = corner_title(self, self.words("title"), self.words("subtitle"))
        query = self.presentation.focus_query
        token = self.trace.tokens[query]

        self.step("scores", self.scores_caption(token))
        scores = self.scores_matrix()
        self.play(FadeIn(scores))
        focus_box = highlight_box(self.scores_row(scores, query, rect=True))
        self.play(Create(focus_box))
        self.hold_for_caption(0.8)

        row = self.head_trace.softmax_rows[query]
        self.step("exp", self.exp_caption(token, row.shifted))
        table = self.worked_row(query)
        self.play(FadeOut(focus_box), FadeOut(scores), FadeIn(table.keys), FadeIn(table.header_of("keys")),
                  FadeIn(table.header_of("scores")), TransformFromCopy(self.scores_row(scores, query), table.scores.cells),
                  FadeIn(table.scores.frame), *([FadeIn(table.cut_note)] if table.cut_note else []))
        self.play(FadeIn(table.header_of("exps")),
                  one_at_a_time([FadeIn(cell, shift=RIGHT * 0.2) for cell in table.exps.cells], self.presentation.one_by_one),
                  FadeIn(table.exps.frame), run_time=1.2)
        self.hold_for_caption(0.8)

        self.step("sum", self.words("sum.caption"))
        self.play(Create(table.rule), FadeIn(table.sum_label), TransformFromCopy(table.exps.cells, table.total),
                  *([FadeIn(table.shift_note)] if table.shift_note else []))
        self.hold_for_caption(0.8)

        self.step("divide", self.words("divide.caption"))
        self.play(FadeIn(table.divisions), FadeIn(table.header_of("weights")), FadeIn(table.header_of("percents")),
                  TransformFromCopy(table.exps.cells, table.weights.cells), FadeIn(table.weights.frame))
        self.play(FadeIn(table.percents, shift=RIGHT * 0.2), FadeIn(table.weight_totals))
        self.hold_for_caption(1.2)

        self.step("all-rows", self.heatmap_caption())
        heatmap, zoom = self.weights_heatmap(query)
        self.play(FadeOut(table, shift=UP * 0.3), FadeIn(heatmap))
        if zoom is None:
            self.play(Create(highlight_box(heatmap.row_rect(query))))
        else:  # colour only: the focus row's percentages magnified beside the grid
            self.play(Create(zoom.highlight), Create(zoom.lines), FadeIn(zoom.frame), FadeIn(zoom.panel))
        if self.presentation.focus_note:  # QUERY= and KEY= given: how much the one gives the other, here
            self.play(FadeIn(self.focus_note_line(title)))
        self.hold_for_caption(1.5)

    def exp_caption(self, token: str, shifted: bool) -> str:
        return self.words("exp.shifted" if shifted else "exp.caption", token=token)

    def scores_matrix(self) -> NumberMatrix | WeightHeatmap:
        """Every scaled score as a number, the focus rows and columns' numbers around ellipses, or
        (colour only) a grid coloured by sign, with the focus token named."""
        trace, p = self.trace, self.presentation
        title = self.words("labels.scores_title", head=self.focus_head + 1)
        if p.colour_only:
            grid = WeightHeatmap(self.head_trace.scaled_scores, f"{self.head_source}.scaled_scores", trace.tokens,
                                 mask=trace.mask, colour_only=True, focus=p.focus_query, coloring="value",
                                 legend=False, note=self.words("labels.scores_colour_note"), title=title,
                                 title_color=self.theme.head_color(self.focus_head))
            return self.stage.fit(grid, width=13.0, height=6.4, grow=1.4)
        build = lambda width: NumberMatrix(
            self.head_trace.scaled_scores, trace.precision, f"{self.head_source}.scaled_scores", mask=trace.mask,
            row_tokens=trace.tokens, col_tokens=trace.tokens, cell_width=width, rows=p.numbered_ids,
            cols=p.numbered_ids, title=title, title_color=self.theme.head_color(self.focus_head))
        return self.stage.fit(upright_keys(build, trace.tokens), width=13.0, height=6.4, grow=1.4)

    @staticmethod
    def scores_row(scores: NumberMatrix | WeightHeatmap, i: int, rect: bool = False):
        """Query i's row of the scores grid (its cells, or with `rect` its outline)."""
        if isinstance(scores, WeightHeatmap):
            return scores.row_rect(i) if rect else scores.row(i)
        position = scores.row_ids.index(i)
        return scores.row_rect(position) if rect else scores.row(position)

    def worked_row(self, i: int) -> SoftmaxTable:
        """The focus row as a table, one line per key: score | e^score | ÷ sum ≈ | weight | %,
        with the sums underneath. Masked keys score −∞, so their e^score is exactly 0. A long
        row lists its largest weights and one line for the other keys."""
        row = self.head_trace.softmax_rows[i]
        table = SoftmaxTable(self.trace.tokens, row, f"{self.head_source}.softmax_rows[{i}]", self.trace.precision,
                             self.trace.mask[i], top=self.presentation.worked_keys(row.rest.visible))
        return self.stage.fit(table, width=13.0, height=6.2, grow=1.4)

    def scores_caption(self, token: str) -> str:
        return sentences(self.words("scores.caption", head=self.focus_head + 1, token=token),
                         self.words("scores.causal") if self.trace.causal else "")

    def focus_note_line(self, title) -> VGroup:
        """"layer 14, head 9: “it” gives 75 % to “animal”" beside the title, in the lesson's word order
        (presentation.focus_around); the share is the trace's percentage (presentation.focus_note_source)."""
        p, theme = self.presentation, self.theme
        share = self.head_trace.percentages[p.focus_query, p.focus_key]
        before, after = p.focus_around
        share_text = NumberText(share, 0, p.focus_note_source, "small", theme.highlight, suffix="%")
        line = inline(before, share_text, after, "small", theme.highlight, buff=0.12)
        line.next_to(title, RIGHT, buff=0.5).align_to(title, DOWN)
        room = STAGE.right - line.get_left()[0]  # up to the stage's right edge
        return line.scale(min(1.0, room / line.width), about_edge=LEFT)

    def heatmap_caption(self) -> str:
        return sentences(self.words("all-rows.caption"),
                         self.words("all-rows.focus", focus=self.presentation.focus_said) if self.presentation.focus_note else "",
                         self.words("all-rows.causal") if self.trace.causal else "")

    def weights_heatmap(self, query: int) -> tuple[WeightHeatmap, ZoomCallout | None]:
        """The weights with their percentages (the drawn rows and columns), or colour only with
        the focus row's percentages in a callout (None otherwise)."""
        trace, p = self.trace, self.presentation
        heatmap = WeightHeatmap(self.head_trace.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask,
                                percents=(self.head_trace.percentages, f"{self.head_source}.percentages"),
                                title=self.words("labels.weights_title", head=self.focus_head + 1), title_color=self.theme.head_color(self.focus_head),
                                note=self.words("labels.weights_note"),
                                colour_only=p.colour_weights, focus=query, weight_top=p.weight_top)
        if not p.colour_weights:
            return self.stage.fit(heatmap, width=13.0, height=6.4, grow=1.4), None
        row = self.head_trace.softmax_rows[query]
        entries = weight_entries(trace.tokens, row, f"{self.head_source}.softmax_rows[{query}]",
                                 top=p.zoom_keys(row.rest.visible), weight_top=p.weight_top)
        zoom = heatmap.zoom(entries, title=self.words("labels.zoom_title", row=query + 1))
        self.stage.fit(VGroup(heatmap, zoom), width=13.0, height=6.4, grow=1.4)
        return heatmap, zoom
