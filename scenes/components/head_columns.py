"""Each head's columns of a d_model-wide matrix (concat, Q, K, V): head h owns columns
h·d_k … h·d_k + d_k − 1."""
from __future__ import annotations

from collections.abc import Iterable

from manim import UP, Rectangle, VGroup

from ..theme import current_theme
from ..words import common
from .matrix import NumberMatrix
from .parts import Parts
from .text import fit_width, label


def head_columns(grid: NumberMatrix, h: int, d_k: int) -> VGroup:
    """The cell rectangles of head h's columns."""
    return VGroup(*(grid.column_rect(h * d_k + j) for j in range(d_k)))


class HeadColumns(Parts):
    """The given heads' column slices of a NumberMatrix, each framed in its head's colour
    (`buff` outside the cells) and, when `named`, "head k" above its frame.
    Parts: `frames` (one rectangle per head, in the order given), `names` (the "head k"
    labels; empty when not named)."""
    frames: VGroup
    names: VGroup

    def __init__(self, grid: NumberMatrix, d_k: int, heads: Iterable[int], *, stroke_width: float = 4,
                 buff: float = 0.0, named: bool = False) -> None:
        theme, frames, names, members = current_theme(), VGroup(), VGroup(), []
        for h in heads:
            columns, color = head_columns(grid, h, d_k), theme.head_color(h)
            frame = Rectangle(width=columns.width + 2 * buff, height=columns.height + 2 * buff, stroke_color=color,
                              stroke_width=stroke_width).move_to(columns)
            frames.add(frame)
            members.append(frame)
            if named:
                name = fit_width(label(common("head", head=h + 1), "small", color), columns.width - 0.04)
                names.add(name.next_to(frame, UP, buff=0.1))
                members.append(name)
        super().__init__(*members, frames=frames, names=names)


def head_column_frames(grid: NumberMatrix, n_heads: int, d_k: int, stroke_width: float) -> HeadColumns:
    """A rectangle per head around its columns, in the head's colour."""
    return HeadColumns(grid, d_k, range(n_heads), stroke_width=stroke_width)
