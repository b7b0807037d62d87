"""`python -m scenes check`: every step of every segment for one input, checked (no stills saved)."""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass, field, replace

from . import Finding


@dataclass
class CheckResult:
    steps: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_segments(render_context, scene_classes) -> CheckResult:
    """Build each segment with animations skipped and the checker on at every step's end."""
    from manim import tempconfig

    from .. import context

    context.use(replace(render_context, stills_dir=None))
    result = CheckResult()
    media = tempfile.mkdtemp(prefix="layout-check-")
    for scene_class in scene_classes:
        settings = {"quality": "low_quality", "write_to_movie": False, "disable_caching": True, "verbosity": "ERROR",
                    "progress_bar": "none", "media_dir": media}
        try:
            with tempconfig(settings):
                scene = scene_class(skip_animations=True)
                scene.check_layout = True
                scene.render()
        except Exception as error:  # one line: the other segments are still checked
            result.errors.append(f"{scene_class.segment}: {type(error).__name__}: {str(error).strip().splitlines()[:1]}")
            continue
        result.steps += len(scene.sections)
        result.findings += [f for record in scene.sections for f in record.layout_findings]
    return result


def run_check(render_context, scene_classes, log=print) -> int:
    """Print the findings; exit code 1 if there are any (or a segment failed to build)."""
    import logging

    from manim import logger

    logger.setLevel(logging.ERROR)
    started = time.perf_counter()
    result = check_segments(render_context, scene_classes)
    for finding in result.findings:
        log(str(finding))
    for error in result.errors:
        log(f"error: {error}", file=sys.stderr)
    log(f"checked {result.steps} steps of {len(scene_classes)} segments in {time.perf_counter() - started:.0f} s: "
        f"{len(result.findings)} findings")
    return 1 if result.findings or result.errors else 0
