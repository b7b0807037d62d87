"""Rotary positions (RoPE): each pair of a head's q and k dimensions is turned by an angle that
grows with the token's position, so q·k depends on how far apart two tokens are, not where.

The vectors are the real ones of the followed query and a key in the chosen layer and head,
before the turn; every angle and score is a field of attention_math.models.decoder_explained.RotaryDistance.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UL, UP, Create, FadeIn, FadeOut, VGroup

from attention_math.models.decoder_explained import rotary_distance

from ..base import Beat, corner_title
from ..components import NumberText, fit_width, label
from .common import DecoderScene
from ..words import words
from .pair_plane import PairPlane
from .phrases import phrase, worded

SHIFT = 10  # both tokens this many positions later: the same distance, other angles
PLANE_PITCH = 3.6  # from one plane's centre to the next (the second plane's lines end left of the text column)
RIGHT_COLUMN = 0.9  # where the text column right of the two planes starts
KEY_BACK = 5  # without KEY=, the key this many tokens before the query (or the first token)


class RotaryPositions(DecoderScene):
    segment = "rotary-positions"

    @staticmethod
    def applies(spec) -> bool:
        return spec.positions == "rotary"

    def setup(self) -> None:
        super().setup()
        query = self.presentation.focus_query
        key = self.presentation.focus_key if self.presentation.focus_key is not None else max(0, query - KEY_BACK)
        self.rotary = rotary_distance(self.model, self.context.layer, self.focus_head, query, key, shift=SHIFT)
        self.traces = {"model": self.model, "rotary": self.rotary}

    def construct(self) -> None:
        rotary = self.rotary
        corner_title(self, self.words("title"), self.words("subtitle"))
        who = self.who()
        planes = self.shown_planes = self.planes()
        self.angle_text = VGroup()  # the lines under the planes, for the placement shown

        self.step("pairs", self.words("pairs.caption", d_k=rotary.d_k, pairs=rotary.n_pairs))
        self.play(FadeIn(who), FadeIn(planes))
        self.hold_for_caption(1.0)

        self.step("turn", self.words("turn.caption"))
        self.perform(*self.turn_beats(planes, 0))
        self.hold_for_caption(1.0)

        table = self.placements_table()
        self.step("same-distance", self.words("same-distance.caption", shift=SHIFT))
        self.play(FadeIn(table.header), FadeIn(table.rows[0]))
        self.perform(*self.turn_beats(planes, 1))
        self.play(FadeIn(table.rows[1], shift=DOWN * 0.1))
        self.hold_for_caption(1.0)

        self.step("other-distance", self.words("other-distance.caption"))
        self.perform(*self.turn_beats(planes, 2))
        self.play(FadeIn(table.rows[2], shift=DOWN * 0.1))
        self.hold_for_caption(1.5)

    def turn_beats(self, planes: VGroup, placement: int) -> tuple[Beat, ...]:
        """Both planes' arrows turn to `placement`: the old angle arcs and lines go, the arrows turn,
        the new arcs and lines come."""
        turns, old_arcs, new_arcs = [], [], []
        for plane in planes:
            animations, arc = plane.turn_to(placement)
            turns += animations
            old_arcs.append(plane.gap)
            new_arcs.append(arc)
            plane.gap = arc
        lines, old_lines = self.angle_lines(planes, placement), self.angle_text
        self.angle_text = lines
        return (Beat(tuple(FadeOut(arc) for arc in old_arcs) + (FadeOut(old_lines),), run_time=0.4),
                Beat(tuple(turns), run_time=2.0),
                Beat(tuple(Create(arc) for arc in new_arcs) + (FadeIn(lines),), run_time=0.8))

    # Figures ------------------------------------------------------------------------------------
    def who(self) -> VGroup:
        """Whose vectors these are: layer, head, and the two tokens in their colours."""
        rotary, theme, tokens = self.rotary, self.theme, self.model.tokens
        head = words("decoder-common")("layer_head", layer=rotary.layer + 1, head=rotary.head + 1)
        lines = VGroup(
            label(head, "small", theme.muted),
            phrase(*worded(self.words, "labels.q_at", token=tokens[rotary.query_token].strip(), position=NumberText(
                rotary.placements[0].query_position, 0, "rotary.placements[0].query_position", "small")),
                   size="small", color=theme.query),
            phrase(*worded(self.words, "labels.k_at", token=tokens[rotary.key_token].strip(), position=NumberText(
                rotary.placements[0].key_position, 0, "rotary.placements[0].key_position", "small")),
                   size="small", color=theme.key),
            label(self.words("labels.count_from"), "small", theme.muted),
            # θ is the base the speeds are powers of, not itself a speed: say which is which.
            phrase(*worded(self.words, "labels.speed", pairs=NumberText(rotary.n_pairs, 0, "rotary.n_pairs", "small")),
                   size="small", color=theme.muted, buff=0.04),
            label(self.words("labels.radians"), "small", theme.muted),
            phrase(*worded(self.words, "labels.base", theta=NumberText(rotary.theta, 0, "rotary.theta", "small")),
                   size="small", color=theme.muted),
            *([label(self.words("labels.scaled"), "small", theme.muted),
               label(self.words("labels.scaled_by"), "small", theme.muted)] if rotary.scaled else []),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        return lines.move_to([RIGHT_COLUMN, self.stage.top - 0.1, 0], aligned_edge=UP + LEFT)

    def planes(self) -> VGroup:
        pairs = VGroup(*(PairPlane(pair, self.words("labels.pair", pair=pair.pair + 1),
                                   self.words("labels.dimensions", first=pair.dimensions[0] + 1,
                                              second=pair.dimensions[1] + 1)) for pair in self.rotary.pairs))
        for k, plane in enumerate(pairs):  # at a fixed pitch: the lines under each plane need the room
            plane.shift([self.stage.left + PLANE_PITCH * (k + 0.5) - plane.origin[0], 0, 0])
        return pairs.align_to([0, self.stage.top - 0.1, 0], UP)

    def angle_lines(self, planes: VGroup, placement: int) -> VGroup:
        """Under each plane: the pair's speed, both turns as position × speed, and the angle between."""
        groups = VGroup()
        for k, pair in enumerate(self.rotary.pairs):
            src, at = f"rotary.pairs[{k}]", f"rotary.placements[{placement}]"
            speed = NumberText(pair.degrees_per_position, 2, f"{src}.degrees_per_position", "small", suffix="°")
            lines = VGroup(phrase(*worded(self.words, "labels.turns", speed=speed), size="small", color=self.theme.muted))
            for role, color in (("query", self.theme.query), ("key", self.theme.key)):
                letter = role[0]
                lines.add(phrase(
                    f"{letter}:", NumberText(getattr(self.rotary.placements[placement], f"{role}_position"), 0,
                                             f"{at}.{role}_position", "small"),
                    "×", NumberText(pair.degrees_per_position, 2, f"{src}.degrees_per_position", "small", suffix="°"),
                    "≈", NumberText(getattr(pair, f"{role}_degrees")[placement], 0, f"{src}.{role}_degrees[{placement}]",
                                    "small", suffix="°"), size="small", color=color))
            lines.add(phrase(*worded(self.words, "labels.angle", angle=NumberText(
                pair.gap_degrees[placement], 0, f"{src}.gap_degrees[{placement}]", "small", suffix="°")),
                             size="small", color=self.theme.highlight))
            lines.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            groups.add(lines.next_to(planes[k], DOWN, buff=0.3).align_to(planes[k].axes, LEFT))
        # A language's longer words stop short of the next pair's column, every column at one size.
        fit = min([1.0] + [(planes[k + 1].get_left()[0] - lines.get_left()[0] - 0.25) / lines.width
                           for k, lines in enumerate(groups[:-1])])
        for lines in groups if fit < 1.0 else ():
            lines.scale(fit, about_edge=UL)
        return groups

    def placements_table(self) -> VGroup:
        """One line per placement: where q and k are, their distance, and q·k over all pairs."""
        theme = self.theme
        table = VGroup()
        table.header = label(self.words("labels.table"), "small", theme.muted)
        table.rows = VGroup()
        for p, placement in enumerate(self.rotary.placements):
            at = f"rotary.placements[{p}]"
            table.rows.add(phrase(*worded(
                self.words, "labels.placement", q=NumberText(placement.query_position, 0, f"{at}.query_position", "small"),
                k=NumberText(placement.key_position, 0, f"{at}.key_position", "small"),
                distance=NumberText(placement.distance, 0, f"{at}.distance", "small"),
                score=NumberText(placement.score, 2, f"{at}.score", "small", weight="BOLD")), size="small"))
        VGroup(table.header, *table.rows).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        table.add(table.header, table.rows)
        fit_width(table, self.stage.right - RIGHT_COLUMN)  # a long q·k (−19.36) stays inside the safe margin
        return table.move_to([RIGHT_COLUMN, self.stage.bottom + 0.3, 0], aligned_edge=DOWN + LEFT)
