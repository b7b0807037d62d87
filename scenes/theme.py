"""The one colour theme: every colour, font and size a scene uses is looked up here.

Light background, like the user's figure specs (seeds 000/001) and like the slides
people paste stills into. Palettes: tokens, Q/K/V and heads from seed 001.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from manim import ManimColor, interpolate_color


@dataclass(frozen=True)
class PanelTints:
    """Pastel panel backgrounds: seed 000's figure sections and seed 001's three panels."""
    input: str = "#D6EAF8"  # seed 000: light blue
    projections: str = "#F2F3F4"  # neutral: the Q/K/V colours carry this panel
    scores: str = "#FEF9E7"  # light yellow
    softmax: str = "#E8DAEF"  # light purple
    output: str = "#D5F5E3"  # light green
    multihead: str = "#FAE5D3"  # light orange
    notes: str = "#F4F6F7"
    panel_a: str = "#EAF2FD"  # seed 001: mechanism (blue)
    panel_b: str = "#F1ECFB"  # calculation (purple)
    panel_c: str = "#FCEEF5"  # heads and behaviour (pink)


@dataclass(frozen=True)
class FigureStyle:
    """The static figure (self_attention.png): its pixels, paper and type sizes.

    Type sizes are in pixels at 800 × 500, where nothing a reader must read is below 10 px.
    Text is built at one of the theme's font sizes and scaled to its size here: `px_of` says
    what a theme font size measures in this frame.
    """
    pixels: tuple[int, int] = (800, 500)
    frame: tuple[float, float] = (12.8, 8.0)  # 62.5 px per unit
    background: str = "#FFFFFF"  # white paper (and a transparent twin)
    text_px: dict = field(default_factory=lambda: {
        "title": 21, "heading": 12.5, "formula": 12.5, "number": 11, "note": 10.5,
        "name": 11,  # head names, "concat", "output" in the multi-head strip
        "grid_name": 13.5,  # X, Q, K, V over their grids
        "flow_note": 11.5, "flow_formula": 12,  # the top row shrinks ~10 % to fit 800 px: it starts larger
    })
    # Measured: a theme font-size point of Pango text is this many frame units tall; TeX runs smaller.
    text_units_per_point: float = 0.01456
    tex_units_per_point: float = 0.01556  # 0.014 measured at TeX × 1.35, now Theme.tex_scale 1.5

    def px(self, role: str) -> float:
        return self.text_px[role]

    def px_of(self, font_size: float, tex: bool = False) -> float:
        """What text (or TeX) at a theme font size measures in the figure, in pixels."""
        per_point = self.tex_units_per_point if tex else self.text_units_per_point
        return font_size * per_point * self.pixels[0] / self.frame[0]


@dataclass(frozen=True)
class Theme:
    background: str = "#FBFAF7"
    ink: str = "#1F2937"  # main text
    muted: str = "#6B7280"  # secondary text, shape labels
    faint: str = "#D1D5DB"  # grid lines, masked cells
    cell_fill: str = "#FFFFFF"
    masked_fill: str = "#E5E7EB"
    highlight: str = "#F43F5E"  # the row/column/cell being worked on
    # seed 001: each token keeps its colour in every segment.
    token_colors: tuple[str, ...] = ("#FF6B6B", "#4ECDC4", "#45B7D1", "#FFA07A", "#98D8C8", "#F7DC6F", "#B39DDB",
                                     "#F48FB1")
    # Heads: seed 001's head palette without the hues Q, K and V already own (blue, green,
    # amber), so a head's frame never reads as "the query" or "the value".
    head_colors: tuple[str, ...] = ("#8B5CF6", "#EC4899", "#06B6D4", "#EF4444", "#84CC16", "#A16207", "#0F766E",
                                    "#64748B")
    # seed 001: Q blue, K green, V amber, in every segment, legend and figure.
    query: str = "#3B82F6"
    key: str = "#10B981"
    value: str = "#F59E0B"
    output: str = "#334155"
    # Values: sign → hue, magnitude → intensity.
    positive: str = "#2563EB"
    negative: str = "#DC2626"
    # Attention weights: one sequential scale, darker = higher.
    weight_low: str = "#F5F3FF"
    weight_high: str = "#4C1D95"
    # The same scale for colour-blind viewers (the explorer's option): cividis, light to dark, whose
    # steps differ in lightness and along blue–yellow, the axis every colour vision keeps.
    weight_scale_safe: tuple[str, ...] = ("#FDE945", "#CBBA69", "#958F78", "#666970", "#31446B", "#00224E")
    panels: PanelTints = field(default_factory=PanelTints)
    figure: FigureStyle = field(default_factory=FigureStyle)
    font: str = "DejaVu Sans"
    mono_font: str = "DejaVu Sans Mono"
    # TeX at a theme size × this: its capitals then stand ~27 px at 1080p for "body" (× 1.35 left a
    # fitted formula under the layout checker's 18 px, issue 26); still a little smaller than text.
    tex_scale: float = 1.5
    sizes: dict = field(default_factory=lambda: {
        "title": 40, "heading": 32, "body": 28, "label": 26, "cell": 24, "small": 20, "caption": 24,
    })

    def token_color(self, index: int) -> ManimColor:
        return ManimColor(self.token_colors[index % len(self.token_colors)])

    def head_color(self, index: int) -> ManimColor:
        return ManimColor(self.head_colors[index % len(self.head_colors)])

    def value_color(self, value: float, scale: float) -> ManimColor:
        """Sign picks the hue, |value| / scale the intensity (0 → white cell)."""
        strength = min(abs(value) / scale, 1.0) * 0.55 if scale > 0 else 0.0
        hue = self.positive if value >= 0 else self.negative
        return interpolate_color(ManimColor(self.cell_fill), ManimColor(hue), strength)

    def weight_color(self, weight: float) -> ManimColor:
        return interpolate_color(ManimColor(self.weight_low), ManimColor(self.weight_high), min(max(weight, 0.0), 1.0) ** 0.8)

    def text_on(self, fill: ManimColor) -> ManimColor:
        """Dark ink on light fills, white on dark ones, so numbers stay readable."""
        r, g, b = fill.to_rgb()
        return ManimColor("#FFFFFF") if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else ManimColor(self.ink)

    def role_color(self, role: str) -> ManimColor:
        return ManimColor({"q": self.query, "k": self.key, "v": self.value, "o": self.output}.get(role, self.ink))


THEME = Theme()


def current_theme() -> Theme:
    """Looked up when a mobject is built, never frozen into default arguments."""
    return THEME
