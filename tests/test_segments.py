"""Every segment builds for 2, 3, 6 and 8 tokens (and a 20-character word), shows only
trace numbers at the shown precision, keeps inside the frame and never overlaps text."""
import pytest

from attention_math import Example
from scenes.segments import SEGMENTS

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers

SENTENCES = {
    "2 tokens": Example("Hello world"),
    "3 tokens causal": Example("money bank grows", causal=True),
    "6 tokens": Example("The cat sat on the mat"),
    "8 tokens long word": Example("Researchers found internationalization rules quite hard to read", causal=True),
}


@pytest.mark.parametrize("sentence", SENTENCES, ids=str)
@pytest.mark.parametrize("segment", SEGMENTS, ids=lambda s: s.segment)
def test_segment_builds_and_shows_only_true_numbers(segment, sentence):
    scene = build_scene(segment, SENTENCES[sentence])
    assert len(scene.sections) >= 2, "each segment has steps"
    assert all(record.caption for record in scene.sections), "every step has a subcaption"
    assert sum(len(record.numbers) for record in scene.sections) > 0 or segment.segment.endswith("story")
    assert wrong_numbers(scene) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []
