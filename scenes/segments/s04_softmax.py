"""Segment 4 · Softmax: one row worked through (exp, sum, divide), then every row → the
weights heatmap with percentages and a colour legend; each row sums to 1.

A real model's scaled scores reach 20 or more, and e^20 is a 9-digit number: there the worked
row shows e^(s − m), m the row's largest score, as softmax is computed in practice."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Line, TransformFromCopy, VGroup

from attention_math import percentages

from ..base import ExplainerScene, corner_title
from ..components import NumberMatrix, NumberText, TokenChip, formula, highlight_box, label
from ..components.heatmap import WeightHeatmap, focus_query, upright_keys
from ..components.layout import fit_stage

ROW_GAP = 0.45  # between the worked-row table's columns


class SoftmaxSegment(ExplainerScene):
    segment = "04-softmax"

    def construct(self) -> None:
        trace = self.trace
        query = focus_query(trace)
        token = trace.tokens[query]
        corner_title(self, "Softmax", "scores become weights")

        self.step("scores", self.scores_caption(token))
        scores = self.scores_matrix()
        self.play(FadeIn(scores))
        focus_box = highlight_box(scores.row_rect(query))
        self.play(Create(focus_box))
        self.hold_for_caption(0.8)

        self.shifted = self.context.model == "minilm" or float(np.abs(self.finite_scores()).max()) > 6
        self.step("exp", self.exp_caption(token))
        table = self.worked_row(query)
        self.play(FadeOut(focus_box), FadeOut(scores), FadeIn(table.keys), FadeIn(table.headers[:2]),
                  TransformFromCopy(scores.row(query), table.scores.cells), FadeIn(table.scores.frame))
        self.play(FadeIn(table.headers[2]), LaggedStart(*(FadeIn(cell, shift=RIGHT * 0.2) for cell in table.exps.cells),
                                                        lag_ratio=0.08), FadeIn(table.exps.frame), run_time=1.2)
        self.hold_for_caption(0.8)

        self.step("sum", "Add them up. This total is what every value gets divided by.")
        self.play(Create(table.rule), FadeIn(table.sum_label), TransformFromCopy(table.exps.cells, table.total),
                  *([FadeIn(table.shift_note)] if self.shifted else []))
        self.hold_for_caption(0.8)

        self.step("divide", "Divide each by the total: these are the attention weights. "
                            "They are all positive and add up to 1, or 100 %.")
        self.play(FadeIn(table.divisions), FadeIn(table.headers[3:]),
                  TransformFromCopy(table.exps.cells, table.weights.cells), FadeIn(table.weights.frame))
        self.play(FadeIn(table.percents, shift=RIGHT * 0.2), FadeIn(table.weight_totals))
        self.hold_for_caption(1.2)

        self.step("all-rows", self.heatmap_caption())
        heatmap = self.weights_heatmap()
        self.play(FadeOut(table, shift=UP * 0.3), FadeIn(heatmap))
        self.play(Create(highlight_box(heatmap.row_rect(query))))
        self.hold_for_caption(1.5)

    def finite_scores(self) -> np.ndarray:
        scores = self.head_trace.masked_scores
        return scores[np.isfinite(scores)]

    def exp_caption(self, token: str) -> str:
        if not self.shifted:
            return (f"Take the row of “{token}” on its own. First, raise e to each score: "
                    "every result is positive, and a higher score always gives a bigger result.")
        return (f"Take the row of “{token}” on its own. Raise e to each score minus the row's largest score m. "
                "That divides every term by the same e^m, so the weights come out the same, and no number "
                "gets huge: it is how softmax is computed in practice.")

    def scores_matrix(self) -> NumberMatrix:
        trace = self.trace
        build = lambda width: NumberMatrix(
            self.head_trace.scaled_scores, trace.precision, f"{self.head_source}.scaled_scores", mask=trace.mask,
            row_tokens=trace.tokens, col_tokens=trace.tokens, cell_width=width,
            title=f"scaled scores · head {self.focus_head + 1}", title_color=self.theme.head_color(self.focus_head))
        return fit_stage(upright_keys(build, trace.tokens))

    def worked_row(self, i: int) -> VGroup:
        """The focus row as a table, one line per key: score | e^score | ÷ sum ≈ | weight | %,
        with the sums underneath."""
        trace, head, theme = self.trace, self.head_trace, self.theme
        n, precision = trace.n_tokens, trace.precision
        # Masked keys have score −∞, so e^score is exactly 0; the trace's masked_scores say so.
        exp_of = f"{self.head_source}.masked_scores" if trace.causal or self.shifted else f"{self.head_source}.scaled_scores"
        column = lambda values, source, **kw: NumberMatrix(np.asarray(values)[:, None], precision, "",
                                                           source_of=lambda r, c: source.format(j=r), **kw)
        table = VGroup()
        table.scores = column(head.scaled_scores[i], f"{self.head_source}.scaled_scores[{i}, {{j}}]", mask=trace.mask[i])
        table.exps = column(self.exps(i), f"np.exp({exp_of}[{i}, {{j}}]{self.minus_max(i)})", coloring="none")
        table.weights = column(head.weights[i], f"{self.head_source}.weights[{i}, {{j}}]", coloring="weight")
        table.divisions = VGroup(*(self.division(i, exp_of) for _ in range(n)))
        VGroup(table.scores, table.exps, table.divisions, table.weights).arrange(RIGHT, buff=ROW_GAP, aligned_edge=UP)
        for j, division in enumerate(table.divisions):
            division.match_y(table.exps.rects[j][0])
        table.keys = VGroup(*(TokenChip(trace.tokens[j], j, max_width=2.0, height=0.43, size="small")
                              .next_to(table.scores.rects[j][0], LEFT, buff=0.3) for j in range(n)))
        shown = percentages(head.weights[i])
        table.percents = VGroup(*(
            NumberText(shown[j], 0, f"percentages({self.head_source}.weights[{i}])[{j}]", suffix="%")
            .next_to(table.weights.rects[j][0], RIGHT, buff=0.3) for j in range(n)))
        table.headers = VGroup(
            label("key", "small", theme.muted), label("score s", "small", theme.muted),
            formula(r"e^{s - m}" if self.shifted else r"e^{s}", "label", theme.muted), label("weight", "small", theme.muted),
            label("%", "small", theme.muted))
        for header, above in zip(table.headers, (table.keys, table.scores, table.exps, table.weights, table.percents)):
            header.next_to(above, UP, buff=0.15).match_x(above).match_y(table.headers[0])
        table.add(table.keys, table.headers, table.scores, table.exps, table.divisions, table.weights, table.percents)
        self.add_sums(table, i, exp_of)
        if self.shifted:
            table.shift_note = VGroup(label("m = the row's largest score =", "small", theme.muted),
                                      NumberText(head.masked_scores[i].max(), precision,
                                                 f"{self.head_source}.masked_scores[{i}].max()", "small", theme.muted))
            table.shift_note.arrange(RIGHT, buff=0.12).next_to(table.total, DOWN, buff=0.3).align_to(table.keys, LEFT)
            table.add(table.shift_note)
        return fit_stage(table, height=6.2)

    def exps(self, i: int) -> np.ndarray:
        """e^s for row i, or e^(s − m) when shifted: the values the worked row shows."""
        scores = self.head_trace.masked_scores[i]
        return np.exp(scores - scores.max()) if self.shifted else np.exp(scores)

    def minus_max(self, i: int) -> str:
        """The source text of "− m" in a shifted row's expressions ("" when not shifted)."""
        return f" - {self.head_source}.masked_scores[{i}].max()" if self.shifted else ""

    def add_sums(self, table: VGroup, i: int, exp_of: str) -> None:
        """Under a rule: the sum of e^s (the divisor), and the weights' sums, 1 and 100 %."""
        muted, precision = self.theme.muted, self.trace.precision
        bottom = table.exps.get_bottom()[1] - 0.1
        rule = lambda left, right: Line([left.get_left()[0], bottom, 0], [right.get_right()[0] + 0.05, bottom, 0],
                                        color=muted, stroke_width=2)
        table.rule = rule(table.exps, table.exps)
        table.sum_label = label("sum", "small", muted).next_to(table.rule, DOWN, buff=0.16).match_x(table.keys)
        table.total = NumberText(self.exps(i).sum(), precision, f"np.exp({exp_of}[{i}]{self.minus_max(i)}).sum()")
        table.total.next_to(table.rule, DOWN, buff=0.16).match_x(table.exps)
        table.weight_totals = VGroup(
            rule(table.weights, table.percents),
            NumberText(self.head_trace.weights[i].sum(), precision, f"{self.head_source}.weights[{i}].sum()")
            .match_y(table.total).match_x(table.weights),
            NumberText(percentages(self.head_trace.weights[i]).sum(), 0, f"percentages({self.head_source}.weights[{i}]).sum()",
                       suffix="%").match_y(table.total).match_x(table.percents))
        table.add(table.rule, table.sum_label, table.total, table.weight_totals)

    def division(self, i: int, exp_of: str) -> VGroup:
        """“÷ total ≈”: each line reads e^s ÷ total ≈ weight (≈ because the shown values are rounded)."""
        muted = self.theme.muted
        total = NumberText(self.exps(i).sum(), self.trace.precision,
                           f"np.exp({exp_of}[{i}]{self.minus_max(i)}).sum()", "small", muted)
        return VGroup(label("÷", "small", muted), total, label("≈", "small", muted)).arrange(RIGHT, buff=0.12)

    def scores_caption(self, token: str) -> str:
        caption = (f"These are head {self.focus_head + 1}'s scaled scores: row “{token}” holds how well its query matches every key. "
                   "Softmax turns each row into weights.")
        if self.trace.causal:
            caption += " Grey cells are keys a token may not see: their score is −∞."
        return caption

    def heatmap_caption(self) -> str:
        caption = ("Softmax does the same for every row at once. Rows are queries, columns are keys, "
                   "and each row sums to 100 %.")
        if self.trace.causal:
            caption += " Hidden keys score −∞, and e to the −∞ is 0: a token gives later tokens no weight."
        return caption

    def weights_heatmap(self) -> WeightHeatmap:
        trace = self.trace
        heatmap = WeightHeatmap(self.head_trace.weights, f"{self.head_source}.weights", trace.tokens, mask=trace.mask,
                                title=f"attention weights · head {self.focus_head + 1}", title_color=self.theme.head_color(self.focus_head),
                                note="softmax runs along each row: each row sums to 100 %")
        return fit_stage(heatmap)
