"""End to end: one segment rendered to MP4 at low quality, with subtitles and stills;
a failed render keeps the last good outputs; bad input is one line."""
import subprocess
import sys
from pathlib import Path

import pytest
from manim import get_video_metadata

from attention_math import Example
from scenes import playlist
from scenes.base import ExplainerScene
from scenes.context import RenderContext
from scenes.pipeline.run import RenderRequest, render
from scenes.segments import EmbeddingSegment
from scenes.story import WhereItSits

ROOT = Path(__file__).resolve().parent.parent
NAME = playlist.numbered_name(EmbeddingSegment)  # "03-embedding": its place in the playlist


class BrokenSegment(ExplainerScene):
    segment = "broken"

    def construct(self) -> None:
        self.step("start", "This step fails.")
        raise RuntimeError("drawing failed\nsecond line of detail")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    result = subprocess.run(
        [sys.executable, "-m", "scenes", "render", "--scenes", "embedding", "--quality", "low",
         "--sentence", "money bank grows", "--media-dir", str(media)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return media / "money-bank-grows", result


def test_segment_video_has_the_asked_quality(rendered):
    out, _ = rendered
    meta = get_video_metadata(str(out / f"{NAME}.mp4"))
    assert (meta["width"], meta["height"]) == (768, 432)
    assert float(meta["duration"]) > 3
    full = get_video_metadata(str(out / "explainer.mp4"))
    assert abs(float(full["duration"]) - float(meta["duration"])) < 0.2


def test_subtitles_and_stills_follow_the_sections(rendered):
    out, _ = rendered
    srt = (out / f"{NAME}.srt").read_text()
    assert "split into tokens" in srt and "-->" in srt
    assert (out / "explainer.srt").read_text().count("-->") == srt.count("-->")
    stills = sorted(p.name for p in (out / "stills").glob("*.png"))
    assert stills == [f"{NAME}-01-sentence.png", f"{NAME}-02-tokens.png", f"{NAME}-03-vectors.png",
                      f"{NAME}-04-stack.png"]
    assert (out / "storyboard.png").stat().st_size > 10_000
    assert (out / "slides.pdf").read_bytes().startswith(b"%PDF")


def test_an_unchanged_rerender_reuses_everything(rendered):
    out, _ = rendered
    before = (out / f"{NAME}.mp4").stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "scenes", "render", "--scenes", "embedding", "--quality", "low",
         "--sentence", "money bank grows", "--media-dir", str(out.parent)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0 and f"up to date: {NAME}" in result.stdout
    assert (out / f"{NAME}.mp4").stat().st_mtime_ns == before


def test_a_failed_render_keeps_the_last_good_outputs(rendered, monkeypatch):
    out, _ = rendered
    good = (out / f"{NAME}.mp4").read_bytes()
    # Keep the embedding segment at its real place (02) so the same final file is at stake.
    monkeypatch.setattr(playlist, "playlist", lambda model="toy": [WhereItSits, EmbeddingSegment, BrokenSegment])
    messages = []
    request = RenderRequest(RenderContext(Example("money bank grows", seed=7)), (EmbeddingSegment, BrokenSegment),
                            quality="low", media_root=out.parent)
    code = render(request, log=lambda *args, **kwargs: messages.append(" ".join(map(str, args))))
    assert code == 1
    assert any("03-broken failed: RuntimeError: drawing failed" in m for m in messages)
    assert (out / f"{NAME}.mp4").read_bytes() == good
    assert not list(out.glob(".staging-*")) and not list(out.glob(".*.mp4"))


@pytest.mark.parametrize("args,message", [
    (["--sentence", ""], "error: sentence: must not be empty"),
    (["--sentence", " ".join(["word"] * 65)], "at most 64"),
    (["--scenes", "42"], "error: no segment '42'"),
    (["--example", "missing.toml"], "error: example file not found"),
])
def test_bad_input_is_one_clear_line(args, message, tmp_path):
    result = subprocess.run([sys.executable, "-m", "scenes", "render", "--media-dir", str(tmp_path), *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.strip().count("\n") == 0
    assert not any(tmp_path.iterdir()), "nothing written"
