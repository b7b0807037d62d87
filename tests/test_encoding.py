"""The encoder converts only what changed since its last frame: the bytes must be the ones a
whole-frame conversion gives, whatever the rectangle's edges (odd or even, at the frame's
border, one pixel, the whole frame, nothing)."""
import numpy as np
import pytest

from scenes.pipeline.encoding import FrameConverter, changed_box, rgba_to_yuv420p


def frames(height: int, width: int, count: int, seed: int):
    rng = np.random.default_rng(seed)
    frame = np.zeros((height, width, 4), np.uint8)
    frame[..., 3] = 255
    frame[..., :3] = rng.integers(0, 256, (height, width, 3))
    yield frame.copy()
    boxes = [(0, 1, 0, 1), (height - 1, height, width - 1, width), (3, 8, 5, 6), (0, height, 0, width),
             (1, 2, 1, width - 1), None]
    for index in range(count):
        box = boxes[index] if index < len(boxes) else None
        if box is None and index >= len(boxes):
            top, left = rng.integers(0, height - 1), rng.integers(0, width - 1)
            box = (top, rng.integers(top + 1, height + 1), left, rng.integers(left + 1, width + 1))
        if box is not None:
            top, bottom, left, right = box
            frame[top:bottom, left:right, :3] = rng.integers(0, 256, (bottom - top, right - left, 3))
        yield frame.copy()  # Manim hands the encoder a new array each frame


@pytest.mark.parametrize("height,width", [(480, 854), (36, 64), (18, 30)])
def test_converting_what_changed_gives_the_whole_frames_bytes(height, width):
    convert = FrameConverter()
    for index, frame in enumerate(frames(height, width, 40, seed=height)):
        assert np.array_equal(convert(frame), rgba_to_yuv420p(frame)), f"frame {index}"


def test_the_changed_box_is_the_smallest_with_even_edges():
    before = np.zeros((10, 12, 4), np.uint8)
    after = before.copy()
    assert changed_box(before, after) is None
    after[3, 5, 0] = 1
    after[6, 8, 2] = 1
    assert changed_box(before, after) == (2, 8, 4, 10)
    after[9, 11, 1] = 1
    assert changed_box(before, after) == (2, 10, 4, 12)
