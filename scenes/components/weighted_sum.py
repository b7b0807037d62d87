"""A weighted sum of words written out: "bank′ = 0.13 × money + 0.79 × bank + 0.08 × grows".

Each weight is a NumberText with its trace source; each word is its TokenChip, so a viewer
reads which word contributes how much (seed 002's contextual embedding, seed 004's step 3).
"""
from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, Mobject, VGroup

from ..theme import current_theme
from .products import Factor
from .text import NumberText, label
from .tokens import TokenChip

Term = tuple[Factor, str, int]  # (weight as (value, decimals, source), token, token index)


class WeightedSum(VGroup):
    """`lead` (e.g. a chip and "′ =") followed by "w × word" terms joined by "+".

    layout "row": one line, wrapped (each new line starting with "+") to stay within
    `max_width`; "column": one term per line, the "+" signs in a column.
    `weights` holds the weight NumberTexts, `chips` the word chips, `lead` the lead and
    `pieces` each term with its "+".
    """
    lead: Mobject
    weights: list[NumberText]
    chips: list[TokenChip]
    pieces: list[VGroup]

    def __init__(self, lead: Mobject, terms: Sequence[Term], *, layout: str = "row", max_width: float = 13.0,
                 size: str = "cell", chip_size: str = "small", chip_width: float = 1.8) -> None:
        theme = current_theme()
        op = lambda symbol: label(symbol, size, theme.muted, mono=True)
        self.lead = lead
        self.weights: list[NumberText] = []
        self.chips: list[TokenChip] = []
        products: list[VGroup] = []
        for (value, precision, source), token, index in terms:
            weight = NumberText(value, precision, source, size)
            chip = TokenChip(token, index, max_width=chip_width, height=0.42, size=chip_size)
            self.weights.append(weight)
            self.chips.append(chip)
            products.append(VGroup(weight, op("×"), chip).arrange(RIGHT, buff=0.1))
        pluses = [op("+") for _ in products[1:]]
        # Each term with the "+" before it, for drawing the sum in term by term.
        self.pieces = [VGroup(products[0])] + [VGroup(plus, term) for plus, term in zip(pluses, products[1:])]

        if layout == "column":
            # Terms one under another, left edges aligned; "+" in a column to their left.
            column = VGroup(*products).arrange(DOWN, buff=0.16, aligned_edge=LEFT)
            for plus, term in zip(pluses, products[1:]):
                plus.next_to(term, LEFT, buff=0.14)
            lead.next_to(products[0], LEFT, buff=0.14 + max((p.width for p in pluses), default=0.0))
            super().__init__(lead, column, *pluses)
        else:
            for piece in self.pieces[1:]:
                piece.arrange(RIGHT, buff=0.14)
            lines: list[VGroup] = [VGroup(lead)]
            for piece in self.pieces:
                if lines[-1].width + 0.14 + piece.width > max_width:
                    lines.append(VGroup())
                lines[-1].add(piece)
                lines[-1].arrange(RIGHT, buff=0.14)
            super().__init__(*lines)
            self.arrange(DOWN, buff=0.16, aligned_edge=LEFT)
            for line in lines[1:]:  # continuation lines start under the first term
                line.shift(RIGHT * (lead.width + 0.14))
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    def terms(self) -> VGroup:
        """Everything but the lead, for drawing the sum in after its lead."""
        keep = {id(m) for m in self.lead.get_family()}
        return VGroup(*(m for m in self.get_family() if not m.submobjects and id(m) not in keep and m.points.size))
