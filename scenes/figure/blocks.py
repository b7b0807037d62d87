"""The figure's building blocks at figure sizes: text, formulas, numbers and grids in pixels
of the 800 × 500 picture (sizes from the theme's figure table, looked up at call time),
swatches, a shared baseline for words and numbers, and right-angled connectors."""
from __future__ import annotations

import re

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, Mobject, RoundedRectangle, Text, VGroup, VMobject

from ..components import NumberMatrix, NumberText, formula, label
from ..theme import current_theme
from ..words import words

FIGURE = "figure"  # its words file (scenes/words/<lang>/figure.toml)

MAX_COLS = 4  # wider vectors keep their first and last entries around an ellipsis
CELL_HEIGHT = 0.7  # before scaling to the "number" size: ~20 px rows
FLAT_BOTTOMED = set("ABDEFHIKLMNPRTUVWXYZbdfhiklmnrtuvwxz12457%")


def text_scale(role: str) -> float:
    """The factor that brings the theme's "small" text to the figure's `role` size."""
    theme = current_theme()
    return theme.figure.px(role) / theme.figure.px_of(theme.sizes["small"])


def text(content: str, role: str, color=None, bold: bool = False) -> Mobject:
    return label(content, "small", color, weight="BOLD" if bold else "NORMAL").scale(text_scale(role))


def tex(content: str, role: str = "formula", color=None) -> Mobject:
    """Our own fixed formulas only (never user text)."""
    theme = current_theme()
    shrink = theme.figure.px(role) / theme.figure.px_of(theme.sizes["small"], tex=True)
    return formula(content, "small", color).scale(shrink)


def tex_lines(lines: list, role: str = "formula") -> VGroup:
    """A formula broken by hand over lines (TeX, or a ready mobject), left-aligned, so a narrow panel can hold it."""
    return VGroup(*(tex(line, role) if isinstance(line, str) else line for line in lines)).arrange(
        DOWN, buff=0.07, aligned_edge=LEFT)


def said(key: str, **values) -> str:
    """The figure's words `key` in the lesson's language."""
    return words(FIGURE)(key, **values)


def named_formula(name_key: str, rest: str, role: str = "formula", color=None) -> VGroup:
    """"Scores = QKᵀ/√d_k": the matrix's name in the lesson's font (TeX sets no Hindi or Japanese), the rest TeX."""
    return in_line(text(said(name_key), role, color), tex(rest, role, color), buff=0.08)


def said_line(key: str, role: str, color, numbers: dict, **values) -> VGroup:
    """The words `key` on one line, each {slot} named in `numbers` drawn as that mobject (a checked
    number) where the language puts it: the text is never split out of a translation by its words."""
    slots = list(numbers)
    marked = said(key, **{slot: f"\0{k}\0" for k, slot in enumerate(slots)}, **values)
    pieces = re.split("\0(\\d+)\0", marked)
    parts = [numbers[slots[int(piece)]] if k % 2 else text(piece.strip(), role, color)
             for k, piece in enumerate(pieces) if k % 2 or piece.strip()]
    return in_line(*parts)


def number(value: float, precision: int, source: str, role: str = "number", color=None,
           suffix: str = "") -> NumberText:
    return NumberText(value, precision, source, "small", color, suffix=suffix).scale(text_scale(role))


def matrix(values, precision: int, source: str, **kwargs) -> NumberMatrix:
    """A grid with figure-sized numbers and rows a little taller than the segments' (more air)."""
    kwargs.setdefault("max_cols", MAX_COLS)
    kwargs.setdefault("cell_height", CELL_HEIGHT)
    return NumberMatrix(values, precision, source, **kwargs).scale(cell_scale())


def cell_scale() -> float:
    """The factor that brings the theme's "cell" numbers to the figure's "number" size."""
    theme = current_theme()
    return theme.figure.px("number") / theme.figure.px_of(theme.sizes["cell"])


def swatch(color, side: float = 0.17, fill_opacity: float = 1.0) -> RoundedRectangle:
    return RoundedRectangle(corner_radius=side * 0.2, width=side, height=side, stroke_width=0,
                            fill_color=color, fill_opacity=fill_opacity)


def heading_text(heading: str) -> Mobject:
    """A panel heading: bold, ink, at the figure's heading size."""
    return text(heading, "heading", current_theme().ink, bold=True)



def baseline(mobject: Mobject) -> float | None:
    """Where a line of text sits: the bottom of its flat-bottomed glyphs (not of g, p, y or a round o).
    Measured on a glyph-by-glyph Text of the same string, so it works for any text mobject; None
    for shapes and for text without such glyphs."""
    content = getattr(mobject, "text", None)
    if not content:
        return None
    if isinstance(mobject, NumberText):  # digits sit on the baseline
        return mobject.get_bottom()[1]
    glyphs = Text(content, font=current_theme().font, font_size=20)
    flat = [g.get_bottom()[1] for c, g in zip("".join(content.split()), glyphs.submobjects) if c in FLAT_BOTTOMED]
    if not flat:
        return None
    return mobject.get_bottom()[1] + (max(flat) - glyphs.get_bottom()[1]) / glyphs.height * mobject.height


def in_line(*parts, buff: float = 0.07) -> VGroup:
    """Words and numbers on one line, sharing a baseline (a number beside text must not float)."""
    line = VGroup(*parts).arrange(RIGHT, buff=buff)
    lines = [(part, baseline(part)) for part in parts]
    known = [(part, y) for part, y in lines if y is not None]
    for part, y in known[1:]:
        part.shift(UP * (known[0][1] - y))
    return line


def elbow(points, color, stroke_width: float = 2.0) -> VGroup:
    """A connector along `points` (right angles), the last leg an arrow."""
    points = [np.array([*p[:2], 0.0]) for p in points]
    path = VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points[:-1])
    tip = Arrow(points[-2], points[-1], buff=0, color=color, stroke_width=stroke_width, tip_length=0.11,
                max_tip_length_to_length_ratio=0.6)
    return VGroup(path, tip) if len(points) > 2 else VGroup(tip)
