"""Before transformers (seed 004): a toy recurrent network reading "The cat sat on the mat".

h_t = tanh(x_t · W_xh + h_{t−1} · W_hh + b), h_0 = 0: one word per step, each step waiting for the
one before, so n words take n sequential steps; attention computes every row at once (one step).

How much of the first word still reaches step t is the size of ∂h_t/∂x_1, the Jacobian of the
hidden state with respect to the first input, by the chain rule:
    ∂h_1/∂x_1 = diag(1 − h_1²) · W_xhᵀ,    ∂h_t/∂x_1 = diag(1 − h_t²) · W_hhᵀ · ∂h_{t−1}/∂x_1.
Its size is the spectral norm (the most a small change of x_1 can move h_t, per unit change). For
attention the same question has a one-step answer: the last word's weight on the first word.

Weights are seeded like torch.nn.RNN's default, U(−1/√H, 1/√H), and quantised to one decimal like
every toy input; the inputs are the example's own vectors (the toy trace's x).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .display import percentages
from .example import load_example
from .trace import AttentionTrace, _frozen, trace_example
from .weights import _rng, quantise

EXAMPLE = Path(__file__).resolve().parent / "examples" / "the-cat-sat.toml"
HIDDEN_SIZE = 4
SEED = 0
ATTENTION_HEAD = 0  # the head the core segments follow


@dataclass(frozen=True)
class RnnWeights:
    w_xh: np.ndarray  # (d_in, H), used as x @ w
    w_hh: np.ndarray  # (H, H)
    b_h: np.ndarray  # (H,)


def rnn_weights(d_in: int, hidden: int = HIDDEN_SIZE, seed: int = SEED) -> RnnWeights:
    rng, bound = _rng("rnn", seed, d_in, hidden), 1.0 / np.sqrt(hidden)
    draw = lambda *shape: _frozen(quantise(rng.uniform(-bound, bound, shape), 1))
    return RnnWeights(draw(d_in, hidden), draw(hidden, hidden), draw(hidden))


def hidden_states(x: np.ndarray, w: RnnWeights) -> np.ndarray:
    """(n, H): the state after each word, computed one word after the other."""
    h, states = np.zeros(w.w_hh.shape[0]), []
    for x_t in np.asarray(x, dtype=np.float64):
        h = np.tanh(x_t @ w.w_xh + h @ w.w_hh + w.b_h)
        states.append(h)
    return np.stack(states)


def first_input_jacobians(states: np.ndarray, w: RnnWeights) -> np.ndarray:
    """(n, H, d_in): ∂h_t/∂x_1 for every t, by the chain rule through tanh and W_hh."""
    jacobian = (1.0 - states[0] ** 2)[:, None] * w.w_xh.T
    jacobians = [jacobian]
    for h_t in states[1:]:
        jacobian = (1.0 - h_t**2)[:, None] * (w.w_hh.T @ jacobian)
        jacobians.append(jacobian)
    return np.stack(jacobians)


@dataclass(frozen=True)
class BeforeAfter:
    """The RNN against attention on one sentence: every value the segment shows."""
    tokens: tuple[str, ...]
    x: np.ndarray  # (n, d) the inputs (the toy trace's x)
    weights: RnnWeights
    hidden: np.ndarray  # (n, H) h_1 … h_n
    rnn_steps: int  # sequential steps: one per word
    attention_steps: int  # 1: every row at once
    jacobians: np.ndarray  # (n, H, d) ∂h_t/∂x_1
    reach: np.ndarray  # (n,) spectral norm of each ∂h_t/∂x_1: how much of the first word reaches step t
    last_jacobian: np.ndarray  # (H, d) ∂h_n/∂x_1
    last_reach: float  # its norm
    first_reach: float  # reach[0], at the first word itself
    reach_ratio: float  # last_reach / first_reach: the share left after n − 1 more steps
    reach_percent: float  # reach_ratio in per cent
    attention_head: int
    attention_row: np.ndarray  # (n,) the last word's attention weights (head `attention_head`)
    attention_percentages: np.ndarray  # that row in whole percentages adding to 100
    attention_first_weight: float  # the last word's weight on the first word
    attention_first_percent: float


def before_after(trace: AttentionTrace, hidden: int = HIDDEN_SIZE, seed: int = SEED,
                 head: int = ATTENTION_HEAD) -> BeforeAfter:
    w = rnn_weights(trace.d_model, hidden, seed)
    states = hidden_states(trace.x, w)
    jacobians = first_input_jacobians(states, w)
    reach = np.array([np.linalg.norm(j, 2) for j in jacobians])
    row = trace.heads[head].weights[-1]
    shares = percentages(row)
    return BeforeAfter(
        trace.tokens, trace.x, w, _frozen(states), len(trace.tokens), 1, _frozen(jacobians), _frozen(reach),
        _frozen(jacobians[-1]), float(reach[-1]), float(reach[0]), float(reach[-1] / reach[0]),
        float(100 * reach[-1] / reach[0]), head,
        _frozen(row), _frozen(shares), float(row[0]), float(shares[0]))


@lru_cache(maxsize=1)
def cat_sat() -> BeforeAfter:
    """The segment's run: "The cat sat on the mat" (examples/the-cat-sat.toml)."""
    return before_after(trace_example(load_example(EXAMPLE)))


def before_after_to_dict(run: BeforeAfter) -> dict:
    return {
        "tokens": list(run.tokens), "x": run.x.tolist(), "w_xh": run.weights.w_xh.tolist(),
        "w_hh": run.weights.w_hh.tolist(), "b_h": run.weights.b_h.tolist(), "hidden": run.hidden.tolist(),
        "rnn_steps": run.rnn_steps, "attention_steps": run.attention_steps, "reach": run.reach.tolist(),
        "last_jacobian": run.last_jacobian.tolist(), "last_reach": run.last_reach,
        "attention_head": run.attention_head, "attention_row": run.attention_row.tolist(),
        "attention_first_weight": run.attention_first_weight,
    }
