"""The attention graph (seed 001, panel C): queries on the left, keys on the right, one line
per (query, key) pair the mask lets through, thicker and more opaque for a larger weight."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, LaggedStart, Line, ManimColor, VGroup

from ..theme import current_theme
from .text import label
from .tokens import TokenChip

# A near-zero weight still gets a faint hairline (~0.7 px at 1080p) rather than vanishing,
# so "no line" keeps meaning "masked". Widths stay monotonic in the weight.
MIN_STROKE = 0.5
ENDPOINT_GAP = 0.06  # lines stop just short of the chips


def line_stroke(weight: float, max_stroke: float) -> float:
    """Proportional to the weight (seed 001: weight × 8), floored at MIN_STROKE."""
    return max(MIN_STROKE, max_stroke * min(max(weight, 0.0), 1.0))


def line_opacity(weight: float) -> float:
    """Seed 001: 0.3 + 0.6 · weight."""
    return 0.3 + 0.6 * min(max(weight, 0.0), 1.0)


class WeightLine(Line):
    """A query–key line that knows the attention `weight` it stands for (its width and opacity show it)."""
    weight: float

    def __init__(self, weight: float, start, end, **style) -> None:
        super().__init__(start, end, **style)
        self.weight = weight


class AttentionGraph(VGroup):
    """tokens × tokens attention of one head drawn as lines.

    `lines[(i, j)]` is the line from query i to key j; each line carries its `.weight`.
    Masked pairs have no entry and no line. Graphs of the same tokens and mask share their
    structure, so `ReplacementTransform(graph_a, graph_b)` morphs one head into another line
    by line.
    """
    weights: np.ndarray
    mask: np.ndarray
    head_color: ManimColor
    query_chips: VGroup
    key_chips: VGroup
    lines: dict[tuple[int, int], WeightLine]
    line_group: VGroup
    heading: VGroup
    legend: VGroup

    def __init__(
        self, tokens, weights, mask=None, head_color=None, head_label: str = "head 1", *,
        max_stroke: float = 8.0, height: float = 4.6, gap: float = 3.6, chip_width: float = 1.8,
        token_indices=None, legend: bool = True,
    ) -> None:
        theme = current_theme()
        tokens = tuple(tokens)
        n = len(tokens)
        self.weights = np.asarray(weights, dtype=np.float64).reshape(n, n)
        self.mask = np.ones((n, n), dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(n, n)
        self.head_color = head_color if head_color is not None else theme.head_color(0)
        indices = list(token_indices) if token_indices is not None else list(range(n))

        pitch = min(1.0, height / max(n, 1))
        self.query_chips = self._chip_column(tokens, indices, pitch, chip_width, RIGHT * -gap / 2, RIGHT)
        self.key_chips = self._chip_column(tokens, indices, pitch, chip_width, RIGHT * gap / 2, LEFT)

        self.lines: dict[tuple[int, int], WeightLine] = {}
        self.line_group = VGroup()
        for i in range(n):
            for j in range(n):
                if not self.mask[i, j]:
                    continue
                weight = float(self.weights[i, j])
                line = WeightLine(
                    weight, self.query_chips[i].get_right() + RIGHT * ENDPOINT_GAP,
                    self.key_chips[j].get_left() + LEFT * ENDPOINT_GAP,
                    color=self.head_color, stroke_width=line_stroke(weight, max_stroke),
                    stroke_opacity=line_opacity(weight),
                )
                self.lines[(i, j)] = line
                self.line_group.add(line)

        self.heading = self._heading(theme)
        parts = [self.line_group, self.query_chips, self.key_chips, self.heading]
        self.legend = VGroup()
        if legend:
            self.legend = self._legend(theme, head_label)
            parts.append(self.legend)
        super().__init__(*parts)

    # Layout ------------------------------------------------------------------
    @staticmethod
    def _chip_column(tokens, indices, pitch: float, chip_width: float, anchor, edge) -> VGroup:
        """Chips stacked at a fixed pitch, their inner edges (facing the lines) on `anchor`."""
        size = "label" if pitch >= 0.75 else "small"
        column = VGroup()
        top = (len(tokens) - 1) * pitch / 2
        for row, (token, index) in enumerate(zip(tokens, indices)):
            chip = TokenChip(token, index, max_width=chip_width, height=min(0.62, pitch * 0.78), size=size)
            if chip.height > pitch * 0.88:  # a wrapped long word: shrink rather than collide
                chip.scale_to_fit_height(pitch * 0.88)
            chip.move_to(anchor + UP * (top - row * pitch), aligned_edge=edge)
            column.add(chip)
        return column

    def _heading(self, theme) -> VGroup:
        queries = label("queries", "small", theme.muted).next_to(self.query_chips, UP, buff=0.2)
        keys = label("keys", "small", theme.muted).next_to(self.key_chips, UP, buff=0.2)
        keys.align_to(queries, DOWN)
        arrow = label("→", "small", theme.muted).move_to((queries.get_center() + keys.get_center()) / 2)
        return VGroup(queries, arrow, keys)

    def _legend(self, theme, head_label: str) -> VGroup:
        thickness = label("line thickness = attention weight", "small", theme.muted)
        head = label(f"● {head_label}", "small", self.head_color)
        legend = VGroup(thickness, head).arrange(RIGHT, buff=0.5)
        chips = VGroup(self.query_chips, self.key_chips)
        if legend.width > chips.width + 0.5:
            legend.arrange(DOWN, buff=0.12)
        return legend.next_to(chips, DOWN, buff=0.3)

    # Animations --------------------------------------------------------------
    def draw_in(self, lag_ratio: float = 0.08, run_time: float = 1.6) -> LaggedStart:
        """The lines drawn one after another, query by query (seed 001's staggered draw-in)."""
        return LaggedStart(*(Create(line) for line in self.line_group), lag_ratio=lag_ratio, run_time=run_time)
