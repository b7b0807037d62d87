"""Segment 1 · Embedding: sentence → tokens → one vector per token → stacked into X."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, ReplacementTransform, TransformFromCopy, VGroup, Write

from ..base import Beat, ExplainerScene, corner_title
from ..components import NumberMatrix, TokenRow, label, operator, shape_label
from ..components.parts import Parts
from ..components.text import FlatText


class EmbeddingSegment(ExplainerScene):
    segment = "01-embedding"

    def construct(self) -> None:
        trace = self.trace
        corner_title(self, "Embedding", "words become vectors")

        self.step("sentence", "We start from a sentence. Attention will let its words look at each other.")
        sentence = label(self.example.sentence, "heading")
        if sentence.width > 12.5:
            sentence.scale_to_fit_width(12.5)
        self.play(Write(sentence), run_time=1.2)
        self.wait(0.6)

        self.step("tokens", self.tokens_caption())
        tokens = TokenRow(trace.tokens, max_width=12.5).shift(UP * 1.9)
        self.play(ReplacementTransform(sentence, tokens), run_time=1.0)
        self.wait(0.6)

        self.step("vectors", self.vectors_caption())
        vectors = self.embedding_columns(tokens)
        self.play(*(chip.animate.move_to(target) for chip, target in zip(tokens.chips, vectors.chip_targets)))
        self.play(LaggedStart(*(FadeIn(v, shift=DOWN * 0.3) for v in vectors), lag_ratio=0.15), run_time=1.5)
        self.wait(1.0)

        self.step("stack", "Stacked as rows, the vectors form the matrix X: one row per token, one column per dimension.")
        x_matrix = self.x_matrix()
        self.play(FadeOut(tokens), *(TransformFromCopy(v.body(), x_matrix.row(i)) for i, v in enumerate(vectors)),
                  FadeOut(vectors), run_time=1.5)
        self.play(*(FadeIn(part) for part in (x_matrix.row_labels, x_matrix.col_labels, x_matrix.frame,
                                              x_matrix.title, x_matrix.shape)))
        self.wait(1.2)

        if trace.positional.any():
            self.step("positions", "Attention itself ignores word order, so a position signal is added: X = embeddings + positions.")
            self.perform(*self.positional_sum(x_matrix))

    def tokens_caption(self) -> str:
        model = self.presentation.model
        if model is not None:
            return f"The model's tokenizer splits it into {model.tokenizer}. Each token keeps its colour in every step."
        return "First it is split into tokens: words and punctuation. Each token keeps its colour in every step."

    def vectors_caption(self) -> str:
        d, model = self.trace.d_model, self.presentation.model
        if model is None:
            return (f"Each token looks up its embedding: {d} numbers. "
                    "The same word always gets the same vector, whatever its neighbours.")
        shown = f"{d} numbers; we show the first four and the last."
        if model.layer == 0:
            return f"Each token gets its learned word vector plus a position vector, normalised: {shown}"
        return (f"Layer {model.layer + 1} starts from layer {model.layer}'s output, not from the "
                f"word vectors: {shown} They already mix in the other tokens.")

    def embedding_columns(self, tokens: TokenRow) -> EmbeddingColumns:
        """One vertical vector per token, each centred under where its chip moves to."""
        columns = VGroup(*(
            NumberMatrix(self.trace.embeddings[i][:, None], self.input_precision, "embeddings",
                         source_of=lambda r, c, i=i: f"embeddings[{i}, {r}]", max_rows=self.presentation.entries(self.trace.d_model))
            for i in range(self.trace.n_tokens)
        ))
        slots = [max(chip.width, column.width) for chip, column in zip(tokens.chips, columns)]
        gap = 0.3
        scale = min(1.0, 13.0 / (sum(slots) + gap * (len(slots) - 1)))
        x = -(sum(slots) + gap * (len(slots) - 1)) * scale / 2
        chip_targets = []
        for chip, column, slot in zip(tokens.chips, columns, slots):
            column.scale(scale)
            centre = x + slot * scale / 2
            column.move_to([centre, 0, 0]).next_to(tokens, DOWN, buff=0.3, coor_mask=[0, 1, 0])
            chip_targets.append([centre, chip.get_y(), 0])
            x += (slot + gap) * scale
        return EmbeddingColumns(*columns, chip_targets=chip_targets)

    def x_matrix(self) -> ShapedMatrix:
        trace = self.trace
        source = "embeddings" if trace.positional.any() else "x"
        matrix = ShapedMatrix(getattr(trace, source), self.input_precision, source, row_tokens=trace.tokens,
                              title="X", col_headers=[f"d{j + 1}" for j in range(trace.d_model)],
                              max_cols=self.presentation.entries(trace.d_model))
        return matrix.move_to(DOWN * 0.3)

    def positional_sum(self, embeddings: NumberMatrix) -> list[Beat]:
        """X becomes "embeddings + positions = X", each part joining in turn."""
        trace = self.trace
        positions = NumberMatrix(trace.positional, self.input_precision, "positional", title="positions",
                                 col_headers=[f"d{j + 1}" for j in range(trace.d_model)])
        total = NumberMatrix(trace.x, self.input_precision, "x", title="X",
                             col_headers=[f"d{j + 1}" for j in range(trace.d_model)])
        embeddings.title.become(label("embeddings", "body", self.theme.ink, weight="BOLD").move_to(embeddings.title))
        plus, equals = operator("+"), operator("=")
        row = VGroup(embeddings.copy(), plus, positions, equals, total).arrange(RIGHT, buff=0.3)
        row.scale_to_fit_width(min(row.width, 13.2)).move_to(DOWN * 0.3)
        return [Beat((embeddings.animate.become(row[0]),)), Beat((FadeIn(plus), FadeIn(positions, shift=LEFT * 0.3))),
                Beat((FadeIn(equals), FadeIn(total, shift=LEFT * 0.3)), wait=1.2)]


# Parts of the pictures ------------------------------------------------------------
class EmbeddingColumns(Parts):
    """One vertical embedding vector per token (the members, in token order).
    Parts: `chip_targets` (where each token's chip moves to, above its vector)."""
    chip_targets: list[list[float]]


class ShapedMatrix(NumberMatrix):
    """A NumberMatrix with its data's shape "[rows × cols]" under the frame: the part `shape`."""
    shape: FlatText

    def __init__(self, values, precision: int, source: str, **options) -> None:
        super().__init__(values, precision, source, **options)
        self.shape = shape_label(*self.values.shape).next_to(self.frame, DOWN, buff=0.15)
        self.add(self.shape)
