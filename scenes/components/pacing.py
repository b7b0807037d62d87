"""Pacing for long sentences: a step shows a few cells (or rows, or lines) one at a time, then
all the rest at once, so no step waits for 64 of them (Presentation.one_by_one says how many).

    self.play(one_at_a_time([FadeIn(cell) for cell in cells], self.presentation.one_by_one))
"""
from __future__ import annotations

from collections.abc import Sequence

from manim import Animation, AnimationGroup, LaggedStart


def one_at_a_time(animations: Sequence[Animation], count: int, lag_ratio: float = 0.08, **options) -> LaggedStart:
    """The first `count` animations one after another, then every other one together as a last step."""
    animations = list(animations)
    first, rest = animations[:count], animations[count:]
    return LaggedStart(*first, *([AnimationGroup(*rest)] if rest else []), lag_ratio=lag_ratio, **options)
