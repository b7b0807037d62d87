"""Segment 4's worked softmax row: one line per key, score | e^s | ÷ total ≈ | weight | %,
and under a rule the total of the exponentials and the sums of the weights (1 and 100 %).

Every number is a field of the trace's worked row (`heads[h].softmax_rows[i]`), so a
viewer who redoes e^s ÷ total gets the weight shown, and the percentages add to 100.
"""
from __future__ import annotations

from manim import DOWN, RIGHT, UP, Line, VGroup

from attention_math.worked import SoftmaxRow

from ..theme import current_theme
from .key_table import KeyTable, key_column, per_line
from .labels import formula
from .matrix import NumberMatrix
from .text import NumberText, label

ROW_GAP = 0.45  # between the columns


class SoftmaxTable(KeyTable):
    """Parts besides KeyTable's: `scores`, `exps`, `divisions`, `weights` (one-column matrices or
    per-line groups), `percents`, `rule`, `sum_label`, `total`, `weight_totals` (rule, 1.00, 100 %),
    `shift_note` ("m = the row's largest score = …", or None when the row is not shifted)."""

    scores: NumberMatrix
    exps: NumberMatrix
    divisions: VGroup
    weights: NumberMatrix
    percents: VGroup
    rule: Line
    sum_label: VGroup
    total: NumberText
    weight_totals: VGroup
    shift_note: VGroup | None

    def __init__(self, tokens, row: SoftmaxRow, source: str, precision: int, mask_row) -> None:
        """`source` is the row's field path, e.g. "heads[0].softmax_rows[2]"."""
        theme = current_theme()
        muted = theme.muted
        self.scores = key_column(row.scores, precision, lambda j: f"{source}.scores[{j}]", mask=mask_row)
        self.exps = key_column(row.exponentials, precision, lambda j: f"{source}.exponentials[{j}]", coloring="none")
        self.divisions = per_line(lambda: VGroup(label("÷", "small", muted),
                                                 NumberText(row.total, precision, f"{source}.total", "small", muted),
                                                 label("≈", "small", muted)).arrange(RIGHT, buff=0.12), len(tokens))
        self.weights = key_column(row.weights, precision, lambda j: f"{source}.weights[{j}]", coloring="weight")
        exp_header = formula(r"e^{s - m}" if row.shifted else r"e^{s}", "label", muted)
        super().__init__(tokens, [("score s", self.scores), (exp_header, self.exps), (None, self.divisions),
                                  ("weight", self.weights)], gap=ROW_GAP)
        self.percents = VGroup(*(NumberText(row.percentages[j], 0, f"{source}.percentages[{j}]", suffix="%")
                                 .next_to(self.weights.rects[j][0], RIGHT, buff=0.3) for j in range(len(tokens))))
        percent_header = label("%", "small", muted).next_to(self.percents, UP, buff=0.15)
        percent_header.match_x(self.percents).match_y(self.headers[0])
        self.headers.add(percent_header)
        self.add(self.percents, percent_header)
        self._add_sums(row, source, precision)

    def _add_sums(self, row: SoftmaxRow, source: str, precision: int) -> None:
        muted = current_theme().muted
        bottom = self.exps.get_bottom()[1] - 0.1
        rule = lambda left, right: Line([left.get_left()[0], bottom, 0], [right.get_right()[0] + 0.05, bottom, 0],
                                        color=muted, stroke_width=2)
        self.rule = rule(self.exps, self.exps)
        self.sum_label = label("sum", "small", muted).next_to(self.rule, DOWN, buff=0.16).match_x(self.keys)
        self.total = NumberText(row.total, precision, f"{source}.total")
        self.total.next_to(self.rule, DOWN, buff=0.16).match_x(self.exps)
        self.weight_totals = VGroup(
            rule(self.weights, self.percents),
            NumberText(row.weight_total, precision, f"{source}.weight_total").match_y(self.total).match_x(self.weights),
            NumberText(row.percent_total, 0, f"{source}.percent_total", suffix="%")
            .match_y(self.total).match_x(self.percents))
        self.add(self.rule, self.sum_label, self.total, self.weight_totals)
        self.shift_note = None
        if row.shifted:
            self.shift_note = VGroup(label("m = the row's largest score =", "small", muted),
                                     NumberText(row.row_max, precision, f"{source}.row_max", "small", muted))
            self.shift_note.arrange(RIGHT, buff=0.12).next_to(self.total, DOWN, buff=0.3).align_to(self.keys, LEFT)
            self.add(self.shift_note)

    def header_of(self, column: str) -> VGroup:
        """The header over "keys", "scores", "exps", "weights" or "percents"."""
        order = {"keys": 0, "scores": 1, "exps": 2, "weights": 4, "percents": 5}
        return self.headers[order[column]]
