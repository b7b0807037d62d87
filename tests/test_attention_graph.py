"""The attention graph draws what the weights say: thicker and more opaque lines for larger
weights (never the other way round), and no line at all where the mask hides a key."""
import numpy as np
import pytest

from attention_math import Example, trace_example
from scenes.components.attention_graph import MIN_STROKE, AttentionGraph

EXAMPLES = {
    "causal": Example("money bank grows", causal=True),
    "not causal": Example("The cat sat on the mat"),
    "8 tokens long word causal": Example("Researchers found internationalization rules quite hard to read", causal=True),
}


def graph_of(name: str, head: int = 0) -> tuple[AttentionGraph, np.ndarray, np.ndarray]:
    trace = trace_example(EXAMPLES[name])
    weights = trace.heads[head].weights
    return AttentionGraph(trace.tokens, weights, trace.mask, head_label=f"head {head + 1}"), weights, trace.mask


@pytest.mark.parametrize("name", EXAMPLES)
def test_one_line_per_visible_pair_and_none_where_masked(name):
    graph, weights, mask = graph_of(name)
    n = len(weights)
    assert set(graph.lines) == {(i, j) for i in range(n) for j in range(n) if mask[i, j]}
    assert len(graph.line_group) == int(mask.sum())
    if EXAMPLES[name].causal:
        assert (0, 1) not in graph.lines and (n - 2, n - 1) not in graph.lines


@pytest.mark.parametrize("name", EXAMPLES)
def test_width_and_opacity_follow_the_weight(name):
    graph, weights, _ = graph_of(name, head=1)
    pairs = sorted(graph.lines, key=lambda pair: weights[pair])
    widths = [graph.lines[pair].get_stroke_width() for pair in pairs]
    assert all(a <= b for a, b in zip(widths, widths[1:])), "a larger weight never gets a thinner line"
    assert min(widths) >= MIN_STROKE, "near-zero weights stay visible"
    for pair, line in graph.lines.items():
        assert line.weight == pytest.approx(weights[pair])
        assert line.get_stroke_opacity() == pytest.approx(0.3 + 0.6 * weights[pair])


def test_strongest_line_is_proportional_to_its_weight():
    weights = np.array([[1.0, 0.0], [0.25, 0.75]])
    graph = AttentionGraph(("a", "b"), weights, max_stroke=8.0)
    assert graph.lines[0, 0].get_stroke_width() == pytest.approx(8.0)
    assert graph.lines[1, 1].get_stroke_width() == pytest.approx(6.0)
    assert graph.lines[1, 0].get_stroke_width() == pytest.approx(2.0)
    assert graph.lines[0, 1].get_stroke_width() == pytest.approx(MIN_STROKE)  # 0 weight: a hairline, still there


def test_lines_join_query_chips_on_the_left_to_key_chips_on_the_right():
    graph, _, _ = graph_of("causal")
    for (i, j), line in graph.lines.items():
        start, end = line.get_start(), line.get_end()
        assert start[0] < end[0]
        assert start[1] == pytest.approx(graph.query_chips[i].get_y())
        assert end[1] == pytest.approx(graph.key_chips[j].get_y())


def test_draw_in_creates_every_line_and_graphs_of_two_heads_share_their_structure():
    graph, _, _ = graph_of("causal", head=0)
    other, _, _ = graph_of("causal", head=1)
    assert len(graph.draw_in().animations) == len(graph.lines)
    assert [type(m) for m in graph.family_members_with_points()] == \
        [type(m) for m in other.family_members_with_points()]


def test_eight_tokens_with_a_long_word_fit_without_chips_touching():
    graph, _, _ = graph_of("8 tokens long word causal")
    for column in (graph.query_chips, graph.key_chips):
        for upper, lower in zip(column, column[1:]):
            assert upper.get_bottom()[1] > lower.get_top()[1]
        assert max(chip.width for chip in column) < 1.9  # the long word shrinks / wraps into its chip
    assert graph.height < 6.3 and graph.width < 13.4
