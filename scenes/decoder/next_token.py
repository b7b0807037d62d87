"""Next-token prediction: the last token's output → final RMSNorm → a logit for every token of
the vocabulary (the embedding matrix again: tied) → softmax → the top 5 and "all others"."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, Indicate, VGroup

from ..base import corner_title
from ..components import NumberText, TokenChip, highlight_box, label
from ..components.heatmap import ColorGrid, band_scale
from ..context import quantisation_said
from ..presentation import STAGE
from ..words import words
from .common import DecoderScene
from .next_token_table import NextTokenTable

BAND = (5.6, 0.34)  # a 576-number vector as a colour band
PROMPT_WIDTH = 13.3  # the prompt's chips wrap beyond this


class NextToken(DecoderScene):
    segment = "next-token"

    @staticmethod
    def applies(spec) -> bool:
        return spec.next_token and spec.norm == "rms"  # the segment spells out the final RMSNorm

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle"))
        model = self.model
        vocabulary = f"{model.next_token_shares.vocabulary_size:,}"

        self.step("last-output", self.words("last-output.caption", layers=model.n_layers,
                                            d_model=model.layers[0].attention.d_model))
        prompt, vector = self.prompt_row(), self.vector_rows()
        said = self.words("labels.quantised", model=self.model_name(), quantisation=quantisation_said(model.quantisation)) \
            if model.quantisation else self.words("labels.unquantised", model=self.model_name(), dtype=self.spec.dtype)
        note = label(said, "small", self.theme.muted)
        note.to_edge(DOWN, buff=0.25).to_edge(RIGHT, buff=0.45)
        self.clear_of(vector, note)
        self.play(FadeIn(prompt), FadeIn(vector.output), FadeIn(note), run_time=1.2)
        self.play(Create(prompt.box), run_time=0.5)
        self.hold_for_caption(1.0)

        self.step("final-norm", self.words("final-norm.caption", d_model=self.spec.d_model))
        self.play(FadeIn(vector.norm, shift=DOWN * 0.2), run_time=1.0)
        self.hold_for_caption(1.0)

        self.step("logits", self.words("logits.caption", vocabulary=vocabulary))
        table = NextTokenTable(model)
        table.move_to([STAGE.right - 0.1, 1.45, 0], aligned_edge=UP + RIGHT)  # room for the choice's box
        self.play(FadeIn(vector.logits, shift=DOWN * 0.2), FadeIn(table.header[:2]), FadeIn(table.chips),
                  FadeIn(table.logits), run_time=1.2)
        self.hold_for_caption(1.0)

        self.step("probabilities", self.words("probabilities.caption" if model.next_token_shares.others_percentage
                                              else "probabilities.sliver", vocabulary=vocabulary))
        self.play(FadeIn(table.header[2]), FadeIn(table.bars), FadeIn(table.percents), FadeIn(table.others), FadeIn(table.total),
                  FadeIn(vector.softmax), run_time=1.4)
        self.hold_for_caption(1.0)

        top = model.next_tokens[0].token
        self.step("choice", self.words("choice.caption", token=top.strip() or top))
        self.play(Create(highlight_box(table.row(0), buff=0.06)), Indicate(table.chips[0], scale_factor=1.15),
                  run_time=1.0)
        self.hold_for_caption(1.0)

    @staticmethod
    def clear_of(vector: VGroup, note) -> None:
        """A script with taller lines (Devanagari) pushes the rows' last line onto the model note: the
        rows shrink from their top left until it is clear (English's never reach it)."""
        overlap = note.get_top()[1] + 0.08 - vector.get_bottom()[1]
        if overlap > 0 and vector.get_right()[0] > note.get_left()[0]:
            vector.scale((vector.height - overlap) / vector.height, about_edge=UP + LEFT)

    def model_name(self) -> str:
        return self.spec.name

    def prompt_row(self) -> VGroup:
        """The prompt as chips along the top (wrapped onto a second line when long), the last one
        boxed (box not added)."""
        chips = [TokenChip(token, i, max_width=1.7, height=0.4, size="small") for i, token in enumerate(self.model.tokens)]
        lines, line, width = VGroup(), VGroup(), 0.0
        for chip in chips:
            if len(line) and width + chip.width > PROMPT_WIDTH:
                lines.add(line)
                line, width = VGroup(), 0.0
            line.add(chip)
            width += chip.width + 0.1
        lines.add(line)
        for line in lines:
            line.arrange(RIGHT, buff=0.1)
        row = lines.arrange(DOWN, buff=0.1).move_to([0, 2.35 if len(lines) == 1 else 2.4, 0])
        row.chips, row.box = chips, highlight_box(chips[-1], buff=0.06)
        return row

    def vector_rows(self) -> VGroup:
        """Down the left: the output vector, ↓ RMSNorm, the normed vector, ↓ the logits, ↓ softmax."""
        model, theme = self.model, self.theme
        last = len(model.tokens) - 1
        final, shares = model.final_norm, model.next_token_shares
        group = VGroup()
        token = model.tokens[last].strip() or model.tokens[last]
        group.output = self.band_row(self.words("labels.after_layer", token=token, layer=model.n_layers), final.input[last])
        rms = NumberText(final.rms[last], 2, f"model.final_norm.rms[{last}]", "cell")
        recipe = VGroup(label(self.words("labels.divide_rms"), "small", theme.ink), rms,
                        label(self.words("labels.times_gain"), "small", theme.ink))
        group.norm = VGroup(self.arrow(recipe.arrange(RIGHT, buff=0.15)),
                            self.band_row(self.words("labels.after_norm"), final.output[last]))
        vocabulary = NumberText(shares.vocabulary_size, 0, "model.next_token_shares.vocabulary_size", "cell",
                                weight="BOLD")
        logits = VGroup(vocabulary, label(self.words("labels.logits"), "label", theme.ink)).arrange(RIGHT, buff=0.15)
        group.logits = VGroup(self.arrow(label(self.words("labels.embedding"), "small", theme.ink)),
                              logits)
        group.softmax = VGroup(self.arrow(label(self.words("labels.softmax"), "small", theme.ink)),
                               label(self.words("labels.probability"), "small", theme.ink))
        for part in (group.norm, group.logits, group.softmax):
            part.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        group.add(group.output, group.norm, group.logits, group.softmax)
        group.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        return group.move_to([-6.6, 1.75, 0], aligned_edge=UP + LEFT)

    def band_row(self, caption: str, values) -> VGroup:
        band = ColorGrid(values, width=BAND[0], height=BAND[1], value_scale=band_scale(values),
                         frame_color=self.theme.faint, stroke_width=1)
        width = NumberText(self.model.layers[0].attention.d_model, 0, "model.layers[0].attention.d_model", "small",
                           color=self.theme.muted)
        size = VGroup(width, label(words("decoder-common")("numbers"), "small", self.theme.muted)).arrange(RIGHT, buff=0.1)
        name = label(caption, "small", self.theme.ink)
        return VGroup(name, band, size.next_to(band, DOWN, buff=0.08).align_to(band, RIGHT)).arrange(DOWN, aligned_edge=LEFT, buff=0.1)

    def arrow(self, what) -> VGroup:
        """A short down arrow with what happens beside it."""
        arrow = Arrow(UP * 0.28, DOWN * 0.28, buff=0, color=self.theme.muted, stroke_width=3,
                      max_tip_length_to_length_ratio=0.3)
        return VGroup(arrow, what.next_to(arrow, RIGHT, buff=0.2)).shift(RIGHT * 0.3)
