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
        corner_title(self, "Generation with a KV cache",
                     f"layer {generation.layer + 1} · head {generation.head + 1}")

        self.step("cache", f"Reading the prompt, every layer keeps each token's key row and value row: the KV "
                           f"cache. Shown: layer {generation.layer + 1}, the key/value head that query head "
                           f"{generation.head + 1} reads (grouped-query attention: {sharing} query heads share it).")
        table = KVCacheTable(generation, self.model).move_to([STAGE.left, 2.25, 0], aligned_edge=UP + LEFT)
        table.shift(UP * (2.25 - table.rows[0].get_top()[1]))
        before = table.rows_before(0)
        intro = self.cache_note()
        self.play(FadeIn(table.header), FadeIn(table.gap), *(FadeIn(row) for row in before), FadeIn(intro),
                  run_time=1.2)
        self.hold_for_caption(1.0)

        written, shown = VGroup(), VGroup(intro)  # shown: the last step's panel, weight column and box
        written_label = label("written so far:", "small", self.theme.muted).move_to([PANEL_LEFT, -2.75, 0],
                                                                                    aligned_edge=LEFT)
        for index, step in enumerate(generation.steps):
            fed = step.fed_token.strip() or step.fed_token
            chosen = step.chosen_token.strip() or step.chosen_token
            self.step(f"step-{index + 1}", f"Step {index + 1}: “{fed}” goes in. Its K and V rows join the cache; "
                                           f"only its own query row is computed, and it meets all "
                                           f"{step.attention.cached_rows} cached keys. Nothing earlier is "
                                           f"recomputed. Out comes “{chosen}”.")
            chip = TokenChip(step.chosen_token, len(generation.prompt_tokens) + index, height=0.4, size="small")
            written.add(chip)
            written.arrange(RIGHT, buff=0.1).next_to(written_label, RIGHT, buff=0.2)
            beats, shown = self.step_beats(table, index, shown, chip)
            if index == 0:
                self.add(written_label)
            self.perform(*beats)
            self.hold_for_caption(1.0)

        self.step("saving", "Without a cache, every step would recompute the keys and values of every earlier "
                            "token in every layer. With it, each new token adds just its own rows, and a step "
                            "costs one query row per head.")
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
        title = label(f"step {index + 1}", "label", theme.ink, weight="BOLD")
        fed = VGroup(label("in:", "small", theme.muted),
                     TokenChip(step.fed_token, step.position, height=0.4, size="small")).arrange(RIGHT, buff=0.15)
        query = ColorGrid(step.attention.query, width=3.6, height=0.3, value_scale=band_scale(step.attention.query),
                          frame_color=theme.faint, stroke_width=1)
        d_k = NumberText(self.model.layers[0].attention.d_k, 0, "model.layers[0].attention.d_k", "small",
                         color=theme.query)
        query_name = VGroup(label("its query row q:", "small", theme.query), d_k,
                            label("numbers", "small", theme.query)).arrange(RIGHT, buff=0.1)
        rows = NumberText(step.attention.cached_rows, 0, f"{root}.attention.cached_rows", "small", weight="BOLD")
        meets = VGroup(VGroup(label("meets all", "small", theme.ink), rows, label("cached keys:", "small", theme.ink))
                       .arrange(RIGHT, buff=0.1), label("weights = softmax of q·k ÷ √d_k", "small", theme.ink))
        meets.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        probability = NumberText(step.probability_percentage, 1, f"{root}.probability_percentage", "small", suffix="%")
        out = VGroup(label("next token:", "small", theme.muted),
                     TokenChip(step.chosen_token, step.position + 1, height=0.4, size="small"), probability)
        out.arrange(RIGHT, buff=0.15)
        panel = VGroup(title, fed, query_name, query, meets, label("… and so on in every layer …", "small", theme.muted),
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
            VGroup(label("a row: one token's", "small", theme.ink), d_k, label("numbers", "small", theme.ink))
            .arrange(RIGHT, buff=0.1),
            VGroup(label("for one key/value head of", "small", theme.muted), kv_heads).arrange(RIGHT, buff=0.1),
            label("K rows are already turned by RoPE:", "small", theme.ink),
            label("a cached row never changes", "small", theme.ink),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        fit_width(lines, STAGE.right - PANEL_LEFT)
        return lines.move_to([PANEL_LEFT, 2.1, 0], aligned_edge=UP + LEFT)

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
            label("the cache, per token and layer:", "small", theme.ink),
            VGroup(label("K and V ×", "small", theme.ink), kv_heads, label("key/value heads ×", "small", theme.ink),
                   d_k, label("=", "small", theme.ink), floats, label("numbers", "small", theme.ink))
            .arrange(RIGHT, buff=0.1),
            VGroup(label("kept in all", "small", theme.ink), layers, label("layers", "small", theme.ink))
            .arrange(RIGHT, buff=0.1),
            label("a step adds one row to each and reads them all", "small", theme.ink),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        fit_width(lines, STAGE.right - PANEL_LEFT)
        return lines.move_to([PANEL_LEFT, 2.1, 0], aligned_edge=UP + LEFT)
