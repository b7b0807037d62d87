"""presentation.html: click through the steps in class, offline, from disk.

One self-contained page (its script and style inline, the steps as JSON inside it) beside
the render; the step videos it plays are the files in steps/. No fetch(): a page opened from
file:// may not read other files, but it may play videos beside it."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..theme import current_theme
from .steps import SegmentSteps

TEMPLATE = Path(__file__).with_name("static") / "presentation.html"


def _theme_css() -> str:
    theme = current_theme()
    variables = {"background": theme.background, "ink": theme.ink, "muted": theme.muted,
                 "faint": theme.faint, "font": f"'{theme.font}'"}
    return " ".join(f"--{name}: {value};" for name, value in variables.items())


def steps_json(segments: list[SegmentSteps]) -> str:
    """Every step of every segment in playing order, with its segment's title; safe inside <script>."""
    steps = [{"segment": seg.segment, "title": seg.title, **asdict(step)} for seg in segments for step in seg.steps]
    return json.dumps(steps, ensure_ascii=False).replace("</", "<\\/")


def interface_json(interface) -> str:
    """The page's own words (interface.toml's [presentation]), keyed without the table; safe inside <script>."""
    texts = {key.removeprefix("presentation."): text for key, text in interface.texts().items()
             if key.startswith("presentation.")}
    return json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")


def write_presentation(segments: list[SegmentSteps], output: Path, title: str, interface=None) -> None:
    from html import escape

    from ..words import Words

    interface = interface or Words("interface")
    page = TEMPLATE.read_text(encoding="utf-8")
    page = page.replace("__THEME_CSS__", _theme_css()).replace("__TITLE__", escape(title))
    page = page.replace("__LANG__", interface.lang).replace("__HELP__", escape(interface("presentation.help")))
    page = page.replace("__UI_JSON__", interface_json(interface))
    output.write_text(page.replace("__STEPS_JSON__", steps_json(segments)), encoding="utf-8")
