"""Issue 10, long-b: softmax, weighted sum and multi-head segments for 9–64 tokens; the colour-only
heatmap, the zoomed callout and the worked rows cut to their top keys plus "all other keys"."""
import numpy as np
import pytest

from attention_math import Example, trace_example
from attention_math.tokenizer import tokenize

ANIMAL = "The animal didn't cross the street because it was too tired."
RIVER = ("We sat on the river bank and watched the water rise after the storm; the internationalization "
         "committee met at the bank across the road to talk about money.")


def sentence_of(n_tokens: int) -> str:
    """Real-looking text of exactly `n_tokens` toy tokens (the animal sentence, then the river paragraph, repeated)."""
    words = ((ANIMAL + " " + RIVER + " ") * 4).split()
    for count in range(len(words), 0, -1):
        text = " ".join(words[:count])
        if len(tokenize(text)) <= n_tokens:
            if len(tokenize(text)) == n_tokens:
                return text
            break
    raise AssertionError(f"no prefix of the text has exactly {n_tokens} tokens")


LONG = trace_example(Example(sentence_of(64)))
CAUSAL = trace_example(Example(sentence_of(12), causal=True))


@pytest.mark.parametrize("trace", [LONG, CAUSAL], ids=["64", "12 causal"])
def test_rest_of_row_keeps_the_columns_adding_up(trace):
    head = trace.heads[0]
    for i in (0, trace.n_tokens // 2, trace.n_tokens - 1):
        softmax, blend = head.softmax_rows[i], head.blend_rows[i]
        rest = softmax.rest
        assert sorted(rest.order) == list(range(trace.n_tokens))
        assert list(np.diff(head.weights[i][list(rest.order)]) <= 0) == [True] * (trace.n_tokens - 1)
        assert rest.visible == int(trace.mask[i].sum())
        for k in (0, 3, 6, trace.n_tokens):
            top = list(rest.order[:k])
            assert rest.counts[k] == trace.n_tokens - k
            assert softmax.percentages[top].sum() + rest.percentages[k] == 100
            assert softmax.exponentials[top].sum() + rest.exponentials[k] == pytest.approx(softmax.total)
            assert head.weights[i][top].sum() + rest.weights[k] == pytest.approx(1.0)
            np.testing.assert_allclose(blend.scaled_values[top].sum(axis=0) + blend.rest.scaled_values[k],
                                       head.output[i], atol=1e-12)


def test_colour_heatmap_and_zoom_are_few_mobjects_showing_trace_numbers():
    from manim import RIGHT, VGroup

    from attention_math.fields import resolve
    from scenes.components.heatmap import WeightHeatmap
    from scenes.components.text import NumberText
    from scenes.components.zoom import ZoomCallout, weight_entries

    head, query = LONG.heads[0], 31
    heatmap = WeightHeatmap(head.weights, "heads[0].weights", LONG.tokens, colour_only=True, focus=query)
    assert len(heatmap.get_family()) < 400  # 4,096 cells would be 4,096 rectangles
    assert heatmap.focus_chip.token == LONG.tokens[query] and len(heatmap.row_labels) < 20
    row = heatmap.row_rect(query)
    assert row.height == pytest.approx(heatmap.frame.height / 64)
    zoom = ZoomCallout(row, weight_entries(LONG.tokens, head.softmax_rows[query], f"heads[0].softmax_rows[{query}]", top=6),
                       side=RIGHT, beside=heatmap)
    numbers = [m for m in zoom.get_family() if isinstance(m, NumberText)]
    assert len(numbers) == 7
    assert sum(resolve({"heads": LONG.heads}, n.source) for n in numbers) == 100
    assert zoom.frame.get_left()[0] > VGroup(heatmap).get_right()[0]


# Segments -------------------------------------------------------------------------------------
import os  # noqa: E402

from scenes.segments import SoftmaxSegment, WeightedSumSegment, MultiHeadSegment  # noqa: E402
from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers  # noqa: E402

OWNED = (SoftmaxSegment, WeightedSumSegment, MultiHeadSegment)
NORMAL = [(12, True), (64, False)]
MATRIX = [(n, causal) for n in (9, 12, 16, 24, 32, 64) for causal in (True, False)]


def too_small_numbers(scene) -> list[str]:
    """Numbers drawn smaller than the theme's "small" size (the least a 720p viewer reads)."""
    from scenes.components.text import NumberText, label  # noqa: F401
    from scenes.theme import current_theme

    theme, problems = current_theme(), []
    for record in scene.sections:
        shown = {text for _, text, _, _ in record.numbers}
        for name, (left, bottom, right, top) in record.text_boxes:
            if name in shown:
                least = label(name, "small", mono=True).height
                if top - bottom < least * 0.95:
                    problems.append(f"{record.name}: {name!r} is {top - bottom:.3f} tall, small is {least:.3f}")
    return problems


def check_segment(segment, n_tokens: int, causal: bool) -> None:
    scene = build_scene(segment, Example(sentence_of(n_tokens), causal=causal))
    assert all(record.caption for record in scene.sections)
    assert sum(len(record.numbers) for record in scene.sections) > 0
    assert wrong_numbers(scene) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []
    assert too_small_numbers(scene) == []
    texts = max(len(record.text_boxes) for record in scene.sections)
    assert texts < 400, f"{texts} texts on one screen: numbers must be built only where shown"


@pytest.mark.parametrize("n_tokens, causal", NORMAL, ids=lambda v: str(v))
@pytest.mark.parametrize("segment", OWNED, ids=lambda s: s.segment)
def test_long_sentences_build_true_readable_and_inside(segment, n_tokens, causal):
    check_segment(segment, n_tokens, causal)


@pytest.mark.skipif(os.environ.get("EXPLAINER_LONG_MATRIX") != "1", reason="set EXPLAINER_LONG_MATRIX=1")
@pytest.mark.parametrize("n_tokens, causal", MATRIX, ids=lambda v: str(v))
@pytest.mark.parametrize("segment", OWNED, ids=lambda s: s.segment)
def test_long_matrix(segment, n_tokens, causal):
    check_segment(segment, n_tokens, causal)


def test_pacing_and_graph_threshold_for_long_sentences():
    from manim import FadeIn, Square

    from scenes.components.attention_graph import AttentionGraph
    from scenes.components.pacing import one_at_a_time

    assert len(one_at_a_time([FadeIn(Square()) for _ in range(64)], 3).animations) == 4  # 3, then the rest at once
    assert len(one_at_a_time([FadeIn(Square()) for _ in range(2)], 3).animations) == 2
    head = LONG.heads[1]
    graph = AttentionGraph(LONG.tokens, head.weights, threshold=0.1, focus=31)
    assert set(graph.lines) == {(i, j) for i in range(64) for j in range(64) if head.weights[i, j] >= 0.1}
    assert len(graph.draw_in(one_by_one=3).animations) == min(4, len({i for i, _ in graph.lines}))
    assert any("≥ 10 %" in piece.text for piece in graph.legend)
    assert graph.focus_chips[0].token == LONG.tokens[31] and len(graph.position_labels[0]) < 16
