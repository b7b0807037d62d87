"""The layout rules about sameness: chips of one column one size, small multiples on one grid,
one tick policy for heatmaps shown together (see rules.py for the list)."""
from __future__ import annotations

from collections import defaultdict

from manim import Mobject, VGroup

from ..components.heatmap import WeightHeatmap
from ..components.small_multiples import SmallMultiples
from ..components.text import FlatText
from ..components.tokens import TokenChip
from .naming import Screen, visible
from .rules import SAME, effective_points

FONT_TOLERANCE = 1.03  # chip texts of one column: the largest at most 3 % over the smallest


def _chip_points(chip: TokenChip) -> float:
    text = chip.text if isinstance(chip.text, FlatText) else next(
        m for m in chip.text.get_family() if isinstance(m, FlatText))
    return effective_points(text)[0]


def _columns(chips: list[TokenChip]) -> list[list[TokenChip]]:
    """Chips stacked one above another (x ranges overlapping by half the narrower), grouped."""
    columns: list[list[TokenChip]] = []
    for chip in sorted(chips, key=lambda c: c.get_x()):
        for column in columns:
            last = column[-1]
            shared = min(chip.get_right()[0], last.get_right()[0]) - max(chip.get_left()[0], last.get_left()[0])
            if shared > min(chip.width, last.width) / 2 and abs(chip.get_y() - last.get_y()) > SAME:
                column.append(chip)
                break
        else:
            columns.append([chip])
    return [c for c in columns if len(c) > 1]


def chip_sizes(screen: Screen) -> list[tuple[str, list[str]]]:
    groups: dict[int, list[TokenChip]] = defaultdict(list)
    for mob in screen.all:
        if isinstance(mob, TokenChip) and visible(mob.box):
            groups[id(screen.parents.get(id(mob)))].append(mob)
    findings = []
    for chips in groups.values():
        for column in _columns(chips):
            sizes = [_chip_points(c) for c in column]
            if max(sizes) > min(sizes) * FONT_TOLERANCE:
                small = [c for c, s in zip(column, sizes) if s < max(sizes) / FONT_TOLERANCE]
                findings.append(("chip-size", [f"{screen.name(c)} {c.token!r} at {s:.1f} pt" for c, s
                                               in zip(column, sizes) if c in small or s == max(sizes)][:4]))
    return findings


def grid_problems(frames: list[Mobject]) -> list[str]:
    """Why these frames are not one grid of equal panels (empty: they are)."""
    problems = []
    width, height = frames[0].width, frames[0].height
    if any(abs(f.width - width) > SAME or abs(f.height - height) > SAME for f in frames):
        problems.append("sizes " + ", ".join(f"{f.width:.2f}×{f.height:.2f}" for f in frames))
    rows: list[list[Mobject]] = []
    for frame in sorted(frames, key=lambda f: -f.get_top()[1]):
        row = next((r for r in rows if abs(r[0].get_top()[1] - frame.get_top()[1]) < height / 2), None)
        row.append(frame) if row is not None else rows.append([frame])
    for row in rows:
        row.sort(key=lambda f: f.get_left()[0])
        if any(abs(f.get_top()[1] - row[0].get_top()[1]) > SAME for f in row):
            problems.append("tops of a row differ: " + ", ".join(f"{f.get_top()[1]:.2f}" for f in row))
        steps = [b.get_left()[0] - a.get_left()[0] for a, b in zip(row, row[1:])]
        if steps and max(steps) - min(steps) > SAME:
            problems.append("uneven columns: lefts " + ", ".join(f"{f.get_left()[0]:.2f}" for f in row))
    for k in range(max(len(r) for r in rows)):
        lefts = [r[k].get_left()[0] for r in rows if len(r) > k]
        if max(lefts) - min(lefts) > SAME:
            problems.append(f"column {k + 1} starts at x " + ", ".join(f"{x:.2f}" for x in lefts))
    return problems


def small_multiples(screen: Screen) -> list[tuple[str, list[str]]]:
    """Declared SmallMultiples, and any group holding two or more heatmaps side by side."""
    figures = [(m, [f for f in m.frames if visible(f)]) for m in screen.all if isinstance(m, SmallMultiples)]
    for mob in screen.all:
        maps = [s for s in mob.submobjects if isinstance(s, WeightHeatmap)]
        if isinstance(mob, VGroup) and not isinstance(mob, SmallMultiples) and len(maps) > 1:
            figures.append((mob, [m.frame for m in maps if visible(m.frame)]))
    findings = []
    for figure, frames in figures:
        if len(frames) > 1:
            findings += [("small-multiples", [screen.name(figure), problem]) for problem in grid_problems(frames)]
    return findings


def tick_policy(screen: Screen) -> list[tuple[str, list[str]]]:
    """Heatmaps on screen together over the same number of tokens number the same positions."""
    by_length: dict[int, list[WeightHeatmap]] = defaultdict(list)
    for mob in screen.all:
        if isinstance(mob, WeightHeatmap) and mob.ticks is not None and visible(mob.frame):
            by_length[mob.n_tokens].append(mob)
    findings = []
    for maps in by_length.values():
        if len({tuple(m.ticks) for m in maps}) > 1:
            findings.append(("ticks", [f"{screen.name(m)} numbers {' '.join(str(t + 1) for t in m.ticks)}"
                                       for m in maps]))
    return findings
