"""How long a caption takes to read: words at a comfortable pace, or, for a script written without
spaces between words (Japanese), its characters."""
from __future__ import annotations

import re

CHARACTERS_PER_SECOND = 7.0  # Japanese subtitles: about 4 characters a second is slow, 8 brisk
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")  # kana and kanji


def reading_time(caption: str, words_per_second: float) -> float:
    """Seconds to read `caption`: the larger of its words' and its unspaced characters' time."""
    unspaced = len(_UNSPACED.findall(caption))
    return max(len(caption.split()) / words_per_second, unspaced / CHARACTERS_PER_SECOND)
