"""QUERY= and KEY= (issue 10 §2) and MODEL=smollm2 on `python -m scenes`: words resolve to the
model's tokens, KEY picks the head (and layer) where the query gives the key the most weight,
the presentation follows that query and says so, and bad choices are one error line."""
import io
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

from attention_math import Example
from attention_math.fields import resolve
from attention_math.head_finder import strongest_head
from attention_math.trace import trace_example
from scenes import cli, context
from scenes.playlist import playlist

SENTENCE = "The animal didn't cross the street"  # SmolLM2: The, ␣animal, ␣didn, 't, ␣cross, ␣the, ␣street


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def requests(monkeypatch):
    """Render requests the CLI would run, caught instead of rendered."""
    import scenes.pipeline.run as run_module

    caught = []
    monkeypatch.setattr(run_module, "render", lambda request: caught.append(request) or 0)
    return caught


def test_list_smollm2_is_the_core_segments_then_the_decoder_ones():
    code, out, _ = run(["list", "--model", "smollm2"])
    names = out.split()
    assert code == 0
    assert names[:6] == ["01-embedding", "02-projections", "03-dot-products", "04-softmax", "05-weighted-sum",
                         "06-multi-head"]
    for segment in ("rotary-positions", "grouped-query", "attention-sink"):
        assert any(name.endswith(segment) for name in names[6:])
    assert len(names) == len(playlist("smollm2"))


@pytest.mark.parametrize("argv, message", [
    (["--query", "cat"], "QUERY='cat' is not a token of this sentence"),
    (["--query", "the"], "occurs 2 times"),
    (["--key", "animal"], "KEY needs QUERY"),
    (["--query", "animal", "--key", "street"], "comes after QUERY"),
    (["--query", "street", "--key", "9"], "KEY=9: positions run 1–7"),
    (["--layer", "31"], "LAYER must be 1–30"),
    (["--head", "10"], "HEAD must be 1–9"),
], ids=["missing-word", "ambiguous", "key-alone", "causal-later-key", "position", "layer", "head"])
def test_bad_choices_are_one_error_line(argv, message, requests):
    code, out, err = run(["stills", "--model", "smollm2", "--sentence", SENTENCE, "--scenes", "softmax", *argv])
    assert code == 2 and requests == [] and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err


def test_key_picks_the_strongest_head_and_the_folder_says_so(requests):
    code, _, err = run(["stills", "--model", "smollm2", "--sentence", SENTENCE, "--scenes", "softmax",
                        "--query", "street", "--key", "animal"])
    assert code == 0, err
    chosen = requests[0].context
    best = strongest_head(context.full_trace(Example(SENTENCE), "smollm2"), 6, 1)
    assert (chosen.layer, chosen.head, chosen.query, chosen.key) == (best.layer, best.head, 6, 1)
    assert chosen.example.name.endswith(f"-smollm2-l{best.layer + 1}-h{best.head + 1}-q7-k2")


def test_the_presentation_follows_the_query_and_states_the_head():
    chosen = context.resolve_context(Example(SENTENCE), "smollm2", query="street", key="animal")
    context.use(chosen)
    presentation, trace = context.active_presentation(), context.active_trace()
    assert presentation.focus_query == 6 and presentation.focus_head == chosen.head and presentation.focus_key == 1
    percent = int(resolve({"heads": trace.heads}, presentation.focus_note_source))
    assert percent == trace.heads[chosen.head].percentages[6, 1]
    assert presentation.focus_note == f"layer {chosen.layer + 1}, head {chosen.head + 1}: “street” gives {percent} % to “animal”"


def test_a_given_layer_keeps_its_layer_and_picks_the_head_in_it():
    chosen = context.resolve_context(Example(SENTENCE), "smollm2", layer=14, query="street", key="animal")
    weights = context.full_trace(Example(SENTENCE), "smollm2").layers[13].attention
    assert chosen.layer == 13
    assert chosen.head == int(np.argmax([head.weights[6, 1] for head in weights.heads]))
    fixed = context.resolve_context(Example(SENTENCE), "smollm2", layer=3, head=2, query="street", key="animal")
    assert (fixed.layer, fixed.head) == (2, 1)


def test_toy_key_picks_the_head_and_query_alone_only_moves_the_focus():
    example = Example("the cat sat because it was tired")
    trace = trace_example(example)
    chosen = context.resolve_context(example, "toy", query="it", key="cat")
    assert chosen.head == int(np.argmax([head.weights[4, 1] for head in trace.heads]))
    assert context.folder_name(chosen) == f"{example.name}-q5-k2"
    only_query = context.resolve_context(example, "toy", query="5")
    context.use(only_query)
    assert context.active_presentation().focus_query == 4 and context.active_presentation().focus_note is None
