"""Segment 2's pictures as named parts, and what it draws for K and V when query heads share
key/value heads (grouped-query attention): K and V at their true width, not the widened copies."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import MathTex, VGroup, VMobject

from ..components.parts import Parts
from ..components.products import SpelledProduct
from ..components.text import FlatText
from ..components.matrix import NumberMatrix


@dataclass(frozen=True)
class RoleArrays:
    """What Projections draws for one of Q, K, V: the weight matrix, the result, their field
    paths, and how many heads its columns are cut into (key/value heads for a shared K or V)."""
    w: np.ndarray
    w_source: str
    result: np.ndarray
    source: str
    n_heads: int
    focus: int  # the focus query head's slice among them


def role_arrays(trace, grouped, role: str, focus_head: int) -> RoleArrays:
    """Q always per query head; K and V of a grouped-query model as the model keeps them
    (grouped_query.k: key/value heads × d_k wide), else the trace's own."""
    if grouped is not None and role in "kv":
        return RoleArrays(getattr(grouped, f"w_{role}"), f"grouped_query.w_{role}", getattr(grouped, role),
                          f"grouped_query.{role}", grouped.n_kv_heads, grouped.kv_head_of_query[focus_head])
    return RoleArrays(getattr(trace, f"w_{role}"), f"w_{role}", getattr(trace, role), role, trace.n_heads, focus_head)


class Projection(Parts):
    """X times W (on top) gives the result where X's rows meet W's columns, drawn with their
    titles and the equation. Parts: `x`, `w`, `result` (NumberMatrix), `x_title`, `w_title`,
    `result_title`, `equation`; not drawn with them: `product` (Q's first number spelled out,
    below) and `boxes` (X's row 0, W's column 0 and the result's cell (0, 0), lit)."""
    x: NumberMatrix
    w: NumberMatrix
    result: NumberMatrix
    x_title: VGroup
    w_title: VGroup
    result_title: VGroup
    equation: MathTex
    product: SpelledProduct
    boxes: VGroup


class QKV(Parts):
    """Q, K and V (numbers or colour bands), the focus head's columns boxed and braced.
    Parts: `matrices` (each with its title), `head_boxes` (the head's frame on each),
    `braces`, `head_label`."""
    matrices: list[VGroup]
    head_boxes: list[VMobject]
    braces: VGroup
    head_label: FlatText
