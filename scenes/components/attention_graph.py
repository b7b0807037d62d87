"""The attention graph (seed 001, panel C): queries on the left, keys on the right, one line
per (query, key) pair the mask lets through, thicker and more opaque for a larger weight.

A long sentence (64 tokens: 4,096 pairs, most near 1/64) draws only lines whose weight reaches
`threshold` (Presentation.graph_threshold) and says so under the graph; when the rows are too
close for chips, each token is a small square in its colour, every few numbered with its
position, and the `focus` token's chip named beside its square on both sides."""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, Create, LaggedStart, Line, ManimColor, Square, VGroup, Wait

from ..theme import current_theme
from ..words import common
from .heatmap import marked_positions
from .pacing import one_at_a_time
from .text import label
from .tokens import TokenChip, chip_column

# A near-zero weight still gets a faint hairline (~0.7 px at 1080p) rather than vanishing,
# so "no line" keeps meaning "masked". Widths stay monotonic in the weight.
MIN_STROKE = 0.5
ENDPOINT_GAP = 0.06  # lines stop just short of the chips
CHIP_PITCH = 0.36  # rows closer than this get small squares and position numbers instead of chips


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
    position_labels: VGroup  # squares mode: "1", "8", …, on both sides (else empty)
    focus_chips: VGroup  # squares mode: the focus token's chip beside its square, both sides (else empty)

    def __init__(
        self, tokens, weights, mask=None, head_color=None, head_label: str | None = None, *,
        max_stroke: float = 8.0, height: float = 4.6, gap: float = 3.6, chip_width: float = 1.8,
        token_indices=None, legend: bool = True, threshold: float = 0.0, focus: int | None = None,
    ) -> None:
        theme = current_theme()
        tokens = tuple(tokens)
        n = len(tokens)
        self.weights = np.asarray(weights, dtype=np.float64).reshape(n, n)
        self.mask = np.ones((n, n), dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(n, n)
        self.head_color = head_color if head_color is not None else theme.head_color(0)
        indices = list(token_indices) if token_indices is not None else list(range(n))

        pitch = min(1.0, height / max(n, 1))
        column = self._chip_column if pitch >= CHIP_PITCH else self._square_column
        self.query_chips = column(tokens, indices, pitch, chip_width, RIGHT * -gap / 2, RIGHT)
        self.key_chips = column(tokens, indices, pitch, chip_width, RIGHT * gap / 2, LEFT)
        self.position_labels, self.focus_chips = VGroup(), VGroup()
        if pitch < CHIP_PITCH:
            self._name_squares(tokens, indices, pitch, focus)

        self.lines: dict[tuple[int, int], WeightLine] = {}
        self.line_group = VGroup()
        for i in range(n):
            for j in range(n):
                weight = float(self.weights[i, j])
                if not self.mask[i, j] or weight < threshold:
                    continue
                line = WeightLine(
                    weight, self.query_chips[i].get_right() + RIGHT * ENDPOINT_GAP,
                    self.key_chips[j].get_left() + LEFT * ENDPOINT_GAP,
                    color=self.head_color, stroke_width=line_stroke(weight, max_stroke),
                    stroke_opacity=line_opacity(weight),
                )
                self.lines[(i, j)] = line
                self.line_group.add(line)

        self.heading = self._heading(theme)
        parts = [self.line_group, self.query_chips, self.key_chips, self.position_labels, self.focus_chips,
                 self.heading]
        self.legend = VGroup()
        if legend:
            self.legend = self._legend(theme, head_label, threshold)
            parts.append(self.legend)
        super().__init__(*parts)

    # Layout ------------------------------------------------------------------
    @staticmethod
    def _chip_column(tokens, indices, pitch: float, chip_width: float, anchor, edge) -> VGroup:
        """Chips stacked at a fixed pitch, their inner edges (facing the lines) on `anchor`."""
        size = "label" if pitch >= 0.75 else "small"
        column = VGroup()
        top = (len(tokens) - 1) * pitch / 2
        height = min(0.62, pitch * 0.78)
        chips = chip_column(tokens, indices, max_width=chip_width, height=height, size=size)  # one font size
        if any(pitch * 0.88 / chip.height < 0.7 for chip in chips):  # wrapped long words would shrink a lot
            chips = chip_column(tokens, indices, max_width=chip_width * 1.6, height=height, size=size)
        tallest = max((chip.height for chip in chips), default=0.0)
        for row, chip in enumerate(chips):
            if tallest > pitch * 0.88:  # still too tall: all shrink alike rather than collide
                chip.scale(pitch * 0.88 / tallest)
            chip.move_to(anchor + UP * (top - row * pitch), aligned_edge=edge)
            column.add(chip)
        return column

    @staticmethod
    def _square_column(tokens, indices, pitch: float, chip_width: float, anchor, edge) -> VGroup:
        """One small square per token in its colour, at a fixed pitch, inner edges on `anchor`."""
        theme, column = current_theme(), VGroup()
        top = (len(tokens) - 1) * pitch / 2
        for row, index in enumerate(indices[:len(tokens)]):
            square = Square(side_length=pitch * 0.8, fill_color=theme.token_color(index), fill_opacity=1.0,
                            stroke_width=0)
            column.add(square.move_to(anchor + UP * (top - row * pitch), aligned_edge=edge))
        return column

    def _name_squares(self, tokens, indices, pitch: float, focus: int | None) -> None:
        """Position numbers every few squares (outside both columns), the focus token's chip beyond."""
        theme = current_theme()
        for side, column in ((LEFT, self.query_chips), (RIGHT, self.key_chips)):
            numbers = VGroup()
            for j in marked_positions(len(tokens), pitch, focus):
                color, weight = (theme.highlight, "BOLD") if j == focus else (theme.muted, "NORMAL")
                numbers.add(label(str(j + 1), "small", color, weight=weight).next_to(column[j], side, buff=0.12))
            self.position_labels.add(numbers)
            if focus is not None:
                chip = TokenChip(tokens[focus], indices[focus], max_width=2.0, size="small")
                self.focus_chips.add(chip.next_to(numbers, side, buff=0.15).match_y(column[focus]))

    def _heading(self, theme) -> VGroup:
        queries = label(common("queries"), "small", theme.muted).next_to(self.query_chips, UP, buff=0.2)
        keys = label(common("keys"), "small", theme.muted).next_to(self.key_chips, UP, buff=0.2)
        keys.align_to(queries, DOWN)
        arrow = label("→", "small", theme.muted).move_to((queries.get_center() + keys.get_center()) / 2)
        return VGroup(queries, arrow, keys)

    def _legend(self, theme, head_label: str, threshold: float) -> VGroup:
        thickness = label(common("graph.thickness"), "small", theme.muted)
        head = label(f"● {head_label or common('head', head=1)}", "small", self.head_color)
        legend = VGroup(thickness, head).arrange(RIGHT, buff=0.5)
        if threshold > 0:  # said on screen: a missing line is a small weight, not a hidden key
            legend.add(label(common("graph.threshold", percent=round(threshold * 100)), "small", theme.muted))
            legend.arrange(RIGHT, buff=0.5)
        chips = VGroup(self.query_chips, self.key_chips, self.position_labels, self.focus_chips)
        if legend.width > chips.width + 0.5:
            legend.arrange(DOWN, buff=0.12)
        return legend.next_to(chips, DOWN, buff=0.3)

    # Animations --------------------------------------------------------------
    def draw_in(self, lag_ratio: float = 0.08, run_time: float = 1.6, one_by_one: int | None = None) -> LaggedStart:
        """The lines drawn one after another, query by query (seed 001's staggered draw-in); with
        `one_by_one`, the lines of that many queries one after another, then all the rest at once."""
        if not self.lines:  # every weight under the threshold: nothing to draw, the legend says why
            return LaggedStart(Wait(run_time), run_time=run_time)
        if one_by_one is None:
            return LaggedStart(*(Create(line) for line in self.line_group), lag_ratio=lag_ratio, run_time=run_time)
        queries = sorted({i for i, _ in self.lines})
        by_query = [AnimationGroup(*(Create(line) for (i, _), line in self.lines.items() if i == q)) for q in queries]
        return one_at_a_time(by_query, one_by_one, lag_ratio=0.3, run_time=run_time)
