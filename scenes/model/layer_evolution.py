"""Layer by layer (seed 003): one head of the real model, the same head number in each of the
6 layers, as the attention graph beside its heatmap; then every layer's mean over its heads."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, FadeTransform, LaggedStart, ReplacementTransform, Transform, VGroup


from ..base import corner_title
from ..components import TokenChip, label
from ..components.attention_graph import AttentionGraph
from ..components.heatmap import ColorGrid, WeightHeatmap
from ..components.labels import weight_legend
from ..components.parts import Parts
from .common import ModelScene, LayerStepper


class LayerEvolution(ModelScene):
    segment = "layer-evolution"

    def construct(self) -> None:
        model, head = self.model, self.focus_head
        corner_title(self, "Layer by layer", f"head {head + 1}")
        stepper = LayerStepper(model.n_layers, self.theme).to_corner(UP + RIGHT, buff=0.45)

        self.step("layer-1", f"The real model has {model.n_layers} layers, each with {model.n_heads} heads of its "
                             f"own. Here is head {head + 1} of layer 1 on this sentence: as lines, and as a heatmap.")
        view = self.view(0)
        self.play(FadeIn(stepper), FadeIn(view.title), FadeIn(view.heatmap),
                  FadeIn(VGroup(view.graph.query_chips, view.graph.key_chips, view.graph.heading, view.graph.legend)))
        self.play(view.graph.draw_in())
        self.hold_for_caption(1.5)

        for layer in range(1, model.n_layers):
            self.step(f"layer-{layer + 1}", self.layer_caption(layer))
            following = self.view(layer)
            self.play(Transform(stepper.marker, stepper.box(layer)), ReplacementTransform(view.graph, following.graph),
                      FadeTransform(view.heatmap, following.heatmap), FadeTransform(view.title, following.title),
                      run_time=1.2)
            view = following
            self.hold_for_caption(1.2)

        self.step("mean", f"Now each layer averaged over all {model.n_heads} of its heads, layer 1 to "
                          f"{model.n_layers}. Columns that stay dark are tokens that soak up attention in "
                          "many heads, such as [CLS].")
        means = self.means()
        self.play(FadeOut(VGroup(view.graph, view.heatmap, view.title, stepper)),
                  LaggedStart(*(FadeIn(m, shift=UP * 0.2) for m in means), lag_ratio=0.15), run_time=1.6)
        self.hold_for_caption(1.5)

    def layer_caption(self, layer: int) -> str:
        head = self.focus_head + 1
        text = f"Layer {layer + 1}, head {head}: a different head with its own weights, reading layer {layer}'s output."
        return text + (" The same number is all it shares with head " f"{head} of layer 1." if layer == 1 else "")

    def view(self, layer: int) -> HeadView:
        """Graph left, heatmap (percentages) right, a title naming the head and its pattern class."""
        model, h = self.model, self.focus_head
        attention = model.layers[layer].attention
        weights = attention.heads[h].weights
        color = self.theme.head_color(h)
        graph = AttentionGraph(model.tokens, weights, attention.mask, color, f"layer {layer + 1} · head {h + 1}",
                               height=min(4.6, 0.6 * len(model.tokens)), gap=3.0, chip_width=1.5)
        source = self.model_head_source(layer, h)
        heatmap = WeightHeatmap(weights, f"{source}.weights", model.tokens, mask=attention.mask,
                                percents=(attention.heads[h].percentages, f"{source}.percentages"), note=None)
        pair = VGroup(graph, heatmap).arrange(RIGHT, buff=0.8)
        kind = model.head_patterns[layer][h].kind
        title = VGroup(label(f"layer {layer + 1} · head {h + 1}", "heading", color, weight="BOLD"),
                       label(f"pattern: {kind}", "label", self.theme.muted)).arrange(RIGHT, buff=0.4)
        title.next_to(pair, UP, buff=0.3)
        self.stage.fit(VGroup(pair, title))
        return HeadView(graph, heatmap, title, graph=graph, heatmap=heatmap, title=title)

    def means(self) -> VGroup:
        """The layers' head-averaged weights as colour-only squares, two rows of three, tokens on
        the left of each row (built with a 0.4 row pitch so the chips fit, then scaled as a whole)."""
        model = self.model
        n = len(model.tokens)
        mask = model.layers[0].attention.mask
        side = 0.4 * n
        grids = VGroup()
        for layer in range(model.n_layers):
            grid = ColorGrid(model.layer_means[layer].weights, width=side, height=side, coloring="weight",
                             mask=mask, frame_color=self.theme.faint, stroke_width=1)
            name = label(f"layer {layer + 1}", "label", self.theme.ink).next_to(grid, UP, buff=0.15)
            grids.add(VGroup(grid, name))
        grids.arrange_in_grid(cols=3, buff=(0.4, 0.35))
        chips = VGroup()
        for row_start in range(0, model.n_layers, 3):
            first = grids[row_start][0]
            chips.add(*(TokenChip(token, i, max_width=1.5, height=0.36, size="small")
                        .move_to(first.get_corner(UP + LEFT) + DOWN * 0.4 * (i + 0.5) + LEFT * 0.12, aligned_edge=RIGHT)
                        for i, token in enumerate(model.tokens)))
        legend = weight_legend(height=side).next_to(grids, RIGHT, buff=0.4).align_to(grids[0][0], UP)
        group = VGroup(chips, grids, legend)
        note = label("rows: queries · columns: keys · darker = more attention", "label", self.theme.muted)
        note.next_to(group, DOWN, buff=0.35)
        return self.stage.fit(VGroup(group, note))


# Parts of the pictures ------------------------------------------------------------
class HeadView(Parts):
    """One head of one layer. Parts: `graph` (AttentionGraph, left), `heatmap` (its percentages,
    right), `title` (the layer and head, and its pattern class)."""
    graph: AttentionGraph
    heatmap: WeightHeatmap
    title: VGroup
