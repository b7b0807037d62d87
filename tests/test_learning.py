"""The training run and the toy RNN: hand-written gradients and Jacobians equal torch autograd,
the loss falls, the learned rule holds on sentences never trained on, the CLI prints the run."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from attention_math import Example, percentages, trace_example
from attention_math.learning import (
    AMBIGUOUS_WORD, FEATURES, HELD_OUT, TRAINING, WORD_FEATURES, Weights, backward, forward, held_out_views,
    learning_run, loss_and_gradients, sentence, train,
)
from attention_math.rnn import before_after, cat_sat, first_input_jacobians, hidden_states, rnn_weights

TOPIC = FEATURES.index("topic")


def torch_attention(x, w_q, w_k, w_v):
    scores = (x @ w_q) @ (x @ w_k).T / np.sqrt(w_q.shape[1])
    return torch.softmax(scores, dim=1) @ (x @ w_v)


@pytest.mark.parametrize("seed", range(3))
def test_backward_equals_torch_autograd_on_random_inputs(seed):
    rng = np.random.default_rng(seed)
    n, d, d_k, d_v = 5, 3, 2, 2
    x, d_output = rng.normal(size=(n, d)), rng.normal(size=(n, d_v))
    w = Weights(rng.normal(size=(d, d_k)), rng.normal(size=(d, d_k)), rng.normal(size=(d, d_v)))
    ours = backward(x, w, forward(x, w), d_output)
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in (w.w_q, w.w_k, w.w_v)]
    output = torch_attention(torch.tensor(x), *params)
    np.testing.assert_allclose(forward(x, w).output, output.detach().numpy(), atol=1e-12)
    (output * torch.tensor(d_output)).sum().backward()
    for mine, param in zip((ours.w_q, ours.w_k, ours.w_v), params):
        np.testing.assert_allclose(mine, param.grad.numpy(), rtol=0, atol=1e-8)


def test_training_loss_and_its_gradients_equal_torch():
    rng = np.random.default_rng(7)
    w = Weights(*(rng.normal(0, 0.5, size=(3, 2)) for _ in range(3)))
    data = tuple(sentence(text, sense) for text, sense in TRAINING)
    loss, grads = loss_and_gradients(data, w)
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in (w.w_q, w.w_k, w.w_v)]
    total = sum(((torch_attention(torch.tensor(s.x), *params)[s.focus] - torch.tensor(s.target)) ** 2).sum()
                for s in data) / len(data)
    total.backward()
    assert loss == pytest.approx(total.item(), abs=1e-12)
    for mine, param in zip((grads.w_q, grads.w_k, grads.w_v), params):
        np.testing.assert_allclose(mine, param.grad.numpy(), rtol=0, atol=1e-8)


def test_the_loss_falls_and_the_checkpoints_are_the_run():
    run = learning_run()
    assert len(run.loss) == run.steps + 1 and run.final_loss < run.first_loss / 100
    assert all(later <= earlier + 1e-12 for earlier, later in zip(run.loss, run.loss[1:]))
    for c in run.checkpoints:
        assert c.loss == run.loss[c.step]
        for view in c.sentences:
            np.testing.assert_allclose(view.weights.sum(axis=1), 1.0, atol=1e-12)
            assert view.percentages.sum() == 100 and list(view.percentages) == list(percentages(view.focus_row))
    trained, held = run.checkpoints[-1].sentences
    assert trained.trained_on and not held.trained_on


def test_values_learn_first_then_the_attention():
    """What the segment's captions say: by the second checkpoint W_V has moved far more than W_Q
    and W_K and Apple's output already reads right; the attention row moves later."""
    run = learning_run()
    start, early, late = run.checkpoints[0], run.checkpoints[1], run.checkpoints[-1]
    moved = {name: np.abs(getattr(early.weights, name) - getattr(start.weights, name)).max()
             for name in ("w_q", "w_k", "w_v")}
    assert moved["w_v"] > 5 * max(moved["w_q"], moved["w_k"])
    assert [v.reading for v in start.sentences] == ["neither", "neither"]
    assert [v.reading for v in early.sentences] == ["tech", "food"]
    row_shift = lambda a, b: np.abs(a.sentences[0].focus_row - b.sentences[0].focus_row).max()
    assert row_shift(early, start) < 0.05 < 0.25 < row_shift(late, start)


def topic_share(view) -> float:
    """The part of Apple's attention on words whose topic feature is high (≥ 0.9)."""
    return sum(w for w, t in zip(view.focus_row, view.tokens) if WORD_FEATURES[t][TOPIC] >= 0.9)


@pytest.mark.parametrize("text,sense", HELD_OUT)
def test_the_trained_weights_apply_the_rule_to_unseen_sentences(text, sense):
    run = learning_run()
    trained_words = {word for sentence_text in run.training for word in sentence_text.split()}
    assert text not in run.training and set(text.split()) - trained_words  # words never seen in training
    before = next(v for v in held_out_views(run, 0) if v.text == text)
    after = next(v for v in held_out_views(run, run.steps) if v.text == text)
    # The rule: Apple looks at the topic words (more than at step 0), most at the strongest one,
    # and reads the right sense from them.
    assert topic_share(after) > topic_share(before) + 0.15 and topic_share(after) > 0.6
    strongest = max(range(len(after.tokens)), key=lambda j: WORD_FEATURES[after.tokens[j]][TOPIC])
    assert int(np.argmax(after.focus_row)) == strongest and after.tokens[after.focus] == AMBIGUOUS_WORD
    assert int(np.argmax(after.output)) == ("tech", "food").index(sense) and after.error < 0.05
    assert before.error > 0.5


def test_the_run_is_deterministic_from_the_seed():
    first, again, other = train(seed=0, steps=30), train(seed=0, steps=30), train(seed=1, steps=30)
    assert first.loss == again.loss
    np.testing.assert_array_equal(first.checkpoints[-1].weights.w_q, again.checkpoints[-1].weights.w_q)
    assert first.loss != other.loss


def test_cli_prints_the_run_as_json():
    result = subprocess.run([sys.executable, "-m", "attention_math", "learning"], capture_output=True, text=True,
                            check=True)
    data = json.loads(result.stdout)
    run = learning_run()
    assert data["loss"] == list(run.loss) and [c["step"] for c in data["checkpoints"]] == [0, 10, 100, 300]
    for c in data["checkpoints"]:
        weights = np.array(c["weights"])
        assert weights.shape == (5, 5)
        np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)
    assert data["held_out"][0] == "Apple pie recipe"


# The RNN ------------------------------------------------------------------------------------
def torch_last_state(w, x_rest):
    w_xh, w_hh, b_h = (torch.tensor(p) for p in (w.w_xh, w.w_hh, w.b_h))

    def last(x_first):
        h = torch.zeros(w_hh.shape[0], dtype=torch.float64)
        for x_t in [x_first, *torch.tensor(x_rest)]:
            h = torch.tanh(x_t @ w_xh + h @ w_hh + b_h)
        return h
    return last


@pytest.mark.parametrize("seed", range(3))
def test_rnn_jacobian_equals_torch_autograd(seed):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(6, 4)), rnn_weights(4, 4, seed)
    ours = first_input_jacobians(hidden_states(x, w), w)
    for t in (1, 3, 6):  # ∂h_t/∂x_1 for a few lengths
        theirs = torch.autograd.functional.jacobian(torch_last_state(w, x[1:t]), torch.tensor(x[0]))
        np.testing.assert_allclose(ours[t - 1], theirs.numpy(), rtol=0, atol=1e-12)


def test_rnn_states_match_torch_rnn():
    run = cat_sat()
    rnn = torch.nn.RNN(4, 4, nonlinearity="tanh", bias=True, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(run.weights.w_xh.T))
        rnn.weight_hh_l0.copy_(torch.tensor(run.weights.w_hh.T))
        rnn.bias_ih_l0.copy_(torch.tensor(run.weights.b_h))
        rnn.bias_hh_l0.zero_()
        states, _ = rnn(torch.tensor(run.x)[None])
    np.testing.assert_allclose(run.hidden, states[0].numpy(), atol=1e-12)


def test_rnn_forgets_and_attention_reaches_the_first_word_in_one_step():
    run = cat_sat()
    assert run.tokens == ("The", "cat", "sat", "on", "the", "mat")
    assert (run.rnn_steps, run.attention_steps) == (6, 1)
    assert all(later < earlier for earlier, later in zip(run.reach, run.reach[1:]))
    assert run.last_reach == pytest.approx(np.linalg.norm(run.last_jacobian, 2)) and run.reach_ratio < 0.1
    assert run.attention_first_weight == run.attention_row[0] and run.attention_row.sum() == pytest.approx(1.0)
    assert run.attention_first_weight > 5 * run.last_reach
    assert run.attention_percentages.sum() == 100
    other = before_after(trace_example(Example("a b c")))
    assert other.rnn_steps == 3
