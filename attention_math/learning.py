"""From random to trained (seed 002): W_Q, W_K and W_V learned by gradient descent, every value kept.

The task a viewer can follow: "Apple" means a company in "Apple launched a new phone" and a fruit
in "Apple juice poured". Its contextual vector (the attention output of its row) has two numbers,
read as [tech, food], and must land on its sense: [1, 0] or [0, 1]. The loss is the mean squared
distance of Apple's output from that sense over the training sentences.

Toy embeddings have three readable numbers per word: how tech, how food, and how much the word
says what the sentence is about ("topic": high for "phone" or "juice", low for "a", "the" and for
"Apple" itself, which alone does not tell you the topic). The projections start random, so Apple's
attention is spread almost evenly and its output means nothing; training learns a rule, "look at
the topic words", and the held-out sentence "Apple pie recipe" (pie and recipe never seen in
training) shows it: the trained weights read that Apple as food.

The backward pass is written by hand (tests check it against torch autograd to 1e-8); plain
full-batch gradient descent with a fixed rate, float64, so the run is exactly repeatable.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .display import percentages
from .softmax import masked_softmax
from .trace import _frozen
from .weights import _rng, quantise

FEATURES = ("tech", "food", "topic")  # what each embedding number means
SENSES = ("tech", "food")  # what each output number means; the targets are the unit vectors
AMBIGUOUS_WORD = "Apple"
WORD_FEATURES = {
    "Apple": (0.3, 0.7, 0.2),  # mostly read as the fruit, and no topic of its own
    "launched": (0.7, 0.0, 0.6), "phone": (1.0, 0.0, 1.0), "sold": (0.4, 0.1, 0.5), "laptops": (1.0, 0.0, 1.0),
    "updated": (0.6, 0.0, 0.5), "software": (0.9, 0.0, 1.0), "released": (0.7, 0.0, 0.6), "tablet": (0.9, 0.1, 1.0),
    "juice": (0.0, 1.0, 1.0), "poured": (0.0, 0.5, 0.5), "tart": (0.0, 0.9, 1.0), "baked": (0.0, 0.8, 0.6),
    "cider": (0.0, 0.9, 1.0), "brewed": (0.1, 0.6, 0.5), "pie": (0.0, 1.0, 1.0), "recipe": (0.0, 0.8, 0.9),
    "the": (0.0, 0.0, 0.1), "a": (0.0, 0.0, 0.1), "new": (0.1, 0.0, 0.3), "was": (0.0, 0.0, 0.1),
    "my": (0.0, 0.0, 0.1), "fresh": (0.0, 0.2, 0.3),
}
TRAINING = (
    ("Apple launched a new phone", "tech"), ("Apple sold laptops", "tech"), ("Apple updated the software", "tech"),
    ("Apple juice poured", "food"), ("Apple tart baked", "food"), ("the Apple cider was brewed", "food"),
)
HELD_OUT = (("Apple pie recipe", "food"), ("Apple released the tablet", "tech"), ("my fresh Apple pie", "food"))
SHOWN = (TRAINING[0], HELD_OUT[0])  # the segment's two sentences: one trained on, one never seen
D_K = 2
SEED, LEARNING_RATE, STEPS = 0, 1.0, 300
CHECKPOINT_STEPS = (0, 10, 100, STEPS)  # random; values learned; attention learning; trained
READING_RADIUS = 0.5  # an output this close to a sense vector reads as that sense
INIT_SCALE = 0.5  # N(0, 0.5²), quantised to one decimal like every toy input


@dataclass(frozen=True)
class Sentence:
    text: str
    tokens: tuple[str, ...]
    x: np.ndarray  # (n, 3) embeddings, one row per token
    focus: int  # the index of "Apple"
    sense: str
    target: np.ndarray  # (2,) the sense vector Apple's output must reach


def sentence(text: str, sense: str) -> Sentence:
    tokens = tuple(text.split())
    x = np.array([WORD_FEATURES[t] for t in tokens], dtype=np.float64)
    target = np.eye(len(SENSES))[SENSES.index(sense)]
    return Sentence(text, tokens, _frozen(x), tokens.index(AMBIGUOUS_WORD), sense, _frozen(target))


@dataclass(frozen=True)
class Weights:
    w_q: np.ndarray  # (3, d_k), used as x @ w
    w_k: np.ndarray  # (3, d_k)
    w_v: np.ndarray  # (3, 2): values live in the [tech, food] space


def initial_weights(seed: int = SEED) -> Weights:
    rng = _rng("learning", seed)
    shapes = ((len(FEATURES), D_K), (len(FEATURES), D_K), (len(FEATURES), len(SENSES)))
    return Weights(*(_frozen(quantise(rng.normal(0.0, INIT_SCALE, shape), 1)) for shape in shapes))


@dataclass(frozen=True)
class Forward:
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray  # q kᵀ / √d_k
    weights: np.ndarray  # softmax of each row
    output: np.ndarray  # weights @ v


def forward(x: np.ndarray, w: Weights) -> Forward:
    q, k, v = x @ w.w_q, x @ w.w_k, x @ w.w_v
    scores = q @ k.T / np.sqrt(w.w_q.shape[1])
    weights = masked_softmax(scores)
    return Forward(q, k, v, scores, weights, weights @ v)


def backward(x: np.ndarray, w: Weights, f: Forward, d_output: np.ndarray) -> Weights:
    """The gradients of W_Q, W_K, W_V given ∂loss/∂output, by the chain rule through attention."""
    d_v = f.weights.T @ d_output  # output = A V
    d_weights = d_output @ f.v.T
    # softmax: ∂s_ij = a_ij (∂a_ij − Σ_l a_il ∂a_il), row by row
    d_scores = f.weights * (d_weights - (d_weights * f.weights).sum(axis=1, keepdims=True))
    d_scores = d_scores / np.sqrt(w.w_q.shape[1])
    d_q, d_k = d_scores @ f.k, d_scores.T @ f.q
    return Weights(x.T @ d_q, x.T @ d_k, x.T @ d_v)


def loss_and_gradients(sentences: tuple[Sentence, ...], w: Weights) -> tuple[float, Weights]:
    """Mean over sentences of ‖Apple's output − its sense‖², and its gradients."""
    total, grads = 0.0, [np.zeros_like(w.w_q), np.zeros_like(w.w_k), np.zeros_like(w.w_v)]
    for s in sentences:
        f = forward(s.x, w)
        error = f.output[s.focus] - s.target
        total += float(error @ error) / len(sentences)
        d_output = np.zeros_like(f.output)
        d_output[s.focus] = 2.0 * error / len(sentences)
        step = backward(s.x, w, f, d_output)
        for g, part in zip(grads, (step.w_q, step.w_k, step.w_v)):
            g += part
    return total, Weights(*grads)


@dataclass(frozen=True)
class SentenceView:
    """One sentence under one checkpoint's weights: what the segment shows of it."""
    text: str
    tokens: tuple[str, ...]
    focus: int
    trained_on: bool
    x: np.ndarray  # (n, 3) the words' embeddings: tech, food, topic
    weights: np.ndarray  # (n, n) attention weights, rows sum to 1
    focus_row: np.ndarray  # Apple's row of `weights`
    percentages: np.ndarray  # focus_row as whole percentages adding to exactly 100
    output: np.ndarray  # Apple's output, [tech, food]
    target: np.ndarray
    error: float  # ‖output − target‖²
    reading: str  # the sense the output is nearest, or "neither" when it is near none (distance² > 0.25)


def sentence_view(s: Sentence, w: Weights, trained_on: bool) -> SentenceView:
    f = forward(s.x, w)
    output = f.output[s.focus]
    distances = ((output - np.eye(len(SENSES))) ** 2).sum(axis=1)
    reading = SENSES[int(np.argmin(distances))] if distances.min() <= READING_RADIUS**2 else "neither"
    error = output - s.target
    return SentenceView(s.text, s.tokens, s.focus, trained_on, s.x, _frozen(f.weights), _frozen(f.weights[s.focus]),
                        _frozen(percentages(f.weights[s.focus])), _frozen(output), s.target, float(error @ error),
                        reading)


@dataclass(frozen=True)
class Checkpoint:
    step: int
    loss: float
    weights: Weights  # W_Q, W_K, W_V after `step` updates
    sentences: tuple[SentenceView, ...]  # SHOWN, in order: trained on, held out

    @property
    def attention(self) -> np.ndarray:
        return self.sentences[0].weights


@dataclass(frozen=True)
class LearningRun:
    seed: int
    learning_rate: float
    steps: int
    training: tuple[str, ...]
    held_out: tuple[str, ...]
    targets: np.ndarray  # (2, 2) the sense vectors, row s for SENSES[s]
    loss: tuple[float, ...]  # loss[t]: after t updates, t = 0 … steps
    checkpoints: tuple[Checkpoint, ...]
    first_loss: float
    final_loss: float

    def checkpoint(self, step: int) -> Checkpoint:
        return next(c for c in self.checkpoints if c.step == step)


def train(seed: int = SEED, learning_rate: float = LEARNING_RATE, steps: int = STEPS,
          checkpoint_steps: tuple[int, ...] = CHECKPOINT_STEPS) -> LearningRun:
    data = tuple(sentence(text, sense) for text, sense in TRAINING)
    shown = tuple(sentence(text, sense) for text, sense in SHOWN)
    w, losses, checkpoints = initial_weights(seed), [], []
    for step in range(steps + 1):
        loss, grads = loss_and_gradients(data, w)
        losses.append(loss)
        if step in checkpoint_steps:
            views = tuple(sentence_view(s, w, (s.text, s.sense) in TRAINING) for s in shown)
            checkpoints.append(Checkpoint(step, loss, w, views))
        w = Weights(*(_frozen(p - learning_rate * g) for p, g in zip(
            (w.w_q, w.w_k, w.w_v), (grads.w_q, grads.w_k, grads.w_v))))
    return LearningRun(seed, learning_rate, steps, tuple(t for t, _ in TRAINING), tuple(t for t, _ in HELD_OUT),
                       _frozen(np.eye(len(SENSES))), tuple(losses), tuple(checkpoints), losses[0], losses[-1])


@lru_cache(maxsize=1)
def learning_run() -> LearningRun:
    """The run the segment shows (seed, rate and steps above)."""
    return train()


def held_out_views(run: LearningRun, step: int) -> tuple[SentenceView, ...]:
    """Every held-out sentence under a checkpoint's weights (for tests and the CLI)."""
    w = run.checkpoint(step).weights
    return tuple(sentence_view(sentence(text, sense), w, False) for text, sense in HELD_OUT)


def run_to_dict(run: LearningRun) -> dict:
    """The run as JSON-ready data: `loss` per step, `checkpoints` with their attention weights."""
    def view(v: SentenceView) -> dict:
        return {"sentence": v.text, "tokens": list(v.tokens), "trained_on": v.trained_on, "focus": v.focus,
                "weights": v.weights.tolist(), "focus_row": v.focus_row.tolist(),
                "percentages": v.percentages.tolist(), "output": v.output.tolist(), "target": v.target.tolist(),
                "reading": v.reading}

    return {
        "task": f"{AMBIGUOUS_WORD}'s attention output must reach its sense, {list(SENSES)}",
        "features": list(FEATURES), "senses": list(SENSES), "seed": run.seed,
        "learning_rate": run.learning_rate, "steps": run.steps,
        "training": list(run.training), "held_out": list(run.held_out), "loss": list(run.loss),
        "checkpoints": [{
            "step": c.step, "loss": c.loss, "weights": c.attention.tolist(),
            "w_q": c.weights.w_q.tolist(), "w_k": c.weights.w_k.tolist(), "w_v": c.weights.w_v.tolist(),
            "sentences": [view(v) for v in c.sentences],
        } for c in run.checkpoints],
        "held_out_final": [view(v) for v in held_out_views(run, run.steps)],
    }
