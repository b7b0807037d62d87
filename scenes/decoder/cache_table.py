"""The KV cache of one key/value head as a table: a row per cached position (token chip, its K
row and V row as colour bands of 64 numbers) and, per generation step, the new query's weight
on every row. Long sequences keep the first rows, "⋮" and the last ones (where new rows arrive).

    table = KVCacheTable(generation, model)   # slots for every row the steps will add
    table.rows[p]          # position p's chip, K band, V band (None when elided)
    table.weights(step)    # that step's weight column: a bar and a NumberText per shown row
"""
from __future__ import annotations

from manim import LEFT, RIGHT, Rectangle, VGroup

from ..components import NumberText, TokenChip, label
from ..components.heatmap import ColorGrid, band_scale
from ..theme import current_theme
from ..words import words

ROW = 0.38  # row pitch: 16 rows and the header fit the stage unscaled
BAND = (2.0, 0.26)
MAX_ROWS = 15  # more positions than this: the first HEAD_ROWS, "⋮", the last ones
HEAD_ROWS = 4
X = {"chip": -0.15, "k": 1.1, "v": 3.3, "bar": 4.5, "percent": 5.9}  # chip right edge, band centres, bar left, % right
BAR_LENGTH = 0.8


def shown_positions(total: int) -> list[int | None]:
    """The positions drawn, top to bottom; None is the "⋮" slot."""
    if total <= MAX_ROWS:
        return list(range(total))
    tail = MAX_ROWS - HEAD_ROWS - 1
    return [*range(HEAD_ROWS), None, *range(total - tail, total)]


class KVCacheTable(VGroup):
    rows: dict[int, VGroup]
    header: VGroup
    gap: VGroup  # the "⋮" (empty when every row is shown)

    def __init__(self, generation, model) -> None:
        theme = current_theme()
        self.generation, self.model = generation, model
        layer = model.layers[generation.layer].grouped_query
        total = generation.steps[-1].attention.cached_rows
        self.slots = {p: i for i, p in enumerate(shown_positions(total)) if p is not None}
        self.rows, self.gap = {}, VGroup()
        k_scale = band_scale(layer.k_rotated[generation.kv_head])
        v_scale = band_scale(layer.v_by_kv_head[generation.kv_head])
        for position, slot in self.slots.items():
            key, value = self._cached_rows(position, layer)
            y = -slot * ROW
            chip = TokenChip(generation.tokens[position], position, max_width=1.5, height=0.32, size="small")
            k = ColorGrid(key, width=BAND[0], height=BAND[1], value_scale=k_scale, frame_color=theme.faint,
                          stroke_width=1).move_to([X["k"], y, 0])
            v = ColorGrid(value, width=BAND[0], height=BAND[1], value_scale=v_scale, frame_color=theme.faint,
                          stroke_width=1).move_to([X["v"], y, 0])
            self.rows[position] = VGroup(chip.move_to([X["chip"], y, 0], aligned_edge=RIGHT), k, v)
        gap_slot = next((i for i, p in enumerate(shown_positions(total)) if p is None), None)
        if gap_slot is not None:
            self.gap.add(label("⋮", "label", theme.muted).move_to([X["k"], -gap_slot * ROW, 0]))
        self.header = VGroup(
            label("K", "label", theme.key, weight="BOLD").move_to([X["k"], ROW * 1.0, 0]),
            label("V", "label", theme.value, weight="BOLD").move_to([X["v"], ROW * 1.0, 0]))
        self.weight_header = label(words("decoder-common")("weight"), "small", theme.muted).move_to([X["percent"], ROW * 1.0, 0],
                                                                            aligned_edge=RIGHT)
        # weight_header is in the group (it moves with the table) but a scene adds it with the first step.
        super().__init__(self.header, self.weight_header, self.gap, *self.rows.values())

    def _cached_rows(self, position: int, layer):
        """Position's K and V rows: the prompt's from the trace, a generated token's from the step that fed it."""
        generation, head = self.generation, self.generation.kv_head
        steps = {step.position: step for step in generation.steps}
        if position in steps:
            return steps[position].attention.new_key, steps[position].attention.new_value
        return layer.k_rotated[head][position], layer.v_by_kv_head[head][position]

    def rows_before(self, step: int) -> list[VGroup]:
        """The rows in the cache before step `step` feeds its token."""
        position = self.generation.steps[step].position
        return [row for p, row in self.rows.items() if p < position]

    def new_row(self, step: int) -> VGroup | None:
        return self.rows.get(self.generation.steps[step].position)

    def weights(self, step: int) -> VGroup:
        """Step `step`'s attention row: a bar and a whole percentage beside every shown cached row."""
        theme = current_theme()
        attention = self.generation.steps[step].attention
        column = VGroup()
        for position in range(attention.cached_rows):
            if position not in self.slots:
                continue
            y = self.rows[position][1].get_y()
            bar = Rectangle(width=max(BAR_LENGTH * attention.weights[position], 0.02), height=ROW * 0.5,
                            stroke_width=0, fill_color=theme.weight_high, fill_opacity=0.55)
            number = NumberText(attention.percentages[position], 0,
                                f"generation.steps[{step}].attention.percentages[{position}]", "small", suffix="%")
            column.add(VGroup(bar.move_to([self._x("bar"), y, 0], aligned_edge=LEFT),
                              number.move_to([self._x("percent"), y, 0], aligned_edge=RIGHT)))
        return column

    def _x(self, column: str) -> float:
        """A column's x where the table now is (it may have been moved after it was built)."""
        return self.rows[next(iter(self.rows))][1].get_x() - X["k"] + X[column]
