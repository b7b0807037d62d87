"""Narration (--narrate): each step spoken by the offline voice, the step at least as long as
its speech, subtitles per spoken sentence, audio kept through the concat, the same bytes for
the same caption, jargon pronounced right, and no TTS loaded without it."""
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from scenes.pipeline import narration
from scenes.pipeline.assemble import concat_videos
from tests.browser import chromium
from tests.one_segment import SEGMENT, render_embedding

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return render_embedding(tmp_path_factory.mktemp("media"), "--narrate")


@pytest.fixture(scope="module")
def steps(out) -> list[tuple[dict, float, narration.Speech]]:
    """(step, its video's seconds, its speech) in playing order."""
    found = []
    for step in json.loads((out / "steps" / f"{SEGMENT}.json").read_text())["steps"]:
        with av.open(str(out / step["video"])) as container:
            seconds = container.duration / av.time_base
        found.append((step, seconds, narration.speak(step["caption"], out / ".narration")))  # a cache hit
    return found


def _audio(path: Path) -> tuple[np.ndarray, int]:
    """Mono samples, each frame placed at its timestamp (so a gap in the stream stays a gap)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        placed = [(max(0, round(frame.time * stream.rate)), frame.to_ndarray().mean(axis=0))
                  for frame in container.decode(stream)]
        samples = np.zeros(max(at + len(chunk) for at, chunk in placed), np.float32)
        for at, chunk in placed:
            samples[at:at + len(chunk)] = chunk
        return samples, stream.rate


def _loudness(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    window = samples[int(start * rate):int(end * rate)]
    return float(np.sqrt(np.mean(window ** 2))) if window.size else 0.0


def test_each_step_lasts_as_long_as_its_speech_and_the_speech_plays_in_it(out, steps):
    samples, rate = _audio(out / f"{SEGMENT}.mp4")
    start = 0.0
    for step, seconds, speech in steps:
        assert speech.seconds > 1.0
        assert seconds >= speech.seconds + narration.TAIL_SECONDS - 0.05, step["name"]
        assert _loudness(samples, rate, start + 0.1, start + speech.seconds - 0.1) > 0.01, step["name"]
        assert _loudness(samples, rate, start + speech.seconds + 0.1, start + seconds - 0.1) < 0.002, step["name"]
        start += seconds


def test_step_videos_carry_their_speech_for_the_presentation(steps, out):
    for step, seconds, speech in steps:
        samples, rate = _audio(out / step["video"])
        assert abs(len(samples) / rate - speech.seconds) < 0.1, step["name"]
        assert _loudness(samples, rate, 0.1, speech.seconds - 0.1) > 0.01


def test_subtitles_follow_the_speech_sentence_by_sentence(out, steps):
    cues = list(srt.parse((out / f"{SEGMENT}.srt").read_text()))
    expected, start = [], 0.0
    for _, seconds, speech in steps:
        expected += [(text, start + begin) for text, begin, _ in speech.cues]
        start += seconds
    assert len(cues) == len(expected) > len(steps)  # captions of two sentences get two cues
    for cue, (text, begin) in zip(cues, expected):
        assert cue.content == text and abs(cue.start.total_seconds() - begin) < 0.05


def test_audio_survives_the_concat(out, tmp_path):
    with av.open(str(out / "explainer.mp4")) as container:
        assert container.streams.audio
    twice = tmp_path / "twice.mp4"
    concat_videos([out / f"{SEGMENT}.mp4", out / f"{SEGMENT}.mp4"], twice)
    one, rate = _audio(out / f"{SEGMENT}.mp4")
    both, _ = _audio(twice)
    with av.open(str(out / f"{SEGMENT}.mp4")) as container:
        video_seconds = container.streams.video[0].duration * container.streams.video[0].time_base
    assert abs(len(both) / rate - (video_seconds + len(one) / rate)) < 0.1  # the second part starts on time
    offset = int(float(video_seconds) * rate)
    assert _loudness(both, rate, float(video_seconds) + 0.2, float(video_seconds) + 1.0) > 0.01
    assert np.abs(both[offset + rate:offset + 2 * rate] - one[rate:2 * rate]).mean() < 0.01


def test_the_same_caption_gives_the_same_bytes(tmp_path, steps):
    caption = "Softmax turns each row of Q Kᵀ into weights. They add up to 100 %."
    first = narration.speak(caption, tmp_path / "a")
    second = narration.speak(caption, tmp_path / "b")
    assert Path(first.wav).read_bytes() == Path(second.wav).read_bytes()
    assert first.cues == second.cues and len(first.cues) == 2
    step, _, made_by_the_render = steps[0]  # in a render worker, another process
    again = narration.speak(step["caption"], tmp_path / "c")
    assert Path(again.wav).read_bytes() == Path(made_by_the_render.wav).read_bytes()


def test_the_presentation_of_a_narrated_render_speaks(out):
    with chromium() as browser:
        page = browser.new_page()
        page.goto((out / "presentation.html").as_uri())
        page.evaluate("video.defaultPlaybackRate = video.playbackRate = 4")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.body.dataset.state === 'held' && document.body.dataset.step === '0'",
                               timeout=20_000)
        assert page.evaluate("video.webkitAudioDecodedByteCount") > 10_000 and not page.evaluate("video.muted")
        page.keyboard.press("m")
        assert page.evaluate("video.muted")


@pytest.mark.parametrize("written,heard,not_heard", [
    ("softmax of Q Kᵀ over √d_k", ["sˈɔftmæks", "kjˈu kˈA tɹænspˈOzd", "skwˈɛɹ ɹˈut ʌv dˈi kˈA"], ["kˌAtˈi"]),
    ("Softmax, then W_Q and W_O", ["sˈɔftmæks", "dˈʌbᵊlju kjˈu", "dˈʌbᵊlju ˈO"], []),
    ("[CLS] gets −∞", ["sˈi ˈɛl ˈɛs", "mˈInəs ɪnfˈɪnəTi"], []),
    ("d_model × d_k", ["dˈi mˈɑdᵊl bI dˈi kˈA"], []),
    ("The score is −0.87 here", ["mˈInəs zˈɪɹO pYnt ˈAt sˈɛvən hˈɪɹ"], []),  # raw, the engine drops it
    ("1/√2 = 0.71", ["wˈʌn ˈOvəɹ ðə skwˈɛɹ ɹˈut ʌv tˈu"], []),
    ("The size of ∂h/∂x_The", ["dˈi ˈAʧ bI dˈi ˈɛks ðə"], []),
])
def test_jargon_is_pronounced_right(written, heard, not_heard):
    phonemes = " ".join(narration._engine().phonemize(narration.spoken(written)))
    assert all(sound in phonemes for sound in heard), phonemes
    assert not any(sound in phonemes for sound in not_heard), phonemes


def test_without_narrate_no_tts_is_loaded(tmp_path):
    """A stills render of a segment, in a fresh interpreter: neither the engine nor its runtime
    nor the narration module gets imported."""
    code = f"""
import sys
from attention_math import Example
from scenes.context import RenderContext
from scenes.pipeline.worker import SegmentJob, render_segment
job = SegmentJob("scenes.segments", "EmbeddingSegment", RenderContext(Example("money bank grows"),
                 stills_dir={str(tmp_path / 'stills')!r}), "low", {str(tmp_path / 'manim')!r}, False)
result = render_segment(job)
assert result.error is None and len(result.stills) == 4, result
print(sorted(m for m in sys.modules if m.split(".")[0] in ("hibari", "onnxruntime") or m.endswith("narration")))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
