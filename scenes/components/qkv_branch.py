"""Panel A of the three-panel picture: every token's embedding as colour squares, and one
token branching into its query, key and value, with what each is for.

    column = TokenColumn(trace, focus, slice_width, room)      # rows, focus_box, branch
    slices = HeadSlices(trace, h, focus, column)                # head h's q, k, v of the focus token
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Arrow, MathTex, RoundedRectangle, SurroundingRectangle, VGroup

from attention_math import AttentionTrace

from ..theme import current_theme
from ..words import common
from .labels import formula, highlight_box
from .matrix import NumberMatrix
from .panel import Room
from .text import fit_width, label
from .tokens import TokenChip, chip_column

MAX_GROW = 1.3  # a short example's column grows, at most this much
ROLE_NOTES = {"q": "roles.q", "k": "roles.k", "v": "roles.v"}  # their keys in common.toml


class QKVBranch(VGroup):
    """chip (the focus token), slots (per role: its name, the room for its vector, its note),
    arrows (chip → each name, in the Q, K, V colours), notes (names and notes, to fade in)."""
    chip: TokenChip
    names: list[MathTex]
    rooms: list[RoundedRectangle]
    slots: VGroup
    arrows: VGroup
    notes: VGroup

    def __init__(self, token: str, focus: int, vector_width: float) -> None:
        theme = current_theme()
        self.chip = TokenChip(token, focus, max_width=1.6, height=0.44, size="small")
        self.names, self.rooms, self.slots = [], [], VGroup()
        for role in "qkv":
            name = formula(role.upper(), "body", theme.role_color(role))
            room = RoundedRectangle(width=vector_width, height=0.5, stroke_width=0, fill_opacity=0)
            slot = VGroup(name, room).arrange(RIGHT, buff=0.15)
            note = label(common(ROLE_NOTES[role]), "small", theme.muted).next_to(slot, DOWN, buff=0.08).align_to(slot, LEFT)
            self.names.append(name)
            self.rooms.append(room)
            self.slots.add(VGroup(slot, note))
        self.slots.arrange(DOWN, buff=0.2, aligned_edge=LEFT).next_to(self.chip, RIGHT, buff=0.9)
        self.arrows = VGroup(*(Arrow(self.chip.get_right(), name.get_left(), buff=0.1, color=theme.role_color(role),
                                     stroke_width=3, tip_length=0.16, max_tip_length_to_length_ratio=0.2)
                               for role, name in zip("qkv", self.names)))
        self.notes = VGroup(*(VGroup(name, slot[1]) for name, slot in zip(self.names, self.slots)))
        super().__init__(self.chip, self.slots, self.arrows)


class TokenColumn(VGroup):
    """rows (per token: its chip and its embedding as colour squares, sign → hue, size →
    strength), branch (the focus token into Q, K, V), focus_box (around the focus row) and
    scale_factor (what the column was scaled by to fit its room; the slices match it)."""
    rows: VGroup
    branch: QKVBranch
    focus_box: SurroundingRectangle
    scale_factor: float

    def __init__(self, trace: AttentionTrace, focus: int, slice_width: float, room: Room,
                 ids: list[int | None] | None = None) -> None:
        """`ids`: the tokens drawn as rows, None for a "⋮" (default every token)."""
        ids = list(range(trace.n_tokens)) if ids is None else ids
        self.rows = self._embedding_rows(trace, ids)
        self.branch = QKVBranch(trace.tokens[focus], focus, slice_width * trace.d_k)
        super().__init__(self.rows, self.branch)
        self.arrange(DOWN, buff=0.75, aligned_edge=LEFT)  # room for the slice's tag
        self.scale_factor = min(MAX_GROW, room.width / self.width, room.height / self.height)
        self.scale(self.scale_factor).move_to(room.corner, aligned_edge=UP + LEFT)
        self.focus_box = highlight_box(self.rows[ids.index(focus)], buff=0.06)

    @staticmethod
    def _embedding_rows(trace: AttentionTrace, ids: list[int | None]) -> VGroup:
        theme, scale = current_theme(), float(np.abs(trace.x).max())
        rows = VGroup()
        drawn = [i for i in ids if i is not None]
        chips = dict(zip(drawn, chip_column([trace.tokens[i] for i in drawn], drawn, max_width=1.9, height=0.44,
                                            size="small")))  # one column: one font size
        for i in ids:
            if i is None:  # tokens left out: an ellipsis where their rows would be
                rows.add(VGroup(label("⋮", "small", theme.muted)))
                continue
            chip = chips[i]
            squares = NumberMatrix(trace.x[i], 0, "", show_numbers=False, cell_width=0.26, cell_height=0.26,
                                   value_scale=scale, frame_color=current_theme().faint, max_cols=8)
            rows.add(VGroup(chip, squares).arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        squares_left = max(row[0].get_right()[0] for row in rows if len(row) == 2) + 0.2
        for row in rows:  # the squares in one column, after the widest chip
            if len(row) == 2:
                row[1].align_to([squares_left, 0, 0], LEFT)
            else:
                row.set_x(squares_left - 0.3)
        return rows


class HeadSlices(VGroup):
    """Head h's slice of the focus token's q, k and v (vectors, with values) in the branch's
    rooms, and a tag naming the head."""
    vectors: list[NumberMatrix]
    tag: VGroup

    def __init__(self, trace: AttentionTrace, h: int, focus: int, column: TokenColumn, cell_width: float) -> None:
        theme, branch = current_theme(), column.branch
        self.vectors = []
        for role, room in zip("qkv", branch.rooms):
            vector = NumberMatrix(getattr(trace.heads[h], role)[focus], trace.precision, "",
                                  frame_color=theme.role_color(role), cell_width=cell_width, max_cols=5,
                                  source_of=lambda r, c, role=role: f"heads[{h}].{role}[{focus}, {c}]")
            self.vectors.append(vector.scale(column.scale_factor).move_to(room, aligned_edge=LEFT))
        self.tag = label(common("roles.slice", head=h + 1), "small", theme.head_color(h)).scale(column.scale_factor)
        self.tag.next_to(branch.slots, UP, buff=0.12).align_to(branch.slots, LEFT)
        # A longer language's tag keeps inside the column (its panel's room), shrinking from the left edge.
        fit_width(self.tag, column.get_right()[0] - self.tag.get_left()[0]).align_to(branch.slots, LEFT)
        super().__init__(*self.vectors, self.tag)
