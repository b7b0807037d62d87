"""The learning and before-transformers segments: every number on screen equals its record
(attention_math.learning / attention_math.rnn), nothing leaves the frame, no text overlaps, and
each step shows the values its caption talks about."""
from functools import lru_cache

import pytest

from attention_math import load_example
from scenes.context import DEFAULT_EXAMPLE
from scenes.playlist import PLAYLIST_ORDER
from scenes.story import STORY

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers

SEGMENTS = ("learning", "before-transformers")


@lru_cache(maxsize=None)
def built(name: str):
    return build_scene(STORY[name], load_example(DEFAULT_EXAMPLE))


def shown(scene, section: str) -> dict[str, str]:
    return {source: text for record in scene.sections if record.name == section for source, text, *_ in record.numbers}


@pytest.mark.parametrize("name", SEGMENTS)
def test_segment_shows_only_true_numbers_inside_the_frame_without_overlaps(name):
    scene = built(name)
    assert all(record.caption for record in scene.sections) and len(scene.sections) >= 4
    assert 20 <= scene.renderer.time <= 60, f"{name} runs {scene.renderer.time:.0f} s"
    assert sum(len(record.numbers) for record in scene.sections) > 20
    assert wrong_numbers(scene) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []


def test_learning_shows_each_checkpoint_then_the_held_out_sentence():
    scene = built("learning")
    run = scene.names["learning"]
    assert [record.name for record in scene.sections] == ["task", "random", "values", "attention", "trained",
                                                          "held-out"]
    for k, section in enumerate(("random", "values", "attention", "trained")):
        numbers = shown(scene, section)
        row = f"learning.checkpoints[{k}].sentences[0].percentages"
        assert {f"{row}[{j}]" for j in range(5)} <= set(numbers)
        assert numbers[f"learning.checkpoints[{k}].loss"] == f"{run.checkpoints[k].loss:.3f}"
    trained = shown(scene, "trained")
    assert trained["learning.checkpoints[3].sentences[0].percentages[4]"] == "59%"  # "phone"
    held = shown(scene, "held-out")
    last = len(run.checkpoints) - 1
    assert {f"learning.checkpoints[0].sentences[1].percentages[{j}]" for j in range(3)} <= set(held)
    assert {f"learning.checkpoints[{last}].sentences[1].output[{j}]" for j in range(2)} <= set(held)
    view = run.checkpoints[last].sentences[1]
    assert view.text == "Apple pie recipe" and not view.trained_on and view.reading == "food"
    assert "never saw" in scene.sections[-1].caption


def test_before_transformers_shows_the_steps_and_the_two_reach_numbers():
    scene = built("before-transformers")
    rnn = scene.names["rnn"]
    assert {f"rnn.hidden[{t}, {i}]" for t in range(6) for i in range(4)} <= set(shown(scene, "one-word"))
    assert {f"rnn.reach[{t}]" for t in range(6)} <= set(shown(scene, "forgetting"))
    compare = shown(scene, "compare")
    assert {"rnn.rnn_steps", "rnn.attention_steps", "rnn.last_reach", "rnn.attention_first_weight"} <= set(compare)
    assert (compare["rnn.rnn_steps"], compare["rnn.attention_steps"]) == ("6", "1")
    assert rnn.attention_first_weight > rnn.last_reach


def test_playlist_places_the_segments_where_the_story_asks():
    order = PLAYLIST_ORDER
    assert order.index("before-transformers") == order.index("where-it-sits") + 1
    assert order.index("before-transformers") < order.index("why-attention")
    assert order.index("three-roles") < order.index("projections") < order.index("learning")
    assert order.index("weighted-sum") + 1 == order.index("learning") == order.index("multi-head") - 1
