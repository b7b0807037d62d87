"""In the classroom: presentation.html clicked through in a real Chromium, slides.pptx read
back and opened by LibreOffice, a lossless slides.pdf, stills at ≥ 1920×1080 whatever the
video quality. One segment rendered once at low quality for the whole module."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from scenes.theme import current_theme
from tests.browser import chromium
from tests.one_segment import SEGMENT, render_embedding

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return render_embedding(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="module")
def manifest(out) -> dict:
    return json.loads((out / "steps" / f"{SEGMENT}.json").read_text())


def _frame(video: Path, last: bool) -> Image.Image:
    with av.open(str(video)) as container:
        frame = None
        for frame in container.decode(video=0):
            if not last:
                break
        return frame.to_image()


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels (in %) that differ clearly: codec noise stays far below 1 %."""
    delta = np.abs(np.asarray(a.convert("RGB"), float) - np.asarray(b.convert("RGB").resize(a.size), float))
    return float((delta.max(axis=2) > 48).mean() * 100)


def _shown_difference(page, frame: Image.Image, path: Path, within: float = 3.0) -> float:
    """The difference between what the page's video shows and one frame, looked at again for a few
    seconds while it is above the limit: a seek that has landed may paint its frame a moment later."""
    for _ in range(int(within / 0.25)):
        page.locator("#video").screenshot(path=str(path))
        difference = _difference(Image.open(path), frame)
        if difference < 0.1:
            break
        page.wait_for_timeout(250)
    return difference


def test_every_step_has_a_video_a_still_and_its_caption(out, manifest):
    steps = manifest["steps"]
    assert [s["name"] for s in steps] == ["sentence", "tokens", "vectors", "stack"]
    assert manifest["title"] == "Embedding"
    assert all(s["caption"] for s in steps)
    durations = []
    for step in steps:
        with av.open(str(out / step["video"])) as container:
            assert (container.streams.video[0].width, container.streams.video[0].height) == (768, 432)
            durations.append(container.duration / av.time_base)
        assert Image.open(out / step["still"]).size == (1920, 1080)  # video at 480p, stills at 1080p
    with av.open(str(out / f"{SEGMENT}.mp4")) as container:
        assert abs(sum(durations) - container.duration / av.time_base) < 0.2
        assert not container.streams.audio  # not narrated: silent, one subtitle per step as before
    assert (out / f"{SEGMENT}.srt").read_text().count("-->") == len(steps)


def test_storyboard_stays_small_and_uses_the_theme(out):
    board = Image.open(out / "storyboard.png").convert("RGB")
    assert board.width < 2100 and (out / "storyboard.png").stat().st_size < 1_000_000
    background = tuple(int(current_theme().background[i:i + 2], 16) for i in (1, 3, 5))
    assert board.getpixel((2, 2)) == background
    for module in ("assemble.py", "slides.py", "presentation.py"):
        source = (ROOT / "scenes" / "pipeline" / module).read_text()
        assert not re.search(r"#[0-9A-Fa-f]{6}\b|/usr/share/fonts", source), module


def test_slides_pdf_is_lossless(out):
    data = (out / "slides.pdf").read_bytes()
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 4
    assert b"/DCTDecode" not in data and b"/FlateDecode" in data
    assert data.count(b"/Width 1920") == 4 and data.count(b"/Height 1080") == 4


def test_slides_pptx_has_one_slide_per_still_with_notes(out, manifest):
    from pptx import Presentation

    deck = Presentation(str(out / "slides.pptx"))
    assert len(deck.slides) == len(list((out / "stills").glob("*.png"))) == 4
    for slide, step in zip(deck.slides, manifest["steps"]):
        assert slide.notes_slide.notes_text_frame.text == step["caption"]
        assert slide.shapes.title.text == "Embedding" and slide.shapes.title.top < 0  # named, off-slide
        picture = [shape for shape in slide.shapes if shape.shape_type == 13][0]
        assert (picture.left, picture.top, picture.width, picture.height) == (0, 0, deck.slide_width, deck.slide_height)


def test_the_animated_pptx_embeds_each_step_video(out, manifest):
    from pptx import Presentation

    deck = Presentation(str(out / "slides-animated.pptx"))
    assert len(deck.slides) == len(manifest["steps"])
    for slide, step in zip(deck.slides, manifest["steps"]):
        media = [rel.target_part.blob for rel in slide.part.rels.values() if rel.reltype.endswith("/media")]
        assert media == [(out / step["video"]).read_bytes()]
        assert slide.notes_slide.notes_text_frame.text == step["caption"]


@pytest.mark.parametrize("deck", ["slides.pptx", "slides-animated.pptx"])
def test_libreoffice_opens_the_pptx(out, tmp_path, deck):
    soffice = shutil.which("soffice")
    assert soffice, "scripts/setup.sh installs libreoffice-impress for the tests"
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / deck)],
                            capture_output=True, text=True, timeout=120)
    pdf = tmp_path / deck.replace(".pptx", ".pdf")
    assert pdf.exists(), result.stderr
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 4


def _held(page, step: int) -> dict:
    page.wait_for_function(f"document.body.dataset.step === '{step}' && document.body.dataset.state === 'held'"
                           " && video.readyState >= 2 && Math.abs(video.currentTime - video.duration) < 0.01",
                           timeout=20_000)
    return page.evaluate("({src: decodeURI(video.currentSrc), t: video.currentTime, d: video.duration, paused: video.paused})")


def test_presentation_plays_each_step_and_holds_on_its_last_frame(out, manifest, tmp_path):
    steps, errors, requests = manifest["steps"], [], []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 768, "height": 432})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto((out / "presentation.html").as_uri())
        page.evaluate("video.defaultPlaybackRate = video.playbackRate = 8")  # no need to watch in real time
        assert page.evaluate("document.body.dataset.step") == "-1"
        for index, step in enumerate(steps[:2]):
            (page.keyboard.press("ArrowRight") if index == 0 else page.click("#stage"))
            state = _held(page, index)
            assert state["src"].endswith(step["video"]) and state["paused"]
            shot = tmp_path / f"step-{index}.png"
            page.locator("#video").screenshot(path=str(shot))
            last, first = _frame(out / step["video"], True), _frame(out / step["video"], False)
            to_last, to_first = _difference(Image.open(shot), last), _difference(Image.open(shot), first)
            assert to_last < 0.1 and to_first > 5 * to_last, (index, to_last, to_first)
        page.keyboard.press("ArrowLeft")  # back to the end of step 1, not its start
        state = _held(page, 0)
        assert state["src"].endswith(steps[0]["video"])
        assert _shown_difference(page, _frame(out / steps[0]["video"], True), tmp_path / "back.png") < 0.1
        assert not page.is_visible("#caption")
        page.keyboard.press("c")
        assert page.inner_text("#caption") == steps[0]["caption"]
        with page.expect_popup() as popup:
            page.keyboard.press("s")
        notes = popup.value
        assert steps[0]["caption"] in notes.inner_text("body") and steps[1]["caption"] in notes.inner_text("body")
        notes.keyboard.press("ArrowRight")  # the teacher may drive from the notes window
        _held(page, 1)
        assert steps[1]["caption"] in notes.inner_text("#now")
    assert not errors
    assert all(url.startswith("file://") for url in requests), "works offline, from disk"


def test_presentation_opens_at_a_step_and_falls_back_to_stills(out, manifest):
    """presentation.html#2 resumes at the end of step 2; a browser without H.264 (Firefox on
    Linux without libavcodec) gets each step's still instead of a blank video."""
    steps = manifest["steps"]
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 768, "height": 432})
        page.goto((out / "presentation.html").as_uri() + "#2")
        page.evaluate("video.defaultPlaybackRate = 8")
        state = _held(page, 1)
        assert state["src"].endswith(steps[1]["video"])
        page.keyboard.press("ArrowRight")
        _held(page, 2)
        assert page.evaluate("location.hash") == "#3"
        silent = browser.new_page(viewport={"width": 768, "height": 432})
        silent.add_init_script("HTMLMediaElement.prototype.canPlayType = () => ''")
        silent.goto((out / "presentation.html").as_uri())
        silent.keyboard.press("ArrowRight")
        silent.wait_for_function("document.body.dataset.step === '0' && document.body.dataset.state === 'held'")
        assert silent.is_hidden("#video") and silent.is_visible("#still")
        assert silent.evaluate("decodeURI(still.src)").endswith(steps[0]["still"])
