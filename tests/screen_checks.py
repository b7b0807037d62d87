"""Shared checks on what a scene put on screen (its SectionRecords)."""
from __future__ import annotations

import atexit
import shutil
import tempfile

from manim import tempconfig

from attention_math import format_number
from attention_math.fields import resolve
from scenes import context

OVERLAP_TOLERANCE = 0.02  # scene units; glyph boxes may touch, not cross
# One folder per test process: Manim's text cache is not safe to share between processes.
TEST_MEDIA = tempfile.mkdtemp(prefix="attention-explainer-tests-")
atexit.register(shutil.rmtree, TEST_MEDIA, ignore_errors=True)


def build_scene(scene_class, example, **context_fields):
    """Run a scene's construct with animations skipped and no video written."""
    context.use(context.RenderContext(example, **context_fields))
    with tempconfig({"quality": "low_quality", "write_to_movie": False, "disable_caching": True,
                     "verbosity": "ERROR", "progress_bar": "none", "media_dir": TEST_MEDIA}):
        scene = scene_class(skip_animations=True)
        scene.render()
    return scene


def trace_namespace(trace) -> dict:
    """The roots a source's field path may start from: the trace's fields, and `trace` itself."""
    names = {name: getattr(trace, name) for name in trace.__dataclass_fields__}
    names.update(trace=trace)
    return names


def wrong_numbers(scene, namespace: dict | None = None) -> list[str]:
    """Every NumberText on screen whose text differs from the value its field path names in the
    trace, formatted (a source that is not a plain field path fails: it would be arithmetic)."""
    if namespace is None:  # scenes that show other traces name them in `traces` / `names`
        namespace = {**trace_namespace(scene.trace), **getattr(scene, "traces", {}), **getattr(scene, "names", {})}
    problems = []
    for record in scene.sections:
        for source, text, precision, suffix in record.numbers:
            value = float(resolve(namespace, source))
            expected = format_number(value, precision) + suffix
            if text != expected:
                problems.append(f"{record.name}: {source} shows {text!r}, trace gives {expected!r}")
    return problems


def overlapping_texts(scene) -> list[str]:
    problems = []
    for record in scene.sections:
        boxes = record.text_boxes
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                (name_a, (l1, b1, r1, t1)), (name_b, (l2, b2, r2, t2)) = boxes[a], boxes[b]
                overlap_x = min(r1, r2) - max(l1, l2)
                overlap_y = min(t1, t2) - max(b1, b2)
                if overlap_x > OVERLAP_TOLERANCE and overlap_y > OVERLAP_TOLERANCE:
                    problems.append(f"{record.name}: {name_a!r} overlaps {name_b!r}")
    return problems


def outside_frame(scene) -> list[str]:
    return [f"{record.name}: {item}" for record in scene.sections for item in record.outside_frame]


def assert_shows_the_truth(scene) -> None:
    """A real-model scene's checks: steps with subcaptions, some numbers, every one true, nothing
    outside the frame, no overlapping text (its extra roots, e.g. `model`, in `scene.traces`)."""
    assert len(scene.sections) >= 2, "each scene has steps"
    assert all(record.caption for record in scene.sections), "every step has a subcaption"
    assert sum(len(record.numbers) for record in scene.sections) > 0
    namespace = trace_namespace(scene.trace) | getattr(scene, "traces", {})
    assert wrong_numbers(scene, namespace) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []
