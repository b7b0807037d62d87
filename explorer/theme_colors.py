"""The video theme's colours as plain data, read from scenes/theme.py without importing it.

scenes/theme.py imports manim (for ManimColor); the explorer must not. Its colours are plain
string defaults of two dataclasses, so the source is parsed with `ast` and those defaults
are read: one place owns every colour, and the page uses the same ones as the videos.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

THEME_FILE = Path(__file__).resolve().parent.parent / "scenes" / "theme.py"
# scenes/theme.py's weight_color raises the weight to this power before mixing weight_low →
# weight_high; the method is code, not data, so its exponent is repeated here (checked by a test).
WEIGHT_GAMMA = 0.8


def _class_defaults(node: ast.ClassDef) -> dict:
    """name -> literal default (a string or a tuple of strings) of a dataclass's fields."""
    values = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            try:
                value = ast.literal_eval(statement.value)
            except ValueError:
                continue  # field(default_factory=...) and other code: not a colour
            if isinstance(value, str) or (isinstance(value, tuple) and all(isinstance(v, str) for v in value)):
                values[statement.target.id] = list(value) if isinstance(value, tuple) else value
    return values


@lru_cache(maxsize=1)
def theme_colors() -> dict:
    """The Theme's colour fields (plus its fonts), and the panel tints under "panels"."""
    tree = ast.parse(THEME_FILE.read_text(encoding="utf-8"))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    colors = _class_defaults(classes["Theme"])
    colors["panels"] = _class_defaults(classes["PanelTints"])
    colors["weight_gamma"] = WEIGHT_GAMMA
    return colors
