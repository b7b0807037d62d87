"""For the plain Manim CLI: `manim -ql scenes/manim_entry.py EmbeddingSegment`.
The example comes from EXPLAINER_EXAMPLE (TOML path) or EXPLAINER_SENTENCE."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenes.playlist import PLAYLIST  # noqa: E402

# Manim only lists scenes defined in this module: subclass each segment here.
globals().update({cls.__name__: type(cls.__name__, (cls,), {}) for cls in PLAYLIST})
