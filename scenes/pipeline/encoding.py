"""Deterministic video frames: the RGBA → YUV 4:2:0 conversion done by Pillow.

Manim hands each RGBA frame to PyAV, and PyAV's FFmpeg 8 swscale converts it for x264.
That conversion is not deterministic here: the same frame came out differently in the
bottom rows (±2) from one render to the next, more often with several encoders running
in threads (Manim encodes partial movies in background threads). Measured: 180 of 635
frames of one segment differed between two renders of the same code. Converting with
Pillow and handing x264 frames already in its format leaves swscale out entirely."""
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


def use_deterministic_frames() -> None:
    """Replace Manim 0.22's VideoSegmentEncoder.write_frame for yuv420p output (every MP4):
    one conversion per frame, reused for a frame's repeats (a still wait)."""
    import av
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    original = getattr(VideoSegmentEncoder.write_frame, "original", VideoSegmentEncoder.write_frame)

    def write_frame(encoder, pixels: np.ndarray, *, repeat: int = 1) -> None:
        spec = encoder.spec
        if spec.pixel_format != YUV420 or spec.width % 2 or spec.height % 2:
            return original(encoder, pixels, repeat=repeat)
        encoder._validate_frame(pixels, repeat)
        time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        try:
            frame = av.VideoFrame.from_ndarray(rgba_to_yuv420p(pixels), format=YUV420)
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
