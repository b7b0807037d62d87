"""The explorer page as a file: self-contained, small enough, deterministic; the CLI's errors; theme colours."""
from __future__ import annotations

import base64
import gzip
import re

import pytest

from attention_math import Example, trace_example
from explorer import build_page
from explorer.page import D3_FILE
from explorer.theme_colors import WEIGHT_GAMMA, theme_colors
from scenes.cli import main
from tests.explorer_pages import long_sentence


def test_page_is_one_offline_file_and_rebuilds_identically():
    trace = trace_example(Example("money bank grows", layout="explorer")).to_dict()
    page = build_page(trace)
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page)  # nothing loaded from anywhere
    d3 = D3_FILE.read_text(encoding="utf-8")
    (packed,) = re.findall(r'<script type="application/octet-stream" class="ax-code">([^<]*)</script>', page)
    code = gzip.decompress(base64.b64decode(packed)).decode("utf-8")
    assert d3.startswith("// https://d3js.org v7.9.2 ") and code.startswith(d3)  # D3 inlined whole (packed), notice included
    assert page == build_page(trace)


def test_a_token_cannot_close_the_script_element():
    trace = trace_example(Example("a b c", layout="explorer")).to_dict()
    trace["tokens"] = ["</script><b>", "b", "c"]
    page = build_page(trace)
    assert page.count("</script>") == page.count("<script")


def test_theme_colours_are_the_videos():
    from scenes.theme import THEME
    from manim import ManimColor, interpolate_color

    colors = theme_colors()
    for name in ("background", "ink", "query", "key", "value", "weight_low", "weight_high", "highlight"):
        assert colors[name] == getattr(THEME, name)
    assert colors["head_colors"] == list(THEME.head_colors)
    mixed = interpolate_color(ManimColor(THEME.weight_low), ManimColor(THEME.weight_high), 0.3**WEIGHT_GAMMA)
    assert THEME.weight_color(0.3).to_hex() == mixed.to_hex()  # the page's gamma is the theme's


def test_cli_writes_the_page(tmp_path, capsys):
    assert main(["explore", "--sentence", "river bank flows", "--query", "bank", "--media-dir", str(tmp_path)]) == 0
    path = tmp_path / "river-bank-flows" / "explorer.html"
    assert capsys.readouterr().out.strip() == str(path)
    assert '"query":1' in path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["explorer.html"]  # no temporary file left


def test_a_512_token_sentence_gets_a_short_folder(tmp_path, capsys):
    assert main(["explore", "--sentence", long_sentence(512), "--media-dir", str(tmp_path)]) == 0
    (folder,) = tmp_path.iterdir()
    assert len(folder.name) <= 64 and folder.name.startswith("the-cat-sat-on-a-mat")
    assert (folder / "explorer.html").stat().st_size < 8e6


@pytest.mark.parametrize("arguments, message", [
    (["--sentence", "  "], "sentence: must not be empty"),
    (["--sentence", long_sentence(513)], "at most 512"),
    (["--sentence", "river bank flows", "--query", "money"], "--query='money' is not a token of this sentence"),
    (["--sentence", "river bank flows", "--query", "4"], "positions run 1–3"),
    (["--sentence", "river bank flows", "--head", "3"], "2 head(s)"),
    (["--sentence", "a b", "--example", "examples/the-cat-sat.toml"], "not both"),
    (["--model", "minilm", "--sentence", long_sentence(63)], "at most 64"),
    (["--cross", "--compare", "minilm"], "drop --sentence, --example, --model and --compare"),
    (["--sentence", long_sentence(63), "--compare", "minilm"], "at most 64"),
])
def test_bad_input_is_one_error_line_and_no_file(tmp_path, capsys, arguments, message):
    assert main(["explore", *arguments, "--media-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and error.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_explorer_never_imports_manim():
    import subprocess
    import sys

    code = ("import sys; from explorer.cli import run_explore; from explorer import build_page; "
            "from attention_math import Example, trace_example; "
            "build_page(trace_example(Example('a b c', layout='explorer')).to_dict()); "
            "assert 'manim' not in sys.modules, 'manim was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_smollm2_page_has_every_layer_and_follows_a_word(tmp_path, capsys):
    from explorer.sources import model_source, query_index

    source = model_source("smollm2", "The animal didn't cross the street", None)
    assert len(source.trace["layers"]) == 30 and len(source.trace["layers"][0]["attention"]["heads"]) == 9
    assert source.trace["tokens"][query_index("street", source.trace["tokens"])].strip() == "street"
    assert main(["explore", "--model", "smollm2", "--sentence", "The animal didn't cross the street",
                 "--query", "street", "--media-dir", str(tmp_path)]) == 0
    page = next(tmp_path.glob("*-smollm2/explorer.html"))
    assert "SmolLM2-135M-Instruct" in page.read_text() and page.stat().st_size < 8_000_000


def test_cli_compare_writes_one_page_with_both_models(tmp_path, capsys):
    assert main(["explore", "--sentence", "The river bank flows", "--compare", "minilm", "--query", "bank",
                 "--media-dir", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("the-river-bank-flows*-toy-vs-minilm/explorer.html")
    assert capsys.readouterr().out.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert 'id="a-root"' in text and 'id="b-root"' in text and "all-MiniLM-L6-v2" in text
    assert '"startWord":2' in text  # --query bank: the third word, followed in both
