"""A head selector: a button per head in its colour, the selected one filled and outlined."""
from __future__ import annotations

from manim import RoundedRectangle, VGroup

from ..theme import current_theme
from ..words import common
from .text import label


class HeadSelector(VGroup):
    """buttons[k] is head k's (a VGroup of its box and name); `selected` is the filled one."""
    buttons: VGroup
    selected: int

    def __init__(self, n_heads: int, selected: int, per_row: int = 4) -> None:
        theme = current_theme()
        self.selected, self.buttons = selected, VGroup()
        for k in range(n_heads):
            color, chosen = theme.head_color(k), k == selected
            name = label(common("head", head=k + 1), "small", color)
            box = RoundedRectangle(corner_radius=0.08, width=name.width + 0.3, height=0.46, fill_color=color,
                                   fill_opacity=1.0 if chosen else 0.18, stroke_color=theme.ink if chosen else color,
                                   stroke_width=3 if chosen else 1.5)
            if chosen:  # filled: its name in ink or white, whichever reads
                name.set_color(theme.text_on(box.fill_color))
            self.buttons.add(VGroup(box, name.move_to(box)))
        self.buttons.arrange_in_grid(cols=min(n_heads, per_row), buff=(0.12, 0.1))
        super().__init__(self.buttons)
