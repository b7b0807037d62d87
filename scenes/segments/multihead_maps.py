"""Segment 6's second step: some heads' weight maps as small multiples, on one grid (frames
lined up whatever chips stand beside them), one cell size and one set of axis ticks for all,
and a line under them saying how many of the heads they are."""
from __future__ import annotations

from manim import DOWN

from ..components import NumberMatrix, label
from ..components.heatmap import WeightHeatmap, marked_positions
from ..components.multi_head import WeightMaps
from ..components.small_multiples import SmallMultiples
from ..presentation import MAX_HEADS_SHOWN
from ..components.labels import pattern_name
from ..words import common

MIN_SCALE = 0.6  # below this a cell's number stops being readable
MAP_SIDE, MAPS_WIDTH = 4.2, 10.5  # a long sentence's weight maps (colour only): the most one may take, all


def weight_maps(scene) -> WeightMaps:
    """Up to four heads side by side (or 2 × 2): as many as fit with readable numbers."""
    trace, p = scene.trace, scene.presentation
    order, kinds = p.heads_shown(trace.head_patterns)
    side = min(MAP_SIDE, MAPS_WIDTH / min(trace.n_heads, MAX_HEADS_SHOWN))  # colour maps: as big as fit
    ticks = marked_positions(trace.n_tokens, side / trace.n_tokens, p.focus_query)  # one set for every map
    built: dict = {}

    def panel(h: int, with_tokens: bool, width: float | None):  # each built at most once
        if (h, with_tokens, width) not in built:
            built[h, with_tokens, width] = _weight_map(scene, h, kinds, with_tokens, side, ticks, width)
        return built[h, with_tokens, width]

    def arranged(count: int, columns: int) -> SmallMultiples:
        heads = list(enumerate(order[:count]))
        maps = [panel(h, k % columns == 0, None) for k, h in heads]
        if not p.colour_weights:  # one cell width, so every frame is the same size
            width = max(m.cell_width for m in maps)
            maps = [panel(h, k % columns == 0, width) for k, h in heads]
        return SmallMultiples.grid(maps, [m.frame for m in maps], columns, buff=(0.5, 0.35))

    for count in range(min(trace.n_heads, MAX_HEADS_SHOWN), 0, -1):
        columns = max([count] + ([2] if count >= 3 else []), key=lambda c: scene.fit_scale(arranged(count, c)))
        if scene.fit_scale(arranged(count, columns)) >= MIN_SCALE or count == 1:
            break
    grid = arranged(count, columns)
    words = scene.words
    said = ([words("labels.maps_shown", count=count, n_heads=trace.n_heads)] if count < trace.n_heads else []) \
        + [words("labels.maps_axes")] + ([words("labels.maps_darker")] if p.colour_weights else [])
    key = " · ".join(said)
    if p.colour_weights and p.weight_top < 1:
        key += " " + words("labels.maps_darkest", percent=round(p.weight_top * 100))
    key = label(key, "small", scene.theme.muted).next_to(grid, DOWN, buff=0.35)
    return scene.fit(WeightMaps(grid, key, heads=order[:count], grid=grid, key=key))


def _weight_map(scene, h: int, kinds, with_tokens: bool, side: float, ticks: list[int], width: float | None):
    """Head h's weights: a colour map (long sentences) or numbers, titled with its pattern."""
    trace, p, theme = scene.trace, scene.presentation, scene.theme
    title = common("head", head=h + 1) + (f" · {pattern_name(kinds[h])}" if kinds else "")
    if p.colour_weights:
        return WeightHeatmap(trace.heads[h].weights, f"heads[{h}].weights", trace.tokens, mask=trace.mask,
                             colour_only=True, focus=p.focus_query if with_tokens else None, side=side, legend=False,
                             note=None, axes=False, title=title, title_color=theme.head_color(h),
                             weight_top=p.weight_top, ticks=ticks)
    return NumberMatrix(trace.heads[h].weights, trace.precision, f"heads[{h}].weights", coloring="weight",
                        percents=(trace.heads[h].percentages, f"heads[{h}].percentages"), mask=trace.mask,
                        masked_text="·", frame_color=theme.head_color(h), title=title, cell_width=width,
                        row_tokens=trace.tokens if with_tokens else None)
