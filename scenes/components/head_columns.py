"""Each head's columns of a d_model-wide matrix (concat, Q, K, V): head h owns columns
h·d_k … h·d_k + d_k − 1."""
from __future__ import annotations

from manim import Rectangle, VGroup

from ..theme import current_theme
from .matrix import NumberMatrix


def head_columns(grid: NumberMatrix, h: int, d_k: int) -> VGroup:
    """The cell rectangles of head h's columns."""
    return VGroup(*(grid.column_rect(h * d_k + j) for j in range(d_k)))


def head_column_frames(grid: NumberMatrix, n_heads: int, d_k: int, stroke_width: float) -> VGroup:
    """A rectangle per head around its columns, in the head's colour."""
    theme, frames = current_theme(), VGroup()
    for h in range(n_heads):
        columns = head_columns(grid, h, d_k)
        frames.add(Rectangle(width=columns.width, height=columns.height, stroke_color=theme.head_color(h),
                             stroke_width=stroke_width).move_to(columns))
    return frames
