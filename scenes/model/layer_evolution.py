"""Layer by layer (seed 003): one head of the real model, the same head number in each of the
6 layers, as the attention graph beside its heatmap; then every layer's mean over its heads."""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, FadeTransform, LaggedStart, Mobject, ReplacementTransform, Transform, VGroup


from ..base import corner_title
from ..components import label
from ..components.attention_graph import AttentionGraph
from ..components.heatmap import ColorGrid, WeightHeatmap
from ..components.labels import weight_legend
from ..components.parts import Parts
from .colour_map import ColourMap, colour_map, position_axes
from ..words import words
from .common import LayerStepper, ModelScene, row_chips
from .patterns import kind_name

MEAN_SIDE = 2.6  # a long sentence's layer means: side of each square (position numbers, no chips)


class LayerEvolution(ModelScene):
    segment = "layer-evolution"

    def construct(self) -> None:
        model, head = self.model, self.focus_head
        corner_title(self, self.words("title"), self.words("subtitle", head=head + 1))
        stepper = LayerStepper(model.n_layers, self.theme).to_corner(UP + RIGHT, buff=0.6)  # its marker too inside the safe margin

        self.step("layer-1", self.words("layer-1.caption", layers=model.n_layers, heads=model.n_heads, head=head + 1))
        view = self.view(0)
        self.play(FadeIn(stepper), FadeIn(view.title), FadeIn(view.heatmap),
                  FadeIn(VGroup(view.graph.query_chips, view.graph.key_chips, view.graph.heading, view.graph.legend,
                                *view.notes)))
        self.play(view.graph.draw_in())
        self.hold_for_caption(1.5)

        for layer in range(1, model.n_layers):
            self.step(f"layer-{layer + 1}", self.layer_caption(layer))
            following = self.view(layer)
            self.play(Transform(stepper.marker, stepper.box(layer)), ReplacementTransform(view.graph, following.graph),
                      FadeTransform(view.heatmap, following.heatmap), FadeTransform(view.title, following.title),
                      *(FadeTransform(a, b) for a, b in zip(view.notes, following.notes)), run_time=1.2)
            view = following
            self.hold_for_caption(1.2)

        self.step("mean", self.words("mean.caption", heads=model.n_heads, layers=model.n_layers))
        means = self.means()
        self.play(FadeOut(VGroup(view.graph, view.heatmap, view.title, stepper, *view.notes)),
                  LaggedStart(*(FadeIn(m, shift=UP * 0.2) for m in means), lag_ratio=0.15), run_time=1.6)
        self.hold_for_caption(1.5)

    def layer_caption(self, layer: int) -> str:
        return self.words("layer.second" if layer == 1 else "layer.caption", layer=layer + 1, head=self.focus_head + 1,
                          previous=layer)

    def view(self, layer: int) -> HeadView:
        """Graph left, heatmap (percentages) right, a title naming the head and its pattern class."""
        model, h = self.model, self.focus_head
        attention = model.layers[layer].attention
        weights = attention.heads[h].weights
        color = self.theme.head_color(h)
        graph, note = self.graph(layer)
        source = self.model_head_source(layer, h)
        percents = (attention.heads[h].percentages, f"{source}.percentages")
        if self.presentation.model_numbers:
            heatmap = WeightHeatmap(weights, f"{source}.weights", model.tokens, mask=attention.mask, percents=percents,
                                    note=None)
        else:
            heatmap = colour_map(self.presentation, weights, percents, model.tokens, mask=attention.mask, side=3.6,
                                 note=None, legend=False)
        lines = VGroup(graph, *([note] if note else []))
        pair = VGroup(lines, heatmap).arrange(RIGHT, buff=0.6)
        kind = model.head_patterns[layer][h].kind
        title = VGroup(label(words("model-common")("layer_head", layer=layer + 1, head=h + 1), "heading", color,
                             weight="BOLD"),
                       label(self.words("labels.pattern", kind=kind_name(kind)), "label", self.theme.muted)).arrange(RIGHT, buff=0.4)
        title.next_to(pair, UP, buff=0.3)
        self.stage.fit(VGroup(pair, title))
        return HeadView(lines, heatmap, title, graph=graph, graph_note=note, heatmap=heatmap, title=title)

    def graph(self, layer: int) -> tuple[AttentionGraph, Mobject | None]:
        """The head as lines. For a long sentence (the layout policy's graph_tokens and
        graph_threshold) only a window of tokens around the focus query, lines only from the
        threshold up, both said under the graph."""
        model, h, p = self.model, self.focus_head, self.presentation
        attention = model.layers[layer].attention
        shown = p.graph_tokens()
        weights = attention.heads[h].weights[np.ix_(shown, shown)]
        drawn = attention.mask[np.ix_(shown, shown)] & (weights >= p.graph_threshold)
        graph = AttentionGraph([model.tokens[i] for i in shown], weights, drawn, self.theme.head_color(h),
                               words("model-common")("layer_head", layer=layer + 1, head=h + 1), height=min(4.6, 0.6 * len(shown)), gap=2.4,
                               chip_width=1.5, token_indices=shown)
        notes = []
        if len(shown) < len(model.tokens):
            notes.append(self.words("labels.graph_tokens", first=shown[0] + 1, last=shown[-1] + 1, count=len(model.tokens)))
        if p.graph_threshold > 0:
            notes.append(self.words("labels.graph_threshold", threshold=f"{p.graph_threshold:.0%}"))
        if not notes:
            return graph, None
        return graph, label("\n".join(notes), "small", self.theme.muted).next_to(graph, DOWN, buff=0.2)

    def means(self) -> VGroup:
        """The layers' head-averaged weights as colour-only squares, two rows of three, tokens on
        the left of each row (built with a 0.4 row pitch so the chips fit, then scaled as a whole);
        for a long sentence position numbers instead of chips."""
        model = self.model
        mask = model.layers[0].attention.mask
        chips = self.presentation.model_numbers
        side = 0.4 * len(model.tokens) if chips else MEAN_SIDE
        grids = VGroup()
        for layer in range(model.n_layers):
            grid = ColorGrid(model.layer_means[layer].weights, width=side, height=side, coloring="weight",
                             mask=mask, frame_color=self.theme.faint, stroke_width=1)
            marks = VGroup() if chips else position_axes(grid, self.presentation.axis_ticks(every=16), axis_names=False)
            name = label(words("model-common")("layer_n", layer=layer + 1), "label", self.theme.ink).next_to(VGroup(grid, marks), UP, buff=0.15)
            grids.add(VGroup(grid, name, marks))
        grids.arrange_in_grid(cols=3, buff=(0.4, 0.35))
        group = VGroup(grids)
        if chips:
            group.add(*(row_chips(model.tokens, grids[start][0]) for start in range(0, model.n_layers, 3)))
        legend = weight_legend(height=side).next_to(grids, RIGHT, buff=0.4).align_to(grids[0][0], UP)
        group.add(legend)
        note = label(self.words("labels.means_note"), "label", self.theme.muted)
        note.next_to(group, DOWN, buff=0.35)
        return self.stage.fit(VGroup(group, note))


# Parts of the pictures ------------------------------------------------------------
class HeadView(Parts):
    """One head of one layer. Parts: `graph` (AttentionGraph, left), `heatmap` (its percentages,
    right), `title` (the layer and head, and its pattern class), `graph_note` (for a long
    sentence, which tokens the graph draws and from which weight; else None)."""
    graph: AttentionGraph
    graph_note: Mobject | None
    heatmap: WeightHeatmap | ColourMap
    title: VGroup


    @property
    def notes(self) -> list[Mobject]:
        """The graph's note as a list (empty without one), to fade in and out with the graph."""
        return [self.graph_note] if self.graph_note is not None else []
