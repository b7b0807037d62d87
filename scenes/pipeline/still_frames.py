"""A render that skips its animations draws only its stills (issue 21).

Manim's Cairo renderer draws while it skips: each play renders its static mobjects into a
background image and each wait its moving ones, at full size, and throws both away: about
one 1080p frame per play, ≈ 40 % of a stills pass. Here a skipping renderer only remembers
what the last play's background would have held, and draws it when a still is taken, the
way Manim would have: the still is the same pixels (Manim draws the still over that
background, so static mobjects are drawn twice at their edges; we keep that, not fix it).
"""
from __future__ import annotations

from manim.renderer.cairo_renderer import CairoRenderer


class StillsOnlyRenderer(CairoRenderer):
    """A CairoRenderer that, while skipping, draws nothing until `draw_still` is called."""

    pending_static: list | None = None  # the last play's static mobjects (Manim's background)

    def save_static_frame_data(self, scene, static_mobjects):
        if not self.skip_animations:
            return super().save_static_frame_data(scene, static_mobjects)
        self.static_image = None
        self.pending_static = list(static_mobjects) or None
        return None

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        if self.skip_animations:  # a skipped play's frames are never seen
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def play(self, scene, *args, **kwargs) -> None:
        super().play(scene, *args, **kwargs)
        if self.skip_animations and not scene.is_current_animation_frozen_frame():
            self.pending_static = None  # Manim drops the background after an animation (play_internal)

    def draw_still(self, scene) -> None:
        """The full frame as Manim's update_frame would draw it after the last play."""
        if self.pending_static is not None:
            self.static_image = None
            CairoRenderer.update_frame(self, scene, mobjects=self.pending_static)
            self.static_image = self.get_frame()
        CairoRenderer.update_frame(self, scene)
        self.static_image = None


def draw_only_stills(scene) -> None:
    """Make a scene that skips its animations draw only the frames of its stills."""
    if scene.renderer.skip_animations and type(scene.renderer) is CairoRenderer:
        scene.renderer.__class__ = StillsOnlyRenderer


def draw_full_frame(scene) -> None:
    """Draw the frame a still shows (any renderer)."""
    if isinstance(scene.renderer, StillsOnlyRenderer):
        scene.renderer.draw_still(scene)
    else:
        scene.renderer.update_frame(scene)
