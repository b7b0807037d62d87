"""The attention sink: in most of the 30 × 9 heads, tokens give much of their attention to the
first token, whatever it says. One colour grid of every head's share (one ColorGrid, not 270
numbers), the numbers of a few heads, and why: a softmax row must add up to 100 %."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, Rectangle, VGroup

from attention_math.models.decoder_explained import attention_sink

from ..base import corner_title
from ..components import NumberText, fit_width, label, weight_legend
from ..components.tokens import chip_column
from ..components.heatmap import ColorGrid
from ..words import words
from .common import DecoderScene
from .phrases import phrase, worded

GRID_WIDTH = 10.2  # the grid's width for SmolLM2's 30 layers (0.34 a square); fewer layers get larger squares
ROW_WRAPS_PAST = 12  # the last row's chips go on two lines past this many tokens (one line shrinks them unreadably)


def layer_ticks(n_layers: int) -> tuple[int, ...]:
    """Layer numbers written above the grid: 1, 5, 10, … up to the last layer, which is always named."""
    ticks = [1, *range(5, n_layers + 1, 5)]
    if ticks[-1] != n_layers:
        ticks = [t for t in ticks if t == 1 or n_layers - t >= 2] + [n_layers]
    return tuple(dict.fromkeys(ticks))


class AttentionSink(DecoderScene):
    segment = "attention-sink"

    @staticmethod
    def applies(spec) -> bool:
        return True  # every causal decoder: a softmax row must put its weight somewhere

    def setup(self) -> None:
        super().setup()
        self.sink = attention_sink(self.model)
        self.traces = {"model": self.model, "sink": self.sink}

    def construct(self) -> None:
        sink, first = self.sink, self.model.tokens[0].strip()
        corner_title(self, self.words("title"), self.words("subtitle", first=first))

        self.step("grid", self.words("grid.caption", layers=self.model.n_layers, heads=self.model.n_heads, first=first))
        grid = self.grid()
        self.play(FadeIn(grid))
        self.hold_for_caption(1.0)

        self.step("numbers", self.words("numbers.caption", first=first))
        marks, notes = self.marked_heads(grid.cells)
        self.play(LaggedStart(*(Create(mark) for mark in marks), lag_ratio=0.2), FadeIn(notes, shift=UP * 0.1))
        self.hold_for_caption(1.5)

        self.step("why", self.words("why.caption"))
        row, crowded = self.last_row(grid, notes)
        row_head = self.head_box(grid.cells, sink.row_layer, sink.row_head, self.theme.query)
        self.play(FadeIn(row, shift=UP * 0.1), Create(row_head), *([FadeOut(notes)] if crowded else []))
        self.hold_for_caption(2.0)

    def grid(self) -> VGroup:
        """sink.shares as colour: a column per layer, a row per head, with a legend."""
        sink, theme = self.sink, self.theme
        n_layers, n_heads = sink.shares.shape
        self.cell = min(0.9, GRID_WIDTH / n_layers, 3.6 / n_heads)
        cells = ColorGrid(sink.shares.T, width=self.cell * n_layers, height=self.cell * n_heads, coloring="weight",
                          frame_color=theme.faint, stroke_width=1)
        heads = VGroup(*(label(str(h + 1), "small", theme.muted).move_to(self.cell_centre(cells, 0, h))
                         .shift(LEFT * self.cell) for h in range(n_heads)))
        head_name = label(words("decoder-common")("head"), "small", theme.muted).next_to(heads, LEFT, buff=0.2)
        layers = VGroup(*(label(str(l), "small", theme.muted).move_to(self.cell_centre(cells, l - 1, 0))
                          .shift(UP * max(self.cell, 0.34)) for l in layer_ticks(n_layers)))
        layer_name = label(words("decoder-common")("layer"), "small", theme.muted).next_to(layers, LEFT, buff=0.2).align_to(head_name, LEFT)
        legend = weight_legend(height=max(1.2, self.cell * n_heads - 0.6)).next_to(cells, RIGHT, buff=0.3).align_to(cells, UP)
        grid = VGroup(cells, heads, head_name, layers, layer_name, legend)
        fit_width(grid, self.stage.width)  # a language's longer axis names (English's fit)
        grid.cells = cells
        return grid.move_to([self.stage.centre[0], self.stage.top - 0.1, 0], aligned_edge=UP)

    def cell_centre(self, cells: ColorGrid, layer: int, head: int):
        left, top = cells.frame.get_left()[0], cells.frame.get_top()[1]
        return [left + (layer + 0.5) * self.cell, top - (head + 0.5) * self.cell, 0]

    def head_box(self, cells: ColorGrid, layer: int, head: int, color) -> Rectangle:
        """A frame around one head's square of the grid."""
        return Rectangle(width=self.cell, height=self.cell, stroke_color=color, stroke_width=4).move_to(
            self.cell_centre(cells, layer, head))

    def marked_heads(self, cells: ColorGrid) -> tuple[VGroup, VGroup]:
        """A box on the strongest heads and the weakest, their shares, and how many heads pass 50 %."""
        sink, theme = self.sink, self.theme
        marks, lines = VGroup(), VGroup()
        for layer, head in (*sink.strongest, sink.weakest):
            marks.add(self.head_box(cells, layer, head, theme.highlight))
            lines.add(phrase(*worded(self.words, "labels.head_share", layer=str(layer + 1), head=str(head + 1),
                                     share=NumberText(sink.percent[layer, head], 0, f"sink.percent[{layer}, {head}]",
                                                      "small", suffix=" %", weight="BOLD")), size="small"))
        lines.add(phrase(*worded(self.words, "labels.over_half",
                                 over=NumberText(sink.over_half, 0, "sink.over_half", "small", weight="BOLD"),
                                 total=NumberText(sink.n_heads_total, 0, "sink.n_heads_total", "small"),
                                 mean=NumberText(sink.mean_percent, 0, "sink.mean_percent", "small", suffix=" %")),
                         size="small"))
        heads = VGroup(*lines[:-1]).arrange_in_grid(rows=2, buff=(0.6, 0.2), col_alignments="ll")
        notes = VGroup(heads, lines[-1]).arrange(DOWN, buff=0.3)
        notes.next_to(cells, DOWN, buff=0.5)
        return marks, notes.set_x(self.stage.centre[0])

    def last_row(self, grid: VGroup, notes: VGroup) -> tuple[VGroup, bool]:
        """The last token's row in a sink head of the last layer: each key's whole-percent share, adding to
        100; and whether it had to take the notes' place."""
        sink, tokens = self.sink, self.model.tokens
        layer, head = sink.row_layer, sink.row_head
        per_line = len(tokens) if len(tokens) <= ROW_WRAPS_PAST else -(-len(tokens) // 2)  # two lines: readable chips
        width = min(1.7, (self.stage.width - 0.4) / per_line - 0.15)
        chips = chip_column(tokens, range(len(tokens)), max_width=width, height=0.42, size="small")  # one size
        columns = VGroup(*(
            VGroup(chip, NumberText(sink.last_row_percentages[i], 0, f"sink.last_row_percentages[{i}]", "small",
                                    suffix=" %")).arrange(DOWN, buff=0.15)
            for i, chip in enumerate(chips)))
        columns.arrange_in_grid(cols=per_line, buff=(0.15, 0.25), cell_alignment=UP)
        title = phrase(*worded(self.words, "labels.last_row", token=tokens[-1].strip(), layer=str(layer + 1),
                               head=str(head + 1), total=NumberText(sink.last_row_total, 0, "sink.last_row_total",
                                                                    "small", suffix=" %", weight="BOLD")),
                       size="small", color=self.theme.muted)
        row = VGroup(title, columns).arrange(DOWN, buff=0.2)
        row.scale(self.stage.fit_scale(row, width=self.stage.width - 0.4))
        row.move_to([self.stage.centre[0], self.stage.bottom, 0], aligned_edge=DOWN)
        # A tall grid (many heads) leaves no room under its notes: the row takes their place, midway.
        crowded = notes.get_bottom()[1] < row.get_top()[1] + 0.15
        if crowded:
            row.set_y((grid.get_bottom()[1] + self.stage.bottom) / 2)
        return row, crowded
