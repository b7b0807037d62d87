"""Fonts that draw every script as outlines: the project's fontconfig file and RTL text.

Fontconfig reads FONTCONFIG_FILE once per process, when Pango first asks for a font. So
on import, before any Text exists, we point it at fonts.conf, make Pango load it, and put
the environment back: this process (and the render workers forked from it) keep the
project's font set-up, while programs it starts (a browser, LaTeX) get the system's."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
SYSTEM_CONF = Path("/etc/fonts/fonts.conf")
LEFT_TO_RIGHT_MARK = "\u200e"


_loaded = False


def use_outline_fonts() -> bool:
    """Load fonts.conf into this process's fontconfig unless the user chose a file of their
    own (FONTCONFIG_FILE set); True when the project's file is the one in use."""
    global _loaded
    if _loaded or "FONTCONFIG_FILE" in os.environ or not SYSTEM_CONF.exists():
        return _loaded
    import manimpango

    os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
    try:
        manimpango.list_fonts()  # fontconfig initialises here, reading our file
        _loaded = True
    finally:
        del os.environ["FONTCONFIG_FILE"]
    return _loaded


def is_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def for_pango(text: str) -> str:
    """The text as Manim's Text should get it. Manimpango lays text out in a box as wide as
    the frame and Pango right-aligns a right-to-left paragraph in it, past the SVG's edge,
    where the glyphs are clipped away. A leading LRM makes the paragraph left-to-right;
    the Arabic or Hebrew run inside it is still reordered and shaped as one word."""
    return LEFT_TO_RIGHT_MARK + text if is_right_to_left(text) else text


use_outline_fonts()
