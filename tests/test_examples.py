"""Examples load from TOML and every bad field gets its own clear message."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from attention_math import Example, ExampleError, load_example, trace_example

# Course files (examples/course-*.toml) list lessons; tests/test_course.py checks them.
EXAMPLES = sorted(p for p in (Path(__file__).parent.parent / "examples").glob("*.toml") if not p.name.startswith("course-"))


def test_the_required_examples_ship():
    sentences = {load_example(path).sentence: load_example(path) for path in EXAMPLES}
    for wanted in ["money bank grows", "river bank flows", "The cat sat on the mat",
                   "The programmer debugged the complex algorithm", "Ayam makan Taufik"]:
        assert wanted in sentences
    assert sentences["Ayam makan Taufik"].causal


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_shipped_examples_show_a_spread_of_attention(path):
    """No shipped row is near-uniform or near one-hot: a viewer must see a spread."""
    trace = trace_example(load_example(path))
    visible = trace.mask.sum(axis=1)
    for head in trace.heads:
        rows = [row for row, n_visible in zip(head.weights, visible) if n_visible >= 2]
        for row in rows:
            assert row.max() <= 0.95, f"head {head.index + 1} is near one-hot: {row}"
        gaps = [row.max() - row[row > 0].min() for row in rows]
        assert max(gaps) >= 0.15, f"head {head.index + 1} is near uniform in every row: {gaps}"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"sentence": ""}, "sentence: must not be empty"),
        ({"sentence": "   "}, "sentence: must not be empty"),
        ({"sentence": " ".join(["word"] * 65)}, "at most 64"),
        ({"d_model": 0}, "d_model: must be a whole number > 0"),
        ({"d_k": -2}, "d_k: must be a whole number > 0"),
        ({"heads": 0}, "heads: must be a whole number > 0"),
        ({"heads": 3}, "heads × d_k must equal d_model"),
        ({"precision": 0}, "precision: must be a whole number > 0"),
        ({"seed": -1}, "seed: must be a whole number"),
        ({"positional": "learned"}, "positional: one of none, sinusoidal"),
        ({"layout": "tiny"}, "layout: one of"),
        ({"causal": "yes"}, "causal: must be true or false"),
    ],
)
def test_bad_fields_give_one_clear_message(fields, message):
    settings = {"sentence": "money bank grows", **fields}
    with pytest.raises(ExampleError, match=message) as raised:
        Example(**settings)
    assert "\n" not in str(raised.value)


def test_toml_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('sentence = "a b"\nhedas = 2\n')
    with pytest.raises(ExampleError, match="unknown setting.*hedas"):
        load_example(bad)
    bad.write_text("sentence = ")
    with pytest.raises(ExampleError, match="not valid TOML"):
        load_example(bad)
    with pytest.raises(ExampleError, match="not found"):
        load_example(tmp_path / "missing.toml")


def test_example_name_is_file_stem_or_sentence_slug():
    assert load_example(EXAMPLES[0]).name == EXAMPLES[0].stem
    assert Example("The Cat — sat!!").name.startswith("the-cat-sat-")  # lossy slug: hash added


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "attention_math", *args], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent)


def test_cli_exports_the_whole_trace_as_json():
    import json
    result = run_cli("trace", "money bank grows", "--heads", "2", "--causal")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    trace = trace_example(Example("money bank grows", heads=2, causal=True))
    assert data["tokens"] == ["money", "bank", "grows"]
    assert data["shapes"]["q"] == [3, 4]
    np.testing.assert_allclose(data["heads"][1]["weights"], trace.heads[1].weights)
    np.testing.assert_allclose(data["output"], trace.output)
    assert data["heads"][0]["masked_scores"][0][1] is None  # masked → null


def test_cli_reads_an_example_file_and_reports_bad_input_in_one_line():
    ok = run_cli("trace", "--example", "examples/ayam-makan-taufik.toml")
    assert ok.returncode == 0 and '"causal": true' in ok.stdout
    bad = run_cli("trace", "money bank grows", "--heads", "3")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and bad.stderr.startswith("error:")
    assert "Traceback" not in bad.stderr
