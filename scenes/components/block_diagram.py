"""The Transformer encoder block as boxes and arrows (seed 004's "Transformer architecture"):
input words → embeddings + positional encoding → [multi-head attention → add & norm →
feed-forward → add & norm] × N → contextual vectors, with the two residual paths."""
from __future__ import annotations

from manim import DOWN, RIGHT, UP, Arrow, DashedVMobject, Line, RoundedRectangle, SurroundingRectangle, VGroup

from ..theme import current_theme
from ..words import common
from .text import FlatText, fit_width, label
from .tokens import TokenChip, TokenRow

STAGES = (("embed", "block.embed"), ("attention", "block.attention"),  # (name, its words' key in common.toml)
          ("norm1", "block.norm"), ("feed", "block.feed"), ("norm2", "block.norm"))
BOX_HEIGHT, GAP = 0.62, 0.42


def _arrow(start, end, color) -> Arrow:
    return Arrow(start, end, buff=0.04, color=color, stroke_width=3, max_tip_length_to_length_ratio=0.35,
                 max_stroke_width_to_length_ratio=20)


class EncoderBlock(VGroup):
    """Bottom to top. `boxes[name]` is a stage (box and text); `flow` the upward arrows;
    `residuals` the skip paths on the left; `layer` the dashed frame of the repeated layer
    with its "× N"; `inputs` the word chips; `output` the label on top."""
    inputs: VGroup
    boxes: dict[str, VGroup]
    output: FlatText
    flow: VGroup
    layer: VGroup
    residuals: VGroup

    def __init__(self, tokens: tuple[str, ...], width: float = 5.2, row_width: float | None = None) -> None:
        """`row_width`: how wide the word chips may spread (default 1.3 × the boxes' width)."""
        theme = current_theme()
        self.inputs = self._chips(tokens, row_width or width * 1.3)  # may reach past the boxes: nothing else is down there
        self.boxes: dict[str, VGroup] = {}
        column = VGroup(self.inputs)
        for name, key in STAGES:
            box = RoundedRectangle(corner_radius=0.1, width=width, height=BOX_HEIGHT, stroke_color=theme.muted,
                                   stroke_width=2.5, fill_color=theme.cell_fill, fill_opacity=1)
            stage = VGroup(box, fit_width(label(common(key), "label", theme.ink), width - 0.3).move_to(box))
            self.boxes[name] = stage
            column.add(stage)
        self.output = label(common("block.output"), "small", theme.muted)
        column.add(self.output)
        column.arrange(UP, buff=GAP)
        self.flow = VGroup(*(_arrow(a.get_top(), b.get_bottom(), theme.muted) for a, b in zip(column[:-1], column[1:])))

        layer = VGroup(*(self.boxes[name] for name in ("attention", "norm1", "feed", "norm2")))
        frame = SurroundingRectangle(layer, buff=0.22, corner_radius=0.12, color=theme.muted, stroke_width=2)
        self.layer = VGroup(DashedVMobject(frame, num_dashes=60),
                            label("× N", "body", theme.muted).next_to(frame, RIGHT, buff=0.2))
        self.residuals = VGroup(self._residual(self.flow[1], self.boxes["norm1"], frame),
                                self._residual(self.flow[3], self.boxes["norm2"], frame))
        super().__init__(self.layer, self.residuals, self.flow, column)

    @staticmethod
    def _chips(tokens: tuple[str, ...], max_width: float) -> VGroup:
        """Chips at their own widths (long words as readable as short ones), on two lines when
        one would have to shrink them by more than a quarter, then fitted to `max_width`."""
        chips = [TokenChip(token, i, max_width=1.7, height=0.45, size="small") for i, token in enumerate(tokens)]
        row = VGroup(*chips).arrange(RIGHT, buff=0.12)
        if VGroup(*chips).width * 0.75 > 2 * max_width:  # a long sentence: wrapped like text
            return TokenRow(tokens, max_width=max_width, size="small", max_lines=5, line_gap=0.12)
        if row.width * 0.75 > max_width and len(chips) > 1:
            half = (len(chips) + 1) // 2
            row = VGroup(VGroup(*chips[:half]).arrange(RIGHT, buff=0.12),
                         VGroup(*chips[half:]).arrange(RIGHT, buff=0.12)).arrange(DOWN, buff=0.12)
        return fit_width(row, max_width)

    @staticmethod
    def _residual(source_arrow: Arrow, target: VGroup, frame) -> VGroup:
        """A skip path: from the middle of the arrow entering a sublayer, out to the left, up,
        and into the Add & Norm box above it."""
        theme = current_theme()
        start = source_arrow.get_center()
        x = frame.get_left()[0] - 0.35  # outside the dashed frame, clear of the boxes
        corner_low, corner_high = [x, start[1], 0], [x, target.get_y(), 0]
        path = VGroup(Line(start, corner_low), Line(corner_low, corner_high))
        path.set_stroke(theme.muted, width=2.5)
        return VGroup(path, _arrow(corner_high, target.get_left(), theme.muted))

    def highlight(self, name: str = "attention") -> VGroup:
        """A copy of the stage's box, restyled: animate the box into it to pick the stage out."""
        theme = current_theme()
        box = self.boxes[name][0].copy()
        box.set_stroke(theme.highlight, width=5).set_fill(theme.weight_low, opacity=1)
        return box
