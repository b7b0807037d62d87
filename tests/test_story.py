"""The story segments build, show only true numbers (their own traces included), stay inside
the frame and never overlap text; the claims they make hold on the very traces they show;
and the explainer's order names every segment once."""
from functools import lru_cache

import numpy as np
import pytest

from attention_math import Example, load_example, trace_example
from attention_math.story import EXAMPLES, story_namespace
from scenes.context import DEFAULT_EXAMPLE
from scenes.playlist import slug
from scenes.segments import SEGMENTS
from scenes.playlist import CORE_ORDER as CORE, PLAYLIST_ORDER
from scenes.story import STORY

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, trace_namespace, wrong_numbers

SENTENCES = {
    "default": load_example(DEFAULT_EXAMPLE),
    "8 tokens long word": Example("Researchers found internationalization rules quite hard to read", causal=True),
}
# These show only their own story traces, whatever the sentence: one build is enough.
FIXED = {"why-attention", "order-blindness", "cross-attention", "learning", "before-transformers"}
CASES = [(name, sentence) for name in STORY for sentence in SENTENCES if sentence == "default" or name not in FIXED]


@lru_cache(maxsize=None)
def built(name: str, sentence: str):
    return build_scene(STORY[name], SENTENCES[sentence])


def namespace(scene) -> dict:
    """The active trace's names plus the story's: traces['money'], plain['river'], cross, dot, …"""
    names = trace_namespace(scene.trace)
    names.update(story_namespace())
    return names


def shown_sources(scene, section: str) -> set[str]:
    return {source for record in scene.sections if record.name == section for source, *_ in record.numbers}


@pytest.mark.parametrize("name,sentence", CASES, ids=lambda value: str(value))
def test_story_segment_builds_and_shows_only_true_numbers(name, sentence):
    scene = built(name, sentence)
    assert 2 <= len(scene.sections) and all(record.caption for record in scene.sections)
    assert 20 <= scene.renderer.time <= 60, f"{name} runs {scene.renderer.time:.0f} s"
    assert wrong_numbers(scene, namespace(scene)) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []


def test_story_traces_are_the_examples():
    traces = story_namespace()["traces"]
    for name, path in (("money", "money-bank-grows.toml"), ("river", "river-bank-flows.toml")):
        np.testing.assert_array_equal(traces[name].x, trace_example(load_example(EXAMPLES / path)).x)
    assert traces["reversed"].tokens == ("grows", "bank", "money")
    assert not traces["money"].positional.any() and traces["money_pos"].positional.any()


def test_why_attention_bank_is_static_then_contextual():
    scene = built("why-attention", "default")
    bank = scene.traces["money"].tokens.index("bank")
    assert scene.traces["river"].tokens[bank] == "bank"
    np.testing.assert_array_equal(scene.traces["money"].embeddings[bank], scene.traces["river"].embeddings[bank])
    shift = scene.names["bank_shift"]
    np.testing.assert_allclose(shift.vector, scene.plain["money"].output[bank] - scene.plain["river"].output[bank])
    assert shift.length > 0.05 and scene.names["bank_static_shift"].length == 0.0
    assert f"plain['money'].output[{bank}][0]" in shown_sources(scene, "contextual")


def test_order_blindness_claim_holds_on_the_traces_shown():
    scene = built("order-blindness", "default")
    assert any(s.startswith("plain['money'].output") for s in shown_sources(scene, "same"))
    assert any(s.startswith("plain['reversed'].output") for s in shown_sources(scene, "same"))
    assert any(s.startswith("plain['reversed_pos'].output") for s in shown_sources(scene, "differ"))
    first, second = scene.traces["money"], scene.traces["reversed"]
    order = [first.tokens.index(token) for token in second.tokens]  # row of each word of `second` in `first`
    assert sorted(order) == list(range(first.n_tokens)) and order != list(range(first.n_tokens))
    # Without positions: the same outputs, permuted (the weight-free Y shown, and the learned trace too).
    np.testing.assert_allclose(scene.plain["reversed"].output, scene.plain["money"].output[order], atol=1e-12)
    np.testing.assert_allclose(second.output, first.output[order], atol=1e-12)
    # With positions: every word's output changes with the order.
    plain_first, plain_second = scene.plain["money_pos"].output, scene.plain["reversed_pos"].output
    for row, source_row in enumerate(order):
        if row != source_row:  # "bank" stays in the middle; the words that moved must differ
            assert np.abs(plain_second[row] - plain_first[source_row]).max() > 0.05
    assert np.abs(scene.traces["reversed_pos"].output - scene.traces["money_pos"].output[order]).max() > 0.05


def test_similarity_table_is_the_focus_row():
    scene = built("similarity", "default")
    sources = shown_sources(scene, "table")
    assert {"heads[0].scores[2, 0]", "heads[0].scaled_scores[2, 5]", "heads[0].percentages[2, 1]"} <= sources
    assert {"dot.alike_dot", "dot.unlike_dot"} <= shown_sources(scene, "unlike")
    dot = scene.names["dot"]
    assert (dot.alike_dot, dot.unlike_dot) == (26.0, 11.0)


def test_playlist_order_names_every_segment_once():
    assert len(PLAYLIST_ORDER) == len(set(PLAYLIST_ORDER))
    core = {slug(cls) for cls in SEGMENTS}
    assert set(CORE) <= core
    assert set(PLAYLIST_ORDER) == set(STORY) | core | {"three-panel"}
    assert PLAYLIST_ORDER[0] == "where-it-sits" and PLAYLIST_ORDER[-1] == "recap"
    core_positions = [PLAYLIST_ORDER.index(name) for name in CORE]
    assert core_positions[1:] == sorted(core_positions[1:]), "the core mechanism keeps its order"
    assert PLAYLIST_ORDER.index("three-roles") + 1 == PLAYLIST_ORDER.index("projections")
