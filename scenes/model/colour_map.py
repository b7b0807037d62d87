"""A whole head's (or layer's) weights for a long sentence: colour only, no n² numbers.

Beyond the layout policy's "all numbers" size a heatmap of 20–64 tokens would print up to
4,096 percentages too small to read. Here the grid is a ColorGrid (a few paths), its axes carry
position numbers, the focus query's row is framed and named with its token, and that row's
strongest keys are magnified in a callout with their true percentages (field paths).

    view = colour_map(presentation, head.weights, (head.percentages, f"{source}.percentages"),
                      tokens, mask=mask, side=3.8, title="layer 2 · head 5")
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, Mobject, Rectangle, SurroundingRectangle, VGroup

from ..components import NumberText, TokenChip, label
from ..components.heatmap import ColorGrid
from ..components.labels import weight_legend
from ..components.parts import Parts
from ..presentation import Presentation
from ..theme import current_theme
from ..words import words

CALLOUT_CELL = (0.9, 0.42)  # a magnified cell: width, height
WIDE_GRID = 4.0  # narrower grids number every 16th position, not every 8th (room for "64")


class ColourMap(Parts):
    """Parts: `grid` (ColorGrid, queries down, keys across), `axis_labels` (position numbers,
    "keys →", "queries ↓"), `focus` (the frame on the focus row and its token chip), `callout`
    (the row's strongest keys magnified, with the lines joining it to the row), `title`,
    `legend` and `note` (each None when not asked for)."""
    grid: ColorGrid
    axis_labels: VGroup
    focus: VGroup
    callout: VGroup
    title: Mobject | None
    legend: VGroup | None
    note: Mobject | None


def colour_map(presentation: Presentation, weights, percents: tuple[np.ndarray, str], tokens, *, mask=None,
               side: float = 3.8, title: str | None = None, legend: bool = True,
               note: str | bool | None = True, callout: bool = True) -> ColourMap:
    """`weights` (n × n) as a colour-only grid of `side` units with the focus row's callout (an
    empty group with `callout` False); `percents` = (the trace's whole percentages, their path);
    `note` True says "each row sums to 100 %" in the lesson's language."""
    if note is True:
        note = words("model-common")("rows_sum")
    theme = current_theme()
    weights = np.asarray(weights, dtype=np.float64)
    grid = ColorGrid(weights, width=side, height=side, coloring="weight", mask=mask, frame_color=theme.faint,
                     stroke_width=1)
    query = presentation.focus_query
    focus = focus_row(grid, tokens, query)
    axis_labels = position_axes(grid, presentation.axis_ticks(every=8 if side >= WIDE_GRID else 16), beside=focus.chip)
    panel = row_callout(grid, focus.frame, tokens, weights[query], percents, query, presentation) if callout else VGroup()
    members: list[Mobject] = [grid, axis_labels, focus, panel]
    right_edge = panel if callout else grid
    legend_mob = None
    if legend:
        legend_mob = weight_legend(height=min(side, 2.4)).next_to(right_edge, RIGHT, buff=0.35).align_to(grid, UP)
        members.append(legend_mob)
    title_mob = None
    if title:
        title_mob = label(title, "body", theme.ink, weight="BOLD").next_to(axis_labels, UP, buff=0.15)
        title_mob.match_x(grid)
        members.append(title_mob)
    note_mob = None
    if note:
        note_mob = label(note, "label", theme.muted).next_to(grid, DOWN, buff=0.25).match_x(grid)
        members.append(note_mob)
    return ColourMap(*members, grid=grid, axis_labels=axis_labels, focus=focus, callout=panel, title=title_mob,
                     legend=legend_mob, note=note_mob)


class FocusRow(Parts):
    """The focus query's row framed in the highlight colour, its token chip left of the row.
    Parts: `frame`, `chip`."""
    frame: Rectangle
    chip: TokenChip


def focus_row(grid: ColorGrid, tokens, query: int) -> FocusRow:
    theme = current_theme()
    frame = grid.row_span(query, query + 1).set_stroke(theme.highlight, width=3)
    chip = TokenChip(tokens[query], query, max_width=1.6, height=0.36, size="small")
    chip.next_to(frame, LEFT, buff=0.1)
    return FocusRow(frame, chip, frame=frame, chip=chip)


def position_axes(grid: ColorGrid, ticks: list[int], *, beside: Mobject | None = None, axis_names: bool = True) -> VGroup:
    """1-based position numbers left of the chosen rows and above the chosen columns (none where
    they would touch `beside`, the focus row's chip); with `axis_names` "keys →" above and "queries ↓"
    on the left."""
    theme = current_theme()
    rows, cols = VGroup(), VGroup()
    for i in ticks:
        number = label(str(i + 1), "small", theme.muted).next_to(grid.row_span(i, i + 1), LEFT, buff=0.1)
        if beside is None or abs(number.get_y() - beside.get_y()) > (number.height + beside.height) / 2 + 0.04:
            rows.add(number)
        cols.add(label(str(i + 1), "small", theme.muted).next_to(grid.column_span(i, i + 1), UP, buff=0.08))
    axes = VGroup(rows, cols)
    if axis_names:
        said = words("model-common")
        keys = label(said("keys_axis"), "small", theme.muted).next_to(cols, UP, buff=0.1).match_x(grid)
        queries = label(said("queries_axis"), "small", theme.muted).next_to(grid, LEFT, buff=0.1).align_to(keys, DOWN)
        axes.add(keys, queries)
    return axes


def row_callout(grid: ColorGrid, frame: Rectangle, tokens, row_weights, percents: tuple[np.ndarray, str],
                query: int, presentation: Presentation) -> VGroup:
    """The focus row's strongest keys, one line each: key chip, its position, its cell magnified
    with the shown percentage; lines join the framed row to the panel."""
    theme = current_theme()
    shown, path = percents
    lines = VGroup()
    for j in presentation.strongest_keys(row_weights):
        chip = TokenChip(tokens[j], j, max_width=1.5, height=0.36, size="small")
        position = label(f"#{j + 1}", "small", theme.muted)
        fill = theme.weight_color(float(row_weights[j]))
        cell = Rectangle(width=CALLOUT_CELL[0], height=CALLOUT_CELL[1], fill_color=fill, fill_opacity=1,
                         stroke_color=theme.faint, stroke_width=1)
        number = NumberText(shown[query, j], 0, f"{path}[{query}, {j}]", "cell", suffix="%")
        number.set_color(theme.text_on(cell.fill_color)).move_to(cell)
        lines.add(VGroup(chip, position, VGroup(cell, number)))
    for k, line in enumerate(lines):
        line[0].move_to([0, -k * 0.5, 0], aligned_edge=RIGHT)
        line[1].next_to([0, -k * 0.5, 0], RIGHT, buff=0.1)
        line[2].move_to([0.75 + CALLOUT_CELL[0] / 2, -k * 0.5, 0])
    heading = label(words("model-common")("row_largest", row=query + 1), "small", theme.ink)
    heading.next_to(lines, UP, buff=0.15).align_to(lines, LEFT)
    panel = VGroup(heading, lines)
    box = SurroundingRectangle(panel, buff=0.15, color=theme.highlight, stroke_width=2)
    group = VGroup(box, panel).next_to(grid, RIGHT, buff=0.6)
    joins = VGroup(Line(frame.get_corner(UP + RIGHT), box.get_corner(UP + LEFT)),
                   Line(frame.get_corner(DOWN + RIGHT), box.get_corner(DOWN + LEFT))).set_stroke(theme.highlight, 1.5)
    return VGroup(joins, group)
