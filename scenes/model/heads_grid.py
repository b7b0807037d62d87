"""All 6 × 12 heads of the real model at once (like BertViz's model view), each labelled with
its pattern class by a stated rule (attention_math.head_patterns), then one head of each class."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, VGroup

from attention_math.head_patterns import PATTERN_RULES

from ..base import corner_title
from ..components import NumberText, fit_width, label
from ..components.heatmap import ColorGrid
from ..components.labels import weight_legend
from ..components.parts import Parts
from .colour_map import position_axes
from ..words import words
from .common import ModelScene, row_chips
from .patterns import SLUGS, kind_name, kind_rule


def tag(kind: str) -> str:
    """The short tag under a small square (a square is ~1 unit wide); the rules table spells it out."""
    return words("model-common")(f"tags.{SLUGS[kind][0]}")
SQUARE = 0.72  # side of one head's heatmap in the grid
PITCH = (1.06, 1.07)  # grid spacing: across (heads), down (layers)
EXAMPLE_SIDE = 2.1  # a long sentence's example heads: side of each square (position numbers, no chips)


class HeadsGrid(ModelScene):
    segment = "heads-grid"

    def construct(self) -> None:
        model = self.model
        corner_title(self, self.words("title"), self.words("subtitle", layers=model.n_layers, heads=model.n_heads))

        self.step("grid", self.words("grid.caption", layers=model.n_layers, heads=model.n_heads))
        grid = self.grid()
        self.play(FadeIn(grid.headers), LaggedStart(*(FadeIn(row) for row in grid.rows), lag_ratio=0.15), run_time=1.6)
        self.hold_for_caption(1.5)

        self.step("labels", self.words("labels.caption"))
        self.play(LaggedStart(*(FadeIn(tags, shift=UP * 0.1) for tags in grid.tags), lag_ratio=0.1), run_time=1.4)
        self.hold_for_caption(1.5)

        self.step("rules", self.words("rules.caption"))
        rules = self.rules_table()
        self.play(FadeOut(grid), FadeIn(rules, shift=UP * 0.2), run_time=1.0)
        self.hold_for_caption(2.0)

        self.step("examples", self.words("examples.caption"))
        examples = self.examples()
        self.play(FadeOut(rules), LaggedStart(*(FadeIn(e, shift=UP * 0.2) for e in examples), lag_ratio=0.15),
                  run_time=1.4)
        self.hold_for_caption(2.0)

    def grid(self) -> HeadSquares:
        """Squares at fixed pitch, "layer k" left of each row, head numbers above, a tag under each square."""
        model, theme = self.model, self.theme
        rows, all_tags = VGroup(), VGroup()
        # A model smaller than MiniLM's 6 × 12 gets larger squares (text keeps its size).
        zoom = max(1.0, min(2.5, 0.8 * self.stage.width / (model.n_heads * PITCH[0]),
                            0.8 * self.stage.height / (model.n_layers * PITCH[1])))
        side, pitch = SQUARE * zoom, (PITCH[0] * zoom, PITCH[1] * zoom)
        for l, layer in enumerate(model.layers):
            row, tags = VGroup(), VGroup()
            for h, head in enumerate(layer.attention.heads):
                square = ColorGrid(head.weights, width=side, height=side, coloring="weight",
                                   mask=layer.attention.mask, frame_color=theme.faint, stroke_width=1)
                # A ColorGrid is built centred on the origin: shift it, and place things by its frame,
                # not by its 64 × 64 cells' points (bounding boxes over them cost most of the build).
                square.shift([h * pitch[0], -l * pitch[1], 0])
                row.add(square)
                kind = model.head_patterns[l][h].kind
                tag_text = fit_width(label(tag(kind), "small", theme.muted if kind == "mixed" else theme.ink), pitch[0] - 0.1)
                tags.add(tag_text.next_to(square.frame, DOWN, buff=0.05))
            row.add(label(words("model-common")("layer_n", layer=l + 1), "small", theme.muted).next_to(row[0].frame, LEFT, buff=0.2))
            rows.add(row)
            all_tags.add(tags)
        headers = VGroup(*(label(f"{h + 1}", "small", theme.muted).next_to(rows[0][h].frame, UP, buff=0.1)
                           for h in range(model.n_heads)))
        headers.add(label(words("model-common")("head"), "small", theme.muted).next_to(headers[0], LEFT, buff=0.3))
        frames = VGroup(*(square.frame for row in rows for square in row[:-1]))
        legend = weight_legend(height=2.0).next_to(frames, RIGHT, buff=0.3).align_to(frames, UP)
        grid = HeadSquares(rows, all_tags, headers, legend, rows=rows, tags=all_tags, headers=headers)
        rows.add(legend)  # appears with the squares
        return self.stage.fit(grid)

    def rules_table(self) -> VGroup:
        """Tag | label | rule, one line per class, in the order they are checked."""
        theme = self.theme
        lines = VGroup()
        for kind in PATTERN_RULES:
            line = VGroup(label(tag(kind), "label", theme.ink, weight="BOLD"), label(kind_name(kind), "label", theme.muted),
                          label(kind_rule(kind), "label", theme.ink))
            lines.add(line)
        columns = [max(line[k].width for line in lines) for k in range(3)]
        for y, line in enumerate(lines):
            x = 0.0
            for k, part in enumerate(line):
                part.move_to([x, -y * 0.6, 0], aligned_edge=LEFT)
                x += columns[k] + 0.5
        note = label(self.words("labels.score_note"), "small", theme.muted).next_to(lines, DOWN, buff=0.45).align_to(lines, LEFT)
        return self.stage.fit(VGroup(lines, note))

    def examples(self) -> VGroup:
        """For each class that occurs, its clearest head (the highest score; for "mixed" the lowest,
        the head furthest from every pattern): a larger square with tokens, the head's name, its
        class and score (model.clearest_heads, model.head_patterns)."""
        model, theme = self.model, self.theme
        best = model.clearest_heads
        chips = self.presentation.model_numbers
        side = 0.4 * len(model.tokens) if chips else EXAMPLE_SIDE  # 0.4 per row: room for a token chip
        cards = VGroup()
        for kind in (k for k in PATTERN_RULES if k in best):
            l, h = best[kind]
            attention = model.layers[l].attention
            square = ColorGrid(attention.heads[h].weights, width=side, height=side, coloring="weight",
                               mask=attention.mask, frame_color=theme.faint, stroke_width=1)
            marks = VGroup() if chips else position_axes(square, self.presentation.axis_ticks(every=16), axis_names=False)
            # Long sentences: narrow squares, so the name takes two lines instead of widening the card.
            name = label(words("model-common")("layer_head" if chips else "layer_head_lines", layer=l + 1, head=h + 1),
                         "label", theme.ink, weight="BOLD")
            score = VGroup(label(words("model-common")("score"), "small", theme.muted),
                           NumberText(model.head_patterns[l][h].score, 2, f"model.head_patterns[{l}][{h}].score",
                                      "small")).arrange(RIGHT, buff=0.15)
            # A language's longer words shrink to the square's width (English's fit) rather than the whole row.
            said = [fit_width(part, side + 0.2) for part in (name, label(kind_name(kind), "label", theme.ink), score)]
            cards.add(VGroup(said[0], VGroup(square, marks), *said[1:]).arrange(DOWN, buff=0.2))
        cards.arrange(RIGHT, buff=0.5, aligned_edge=UP)
        labels = row_chips(model.tokens, cards[0][1][0]) if chips else VGroup()
        return self.stage.fit(VGroup(labels, *cards))


# Parts of the pictures ------------------------------------------------------------
class HeadSquares(Parts):
    """Every head's weights as a small square, a row per layer. Parts: `rows` (each layer's
    squares and "layer k"; the legend joins them), `tags` (each square's pattern tag, a group per
    layer), `headers` (the head numbers above the first row)."""
    rows: VGroup
    tags: VGroup
    headers: VGroup
