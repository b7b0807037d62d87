"""What a lesson still needs: each segment's content stamp decides whether it is up to date
(published), finished in a run that was stopped (kept in .done/<stamp>/), or to be rendered."""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field, is_dataclass, replace
from pathlib import Path

from .jobs import SegmentJob
from .lesson_files import assembled_files, segment_files

OUTPUTS = ("video", "stills", "slides", "presentation", "explorer", "figure")
DEFAULT_OUTPUTS = ("video", "stills", "slides", "presentation", "explorer")
RENDERED = {"video", "stills", "slides", "presentation"}  # these need the segments drawn
DONE_DIR = ".done"  # segments finished by a run that did not get to publish its lesson
DEFAULT_SECONDS = 30.0  # a segment never rendered before: a guess for the order and the ETA
EXTRA_FILES = {"explorer": "explorer.html", "figure": "self_attention.png"}
EXTRA_WORDS = {"explorer": "explorer", "figure": "figure", "assembly": "interface"}  # scenes/words/<lang>/<file>.toml


@dataclass(frozen=True)
class Lesson:
    context: object  # scenes.context.RenderContext (no stills folder)
    scene_classes: tuple
    out_dir: Path
    quality: str = "medium"
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    label: str = ""  # how messages name it, e.g. "lesson 2 (line 9)"

    @property
    def write_video(self) -> bool:
        return "video" in self.outputs

    @property
    def renders(self) -> bool:
        return bool(RENDERED & set(self.outputs))


@dataclass
class LessonPlan:
    lesson: Lesson
    stamps: dict[str, str]  # as published: segment name (or explorer, figure) → stamp
    durations: dict[str, float]  # seconds each segment took last time
    todo: list[tuple[str, str, SegmentJob]] = field(default_factory=list)  # (name, stamp, job)
    cached: dict[str, str] = field(default_factory=dict)  # name → stamp, in .done/<stamp>/
    reused: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the segments the lesson's assembly joins
    assemble: bool = False
    extras: list[tuple[str, str]] = field(default_factory=list)  # (explorer | figure, stamp)
    assembly_stamp: str = ""  # the interface words (and context) the assembled files were made with

    @property
    def idle(self) -> bool:
        return not (self.todo or self.cached or self.assemble or self.extras)

    def done_dir(self, stamp: str) -> Path:
        return self.lesson.out_dir / DONE_DIR / stamp

    def estimate(self, name: str) -> float:
        return self.durations.get(name, DEFAULT_SECONDS)

    def stamp_of(self, name: str) -> str:
        return self.cached.get(name) or next(stamp for n, stamp, _ in self.todo if n == name)


def _read(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def _context_key(context) -> str:
    """The context without the override file's path: its words count through the words' digests."""
    return repr(replace(context, captions=None)) if is_dataclass(context) else repr(context)


def segment_stamp(lesson: Lesson, scene_class, fingerprint: str) -> str:
    from ..words.digest import segment_words_digest

    key = (f"{_context_key(lesson.context)}|{lesson.quality}|{lesson.write_video}|"
           f"{scene_class.__module__}.{scene_class.__name__}|words {segment_words_digest(scene_class, lesson.context)}")
    return hashlib.sha256(f"{key}|{fingerprint}".encode()).hexdigest()


def extra_stamp(lesson: Lesson, kind: str, fingerprint: str) -> str:
    """explorer, figure, or the assembly (presentation, slides, storyboard: their interface words)."""
    from ..words.digest import words_digest

    lang = getattr(lesson.context, "lang", "en")
    texts = words_digest([EXTRA_WORDS[kind]], lang, getattr(lesson.context, "captions", None))
    return hashlib.sha256(f"{kind}|{_context_key(lesson.context)}|{texts}|{fingerprint}".encode()).hexdigest()


def plan_lesson(lesson: Lesson, fingerprint: str) -> LessonPlan:
    out = lesson.out_dir
    plan = LessonPlan(lesson, _read(out / ".stamps.json"), _read(out / ".durations.json"))
    if lesson.renders:
        _plan_segments(plan, fingerprint)
    for kind in ("explorer", "figure"):
        stamp = extra_stamp(lesson, kind, fingerprint)
        if kind in lesson.outputs and (plan.stamps.get(kind) != stamp or not (out / EXTRA_FILES[kind]).exists()):
            plan.extras.append((kind, stamp))
    return plan


def _plan_segments(plan: LessonPlan, fingerprint: str) -> None:
    from ..playlist import numbered_name, playlist

    lesson, out = plan.lesson, plan.lesson.out_dir
    model = lesson.context.model
    for cls in lesson.scene_classes:
        name = numbered_name(cls, model)
        stamp = segment_stamp(lesson, cls, fingerprint)
        done = (out / f"{name}.mp4").exists() or not lesson.write_video
        if plan.stamps.get(name) == stamp and done and any((out / "stills").glob(f"{name}-*.png")):
            plan.reused.append(name)
        elif plan.done_dir(stamp).is_dir():
            plan.cached[name] = stamp
        else:
            plan.todo.append((name, stamp, SegmentJob(cls.__module__, cls.__name__, lesson.context,
                                                      lesson.quality, "", lesson.write_video)))
    # The full explainer when every segment will exist, else just the ones asked for.
    fresh = {name for name, _, _ in plan.todo} | set(plan.cached)
    everything = [numbered_name(cls, model) for cls in playlist(model)]
    complete = all((out / f"{n}.mp4").exists() or n in fresh for n in everything) or not lesson.write_video
    plan.names = everything if complete else [numbered_name(cls, model) for cls in playlist(model)
                                              if cls in lesson.scene_classes]
    plan.assembly_stamp = extra_stamp(lesson, "assembly", fingerprint)
    plan.assemble = bool(fresh) or plan.stamps.get("assembly") != plan.assembly_stamp or \
        not all((out / name).exists() for name in assembled_files(lesson.write_video))


def read_segment(plan: LessonPlan, name: str) -> dict[str, bytes]:
    """A segment's files as the assembly needs them: from .done/ if finished there, else published."""
    if name in plan.cached:
        root = plan.done_dir(plan.cached[name])
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    out = plan.lesson.out_dir
    return {str(p.relative_to(out)): p.read_bytes() for p in segment_files(out, name)}


def keep_done(plan: LessonPlan, stamp: str, files: dict[str, bytes]) -> None:
    """A finished segment, kept whole (or not at all) until its lesson is published: a stopped
    run's re-run takes it from here instead of rendering it again."""
    target = plan.done_dir(stamp)
    partial = target.with_name(f".partial-{stamp}")
    shutil.rmtree(partial, ignore_errors=True)
    for path, content in files.items():
        (partial / path).parent.mkdir(parents=True, exist_ok=True)
        (partial / path).write_bytes(content)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
