"""The figure's bottom band: the multi-head strip on the left, the key equations over the legend
on the right."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, VGroup

from attention_math import AttentionTrace

from ..theme import current_theme
from .blocks import heading_text, in_line, said, swatch, tex, text
from .multihead import BandPanel, MultiHeadStrip
from .subject import FigureSubject

BAND_GAP = 0.15  # between the strip and the side column
SIDE_GAP = 0.12  # between the equations and the legend


def equations_box() -> BandPanel:
    lines = VGroup(
        tex(r"Q = XW_Q,\quad K = XW_K,\quad V = XW_V"),
        tex(r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\!\left(\frac{QK^{\top}}{\sqrt{d_k}}\right)V"),
        tex(r"\mathrm{MultiHead} = \mathrm{Concat}(\mathrm{head}_1,\dots,\mathrm{head}_h)\,W_O"),
    ).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
    return BandPanel(lines, current_theme().panels.notes, heading_text(said("panels.equations")))


def legend_box(trace: AttentionTrace) -> BandPanel:
    theme = current_theme()
    ramp = VGroup(*(swatch(theme.weight_color(k / 4), 0.13) for k in range(5))).arrange(RIGHT, buff=0)
    signs = in_line(swatch(theme.value_color(1, 1)), swatch(theme.value_color(-1, 1)), buff=0.03)
    keys_and_notes = [
        (swatch(theme.query), "legend.query"),
        (swatch(theme.key), "legend.key"),
        (swatch(theme.value), "legend.value"),
        (ramp, "legend.weight"),
        (signs, "legend.signs"),
    ]
    if trace.causal:
        keys_and_notes.append((swatch(theme.masked_fill), "legend.hidden"))
    rows = VGroup(*(in_line(key, text(said(note), "note", theme.ink)) for key, note in keys_and_notes))
    rows.arrange(DOWN, buff=0.09, aligned_edge=LEFT)
    right = max(entry[0].get_right()[0] for entry in rows)
    for entry in rows:  # keys flush right in their column, the notes all start on one line
        entry[0].shift(RIGHT * (right - entry[0].get_right()[0]))
        entry[1].next_to(entry[0], RIGHT, buff=0.08)
    return BandPanel(rows, theme.panels.notes, heading_text(said("panels.legend")))


def bottom_band(subject: FigureSubject, width: float, height: float) -> VGroup:
    """Multi-head strip on the left, equations over the legend on the right, filling width × height
    (shrunk to fit when their content needs more)."""
    side = VGroup(equations_box(), legend_box(subject.trace)).arrange(DOWN, buff=SIDE_GAP, aligned_edge=LEFT)
    strip = MultiHeadStrip(subject, width - side.width - 0.4, height - 0.85)
    band = VGroup(strip, side).arrange(RIGHT, buff=BAND_GAP, aligned_edge=UP)
    scale = min(1.0, width / band.width, height / band.height)
    band.scale(scale)
    height = max(height * scale, strip.background.height, side.height)
    side_width = max(box.background.width for box in side)
    strip.fill(width * scale - side_width - BAND_GAP, height)
    spare = (height - side.height) / 2  # shared by the two boxes
    for box in side:
        box.fill(side_width, box.background.height + spare)
    side.arrange(DOWN, buff=SIDE_GAP, aligned_edge=LEFT)
    return band.arrange(RIGHT, buff=BAND_GAP, aligned_edge=UP)
