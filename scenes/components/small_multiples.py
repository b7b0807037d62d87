"""Small multiples: panels of one figure (heads' weight maps, layers' grids) on one grid.

Each panel names the part that must line up (its `frame`: the cells' outline). Every frame has
the same size (the caller builds them alike); columns share one left edge and rows one top edge
at one even pitch, whatever labels stand beside a panel (row chips on some, not others)."""
from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, UP, Mobject

from .parts import Parts


class SmallMultiples(Parts):
    """Parts: `panels` (in reading order), `frames` (each panel's outline that lines up),
    `columns` (panels per row)."""
    panels: list[Mobject]
    frames: list[Mobject]
    columns: int

    @classmethod
    def grid(cls, panels: Sequence[Mobject], frames: Sequence[Mobject], columns: int,
             buff: tuple[float, float] = (0.5, 0.35)) -> SmallMultiples:
        """The panels placed on one grid, `columns` to a row, `buff` between the widest labels."""
        panels, frames = list(panels), list(frames)
        left = max(f.get_left()[0] - p.get_left()[0] for p, f in zip(panels, frames))
        right = max(p.get_right()[0] - f.get_right()[0] for p, f in zip(panels, frames))
        above = max(p.get_top()[1] - f.get_top()[1] for p, f in zip(panels, frames))
        below = max(f.get_bottom()[1] - p.get_bottom()[1] for p, f in zip(panels, frames))
        pitch_x = left + frames[0].width + right + buff[0]
        pitch_y = above + frames[0].height + below + buff[1]
        for k, (panel, frame) in enumerate(zip(panels, frames)):
            row, column = divmod(k, columns)
            corner = RIGHT * column * pitch_x + DOWN * row * pitch_y
            panel.shift(corner - frame.get_corner(UP + LEFT))  # the frame's top-left corner on the grid
        return cls(*panels, panels=panels, frames=frames, columns=columns)
