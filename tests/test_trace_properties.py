"""Properties every trace must have, whatever the example."""
import itertools

import numpy as np
import pytest

from attention_math import Example, masked_softmax, percentages, shown, trace_example
from attention_math.example import tokenize

SENTENCES = ["money bank grows", "The cat sat on the mat", "a b", "The programmer debugged the complex algorithm"]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("causal", [False, True])
def test_rows_sum_to_one_and_masked_entries_are_exactly_zero(sentence, causal):
    trace = trace_example(Example(sentence, causal=causal))
    for head in trace.heads:
        np.testing.assert_allclose(head.weights.sum(axis=1), 1.0, atol=1e-12)
        assert np.all(head.weights[~trace.mask] == 0.0)
        assert np.all(np.isneginf(head.masked_scores[~trace.mask]))
    if causal:
        assert not trace.mask[0, 1] and trace.mask[1, 0]
    else:
        assert trace.mask.all()


def test_per_head_values_are_slices_of_the_full_projections():
    trace = trace_example(Example("The cat sat on the mat", d_model=6, d_k=2, heads=3))
    for head in trace.heads:
        cols = slice(head.index * trace.d_k, (head.index + 1) * trace.d_k)
        np.testing.assert_array_equal(head.q, trace.q[:, cols])
        np.testing.assert_array_equal(head.v, trace.v[:, cols])
        np.testing.assert_array_equal(trace.concat[:, cols], head.output)
        np.testing.assert_allclose(head.scores, head.q @ head.k.T)
        np.testing.assert_allclose(head.scaled_scores, head.scores / np.sqrt(trace.d_k))
    np.testing.assert_allclose(trace.output, trace.concat @ trace.w_o)


def test_without_positions_permuting_tokens_permutes_outputs():
    plain = trace_example(Example("money bank grows"))
    swapped = trace_example(Example("grows bank money"))
    order = [2, 1, 0]
    np.testing.assert_allclose(swapped.output, plain.output[order], atol=1e-12)
    for a, b in zip(plain.heads, swapped.heads):
        np.testing.assert_allclose(b.weights, a.weights[np.ix_(order, order)], atol=1e-12)


def test_sinusoidal_positions_break_the_permutation_symmetry():
    plain = trace_example(Example("money bank grows", positional="sinusoidal"))
    swapped = trace_example(Example("grows bank money", positional="sinusoidal"))
    assert not np.allclose(swapped.output, plain.output[[2, 1, 0]], atol=1e-3)
    assert np.any(plain.positional != 0)
    np.testing.assert_array_equal(plain.x, plain.embeddings + plain.positional)


def test_same_word_same_static_embedding_across_sentences():
    money = trace_example(Example("money bank grows"))
    river = trace_example(Example("river bank flows"))
    np.testing.assert_array_equal(money.embeddings[1], river.embeddings[1])
    assert not np.array_equal(money.embeddings[0], river.embeddings[0])
    cat = trace_example(Example("The cat sat on the mat"))
    assert not np.array_equal(cat.embeddings[0], cat.embeddings[4]), "case is kept: The ≠ the"


def test_inputs_are_quantised_so_projections_are_exact_at_shown_precision():
    trace = trace_example(Example("The cat sat on the mat"))
    for matrix in (trace.x, trace.w_q, trace.w_k, trace.w_v, trace.w_o):
        np.testing.assert_array_equal(matrix, np.round(matrix, 1))
    for product in (trace.q, trace.k, trace.v):
        np.testing.assert_allclose(product, shown(product, trace.precision), atol=1e-12)


def test_traces_are_deterministic_and_frozen():
    a, b = trace_example(Example("The cat sat")), trace_example(Example("The cat sat"))
    np.testing.assert_array_equal(a.output, b.output)
    with pytest.raises(ValueError):
        a.heads[0].weights[0, 0] = 1.0
    c = trace_example(Example("The cat sat", seed=1))
    assert not np.array_equal(a.w_q, c.w_q)


@pytest.mark.parametrize("big", [1e4, -1e4])
def test_softmax_is_finite_and_correct_for_huge_scores(big):
    scores = np.array([[big, 0.0, big - 1.0], [big, big, big]])
    weights = masked_softmax(scores)
    assert np.all(np.isfinite(weights))
    if big > 0:
        np.testing.assert_allclose(weights[0], [1 / (1 + np.exp(-1)), 0.0, np.exp(-1) / (1 + np.exp(-1))], atol=1e-12)
    else:
        np.testing.assert_allclose(weights[0], [0.0, 1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(weights[1], [1 / 3] * 3)


def test_tokens_split_words_and_punctuation_keeping_case():
    assert tokenize("The cat, sat!") == ("The", "cat", ",", "sat", "!")
    assert tokenize("Ayam makan Taufik") == ("Ayam", "makan", "Taufik")


@pytest.mark.parametrize("row", [[1 / 3] * 3, [0.333, 0.333, 0.334], [0.125] * 8, [0.5, 0.5, 0.0], [0.996, 0.002, 0.002]])
def test_percentages_add_to_exactly_100(row):
    shown_row = percentages(np.array(row))
    assert shown_row.sum() == 100
    assert np.all(np.abs(shown_row - np.array(row) / sum(row) * 100) < 1)
    assert all(p == 0 for p, w in zip(shown_row, row) if w == 0)


def test_percentages_of_every_shipped_row_add_to_100():
    for sentence, causal in itertools.product(SENTENCES, (False, True)):
        trace = trace_example(Example(sentence, causal=causal))
        for head in trace.heads:
            for row in head.weights:
                assert percentages(row).sum() == 100
                assert percentages(row, decimals=1).sum() == pytest.approx(100.0)
