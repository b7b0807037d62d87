"""The shortcuts of issue 21 draw the same pixels: a stills-only render that draws only its
stills against Manim's own renderer (which draws every skipped play), the stills a low-quality
video pass draws against a stills-only render's, and glyph outlines read back from the disk
store against freshly parsed ones."""
from dataclasses import replace

import numpy as np
from PIL import Image

from attention_math import Example
from scenes.context import resolve_context
from scenes.pipeline import still_frames
from scenes.pipeline.jobs import SegmentJob
from scenes.pipeline.worker import render_segment
from scenes.playlist import select


def _stills(folder, sentence: str, segment: str, quality: str = "medium", video: bool = False) -> dict[str, np.ndarray]:
    context = replace(resolve_context(Example(sentence), "toy"), stills_dir=str(folder / "stills"))
    cls = select(segment)[0]
    result = render_segment(SegmentJob(cls.__module__, cls.__name__, context, quality, str(folder / "manim"), video))
    assert result.error is None and result.stills
    return {name: np.asarray(Image.open(path)) for path, name in result.stills}


def test_stills_only_render_draws_the_pixels_manims_renderer_draws(tmp_path, monkeypatch):
    fast = _stills(tmp_path / "fast", "the cat sat on mats", "embedding")
    monkeypatch.setattr(still_frames, "draw_stills_only", lambda scene, size=None: None)  # Manim's plain CairoRenderer
    plain = _stills(tmp_path / "plain", "the cat sat on mats", "embedding")
    assert list(fast) == list(plain)
    for name in fast:
        assert np.array_equal(fast[name], plain[name]), name


def test_stills_drawn_in_a_low_quality_video_pass_equal_the_stills_pass(tmp_path):
    """Below 1080p the video pass draws its stills on a 1920×1080 camera of its own, instead
    of a second, stills-only render of the segment."""
    from scenes.pipeline import stills_pass

    assert stills_pass.STILLS_FROM_VIDEO
    video = _stills(tmp_path / "video", "the cat sat on mats", "embedding", quality="low", video=True)
    alone = _stills(tmp_path / "alone", "the cat sat on mats", "embedding")
    assert list(video) == list(alone)
    for name in video:
        assert video[name].shape == (1080, 1920, 3) and np.array_equal(video[name], alone[name]), name


def test_outlines_from_the_disk_store_equal_parsed_ones(tmp_path, monkeypatch):
    from scenes.components import text
    from scenes.pipeline import glyph_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    glyph_store.store.cache_clear()
    monkeypatch.setattr(text.OUTLINES, "disk", True)
    try:
        key = ("0.37 naïve 日本", "DejaVu Sans", 24.0, "NORMAL")
        parsed = text._outline(key)  # parsed, then written to the store
        assert glyph_store.outline_file(key).exists()
        kept = glyph_store.load_outline(key)
        assert kept is not None and kept.dtype == parsed.dtype and np.array_equal(kept, parsed)
        assert np.array_equal(text._outline(key), parsed)  # read back, not parsed again
    finally:
        glyph_store.store.cache_clear()
