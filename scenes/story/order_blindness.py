"""Story · Order blindness (seed 002, "the critical limitation"): "money bank grows" and
"grows bank money" give the same outputs, only permuted; sinusoidal positional encoding,
added to the embeddings, breaks the tie. Four story traces: both orders, without and with
positions; the outputs are seed 002's Y = softmax(X·Xᵀ)·X of each."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Line, VGroup, Write

from ..base import corner_title
from ..components import NumberMatrix, formula, label
from ..components.parts import Parts
from ..components.text import FlatText
from .common import StoryScene, chip_row

PAIRS = {"plain": ("money", "reversed"), "positions": ("money_pos", "reversed_pos")}
SIDE_X = 3.6  # the two sentences' outputs sit this far left / right of the middle


class OrderBlindness(StoryScene):
    segment = "order-blindness"

    def construct(self) -> None:
        first, second = (self.traces[name] for name in PAIRS["plain"])
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("shuffle", self.words("shuffle.caption", first=" ".join(first.tokens), second=" ".join(second.tokens)))
        sentences = VGroup(*(self.sentence(name, side) for name, side in zip(PAIRS["plain"], (-1, 1))))
        self.play(FadeIn(sentences, shift=DOWN * 0.2))
        self.hold_for_caption(0.6)

        self.step("same", self.words("same.caption"))
        outputs = self.outputs("plain", y=0.2)
        self.play(FadeIn(outputs.matrices))
        self.play(*(Create(line) for line in outputs.links), FadeIn(outputs.verdict))
        self.hold_for_caption(1.0)

        self.step("encoding", self.words("encoding.caption"))
        encoding = self.encoding()
        self.play(FadeOut(sentences), FadeOut(outputs), FadeIn(encoding, shift=DOWN * 0.2))
        self.hold_for_caption(0.8)

        self.step("differ", self.words("differ.caption"))
        positioned = self.outputs("positions", y=-1.75)
        self.play(FadeIn(positioned.matrices, shift=UP * 0.2))
        self.play(*(Create(line) for line in positioned.links), Write(positioned.verdict))
        self.hold_for_caption(1.5)

    # Pictures ------------------------------------------------------------------------
    def word_colours(self, name: str) -> list[int]:
        """Each word keeps the colour it has in the first sentence, wherever it stands."""
        return [self.traces["money"].tokens.index(token) for token in self.traces[name].tokens]

    def sentence(self, name: str, side: int) -> VGroup:
        return chip_row(self.traces[name].tokens, self.word_colours(name), gap=0.25).move_to([side * SIDE_X, 2.2, 0])

    def outputs(self, pair: str, y: float) -> Outputs:
        """The two orders' outputs side by side, a line joining each word's rows, and a verdict."""
        theme = self.theme
        names = PAIRS[pair]
        matrices = VGroup()
        for name, side in zip(names, (-1, 1)):
            trace = self.traces[name]
            matrix = NumberMatrix(self.plain[name].output, trace.precision, f"plain['{name}'].output",
                                  row_tokens=trace.tokens, token_indices=self.word_colours(name), title=self.words("labels.outputs"),
                                  frame_color=theme.output)
            matrices.add(matrix.move_to([side * SIDE_X, y, 0]))
        left, right = matrices
        same = pair == "plain"
        links = VGroup()
        tokens = self.traces[names[1]].tokens
        for i, token in enumerate(self.traces[names[0]].tokens):
            j = tokens.index(token)
            links.add(Line(left.rects[i][-1].get_right() + RIGHT * 0.1, right.row_labels[j].get_left() + LEFT * 0.1,
                           color=theme.muted if same else theme.highlight, stroke_width=3))
        text = self.words("labels.same_rows" if same else "labels.different_rows")
        verdict = label(text, "label", theme.ink if same else theme.highlight)
        verdict.next_to(matrices, DOWN, buff=0.3)  # the gap between the matrices is too narrow for words
        return Outputs(matrices, links, verdict, matrices=matrices, links=links, verdict=verdict)

    def encoding(self) -> VGroup:
        """The positions added to the embeddings, one row per position, and their formula."""
        theme, trace = self.theme, self.traces["money_pos"]
        matrix = NumberMatrix(trace.positional, self.input_precision, "traces['money_pos'].positional",
                              title=self.words("labels.positions"), col_headers=[f"d{j + 1}" for j in range(trace.d_model)])
        for i, row in enumerate(matrix.rects):
            matrix.add(label(self.words("labels.position", position=i), "small", theme.muted).next_to(row[0], LEFT, buff=0.2))
        equations = VGroup(formula(r"PE_{pos,\,2i} = \sin\!\left(pos / 10000^{2i/d}\right)", "label"),
                           formula(r"PE_{pos,\,2i+1} = \cos\!\left(pos / 10000^{2i/d}\right)", "label"),
                           label(self.words("labels.added"), "small", theme.muted))
        equations.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        group = VGroup(matrix, equations).arrange(RIGHT, buff=0.9)
        return group.move_to([0, 1.45, 0])


# Parts of the pictures ------------------------------------------------------------
class Outputs(Parts):
    """One sentence's attention outputs beside its reordering's. Parts: `matrices` (the two
    output matrices), `links` (each word's row to its row on the right), `verdict` (same or different rows)."""
    matrices: VGroup
    links: VGroup
    verdict: FlatText
