"""A line of words and true numbers ("pair 1 turns 57.3° per position"), the decoder scenes' small print."""
from __future__ import annotations

from manim import DOWN, RIGHT, Mobject, VGroup

from ..components import NumberText, label
from ..theme import current_theme
from ..words import Words

# Letters that reach below the baseline, and look-alikes that don't (same top): a word's depth
# below its baseline is its height minus its look-alike's. Numbers have no descenders. Devanagari's
# marks below the line (u, uu, vocalic r, virama, nukta) are dropped for the look-alike.
_NO_DESCENDERS = str.maketrans("gjpqyQ_,;()[]/", "aioavO..:lllll", "\u0941\u0942\u0943\u0944\u094d\u093c")
OPERATORS = {"=", "≈", "×", "+", "−", "·", "→", "÷"}  # centred on the middle of a lowercase x, not sat on the baseline


def phrase(*pieces: str | NumberText | VGroup, size: str = "label", color=None, buff: float = 0.12) -> VGroup:
    """Words (str) and NumberTexts side by side on one baseline, read left to right, `buff` apart
    (a word space; 0.04 sets a number inside a formula); words in `color` (ink by default)."""
    theme = current_theme()
    parts, depths = [], []
    for piece in pieces:
        if not isinstance(piece, str):  # a NumberText, or a piece already drawn (a phrase inside a table row)
            parts.append(piece)
            depths.append(getattr(piece, "below_baseline", 0.0))
            continue
        word = label(piece, size, color or theme.ink)
        level = piece.translate(_NO_DESCENDERS)
        depths.append(word.height - label(level, size).height if level != piece else 0.0)
        parts.append(word)
    line = VGroup(*parts).arrange(RIGHT, buff=buff)
    baseline = parts[0].get_bottom()[1] + depths[0]
    middle = baseline + label("x", size).height / 2
    for piece, part, depth in zip(pieces, parts, depths):
        if isinstance(piece, str) and piece.strip() in OPERATORS:
            part.set_y(middle)
        else:
            part.align_to([0, baseline - depth, 0], DOWN)
    line.below_baseline = baseline - line.get_bottom()[1]  # for a phrase around this one
    return line


def worded(words: Words, key: str, **marks) -> list:
    """A text's pieces in its language's word order: its words (str) and, where it names a
    {placeholder} given as a mobject (a NumberText, a chip), that mobject; other values are filled in.
    `phrase(*worded(self.words, "labels.over_half", count=NumberText(…)))` reads right in any language."""
    slots = {name: f"\x00{name}\x00" for name, value in marks.items() if isinstance(value, Mobject)}
    text = words(key, **{name: value for name, value in marks.items() if not isinstance(value, Mobject)}, **slots)
    pieces = []
    for k, part in enumerate(text.split("\x00")):
        if k % 2:
            pieces.append(marks[part])
        elif part.strip():
            pieces.append(part.strip())
    return pieces


def align_columns(rows: VGroup, buff: float = 0.12) -> VGroup:
    """Phrases with the same number of pieces as a table: each piece in its column, numbers
    flush right (so decimal points line up), words flush left. Rows keep their own height."""
    widths = [max(row[c].width for row in rows) for c in range(len(rows[0]))]
    left = rows[0][0].get_left()[0]
    for row in rows:
        x = left
        for part, width in zip(row, widths):
            if isinstance(part, NumberText):
                part.set_x(x + width - part.width / 2)
            else:
                part.set_x(x + part.width / 2)
            x += width + buff
    return rows
