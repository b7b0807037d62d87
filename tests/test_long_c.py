"""Long sentences (issue 10) in the story segments that draw the active sentence: they build for
12 (causal) and 64 (not causal) tokens with every shown number true, nothing outside the frame and
no overlapping text; cut-down pictures stay cut down. EXPLAINER_LONG_MATRIX=1 adds 9–64 tokens ×
causal and not."""
import os
from functools import lru_cache

import pytest

from attention_math import Example, tokenize
from scenes.segments import ThreePanelSegment
from scenes.story import STORY

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers
from tests.test_story import namespace

ANIMAL = "The animal didn't cross the street because it was too tired."
RIVER = ("She sat on the river bank and watched the water flow past the old mill, thinking about "
         "internationalization and how the long afternoon light made every ripple shine.")
TEXT = f"{ANIMAL} {RIVER} {ANIMAL} The river kept flowing past the bank and the animal slept there all day"
# Story segments that draw the active sentence (the others show only their own story traces).
ACTIVE = ("where-it-sits", "similarity", "all-at-once", "three-roles", "recap", "three-panel")
SCENES = {**STORY, "three-panel": ThreePanelSegment}
MATRIX = (9, 12, 16, 24, 32, 64)


def sentence(n_tokens: int) -> str:
    """The first words of TEXT that make exactly `n_tokens` toy tokens (a 20+ character word from 24 on)."""
    words = TEXT.split()
    for count in range(1, len(words) + 1):
        text = " ".join(words[:count])
        if len(tokenize(text)) == n_tokens:
            return text
        if len(tokenize(text)) > n_tokens:  # a word of several tokens jumped past: cut inside it
            return " ".join(tokenize(text)[:n_tokens])
    raise ValueError(f"TEXT is shorter than {n_tokens} tokens")


@lru_cache(maxsize=None)
def built(name: str, n_tokens: int, causal: bool):
    example = Example(sentence(n_tokens), causal=causal)
    assert len(example.tokens) == n_tokens
    return build_scene(SCENES[name], example)


def problems(scene) -> list[str]:
    return wrong_numbers(scene, namespace(scene)) + outside_frame(scene) + overlapping_texts(scene)


@pytest.mark.parametrize("name", ACTIVE)
@pytest.mark.parametrize("n_tokens,causal", [(12, True), (64, False)])
def test_story_segment_reads_a_long_sentence(name, n_tokens, causal):
    scene = built(name, n_tokens, causal)
    assert problems(scene) == []
    assert scene.renderer.time <= 70, f"{name} at {n_tokens} tokens runs {scene.renderer.time:.0f} s"


def test_similarity_table_lists_the_largest_shares_and_the_others():
    scene = built("similarity", 64, False)
    sources = {source for record in scene.sections if record.name == "table" for source, *_ in record.numbers}
    percentages = [s for s in sources if ".percentages[" in s and "rest" not in s]
    assert 1 <= len(percentages) <= 8  # a few keys by name, not 64
    assert any(".rest.percentages[" in s for s in sources)  # "the other n words" from the trace


def test_all_at_once_grids_are_a_few_mobjects_at_64_tokens():
    scene = built("all-at-once", 64, False)
    drawn = sum(len(top.get_family()) for top in scene.mobjects)
    assert drawn < 2000, f"{drawn} mobjects on screen: n² cells?"


def test_three_panel_lists_the_focus_row_only_at_64_tokens():
    scene = built("three-panel", 64, False)
    sources = {source for record in scene.sections if record.name == "softmax" for source, *_ in record.numbers}
    focus = scene.presentation.focus_query
    listed = [s for s in sources if "softmax_rows" in s]
    assert listed and all(f"softmax_rows[{focus}]" in s for s in listed) and len(listed) <= 8
    assert len(sources) < 80  # the focus rows and columns, not 64 × 64 numbers


@pytest.mark.skipif(not os.environ.get("EXPLAINER_LONG_MATRIX"), reason="EXPLAINER_LONG_MATRIX=1 runs 9–64 tokens")
@pytest.mark.parametrize("name", ACTIVE)
@pytest.mark.parametrize("n_tokens", MATRIX)
@pytest.mark.parametrize("causal", [True, False])
def test_long_matrix(name, n_tokens, causal):
    assert problems(built(name, n_tokens, causal)) == []
