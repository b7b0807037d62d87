"""Issue 25: the class's language (--lang, LOCALE=) and the teacher's words (--captions, CAPTIONS=)
through every command, into the captions, subtitles, notes and pages; each language in its own
folder; a changed caption re-renders only the segment that says it."""
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from scenes.playlist import numbered_name
from scenes.segments import EmbeddingSegment, SoftmaxSegment
from scenes.words import LANGUAGES, Words
from tests.browser import browser_fixture, open_page

ROOT = Path(__file__).resolve().parent.parent
EMBEDDING, SOFTMAX = numbered_name(EmbeddingSegment), numbered_name(SoftmaxSegment)
FOLDER = "the-cat-sat"  # the default example's folder
JA_SOFTMAX = ROOT / "scenes" / "words" / "ja" / "04-softmax.toml"

browser = browser_fixture("the language tests'")


def run(*args: str, module: str = "scenes") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def words_file(path: Path, caption: str) -> Path:
    path.write_text(f'["04-softmax"]\n"sum.caption" = "{caption}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["stills"], ["figure"], ["explore"], ["course", "examples/course-intro.toml"]])
def test_an_unknown_language_is_one_line_listing_the_languages(command, tmp_path):
    module = "attention_explainer" if command[0] == "explore" else "scenes"  # the console command too
    line = one_error_line(run(*command, "--lang", "xx", "--media-dir", str(tmp_path), module=module))
    assert "'xx'" in line and all(f"{code} ({name})" in line for code, name in LANGUAGES.items())
    assert not any(tmp_path.iterdir())  # nothing started


def test_the_api_checks_the_language_and_words_file_first():
    import attention_explainer as ax

    with pytest.raises(ax.ExplainerError, match="choose one of en"):
        ax.explain("the cat sat", lang="klingon", progress=False)
    with pytest.raises(ax.ExplainerError, match="captions file not found"):
        ax.explain("the cat sat", lang="ja", captions="no-such-words.toml", progress=False)


def test_make_passes_locale_and_captions_not_lang():
    dry = subprocess.run(["make", "-n", "stills", "explore", "LOCALE=hi", "CAPTIONS=examples/words/my-words.toml",
                          "LANG=C.UTF-8"], capture_output=True, text=True, cwd=ROOT, timeout=60).stdout
    commands = [line for line in dry.replace("\\\n", " ").splitlines() if "attention_explainer" in line]
    assert len(commands) == 2 and all('--lang "hi" --captions "examples/words/my-words.toml"' in c for c in commands)


def test_a_bad_words_file_stops_everything_before_work(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('["04-softmax"]\n"sum.captoin" = "Add."\n', encoding="utf-8")
    line = one_error_line(run("stills", "--scenes", "softmax", "--captions", str(bad), "--media-dir", str(tmp_path / "m")))
    assert "'sum.captoin'" in line and "sum.caption" in line  # the segment's keys are listed
    bad.write_text('["04-softmax"]\n"sum.caption" = "Add {weight}."\n', encoding="utf-8")
    line = one_error_line(run("stills", "--scenes", "softmax", "--captions", str(bad), "--media-dir", str(tmp_path / "m")))
    assert "{weight}" in line
    assert not (tmp_path / "m").exists()


def test_narration_without_a_voice_for_the_language_is_one_line(tmp_path):
    line = one_error_line(run("render", "--narrate", "--lang", "id", "--scenes", "softmax", "--quality", "low",
                              "--media-dir", str(tmp_path)))
    assert "NARRATE=1" in line and "Bahasa Indonesia" in line and "en (English)" in line
    assert not any(tmp_path.iterdir())


def test_a_course_checks_lang_and_captions_with_their_lines(tmp_path):
    from scenes.course.spec import CourseError, load_course

    course = tmp_path / "course.toml"
    course.write_text('title = "t"\nlang = "ja"\n\n[[lesson]]\nsentence = "a b c"\nlang = "fr"\n\n'
                      '[[lesson]]\nsentence = "a b c d"\ncaptions = "gone.toml"\n\n[[lesson]]\nsentence = "a b"\n',
                      encoding="utf-8")
    with pytest.raises(CourseError) as error:
        load_course(course, tmp_path / "media")
    assert [line.split(": ")[0] for line in error.value.lines] == [f"{course}:6", f"{course}:10"]
    assert "'fr'" in error.value.lines[0] and "gone.toml" in error.value.lines[1]
    course.write_text('title = "t"\nlang = "ja"\n\n[[lesson]]\nsentence = "a b c"\n\n'
                      '[[lesson]]\nsentence = "a b c d"\nlang = "en"\n', encoding="utf-8")
    loaded = load_course(course, tmp_path / "media")
    assert [lesson.context.lang for lesson in loaded.lessons] == ["ja", "en"] and loaded.lang == "ja"
    assert [lesson.out_dir.name for lesson in loaded.lessons] == ["a-b-c-ja", "a-b-c-d"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Embedding and softmax rendered (video, low quality) with a words file; then the file's one
    caption changed and rendered again: (media, words file, the second run)."""
    media, words = tmp_path_factory.mktemp("media"), words_file(tmp_path_factory.mktemp("w") / "w.toml", "FIRST words.")
    args = ("render", "--scenes", "embedding,softmax", "--quality", "low", "--captions", str(words),
            "--media-dir", str(media))
    first = run(*args)
    assert first.returncode == 0, first.stderr
    assert "FIRST words." in (media / FOLDER / f"{SOFTMAX}.srt").read_text(encoding="utf-8")
    words_file(words, "SECOND words: now add them up.")
    second = run(*args)
    assert second.returncode == 0, second.stderr
    return media, words, second


def test_a_changed_caption_rerenders_only_its_segment(rendered):
    _, _, second = rendered
    out = second.stdout
    assert f"up to date: {EMBEDDING}" in out and f"{SOFTMAX}: done" in out and f"{EMBEDDING}: done" not in out


def test_the_teachers_words_reach_subtitles_notes_and_presentation(rendered):
    from pptx import Presentation

    media, _, _ = rendered
    out = media / FOLDER
    caption = "SECOND words: now add them up."
    for srt in (f"{SOFTMAX}.srt", "explainer.srt"):
        text = (out / srt).read_text(encoding="utf-8")
        assert caption in text and "FIRST" not in text
    notes = [slide.notes_slide.notes_text_frame.text for slide in Presentation(str(out / "slides.pptx")).slides]
    assert caption in notes and not any("FIRST" in note for note in notes)
    page = (out / "presentation.html").read_text(encoding="utf-8")
    assert caption in page and "FIRST" not in page and '<html lang="en">' in page


@pytest.mark.skipif(not JA_SOFTMAX.exists(), reason="scenes/words/ja/04-softmax.toml is not on this branch yet")
def test_japanese_stills_say_the_japanese_words_in_their_own_folder(rendered):
    media, _, _ = rendered
    result = run("stills", "--scenes", "softmax", "--quality", "low", "--lang", "ja", "--media-dir", str(media))
    assert result.returncode == 0, result.stderr
    out = media / f"{FOLDER}-ja"
    ja = tomllib.loads(JA_SOFTMAX.read_text(encoding="utf-8"))["sum"]["caption"]
    steps = json.loads((out / "steps" / f"{SOFTMAX}.json").read_text(encoding="utf-8"))
    assert ja in [step["caption"] for step in steps["steps"]]
    page = (out / "presentation.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and ja in page and Words("interface", "ja")("presentation.help") in page
    assert (media / FOLDER / "explainer.mp4").exists()  # the English render is where it was, untouched
    assert "SECOND words" in (media / FOLDER / "presentation.html").read_text(encoding="utf-8")


def test_the_explorer_speaks_the_pages_language(browser, tmp_path):
    from attention_math import Example, trace_example
    from explorer.page import build_page, write_page

    trace = trace_example(Example("the cat sat on the mat")).to_dict()
    path = write_page(tmp_path / "explorer.html", build_page(trace, lang="ja"))
    page = open_page(browser, path)
    ja = Words("explorer", "ja")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.locator("h1").inner_text().startswith(ja("page.heading"))
    readout = page.locator("#readout").inner_text()
    assert ja("js.query") in readout and ja("js.weight") in readout and "query" not in readout
    assert page.locator("#step-count").inner_text() == ja("js.step_count", step=1, count=5)
    assert page.locator("#view-picker button").first.inner_text() == ja("view.self")
    assert not page.errors
    page.close()


def test_japanese_narration_reads_symbols_and_splits_sentences_at_the_full_stop():
    from scenes.pipeline.narration import spoken
    from scenes.pipeline.voices import VOICES

    assert spoken("スコアは −∞ で、Q Kᵀ / √d_k を使います。75 %", "ja") == \
        "スコアは マイナス無限大 で、キューケーの転置 割るルートディーケー を使います。75 パーセント"
    assert VOICES["ja"].sentences("これはヘッド1です。行は「sat」です。") == ["これはヘッド1です。", "行は「sat」です。"]
    assert spoken("−0.87 × d_k", "en") == "minus 0.87 by d k"  # English as before


def _page_sources() -> str:
    folders = [ROOT / "explorer" / "static", ROOT / "scenes" / "pipeline" / "static"]
    files = [p for folder in folders for p in folder.glob("*") if p.suffix in (".js", ".html")]
    files += [*(ROOT / "explorer").glob("*.py"), *(ROOT / "scenes" / "pipeline").glob("*.py"),
              ROOT / "scenes" / "course" / "page.py", *(ROOT / "attention_explainer").glob("*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_the_pages_words_are_all_used_and_all_there():
    """explorer.toml and interface.toml (read by HTML and JavaScript, not scenes/ code): every English key
    is asked for, and every key the pages ask for exists."""
    import re

    from attention_math.head_patterns import ALL_PATTERN_RULES
    from explorer.words import pattern_key

    source = _page_sources()
    asked = set(re.findall(r"\{\{t:([a-z_.]+)\}\}", source))  # the markup's {{t:page.heading}}
    asked |= {f"js.{key}" for key in re.findall(r"\b(?:ax\.th?|pages\[0\]\.th?|t)\(\s*\"([a-z_]+)\"", source)}
    asked |= {f"js.{key}" for pair in re.findall(r"th?\([^()]*\? \"([a-z_]+)\" : \"([a-z_]+)\"", source)
              for key in pair}  # ax.t(n === 1 ? "one_arc" : "arcs", …)
    asked |= {f"js.{key}" for key in re.findall(r"coloured\(\"([a-z_]+)\"", source)}
    from explorer.page import COLOURED
    asked |= {f"page.{word}" for word in COLOURED}  # {queries} in a markup text: the coloured page.queries
    asked |= {f"presentation.{key}" for key in re.findall(r"(?:say\(\"|UI\.)([a-z_]+)", source)}
    asked |= {f"course.{key}" for key in re.findall(r"say\([\"']([a-z_]+)[\"']", source)}
    from scenes.course.page import LINKS
    asked |= {f"course.{key}" for _, _, key in LINKS}  # the links' labels
    asked |= {key for key in re.findall(r"\"((?:page|pair|storyboard|presentation|course|notebook)\.[a-z_]+)\"", source)
              if key.rsplit(".", 1)[1] not in ("html", "js")}  # not the file names page.html, pair.js
    asked |= {f"view.{view}" for view in ("self", "cross", "average", "rollout")}
    asked |= {f"{kind}.{pattern_key(label)}" for label in ALL_PATTERN_RULES for kind in ("pattern", "rule")}
    for name in ("explorer", "interface"):
        english = set(Words(name).texts())
        ours = {key for key in asked if key.split(".")[0] in {k.split(".")[0] for k in english}}
        assert not english - asked, f"{name}: keys no page asks for: {sorted(english - asked)}"
        if name == "explorer":
            assert not ours - english, f"{name}: keys the pages ask for that it lacks: {sorted(ours - english)}"
