"""Generation with a KV cache: SmolLM2 writes 3 tokens greedily. Each step feeds one token, whose
K and V rows join the cache; only its own query row is computed, against every cached key."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, ReplacementTransform, VGroup

from attention_math.generation import generation_trace

from ..base import Beat, corner_title
from ..components import NumberText, TokenChip, fit_width, highlight_box, label
from ..components.heatmap import ColorGrid, band_scale
from ..presentation import STAGE
from .cache_table import KVCacheTable
from .common import DecoderScene
from .phrases import worded

PANEL_LEFT = 1.5  # the step panel's left edge (the cache table is left of it)


class KVCache(DecoderScene):
    segment = "kv-cache"

    @staticmethod
    def applies(spec) -> bool:
        return spec.generation

    def setup(self) -> None:
        super().setup()
        # The followed layer and head are the context's (LAYER/HEAD, or QUERY/KEY's head finder).
        from attention_math.models.registry import resolve

        self.generation = generation_trace(self.model, self.context.layer, self.context.head,
                                           resolve(self.context.model))
        self.traces["generation"] = self.generation

    def construct(self) -> None:
        generation = self.generation
        sharing = len(self.model.layers[generation.layer].grouped_query.query_heads_of_kv[generation.kv_head])
        corner_title(self, self.words("title"), self.words("subtitle", layer=generation.layer + 1,
                                                             head=generation.head + 1))

        self.step("cache", self.words("cache.caption", layer=generation.layer + 1, head=generation.head + 1,
                                      sharing=sharing))
        table = KVCacheTable(generation, self.model).move_to([STAGE.left, 2.25, 0], aligned_edge=UP + LEFT)
        table.shift(UP * (2.25 - table.rows[0].get_top()[1]))
        before = table.rows_before(0)
        intro = self.cache_note()
        self.play(FadeIn(table.header), FadeIn(table.gap), *(FadeIn(row) for row in before), FadeIn(intro),
                  run_time=1.2)
        self.hold_for_caption(1.0)

        written, shown = VGroup(), VGroup(intro)  # shown: the last step's panel, weight column and box
        written_label = label(self.words("labels.written"), "small", self.theme.muted).move_to([PANEL_LEFT, -2.75, 0],
                                                                                    aligned_edge=LEFT)
        for index, step in enumerate(generation.steps):
            fed = step.fed_token.strip() or step.fed_token
            chosen = step.chosen_token.strip() or step.chosen_token
            self.step(f"step-{index + 1}", self.words("step.caption", step=index + 1, fed=fed, chosen=chosen,
                                                      rows=step.attention.cached_rows))
            chip = TokenChip(step.chosen_token, len(generation.prompt_tokens) + index, height=0.4, size="small")
            written.add(chip)
            written.arrange(RIGHT, buff=0.1).next_to(written_label, RIGHT, buff=0.2)
            beats, shown = self.step_beats(table, index, shown, chip)
            if index == 0:
                self.add(written_label)
            self.perform(*beats)
            self.hold_for_caption(1.0)

        self.step("saving", self.words("saving.caption"))
        self.play(FadeOut(shown[0]), FadeIn(self.saving_note(), shift=UP * 0.2), run_time=1.0)
        self.hold_for_caption(1.5)

    def step_beats(self, table: KVCacheTable, index: int, shown: VGroup, chip) -> tuple[tuple[Beat, ...], VGroup]:
        """The new row arrives, the panel shows the step, the row is boxed and the weight column replaces
        the last step's; returns the beats and what is now shown (panel, weights, box)."""
        new_row, panel, weights = table.new_row(index), self.step_panel(index), table.weights(index)
        box = highlight_box(new_row, buff=0.05) if new_row is not None else VGroup()
        arrive = [FadeIn(new_row, shift=DOWN * 0.2)] if new_row is not None else []
        if len(shown) == 3:
            old_panel, old_weights, old_box = shown
            first = (*arrive, FadeOut(old_panel), FadeOut(old_box), FadeIn(panel))
            column = ReplacementTransform(old_weights, weights)
        else:
            first = (*arrive, *(FadeOut(part) for part in shown), FadeIn(panel), FadeIn(table.weight_header))
            column = FadeIn(weights)
        beats = (Beat(first, run_time=1.0), Beat((Create(box), column), run_time=1.0),
                 Beat((FadeIn(chip, shift=LEFT * 0.2),), run_time=0.6))
        return beats, VGroup(panel, weights, box)

    def step_panel(self, index: int) -> VGroup:
        """Right of the cache: the fed token, its query band, how many keys it meets, what it chose."""
        theme, step = self.theme, self.generation.steps[index]
        root = f"generation.steps[{index}]"
        title = label(self.words("labels.step", step=index + 1), "label", theme.ink, weight="BOLD")
        fed = VGroup(label(self.words("labels.fed"), "small", theme.muted),
                     TokenChip(step.fed_token, step.position, height=0.4, size="small")).arrange(RIGHT, buff=0.15)
        query = ColorGrid(step.attention.query, width=3.6, height=0.3, value_scale=band_scale(step.attention.query),
                          frame_color=theme.faint, stroke_width=1)
        d_k = NumberText(self.model.layers[0].attention.d_k, 0, "model.layers[0].attention.d_k", "small",
                         color=theme.query)
        query_name = self.line("labels.query_row", theme.query, d_k=d_k)
        rows = NumberText(step.attention.cached_rows, 0, f"{root}.attention.cached_rows", "small", weight="BOLD")
        meets = VGroup(self.line("labels.meets", theme.ink, rows=rows), label(self.words("labels.weights"), "small", theme.ink))
        meets.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        probability = NumberText(step.probability_percentage, 1, f"{root}.probability_percentage", "small", suffix="%")
        out = self.line("labels.next", theme.muted, buff=0.15, probability=probability,
                        token=TokenChip(step.chosen_token, step.position + 1, height=0.4, size="small"))
        panel = VGroup(title, fed, query_name, query, meets, label(self.words("labels.every_layer"), "small", theme.muted),
                       out).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        fit_width(panel, STAGE.right - PANEL_LEFT)
        return panel.move_to([PANEL_LEFT, 2.1, 0], aligned_edge=UP + LEFT)

    def cache_note(self) -> VGroup:
        """What a cached row is, beside the prompt's rows."""
        theme, model = self.theme, self.model
        grouped = model.layers[self.generation.layer].grouped_query
        d_k = NumberText(model.layers[0].attention.d_k, 0, "model.layers[0].attention.d_k", "small", weight="BOLD")
        kv_heads = NumberText(grouped.n_kv_heads, 0, f"model.layers[{self.generation.layer}].grouped_query.n_kv_heads",
                              "small", weight="BOLD")
        lines = VGroup(
            self.line("labels.row", theme.ink, d_k=d_k),
            self.line("labels.kv_head", theme.muted, kv_heads=kv_heads),
            label(self.words("labels.rope"), "small", theme.ink),
            label(self.words("labels.never_changes"), "small", theme.ink),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        fit_width(lines, STAGE.right - PANEL_LEFT)
        return lines.move_to([PANEL_LEFT, 2.1, 0], aligned_edge=UP + LEFT)

    def line(self, key: str, color, buff: float = 0.1, **marks) -> VGroup:
        """A small line of words (in `color`) around the mobjects its text names, in the language's order."""
        return VGroup(*(label(piece, "small", color) if isinstance(piece, str) else piece
                        for piece in worded(self.words, key, **marks))).arrange(RIGHT, buff=buff)

    def saving_note(self) -> VGroup:
        theme, generation = self.theme, self.generation
        floats = NumberText(generation.cache_floats_per_token, 0, "generation.cache_floats_per_token", "small",
                            weight="BOLD")
        layers = NumberText(generation.n_layers, 0, "generation.n_layers", "small", weight="BOLD")
        grouped = self.model.layers[generation.layer].grouped_query
        kv_heads = NumberText(grouped.n_kv_heads, 0, f"model.layers[{generation.layer}].grouped_query.n_kv_heads", "small",
                              weight="BOLD")
        d_k = NumberText(self.model.layers[0].attention.d_k, 0, "model.layers[0].attention.d_k", "small", weight="BOLD")
        lines = VGroup(
            label(self.words("labels.per_token"), "small", theme.ink),
            self.line("labels.sum", theme.ink, kv_heads=kv_heads, d_k=d_k, floats=floats),
            self.line("labels.kept", theme.ink, layers=layers),
            label(self.words("labels.adds"), "small", theme.ink),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        fit_width(lines, STAGE.right - PANEL_LEFT)
        return lines.move_to([PANEL_LEFT, 2.1, 0], aligned_edge=UP + LEFT)
