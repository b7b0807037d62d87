"""A small 2-D plane for drawing word vectors as arrows from the origin (seed 002's [6, 1] · [4, 2]).

No tick numbers: the only numbers are each arrow's coordinates, as NumberTexts with sources.
"""
from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, ORIGIN, RIGHT, UP, Arrow, Line, VGroup

from ..theme import current_theme
from .parts import Parts
from .text import NumberText, label

Coordinate = tuple[float, int, str]  # (value, decimals shown, source)


def coordinates(parts: Sequence[Coordinate], size: str = "cell", color=None) -> VGroup:
    """"[6, 1]" with each entry a NumberText."""
    theme = current_theme()
    pieces = [label("[", size, theme.muted, mono=True)]
    for k, (value, precision, source) in enumerate(parts):
        if k:
            pieces.append(label(",", size, theme.muted, mono=True))
        pieces.append(NumberText(value, precision, source, size, color=color))
    pieces.append(label("]", size, theme.muted, mono=True))
    group = VGroup(*pieces).arrange(RIGHT, buff=0.06)
    number = group[1]
    for piece in group[2:-1:2]:  # commas hang from the numbers' baseline, as in text
        piece.align_to(number, DOWN).shift(DOWN * piece.height * 0.45)
    return group


class VectorArrow(Parts):
    """A vector drawn from a plane's origin. Parts: `arrow`, `coordinates` (its numbers, beside the tip)."""
    arrow: Arrow
    coordinates: VGroup


class VectorPlane(VGroup):
    """A faint unit grid from (0, 0) to (width, height) in data units, `unit` scene units each."""
    unit: float
    origin_mob: Line

    def __init__(self, width: int, height: int, unit: float = 0.6) -> None:
        theme = current_theme()
        self.unit = unit
        grid = VGroup(*(Line([x * unit, 0, 0], [x * unit, height * unit, 0]) for x in range(width + 1)),
                      *(Line([0, y * unit, 0], [width * unit, y * unit, 0]) for y in range(height + 1)))
        grid.set_stroke(theme.faint, width=1)
        axes = VGroup(Line(ORIGIN, [width * unit + 0.2, 0, 0]), Line(ORIGIN, [0, height * unit + 0.2, 0]))
        axes.set_stroke(theme.muted, width=2)
        super().__init__(grid, axes)
        self.origin_mob = axes[0]  # the origin moves with the plane: read it from the x axis's start

    def point(self, x: float, y: float):
        return self.origin_mob.get_start() + RIGHT * x * self.unit + UP * y * self.unit

    def arrow(self, vector, color, parts: Sequence[Coordinate], label_side=RIGHT) -> VectorArrow:
        """The vector as an arrow from the origin, its coordinates beside the tip."""
        arrow = Arrow(self.point(0, 0), self.point(*vector), buff=0, color=color, stroke_width=5,
                      max_tip_length_to_length_ratio=0.12)
        text = coordinates(parts, "cell", color=current_theme().ink)
        text.next_to(arrow.get_end(), label_side, buff=0.12)
        return VectorArrow(arrow, text, arrow=arrow, coordinates=text)

