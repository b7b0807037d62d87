"""q/k normalisation (Gemma 3, Qwen3): before RoPE, each head's query and key vectors are divided
by their own root mean square and multiplied by a learned gain per dimension, so no q·k score can
grow just because a vector is long. The numbers are the followed token's real q and a key's real k
in the chosen layer and head (attention_math.models.decoder_features.QKNorm)."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, VGroup

from attention_math.models.decoder_features import qk_norm

from ..base import corner_title
from ..components import NumberText, label
from .common import DecoderScene
from .phrases import align_columns, phrase, worded

SHOWN_DIMENSIONS = 5  # the first entries of each vector
KEY_BACK = 5  # without KEY=, the key this many tokens before the query (or the first token)


class QKNormalisation(DecoderScene):
    segment = "qk-norm"

    @staticmethod
    def applies(spec) -> bool:
        return spec.qk_norm

    def setup(self) -> None:
        super().setup()
        query = self.presentation.focus_query
        key = self.presentation.focus_key if self.presentation.focus_key is not None else max(0, query - KEY_BACK)
        self.norm = qk_norm(self.model, self.context.layer, self.focus_head, query, key)
        self.traces = {"model": self.model, "norm": self.norm}

    def construct(self) -> None:
        norm, tokens = self.norm, self.model.tokens
        corner_title(self, self.words("title"), self.words("subtitle"))
        query, key = tokens[norm.query_token].strip(), tokens[norm.key_token].strip()
        self.step("before", self.words("before.caption", layer=norm.layer + 1, head=norm.head + 1, query_token=query,
                                       key_token=key, d_k=norm.d_k))
        q_rows, k_rows = self.vector_rows("q", self.theme.query), self.vector_rows("k", self.theme.key)
        blocks = VGroup(q_rows, k_rows).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        align_columns(VGroup(*q_rows[0], *k_rows[0]), buff=0.3)  # q's and k's entries in the same columns
        for block in (q_rows, k_rows):
            block.lengths.align_to(VGroup(q_rows[0], k_rows[0]), RIGHT).shift(RIGHT * (block.lengths.width + 0.5))
            block.lengths[1].align_to(block.lengths[0], LEFT)
        blocks.scale(self.stage.fit_scale(blocks, width=self.stage.width - 0.4, height=self.stage.height - 1.6))
        blocks.move_to([self.stage.centre[0], self.stage.top - 0.2, 0], aligned_edge=UP)
        self.play(FadeIn(q_rows.lines[0]), FadeIn(k_rows.lines[0]))
        self.hold_for_caption(1.0)

        self.step("divide", self.words("divide.caption"))
        self.play(FadeIn(q_rows.lines[1], shift=DOWN * 0.1), FadeIn(k_rows.lines[1], shift=DOWN * 0.1))
        self.hold_for_caption(1.0)

        self.step("gain", self.words("gain.caption"))
        self.play(FadeIn(q_rows.lines[2], shift=DOWN * 0.1), FadeIn(k_rows.lines[2], shift=DOWN * 0.1))
        scores = self.scores().next_to(blocks, DOWN, buff=0.4).align_to(blocks, LEFT)
        self.play(FadeIn(scores, shift=UP * 0.1))
        self.hold_for_caption(2.0)

    def vector_rows(self, role: str, color) -> VGroup:
        """before, ÷ RMS, × gain, = after: the first entries of q or k at each step in shared columns,
        and the vector's length before and after."""
        vector, theme = getattr(self.norm, role), self.theme
        source = f"norm.{role}"
        # The normalised row and the gain keep a third decimal, so "÷ RMS" and "× gain" redo to the shown after.
        places = {"normalized": 3, "gain": 3}
        entries = lambda field, tint: [NumberText(getattr(vector, field)[j], places.get(field, 2), f"{source}.{field}[{j}]",
                                                  "small", color=tint) for j in range(SHOWN_DIMENSIONS)]
        rms = phrase("÷ RMS", NumberText(vector.rms, 3, f"{source}.rms", "small", weight="BOLD"), "=", size="small")
        rows = ((self.words("labels.before", role=role), "before", color, theme.ink),
                (rms, "normalized", theme.ink, theme.ink),
                (self.words("labels.times_gain"), "gain", theme.muted, theme.muted),
                (self.words("labels.after", role=role), "after", color, theme.ink))
        lines = VGroup(*(phrase(head, *entries(field, tint), "…", size="small", color=words)
                         for head, field, words, tint in rows))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        length = lambda field: phrase(self.words("labels.length"), NumberText(getattr(vector, field), 2, f"{source}.{field}", "small",
                                                           weight="BOLD"), size="small", color=theme.muted)
        lengths = VGroup(length("length_before").align_to(lines[0], DOWN),
                         length("length_after").align_to(lines[3], DOWN))  # placed beside the lines by construct
        block = VGroup(lines, lengths)
        block.lines, block.lengths = VGroup(VGroup(lines[0], lengths[0]), lines[1], VGroup(lines[2], lines[3],
                                                                                          lengths[1])), lengths
        return block

    def scores(self) -> VGroup:
        norm = self.norm
        return phrase(*worded(self.words, "labels.scores",
                              before=NumberText(norm.score_before, 2, "norm.score_before", "small", weight="BOLD"),
                              after=NumberText(norm.score_after, 2, "norm.score_after", "small", weight="BOLD")),
                      size="small", color=self.theme.muted)
