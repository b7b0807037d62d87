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
