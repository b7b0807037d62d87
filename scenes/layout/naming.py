"""What the layout checker sees on screen: every visible mobject with the name of the component
part it is (`WeightMaps.panels[0]/WeightHeatmap.title`), its parent, and its box."""
from __future__ import annotations

from dataclasses import dataclass, field

from manim import Mobject, Text, VGroup, VMobject
from manim.mobject.text.tex_mobject import SingleStringMathTex

from ..components.text import FlatText

TEXT_TYPES = (Text, FlatText, SingleStringMathTex)
STOP = (VGroup, VMobject, Mobject, object)  # component classes end where Manim's begin


def box(mobject: Mobject) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in scene units."""
    left, bottom, _ = mobject.get_corner([-1, -1, 0])
    right, top, _ = mobject.get_corner([1, 1, 0])
    return float(left), float(bottom), float(right), float(top)


def visible(mobject: Mobject) -> bool:
    """Some member with points is drawn (fill or stroke not transparent)."""
    return any(m.get_fill_opacity() > 0.01 or m.get_stroke_opacity() > 0.01 and m.get_stroke_width() > 0
               for m in mobject.family_members_with_points())


def _collect(value, name: str, names: dict[int, str]) -> None:
    if isinstance(value, Mobject):
        names.setdefault(id(value), name)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _collect(item, f"{name}[{i}]", names)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(item, f"{name}[{key!r}]", names)


def part_map(component: Mobject) -> dict[int, str]:
    """id(part) → "Class.part[i]" for the parts a component class declares (its annotations)."""
    names: dict[int, str] = {}
    for klass in type(component).__mro__:
        if klass in STOP:
            break
        for part in vars(klass).get("__annotations__", {}):
            _collect(getattr(component, part, None), f"{type(component).__name__}.{part}", names)
    return names


def is_component(mobject: Mobject) -> bool:
    if isinstance(mobject, TEXT_TYPES):
        return False
    return any(vars(k).get("__annotations__") for k in type(mobject).__mro__[:-1] if k not in STOP)


@dataclass
class Screen:
    """The scene's mobjects at the end of a step, walked once."""
    names: dict[int, str] = field(default_factory=dict)
    parents: dict[int, Mobject] = field(default_factory=dict)
    texts: list[Mobject] = field(default_factory=list)  # outermost text mobjects, visible
    all: list[Mobject] = field(default_factory=list)  # every mobject, in drawing order

    def name(self, mobject: Mobject) -> str:
        shown = getattr(mobject, "text", None) or getattr(mobject, "tex_string", None)
        base = self.names.get(id(mobject), type(mobject).__name__)
        return f"{base} {shown!r}" if isinstance(shown, str) else base

    def owner(self, mobject: Mobject, kind: type) -> Mobject | None:
        """The nearest ancestor (or itself) of a type."""
        while mobject is not None and not isinstance(mobject, kind):
            mobject = self.parents.get(id(mobject))
        return mobject

    def ancestors(self, mobject: Mobject) -> set[int]:
        found = set()
        while mobject is not None:
            found.add(id(mobject))
            mobject = self.parents.get(id(mobject))
        return found


def walk(top_mobjects) -> Screen:
    screen = Screen()
    seen: set[int] = set()

    def visit(mobject: Mobject, path: tuple[str, ...], pending: dict[int, str], in_text: bool) -> None:
        if id(mobject) in seen:
            return
        seen.add(id(mobject))
        own = pending.get(id(mobject))
        if own:
            path = path + (own,)
        elif is_component(mobject) and not path:
            path = (type(mobject).__name__,)
        if is_component(mobject):
            pending = {**pending, **part_map(mobject)}
        screen.names[id(mobject)] = "/".join(path) or type(mobject).__name__
        screen.all.append(mobject)
        is_text = isinstance(mobject, TEXT_TYPES)
        if is_text and not in_text and visible(mobject):
            screen.texts.append(mobject)
        for sub in mobject.submobjects:
            screen.parents[id(sub)] = mobject
            visit(sub, path, pending, in_text or is_text)

    for top in top_mobjects:
        visit(top, (), {}, False)
    return screen
