"""Sliding-window attention: local layers, where a query sees only the last `window` tokens, between
global ones (Gemma 3: five local, then one global; Mistral: every layer local). The window is
longer than any sentence shown here, so the mask is drawn on a long context, to scale, and the
segment says so; on the sentence itself what differs between the layers is the RoPE base.
Every number is a field of attention_math.models.decoder_features.SlidingWindows."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, Line, Polygon, Square, VGroup

from attention_math.models.decoder_features import sliding_windows

from ..base import corner_title
from ..components import NumberText, label
from .common import DecoderScene
from ..words import words
from .phrases import align_columns, phrase, worded

LAYER_BOX = 0.56  # one layer's square in the row of layers
MASK_SIDE = 3.3  # the long context's square
SENTENCE_MIN_SIDE = 0.06  # the sentence's square, at least visible (its true side is given in words)


class SlidingWindow(DecoderScene):
    segment = "sliding-window"

    @staticmethod
    def applies(spec) -> bool:
        return spec.sliding_window

    def setup(self) -> None:
        super().setup()
        self.windows = sliding_windows(self.model, self.spec)
        self.traces = {"model": self.model, "windows": self.windows}

    def construct(self) -> None:
        windows = self.windows
        corner_title(self, self.words("title"), self.words("subtitle" if windows.n_global else "subtitle_all_local"))
        pattern = self.words("layers.pattern", per=windows.local_layers_per_global) if windows.n_global \
            else self.words("layers.all_local")
        self.step("layers", self.words("layers.caption", window=windows.window, n_local=windows.n_local,
                                       n_global=windows.n_global, pattern=pattern))
        row = self.layer_row()
        self.play(LaggedStart(*(FadeIn(box) for box in row.boxes), lag_ratio=0.05), FadeIn(row.legend))
        self.hold_for_caption(1.0)

        ours = self.words("mask.shorter" if windows.same_keys_on_sentence else "mask.longer")
        self.step("mask", self.words("mask.caption", context=windows.long_context, window=windows.window,
                                     tokens=windows.n_tokens, ours=ours))
        masks = self.masks()
        self.play(row.animate.scale(0.8).to_edge(UP, buff=1.2), FadeIn(masks))
        self.hold_for_caption(1.5)

        if windows.global_layer is None:  # every layer local: one RoPE base, nothing to compare
            return
        self.step("rope", self.words("rope.caption" if windows.same_keys_on_sentence else "rope.also",
                                     local_base=f"{windows.local_base:,.0f}", global_base=f"{windows.global_base:,.0f}"))
        table = self.speeds().next_to(row, DOWN, buff=0.7).set_x(self.stage.centre[0])
        self.play(FadeOut(masks), FadeIn(table, shift=UP * 0.2))
        self.hold_for_caption(2.0)

    def layer_row(self) -> VGroup:
        """One square per layer, coloured local or global, numbered, with a legend under it."""
        windows, theme = self.windows, self.theme
        boxes = VGroup()
        for index, local in enumerate(windows.is_local):
            color = theme.key if local else theme.query
            square = Square(LAYER_BOX, stroke_color=color, stroke_width=2, fill_color=color,
                            fill_opacity=0.25 if local else 0.6)
            boxes.add(VGroup(square, label(str(index + 1), "small", theme.ink).move_to(square)))
        boxes.arrange(RIGHT, buff=0.08)
        legend = VGroup(phrase(*worded(self.words, "labels.local", window=NumberText(windows.window, 0, "windows.window",
                                                                                      "small")),
                               size="small", color=theme.key))
        if windows.n_global:
            legend.add(phrase(self.words("labels.global"), size="small", color=theme.query))
        legend.arrange(RIGHT, buff=0.8)
        name = label(words("decoder-common")("layer"), "small", theme.muted).next_to(boxes, LEFT, buff=0.2)
        legend.next_to(boxes, DOWN, buff=0.3)
        row = VGroup(name, boxes, legend)
        row.boxes, row.legend = boxes, VGroup(name, legend)
        row.scale(self.stage.fit_scale(row, width=self.stage.width - 0.4))
        return row.move_to([self.stage.centre[0], self.stage.top - 0.3, 0], aligned_edge=UP)

    def mask_square(self, title: str, color, band: float | None) -> VGroup:
        """The long context's (query, key) square, queries down and keys across, its visible part filled:
        the causal triangle, or the band `band` of the side wide along the diagonal."""
        frame = Square(MASK_SIDE, stroke_color=self.theme.faint, stroke_width=2)
        top_left, side = frame.get_corner(UP + LEFT), MASK_SIDE
        at = lambda key, query: top_left + RIGHT * key * side + DOWN * query * side
        corners = [at(0, 0), at(1, 1), at(0, 1)] if band is None else \
            [at(0, 0), at(1, 1), at(1 - band, 1), at(0, band)]
        seen = Polygon(*corners, stroke_width=0, fill_color=color, fill_opacity=0.55)
        heading = label(title, "small", color).next_to(frame, UP, buff=0.15)
        said = words("decoder-common")
        axes = VGroup(label(said("keys_axis"), "small", self.theme.muted).next_to(frame, DOWN, buff=0.1),
                      label(said("queries_axis"), "small", self.theme.muted).next_to(frame, LEFT, buff=0.1).align_to(frame, UP))
        square = VGroup(frame, seen, heading, axes)
        square.frame = frame
        return square

    def masks(self) -> VGroup:
        windows, theme = self.windows, self.theme
        title = self.words("labels.without_window") if windows.global_layer is None else \
            self.words("labels.global_layer", layer=windows.global_layer + 1)
        unwindowed = self.words("labels.unwindowed" if windows.global_layer is None else "labels.in_global")
        full = self.mask_square(title, theme.query, None)
        local = self.mask_square(self.words("labels.local_layer", layer=windows.local_layer + 1), theme.key,
                                 windows.window_fraction)
        pair = VGroup(full, local).arrange(RIGHT, buff=1.7)
        side = max(SENTENCE_MIN_SIDE, MASK_SIDE * windows.sentence_fraction)
        ours = VGroup(*(Square(side, stroke_color=theme.highlight, stroke_width=3).move_to(
            square.frame.get_corner(UP + LEFT), aligned_edge=UP + LEFT) for square in (full, local)))
        width = phrase(*worded(self.words, "labels.window_tokens",
                               window=NumberText(windows.window, 0, "windows.window", "small", color=theme.key)),
                       size="small", color=theme.key)
        width.next_to(local.frame, RIGHT, buff=0.15).align_to(local.frame, DOWN).shift(UP * 0.2)
        notes = VGroup(
            phrase(*worded(self.words, "labels.to_scale",
                           context=NumberText(windows.long_context, 0, "windows.long_context", "small"),
                           tokens=NumberText(windows.n_tokens, 0, "windows.n_tokens", "small")),
                   size="small", color=theme.muted),
            phrase(*worded(self.words, "labels.last_query", unwindowed=unwindowed,
                           seen_all=NumberText(windows.long_seen_global, 0, "windows.long_seen_global", "small"),
                           seen_local=NumberText(windows.long_seen_local, 0, "windows.long_seen_local", "small")),
                   size="small", color=theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        figure = VGroup(pair, ours, width)
        notes.next_to(figure, DOWN, buff=0.3)
        masks = VGroup(figure, notes)
        masks.scale(self.stage.fit_scale(masks, width=self.stage.width - 0.4, height=self.stage.height - 1.9))
        return masks.move_to([self.stage.centre[0], self.stage.bottom + 0.1, 0], aligned_edge=DOWN)

    def speeds(self) -> VGroup:
        """Degrees per position, and across the sentence, of a few pairs in a local and a global layer."""
        windows, theme = self.windows, self.theme
        across = lambda: phrase(*worded(self.words, "labels.across", steps=NumberText(
            windows.steps_across, 0, "windows.steps_across", "small")), size="small", color=theme.muted)
        header = phrase(self.words("labels.pair"), self.words("labels.local_speed"), across(),
                        self.words("labels.global_speed"), across(), size="small", color=theme.muted)
        rows = VGroup(header)
        for k, pair in enumerate(windows.pairs):
            number = lambda field, color: NumberText(getattr(windows, field)[k], 3, f"windows.{field}[{k}]", "small",
                                                     color=color, suffix="°")
            rows.add(phrase(str(pair + 1), number("local_degrees", theme.key), number("local_degrees_across", theme.key),
                            number("global_degrees", theme.query), number("global_degrees_across", theme.query),
                            size="small"))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        align_columns(rows, buff=0.45)
        rule = Line(rows[0].get_corner(DOWN + LEFT), rows[0].get_corner(DOWN + RIGHT), stroke_width=1,
                    color=theme.faint).shift(DOWN * 0.1)
        bases = phrase(*worded(self.words, "labels.bases",
                               local_base=NumberText(windows.local_base, 0, "windows.local_base", "small", color=theme.key),
                               global_base=NumberText(windows.global_base, 0, "windows.global_base", "small",
                                                      color=theme.query)),
                       size="small", color=theme.muted)
        table = VGroup(bases, VGroup(rows, rule)).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        return table.scale(self.stage.fit_scale(table, width=self.stage.width - 0.6, height=self.stage.height - 2.2))
