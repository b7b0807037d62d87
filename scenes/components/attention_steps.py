"""Panel B of the three-panel picture, for one head: step 1 the scores grid (greyed where the
mask hides a key), step 2 softmax as percentage bars per row, step 3 the focus token's output,
and the attention formula under them.

    steps = AttentionSteps(trace, h, focus, widths, room)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, RoundedRectangle, VGroup

from attention_math import AttentionTrace

from ..theme import current_theme
from ..words import common
from .labels import around, formula, inline
from .matrix import NumberMatrix
from .panel import Room
from .percent_bars import FocusBars, PercentBarTable
from .products import cell_width_for
from .text import label
from .tokens import TokenChip

MAX_GROW = 1.3  # a short example's panel grows, at most this much
MAX_GRID_WIDTH = 9.0  # the scores grid, before scaling: wider grids elide middle keys
GRID_CELL_HEIGHT = 0.42  # the scores rows, before scaling
STEP_TEXTS = ("steps.scores", "steps.softmax", "steps.sum")  # their keys in common.toml


@dataclass(frozen=True)
class CellWidths:
    """Cell widths every head's views share, so each head's grids land exactly where the last
    one's were: scores (and how many key columns fit), q/k/v slices, the output row."""
    score: float
    score_cols: int
    slice: float
    output: float

    @classmethod
    def for_heads(cls, trace: AttentionTrace, heads: int, focus: int) -> "CellWidths":
        shown = trace.heads[:heads]
        visible = [np.where(trace.mask, head.scaled_scores, 0.0) for head in shown]
        score = cell_width_for(*visible, precision=trace.precision)
        return cls(score, max(4, min(trace.n_tokens, int((MAX_GRID_WIDTH - 1.6) / score))),
                   cell_width_for(*(getattr(head, r)[focus] for head in shown for r in "qkv"),
                                  precision=trace.precision),
                   cell_width_for(*(head.output[focus] for head in shown), precision=trace.precision))


class AttentionSteps(VGroup):
    """steps (the three step lines), scores (key swatches over the scores grid), bars (a
    PercentBarTable), output (“output of <token>” and its vector) and formula."""
    steps: VGroup
    scores: VGroup
    bars: PercentBarTable | FocusBars
    output: VGroup
    formula: Mobject

    def __init__(self, trace: AttentionTrace, h: int, focus: int, widths: CellWidths, room: Room,
                 ids: list[int | None] | None = None, top: int | None = None) -> None:
        """`ids`: the scores grid's drawn rows and columns (None: all); `top`: softmax shows only the
        focus row, its `top` largest keys and the others together (None: a bar row per query)."""
        theme, head, color = current_theme(), trace.heads[h], current_theme().head_color(h)
        texts = [common(key) for key in STEP_TEXTS]
        if top is not None:
            texts[1] = common("steps.softmax_row", token=trace.tokens[focus])
        self.steps = VGroup(*(label(step, "small", theme.ink) for step in texts))
        self.scores = self._scores(trace, h, widths, color, ids)
        self.bars = PercentBarTable(head, f"heads[{h}]", trace.mask, color, trace.tokens) if top is None else \
            FocusBars(head, f"heads[{h}]", focus, top, color, trace.tokens)
        vector = NumberMatrix(head.output[focus], trace.precision, "", frame_color=theme.output,
                              cell_width=widths.output, max_cols=5,
                              source_of=lambda r, c: f"heads[{h}].output[{focus}, {c}]")
        chip = TokenChip(trace.tokens[focus], focus, max_width=1.6, height=0.44, size="small")
        before, after = around("output_of", "token")
        self.output = VGroup(inline(before, chip, after, "small", theme.muted), vector)
        self.output.arrange(RIGHT, buff=0.15)
        body = VGroup(self.steps[0], self.scores, self.steps[1], self.bars, self.steps[2], self.output)
        body.arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        for part in (self.scores, self.bars, self.output):  # indented under their step lines
            part.shift(RIGHT * 0.2)
        # On two lines at body size: on one, the panel's width left it under 18 px (issue 26).
        self.formula = VGroup(formula(r"\mathrm{Attention}(Q,K,V) =", "body"),
                              formula(r"\mathrm{softmax}\!\left(\tfrac{QK^{\top}}{\sqrt{d_k}}\right)V", "body"))
        self.formula.arrange(DOWN, buff=0.12, aligned_edge=LEFT)[1].shift(RIGHT * 0.5)
        self.formula.next_to(body, DOWN, buff=0.2).align_to(body, LEFT)
        super().__init__(body, self.formula)
        self.scale(min(MAX_GROW, room.width / self.width, room.height / self.height))
        self.move_to(room.corner, aligned_edge=UP + LEFT)

    @staticmethod
    def _scores(trace: AttentionTrace, h: int, widths: CellWidths, color, ids) -> VGroup:
        """Head h's scaled scores, a key's colour swatch over each column."""
        grid = NumberMatrix(trace.heads[h].scaled_scores, trace.precision, f"heads[{h}].scaled_scores",
                            mask=trace.mask, masked_text="·", row_tokens=trace.tokens, cell_width=widths.score,
                            cell_height=GRID_CELL_HEIGHT, max_cols=widths.score_cols, frame_color=color,
                            rows=ids, cols=ids)
        keys = VGroup(*(RoundedRectangle(corner_radius=0.04, width=0.24, height=0.24, stroke_width=0, fill_opacity=1,
                                         fill_color=current_theme().token_color(j))
                        .next_to(grid.rects[0][c], UP, buff=0.08) for c, j in enumerate(grid.col_ids) if j is not None))
        return VGroup(keys, grid)
