"""Named, typed parts for a picture drawn as one group: a subclass declares every part as a
class annotation (with a docstring saying what each is) and is built with all of them at once."""
from __future__ import annotations

from manim import Mobject, VGroup


class Parts(VGroup):
    """A VGroup whose parts have names and types. `members` are what it draws, in drawing
    order; `parts` are the declared names, each given exactly once (a missing or unknown name
    is an error, so no part is hung on later)."""

    def __init__(self, *members: Mobject, **parts: object) -> None:
        declared = self.part_names()
        if set(parts) != declared:
            raise TypeError(f"{type(self).__name__} takes the parts {sorted(declared)}, got {sorted(parts)}")
        super().__init__(*members)
        clashes = declared & set(vars(self)) | {name for name in declared if hasattr(VGroup, name)}
        if clashes:  # a part named like a mobject attribute (points, color, …) would break drawing
            raise TypeError(f"{type(self).__name__}: parts {sorted(clashes)} shadow VGroup attributes")
        for name, part in parts.items():
            setattr(self, name, part)

    @classmethod
    def part_names(cls) -> set[str]:
        """The annotated names of this class and its bases up to Parts."""
        names: set[str] = set()
        for klass in cls.__mro__:
            if klass is Parts:
                break
            names |= set(vars(klass).get("__annotations__", {}))
        return names
