"""A zoomed callout: a highlight on one row of a colour-only grid, and that row's numbers
magnified beside (or below) it, two lines joining the highlight to the magnified panel.

    heatmap = WeightHeatmap(head.weights, "heads[0].weights", tokens, colour_only=True, focus=i)
    row = head.softmax_rows[i]
    entries = weight_entries(tokens, row, "heads[0].softmax_rows[5]", top=p.worked_keys)
    zoom = ZoomCallout(heatmap.row_rect(i), entries, side=RIGHT, beside=heatmap)
    stage.fit(VGroup(heatmap, zoom))      # fit together: the lines keep joining

With `top=k` the panel lists the k keys of largest weight, then one "other n keys" entry whose
percentage is the trace's `rest.percentages[k]`, so the panel still adds to 100 %.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Line, ManimColor, Mobject, Rectangle, SurroundingRectangle, VGroup

from attention_math.worked import SoftmaxRow

from ..theme import current_theme
from ..words import common
from .text import NumberText, label
from .tokens import TokenChip

CELL_HEIGHT = 0.5


@dataclass(frozen=True)
class ZoomEntry:
    """One magnified cell: what it is (a key's chip, or "other 58 keys"), its number, its colour."""
    key: Mobject
    number: Mobject
    fill: ManimColor | None = None  # the cell's colour in the grid (None: plain)


def weight_entries(tokens: Sequence[str], row: SoftmaxRow, source: str, top: int | None = None,
                   weight_top: float = 1.0) -> list[ZoomEntry]:
    """A worked softmax row's percentages as entries: every key in order (top None), or the `top`
    keys of largest weight and one entry for all the others together (`source`.rest). Cells take
    the grid's colours (`weight_top`: the weight given the darkest)."""
    theme = current_theme()
    keys = list(range(len(tokens))) if top is None else list(row.rest.order[:top])
    entries = [ZoomEntry(TokenChip(tokens[j], j, max_width=1.8, height=0.42, size="small"),
                         NumberText(row.percentages[j], 0, f"{source}.percentages[{j}]", suffix="%"),
                         theme.weight_color(row.weights[j] / weight_top)) for j in keys]
    if top is not None and top < len(tokens):
        entries.append(ZoomEntry(label(common("other_keys", count=row.rest.counts[top]), "small", theme.muted),
                                 NumberText(row.rest.percentages[top], 0, f"{source}.rest.percentages[{top}]",
                                            suffix="%"),
                                 None))
    return entries


class ZoomCallout(VGroup):
    """`target` (e.g. a heatmap's row_rect) highlighted, and `entries` magnified in a framed panel
    next to `beside` (default the target) on `side`, lines from the highlight to the panel.
    RIGHT / LEFT list the entries down (key, then cell); DOWN / UP side by side (key above cell).
    Parts: `highlight`, `cells` (each entry's coloured cell with its number), `keys`, `panel`
    (keys and cells), `frame` (around the panel), `lines` (the two joining lines), `title` (or None)."""
    highlight: SurroundingRectangle
    cells: VGroup
    keys: VGroup
    panel: VGroup
    frame: Rectangle
    lines: VGroup
    title: Mobject | None

    def __init__(self, target: Mobject, entries: Sequence[ZoomEntry], *, side=RIGHT, beside: Mobject | None = None,
                 buff: float = 0.6, color=None, title: str | None = None) -> None:
        theme = current_theme()
        color = color or theme.highlight
        self.highlight = SurroundingRectangle(target, color=color, buff=0.03, stroke_width=3)
        self.keys, self.cells = VGroup(), VGroup()
        for entry in entries:
            self.keys.add(entry.key)
            self.cells.add(self._cell(entry))
        self.panel = self._arrange(bool(side[0]))
        self.title = None
        if title:
            self.title = label(title, "small", theme.muted).next_to(self.panel, UP, buff=0.15)
            self.panel.add(self.title)
        self.frame = SurroundingRectangle(self.panel, buff=0.18, color=color, stroke_width=2.5, corner_radius=0.08)
        self._place(VGroup(self.frame, self.panel), beside or target, side, buff)
        self.lines = self._joining_lines(side, color)
        super().__init__(self.lines, self.highlight, self.frame, self.panel)

    @staticmethod
    def _cell(entry: ZoomEntry) -> VGroup:
        theme = current_theme()
        fill = entry.fill if entry.fill is not None else ManimColor(theme.cell_fill)
        box = Rectangle(width=max(0.9, entry.number.width + 0.3), height=CELL_HEIGHT, fill_color=fill,
                        fill_opacity=1.0, stroke_color=theme.faint, stroke_width=1)
        entry.number.move_to(box)
        if entry.fill is not None:
            entry.number.set_color(theme.text_on(fill))
        return VGroup(box, entry.number)

    def _arrange(self, listed_down: bool) -> VGroup:
        """Beside: one line per entry, keys right-aligned against their cells. Below: columns."""
        if listed_down:
            width = max(cell.width for cell in self.cells)
            for cell in self.cells:
                cell[0].stretch_to_fit_width(width)
                cell[1].move_to(cell[0])
            self.cells.arrange(DOWN, buff=0.12)
            for key, cell in zip(self.keys, self.cells):
                key.next_to(cell, LEFT, buff=0.2)
            right = max(key.get_right()[0] for key in self.keys)
            for key in self.keys:
                key.shift(RIGHT * (right - key.get_right()[0]))
        else:
            for key, cell in zip(self.keys, self.cells):
                key.next_to(cell, UP, buff=0.12)
            columns = [VGroup(key, cell) for key, cell in zip(self.keys, self.cells)]
            VGroup(*columns).arrange(RIGHT, buff=0.2, aligned_edge=DOWN)
        return VGroup(self.keys, self.cells)

    @staticmethod
    def _place(panel: VGroup, beside: Mobject, side, buff: float) -> None:
        """Next to `beside`; along it, level with the highlight but within `beside`'s extent."""
        panel.next_to(beside, side, buff=buff)
        axis = 1 if side[0] else 0
        low, high = beside.get_corner(DOWN + LEFT)[axis], beside.get_corner(UP + RIGHT)[axis]
        half = (panel.get_corner(UP + RIGHT)[axis] - panel.get_corner(DOWN + LEFT)[axis]) / 2
        centre = float(np.clip(panel.get_center()[axis], low + half, high - half)) if high - low > 2 * half \
            else (low + high) / 2
        panel.shift((UP if axis else RIGHT) * (centre - panel.get_center()[axis]))

    def _joining_lines(self, side, color) -> VGroup:
        """From the highlight's two corners facing the panel to the panel's two nearest corners."""
        if side[0]:
            near, far = (RIGHT, LEFT) if side[0] > 0 else (LEFT, RIGHT)
            pairs = [(near + UP, far + UP), (near + DOWN, far + DOWN)]
        else:
            near, far = (DOWN, UP) if side[1] < 0 else (UP, DOWN)
            pairs = [(near + LEFT, far + LEFT), (near + RIGHT, far + RIGHT)]
        return VGroup(*(Line(self.highlight.get_corner(a), self.frame.get_corner(b), color=color, stroke_width=2,
                             stroke_opacity=0.8) for a, b in pairs))
