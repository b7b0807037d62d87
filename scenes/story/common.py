"""What every story segment shares: the named story traces and a few small pictures.

Story segments show traces besides the active one ("money bank grows", "river bank flows",
a translation pair…). Their NumberText sources name them through `story_namespace()`:
`traces['money'].embeddings[1, 0]`, `plain['river'].output[1, 2]`, `cross.heads[0].weights`.
"""
from __future__ import annotations

from manim import RIGHT, VGroup

from attention_math.story import plain_attention, story_namespace

from ..base import ExplainerScene
from ..components import NumberMatrix, TokenChip

MAX_VECTOR_CELLS = 8  # a real model's 384 numbers keep their first and last around an ellipsis


class StoryScene(ExplainerScene):
    """An ExplainerScene that also knows the story's traces (`self.traces`) and the other names
    its sources use (`self.names`: traces, plain, cross, dot, bank_shift, …)."""

    def setup(self) -> None:
        super().setup()
        self.names = story_namespace()
        self.traces = self.names["traces"]
        self.plain = self.names["plain"]
        # Seed 002's weight-free attention on the active sentence (colours of the all-at-once grids).
        self.active_plain = plain_attention(self.trace.x)


def row_vector(values, precision: int, source: str, *, frame_color=None, value_scale: float | None = None,
               title: str | None = None, title_color=None) -> NumberMatrix:
    """One vector as a single row of cells; `source` is the vector's expression (cell k is source[k])."""
    return NumberMatrix(values, precision, "", source_of=lambda r, c: f"{source}[{c}]", frame_color=frame_color,
                        value_scale=value_scale, max_cols=MAX_VECTOR_CELLS, title=title, title_color=title_color)


def chip_row(tokens, indices=None, size: str = "label", max_width: float = 2.2, gap: float = 0.18) -> VGroup:
    """Token chips in a row; `indices` keeps each word's own colour when words change places."""
    indices = list(indices) if indices is not None else list(range(len(tokens)))
    return VGroup(*(TokenChip(token, index, max_width=max_width, size=size)
                    for token, index in zip(tokens, indices))).arrange(RIGHT, buff=gap)
