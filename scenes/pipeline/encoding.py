"""Deterministic video frames: the RGBA → YUV 4:2:0 conversion done by Pillow.

Manim hands each RGBA frame to PyAV, and PyAV's FFmpeg 8 swscale converts it for x264.
That conversion is not deterministic here: the same frame came out differently in the
bottom rows (±2) from one render to the next, more often with several encoders running
in threads (Manim encodes partial movies in background threads). Measured: 180 of 635
frames of one segment differed between two renders of the same code. Converting with
Pillow and handing x264 frames already in its format leaves swscale out entirely.

Most of a frame is what the frame before it was (a fade or a moving arrow touches a corner of
the screen), so each encoder converts only the rectangle that changed since its last frame:
the conversion is per pixel (luma) and per aligned 2×2 block (chroma), so the bytes are the
ones a whole-frame conversion gives (tests/test_encoding.py)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from PIL import Image

YUV420 = "yuv420p"


# Pillow's YCbCr is BT.601 full range (JPEG); video wants limited range, as swscale gave.
_LUMA_RANGE = [16 + round(v * 219 / 255) for v in range(256)]
_CHROMA_RANGE = [16 + round(v * 224 / 255) for v in range(256)]


def rgba_to_yuv420p(pixels: np.ndarray) -> np.ndarray:
    """BT.601 limited range (swscale's default; luma within 1 of it), chroma the mean of
    each 2×2 block, stacked as FFmpeg's yuv420p array (height × 3/2, width). Pillow does
    the arithmetic in C, single-threaded: ~3 ms at 432p, ~5 at 720p, ~12 at 1080p."""
    height, width = pixels.shape[:2]
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    luma, blue, red = image.convert("YCbCr").split()  # RGBA → YCbCr in one pass: the same bytes as via RGB
    planes = np.empty((height * 3 // 2, width), dtype=np.uint8)
    planes[:height] = np.asarray(luma.point(_LUMA_RANGE))
    chroma = planes[height:].reshape(-1)
    quarter = (height // 2) * (width // 2)
    chroma[:quarter] = np.asarray(blue.reduce(2).point(_CHROMA_RANGE)).reshape(-1)
    chroma[quarter:] = np.asarray(red.reduce(2).point(_CHROMA_RANGE)).reshape(-1)
    return planes


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the pixels that differ, widened to even edges (whole 2×2
    chroma blocks); None if none differ. Compared two pixels at a time (8 bytes)."""
    height, width = after.shape[:2]
    if width % 2:
        return 0, height, 0, width
    differs = before.reshape(height, -1).view(np.uint64) != after.reshape(height, -1).view(np.uint64)
    rows = np.flatnonzero(differs.any(axis=1))
    if not rows.size:
        return None
    columns = np.flatnonzero(differs[rows[0]:rows[-1] + 1].any(axis=0))
    top, bottom = rows[0] & ~1, min(height, (rows[-1] + 2) & ~1)
    return top, bottom, 2 * columns[0], min(width, 2 * columns[-1] + 2)


class FrameConverter:
    """One encoder's RGBA → yuv420p conversions: the whole first frame, then only what changed."""

    def __init__(self):
        self.last_pixels: np.ndarray | None = None
        self.planes: np.ndarray | None = None

    def __call__(self, pixels: np.ndarray) -> np.ndarray:
        box = None if self.last_pixels is None else changed_box(self.last_pixels, pixels)
        if self.last_pixels is None or box == (0, pixels.shape[0], 0, pixels.shape[1]):
            self.planes = rgba_to_yuv420p(pixels)
        elif box is not None:
            top, bottom, left, right = box
            part = rgba_to_yuv420p(np.ascontiguousarray(pixels[top:bottom, left:right]))
            _paste(self.planes, part, pixels.shape[0], top, left)
        self.last_pixels = pixels  # held here, a reused frame buffer is not written over (still_frames)
        return self.planes


class FrameWithPlanes(np.ndarray):
    """An RGBA frame that may carry its yuv420p planes, converted on the drawing thread
    (still_frames.StillsRenderer.add_frame) so the encoder thread only encodes."""
    yuv420p: np.ndarray | None = None
    planes_current: bool = False  # the planes are this frame's (a reused buffer's are stale)

    def attach_planes(self, planes: np.ndarray) -> None:
        if self.yuv420p is None or self.yuv420p.shape != planes.shape:
            self.yuv420p = planes.copy()
        else:
            np.copyto(self.yuv420p, planes)
        self.planes_current = True


def _paste(planes: np.ndarray, part: np.ndarray, height: int, top: int, left: int) -> None:
    """Write a converted rectangle (its own yuv420p stack) into a whole frame's stack."""
    part_height, part_width = part.shape[0] * 2 // 3, part.shape[1]
    width = planes.shape[1]
    planes[top:top + part_height, left:left + part_width] = part[:part_height]
    quarter, part_quarter = (height // 2) * (width // 2), (part_height // 2) * (part_width // 2)
    chroma, part_chroma = planes[height:].reshape(-1), part[part_height:].reshape(-1)
    for plane in range(2):  # U then V, each (height/2 × width/2)
        whole = chroma[plane * quarter:(plane + 1) * quarter].reshape(height // 2, width // 2)
        piece = part_chroma[plane * part_quarter:(plane + 1) * part_quarter].reshape(part_height // 2, part_width // 2)
        whole[top // 2:top // 2 + part_height // 2, left // 2:left // 2 + part_width // 2] = piece


def use_deterministic_frames() -> None:
    """Replace Manim 0.22's VideoSegmentEncoder.write_frame for yuv420p output (every MP4):
    one conversion per frame (of what changed), reused for a frame's repeats (a still wait); none
    when the frame brings its planes (FrameWithPlanes, converted on the drawing thread)."""
    import av
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    original = getattr(VideoSegmentEncoder.write_frame, "original", VideoSegmentEncoder.write_frame)

    def write_frame(encoder, pixels: np.ndarray, *, repeat: int = 1) -> None:
        spec = encoder.spec
        if spec.pixel_format != YUV420 or spec.width % 2 or spec.height % 2:
            return original(encoder, pixels, repeat=repeat)
        encoder._validate_frame(pixels, repeat)
        planes = pixels.yuv420p if getattr(pixels, "planes_current", False) else None
        if planes is None:
            planes = encoder.__dict__.setdefault("_explainer_converter", FrameConverter())(pixels)
        time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        try:
            frame = av.VideoFrame.from_ndarray(planes, format=YUV420)
            for _ in range(repeat):
                frame.pts = encoder._next_pts
                frame.time_base = time_base
                encoder._next_pts += 1
                for packet in encoder._stream.encode(frame):
                    encoder._container.mux(packet)
        except BaseException as error:
            raise encoder._operation_error("encode", error) from error

    write_frame.original = original
    VideoSegmentEncoder.write_frame = write_frame
