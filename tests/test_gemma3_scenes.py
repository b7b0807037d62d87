"""The decoder segments a Gemma 3 brings (sliding windows, q/k norm, multi-query, its RoPE, the next
token), built on a tiny random Gemma 3 GGUF: the shown numbers equal the trace, nothing leaves the
frame, no text overlaps, and the captions follow the model (a window shorter than the sentence here)."""
from __future__ import annotations

import pytest

from attention_math import Example
from scenes.playlist import playlist
from tests.gguf_gemma_files import write_gemma3
from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers

SENTENCE = "the cat and the hat in a bar"


@pytest.fixture(scope="module")
def gemma(tmp_path_factory) -> str:
    # The same bytes every run: its dequantized cache (30 MB, keyed by the file's hash) is written once.
    return str(write_gemma3(tmp_path_factory.mktemp("gemma3") / "tiny.gguf", "Q8_0", seed=5))


def test_gemma3_playlist(gemma):
    names = [cls.segment for cls in playlist(gemma)]
    assert {"sliding-window", "qk-norm", "grouped-query", "rotary-positions", "next-token"} <= set(names)
    assert "kv-cache" not in names  # generation is traced for Llama-style models only


@pytest.mark.parametrize("name", ["sliding-window", "qk-norm", "grouped-query", "rotary-positions", "next-token",
                                  "dot-products"])
def test_gemma3_segments_hold(gemma, name):
    classes = {cls.segment.split("-", 1)[1] if cls.segment[:2].isdigit() else cls.segment: cls
               for cls in playlist(gemma)}
    scene = build_scene(classes[name], Example(SENTENCE), model=gemma, layer=5, head=1)
    assert wrong_numbers(scene) == [], name
    assert outside_frame(scene) == [], name
    assert overlapping_texts(scene) == [], name
    captions = " ".join(record.caption for record in scene.sections)
    if name == "sliding-window":  # 15 tokens, window 3: the honest caption, and the two bases compared
        assert "longer than the window" in captions and "10,000" in captions and "1,000,000" in captions
    if name == "grouped-query":
        assert "All 4 query heads read the same keys and values." in captions
