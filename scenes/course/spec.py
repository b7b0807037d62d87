"""A course file (examples/course-*.toml): a title and [[lesson]] tables. Read and checked whole
before any work starts: every error in the file, each with its line, or a Course."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from attention_math import Example, ExampleError, load_example

from ..pipeline.jobs import QUALITIES
from ..pipeline.plan import DEFAULT_OUTPUTS, OUTPUTS, Lesson

LESSON_KEYS = {"sentence": str, "example": str, "model": str, "query": (str, int), "key": (str, int),
               "layer": int, "head": int, "scenes": (str, int), "quality": str, "outputs": list,
               "lang": str, "captions": str}
TOP_KEYS = {"title": str, "lesson": list, "lang": str, "captions": str}  # lang, captions: every lesson's default


class CourseError(Exception):
    """Every problem of a course file, one line each (`file:line: lesson N: what`)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Course:
    title: str
    source: Path
    out_dir: Path  # media/<course file's stem>/
    lessons: tuple[Lesson, ...]
    sentences: tuple[str, ...]  # each lesson's sentence, for the course page
    lang: str = "en"  # the course page's language (the file's top-level lang)
    captions: str | None = None


class _Lines:
    """Where things are in the file's text (tomllib gives no positions): the n-th [[lesson]]
    header and, inside its table, the line of a key."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [i for i, line in enumerate(self.lines) if re.match(r"\s*\[\[\s*lesson\s*\]\]", line)]

    def of(self, lesson: int | None, *keys: str) -> int:
        start = 0 if lesson is None else self.headers[lesson]
        end = (self.headers[0] if self.headers else len(self.lines)) if lesson is None else \
            (self.headers[lesson + 1] if lesson + 1 < len(self.headers) else len(self.lines))
        for key in keys:
            for i in range(start, end):
                if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", self.lines[i]):
                    return i + 1
        return start + 1


def load_course(path: Path, media_root: Path, lang: str | None = None, captions: str | None = None) -> Course:
    """The course, or CourseError listing every problem found. `lang`, `captions` (--lang, --captions)
    replace the file's top-level ones: the default of every lesson that sets none."""
    if not path.is_file():
        raise CourseError([f"{path}: course file not found"])
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CourseError([f"{path}: not valid TOML: {error}"]) from None
    where, errors = _Lines(text), []
    for key in sorted(set(data) - set(TOP_KEYS)):
        errors.append(f"{path}:{where.of(None, key)}: unknown key {key!r} (a course has title, lang, captions and "
                      "[[lesson]] tables)")
    defaults = _course_words(data, path, where, errors)
    try:  # the command's choices, checked as the flags of `render` are (a relative file: from here)
        from ..words.choice import check_language, choose_words

        if lang is not None:
            defaults["lang"] = check_language(lang)
        if captions is not None:
            defaults["captions"] = choose_words(None, captions).captions
    except ValueError as error:
        raise CourseError([str(error)]) from None
    title = data.get("title", path.stem.replace("-", " "))
    if not isinstance(title, str) or not title.strip():
        errors.append(f"{path}:{where.of(None, 'title')}: title: must be a non-empty string")
    tables = data.get("lesson", [])
    if not isinstance(tables, list) or not tables:
        errors.append(f"{path}:1: no lessons: add [[lesson]] tables, each with a sentence or an example")
        tables = []
    out_dir = media_root / path.stem
    lessons, sentences, folders = [], [], {}
    for index, table in enumerate(tables):
        def report(message: str, *keys: str, index=index) -> None:
            errors.append(f"{path}:{where.of(index, *keys)}: lesson {index + 1}: {message}")
        lesson = _lesson({**defaults, **table} if isinstance(table, dict) else table, index, path, out_dir, report)
        if lesson is None:
            continue
        folder = lesson.out_dir.name
        if folder in folders:
            report(f"renders into the same folder as lesson {folders[folder] + 1} ({folder}): change a setting")
            continue
        folders[folder] = index
        lessons.append(lesson)
        sentences.append(lesson.context.example.sentence)
    if errors:
        raise CourseError(errors)
    return Course(title.strip(), path, out_dir, tuple(lessons), tuple(sentences), **_lesson_words(defaults, path))


def _lesson(table: dict, index: int, path: Path, out_dir: Path, report) -> Lesson | None:
    """One [[lesson]] checked as the render command checks its flags; None after reporting."""
    problems: list[tuple] = []
    for key, value in table.items():
        if key not in LESSON_KEYS:
            problems.append((f"unknown key {key!r} (known: {', '.join(LESSON_KEYS)})", key))
        elif not isinstance(value, LESSON_KEYS[key]) or isinstance(value, bool):
            problems.append((f"{key}: wrong type {type(value).__name__}", key))
    outputs = tuple(table["outputs"]) if isinstance(table.get("outputs"), list) else DEFAULT_OUTPUTS
    unknown = [o for o in outputs if o not in OUTPUTS]
    if unknown or not outputs:
        problems.append((f"outputs: {unknown or 'none'}; choose from {', '.join(OUTPUTS)}", "outputs"))
    if table.get("quality", "medium") not in QUALITIES:
        problems.append((f"quality: {table['quality']!r}; choose {', '.join(QUALITIES)}", "quality"))
    if ("sentence" in table) == ("example" in table):
        problems.append(("give a sentence or an example (a TOML file), not both or neither", "sentence", "example"))
    for message, *keys in problems:
        report(message, *keys)
    if any(keys[0] in ("sentence", "example") or keys[0] not in LESSON_KEYS or keys[0] in _mistyped(table)
           for _, *keys in problems):
        return None  # nothing to resolve the rest with
    try:
        lesson = _resolved(table, path, out_dir, outputs, index, report)  # its own problems too
        return None if problems else lesson
    except _Problem as problem:
        report(problem.message, *problem.keys)
    return None


def _mistyped(table: dict) -> set[str]:
    """The keys whose value has the wrong type."""
    return {key for key, value in table.items() if key in LESSON_KEYS and
            (not isinstance(value, LESSON_KEYS[key]) or isinstance(value, bool))}


class _Problem(Exception):
    def __init__(self, message: str, *keys: str) -> None:
        super().__init__(message)
        self.message, self.keys = message, keys


def _resolved(table: dict, path: Path, out_dir: Path, outputs: tuple, index: int, report) -> Lesson | None:
    from ..context import DEFAULT_MODEL, folder_name, is_real_model, resolve_context
    from ..playlist import select

    model = table.get("model", DEFAULT_MODEL)
    example = _example(table, path)
    # The lesson's lang/captions (or the course's), else its example file's fields, else English.
    words = _lesson_words({"lang": table.get("lang", example.lang or None),
                           "captions": table.get("captions", example.captions or None)}, path)
    example = example.with_changes(lang="", captions="")
    try:
        is_real_model(model)
    except (ExampleError, ValueError) as error:
        raise _Problem(str(error) if str(error).startswith("model") else f"model: {error}", "model") from None
    try:
        scene_classes = select(None if "scenes" not in table else str(table["scenes"]), model)
    except (ExampleError, ValueError) as error:
        report(f"scenes: {error}", "scenes")
        scene_classes = []
    text = lambda key: None if key not in table else str(table[key])  # noqa: E731
    try:
        if not is_real_model(model):
            from attention_math import trace_example
            trace_example(example)  # fails here, in one line, not inside a worker
        context = resolve_context(example, model, table.get("layer"), table.get("head"), text("query"), text("key"))
        if "figure" in outputs:
            from ..figure import check_fits
            check_fits(len(example.with_changes(layout="figure").tokens), f"“{example.sentence}”")
    except (ExampleError, ValueError) as error:
        raise _Problem(str(error), "query", "key", "layer", "head", "sentence", "example") from None
    if not scene_classes:
        return None
    context = replace(context, **words)
    example = example.with_changes(name=folder_name(context))
    return Lesson(replace(context, example=example), tuple(scene_classes), out_dir / example.name,
                  table.get("quality", "medium"), outputs, label=f"lesson {index + 1}")


def _course_words(data: dict, path: Path, where: _Lines, errors: list[str]) -> dict:
    """The course's own lang and captions (every lesson's default), checked; {} of those that fail."""
    defaults = {key: data[key] for key in ("lang", "captions") if isinstance(data.get(key), str)}
    for key in sorted(set(("lang", "captions")) & set(data)):
        if key not in defaults:
            errors.append(f"{path}:{where.of(None, key)}: {key}: wrong type {type(data[key]).__name__}")
    try:
        _lesson_words(defaults, path)
    except _Problem as problem:
        errors.append(f"{path}:{where.of(None, *problem.keys)}: {problem.message}")
        return {}
    return defaults


def _lesson_words(table: dict, path: Path) -> dict:
    """A lesson's language and words file (relative to the course file), checked as --lang/--captions are."""
    from ..words.choice import check_language, choose_words

    try:
        lang = check_language(table.get("lang"), "lang")
    except ValueError as error:
        raise _Problem(str(error), "lang") from None
    try:
        chosen = choose_words(lang, table.get("captions"), base=path.parent)
    except ValueError as error:
        raise _Problem(str(error), "captions") from None
    return {"lang": chosen.lang, "captions": chosen.captions}


def _example(table: dict, path: Path) -> Example:
    try:
        if "sentence" in table:
            return Example(table["sentence"])
        return load_example(path.parent / table["example"])  # relative to the course file
    except ExampleError as error:
        raise _Problem(str(error), "sentence", "example") from None
