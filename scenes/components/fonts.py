"""Fonts that draw every script as outlines: the project's fontconfig file and RTL text.

Fontconfig reads FONTCONFIG_FILE once, when Pango first asks for a font, so this runs on
import, before any Text exists; render workers inherit the environment."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
SYSTEM_CONF = Path("/etc/fonts/fonts.conf")
LEFT_TO_RIGHT_MARK = "\u200e"


def use_outline_fonts() -> bool:
    """Point fontconfig at fonts.conf unless the user chose a file; True when it is ours."""
    if SYSTEM_CONF.exists():
        os.environ.setdefault("FONTCONFIG_FILE", str(FONTS_CONF))
    return os.environ.get("FONTCONFIG_FILE") == str(FONTS_CONF)


def is_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def for_pango(text: str) -> str:
    """The text as Manim's Text should get it. Manimpango lays text out in a box as wide as
    the frame and Pango right-aligns a right-to-left paragraph in it, past the SVG's edge,
    where the glyphs are clipped away. A leading LRM makes the paragraph left-to-right;
    the Arabic or Hebrew run inside it is still reordered and shaped as one word."""
    return LEFT_TO_RIGHT_MARK + text if is_right_to_left(text) else text


use_outline_fonts()
