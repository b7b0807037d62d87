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


def test_a_frame_buffer_is_written_over_only_once_nobody_holds_it():
    from types import SimpleNamespace

    from scenes.pipeline.still_frames import StillsRenderer

    renderer = StillsRenderer.__new__(StillsRenderer)  # get_frame needs only the camera's pixels
    renderer.camera = SimpleNamespace(pixel_array=np.zeros((4, 6, 4), np.uint8))
    held = renderer.get_frame()  # the encoder's queue still holds this one
    renderer.camera.pixel_array[:] = 7
    second = renderer.get_frame()
    assert second is not held and not held.any() and (second == 7).all()
    second_id = id(second)
    del second  # encoded and dropped
    renderer.camera.pixel_array[:] = 9
    third = renderer.get_frame()
    assert id(third) == second_id and (third == 9).all() and not held.any()
    assert len(renderer.frame_buffers) == 2


def test_a_written_frame_carries_its_own_planes_and_a_reused_one_drops_them():
    from types import SimpleNamespace

    from scenes.pipeline.still_frames import StillsRenderer

    written = []
    renderer = StillsRenderer.__new__(StillsRenderer)
    renderer.skip_animations, renderer.time = False, 0.0
    renderer.camera = SimpleNamespace(pixel_array=np.zeros((6, 8, 4), np.uint8), frame_rate=60)
    renderer.file_writer = SimpleNamespace(write_frame=lambda frame, repeat: written.append(frame.yuv420p.copy()))
    rng = np.random.default_rng(3)
    for _ in range(4):
        renderer.camera.pixel_array[2:5, 1:4] = rng.integers(0, 256, (3, 3, 4))
        frame = renderer.get_frame()
        assert not frame.planes_current  # a reused buffer's planes are another frame's
        renderer.add_frame(frame)
        assert frame.planes_current and np.array_equal(written[-1], rgba_to_yuv420p(frame))
        del frame
