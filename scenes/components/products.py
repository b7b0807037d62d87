"""Matrix products drawn the way a viewer redoes them: the left matrix's rows meet the top
matrix's columns in the result grid, and one cell's product is spelled out number by number."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Animation, Mobject, Transform, VGroup

from attention_math import format_number

from ..presentation import LARGE_AXIS, SHOWN_TERMS
from ..theme import current_theme
from ..words import common
from .matrix import NumberMatrix, kept_indices
from .text import NumberText, label

Factor = tuple[float, int, str]  # (value, decimals shown, trace source)
TERM_BUFF = 0.05  # between a number and its × or parentheses
OP_BUFF = 0.14  # around + and =
def shown_position(ids: list[int | None], index: int) -> int:
    """Where data index `index` is drawn in an elided matrix axis (its row_ids / col_ids)."""
    return ids.index(index)


def bias_of(trace, name: str) -> np.ndarray | None:
    """The trace's bias vector `name` ("b_q", …) when it is there and not all zero, else None:
    the toy model has none, and "+ b" is only drawn for a model that learned one."""
    bias = getattr(trace, name, None)
    return bias if bias is not None and np.any(bias) else None


def cell_width_for(*arrays, precision: int, size: str = "cell") -> float:
    """The cell width NumberMatrix would pick for the widest of these values, so matrices that
    must line up column by column (top matrix and result) can share it."""
    values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    # In a monospaced font the longest text is the widest, and it is the largest or the most
    # negative value: formatting those two is enough (a 384 × 384 matrix has 147,456 values).
    candidates = (format_number(v, precision) for v in (values.max(), values.min())) if values.size else ("0",)
    widest = max(candidates, key=len)
    return max(0.56, label(widest, size, mono=True).width + 0.2)


def _factor(factor: Factor, color, size: str) -> tuple[VGroup, NumberText]:
    """A number as a factor: negative ones in parentheses, so "−0.4×0.5" never reads as a minus."""
    value, precision, source = factor
    number = NumberText(value, precision, source, size, color=color)
    if not number.shown_text.startswith("−"):
        return VGroup(number), number
    muted = current_theme().muted
    group = VGroup(label("(", size, muted, mono=True), number, label(")", size, muted, mono=True))
    return group.arrange(RIGHT, buff=0.02), number


class SpelledProduct(VGroup):
    """"a×b + c×d + … = r" with every number a NumberText that keeps its trace source.

    Wraps onto more lines (each continuing with "+") to stay within `max_width`.
    A long product (more than LARGE_AXIS terms) shows its first three terms, "+ … +", the last
    and a note "(384 terms)"; `term_ids` lists the terms drawn, in order, matching
    `left_numbers` / `right_numbers`. `bias`: a learned bias added at the end ("+ b").
    """
    left_numbers: list[NumberText]
    right_numbers: list[NumberText]
    term_ids: list[int]
    bias: NumberText | None
    result: NumberText

    def __init__(self, left: Sequence[Factor], right: Sequence[Factor], result: Factor, *,
                 left_color=None, right_color=None, prefix: Mobject | None = None,
                 max_width: float = 13.0, size: str = "cell", bias: Factor | None = None) -> None:
        theme = current_theme()
        op = lambda symbol: label(symbol, size, theme.muted, mono=True)
        self.left_numbers: list[NumberText] = []
        self.right_numbers: list[NumberText] = []
        count = min(len(left), len(right))
        kept = kept_indices(count, SHOWN_TERMS if count > LARGE_AXIS else None)
        self.term_ids = [k for k in kept if k is not None]
        chunks: list[VGroup] = []
        for position, k in enumerate(kept):
            if k is None:
                chunks.append(VGroup(op("+"), op("…")).arrange(RIGHT, buff=OP_BUFF))
                continue
            a_group, a_number = _factor(left[k], left_color or theme.ink, size)
            b_group, b_number = _factor(right[k], right_color or theme.ink, size)
            self.left_numbers.append(a_number)
            self.right_numbers.append(b_number)
            term = VGroup(a_group, op("×"), b_group).arrange(RIGHT, buff=TERM_BUFF)
            chunk = VGroup(op("+"), term) if position else VGroup(*([prefix] if prefix else []), term)
            chunks.append(chunk.arrange(RIGHT, buff=OP_BUFF))
        self.bias = None
        if bias is not None:
            bias_group, self.bias = _factor(bias, theme.muted, size)
            chunks.append(VGroup(op("+"), bias_group, label(common("products.bias"), "small", theme.muted)).arrange(RIGHT, buff=OP_BUFF))
        self.result = NumberText(result[0], result[1], result[2], size, weight="BOLD")
        end = [op("="), self.result]
        if len(self.term_ids) < count:
            end.append(label(common("products.terms", count=count), "small", theme.muted))
        chunks.append(VGroup(*end).arrange(RIGHT, buff=OP_BUFF))

        lines: list[VGroup] = [VGroup()]
        for chunk in chunks:
            if len(lines[-1]) and lines[-1].width + OP_BUFF + chunk.width > max_width:
                lines.append(VGroup())
            lines[-1].add(chunk)
            lines[-1].arrange(RIGHT, buff=OP_BUFF)
        super().__init__(*lines)
        self.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        if self.width > max_width:
            self.scale_to_fit_width(max_width)

    def numbers(self) -> list[NumberText]:
        return [*self.left_numbers, *self.right_numbers, *([self.bias] if self.bias else []), self.result]

    def operators(self) -> VGroup:
        """Everything but the numbers: it fades in while the factors fly in from the matrices."""
        keep = {id(m) for n in self.numbers() for m in n.get_family()}
        return VGroup(*(m for m in self.get_family() if not m.submobjects and id(m) not in keep
                        and m.points.size))


def place_product(left: NumberMatrix, top: NumberMatrix, result: NumberMatrix, gap: float = 0.3) -> None:
    """Arrange around `result`: `left`'s rows beside its rows, `top`'s columns above its columns,
    so result[i, j] sits where row i of `left` meets column j of `top`."""
    left.shift(result.frame.get_left() + LEFT * gap - left.frame.get_right()
               + UP * (result.frame.get_top()[1] - left.frame.get_top()[1]))
    top.shift(result.frame.get_top() + UP * gap - top.frame.get_bottom()
              + RIGHT * (result.frame.get_left()[0] - top.frame.get_left()[0]))


def hide_values(matrix: NumberMatrix) -> NumberMatrix:
    """Empty white cells that `reveal` fills in later, so the grid is there before its numbers."""
    blank = current_theme().cell_fill
    for row in matrix.rects:
        for rect in row:
            rect.set_fill(blank, opacity=1)
    for row in matrix.numbers:
        for text in row:
            text.set_opacity(0)
    return matrix


def reveal(matrix: NumberMatrix, cells) -> list[Animation]:
    """Animations that colour the given (i, j) cells of a `hide_values` matrix and show their numbers."""
    animations = []
    for i, j in cells:
        animations.append(matrix.rects[i][j].animate.set_fill(matrix.cell_colors[i][j], opacity=1))
        animations.append(matrix.numbers[i][j].animate.set_opacity(1))
    return animations


def into_cell(number: NumberText, matrix: NumberMatrix, i: int, j: int) -> tuple[list[Animation], Mobject]:
    """A copy of a spelled-out result flies into its cell, which then fills. Returns the animations
    and the flying copy: remove it after playing (the cell's own number takes its place)."""
    flying = number.copy()
    landed = matrix.numbers[i][j].copy().set_opacity(1)
    return [Transform(flying, landed), *reveal(matrix, [(i, j)])], flying
