"""The words of the story, decoder and model segments are data (scenes/words/<lang>/<file>.toml):
every language has every key of the English file with the same placeholders, every key the code
names exists and every English key is used, and the code passes no English prose to the screen.
Static checks (TOML and the code's syntax tree): no scene is built."""
import ast
import re
import tomllib
from pathlib import Path

import pytest

from scenes.words import LANGUAGES, placeholders

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("scenes/story", "scenes/decoder", "scenes/model")
COMMON_FILES = ("decoder-common", "model-common")  # the story segments share no labels
WORDS = ROOT / "scenes" / "words"
CODE = {path: ast.parse(path.read_text()) for folder in FOLDERS for path in sorted((ROOT / folder).glob("*.py"))}
# Calls whose string arguments reach the screen or the subtitles.
SHOWN_CALLS = {"label", "title_bar", "corner_title", "Text", "MarkupText", "Tex", "phrase", "number_line"}
SHOWN_KEYWORDS = {"title", "note", "caption", "subtitle"}
# Literals that look like words but are notation (none needed today; add math strings here with a reason).
ALLOWED: set[str] = set()
PROSE = re.compile(r"[^\W\d_]{2,}")  # a word of two or more letters, in any script


def segments(tree: ast.Module) -> list[str]:
    """The `segment = "…"` names of a module's scene classes."""
    return [node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "segment" for t in node.targets)
            and isinstance(node.value, ast.Constant)]


SEGMENTS = {path: segments(tree) for path, tree in CODE.items()}
FILES = sorted({name for names in SEGMENTS.values() for name in names} | set(COMMON_FILES))


def flat(path: Path) -> dict[str, str]:
    def walk(table, prefix=""):
        for key, value in table.items():
            if isinstance(value, dict):
                yield from walk(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", value
    with open(path, "rb") as handle:
        return dict(walk(tomllib.load(handle)))


ENGLISH = {name: flat(WORDS / "en" / f"{name}.toml") for name in FILES}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_key_with_its_placeholders(lang):
    problems = []
    for name, english in ENGLISH.items():
        path = WORDS / lang / f"{name}.toml"
        if not path.exists():
            problems.append(f"{lang}/{name}.toml missing")
            continue
        texts = flat(path)
        problems += [f"{lang}/{name}: no {key!r}" for key in english.keys() - texts.keys()]
        problems += [f"{lang}/{name}: {key!r} is not an English key" for key in texts.keys() - english.keys()]
        problems += [f"{lang}/{name}: {key!r} has {sorted(placeholders(texts[key]))}, English {sorted(placeholders(text))}"
                     for key, text in english.items() if key in texts and placeholders(texts[key]) != placeholders(text)]
        problems += [f"{lang}/{name}: {key!r} is empty" for key, text in texts.items() if not text.strip()]
    assert problems == []


def words_calls(tree: ast.Module):
    """(file or None for the module's own segments, the key node) of every words call: self.words(k),
    words("f")(k), a name bound to words("f") then called, worded(self.words, k)."""
    bound = {}  # said = words("decoder-common")
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _words_file(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = _words_file(node.value)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):  # theme, said = …, words("f")
            for target, value in zip(getattr(node.targets[0], "elts", []), node.value.elts):
                if isinstance(target, ast.Name) and isinstance(value, ast.Call) and _words_file(value):
                    bound[target.id] = _words_file(value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "words" and isinstance(func.value, ast.Name) \
                and func.value.id == "self":
            yield None, node.args[0]
        elif isinstance(func, ast.Call) and _words_file(func):
            yield _words_file(func), node.args[0]
        elif isinstance(func, ast.Name) and func.id in bound:
            yield bound[func.id], node.args[0]
        elif isinstance(func, ast.Name) and func.id == "worded" and len(node.args) > 1:
            yield None, node.args[1]


def _words_file(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name) and call.func.id in ("words", "words_file") and call.args \
            and isinstance(call.args[0], ast.Constant):
        return call.args[0].value
    return None


def key_literals(node) -> list:
    """The literal keys (str) and f-string patterns (re) a key argument can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return key_literals(node.body) + key_literals(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return [re.compile("".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                                   for part in node.values))]
    return []


def test_every_key_the_code_names_exists_and_every_english_key_is_used():
    missing, patterns, constants = [], [], set()
    for path, tree in CODE.items():
        constants |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        for name, node in words_calls(tree):
            names = [name] if name else SEGMENTS[path]
            for key in key_literals(node):
                texts = [ENGLISH.get(n, {}) for n in names]
                if isinstance(key, str):
                    if not any(key in t for t in texts):
                        missing.append(f"{path.name}:{node.lineno}: {key!r} not in {names}")
                else:
                    patterns.append(key)
                    if not any(key.fullmatch(k) for t in texts for k in t):
                        missing.append(f"{path.name}:{node.lineno}: no key matches {key.pattern!r} in {names}")
    unused = [f"{name}: {key}" for name, texts in ENGLISH.items() for key in texts
              if key not in constants and not any(p.fullmatch(key) for p in patterns)]
    assert missing == [] and unused == []


def shown_literals(node) -> list[str]:
    """String literals an argument puts on screen as they are (not the keys of words calls)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(part.value for part in node.values if isinstance(part, ast.Constant))]
    if isinstance(node, ast.IfExp):
        return shown_literals(node.body) + shown_literals(node.orelse)
    if isinstance(node, ast.BinOp):
        return shown_literals(node.left) + shown_literals(node.right)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [text for element in node.elts for text in shown_literals(element)]
    return []


def test_no_english_prose_in_the_code():
    prose = []
    for path, tree in CODE.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            args = list(node.args) if name in SHOWN_CALLS else node.args[1:2] if name == "step" else []
            args += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            prose += [f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}" for arg in args for text in shown_literals(arg)
                      if len(PROSE.findall(text)) >= 2 and text not in ALLOWED]
    assert prose == []
