"""Story · Similarity by dot product: seed 002's 2-D example ([6, 1]·[4, 2] = 26 against
[6, 1]·[1, 5] = 11) as arrows, then seed 004's focus table for the active sentence's focus
query: per word the score, the scaled score and the softmax percentage, the largest marked,
and the weighted sum written out, all from the trace."""
from __future__ import annotations

from dataclasses import dataclass

from manim import (DOWN, LEFT, RIGHT, Create, FadeIn, FadeOut, GrowArrow, LaggedStart, MathTex, TransformFromCopy,
                   VGroup)

from attention_math import format_number

from ..base import corner_title
from ..components import NumberText, TokenChip, formula, highlight_box, label
from ..components.key_table import KeyTable, key_column
from ..components.plane import VectorArrow, VectorPlane
from ..components.products import SpelledProduct
from ..components.weighted_sum import WeightedSum
from ..words import sentences
from .common import StoryScene

COLUMN_GAP = 0.75


class Similarity(StoryScene):
    segment = "similarity"

    def construct(self) -> None:
        trace, dot = self.trace, self.names["dot"]
        query = self.presentation.focus_query
        token = trace.tokens[query]
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("plane", self.words("plane.caption"))
        plane = self.plane()
        self.play(FadeIn(plane.grid))
        self.play(GrowArrow(plane.vectors[0].arrow), FadeIn(VGroup(*plane.vectors[0][1:])))
        self.play(FadeIn(plane.rule, shift=LEFT * 0.2))
        self.hold_for_caption(0.6)

        self.step("alike", self.words("alike.caption", dot=format_number(dot.alike_dot, 0)))
        self.play(GrowArrow(plane.vectors[1].arrow), FadeIn(VGroup(*plane.vectors[1][1:])))
        self.play(FadeIn(plane.products[0], shift=LEFT * 0.2))
        self.hold_for_caption(0.8)

        self.step("unlike", self.words("unlike.caption", dot=format_number(dot.unlike_dot, 0)))
        self.play(GrowArrow(plane.vectors[2].arrow), FadeIn(VGroup(*plane.vectors[2][1:])))
        self.play(FadeIn(plane.products[1], shift=LEFT * 0.2))
        self.hold_for_caption(0.8)

        self.step("table", sentences(self.words("table.caption", token=token), self.cut_note(query)))
        table, total, keys = self.focus_table(query)
        self.play(FadeOut(plane.grid), *(FadeOut(v) for v in plane.vectors), FadeOut(plane.products), FadeOut(plane.rule), FadeIn(table.query_label), FadeIn(table.keys), FadeIn(table.headers))
        self.play(LaggedStart(*(FadeIn(column) for column in table.columns), lag_ratio=0.4), run_time=1.5)
        self.hold_for_caption(0.6)

        row = self.head_trace.softmax_rows[query]
        best = [j for j in row.largest if j in keys]  # ties as shown get marked together
        names = self.words("largest.joiner").join(f"“{trace.tokens[j]}”" for j in best)
        self.step("largest", self.words("largest.caption", names=names,
                                        percent=format_number(row.percentages[best[0]], 0)))
        lines = [keys.index(j) for j in best]  # a long sentence's table lists keys by weight
        self.play(*(Create(highlight_box(VGroup(table.keys[r], table.columns[-1].rects[r][0]), buff=0.08))
                    for r in lines))
        self.hold_for_caption(0.8)

        self.step("sum", self.words("sum.caption", token=token))
        self.play(FadeIn(total.lead), TransformFromCopy(table.columns[-1].cells, VGroup(*total.weights)),
                  FadeIn(VGroup(*(m for m in total.terms() if not any(m in w.get_family() for w in total.weights)))),
                  run_time=1.5)
        self.hold_for_caption(1.5)

    # Pictures ------------------------------------------------------------------------
    def plane(self) -> DotPlane:
        """The grid with [6, 1], [4, 2] and [1, 5] as arrows; each dot product spelled out to the right."""
        dot, theme = self.names["dot"], self.theme
        plane = VectorPlane(7, 6, unit=0.68)
        names = ("query", "alike", "unlike")
        colors = [theme.token_color(k) for k in range(3)]
        vectors = [plane.arrow(getattr(dot, name), color, [(v, 0, f"dot.{name}[{k}]")
                                                           for k, v in enumerate(getattr(dot, name))])
                   for name, color in zip(names, colors)]
        ours = vectors[0]
        ours.add(label(self.words("labels.our_word"), "small", theme.muted).next_to(ours.coordinates, DOWN, buff=0.1))
        products = VGroup(*(
            VGroup(SpelledProduct([(v, 0, f"dot.query[{k}]") for k, v in enumerate(dot.query)],
                                  [(v, 0, f"dot.{name}[{k}]") for k, v in enumerate(getattr(dot, name))],
                                  (getattr(dot, f"{name}_dot"), 0, f"dot.{name}_dot"), size="body"),
                   label(self.words(f"labels.{name}"), "small", theme.muted))
            .arrange(DOWN, buff=0.15, aligned_edge=LEFT)
            for name in ("alike", "unlike")
        )).arrange(DOWN, buff=0.8, aligned_edge=LEFT)
        rule = formula(r"a \cdot b = a_1 b_1 + a_2 b_2", "body")
        right = VGroup(rule, products).arrange(DOWN, buff=0.8, aligned_edge=LEFT)
        right.next_to(plane, RIGHT, buff=1.6)
        self.stage.fit(VGroup(plane, *vectors, right), width=13.0, height=6.4, grow=1.3)
        return DotPlane(plane, vectors, products, rule)  # drawn step by step, not as one group

    def focus_table(self, i: int) -> tuple[KeyTable, WeightedSum, list[int]]:
        """One line per key: chip | score | scaled score | softmax %; under it the weighted sum
        with the table's percentages as weights (so the two always agree). A long sentence lists
        the keys of largest weight (the layout policy says how many) and one line for the others."""
        trace, head, source, theme = self.trace, self.head_trace, self.head_source, self.theme
        precision, blend, row = trace.precision, f"{source}.blend_rows[{i}]", head.softmax_rows[i]
        top = self.presentation.worked_keys(row.rest.visible)
        keys = list(range(trace.n_tokens)) if top is None else list(row.rest.order[:top])
        extra = [] if top is None else [top]  # the "others" line: its share is the trace's rest sum
        shown = [bool(trace.mask[i, j]) for j in keys] + [False] * len(extra)
        pick = lambda values: [values[j] for j in keys] + [0.0] * len(extra)
        columns = [
            key_column(pick(head.scores[i]), precision, lambda r: f"{source}.scores[{i}, {keys[r]}]",
                       mask=shown, masked_text="−" if top is None else "⋯"),
            key_column(pick(head.scaled_scores[i]), precision, lambda r: f"{source}.scaled_scores[{i}, {keys[r]}]",
                       mask=shown, masked_text="−" if top is None else "⋯"),
            key_column(pick(head.percentages[i])[:len(keys)] + [row.rest.percentages[k] for k in extra], 0,
                       lambda r: f"{source}.percentages[{i}, {keys[r]}]" if r < len(keys)
                       else f"{source}.softmax_rows[{i}].rest.percentages[{top}]", coloring="none"),
        ]
        for r, rect in enumerate(columns[-1].rects):  # the shares on the weight colour scale
            weight = head.weights[i, keys[r]] if r < len(keys) else 0.0
            rect[0].set_fill(theme.weight_color(weight), opacity=1)
            columns[-1].numbers[r][0].set_color(theme.text_on(rect[0].fill_color))
        names = [trace.tokens[j] for j in keys] + [label(self.words("labels.other_words", count=row.rest.counts[k]), "small", theme.muted)
                                                   for k in extra]
        headers = (self.words("labels.score"), formula(r"\div\sqrt{d_k}", "label", theme.muted),
                   self.words("labels.softmax_percent"))
        table = KeyTable(names, list(zip(headers, columns)), gap=COLUMN_GAP, chip_width=2.4,
                         key_header=self.words("labels.word"), query=i,
                         indices=keys + [i] * len(extra), query_token=trace.tokens[i])
        self.unclash(table)
        lead = VGroup(label(self.words("labels.new"), "label", theme.muted), TokenChip(trace.tokens[i], i, max_width=2.4, height=0.42,
                      size="small"), label("=", "cell", theme.muted)).arrange(RIGHT, buff=0.12)
        total = WeightedSum(lead, [((head.blend_rows[i].shares[j], precision, f"{blend}.shares[{j}]"), trace.tokens[j], j)
                                   for j in keys if trace.mask[i, j]], max_width=12.5)
        if extra:  # the other keys' part of the sum, as the table's last line gives it
            total.add(self.others_term(i, top).next_to(total, DOWN, buff=0.16).align_to(total, LEFT))
        total.next_to(table, DOWN, buff=0.45)
        self.stage.fit(VGroup(table, total), width=13.0, height=6.3, grow=1.15)
        return table, total, keys

    @staticmethod
    def unclash(table: KeyTable) -> None:
        """Two neighbouring headers of a language that would touch both shrink about their centres until
        they are 0.12 apart (English's never touch)."""
        heads = [head for head in table.headers if head.width > 0]
        for a, b in zip(heads, heads[1:]):
            overlap = a.get_right()[0] + 0.12 - b.get_left()[0]
            if overlap > 0:  # each narrows by the overlap: each edge moves half of it
                for head in (a, b):
                    head.scale((head.width - overlap) / head.width, about_point=head.get_bottom())

    def cut_note(self, i: int) -> str:
        """What a cut-down table lists, for the caption ("" when it lists every word)."""
        top = self.presentation.worked_keys(self.head_trace.softmax_rows[i].rest.visible)
        return "" if top is None else self.words("table.cut", top=top)

    def others_term(self, i: int, top: int) -> VGroup:
        """"+ the other 58 words together, 12 % of the mix" under a cut-down weighted sum."""
        theme, row = self.theme, self.head_trace.softmax_rows[i]
        share = NumberText(row.rest.percentages[top], 0, f"{self.head_source}.softmax_rows[{i}].rest.percentages[{top}]",
                           "cell", suffix="%")
        return VGroup(label("+", "cell", theme.muted, mono=True),
                      label(self.words("labels.others_together", count=row.rest.counts[top]), "label", theme.muted),
                      share).arrange(RIGHT, buff=0.14)


# Parts of the pictures ------------------------------------------------------------
@dataclass(frozen=True)
class DotPlane:
    """The plane of the dot-product steps, each piece shown in its own step: `grid` (the
    VectorPlane), `vectors` (ours, an alike and an unlike one), `products` (each spelled out with
    its verdict), `rule` (a·b = a₁b₁ + a₂b₂)."""
    grid: VectorPlane
    vectors: list[VectorArrow]
    products: VGroup
    rule: MathTex
