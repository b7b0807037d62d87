"""Field paths: how a shown number names its source ("heads[0].softmax_rows[2].total").

A path is attribute names and integer indices only, resolved against named roots (a
trace's fields, or "model", "learning" …). Nothing is evaluated: a source that computes
something is rejected, so a scene can't hide arithmetic in its sources.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+(?:\s*,\s*-?\d+)*)\]|\['([^']*)'\]")


class FieldPathError(ValueError):
    pass


def resolve(roots: Mapping[str, Any], path: str) -> Any:
    """The value at `path`; the first name is looked up in `roots`, then attributes, indices
    ([i] or [i, j]) and string keys (['name']) in turn."""
    position, value, first = 0, None, True
    while position < len(path):
        match = _STEP.match(path, position)
        if not match or (first and match.group(1) is None):
            raise FieldPathError(f"not a field path: {path!r} (at {path[position:]!r})")
        name, index, key = match.groups()
        if first:
            if name not in roots:
                raise FieldPathError(f"unknown root {name!r} in {path!r}")
            value = roots[name]
        elif name is not None:
            if name.startswith("_"):
                raise FieldPathError(f"private field in {path!r}")
            value = getattr(value, name)
        elif key is not None:
            value = value[key]
        else:
            numbers = tuple(int(part) for part in index.split(","))
            value = value[numbers if len(numbers) > 1 else numbers[0]]
        position, first = match.end(), False
    if first:
        raise FieldPathError("empty field path")
    return value
