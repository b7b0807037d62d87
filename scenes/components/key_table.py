"""A table with one line per key: the key's chip on the left, then columns of numbers, each
under its header, every line at the height of its key.

Segment 4's worked softmax row, segment 5's weighted sum and the similarity story's focus
table are all this table with different columns:

    table = KeyTable(trace.tokens, [("score s", scores), ("weight", weights)], query=2)
    table.keys[j]      # key j's chip
    table.columns[1]   # the weights column (a one-column NumberMatrix)
    table.headers[0]   # "key"; headers[c + 1] is column c's header

A long sentence's table lists a few keys: `tokens` then holds only their lines, `indices` their
positions (for the chips' colours), and a line may be a ready mobject ("other 58 keys").
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Mobject, VGroup

from ..theme import current_theme
from ..words import common
from .matrix import NumberMatrix
from .text import label
from .tokens import TokenChip, chip_column

Header = str | Mobject | None  # a plain header is muted small text; None: no header


def key_column(values, precision: int, source_of, **matrix_options) -> NumberMatrix:
    """One value per key as a one-column matrix; `source_of(j)` is key j's field path."""
    return NumberMatrix(np.asarray(values, dtype=np.float64)[:, None], precision, "",
                        source_of=lambda r, c: source_of(r), **matrix_options)


def per_line(make, count: int) -> VGroup:
    """`count` copies of a small mobject (an operator, a "÷ total ≈"), one per table line."""
    return VGroup(*(make() for _ in range(count)))


def others_label(row, top: int) -> VGroup:
    """The last line's name in a cut-down worked row: "other 58 keys"."""
    return label(common("other_keys", count=row.rest.counts[top]), "small", current_theme().muted)


def worked_column(row, source: str, field: str, keys: list[int], top: int | None, precision: int,
                  **options) -> NumberMatrix:
    """A worked row's `field` for the listed keys, and with `top` a last line from `rest.<field>[top]`."""
    full = getattr(row, field)
    values = [full[j] for j in keys] + ([getattr(row.rest, field)[top]] if top is not None else [])
    path = lambda r: f"{source}.{field}[{keys[r]}]" if r < len(keys) else f"{source}.rest.{field}[{top}]"
    return key_column(values, precision, path, **options)


class KeyTable(VGroup):
    """Columns side by side, top-aligned; a column is a NumberMatrix whose rows are the keys, or a
    VGroup with one mobject per key (operators, divisions), which is moved to its key's line.

    Parts: `keys` (chips), `headers` ("key" first, then one per column), `columns`,
    `query_label` ("query [chip]" above the headers, or None)."""

    keys: VGroup
    headers: VGroup
    columns: list[Mobject]
    query_label: VGroup | None

    def __init__(self, tokens: Sequence[str | Mobject], columns: Sequence[tuple[Header, Mobject]], *, gap: float = 0.3,
                 chip_width: float = 2.0, key_header: Header | None = None, query: int | None = None,
                 query_word: str | None = None, indices: Sequence[int] | None = None,
                 query_token: str | None = None) -> None:
        """`query`: the query's position, named above the table as `query_token` (default tokens[query])."""
        theme = current_theme()
        self.columns = [body for _, body in columns]
        VGroup(*self.columns).arrange(RIGHT, buff=gap, aligned_edge=UP)
        anchor = next(body for body in self.columns if isinstance(body, NumberMatrix))
        lines = [anchor.rects[j][0] for j in range(len(tokens))]
        for body in self.columns:
            if not isinstance(body, NumberMatrix):
                for item, line in zip(body, lines):
                    item.match_y(line)
        indices = list(indices) if indices is not None else list(range(len(tokens)))
        words = [(j, token) for j, token in zip(indices, tokens) if isinstance(token, str)]
        chips = iter(chip_column([t for _, t in words], [j for j, _ in words], max_width=chip_width, height=0.43,
                                 size="small"))  # the keys' column: one font size
        self.keys = VGroup(*((next(chips) if isinstance(token, str) else token).next_to(line, LEFT, buff=0.3)
                             for token, line in zip(tokens, lines)))
        header = lambda h: label(h, "small", theme.muted) if isinstance(h, str) else (h or VGroup())
        self.headers = VGroup(header(common("key") if key_header is None else key_header), *(header(h) for h, _ in columns))
        placed = [head.next_to(above, UP, buff=0.15).match_x(above)
                  for head, above in zip(self.headers, (self.keys, *self.columns)) if head.has_points() or head.submobjects]
        line = max((head.get_bottom()[1] for head in placed), default=0.0)
        for head in placed:  # bottoms on one line, above every column (a tall TeX header too)
            head.align_to([0.0, line, 0.0], DOWN)
        for left, right in reversed(list(zip(placed, placed[1:]))):  # a wider header (a longer language's)
            overlap = left.get_right()[0] + 0.15 - right.get_left()[0]  # moves its left neighbours aside
            if overlap > 0:
                left.shift(LEFT * overlap)
        super().__init__(self.keys, self.headers, *self.columns)
        self.query_label = None
        if query is not None:
            self.query_label = VGroup(label(query_word or common("query"), "label", theme.muted),
                                      TokenChip(query_token or tokens[query], query, max_width=3.0, size="small"))
            self.query_label.arrange(RIGHT, buff=0.2).next_to(self.headers, UP, buff=0.3).align_to(self.keys, LEFT)
            self.add(self.query_label)

    def line_y(self, j: int) -> float:
        return self.keys[j].get_y()
