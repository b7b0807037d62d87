"""Text pieces. User tokens and numbers are Pango Text, never TeX: nothing a user types reaches LaTeX."""
from __future__ import annotations

import numpy as np
from manim import Mobject, Text, VMobject

from attention_math import format_number
from attention_math.tokenizer import graphemes

from ..theme import current_theme
from .fonts import for_pango, is_right_to_left
from .parts import Parts



class _Outlines(dict):
    """(text, font, size, weight) → glyph outlines at the origin. In a render process they are
    also kept on disk between renders (scenes/pipeline/glyph_store.py)."""
    disk = False


OUTLINES = _Outlines()


def _outline(key: tuple) -> np.ndarray:
    from ..pipeline import glyph_store

    kept = glyph_store.load_outline(key) if OUTLINES.disk else None
    if kept is not None:
        return kept
    text, font, font_size, weight = key
    glyphs = Text(for_pango(text), font=font, font_size=font_size, weight=weight)
    parts = [g.points for g in glyphs.family_members_with_points()]
    outline = np.concatenate(parts) - glyphs.get_center() if parts else np.zeros((0, 3))
    if OUTLINES.disk:
        glyph_store.save_outline(key, outline)
    return outline


class FlatText(VMobject):
    """Text drawn as one path instead of Manim's one submobject per glyph.

    Copying a Text deep-copies every glyph (~7 ms for "0.25"); every Transform copies its
    mobjects, so an 8×8 grid of numbers cost ~0.5 s per animation. One path copies ~50×
    faster and renders the same (glyph outlines keep their own sub-paths and holes).
    Outlines are parsed once per (text, font, size, weight) and reused.
    """
    text: str
    outline_key: tuple

    def __init__(self, text: str, font: str, font_size: float, color, weight: str = "NORMAL") -> None:
        super().__init__(fill_color=color, fill_opacity=1.0, stroke_width=0)
        key = (text, font, font_size, weight)
        if key not in OUTLINES:
            OUTLINES[key] = _outline(key)
        self.set_points(OUTLINES[key].copy())
        self.text = text
        self.outline_key = key  # the layout checker measures the size it is drawn at against it


def label(text: str, size: str = "label", color=None, weight: str = "NORMAL", mono: bool = False) -> FlatText:
    theme = current_theme()
    return FlatText(text, theme.mono_font if mono else theme.font, theme.sizes[size], color or theme.ink, weight)


class NumberText(FlatText):
    """A number drawn on screen that remembers where in the trace it comes from.

    `source` is an expression over the trace (e.g. "heads[0].weights[1, 2]"); tests
    evaluate it on the trace and check the drawn text equals its formatted value.
    """
    value: float
    precision: int
    source: str
    suffix: str
    shown_text: str

    def __init__(self, value: float, precision: int, source: str, size: str = "cell", color=None,
                 suffix: str = "", weight: str = "NORMAL") -> None:
        theme = current_theme()
        self.value = float(value)
        self.precision = precision
        self.source = source
        self.suffix = suffix
        self.shown_text = format_number(value, precision) + suffix
        super().__init__(self.shown_text, theme.mono_font, theme.sizes[size], color or theme.ink, weight)


def fit_width(mobject: Mobject, max_width: float) -> Mobject:
    """Shrink (never grow) to fit a width."""
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


class TwoLineToken(Parts):
    """A long token split over two lines, "first half-" above the rest. Parts: `token` (the whole token)."""
    token: str


def token_text(token: str, max_width: float, size: str = "label", color=None, scale: float | None = None) -> Mobject:
    """A token's text fitted to a width: shrink, and split a long word over two lines
    (with a hyphen) when that keeps it larger. With `scale` (a column's one size, see
    column_scale) it is drawn at that scale: on one line if it fits, else on two."""
    one_line = label(token, size, color)
    if scale is not None:
        if one_line.width * scale <= max_width + 1e-6:
            return one_line.scale(scale) if scale < 1 else one_line
        two_lines = _two_lines(token, size, color)
        if two_lines is not None and two_lines.width * scale <= max_width + 1e-6:
            return two_lines.scale(scale)
    if one_line.width <= max_width:
        return one_line
    shrink_one = max_width / one_line.width
    two_lines = _two_lines(token, size, color)
    if two_lines is not None:
        shrink_two = min(max_width / two_lines.width, 1.0)
        if shrink_two > shrink_one * 1.25:
            return two_lines.scale(shrink_two)
    one_line.scale(shrink_one)
    return one_line


def _two_lines(token: str, size: str, color) -> TwoLineToken | None:
    """"first half-" above the rest, for a word of 8 letters or more (not a right-to-left one)."""
    from manim import DOWN

    letters = graphemes(token)  # never cut inside a grapheme: a vowel sign stays on its letter
    # Arabic letters join: a cut word would show the wrong letter forms, so it only shrinks.
    if len(letters) < 8 or is_right_to_left(token):
        return None
    cut = (len(letters) + 1) // 2
    first, second = "".join(letters[:cut]), "".join(letters[cut:])
    return TwoLineToken(label(first + "-", size, color), label(second, size, color), token=token).arrange(DOWN, buff=0.04)


def column_scale(tokens, max_width: float, size: str = "label") -> float:
    """One text scale for chips of one column: the scale token_text fits the hardest of them at
    (1 when all fit), so no chip's word is smaller than its neighbours' (issue 26)."""
    scales = []
    for token in tokens:
        one_line = label(token, size)
        if one_line.width <= max_width:
            continue
        two_lines = _two_lines(token, size, None)
        best = max_width / one_line.width
        if two_lines is not None and min(max_width / two_lines.width, 1.0) > best * 1.25:
            best = min(max_width / two_lines.width, 1.0)
        scales.append(best)
    return min(scales, default=1.0)
