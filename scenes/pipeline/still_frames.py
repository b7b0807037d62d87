"""Stills drawn the way Manim would, without Manim's extra frames (issue 21).

Manim's Cairo renderer draws while it skips: each play renders its static mobjects into a
background image and each wait its moving ones, at full size, and throws both away: about
one 1080p frame per play, ≈ 40 % of a stills pass. A still is Manim's `update_frame` after
the last play: every mobject drawn over that play's background (so static mobjects are drawn
twice at their edges; we keep that, not fix it). `StillsRenderer` remembers which mobjects
that background held and draws a still from them when one is taken:

- skipping animations (a stills-only render), it draws nothing else;
- rendering a video below 1080p, it draws each still on a camera of its own at the still
  size, so no second, stills-only pass of the segment is needed.

tests/test_render_speed.py checks both against Manim's own renderer, pixel for pixel.

It also hands the encoder each video frame in a buffer it had before (`get_frame`): a fresh 8 MB
array per 1080p frame cost ≈ 2–3 ms in page faults, a reused one ≈ 0.4 ms. And it converts each
frame to yuv420p here, on the drawing thread (`add_frame`): the encoder thread, x264's, was the
busier of the two.
"""
from __future__ import annotations

import sys

import numpy as np
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.iterables import list_update
from PIL import Image

from .encoding import FrameConverter, FrameWithPlanes


# Manim's encoder queue holds 8 frames, its encoder one and our converter one: a few to spare.
MAX_FRAME_BUFFERS = 16


class StillsRenderer(CairoRenderer):
    """A CairoRenderer that knows what the last play's background held."""

    pending_static: list | None = None  # the last play's static mobjects (Manim's background)
    still_size: tuple[int, int] | None = None  # (width, height) when stills are larger than the video
    still_camera: Camera | None = None
    frame_buffers: list | None = None  # frames given to the encoder, reused once nobody holds them
    converter: FrameConverter | None = None  # RGBA → yuv420p of the frames written, in order

    def save_static_frame_data(self, scene, static_mobjects):
        self.pending_static = list(static_mobjects) or None
        if not self.skip_animations:  # the video's frames need it
            return super().save_static_frame_data(scene, static_mobjects)
        self.static_image = None
        return None

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        if self.skip_animations:  # a skipped play's frames are never seen
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def play(self, scene, *args, **kwargs) -> None:
        super().play(scene, *args, **kwargs)
        if not scene.is_current_animation_frozen_frame():
            self.pending_static = None  # Manim drops the background after an animation (play_internal)

    def get_frame(self) -> np.ndarray:
        """A copy of the camera's pixels (the encoder owns it and may hold it for a while), written
        into a buffer of ours that no one else refers to any more."""
        pixels = self.camera.pixel_array
        if self.frame_buffers is None:
            self.frame_buffers = []
        for buffer in self.frame_buffers:
            # Held only by our list, this loop and getrefcount's argument: free to write over.
            if sys.getrefcount(buffer) == 3 and buffer.shape == pixels.shape:
                np.copyto(buffer, pixels)
                buffer.planes_current = False
                return buffer
        frame = pixels.copy().view(FrameWithPlanes)
        if len(self.frame_buffers) < MAX_FRAME_BUFFERS:
            self.frame_buffers.append(frame)
        return frame

    def add_frame(self, frame, num_frames: int = 1) -> None:
        if not self.skip_animations and isinstance(frame, FrameWithPlanes) and not frame.shape[0] % 2 \
                and not frame.shape[1] % 2:
            self.converter = self.converter or FrameConverter()
            frame.attach_planes(self.converter(frame))
        super().add_frame(frame, num_frames)

    def draw_still(self, scene) -> Image.Image:
        """The frame Manim's update_frame would draw now, at the still size."""
        camera = self._camera_for_stills(scene)
        camera.reset()
        if self.pending_static is not None:
            camera.capture_mobjects(self.pending_static)
        camera.capture_mobjects(list_update(scene.mobjects, scene.foreground_mobjects))
        return camera.get_image()

    def _camera_for_stills(self, scene) -> Camera:
        if self.still_size is None:
            return self.camera
        if self.still_camera is None:
            width, height = self.still_size
            self.still_camera = type(self.camera)(
                pixel_width=width, pixel_height=height, frame_width=self.camera.frame_width,
                frame_height=self.camera.frame_height, background_color=self.camera.background_color,
                background_opacity=self.camera.background_opacity)
        return self.still_camera


def draw_stills_only(scene, still_size: tuple[int, int] | None = None) -> None:
    """Give the scene a StillsRenderer: skipping, it draws only its stills; rendering video,
    it draws each still at `still_size` (None: the video's own size)."""
    if type(scene.renderer) is CairoRenderer:
        scene.renderer.__class__ = StillsRenderer
        scene.renderer.still_size = still_size


def still_image(scene) -> Image.Image:
    """The image a still shows (any renderer)."""
    if isinstance(scene.renderer, StillsRenderer):
        return scene.renderer.draw_still(scene)
    scene.renderer.update_frame(scene)
    return scene.camera.get_image()
