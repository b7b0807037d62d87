"""The layout checker (issue 26): at the end of every step, where the stills pass saves a still,
read the mobjects on screen and name what breaks a layout rule (rules.py, consistency.py)."""
from __future__ import annotations

from dataclasses import dataclass

from .consistency import chip_sizes, small_multiples, tick_policy
from .naming import walk
from .rules import outside_safe_area, small_texts, text_overlaps

RULES = (text_overlaps, outside_safe_area, small_texts, chip_sizes, small_multiples, tick_policy)


@dataclass(frozen=True)
class Finding:
    segment: str
    step: str
    rule: str
    mobjects: tuple[str, ...]  # by component part name, e.g. "WeightMaps.panels[0]/WeightHeatmap.title 'head 1'"

    def __str__(self) -> str:
        return f"{self.segment} · {self.step} · {self.rule}: " + " | ".join(self.mobjects)


def check_screen(mobjects, segment: str = "", step: str = "") -> list[Finding]:
    """Every rule over the mobjects on screen (a scene's `mobjects` at the end of a step)."""
    screen = walk(mobjects)
    return [Finding(segment, step, rule, tuple(names)) for check in RULES for rule, names in check(screen)]
