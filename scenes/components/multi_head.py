"""Segment 6's pictures: a matrix with its caption and head marks, Q/K/V split into the heads'
slices, and the heads' weight maps side by side."""
from __future__ import annotations

from manim import DOWN, RIGHT, VGroup

from .color_grid import ColorGrid
from .labels import shape_label
from .matrix import NumberMatrix
from .parts import Parts
from .small_multiples import SmallMultiples
from .text import FlatText


class NamedBlock(Parts):
    """A matrix (or colour band) with its caption ("name [rows × cols]").
    Parts: `matrix`, `caption`, `marks` (its heads' slices; an empty group when unmarked)."""
    matrix: NumberMatrix | ColorGrid
    caption: VGroup
    marks: VGroup


def named_block(matrix: NumberMatrix, name, marks: VGroup | None = None) -> NamedBlock:
    """Matrix, optional head marks above, and "name [rows × cols]" under it."""
    caption = VGroup(name, shape_label(*matrix.values.shape)).arrange(RIGHT, buff=0.2)  # the data's shape, not the shown cells
    return NamedBlock(matrix, caption.next_to(matrix.frame, DOWN, buff=0.2), *([marks] if marks else []),
                      matrix=matrix, caption=caption, marks=marks or VGroup())


class SplitView(Parts):
    """Q, K and V cut into the heads' slices, and a note under them.
    Parts: `matrices` (each matrix with its caption), `marks` (each one's head slices), `note`."""
    matrices: VGroup
    marks: VGroup
    note: FlatText

    @classmethod
    def of(cls, blocks: list[NamedBlock], row: VGroup, note) -> SplitView:
        return cls(row, note, matrices=VGroup(*(VGroup(b.matrix, b.caption) for b in blocks)),
                   marks=VGroup(*(b.marks for b in blocks)), note=note)


class WeightMaps(Parts):
    """Some heads' weight maps on one grid and the line under them (how many heads, the axes).
    Parts: `heads` (the heads shown, in order), `grid` (the maps), `key` (the line)."""
    heads: list[int]
    grid: SmallMultiples
    key: FlatText
