"""Grouped-query attention: 9 query heads, 3 key/value heads. Each query head asks its own
question (its own q), but the three heads of a group compare it with the same keys and read the
same values, so the KV cache a decoder keeps while it writes is 3× smaller."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Line, Rectangle, RoundedRectangle, VGroup

from attention_math.models.decoder_explained import kv_cache_saving
from attention_math.models.decoder_features import kv_cache_reference

from ..base import corner_title
from ..components import NumberText, highlight_box, label
from .common import DecoderScene
from .phrases import align_columns, phrase, worded

SHOWN_DIMENSIONS = 4  # the first entries of each q and k row in the table
BOX = (1.05, 0.62)  # a head's box in the diagram
CACHE_BAR_WIDTH = 9.0  # the bar without sharing; the shared one is to scale


class GroupedQuery(DecoderScene):
    segment = "grouped-query"

    @staticmethod
    def applies(spec) -> bool:
        return spec.grouped_query

    def setup(self) -> None:
        super().setup()
        self.grouping = self.model.layers[self.context.layer].grouped_query
        self.cache = kv_cache_saving(self.model)
        self.reference = kv_cache_reference(self.spec)  # the other packaged decoder's sharing, to compare
        self.traces = {"model": self.model, "cache": self.cache, "reference": self.reference}
        self.grouping_source = f"model.layers[{self.context.layer}].grouped_query"

    def construct(self) -> None:
        grouping, cache = self.grouping, self.cache
        single = grouping.n_kv_heads == 1
        corner_title(self, self.words("title_single" if single else "title"), self.words("subtitle"))

        self.step("heads", self.words("heads.single" if single else "heads.caption", heads=grouping.n_heads,
                                      kv_heads=grouping.n_kv_heads, groups=self.groups_said()))
        diagram = self.diagram()
        self.play(FadeIn(diagram.queries), FadeIn(diagram.kv_heads), FadeIn(diagram.names))
        self.play(LaggedStart(*(Create(line) for line in diagram.links), lag_ratio=0.06), run_time=1.5)
        self.hold_for_caption(1.0)

        token = self.model.tokens[self.presentation.focus_query].strip()
        self.step("shared", self.words("shared.caption", token=token, layer=self.context.layer + 1))
        table = self.table()
        self.play(FadeIn(table.rows, shift=UP * 0.2))
        self.play(Create(table.shared))
        self.hold_for_caption(1.5)

        compare = "" if self.reference is None else self.words(
            "cache.compare", name=self.reference.name, per=self.reference.heads_per_kv_head)
        self.step("cache", self.words("cache.single" if single else "cache.caption", kv_heads=grouping.n_kv_heads,
                                      times=cache.heads_per_kv_head, compare=compare))
        bars = self.cache_bars()
        self.play(FadeOut(table), FadeIn(bars.without))
        self.play(FadeIn(bars.shared, shift=RIGHT * 0.2), FadeIn(bars.totals))
        self.hold_for_caption(1.5)

    def diagram(self) -> VGroup:
        """Query head boxes on top, K/V head boxes below, a line from each query head to its K/V head."""
        grouping, theme = self.grouping, self.theme
        diagram = VGroup()
        diagram.queries = VGroup(*(self.head_box(f"Q {h + 1}", theme.head_color(h)) for h in range(grouping.n_heads)))
        diagram.queries.arrange(RIGHT, buff=0.22)
        diagram.kv_heads = VGroup(*(self.head_box(f"K, V {g + 1}", theme.key, width=2.2)
                                    for g in range(grouping.n_kv_heads)))
        for g, box in enumerate(diagram.kv_heads):  # each under the middle of its group
            members = VGroup(*(diagram.queries[h] for h in grouping.query_heads_of_kv[g]))
            box.next_to(members, DOWN, buff=1.0)
        diagram.links = VGroup(*(
            Line(diagram.queries[h].get_bottom(), diagram.kv_heads[g].get_top(), color=theme.head_color(h), stroke_width=3)
            for h, g in enumerate(grouping.kv_head_of_query)))
        diagram.names = VGroup(
            phrase(*worded(self.words, "labels.query_heads",
                           count=NumberText(grouping.n_heads, 0, f"{self.grouping_source}.n_heads", "small")),
                   size="small", color=theme.muted),
            phrase(*worded(self.words, "labels.kv_head_single" if grouping.n_kv_heads == 1 else "labels.kv_heads",
                           count=NumberText(grouping.n_kv_heads, 0, f"{self.grouping_source}.n_kv_heads", "small")),
                   size="small", color=theme.muted))
        diagram.names[0].next_to(diagram.queries, UP, buff=0.2).align_to(diagram.queries, LEFT)
        diagram.names[1].next_to(diagram.kv_heads, DOWN, buff=0.2).align_to(diagram.queries, LEFT)
        diagram.add(diagram.links, diagram.queries, diagram.kv_heads, diagram.names)
        return diagram.move_to([self.stage.centre[0], self.stage.top, 0], aligned_edge=UP)

    def head_box(self, name: str, color, width: float = BOX[0]) -> VGroup:
        box = RoundedRectangle(corner_radius=0.08, width=width, height=BOX[1], stroke_color=color, stroke_width=3,
                               fill_color=color, fill_opacity=0.15)
        return VGroup(box, label(name, "small", self.theme.ink).move_to(box))

    def groups_said(self) -> str:
        """'Each key/value head serves 3 query heads: heads 1–3 read K/V head 1, 4–6 K/V head 2, …' from the trace."""
        groups = self.grouping.query_heads_of_kv
        if len(groups) == 1:
            return self.words("heads.all_same", heads=len(groups[0]))
        spans = ", ".join(self.words("heads.span", first=g[0] + 1, last=g[-1] + 1, group=k + 1)
                          for k, g in enumerate(groups))
        return self.words("heads.serves", per=self.cache.heads_per_kv_head, spans=spans)

    def table(self) -> VGroup:
        """For the focus token: the first entries of q and k in the first group's heads and one head of
        the next group (the same k within a group, another one across)."""
        groups = self.grouping.query_heads_of_kv  # one key/value head (multi-query): its group is every head
        heads = [*groups[0], *groups[1][:1]] if len(groups) > 1 else list(groups[0])
        query, layer = self.presentation.focus_query, self.context.layer
        rows = VGroup()
        rows.rows = VGroup()
        for h in heads:
            source = f"model.layers[{layer}].attention.heads[{h}]"
            head = self.model.layers[layer].attention.heads[h]
            entries = lambda name, values, color: [
                NumberText(values[query, j], 2, f"{source}.{name}[{query}, {j}]", "small", color=color)
                for j in range(SHOWN_DIMENSIONS)]
            rows.rows.add(phrase(self.words("labels.head", head=h + 1), "q:", *entries("q", head.q, self.theme.query), "…",
                            self.words("labels.k_of", group=self.grouping.kv_head_of_query[h] + 1),
                            *entries("k", head.k, self.theme.key), "…", size="small"))
        rows.rows.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        align_columns(rows.rows, buff=0.18)
        # The keys one group shares: the same numbers in each of its heads' rows.
        group = len(self.grouping.query_heads_of_kv[0])
        rows.shared = highlight_box(VGroup(*(part for row in rows.rows[:group] for part in row[8:])), color=self.theme.key,
                                    buff=0.12)  # clear of the minus signs
        rows.add(rows.rows, rows.shared)
        return rows.move_to([self.stage.centre[0], self.stage.bottom + 0.2, 0], aligned_edge=DOWN)

    def cache_bars(self) -> VGroup:
        """Floats kept per token and layer, without sharing and with it, as bars to scale, and the
        totals over every layer."""
        cache, theme = self.cache, self.theme
        short = CACHE_BAR_WIDTH * cache.floats_per_token_per_layer / cache.floats_per_token_per_layer_without_sharing
        bars = VGroup()

        def bar(width: float, color, pieces: list) -> VGroup:
            rectangle = Rectangle(width=width, height=0.4, fill_color=color, fill_opacity=0.6, stroke_width=0)
            text = phrase(*pieces, size="small").next_to(rectangle, UP, buff=0.12).align_to(rectangle, LEFT)
            return VGroup(text, rectangle)

        per_layer = lambda field: NumberText(getattr(cache, field), 0, f"cache.{field}", "small", weight="BOLD")
        bars.without = bar(CACHE_BAR_WIDTH, theme.muted, worded(
            self.words, "labels.without", floats=per_layer("floats_per_token_per_layer_without_sharing")))
        bars.shared = bar(short, theme.key, worded(
            self.words, "labels.grouped", floats=per_layer("floats_per_token_per_layer"),
            times=NumberText(cache.times_smaller, 0, "cache.times_smaller", "small", weight="BOLD", suffix="×")))
        bars.shared.next_to(bars.without, DOWN, buff=0.35).align_to(bars.without, LEFT)
        bars.totals = phrase(*worded(
            self.words, "labels.totals", layers=NumberText(cache.n_layers, 0, "cache.n_layers", "small"),
            without=NumberText(cache.floats_per_token_without_sharing, 0, "cache.floats_per_token_without_sharing",
                               "small"),
            grouped=NumberText(cache.floats_per_token, 0, "cache.floats_per_token", "small")),
            size="small", color=theme.muted).next_to(bars.shared, DOWN, buff=0.3).align_to(bars.without, LEFT)
        bars.add(bars.without, bars.shared, bars.totals)
        if self.reference is not None:  # shown with the totals
            line = self.reference_line().next_to(bars.totals, DOWN, buff=0.2).align_to(bars.without, LEFT)
            bars.totals = VGroup(bars.totals, line)
            bars.add(bars.totals)
        return bars.move_to([self.stage.centre[0], self.stage.bottom + 0.2, 0], aligned_edge=DOWN)

    def reference_line(self) -> VGroup:
        """The other packaged decoder's grouping and saving, for comparison."""
        reference = self.reference
        number = lambda field, suffix="": NumberText(getattr(reference, field), 0, f"reference.{field}", "small",
                                                     suffix=suffix)
        return phrase(*worded(self.words, "labels.reference", name=reference.name, heads=number("n_heads"),
                              kv_heads=number("n_kv_heads"), times=number("times_smaller", "×")),
                      size="small", color=self.theme.muted)
