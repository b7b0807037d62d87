"""The layout rules, read from the mobjects at the end of a step (not from pixels).

- text-overlap: a text's box crosses another text, a number cell, a colour grid or a token chip
  (by more than OVERLAP units both ways). What counts as text: Pango text (FlatText, Text) and
  TeX. A text may lie on the cell or chip it belongs to (a cell's number, a chip's word);
  highlight boxes, lines and arrows are not text and are meant to lie over things.
- frame: every drawn mobject inside the frame less a SAFE_MARGIN on each side.
- text-size: a text's capital letters at least MIN_TEXT_PX tall at 1080p.
- chip-size: the chips of one column (stacked chips of one group) one font size.
- small-multiples: panels of one figure the same size, on one grid (rows level, columns lined up).
- ticks: heatmaps shown together over one axis length number the same positions.
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from manim import Mobject, Text, config

from ..components.color_grid import ColorGrid
from ..components.matrix import NumberMatrix
from ..components.text import OUTLINES, FlatText
from ..components.tokens import TokenChip
from .naming import TEXT_TYPES as TEXT_OWNER, Screen, box, visible

OVERLAP = 0.02  # scene units (~3 px at 1080p): glyph boxes may touch, not cross
SAFE_MARGIN = 0.03  # of the frame's width (left, right) and height (top, bottom)
MIN_TEXT_PX = 18.0  # capital-letter height at 1080p
PX_PER_UNIT = 1080 / 8.0
CAP_UNITS_PER_POINT = {"pango": 0.01016, "tex": 0.0047}  # measured: "H" height per font-size point
SAME = 0.02  # sizes and positions equal within this (units), font sizes within 3 %


def effective_points(text: Mobject) -> tuple[float, str]:
    """The font size a text is drawn at now (after any scaling), and its kind (pango / tex)."""
    if isinstance(text, FlatText):
        natural = OUTLINES[text.outline_key]
        points = text.points
        if len(natural) < 2 or len(points) != len(natural):
            return text.outline_key[2], "pango"
        spread = np.var(points, axis=0)
        original = np.var(natural, axis=0)
        return text.outline_key[2] * math.sqrt(float(spread[0] + spread[1]) / float(original[0] + original[1])), "pango"
    return float(text.font_size), "pango" if isinstance(text, Text) else "tex"


def text_px(text: Mobject) -> float:
    points, kind = effective_points(text)
    return points * CAP_UNITS_PER_POINT[kind] * PX_PER_UNIT


def _crossing(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > OVERLAP and min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP


def _obstacles(screen: Screen) -> list[tuple[Mobject, Mobject, str]]:
    """(shape, owner, kind): number cells (owner: the cell with its text), colour grids, chips."""
    found = []
    for mob in screen.all:
        if isinstance(mob, NumberMatrix):
            for row in mob.rects:
                found += [(rect, screen.parents.get(id(rect), rect), "cell") for rect in row if visible(rect)]
        elif isinstance(mob, ColorGrid) and visible(mob.frame):
            found.append((mob.frame, mob, "grid"))
        elif isinstance(mob, TokenChip) and visible(mob.box):
            found.append((mob.box, mob, "chip"))
    return found


def text_overlaps(screen: Screen) -> list[tuple[str, list[str]]]:
    texts = screen.texts
    boxes = [box(t) for t in texts]
    findings = []
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            if _crossing(boxes[a], boxes[b]):
                findings.append(("text-overlap", [screen.name(texts[a]), screen.name(texts[b])]))
    for shape, owner, kind in _obstacles(screen):
        shape_box = box(shape)
        for text, text_box in zip(texts, boxes):
            if _crossing(text_box, shape_box) and id(owner) not in screen.ancestors(text):
                findings.append(("text-overlap", [screen.name(text), f"{kind} {screen.name(shape)}"]))
    return findings


def _part_of(screen: Screen, mob: Mobject) -> str:
    """A piece's name at the level of a component's part ("NumberMatrix.cells", not each cell)."""
    text = screen.owner(mob, TEXT_OWNER)
    if text is not None and screen.names.get(id(text), "").count("/") == 0:
        return screen.name(text)  # a loose text: its words name it
    path = screen.names.get(id(mob), type(mob).__name__).split("/")
    return "/".join(part.split("[")[0] for part in path[:2])


def outside_safe_area(screen: Screen) -> list[tuple[str, list[str]]]:
    """Drawn pieces past the safe area, one finding per named part (its pieces' joint box)."""
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    x_limit, y_limit = half_w - SAFE_MARGIN * config.frame_width, half_h - SAFE_MARGIN * config.frame_height
    outside: dict[str, list] = defaultdict(list)
    for mob in screen.all:
        if not mob.points.size or not visible(mob):
            continue
        left, bottom, right, top = box(mob)
        if left < -x_limit - 1e-3 or right > x_limit + 1e-3 or bottom < -y_limit - 1e-3 or top > y_limit + 1e-3:
            outside[_part_of(screen, mob)].append((left, bottom, right, top))
    return [("frame", [f"{name} ({len(boxes)} pieces) at x {min(b[0] for b in boxes):.2f}…{max(b[2] for b in boxes):.2f}, "
                       f"y {min(b[1] for b in boxes):.2f}…{max(b[3] for b in boxes):.2f} (safe area ±{x_limit:.2f}, "
                       f"±{y_limit:.2f})"]) for name, boxes in outside.items()]


def small_texts(screen: Screen) -> list[tuple[str, list[str]]]:
    """One finding per part (a matrix's numbers together), with the smallest size among them."""
    small: dict[str, list[tuple[float, Mobject]]] = defaultdict(list)
    for text in screen.texts:
        if text_px(text) < MIN_TEXT_PX:
            small[_indexless(screen.names.get(id(text), type(text).__name__))].append((text_px(text), text))
    findings = []
    for name, found in small.items():
        size, text = min(found, key=lambda pair: pair[0])
        shown = screen.name(text) if len(found) == 1 else f"{name} ({len(found)} texts, e.g. {screen.name(text)})"
        findings.append(("text-size", [f"{shown} {size:.1f} px"]))
    return findings


def _indexless(name: str) -> str:
    return "/".join(part.split("[")[0] for part in name.split("/"))
