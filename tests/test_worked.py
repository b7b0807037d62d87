"""Worked values (attention_math/worked.py) and field paths (attention_math/fields.py): what a
segment spells out is arithmetic a viewer can redo, and a source can only name trace fields."""
import numpy as np
import pytest

from attention_math import Example, percentages, trace_example
from attention_math.fields import FieldPathError, resolve
from attention_math.head_patterns import classify_head
from attention_math.rollout import attention_rollout
from attention_math.worked import HeadPattern, clearest_heads

CAUSAL = trace_example(Example("The cat sat on the mat", causal=True))
FULL = trace_example(Example("Researchers found internationalization rules quite hard", d_model=8, heads=4, d_k=2))


@pytest.mark.parametrize("trace", [CAUSAL, FULL], ids=["causal", "full"])
def test_softmax_row_is_the_arithmetic_on_screen(trace):
    for head in trace.heads:
        for i in range(trace.n_tokens):
            row = head.softmax_rows[i]
            np.testing.assert_allclose(row.exponentials / row.total, head.weights[i], atol=1e-6, rtol=0)
            assert row.percent_total == 100 and row.percentages.sum() == 100
            np.testing.assert_array_equal(row.percentages, percentages(head.weights[i]))
            np.testing.assert_array_equal(row.exponentials[~trace.mask[i]], 0.0)  # e^−∞ is exactly 0
            assert row.row_max == max(head.masked_scores[i][trace.mask[i]])
            assert row.weight_total == pytest.approx(1.0)
            assert set(row.largest) == {j for j in range(trace.n_tokens) if row.percentages[j] == row.percentages.max()}


def test_large_scores_are_shifted_and_give_the_same_weights():
    trace = trace_example(Example("a b c", d_model=4, heads=2, d_k=2, seed=3))
    head = trace.heads[0]
    big = head.masked_scores * 10
    from attention_math.worked import needs_shift, softmax_row
    assert needs_shift(big) and not needs_shift(big / 1000)
    shifted = softmax_row(big, head.weights, 1, shifted=True)
    assert shifted.exponentials.max() == 1.0  # e^(m − m)
    plain = softmax_row(big, head.weights, 1, shifted=False)
    np.testing.assert_allclose(shifted.exponentials / shifted.total, plain.exponentials / plain.total, rtol=1e-12)


def test_blend_row_adds_up_to_the_head_output():
    for head in FULL.heads:
        for i in range(FULL.n_tokens):
            row = head.blend_rows[i]
            np.testing.assert_allclose(row.scaled_values, head.weights[i][:, None] * head.v, rtol=0, atol=0)
            np.testing.assert_allclose(row.total, head.output[i], atol=1e-12)
            np.testing.assert_allclose(row.shares * 100, percentages(head.weights[i]))


def test_percentages_and_patterns_are_the_trace_rules():
    for head in CAUSAL.heads:
        assert (head.percentages.sum(axis=1) == 100).all()
        assert (head.percentages[~CAUSAL.mask] == 0).all()
    for head, pattern in zip(FULL.heads, FULL.head_patterns):
        assert (pattern.kind, pattern.score) == classify_head(head.weights, FULL.tokens, FULL.mask)


def test_clearest_heads_take_the_highest_score_and_the_least_mixed():
    patterns = [[HeadPattern("self", 0.6), HeadPattern("mixed", 0.3)],
                [HeadPattern("self", 0.9), HeadPattern("mixed", 0.1)]]
    assert clearest_heads(patterns) == {"self": (1, 0), "mixed": (1, 1)}


def test_model_means_and_rollout():
    from attention_math.models.minilm import model_trace

    model = model_trace("The bank of the river flooded")
    for layer, mean in enumerate(model.layer_means):
        np.testing.assert_allclose(mean.weights, model.attention_weights[layer].mean(axis=0))
        assert (mean.percentages.sum(axis=1) == 100).all()
    np.testing.assert_allclose([r.weights for r in model.rollout], attention_rollout(model.attention_weights))
    assert model.clearest_heads == clearest_heads(model.head_patterns)


def test_field_paths_resolve_and_arithmetic_is_refused():
    roots = {"heads": CAUSAL.heads, "trace": CAUSAL, "traces": {"a": CAUSAL}}
    assert resolve(roots, "heads[1].softmax_rows[2].total") == CAUSAL.heads[1].softmax_rows[2].total
    assert resolve(roots, "heads[0].weights[3, 1]") == CAUSAL.heads[0].weights[3, 1]
    assert resolve(roots, "traces['a'].heads[0].percentages[2, 0]") == CAUSAL.heads[0].percentages[2, 0]
    for bad in ("np.exp(heads[0].scores[0, 0])", "trace.n_tokens ** 2", "heads[0].weights[0].sum()",
                "trace.__class__", "numpy.pi", "", "heads[0].weights[0] / 100"):
        with pytest.raises(FieldPathError):
            resolve(roots, bad)
