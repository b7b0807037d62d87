"""SmolLM2 on screen: the six core segments on one layer and head of the decoder, and the decoder
scenes (rotary positions, grouped-query attention, the attention sink) for two prompts. Each shows
only true numbers, keeps inside the frame and never overlaps text; the worked values they show
(attention_math.models.decoder_explained) hold what they claim."""
import numpy as np
import pytest

from attention_math import Example
from attention_math.models.decoder_explained import attention_sink, kv_cache_saving, rotary_distance
from scenes.decoder.attention_sink import AttentionSink
from attention_math.models.smollm2 import model_trace as decoder_trace
from scenes.decoder.grouped_query import GroupedQuery
from scenes.decoder.pair_plane import PairPlane
from scenes.decoder.rotary import RotaryPositions
from scenes.segments import SEGMENTS
from tests.screen_checks import assert_shows_the_truth, build_scene

# 7 tokens, and 8 (the layout's most) with words split into pieces: Token|ization, unbelie|vable.
PROMPTS = {"animal": "The animal didn't cross the street", "pieces": "Tokenization splits unbelievable words into pieces"}
CORE_SEGMENTS = SEGMENTS[:6]
SCENES = [RotaryPositions, GroupedQuery, AttentionSink]


@pytest.mark.parametrize("segment", CORE_SEGMENTS, ids=lambda s: s.segment)
def test_core_segment_on_a_decoder_head(segment):
    # Layer 14, head 9 follows "street": a late head, past the first, so nothing can assume head 1.
    scene = build_scene(segment, Example(PROMPTS["animal"]), model="smollm2", layer=13, head=8, query=6, key=1)
    assert_shows_the_truth(scene)
    assert scene.focus_head == 8 and scene.presentation.focus_query == 6


@pytest.mark.parametrize("prompt", PROMPTS, ids=str)
@pytest.mark.parametrize("scene_class", SCENES, ids=lambda s: s.segment)
def test_decoder_scene(scene_class, prompt):
    scene = build_scene(scene_class, Example(PROMPTS[prompt]), model="smollm2", layer=4, head=5)
    assert_shows_the_truth(scene)


def test_rope_scores_depend_only_on_the_distance():
    trace = decoder_trace(PROMPTS["animal"])
    rotary = rotary_distance(trace, 13, 8, 6, 1, shift=10)
    same, later, farther = rotary.placements
    assert same.score == pytest.approx(trace.layers[13].attention.heads[8].scores[6, 1], abs=1e-9)
    assert (later.distance, farther.distance) == (same.distance, same.distance + 10)
    assert later.score == pytest.approx(same.score, abs=1e-9) and abs(farther.score - same.score) > 1e-3
    for pair in rotary.pairs:
        assert pair.gap_degrees[1] == pytest.approx(pair.gap_degrees[0], abs=1e-9)
        assert pair.query_degrees[0] == pytest.approx(6 * pair.degrees_per_position)
        assert pair.degrees_per_position == pytest.approx(np.degrees(100000.0 ** (-pair.pair / 32)))
    fast, slow = (pair.pair for pair in rotary.pairs)
    assert fast < 4 <= 7 <= slow < 12  # one fast pair and one slow one are drawn
    assert rotary_distance(trace, 13, 8, 6, 1, pairs=(0,)).pairs[0].degrees_per_position == pytest.approx(np.degrees(1.0))


def test_sink_and_cache_values():
    trace = decoder_trace(PROMPTS["animal"])
    sink = attention_sink(trace)
    assert sink.shares.shape == (30, 9) and sink.n_heads_total == 270
    layer, head = sink.strongest[0]
    assert sink.shares[layer, head] == sink.shares.max() and sink.shares[sink.weakest] == sink.shares.min()
    assert sink.last_row_total == 100 and sink.row_layer == 29
    assert sink.shares[3, 2] == pytest.approx(trace.layers[3].attention.heads[2].weights[1:, 0].mean())
    cache = kv_cache_saving(trace)
    assert (cache.floats_per_token_per_layer, cache.floats_per_token_per_layer_without_sharing) == (384, 1152)
    assert cache.times_smaller == 3.0 and cache.floats_per_token == 30 * 384


def test_rope_arrows_end_where_the_turned_pairs_point():
    scene = build_scene(RotaryPositions, Example(PROMPTS["pieces"]), model="smollm2", layer=2, head=4)
    planes = scene.shown_planes
    assert all(isinstance(plane, PairPlane) for plane in planes)
    assert len(planes) == len(scene.rotary.pairs)
    for plane in planes:
        for arrow, turned in ((plane.query_arrow, plane.pair.query_turned[2]), (plane.key_arrow, plane.pair.key_turned[2])):
            direction = arrow.get_end() - arrow.get_start()
            assert np.arctan2(direction[1], direction[0]) == pytest.approx(np.arctan2(turned[1], turned[0]), abs=1e-3)


def test_a_one_token_prompt_still_has_a_sink_grid():
    sink = attention_sink(decoder_trace("Hello"))
    assert np.all(sink.shares == 1.0) and sink.last_row_total == 100
