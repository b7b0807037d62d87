"""Code and formulas with coloured parts: a line of Python whose pieces take the Q/K/V
colours (seed 002's dictionary analogy), and a fixed TeX formula coloured piece by piece."""
from __future__ import annotations

from manim import MathTex, Text, VGroup

from ..theme import current_theme


class CodeLine(Text):
    """One line of code in the mono font. `spans` colours slices of the line
    ({(start, end): colour}, indices into `code`); `part(start, end)` gives those glyphs."""
    code: str

    def __init__(self, code: str, spans: dict[tuple[int, int], object] | None = None, size: str = "body",
                 color=None) -> None:
        theme = current_theme()
        self.code = code
        t2c = {f"[{start}:{end}]": colour for (start, end), colour in (spans or {}).items()}
        super().__init__(code, font=theme.mono_font, font_size=theme.sizes[size], color=color or theme.ink, t2c=t2c)

    def part(self, start: int, end: int) -> VGroup:
        """Glyphs of code[start:end]; Text keeps no glyphs for spaces, so indices are remapped."""
        glyph = sum(1 for ch in self.code[:start] if not ch.isspace())
        count = sum(1 for ch in self.code[start:end] if not ch.isspace())
        return VGroup(*self.submobjects[glyph:glyph + count])


def coloured_formula(*pieces: tuple[str, object | None], size: str = "body") -> MathTex:
    """Our own fixed TeX, as (tex, colour or None) pieces; never user text."""
    theme = current_theme()
    formula = MathTex(*(tex for tex, _ in pieces), font_size=theme.sizes[size] * theme.tex_scale, color=theme.ink)
    for part, (_, colour) in zip(formula, pieces):
        if colour is not None:
            part.set_color(colour)
    return formula
