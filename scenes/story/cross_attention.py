"""Story · Self- and cross-attention (seed 003): a sentence attending to itself gives an n × n
grid; in translation the words being written (French) ask and the source sentence (English)
answers, an m × n grid. Same formula; only where the queries come from changes."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, VGroup

from ..base import corner_title
from ..components import NumberMatrix, highlight_box, label, shape_label
from ..components.heatmap import WeightHeatmap, upright_width
from ..components.notation import coloured_formula
from ..components.parts import Parts
from .common import StoryScene

HEAD = 0  # both grids show head 1


class CrossAttention(StoryScene):
    segment = "cross-attention"

    def construct(self) -> None:
        cross, french = self.names["cross"], self.traces["french"]
        corner_title(self, self.words("title"), self.words("subtitle"))
        board = self.board()

        self.step("self", self.words("self.caption", n=french.n_tokens))
        self.play(FadeIn(board.self_grid))
        self.hold_for_caption(0.8)

        rows, cols = cross.heads[HEAD].weights.shape
        self.step("cross", self.words("cross.caption", rows=rows, cols=cols))
        self.play(FadeIn(board.cross_grid, shift=LEFT * 0.3))
        self.hold_for_caption(0.8)

        row = cross.query_tokens.index("chat") if "chat" in cross.query_tokens else 0
        best = int(np.argmax(cross.heads[HEAD].weights[row]))
        self.step("formula", self.words("formula.caption", asker=cross.query_tokens[row], answerer=cross.key_tokens[best]))
        self.play(FadeIn(board.formula, shift=UP * 0.2))
        self.play(Create(highlight_box(board.cross_matrix.rects[row][best], buff=0.03)))
        self.hold_for_caption(1.5)

    def board(self) -> CrossBoard:
        """Self-attention's n × n grid beside cross-attention's m × n grid, the formulas below."""
        cross, french, theme = self.names["cross"], self.traces["french"], self.theme
        # One cell width for both grids, wide enough for every key chip to stand upright.
        width = max(upright_width(french.tokens, limit=1.6) or 1.0, upright_width(cross.key_tokens, limit=1.6) or 1.0)
        self_grid = WeightHeatmap(french.heads[HEAD].weights, f"traces['french'].heads[{HEAD}].weights",
                                  french.tokens, percents=(french.heads[HEAD].percentages,
                                                           f"traces['french'].heads[{HEAD}].percentages"),
                                  legend=False, note=None, title=self.words("labels.self_title"), cell_width=width)
        self_grid.add(self.under(self_grid.matrix, french.n_tokens, french.n_tokens,
                                 self.words("labels.self_sources", head=HEAD + 1)))
        # The English words take colours after the French ones: two sentences, no shared colours.
        offset = len(cross.query_tokens)
        matrix = NumberMatrix(cross.heads[HEAD].weights, 0, f"cross.heads[{HEAD}].weights", coloring="weight",
                              percents=(cross.heads[HEAD].percentages, f"cross.heads[{HEAD}].percentages"),
                              row_tokens=cross.query_tokens, col_tokens=cross.key_tokens,
                              col_token_indices=[offset + j for j in range(len(cross.key_tokens))],
                              title=self.words("labels.cross_title"), cell_width=width)
        keys = label(self.words("labels.keys_axis"), "small", theme.muted).next_to(matrix.col_labels, UP, buff=0.1).align_to(matrix.frame, LEFT)
        queries = label(self.words("labels.queries_axis"), "small", theme.muted).next_to(matrix.rects[0][0], UP, buff=0.1)
        queries.align_to(matrix.row_labels, RIGHT).shift(LEFT * 0.12)
        matrix.title.next_to(keys, UP, buff=0.12).match_x(matrix.frame)
        matrix.add(keys, queries)
        cross_grid = VGroup(matrix, self.under(matrix, *cross.heads[HEAD].weights.shape,
                                               self.words("labels.cross_sources", head=HEAD + 1)))
        grids = VGroup(self_grid, cross_grid).arrange(RIGHT, buff=1.2, aligned_edge=DOWN)
        formulas = VGroup(
            coloured_formula((r"\mathrm{softmax}\!\left(", None), ("Q", theme.query), (r"\,", None),
                             ("K", theme.key), (r"^{\top} / \sqrt{d_k}\right)", None), ("V", theme.value)),
            coloured_formula(("Q", theme.query), (r"= X_{\text{French}} W_Q \qquad", None), ("K", theme.key),
                             (r"= X_{\text{English}} W_K \qquad", None), ("V", theme.value),
                             (r"= X_{\text{English}} W_V", None), size="label"),
        ).arrange(DOWN, buff=0.3)
        formulas.next_to(grids, DOWN, buff=0.6)
        board = CrossBoard(grids, formulas, self_grid=self_grid, cross_matrix=matrix, cross_grid=cross_grid,
                           formula=formulas)
        return self.stage.fit(board, width=13.0, height=6.2, grow=1.2)

    def under(self, matrix: NumberMatrix, rows: int, cols: int, text: str) -> VGroup:
        """Shape and sources under a grid."""
        lines = VGroup(shape_label(rows, cols), label(text, "small", self.theme.muted)).arrange(DOWN, buff=0.1)
        return lines.next_to(matrix.frame, DOWN, buff=0.15)


# Parts of the pictures ------------------------------------------------------------
class CrossBoard(Parts):
    """Self-attention beside cross-attention, the formulas below. Parts: `self_grid` (the
    French sentence's weights), `cross_matrix` (French queries × English keys), `cross_grid`
    (that matrix with its shape and sources), `formula` (two lines)."""
    self_grid: WeightHeatmap
    cross_matrix: NumberMatrix
    cross_grid: VGroup
    formula: VGroup
