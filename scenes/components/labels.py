"""Shape labels, formulas, highlight boxes and the weight legend."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, MathTex, Rectangle, SurroundingRectangle, VGroup

from ..theme import current_theme
from ..words import common
from .text import fit_width, label

TITLE_WIDTH = 13.2  # the title bar's most: from its corner to the frame's safe margin (scenes/layout)
MARK = "\0"  # stands where a chip or a number goes in a text: no translation contains it


def shape_label(rows: int, cols: int) -> VGroup:
    """"[3 × 4]": rows × columns, in the muted colour."""
    return label(f"[{rows} × {cols}]", "small", current_theme().muted)


def formula(tex: str, size: str = "body", color=None) -> MathTex:
    """An equation in TeX: only our own fixed strings, never user text."""
    theme = current_theme()
    return MathTex(tex, font_size=theme.sizes[size] * theme.tex_scale, color=color or theme.ink)


def highlight_box(mobject, color=None, buff: float = 0.04) -> SurroundingRectangle:
    return SurroundingRectangle(mobject, color=color or current_theme().highlight, buff=buff, stroke_width=4)


def title_bar(text: str, subtitle: str | None = None) -> VGroup:
    """The segment title, top left, with an optional muted subtitle beside it."""
    theme = current_theme()
    parts = [label(text, "title", theme.ink, weight="BOLD")]
    if subtitle:
        parts.append(label(subtitle, "body", theme.muted))
    group = VGroup(*parts).arrange(RIGHT, buff=0.35, aligned_edge=DOWN)
    return fit_width(group, TITLE_WIDTH)  # a longer language's title and subtitle stay inside the safe area


def weight_legend(height: float = 2.4, steps: int = 10, top: str = "100%") -> VGroup:
    """A vertical colour bar for attention weights: 0 % at the bottom, `top` (100 %, or e.g. "10 % +"
    when the scale tops out lower) at the top."""
    theme = current_theme()
    swatches = VGroup(*(
        Rectangle(width=0.28, height=height / steps, fill_color=theme.weight_color((k + 0.5) / steps),
                  fill_opacity=1, stroke_width=0)
        for k in range(steps)
    )).arrange(UP, buff=0)
    frame = SurroundingRectangle(swatches, buff=0, color=theme.faint, stroke_width=1)
    top = label(top, "small", theme.muted).next_to(swatches, RIGHT, buff=0.1).align_to(swatches, UP)
    bottom = label("0%", "small", theme.muted).next_to(swatches, RIGHT, buff=0.1).align_to(swatches, DOWN)
    caption = label(common("heatmap.darker"), "small", theme.muted).next_to(swatches, DOWN, buff=0.15)
    return VGroup(swatches, frame, top, bottom, caption)


def pattern_name(kind: str) -> str:
    """A head's pattern class (attention_math.head_patterns: "previous token", …) in the lesson's language."""
    return common(f"pattern.{kind}")


def around(key: str, slot: str, **values) -> tuple[str, str]:
    """common(key)'s words before and after its {slot}, where a chip or a number is drawn: the word
    order is the language's ("output of “cat”", 「cat」の出力), never split out of a translation."""
    before, after = common(key, **{slot: MARK}, **values).split(MARK)
    return before.strip(), after.strip()


def inline(before: str, mobject, after: str, size: str, color, buff: float = 0.15) -> VGroup:
    """`before`, the mobject and `after` in a row, an empty side left out."""
    parts = [*([label(before, size, color)] if before else []), mobject, *([label(after, size, color)] if after else [])]
    return VGroup(*parts).arrange(RIGHT, buff=buff)


def plus_sign(size: str = "body") -> VGroup:
    return label("+", size, current_theme().muted)


def operator(symbol: str, size: str = "heading") -> VGroup:
    return label(symbol, size, current_theme().ink)
