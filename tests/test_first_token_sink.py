"""The first-token sink: a decoder's heads park their weight on token 0 (it has no [CLS])."""
import numpy as np
import pytest

from attention_math.head_patterns import (ALL_PATTERN_RULES, FIRST_TOKEN_SINK, PATTERN_RULES, classify_head,
                                          pattern_rules)

N = 6
WORDS = ("The", " cat", " sat", " on", " the", " mat")
FRAMED = ("[CLS]", "the", "cat", "sat", "down", "[SEP]")


def causal_sink(share: float) -> tuple[np.ndarray, np.ndarray]:
    """Each row gives `share` to token 0 and spreads the rest evenly over the other keys it may see."""
    mask = np.tril(np.ones((N, N), dtype=bool))
    weights = np.zeros((N, N))
    for i in range(N):
        weights[i, 0] = share if i else 1.0
        if i:
            weights[i, 1:i + 1] = (1 - share) / i
    return weights, mask


def on_first_token() -> np.ndarray:
    weights = np.zeros((N, N))
    weights[:, 0] = 1.0
    return weights


def test_a_head_on_token_0_is_a_first_token_sink_without_cls():
    weights, mask = causal_sink(0.6)
    kind, score = classify_head(weights, WORDS, mask)
    assert kind == FIRST_TOKEN_SINK
    assert score == pytest.approx(weights[:, 0].mean())


def test_below_half_on_token_0_is_not_a_sink():
    weights, mask = causal_sink(0.3)
    assert weights[:, 0].mean() < 0.5
    assert classify_head(weights, WORDS, mask)[0] != FIRST_TOKEN_SINK


def test_cls_keeps_its_own_label_and_score():
    weights = on_first_token()
    assert classify_head(weights, FRAMED) == ("[CLS] sink", pytest.approx(1.0))


def test_positional_patterns_are_checked_before_the_sink():
    # Both rules match (token 0 gets 0.45 from every row plus row 1's 0.55): the earlier check wins.
    weights = 0.55 * np.eye(N, k=-1) + 0.45 * on_first_token()
    assert weights[:, 0].mean() >= 0.5
    assert classify_head(weights, WORDS)[0] == "previous token"


def test_rules_per_sentence():
    assert pattern_rules(FRAMED) == PATTERN_RULES, "a MiniLM sentence shows MiniLM's rules, unchanged"
    decoder = pattern_rules(WORDS)
    assert list(decoder) == ["previous token", "next token", "self", FIRST_TOKEN_SINK, "broad", "mixed"]
    assert list(ALL_PATTERN_RULES)[-3:] == [FIRST_TOKEN_SINK, "broad", "mixed"]
    assert "first token" in decoder[FIRST_TOKEN_SINK] and "\n" not in decoder[FIRST_TOKEN_SINK]
