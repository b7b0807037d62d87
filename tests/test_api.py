"""The Python API (issue 22): the same trace, files and one-line errors as the CLI, whichever door."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import attention_explainer as ax
from attention_math.cli import main as trace_main
from scenes.cli import main as scenes_main
from tests.cli_run import run_cli
from tests.hf_minilm import load_hf_minilm

ROOT = Path(__file__).resolve().parent.parent

ANIMAL = "The animal didn't cross the street because it was too tired"


def test_trace_and_to_json_equal_the_cli(tmp_path):
    lesson = ax.explain("money bank grows", heads=1, d_model=4, causal=True, progress=False)
    code, out, _ = run_cli(["trace", "money bank grows", "--heads", "1", "--d-model", "4", "--causal"])
    assert code == 0 and lesson.to_json() == out
    assert np.array_equal(lesson.trace.heads[0].weights, np.array(json.loads(out)["heads"][0]["weights"]))
    minilm = ax.explain("She deposited money at the bank", model="minilm", progress=False)
    code, out, _ = run_cli(["trace", "--model", "minilm", "She deposited money at the bank", "--indent", "1"])
    assert code == 0 and minilm.to_json(tmp_path / "t.json", indent=1) == out == (tmp_path / "t.json").read_text()
    assert minilm.trace.layers[5].attention.heads[11].weights.shape == (8, 8)  # numpy, the trace the videos use


def test_query_and_key_pick_the_head_as_the_cli_does():
    from attention_math.models.registry import resolve
    from scenes.context import resolve_context

    from attention_math import Example

    lesson = ax.explain(ANIMAL, model="minilm", query="it", key="animal", progress=False)
    context = resolve_context(Example(ANIMAL), "minilm", None, None, "it", "animal")
    assert (lesson.layer, lesson.head, lesson.query, lesson.key) == (context.layer, context.head, context.query,
                                                                     context.key)
    assert lesson.tokens == resolve("minilm").tokenize(ANIMAL)[0]


def _cli_error(run) -> str:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run()
    lines = err.getvalue().strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err.getvalue()
    return lines[0].removeprefix("error: ")


TRACE_CASES = [  # (API keywords, the same input as CLI flags, the named exception)
    (dict(sentence="   \t "), ["   \t "], ax.SentenceError),
    (dict(sentence="cat\x07sat"), ["cat\x07sat"], ax.SentenceError),
    (dict(sentence="word " * 600), ["word " * 600], ax.SentenceError),
    (dict(sentence="a b", heads=3), ["a b", "--heads", "3"], ax.SettingError),
    (dict(sentence="a b", model="no-such-model"), ["a b", "--model", "no-such-model"], ax.ModelError),
    (dict(sentence="a b", model="minilm", heads=2), ["a b", "--model", "minilm", "--heads", "2"], ax.SettingError),
    (dict(), [], ax.SentenceError),
]


@pytest.mark.parametrize("keywords, flags, kind", TRACE_CASES)
def test_bad_input_is_the_clis_line_as_a_named_exception(keywords, flags, kind):
    line = _cli_error(lambda: trace_main(["trace", *flags]))
    with pytest.raises(kind) as raised:
        ax.explain(progress=False, **keywords)
    assert str(raised.value) == line
    assert raised.value._render_traceback_() == [f"{kind.__name__}: {line}"]  # a notebook shows one line


def test_bad_example_files_and_render_choices_match_the_cli(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('sentence = "a b"\nhaeds = 2\n')
    line = _cli_error(lambda: trace_main(["trace", "--example", str(bad)]))
    with pytest.raises(ax.ExampleFileError, match="unknown setting") as raised:
        ax.explain(example=bad, progress=False)
    assert str(raised.value) == line
    media = ["--media-dir", str(tmp_path / "media")]
    for flags, keywords, kind in (
            (["--query", "zebra"], dict(query="zebra"), ax.TokenChoiceError),
            (["--key", "cat"], dict(key="cat"), ax.TokenChoiceError),
            (["--model", "minilm", "--layer", "9"], dict(model="minilm", layer=9), ax.SettingError)):
        line = _cli_error(lambda: scenes_main(["stills", "--sentence", "the cat sat", "--scenes", "softmax", *media, *flags]))
        with pytest.raises(kind) as raised:
            ax.explain("the cat sat", progress=False, **keywords)
        assert str(raised.value) == line
    lesson = ax.explain("the cat sat", progress=False)
    line = _cli_error(lambda: scenes_main(["stills", "--sentence", "the cat sat", "--scenes", "nope", *media]))
    with pytest.raises(ax.SettingError) as raised:
        lesson.stills(scenes=["nope"], out=tmp_path / "media", progress=False)
    assert str(raised.value) == line
    assert not (tmp_path / "media").exists()  # refused before anything was written


def test_render_writes_what_the_cli_writes(tmp_path, capsys):
    """The API's render and `python -m scenes render` with the same choices make one request: after
    the API rendered, the CLI finds every output up to date (its stamp covers the whole request)."""
    lesson = ax.explain("a b c", query="b", progress=False)
    result = lesson.render(quality="low", scenes=["softmax"], out=tmp_path / "media", progress=False)
    assert result.folder == tmp_path / "media" / "a-b-c-q2"
    names = {p.relative_to(result.folder).as_posix() for p in result.files}
    assert {"11-softmax.mp4", "11-softmax.srt", "storyboard.png", "slides.pdf", "slides.pptx",
            "explainer.mp4"} <= names
    assert '<video controls' in result._repr_html_()
    capsys.readouterr()
    assert scenes_main(["render", "--sentence", "a b c", "--query", "b", "--quality", "low", "--scenes", "softmax",
                        "--media-dir", str(tmp_path / "media")]) == 0
    printed = capsys.readouterr().out
    assert "up to date: 11-softmax" in printed and "nothing changed" in printed
    deck = lesson.to_pptx(tmp_path / "deck.pptx", scenes=["softmax"], progress=False)
    assert deck.read_bytes()[:2] == b"PK"


@pytest.fixture(scope="module")
def hf_minilm():
    """transformers' own MiniLM (tests/hf_minilm.py), its tokenizer and its output on the animal sentence."""
    torch, model, tokenizer = load_hf_minilm()
    inputs = tokenizer(ANIMAL, return_tensors="pt")
    with torch.no_grad():
        out = model(**inputs, output_attentions=True)
    return model, tokenizer, inputs, out


def test_a_model_in_memory_is_read_by_the_registry_and_matches_its_own_outputs(hf_minilm):
    model, tokenizer, _, out = hf_minilm
    lesson = ax.explain(ANIMAL, model=model, tokenizer=tokenizer, query="it", progress=False)
    ours = np.array([[h.weights for h in layer.attention.heads] for layer in lesson.trace.layers])
    theirs = np.array([a[0].double().numpy() for a in out.attentions])
    assert ours.shape == theirs.shape == (6, 12, 15, 15)
    assert np.abs(ours - theirs).max() < 5e-6  # float32 model against our float64 arithmetic
    packaged = ax.explain(ANIMAL, model="minilm", progress=False)
    assert np.abs(ours - np.array([[h.weights for h in l.attention.heads] for l in packaged.trace.layers])).max() < 1e-9
    assert lesson.tokens == packaged.tokens and "in memory" in lesson.loaded.spec.source
    with pytest.raises(ax.ModelError, match="needs its tokenizer"):
        ax.explain(ANIMAL, model=model, progress=False)


def test_from_attentions_refuses_what_is_not_attention():
    tokens = ["a", "b"]
    with pytest.raises(ax.SettingError, match="2 positions but 3 tokens"):
        ax.from_attentions(["a", "b", "c"], (np.full((1, 2, 2, 2), 0.5),))
    with pytest.raises(ax.SettingError, match="not softmax weights"):
        ax.from_attentions(tokens, (np.ones((1, 2, 2, 2)),))
    with pytest.raises(ax.SettingError, match="head: 3 is not in 1–2"):
        ax.from_attentions(tokens, (np.full((1, 2, 2, 2), 0.5),), head=3)
    shown = ax.from_attentions((np.full((1, 2, 2, 2), 0.5),), tokens)  # BertViz's order works too
    assert shown.layers == (1,) and shown.heads == (1, 2)


def test_from_attentions_shows_a_real_models_output_as_our_trace_does(hf_minilm, tmp_path):
    """BertViz's input (transformers' `attentions` and the token strings) → the explorer, whose shown
    weights are those of our own trace of the same model, cell for cell."""
    from explorer.compact import percent_tenths
    from tests.browser import browser_missing, chromium

    _, tokenizer, inputs, out = hf_minilm
    tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])
    shown = ax.from_attentions(tokens, out.attentions, layer=6, head=12, query=11)
    ours = ax.explain(ANIMAL, model="minilm", progress=False).trace
    assert (shown.n_layers, shown.n_heads, shown.n_tokens) == (6, 12, 15) and list(ours.tokens) == tokens
    expected = percent_tenths(ours.layers[5].attention.heads[11].weights, 1)
    if browser_missing():
        pytest.skip(browser_missing())
    path = shown.save(tmp_path / "given.html")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_selector(".ax-root[data-ready=true]")
        prefix = page.evaluate("document.querySelector('.ax-root').id.slice(0, -4)")
        cells = page.evaluate("(p) => { const ax = AXLib.pages[p]; return Array.from(ax.weightBlock(ax.layer(), ax.head())); }", prefix)
        assert np.array_equal(np.array(cells).reshape(15, 15), expected)  # every shown weight, tenths of a %
        assert page.text_content(f"#{prefix}readout-weight") == f"{expected[10].max() / 10:.1f} %"
        assert "no arithmetic is shown" in page.text_content(f"#{prefix}step-body")


def test_a_notebook_output_is_bounded_and_says_what_it_carries():
    rng = np.random.default_rng(0)
    big = rng.random((30, 9, 64, 64))
    big /= big.sum(-1, keepdims=True)
    tokens = [f"t{i}" for i in range(64)]
    shown = ax.from_attentions(tokens, tuple(big[:, None]), layer=14, head=9)  # 30 × 9 heads of 64 × 64
    assert (shown.layers, shown.heads) == ((14,), tuple(range(1, 10)))  # over the budget: the focused layer
    assert "carries 1 of 30 layers × 9 of 9 heads (layers 14; heads 1, 2, 3, 4, 5, 6, 7, 8, 9)" in shown.html
    chosen = ax.from_attentions(tokens, tuple(big[:, None]), layers=[2, 30], heads=[9])
    assert (chosen.layers, chosen.heads) == ((2, 30), (9,))
    one_head = ax.explain(" ".join(f"w{i}" for i in range(64)), progress=False).explorer(heads=[1])
    assert one_head.heads == (1,) and one_head.nbytes < 250_000  # one head's 64 × 64 view stays small
    with pytest.raises(ax.SettingError, match="heads: give 1-based numbers 1–2"):
        ax.explain("a b c", progress=False).explorer(heads=[3])


def test_a_lessons_explorer_speaks_its_language_in_the_notebook_and_on_its_page(tmp_path):
    from scenes.words import Words

    ja = Words("explorer", "ja")
    lesson = ax.explain("the cat sat on the mat", lang="ja", progress=False)
    shown = lesson.explorer().html
    note = ja("notebook.carries_one_layer", heads=2, n_heads=2, which="", tokens=6, size="0", call="")
    assert note.split("0 kB")[0] in shown and "This output carries" not in shown  # the note, up to its size
    assert ja("page.heading") in shown and ja("page.queries") in shown
    page = lesson.save_explorer(tmp_path / "explorer.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and ja("page.document_title", title="the cat sat on the mat") in page
    english = ax.explain("the cat sat on the mat", progress=False).explorer().html
    assert "This output carries 2 of 2 heads, 6 tokens" in english and ja("page.heading") not in english


def test_progress_is_a_bar_in_a_terminal_and_lines_when_piped():
    import os
    import pty
    import subprocess
    import sys

    code = "import attention_explainer as ax; ax.explain('a b c')"
    piped = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                           cwd=os.path.dirname(os.path.dirname(__file__)))
    assert piped.stderr.splitlines() == ["explain [1/3] model: toy model", "explain [2/3] trace: 3 tokens",
                                         "explain [3/3] focus"]
    import fcntl
    import struct
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    process = subprocess.Popen([sys.executable, "-c", code], stdout=terminal, stderr=terminal, close_fds=True,
                               cwd=os.path.dirname(os.path.dirname(__file__)))
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(controller)
    shown = b"".join(chunks).decode()
    assert "\r" in shown and "100%|" in shown and "3/3" in shown and "explain [1/3]" not in shown  # tqdm's bar


def test_a_model_in_memory_renders_through_a_saved_folder(hf_minilm, tmp_path, monkeypatch):
    """The render processes load models by name or folder: a model in memory is saved once (safetensors,
    keyed by a hash of its weights) and the request names that folder, which traces the same."""
    from attention_explainer.outputs import render_request
    from attention_math.models.registry import resolve

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    model, tokenizer, _, _ = hf_minilm
    lesson = ax.explain(ANIMAL, model=model, tokenizer=tokenizer, query="it", progress=False)
    request = render_request(lesson, "stills", "low", ["softmax"], tmp_path / "media", 1)
    folder = tmp_path / "cache" / "attention-explainer" / "in-memory"
    assert request.context.model.startswith(str(folder)) and len(list(folder.iterdir())) == 1
    assert request.context.query == lesson.query and not request.write_video
    saved = resolve(request.context.model).trace(ANIMAL)
    assert np.array_equal(saved.layers[3].attention.heads[2].weights, lesson.trace.layers[3].attention.heads[2].weights)
    assert render_request(lesson, "stills", "low", ["softmax"], tmp_path / "media", 1).context.model == request.context.model


def test_figure_is_the_clis_figure(tmp_path):
    """The same example as `figure --sentence`, so the same picture (render_figure is shared)."""
    import argparse

    from attention_explainer.inputs import toy_example
    from scenes.cli import _example

    lesson = ax.explain("The cat sat down", progress=False)
    cli_example = _example(argparse.Namespace(command="figure", sentence="The cat sat down", example=None))
    assert toy_example(lesson.choices, "figure") == cli_example
    # (drawing the toy figure takes 10–20 s here; tests/test_figure.py checks the pictures render_figure draws)


def test_figure_of_a_real_model_equals_the_clis(tmp_path):
    """A real model's head as the figure: the same folder and the same PNG bytes as the command line
    (`scenes figure --model`; this is that command's test too)."""
    import subprocess
    import sys

    written = ax.explain("The cat sat down", model="minilm", layer=2, head=3, query="cat",
                         progress=False).figure(out=tmp_path / "api")
    assert written.folder.parent == (tmp_path / "api").resolve()
    assert sorted(p.name for p in written.pngs) == ["self_attention-transparent.png", "self_attention.png",
                                                     "self_attention@2x.png"]
    cli = subprocess.run([sys.executable, "-m", "scenes", "figure", "--model", "minilm", "--sentence", "The cat sat down",
                          "--layer", "2", "--head", "3", "--query", "cat", "--media-dir", str(tmp_path / "cli")],
                         cwd=ROOT, capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    (folder,) = (tmp_path / "cli").iterdir()  # the command names it after the sentence, model, layer, head
    assert folder.name == written.folder.name and folder.name.startswith("the-cat-sat-down-")
    assert folder.name.endswith("-l2-h3-q3") and "minilm" in folder.name  # q3: the query "cat"
    assert Image.open(folder / "self_attention.png").size == (800, 500)
    assert (folder / "self_attention.png").read_bytes() == (written.folder / "self_attention.png").read_bytes()
    with pytest.raises(ax.ExplainerError, match="HEAD must be 1–12"):
        ax.explain("The cat sat down", model="minilm", head=13, progress=False).figure(out=tmp_path / "no")
    assert not (tmp_path / "no").exists()
