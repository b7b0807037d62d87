"""All 30 × 9 heads of SmolLM2 at once, each a small colour-only heatmap with a one-letter pattern
tag (attention_math.head_patterns, the first-token sink included), then the rules, then the
clearest head of each class."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, VGroup

from attention_math.head_patterns import pattern_rules

from ..base import corner_title
from ..components import NumberText, fit_width, label
from ..components.heatmap import ColorGrid
from ..components.labels import weight_legend
from ..model.patterns import SLUGS, kind_name, kind_rule
from ..words import words
from .common import DecoderScene

# One letter per class beside each small square; the legend and the rules table spell them out.
TAGS = {"previous token": "P", "next token": "N", "self": "S", "[CLS] sink": "C", "[SEP] sink": "E",
        "first-token sink": "F", "broad": "B", "mixed": "M"}
# What each class looks like in a heatmap, for the examples' caption: the words' examples.<slug>.
LAYERS_PER_BLOCK = 15  # 30 layers as two blocks side by side: 15 rows fit 720p with room for a letter
SQUARE = 0.36  # side of one head's heatmap
PITCH = (0.62, 0.43)  # across (heads), down (layers)


def grid_zoom(n_layers: int, n_heads: int, n_blocks: int) -> float:
    """How much larger than SmolLM2's 30 × 9 squares a smaller model's may be (at most 3×)."""
    rows = min(n_layers, LAYERS_PER_BLOCK)
    return max(1.0, min(3.0, 6.0 / (rows * PITCH[1]), 9.5 / (n_blocks * n_heads * PITCH[0] + n_blocks)))


class DecoderHeadsGrid(DecoderScene):
    segment = "decoder-heads-grid"

    @staticmethod
    def applies(spec) -> bool:
        return True

    def construct(self) -> None:
        model = self.model
        corner_title(self, self.words("title"), self.words("subtitle", layers=model.n_layers, heads=model.n_heads))

        self.step("grid", self.words("grid.caption", model=self.spec.name, layers=model.n_layers, heads=model.n_heads))
        grid = self.grid()
        self.play(FadeIn(grid.frame_parts), LaggedStart(*(FadeIn(row) for row in grid.rows), lag_ratio=0.05),
                  run_time=1.8)
        self.hold_for_caption(1.5)

        sinks = model.pattern_counts["first-token sink"]
        share = "labels.most" if 2 * sinks > model.n_layers * model.n_heads else "labels.caption" if sinks else "labels.none"
        self.step("labels", self.words(share))
        self.play(LaggedStart(*(FadeIn(tags) for tags in grid.tags), lag_ratio=0.05), FadeIn(grid.key),
                  run_time=1.6)
        self.hold_for_caption(1.5)

        self.step("rules", self.words("rules.caption"))
        rules = self.rules_table()
        self.play(FadeOut(grid), FadeIn(rules, shift=UP * 0.2), run_time=1.0)
        self.hold_for_caption(2.0)

        looks = self.words("examples.joiner").join(self.words(f"examples.{SLUGS[kind][0]}")
                                                   for kind in pattern_rules(model.tokens) if kind in model.clearest_heads)
        self.step("examples", self.words("examples.caption", looks=looks))
        examples = self.examples()
        self.play(FadeOut(rules), LaggedStart(*(FadeIn(card, shift=UP * 0.2) for card in examples), lag_ratio=0.15),
                  run_time=1.4)
        self.hold_for_caption(2.0)

    def grid(self) -> VGroup:
        """Two blocks of 15 layers; per block a "layer" column, head numbers above; a letter right of
        each square; the weight legend and the letter key on the right."""
        model, theme = self.model, self.theme
        grid = VGroup()
        grid.rows, grid.tags, grid.frame_parts = VGroup(), VGroup(), VGroup()
        n_blocks = -(-model.n_layers // LAYERS_PER_BLOCK)
        zoom = grid_zoom(model.n_layers, model.n_heads, n_blocks)  # a small model's squares fill the space
        pitch, square_side = (PITCH[0] * zoom, PITCH[1] * zoom), SQUARE * zoom
        block_width = model.n_heads * pitch[0] + 1.0
        for l, layer in enumerate(model.layers):
            block, row_in_block = divmod(l, LAYERS_PER_BLOCK)
            origin = (block * block_width, -row_in_block * pitch[1])
            row, tags = VGroup(), VGroup()
            for h, head in enumerate(layer.attention.heads):
                square = ColorGrid(head.weights, width=square_side, height=square_side, coloring="weight",
                                   mask=layer.attention.mask, frame_color=theme.faint, stroke_width=1)
                row.add(square.move_to([origin[0] + h * pitch[0], origin[1], 0]))
                kind = model.head_patterns[l][h].kind
                tag = label(TAGS[kind], "small", theme.muted if kind == "mixed" else theme.ink, weight="BOLD")
                tags.add(tag.scale(0.8).next_to(square, RIGHT, buff=0.05))
            row.add(label(str(l + 1), "small", theme.muted).scale(0.85).next_to(row[0], LEFT, buff=0.18))
            grid.rows.add(row)
            grid.tags.add(tags)
        for block in range(n_blocks):
            first = grid.rows[block * LAYERS_PER_BLOCK]
            numbers = VGroup(*(label(str(h + 1), "small", theme.muted).scale(0.85).next_to(first[h], UP, buff=0.1)
                               for h in range(model.n_heads)))
            head = label(words("decoder-common")("head"), "small", theme.muted).scale(0.85).next_to(numbers, LEFT, buff=0.15)
            start = block * LAYERS_PER_BLOCK
            end = min(start + LAYERS_PER_BLOCK, model.n_layers)
            title = label(self.words("labels.layers_span", first=start + 1, last=end) if end > start + 1
                          else words("model-common")("layer_n", layer=1), "small", theme.ink, weight="BOLD")
            grid.frame_parts.add(numbers, head, title.next_to(numbers, UP, buff=0.15))
        body = VGroup(grid.rows, grid.tags, grid.frame_parts)
        legend = weight_legend(height=2.0).next_to(body, RIGHT, buff=0.45).align_to(body, UP)
        grid.key = self.tag_key().next_to(legend, DOWN, buff=0.4).align_to(legend, LEFT)
        grid.frame_parts.add(legend)
        grid.add(body, grid.key)
        return self.stage.fit(grid)

    def tag_key(self) -> VGroup:
        """"F  first-token sink" … for the classes this prompt's heads have."""
        theme, counts = self.theme, self.model.pattern_counts
        lines = VGroup()
        for y, kind in enumerate(kind for kind in pattern_rules(self.model.tokens) if counts[kind]):
            letter = label(TAGS[kind], "small", theme.ink, weight="BOLD").move_to([0, -0.34 * y, 0])
            lines.add(VGroup(letter, label(kind_name(kind), "small", theme.muted).move_to([0.32, -0.34 * y, 0], aligned_edge=LEFT)))
        return lines

    def rules_table(self) -> VGroup:
        """Letter | class | rule | heads it names, one line per rule that can apply to this prompt."""
        theme, model = self.theme, self.model
        lines = VGroup()
        for kind in pattern_rules(model.tokens):
            count = NumberText(model.pattern_counts[kind], 0, f"model.pattern_counts['{kind}']", "label",
                               weight="BOLD")
            lines.add(VGroup(label(TAGS[kind], "label", theme.ink, weight="BOLD"), label(kind_name(kind), "label", theme.muted),
                             label(kind_rule(kind), "label", theme.ink), count))
        header = VGroup(label("", "small", theme.muted),
                        *(label(self.words(f"labels.{name}"), "small", theme.muted) for name in ("class", "rule", "heads")))
        lines.add_to_back(header)
        widths = [max(line[k].width for line in lines) for k in range(4)]
        for y, line in enumerate(lines):
            x = 0.0
            for k, part in enumerate(line):
                anchor = RIGHT if k == 3 else LEFT  # counts right-aligned under "heads"
                part.move_to([x + (widths[k] if k == 3 else 0), -y * 0.62, 0], aligned_edge=anchor)
                x += widths[k] + 0.45
        total = VGroup(label(self.words("labels.of"), "small", theme.muted),
                       label(self.words("labels.all_heads", layers=model.n_layers, heads=model.n_heads), "small", theme.muted))
        total.arrange(RIGHT, buff=0.12).next_to(lines, DOWN, buff=0.3).align_to(lines, RIGHT)
        note = label(self.words("labels.score_note"), "small", theme.muted).next_to(total, DOWN, buff=0.35).align_to(lines, LEFT)
        return self.stage.fit(VGroup(lines, total, note))

    def examples(self) -> VGroup:
        """The clearest head of each class that occurs (model.clearest_heads), in the rules' order."""
        model, theme = self.model, self.theme
        best = model.clearest_heads
        cards = VGroup()
        for kind in (k for k in pattern_rules(model.tokens) if k in best):
            l, h = best[kind]
            attention = model.layers[l].attention
            square = ColorGrid(attention.heads[h].weights, width=2.3, height=2.3, coloring="weight",
                               mask=attention.mask, frame_color=theme.faint, stroke_width=1)
            name = label(words("decoder-common")("layer_head", layer=l + 1, head=h + 1), "small", theme.ink, weight="BOLD")
            kind_line = VGroup(label(TAGS[kind], "small", theme.ink, weight="BOLD"), label(kind_name(kind), "small", theme.ink))
            score = VGroup(label(words("model-common")("score"), "small", theme.muted),
                           NumberText(model.head_patterns[l][h].score, 2, f"model.head_patterns[{l}][{h}].score",
                                      "small")).arrange(RIGHT, buff=0.15)
            cards.add(VGroup(fit_width(name, 2.5), square, fit_width(kind_line.arrange(RIGHT, buff=0.15), 2.5), score)
                      .arrange(DOWN, buff=0.2))
        cards.arrange(RIGHT, buff=0.4, aligned_edge=UP)
        first, last = model.tokens[0].strip() or model.tokens[0], model.tokens[-1].strip() or model.tokens[-1]
        axes = label(self.words("labels.axes", first=first, last=last), "small", theme.muted).next_to(cards, DOWN, buff=0.45)
        return self.stage.fit(VGroup(cards, fit_width(axes, max(cards.width, self.stage.width))))
