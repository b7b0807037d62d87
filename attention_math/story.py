"""The numbers of the story segments (seed 002's first-principles guide, seed 004's diagrams).

Seed 002 builds attention before any learned weight: similarity S = X·Xᵀ, weights
W = softmax(S) along each row, contextual vectors Y = W·X. `plain_attention` keeps every
one of those values for a trace's inputs, so the story's "bank" vectors are real numbers.
`story_traces` names every trace a story segment shows, in one place for scenes and tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .cross import CrossAttentionTrace, cross_attention_trace
from .example import Example, load_example
from .learning import learning_run
from .rnn import cat_sat
from .softmax import masked_softmax
from .trace import AttentionTrace, _frozen, trace_example
from .weights import input_decimals, projection_weights, static_embedding

EXAMPLES = Path(__file__).resolve().parent / "examples"  # the repository's examples/ (a link), or the installed copy


@dataclass(frozen=True)
class PlainAttention:
    """Attention with no learned weights: every word is query, key and value at once."""
    x: np.ndarray  # (n, d) the inputs, one row per token
    similarity: np.ndarray  # (n, n) = x @ x.T, row i: how alike word i is to each word
    weights: np.ndarray  # (n, n) softmax of each row of `similarity`
    output: np.ndarray  # (n, d) = weights @ x: each word as a weighted sum of all words


def plain_attention(x: np.ndarray) -> PlainAttention:
    x = np.asarray(x, dtype=np.float64)
    similarity = x @ x.T
    weights = masked_softmax(similarity)  # float64 throughout: these few numbers are shown exactly
    return PlainAttention(_frozen(x), _frozen(similarity), _frozen(weights), _frozen(weights @ x))


@dataclass(frozen=True)
class Difference:
    """How far apart two vectors are: their difference and its (Euclidean) length."""
    vector: np.ndarray
    length: float


def difference(a: np.ndarray, b: np.ndarray) -> Difference:
    vector = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return Difference(_frozen(vector), float(np.linalg.norm(vector)))


@dataclass(frozen=True)
class DotExample:
    """Seed 002's 2-D example: [6, 1]·[4, 2] = 26 (alike) against [6, 1]·[1, 5] = 11 (less so)."""
    query: np.ndarray
    alike: np.ndarray
    unlike: np.ndarray
    alike_dot: float
    unlike_dot: float


def dot_example() -> DotExample:
    query, alike, unlike = (np.array(v, dtype=np.float64) for v in ([6, 1], [4, 2], [1, 5]))
    return DotExample(_frozen(query), _frozen(alike), _frozen(unlike), float(query @ alike), float(query @ unlike))


# Seed 002's dictionary analogy, shown as code: query = what you look up, keys = what you
# look up by, values = what you get back.
DICTIONARY = {"A": 2, "B": 3, "C": 4}
DICTIONARY_QUERY = "A"

# A translation pair for cross-attention: the French words being written ask (queries),
# the English sentence answers (keys and values). Different lengths, so the grid is m × n.
CROSS_TARGET = "Le chat dort"
CROSS_SOURCE = "The cat is sleeping"
CROSS_SEED = 1  # cross-attention has its own learned weights, not those of self-attention


def cross_example(target: str = CROSS_TARGET, source: str = CROSS_SOURCE, *, d_model: int = 4, heads: int = 2,
                  seed: int = 0, precision: int = 2) -> CrossAttentionTrace:
    """Deterministic embeddings (the same static_embedding as every trace) and seeded weights."""
    decimals = input_decimals(precision)
    target_ex, source_ex = Example(target, d_model=d_model, d_k=d_model // heads, heads=heads), Example(source)
    embed = lambda tokens: np.stack([static_embedding(t, d_model, seed, decimals) for t in tokens])
    weights = projection_weights(d_model, seed + CROSS_SEED, decimals)
    return cross_attention_trace(
        target_ex.tokens, embed(target_ex.tokens), source_ex.tokens, embed(source_ex.tokens),
        weights["w_q"], weights["w_k"], weights["w_v"], heads, w_o=weights["w_o"], precision=precision,
    )


def reversed_example(example: Example) -> Example:
    """The same words in reverse order, every other setting kept ("money bank grows" → "grows bank money")."""
    return example.with_changes(sentence=" ".join(reversed(example.tokens)), name="")


@lru_cache(maxsize=1)
def story_traces() -> dict[str, AttentionTrace]:
    """Every self-attention trace a story segment shows, by the name its sources use."""
    money = load_example(EXAMPLES / "money-bank-grows.toml")
    positional = money.with_changes(positional="sinusoidal", name="")
    return {
        "money": trace_example(money),
        "river": trace_example(load_example(EXAMPLES / "river-bank-flows.toml")),
        "reversed": trace_example(reversed_example(money)),
        "money_pos": trace_example(positional),
        "reversed_pos": trace_example(reversed_example(positional)),
        "french": trace_example(Example(CROSS_TARGET)),
    }


@lru_cache(maxsize=1)
def story_plain() -> dict[str, PlainAttention]:
    """Seed 002's weight-free attention on each story trace's inputs, by the same names."""
    return {name: plain_attention(trace.x) for name, trace in story_traces().items()}


def story_namespace() -> dict:
    """The names story sources use beyond the active trace's: traces, plain, cross, story values."""
    traces, plain = story_traces(), story_plain()
    bank = traces["money"].tokens.index("bank")
    return {
        "traces": traces, "plain": plain, "cross": cross_example(), "dot": dot_example(),
        "plain_attention": plain_attention, "difference": difference,
        "learning": learning_run(), "rnn": cat_sat(),  # the learning and before-transformers segments' runs
        # "bank" in the two sentences: static vectors (equal) and contextual ones (not).
        "bank_static_shift": difference(traces["money"].embeddings[bank], traces["river"].embeddings[bank]),
        "bank_shift": difference(plain["money"].output[bank], plain["river"].output[bank]),
    }
