"""Pacing: a step lasts at least as long as its subtitle takes to read."""
from __future__ import annotations

WORDS_PER_SECOND = 2.8  # a comfortable subtitle reading speed (~170 words a minute)


def hold_for_caption(scene, minimum: float = 1.0) -> None:
    """Wait out the current step: at least `minimum` seconds, and until its caption has had
    time to be read (counted from the step's start)."""
    elapsed = scene.renderer.time - scene._section_start
    reading = len(scene.sections[-1].caption.split()) / WORDS_PER_SECOND
    scene.wait(max(minimum, reading - elapsed))
