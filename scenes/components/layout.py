"""Placing a segment's main figure in the space under the corner title."""
from __future__ import annotations

from manim import DOWN, Mobject

STAGE_CENTRE = DOWN * 0.45  # the middle of the frame below the corner title


def fit_stage(mobject: Mobject, width: float = 13.0, height: float = 6.4, grow: float = 1.4) -> Mobject:
    """Scale to fit width × height (small figures grow, at most `grow`×) and centre under the title."""
    mobject.scale(min(width / mobject.width, height / mobject.height, grow))
    return mobject.move_to(STAGE_CENTRE)
