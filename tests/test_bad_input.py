"""Whatever a user types: one `error:` line and exit 2, or a correct render; never a
traceback, never a half-written folder, and never user text inside TeX."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from manim.mobject.text.tex_mobject import SingleStringMathTex

from attention_math import Example
from scenes.cli import main as scenes_main
from scenes.segments import EmbeddingSegment, SoftmaxSegment
from tests.screen_checks import build_scene, outside_frame, overlapping_texts

ROOT = Path(__file__).resolve().parent.parent
TEX_SPECIALS = "zq $5 & 50% ~^"  # 8 tokens: $ % & # _ { } \ ^ ~ are TeX's specials
TEX_INJECTION = r"\input{/etc/passwd}"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconi"  # 41 letters


def trace_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "attention_math", "trace", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def assert_one_line_error(result, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0]


def example_file(tmp_path: Path, content: bytes | str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize("sentence, words", [
    ("   \t  ", ["empty"]),
    ("cat\x07sat", ["control character U+0007"]),
    ("cat\u202esat", ["bidirectional control U+202E"]),
    ("cat \ue000 sat", ["U+E000", "private-use"]),
    ("cat \u0301sat", ["U+0301 follows a space"]),
    ("word " * 2000, ["2000 tokens", "at most 512"]),  # 10,000 characters
])
def test_bad_sentences_are_one_line(sentence, words):
    assert_one_line_error(trace_cli(sentence), *words)


@pytest.mark.parametrize("content, words", [
    ('sentence = "a b"\nheads = [', ["not valid TOML"]),
    ('sentence = "a b"\nhaeds = 2\n', ["unknown setting", "'haeds'"]),
    ('sentence = "cat\\u0000sat"\n', ["control character U+0000"]),  # NUL, as TOML spells it
    (b'sentence = "cat\x00sat"\n', ["not valid TOML"]),  # a raw NUL byte
    (b'sentence = "caf\xe9"\n', ["not UTF-8"]),  # Latin-1, not UTF-8
])
def test_bad_example_files_are_one_line(tmp_path, content, words):
    assert_one_line_error(trace_cli("--example", str(example_file(tmp_path, content))), *words)


def test_an_example_that_is_a_folder_or_unreadable_is_one_line(tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert_one_line_error(trace_cli("--example", str(folder)), "is a folder")
    broken = tmp_path / "broken.toml"
    broken.symlink_to(tmp_path / "loop.toml")
    (tmp_path / "loop.toml").symlink_to(broken)  # a symlink loop: unreadable even as root
    assert_one_line_error(trace_cli("--example", str(broken)), "cannot read")
    if os.geteuid() != 0:  # root reads a 000 file anyway
        locked = example_file(tmp_path, 'sentence = "a b"\n', "locked.toml")
        locked.chmod(0)
        assert_one_line_error(trace_cli("--example", str(locked)), "cannot read")


@pytest.mark.parametrize("sentence", [TEX_SPECIALS, TEX_INJECTION])
def test_tex_specials_are_plain_tokens(sentence):
    result = trace_cli(sentence)
    assert result.returncode == 0, result.stderr
    tokens = json.loads(result.stdout)["tokens"]
    assert "".join(tokens) == sentence.replace(" ", "")


def test_the_renderer_rejects_bad_input_before_writing_anything(tmp_path, capsys):
    for args in (["--sentence", "  "], ["--sentence", "x" * 10_000], ["--example", str(tmp_path)],
                 ["--sentence", " ".join(["word"] * 65)]):  # the layout takes at most 64 tokens
        assert scenes_main(["stills", "--scenes", "embedding", "--media-dir", str(tmp_path / "media"), *args]) == 2
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and error[0].startswith("error: "), error
    assert not (tmp_path / "media").exists()


@pytest.fixture
def tex_strings(monkeypatch):
    seen: list[str] = []
    original = SingleStringMathTex.__init__

    def recording(self, tex_string, *args, **kwargs):
        seen.append(tex_string)
        original(self, tex_string, *args, **kwargs)

    monkeypatch.setattr(SingleStringMathTex, "__init__", recording)
    return seen


@pytest.mark.parametrize("sentence", [TEX_SPECIALS, TEX_INJECTION, f"the {LONG_WORD} sat"])
def test_user_text_never_reaches_tex_and_renders_in_place(sentence, tex_strings):
    for segment in (EmbeddingSegment, SoftmaxSegment):  # tokens beside formulas
        scene = build_scene(segment, Example(sentence))
        assert outside_frame(scene) == [] and overlapping_texts(scene) == []
    assert tex_strings, "the segments drew no formula: the check checked nothing"
    for token in Example(sentence).tokens:
        if len(token) > 1 and token.isalpha():
            assert not any(token in tex for tex in tex_strings), token
    assert not any("passwd" in tex or "input" in tex for tex in tex_strings)


def test_a_tex_injection_renders_its_stills(tmp_path):
    result = subprocess.run([sys.executable, "-m", "scenes", "stills", "--scenes", "embedding", "--quality", "low",
                             "--sentence", TEX_INJECTION, "--media-dir", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    out = tmp_path / Example(TEX_INJECTION).name
    assert out.name.startswith("input-etc-passwd-")  # a readable slug plus a hash: it lost characters
    assert len(list((out / "stills").glob("*.png"))) >= 3
    assert list(out.glob(".staging-*")) == [] and list(out.glob(".partial-*")) == []
