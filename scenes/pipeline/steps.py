"""The steps of a rendered segment (Manim sections): what presentation.html and slides.pptx
are built from. One small JSON manifest per segment in media/<name>/steps/, so a segment that
is reused, not re-rendered, still has its captions and step videos."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .jobs import SegmentResult

STEPS_DIR = "steps"


@dataclass(frozen=True)
class Step:
    name: str
    caption: str
    still: str  # relative to media/<name>/, e.g. stills/02-embedding-01-sentence.png
    video: str | None  # steps/02-embedding-01-sentence.mp4; None for a stills-only render


@dataclass(frozen=True)
class SegmentSteps:
    segment: str  # numbered name, e.g. 02-embedding
    title: str
    steps: tuple[Step, ...]


def manifest_path(out_dir: Path, segment: str) -> Path:
    return out_dir / STEPS_DIR / f"{segment}.json"


def to_json(segment: SegmentSteps) -> str:
    return json.dumps(asdict(segment), indent=1, ensure_ascii=False)


def read_manifest(out_dir: Path, segment: str) -> SegmentSteps | None:
    path = manifest_path(out_dir, segment)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return SegmentSteps(data["segment"], data["title"], tuple(Step(**step) for step in data["steps"]))


def section_videos(index_file: Path) -> list[tuple[str, Path]]:
    """(section name, MP4) in playing order, from Manim's `--save_sections` index JSON.
    Manim drops empty sections, so a name can be missing; callers match by name."""
    if not index_file.exists():
        return []
    return [(entry["name"], index_file.parent / entry["video"]) for entry in json.loads(index_file.read_text())]


def segment_title(scene: object) -> str:
    """The heading the segment shows, else its file-name part in words."""
    import re

    return scene.title or re.sub(r"^\d+-", "", scene.segment).replace("-", " ").capitalize()


def publish_steps(result: "SegmentResult", name: str, out_dir: Path, write_video: bool) -> None:
    """Step videos into steps/ (named like the stills) and the segment's manifest beside them."""
    from .files import publish, writing

    videos = list(result.step_videos)
    steps = []
    for index, ((_, section), caption) in enumerate(zip(result.stills, result.captions), 1):
        stem = f"{name}-{index:02d}-{section}"
        final = out_dir / STEPS_DIR / f"{stem}.mp4"
        if videos and videos[0][0] == section:  # Manim drops empty sections: match by name
            publish(Path(videos.pop(0)[1]), final)
        elif write_video:
            final.unlink(missing_ok=True)
        video = f"{STEPS_DIR}/{stem}.mp4" if final.exists() else None
        steps.append(Step(section, caption, f"stills/{stem}.png", video))
    kept = {out_dir / step.video for step in steps if step.video}
    for old in (out_dir / STEPS_DIR).glob(f"{name}-*.mp4"):
        if old not in kept:
            old.unlink()
    with writing(manifest_path(out_dir, name)) as tmp:
        tmp.write_text(to_json(SegmentSteps(name, result.title, tuple(steps))), encoding="utf-8")
