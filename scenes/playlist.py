"""The explainer's segment order, defined once; `make render` follows it, SCENES= picks a subset."""
from __future__ import annotations

import re

from .segments import SEGMENTS

PLAYLIST = list(SEGMENTS)


def slug(scene_class) -> str:
    """'03-dot-products' or 'dot-products' → 'dot-products' (the number comes from the playlist)."""
    return re.sub(r"^\d+-", "", scene_class.segment)


def numbered_name(scene_class) -> str:
    return f"{PLAYLIST.index(scene_class) + 1:02d}-{slug(scene_class)}"


def select(spec: str | None) -> list:
    """'1,3', 'softmax', '02-projections,multi-head' → scene classes in playlist order."""
    if not spec:
        return list(PLAYLIST)
    wanted = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        matches = [cls for number, cls in enumerate(PLAYLIST, 1)
                   if item == str(number) or item.zfill(2) == f"{number:02d}" or item in (slug(cls), numbered_name(cls))]
        if not matches:
            names = ", ".join(numbered_name(cls) for cls in PLAYLIST)
            raise ValueError(f"no segment {item!r}; choose numbers or names from: {names}")
        wanted.extend(m for m in matches if m not in wanted)
    return [cls for cls in PLAYLIST if cls in wanted]
