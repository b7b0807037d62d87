"""Segment 4's worked softmax row: one line per key, score | e^s | ÷ total ≈ | weight | %,
and under a rule the total of the exponentials and the sums of the weights (1 and 100 %).

Every number is a field of the trace's worked row (`heads[h].softmax_rows[i]`), so a
viewer who redoes e^s ÷ total gets the weight shown, and the percentages add to 100.

A long sentence's row (`top=k`) lists the k keys of largest weight, largest first, then one
line for all the other keys together (the row's `rest` sums), so the columns still add up.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Line, VGroup

from attention_math.worked import SoftmaxRow

from ..theme import current_theme
from ..words import common
from .key_table import KeyTable, key_column, others_label, per_line, worked_column
from .labels import formula
from .matrix import NumberMatrix
from .text import NumberText, label

ROW_GAP = 0.45  # between the columns


class SoftmaxTable(KeyTable):
    """Parts besides KeyTable's: `scores`, `exps`, `divisions`, `weights` (one-column matrices or
    per-line groups), `percents`, `rule`, `sum_label`, `total`, `weight_totals` (rule, 1.00, 100 %),
    `shift_note` ("m = the row's largest score = …", or None when the row is not shifted),
    `cut_note` (what a cut-down row lists, or None)."""

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
    cut_note: VGroup | None

    def __init__(self, tokens, row: SoftmaxRow, source: str, precision: int, mask_row, top: int | None = None) -> None:
        """`source` is the row's field path, e.g. "heads[0].softmax_rows[2]"; `top` cuts the row."""
        theme = current_theme()
        muted = theme.muted
        keys = list(range(len(tokens))) if top is None else list(row.rest.order[:top])
        lines = len(keys) + (top is not None)
        column = lambda field, **options: worked_column(row, source, field, keys, top, precision, **options)
        shown_mask = [bool(mask_row[j]) for j in keys] + ([False] if top is not None else [])
        self.scores = key_column([row.scores[j] for j in keys] + ([0.0] if top is not None else []), precision,
                                 lambda r: f"{source}.scores[{keys[r]}]", mask=shown_mask,
                                 **({"masked_text": "…"} if top is not None else {}))
        self.exps = column("exponentials", coloring="none")
        self.divisions = per_line(lambda: VGroup(label("÷", "small", muted),
                                                 NumberText(row.total, precision, f"{source}.total", "small", muted),
                                                 label("≈", "small", muted)).arrange(RIGHT, buff=0.12), lines)
        self.weights = column("weights", coloring="weight")
        exp_header = formula(r"e^{s - m}" if row.shifted else r"e^{s}", "label", muted)
        names = [tokens[j] for j in keys] + ([others_label(row, top)] if top is not None else [])
        super().__init__(names, [(common("softmax.score"), self.scores), (exp_header, self.exps), (None, self.divisions),
                                 (common("weight"), self.weights)], gap=ROW_GAP, indices=keys + [0])
        percentages = [(row.percentages[j], f"{source}.percentages[{j}]") for j in keys]
        if top is not None:
            percentages.append((row.rest.percentages[top], f"{source}.rest.percentages[{top}]"))
        self.percents = VGroup(*(NumberText(value, 0, path, suffix="%").next_to(self.weights.rects[r][0], RIGHT, buff=0.3)
                                 for r, (value, path) in enumerate(percentages)))
        percent_header = label("%", "small", muted).next_to(self.percents, UP, buff=0.15)
        percent_header.match_x(self.percents).match_y(self.headers[0])
        self.headers.add(percent_header)
        self.add(self.percents, percent_header)
        self._add_sums(row, source, precision)
        self.cut_note = None
        if top is not None:
            self.cut_note = label(common("softmax.cut", top=top, rest=row.rest.counts[top]), "small", muted)
            self.cut_note.next_to(self.headers, UP, buff=0.3).align_to(self.keys, LEFT)
            self.add(self.cut_note)

    def _add_sums(self, row: SoftmaxRow, source: str, precision: int) -> None:
        muted = current_theme().muted
        bottom = self.exps.get_bottom()[1] - 0.1
        rule = lambda left, right: Line([left.get_left()[0], bottom, 0], [right.get_right()[0] + 0.05, bottom, 0],
                                        color=muted, stroke_width=2)
        self.rule = rule(self.exps, self.exps)
        self.sum_label = label(common("sum"), "small", muted).next_to(self.rule, DOWN, buff=0.16).match_x(self.keys)
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
            self.shift_note = VGroup(label(common("softmax.largest"), "small", muted),
                                     NumberText(row.row_max, precision, f"{source}.row_max", "small", muted))
            self.shift_note.arrange(RIGHT, buff=0.12).next_to(self.total, DOWN, buff=0.3).align_to(self.keys, LEFT)
            self.add(self.shift_note)

    def header_of(self, column: str) -> VGroup:
        """The header over "keys", "scores", "exps", "weights" or "percents"."""
        order = {"keys": 0, "scores": 1, "exps": 2, "weights": 4, "percents": 5}
        return self.headers[order[column]]
