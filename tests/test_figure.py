"""The seed-000 figure: exact pixel sizes, a truly transparent variant, and on it only true
numbers, nothing outside the frame and no text over other text; the same for a real model's
layer and head (`figure --model`), whose matrices are elided with their true shapes written."""
from types import SimpleNamespace

import numpy as np
import pytest
from manim import tempconfig
from PIL import Image

from attention_math import Example, ExampleError, load_example, trace_example
from scenes.base import ExplainerScene, SectionRecord
from scenes.context import DEFAULT_EXAMPLE
from scenes.figure import build_figure
from scenes.figure.main_flow import SQUARE_NUMBERS_UP_TO
from scenes.figure.subject import subject_for
from scenes.pipeline.figure_export import figure_config, render_figure, write_pngs

from tests.gguf_gemma_files import write_gemma3
from tests.screen_checks import TEST_MEDIA, outside_frame, overlapping_texts, trace_namespace, wrong_numbers

EXAMPLES = {
    "4 tokens": Example("The cat sat down"),
    "ayam: causal, 4 heads, d_model 8": load_example(DEFAULT_EXAMPLE.parent / "ayam-makan-taufik.toml"),
    "6 tokens long word causal": Example("Researchers found internationalization rules quite hard", causal=True),
    # long-c (issue 10): up to 12 tokens, the n × n grids colour only past 6
    "7 tokens": Example("The animal didn't cross the street"),
    "12 tokens causal": Example("The animal didn't cross the street because it was too", causal=True),
}


def built(example: Example):
    """The figure and its record, the way a segment's section records what is on screen."""
    trace = trace_example(example)
    record = SectionRecord("figure", "")
    with tempconfig(figure_config(media_dir=TEST_MEDIA)):
        figure = build_figure(trace)
        ExplainerScene._record_screen(SimpleNamespace(mobjects=[figure]), record)
    return figure, SimpleNamespace(sections=[record], trace=trace)


@pytest.fixture(scope="module")
def default_figure():
    return built(EXAMPLES["4 tokens"])


@pytest.fixture(scope="module")
def rendered(default_figure, tmp_path_factory):
    out = tmp_path_factory.mktemp("figure")
    return {path.name: path for path in write_pngs(default_figure[0], out, TEST_MEDIA)}


def test_png_sizes_are_exact(rendered):
    assert set(rendered) == {"self_attention.png", "self_attention-transparent.png", "self_attention@2x.png"}
    assert Image.open(rendered["self_attention.png"]).size == (800, 500)
    assert Image.open(rendered["self_attention-transparent.png"]).size == (800, 500)
    assert Image.open(rendered["self_attention@2x.png"]).size == (1600, 1000)


def test_white_background_and_a_transparent_twin(rendered):
    white = np.asarray(Image.open(rendered["self_attention.png"]).convert("RGBA"))
    clear = Image.open(rendered["self_attention-transparent.png"])
    assert clear.mode == "RGBA"
    alpha = np.asarray(clear)[..., 3]
    for y, x in ((1, 1), (498, 798), (1, 798)):  # corners are background in both
        assert tuple(white[y, x]) == (255, 255, 255, 255)
        assert alpha[y, x] == 0
    assert (alpha == 255).mean() > 0.5, "panels and text stay opaque"
    # The same picture: wherever the transparent one is opaque, the pixels agree.
    opaque = alpha == 255
    assert np.abs(np.asarray(clear)[..., :3][opaque].astype(int) - white[..., :3][opaque]).max() <= 2


@pytest.mark.parametrize("name", EXAMPLES)
def test_numbers_are_true_inside_the_frame_and_never_overlap(name, default_figure):
    screen = default_figure[1] if name == "4 tokens" else built(EXAMPLES[name])[1]
    record = screen.sections[0]
    sources = {source for source, *_ in record.numbers}
    assert any(s.startswith("x[") for s in sources) and any(s.startswith("heads[0].output") for s in sources)
    squares = {any(".percentages[" in s for s in sources), any("masked_scores" in s for s in sources)}
    assert squares == {screen.trace.n_tokens <= SQUARE_NUMBERS_UP_TO}  # past 6 tokens: colour only
    assert wrong_numbers(screen) == []
    assert outside_frame(screen) == []
    assert overlapping_texts(screen) == []


def test_more_than_twelve_tokens_is_a_clear_error(tmp_path):
    with pytest.raises(ExampleError, match="at most 12 tokens"):
        render_figure(Example(" ".join(["word"] * 13)), tmp_path)


@pytest.mark.parametrize("flag", [["--quality", "high"], ["--scenes", "1"], ["--jobs", "2"]])
def test_figure_command_refuses_flags_it_would_ignore(flag, tmp_path, capsys):
    from scenes.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["figure", *flag, "--media-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and flag[0] in err, err
    assert list(tmp_path.iterdir()) == [], "nothing written"


# A real model's figure: (sentence, model, the CLI's choices). Gemma 3 is a tiny random GGUF of
# its architecture (multi-query: 4 query heads, 1 K/V head; q/k norm; RoPE), written by the test.
MODELS = {
    "minilm, 7 tokens, layer 3 head 4 (biases)": ("The animal crossed the street", "minilm", {"layer": 3, "head": 4}),
    "smollm2, 12 tokens, --query it --key animal (grouped)":
        ("The animal didn't cross the street because it was too", "smollm2", {"query": "it", "key": "animal"}),
    "smollm2, 2 tokens": ("Hello world", "smollm2", {"layer": 30, "head": 9}),
    "gemma3 (tiny), 8 tokens, head 2 (multi-query)": ("the cat and the hat", "gemma", {"layer": 6, "head": 2}),
}


@pytest.fixture(scope="module")
def gemma(tmp_path_factory) -> str:
    return str(write_gemma3(tmp_path_factory.mktemp("gemma3") / "tiny.gguf", "Q8_0", seed=5))


def built_for(sentence: str, model: str, choices: dict):
    subject, folder = subject_for(Example(sentence, layout="figure"), model, **choices)
    record = SectionRecord("figure", "")
    with tempconfig(figure_config(media_dir=TEST_MEDIA)):
        figure = build_figure(subject)
        ExplainerScene._record_screen(SimpleNamespace(mobjects=[figure]), record)
    return figure, SimpleNamespace(sections=[record], trace=subject.trace), subject, folder


@pytest.mark.parametrize("name", MODELS)
def test_a_real_models_figure_shows_true_numbers(name, gemma):
    sentence, model, choices = MODELS[name]
    model = gemma if model == "gemma" else model
    figure, screen, subject, folder = built_for(sentence, model, choices)
    trace, record = subject.trace, screen.sections[0]
    assert wrong_numbers(screen, trace_namespace(trace) | dict(subject.roots)) == []
    assert outside_frame(screen) == []
    assert overlapping_texts(screen) == []
    sources = {source: text for source, text, *_ in record.numbers}
    head = f"heads[{subject.head}]"
    # The followed head, its columns elided: the first, ⋯, the last (its true index); X likewise.
    assert f"{head}.q[0, 0]" in sources and f"{head}.q[0, {trace.d_k - 1}]" in sources
    assert f"{head}.q[0, 1]" not in sources
    assert f"x[0, {trace.d_model - 1}]" in sources and f"{head}.output[0, {trace.d_k - 1}]" in sources
    assert not any(s.startswith("heads[") and not s.startswith(head) for s in sources), "one head in numbers"
    # True shapes: W_Q [d_model × heads·d_k]; a grouped model's own W_K, W_V at their true width.
    assert sources["w_q.shape[1]"] == str(trace.d_attention)
    k_width = next(s for s in sources if s.endswith("w_k.shape[1]"))
    if subject.n_kv_heads < trace.n_heads:
        assert "grouped_query" in k_width and int(sources[k_width]) == subject.n_kv_heads * trace.d_k < trace.d_attention
    else:
        assert k_width == "w_k.shape[1]"
    # Readable decimals: a real model's small values keep three significant digits.
    x_shown = [text for source, text in sources.items() if source.startswith("x[")]
    assert not any(text.strip("−") in ("0.00", "0.0") for text in x_shown), x_shown
    texts = " ".join(name for name, _ in record.text_boxes)
    assert subject.model in texts and f"layer {subject.layer + 1} of" in texts and f"head {subject.head + 1} of" in texts
    assert ("RoPE" in texts) == subject.rotary
    assert ("Input embeddings" in texts) == (subject.layer == 0)
    assert figure.flow.subject is subject and (subject.query is not None) == ("query" in choices)


@pytest.mark.parametrize("flags, says", [(["--model", "minilm", "--head", "13"], "HEAD must be 1–12"),
                                         (["--head", "3"], "HEAD must be 1–2 for the toy model"),
                                         (["--model", "smollm2", "--layer", "31"], "LAYER must be 1–30")])
def test_a_choice_the_model_lacks_is_one_line(flags, says, tmp_path, capsys):
    from scenes.cli import main

    assert main(["figure", *flags, "--media-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    assert list(tmp_path.iterdir()) == [], "nothing written"
