"""Segment 1 · Embedding: sentence → tokens → one vector per token → stacked into X."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, ReplacementTransform, TransformFromCopy, VGroup, Write

from ..base import Beat, ExplainerScene, corner_title
from ..components import NumberMatrix, TokenRow, highlight_box, label, operator, shape_label
from ..components.parts import Parts
from ..components.text import FlatText
from ..components.matrix import CELL_HEIGHT, kept_indices
from ..components.tokens import TokenChip

# Measures the font's mean width per character (never drawn; built once, then cached by FlatText).
WIDTH_SAMPLE = "The quick brown fox jumps over the lazy dog"
VECTORS_MARGIN = 1.6  # with many tokens: kept under the wrapped sentence beside the vectors' cells (chips, gaps)


class EmbeddingSegment(ExplainerScene):
    segment = "01-embedding"

    def construct(self) -> None:
        trace = self.trace
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("sentence", self.words("sentence.caption"))
        sentence = sentence_lines(self.example.sentence, 12.5)
        self.play(Write(sentence), run_time=1.2)
        self.wait(0.6)

        self.step("tokens", self.tokens_caption())
        tokens = self.token_row()
        if self.presentation.detail == "all":
            self.play(ReplacementTransform(sentence, tokens), run_time=1.0)
        else:  # morphing six lines of text into 64 chips costs seconds and reads as noise
            self.play(FadeOut(sentence, shift=UP * 0.3), FadeIn(tokens, shift=UP * 0.3), run_time=1.0)
        self.wait(0.6)

        self.step("vectors", self.vectors_caption())
        vectors = self.embedding_columns(tokens)
        # With many tokens, the followed one is boxed in the sentence (the caption names it).
        focus = [] if self.presentation.detail == "all" else [highlight_box(tokens.chips[self.presentation.focus_query])]
        self.play(*(chip.animate.move_to(target) for chip, target in zip(vectors.chips, vectors.chip_targets)),
                  *map(Create, focus))
        self.play(LaggedStart(*(FadeIn(v, shift=DOWN * 0.3) for v in vectors), lag_ratio=0.15), run_time=1.5)
        self.wait(1.0)

        self.step("stack", self.words("stack.caption"))
        x_matrix = self.x_matrix()
        rows = [r for r, i in enumerate(x_matrix.row_ids) if i is not None]
        copies = [] if self.presentation.detail == "all" else [FadeOut(VGroup(*vectors.chips))]  # left the sentence
        self.play(FadeOut(tokens), *copies, *map(FadeOut, focus),
                  *(TransformFromCopy(v.body(), x_matrix.row(r)) for r, v in zip(rows, vectors.columns)),
                  FadeOut(vectors), run_time=1.5)
        elided = [x_matrix.row(r) for r, i in enumerate(x_matrix.row_ids) if i is None]  # the ⋮ rows
        self.play(*(FadeIn(part) for part in (x_matrix.row_labels, x_matrix.col_labels, x_matrix.frame,
                                              x_matrix.title, x_matrix.shape, *elided)))
        self.wait(1.2)

        if trace.positional.any():
            self.step("positions", self.words("positions.caption"))
            self.perform(*self.positional_sum(x_matrix))

    def tokens_caption(self) -> str:
        model = self.presentation.model
        if model is not None:
            return self.words("tokens.model", tokenizer=model.tokenizer)
        return self.words("tokens.caption")

    def vectors_caption(self) -> str:
        shown = self.vectors_shown()
        return self.vectors_lookup() + (" " + shown if shown else "")

    def vectors_shown(self) -> str:
        """With many tokens: which tokens' vectors are drawn, and what "⋯" stands for."""
        ids = self.presentation.token_ids()
        if None not in ids:
            return ""
        focus = self.presentation.focus_query
        hidden = self.trace.n_tokens - (len(ids) - ids.count(None))
        return self.words("vectors.elided", token=self.trace.tokens[focus], position=focus + 1, hidden=hidden)

    def vectors_lookup(self) -> str:
        d, model = self.trace.d_model, self.presentation.model
        if model is None:
            return self.words("vectors.caption", d=d)
        if model.layer == 0 and model.positions:  # SmolLM2: RoPE, so the word vector alone, RMS-normalised
            return self.words("vectors.rope", positions=model.positions, d=d)
        if model.layer == 0:
            return self.words("vectors.learned", d=d)
        return self.words("vectors.later", layer=model.layer + 1, previous=model.layer, d=d)

    def token_row(self) -> TokenRow:
        """The sentence's chips: one row above the vectors, or with many tokens wrapped lines
        at the top of the stage, leaving room under them for the vectors."""
        tokens = TokenRow(self.trace.tokens, max_width=12.5)
        if self.presentation.detail == "all":
            return tokens.shift(UP * 1.9)
        shown = len(kept_indices(self.trace.d_model, self.presentation.entries(self.trace.d_model)))
        room = self.stage.height - 0.15 - (shown * CELL_HEIGHT + VECTORS_MARGIN)
        if tokens.height > room:
            tokens.scale(room / tokens.height)
        return tokens.move_to([0, self.stage.top - 0.15 - tokens.height / 2, 0])

    def embedding_columns(self, tokens: TokenRow) -> EmbeddingColumns:
        """One vertical vector per drawn token (all of them, or the policy's first, focus and
        last with "⋯" between), each under its chip: the chip itself, or with many tokens a copy
        that leaves the sentence."""
        ids = self.presentation.token_ids()
        drawn = [i for i in ids if i is not None]
        columns = [NumberMatrix(self.trace.embeddings[i][:, None], self.input_precision, "embeddings",
                                source_of=lambda r, c, i=i: f"embeddings[{i}, {r}]",
                                max_rows=self.presentation.entries(self.trace.d_model)) for i in drawn]
        copies = self.presentation.detail != "all"
        chips = iter([tokens.chips[i].copy().scale(0.5 / tokens.chips[i].box.height) if copies else tokens.chips[i]
                      for i in drawn])
        pieces = [label("⋯", "heading", self.theme.muted) if i is None else (next(chips), columns[drawn.index(i)])
                  for i in ids]
        slots = [piece.width if isinstance(piece, FlatText) else max(piece[0].width, piece[1].width) for piece in pieces]
        gap = 0.3
        scale = min(1.0, 13.0 / (sum(slots) + gap * (len(slots) - 1)))
        x = -(sum(slots) + gap * (len(slots) - 1)) * scale / 2
        chip_targets, gaps, moving = [], [], []
        for piece, slot in zip(pieces, slots):
            centre = x + slot * scale / 2
            x += (slot + gap) * scale
            if isinstance(piece, FlatText):
                gaps.append(piece.scale(scale).move_to([centre, 0, 0]))
                continue
            chip, column = piece
            column.scale(scale)
            column.move_to([centre, 0, 0]).next_to(tokens, DOWN, buff=0.3 + (0.7 if copies else 0), coor_mask=[0, 1, 0])
            chip_targets.append([centre, column.get_top()[1] + 0.35, 0] if copies else [centre, chip.get_y(), 0])
            moving.append(chip)
        for dots in gaps:
            dots.set_y(columns[0].get_y())
        return EmbeddingColumns(*columns, *gaps, columns=columns, chips=moving, chip_targets=chip_targets)

    def x_matrix(self) -> ShapedMatrix:
        trace = self.trace
        source = "embeddings" if trace.positional.any() else "x"
        matrix = ShapedMatrix(getattr(trace, source), self.input_precision, source, row_tokens=trace.tokens,
                              title="X", col_headers=[f"d{j + 1}" for j in range(trace.d_model)],
                              max_cols=self.presentation.entries(trace.d_model), rows=self.presentation.token_ids())
        if self.presentation.detail != "all":
            return self.stage.fit(matrix)
        return matrix.move_to(DOWN * 0.3)

    def positional_sum(self, embeddings: NumberMatrix) -> list[Beat]:
        """X becomes "embeddings + positions = X", each part joining in turn."""
        trace = self.trace
        ids = self.presentation.token_ids()
        positions = NumberMatrix(trace.positional, self.input_precision, "positional", title=self.words("labels.positions"),
                                 col_headers=[f"d{j + 1}" for j in range(trace.d_model)], rows=ids)
        total = NumberMatrix(trace.x, self.input_precision, "x", title="X",
                             col_headers=[f"d{j + 1}" for j in range(trace.d_model)], rows=ids)
        embeddings.title.become(label(self.words("labels.embeddings"), "body", self.theme.ink, weight="BOLD").move_to(embeddings.title))
        plus, equals = operator("+"), operator("=")
        row = VGroup(embeddings.copy(), plus, positions, equals, total).arrange(RIGHT, buff=0.3)
        row.scale_to_fit_width(min(row.width, 13.2)).move_to(DOWN * 0.3)
        return [Beat((embeddings.animate.become(row[0]),)), Beat((FadeIn(plus), FadeIn(positions, shift=LEFT * 0.3))),
                Beat((FadeIn(equals), FadeIn(total, shift=LEFT * 0.3)), wait=1.2)]


# Parts of the pictures ------------------------------------------------------------
class EmbeddingColumns(Parts):
    """One vertical embedding vector per drawn token, and "⋯" for the tokens between (the
    members). Parts: `columns` (the vectors, in token order), `chips` (the chip that moves
    above each vector), `chip_targets` (where each goes)."""
    columns: list[NumberMatrix]
    chips: list[TokenChip]
    chip_targets: list[list[float]]


def sentence_lines(text: str, max_width: float) -> VGroup:
    """The sentence as heading-size lines of whole words, each at most `max_width` wide
    (a long sentence wraps like a paragraph instead of shrinking to an unreadable line).
    Lines are planned from the font's mean width per character (a text costs ~1 ms per glyph:
    measuring 60 words one by one took seconds), then fitted exactly."""
    per_char = label(WIDTH_SAMPLE, "heading").width / len(WIDTH_SAMPLE)
    if len(text) * per_char <= max_width * 0.9:
        return VGroup(label(text, "heading"))
    words = text.split()
    widths, space = [len(word) * per_char for word in words], per_char
    lines, current, used = [], [], 0.0
    for word, width in zip(words, widths):
        if current and used + space + width > max_width:
            lines.append(current)
            current, used = [], 0.0
        used += (space if current else 0.0) + width
        current.append(word)
    lines.append(current)
    group = VGroup(*(label(" ".join(line), "heading") for line in lines)).arrange(DOWN, buff=0.2)
    if group.width > max_width:
        group.scale_to_fit_width(max_width)
    return group


class ShapedMatrix(NumberMatrix):
    """A NumberMatrix with its data's shape "[rows × cols]" under the frame: the part `shape`."""
    shape: FlatText

    def __init__(self, values, precision: int, source: str, **options) -> None:
        super().__init__(values, precision, source, **options)
        self.shape = shape_label(*self.values.shape).next_to(self.frame, DOWN, buff=0.15)
        self.add(self.shape)
