"""Every segment a model's capabilities call for, built for tiny random models of odd sizes (3 or 4
heads, 40 or 48 dimensions, head size ≠ d_model / heads, one key/value head, a sliding window):
the shown numbers equal the trace, nothing leaves the frame, no text overlaps, and the shapes and
captions say the model's own sizes."""
from __future__ import annotations

import pytest

from attention_math import Example
from scenes.playlist import playlist
from tests.family_models import tiny_folder
from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers

pytest.importorskip("torch")

SENTENCE = "the animal didn't cross the street because it was too tired"
# (family, segments to build): the core segments whose layout depends on sizes, and each capability's own.
CASES = [
    ("qwen3", ("projections", "multi-head", "rotary-positions", "grouped-query", "qk-norm")),  # 4 heads × 16 ≠ 40
    ("qwen2", ("grouped-query", "attention-sink", "decoder-heads-grid", "next-token", "kv-cache")),  # 1 K/V head
    ("mistral", ("dot-products", "sliding-window")),  # a window of 4 over 11 tokens, every layer local
    ("gpt2", ("attention-sink", "decoder-heads-grid")),
    ("bert", ("softmax", "layer-evolution", "heads-grid", "rollout")),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict:
    made = {}
    for family, _ in CASES:
        folder = tmp_path_factory.mktemp(family)
        tiny_folder(family, folder)
        made[family] = str(folder)
    return made


@pytest.mark.parametrize("family,segments", CASES, ids=[family for family, _ in CASES])
def test_segments_hold_for_odd_sizes(folders, family, segments):
    classes = {cls.segment.split("-", 1)[1] if cls.segment[:2].isdigit() else cls.segment: cls
               for cls in playlist(folders[family])}
    assert set(segments) <= set(classes), sorted(classes)
    for name in segments:
        scene = build_scene(classes[name], Example(SENTENCE), model=folders[family], layer=0, head=0)
        assert wrong_numbers(scene) == [], name
        assert outside_frame(scene) == [], name
        assert overlapping_texts(scene) == [], name
        texts = " ".join(text for record in scene.sections for text, _ in record.text_boxes)
        captions = " ".join(record.caption for record in scene.sections)
        if family == "qwen3" and name in ("projections", "multi-head"):  # Q, K, V and concat are heads × d_k wide
            assert "[11 × 64]" in texts and (name != "projections" or "[40 × 64]" in texts), name
        if family == "mistral" and name == "dot-products":
            assert "window of 4" in texts and "sliding window of 4 tokens" in captions
        if name == "sliding-window":  # every layer local: compared with no window, one RoPE base (no table)
            assert "without a window" in texts and "global" not in texts and len(scene.sections) == 2
        if name == "grouped-query" and family == "qwen2":
            assert "All 4 query heads read the same keys and values." in captions


def test_playlist_follows_capabilities(folders):
    names = {family: [cls.segment for cls in playlist(folder)] for family, folder in folders.items()}
    assert not any("rotary" in s or "grouped" in s or "next-token" in s for s in names["gpt2"])
    assert any("rotary" in s for s in names["qwen3"]) and any("kv-cache" in s for s in names["qwen2"])
    assert any("rollout" in s for s in names["bert"]) and not any("sink" in s for s in names["bert"])
