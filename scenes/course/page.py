"""media/<course>/index.html: the course page, one offline file opened from disk. Each lesson:
its storyboard as a thumbnail, and links to what it made (video, presentation, explorer, deck,
figure); what a lesson did not make is named, not linked."""
from __future__ import annotations

from html import escape
from pathlib import Path

from ..theme import current_theme
from .spec import Course

LINKS = (("video", "explainer.mp4", "video"), ("presentation", "presentation.html", "presentation"),
         ("explorer", "explorer.html", "explorer"), ("slides", "slides.pptx", "deck"),
         ("slides", "slides.pdf", "slides"), ("figure", "self_attention.png", "figure"))  # label: interface.toml [course]

STYLE = """
body { margin: 0; background: var(--background); color: var(--ink); font-family: var(--font), sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 30px; margin: 0 0 4px; } .sub { color: var(--muted); margin: 0 0 28px; }
ol { list-style: none; padding: 0; margin: 0; display: grid; gap: 22px; }
li { display: grid; grid-template-columns: 360px 1fr; gap: 22px; align-items: start;
     border: 1px solid var(--faint); border-radius: 10px; padding: 16px; background: var(--card); }
li img { width: 360px; border: 1px solid var(--faint); border-radius: 6px; display: block; }
.none { width: 360px; height: 120px; border: 1px dashed var(--faint); border-radius: 6px; display: grid;
        place-items: center; color: var(--muted); }
h2 { font-size: 20px; margin: 0 0 6px; } .meta { color: var(--muted); margin: 0 0 14px; font-size: 14px; }
.links { display: flex; flex-wrap: wrap; gap: 8px; }
.links a, .links span { padding: 6px 12px; border-radius: 6px; border: 1px solid var(--faint); font-size: 15px; }
.links a { color: var(--link); text-decoration: none; } .links a:hover { border-color: var(--link); }
.links span { color: var(--muted); border-style: dashed; }
.failed { color: var(--failed); margin: 10px 0 0; font-size: 14px; }
@media (max-width: 760px) { li { grid-template-columns: 1fr; } li img, .none { width: 100%; } }
"""


def _theme_css() -> str:
    theme = current_theme()
    variables = {"background": theme.background, "ink": theme.ink, "muted": theme.muted, "faint": theme.faint,
                 "card": theme.cell_fill, "link": theme.query, "failed": theme.negative, "font": f"'{theme.font}'"}
    return ":root { " + " ".join(f"--{name}: {value};" for name, value in variables.items()) + " }"


def _lesson_item(number: int, course: Course, lesson, sentence: str, failure: str | None, say) -> str:
    from ..context import is_real_model, model_spec

    folder = lesson.out_dir.name
    link = lambda name: f"{escape(folder)}/{escape(name)}"  # noqa: E731  (relative: the page works from disk)
    there = lambda name: (lesson.out_dir / name).exists()  # noqa: E731
    if there("storyboard.png"):
        picture = f'<img src="{link("storyboard.png")}" alt="{escape(say("storyboard_alt", number=number))}">'
    else:  # e.g. a lesson of explorer and figure only
        picture = f'<div class="none">{escape(say("no_storyboard", outputs=", ".join(lesson.outputs)))}</div>'
    if there("explainer.mp4"):
        picture = f'<a href="{link("explainer.mp4")}">{picture}</a>'
    context = lesson.context
    meta = [model_spec(context.model).name]
    if is_real_model(context.model):
        meta.append(say("layer_head", layer=context.layer + 1, head=context.head + 1))
    meta += [say("quality", quality=lesson.quality)] if lesson.renders else []
    if context.lang != course.lang:  # a lesson in another language than the page's says which
        from ..words import LANGUAGES
        meta.append(LANGUAGES[context.lang])
    meta.append(say("folder", folder=folder))
    links = []
    for output, name, key in LINKS:
        if output not in lesson.outputs:
            continue
        label = escape(say(key))
        links.append(f'<a href="{link(name)}">{label}</a>' if there(name) else
                     f"<span>{escape(say('not_made', label=say(key)))}</span>")
    # The lesson's earlier files (if any) are still linked: they are what its folder holds.
    failed = f'<p class="failed">{escape(say("failed", reason=failure))}</p>' if failure else ""
    return (f'<li>{picture}<div><h2>{number}. “{escape(sentence)}”</h2>'
            f'<p class="meta">{escape(" · ".join(meta))}</p><div class="links">{"".join(links)}</div>{failed}</div></li>')


def course_page(course: Course, failed: dict[str, str]) -> str:
    from ..words import Words

    interface = Words("interface", course.lang, course.captions)
    say = lambda key, **values: interface(f"course.{key}", **values)  # noqa: E731
    items = "\n".join(_lesson_item(number, course, lesson, sentence, failed.get(lesson.label), say)
                      for number, (lesson, sentence) in enumerate(zip(course.lessons, course.sentences), 1))
    count = len(course.lessons)
    lessons = say("one_lesson") if count == 1 else say("lessons", count=count)
    return (f'<!doctype html>\n<html lang="{course.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(course.title)}</title><style>{_theme_css()}{STYLE}</style></head>\n"
            f'<body><main><h1>{escape(course.title)}</h1><p class="sub">{escape(lessons)} · '
            f"{escape(say('source', file=course.source.name))}</p>\n<ol>\n{items}\n</ol></main></body></html>\n")


def write_course_page(course: Course, failed: dict[str, str]) -> Path:
    from ..pipeline.files import writing

    path = course.out_dir / "index.html"
    with writing(path) as tmp:
        tmp.write_text(course_page(course, failed), encoding="utf-8")
    return path
