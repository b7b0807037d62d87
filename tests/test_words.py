"""The lesson's words as data (issue 25): every language has every English key with the same
placeholders; every key the code asks for exists and every English key is asked for; no English
prose is left in the code that draws; a teacher's override changes a text, and a bad one is one line.

Fast: it reads TOML and Python source (ast); nothing renders."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from scenes.words import DEFAULT_LANGUAGE, LANGUAGES, Words, WordsError, file_names, language_file, placeholders

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
# Folders whose drawing code must hold no English prose (another helper's folders join with one line each).
FOLDERS = ("scenes/segments", "scenes/components", "scenes/figure", "scenes/story", "scenes/decoder", "scenes/model")
# Math and symbols that stay as they are in every language (glossary: "mathematical symbols stay").
ALLOWED = {"Attention", "softmax", "MultiHead", "Concat", "head", "mathrm", "frac", "sqrt", "top", "cdot", "dots",
           "left", "right", "tfrac", "quad", "Big"}
# Helper modules that draw for a segment defined elsewhere: their self.words / scene.words keys live there.
HELPERS = {"s03_colour.py": "03-dot-products", "multihead_maps.py": "06-multi-head"}
PACKAGES = {"figure": "figure"}  # a package whose modules all read one words file (its `said`, `said_line`, …)
# Calls that draw their text: the positions of the arguments that are shown.
SHOWN_ARGS = {"label": (0,), "title_bar": (0, 1), "corner_title": (1, 2), "step": (1,), "Text": (0,),
              "MarkupText": (0,), "Tex": (0,), "text": (0,), "heading_text": (0,)}
SHOWN_KEYWORDS = {"title", "note", "caption", "subtitle", "heading", "head_label", "key_header", "query_word"}
# TeX: these draw formulas; only the words inside \mathrm{} / \text{} count (the rest is math).
TEX_CALLS = {"formula": (0,), "tex": (0,), "MathTex": (0,), "tex_lines": (0,)}
# Words files the pages' HTML and JavaScript read too (their keys are checked by those pages' tests).
READ_ELSEWHERE = {"interface", "explorer"}
WORD = re.compile(r"[^\W\d_]{2,}")


def _python_files(folder: str | Path):
    return sorted((ROOT / folder).rglob("*.py"))


def _english(name: str) -> dict[str, str]:
    return language_file(DEFAULT_LANGUAGE, name)


# (1) Every language has every key of the English one, with the same placeholders -------------------
@pytest.mark.parametrize("name", file_names())
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_languages_have_every_key_and_placeholder(lang, name):
    english, other, problems = _english(name), language_file(lang, name), []
    missing, extra = sorted(set(english) - set(other)), sorted(set(other) - set(english))
    if missing or extra:
        problems.append(f"{lang}/{name}: missing {missing}, unknown {extra}")
    for key in set(english) & set(other):
        if placeholders(other[key]) != placeholders(english[key]):
            problems.append(f"{lang}/{name} {key!r}: {sorted(placeholders(other[key]))} "
                            f"≠ English {sorted(placeholders(english[key]))}")
        if not other[key].strip():
            problems.append(f"{lang}/{name} {key!r} is empty")
    assert not problems, "\n".join(problems)


# (2) Keys asked for exist; every English key is asked for ------------------------------------------
def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _segments_of(tree: ast.Module, path: Path) -> set[str]:
    """The words files a module's self.words / scene.words / words(SEGMENT) read."""
    names = {HELPERS[path.name]} if path.name in HELPERS else set()
    names |= {PACKAGES[path.parent.name]} if path.parent.name in PACKAGES else set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in ("segment", "SEGMENT") for t in targets) and _literal(node.value):
                names.add(node.value.value)
    return names


def _words_call(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "words"


def _bound(tree: ast.Module) -> dict[str, str]:
    """Names bound to one words file: `said = words("model-common")`, also in a tuple assignment."""
    bound = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        pairs = [(t, node.value) for t in node.targets]
        pairs += [(name, value) for t in node.targets if isinstance(t, ast.Tuple) and isinstance(node.value, ast.Tuple)
                  for name, value in zip(t.elts, node.value.elts)]
        for name, value in pairs:
            if isinstance(name, ast.Name) and _words_call(value) and value.args and _literal(value.args[0]):
                bound[name.id] = value.args[0].value
    return bound


def _asked(tree: ast.Module):
    """(file, key, line) for each words call: file "common", a words file's name, or None for the
    module's segment (self.words, scene.words, words(SEGMENT), said = words(SEGMENT)). The key is a
    string, or for an f-string a regular expression of the keys it can build."""
    bound = _bound(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func, first = node.func, node.args[0]
        if _literal(first) is not None:
            key = first.value
        elif isinstance(first, ast.JoinedStr):
            key = re.compile("".join(re.escape(v.value) if _literal(v) is not None else ".+" for v in first.values))
        else:
            continue
        if isinstance(func, ast.Name) and func.id == "common":
            yield "common", key, node.lineno
        elif isinstance(func, ast.Name) and func.id in bound:
            yield bound[func.id], key, node.lineno  # said = words("decoder-common")
        elif isinstance(func, ast.Attribute) and func.attr == "words" and isinstance(func.value, ast.Name):
            yield None, key, node.lineno  # self.words("…"), scene.words("…")
        elif _words_call(func):
            yield (_literal(func.args[0]) if func.args else None), key, node.lineno  # words("x")(…), words(SEGMENT)(…)
        elif isinstance(func, ast.Name) and func.id in ("said", "said_line", "named_formula"):
            yield None, key, node.lineno  # said = words(SEGMENT), the figure's said(…)


def test_every_key_the_code_asks_for_exists():
    problems = []
    for path in _python_files("scenes"):
        tree = ast.parse(path.read_text(), str(path))
        segments = _segments_of(tree, path)
        for named, key, line in _asked(tree):
            files = [named] if named else sorted(segments)
            where = f"{path.relative_to(ROOT)}:{line}"
            if not files:
                problems.append(f"{where}: words {key!r} but no `segment` to read it from")
            elif isinstance(key, str) and not any(key in _english(name) for name in files):
                problems.append(f"{where}: {key!r} is in none of {files}")
            elif not isinstance(key, str) and not any(key.fullmatch(k) for name in files for k in _english(name)):
                problems.append(f"{where}: no key of {files} fits {key.pattern!r}")
    assert not problems, "\n".join(problems)


def test_no_english_key_unused():
    """Every English key is a string somewhere in scenes/ (a words call's, or a table of keys), or fits
    a words call's f-string (self.words(f"labels.{name}"))."""
    strings, patterns = set(), []
    for path in _python_files("scenes"):
        tree = ast.parse(path.read_text(), str(path))
        strings |= {node.value for node in ast.walk(tree) if _literal(node) is not None}
        patterns += [key for _, key, _ in _asked(tree) if not isinstance(key, str)]
    unused = [f"{name}: {key}" for name in file_names() if name not in READ_ELSEWHERE for key in _english(name)
              if key not in strings and not any(p.fullmatch(key) for p in patterns)]
    assert not unused, "English keys no code asks for:\n" + "\n".join(unused)


# (3) No English prose left in the drawing code ------------------------------------------------------
def _shown_literals(node):
    """String pieces an argument expression draws as they are (not those inside a call: keys)."""
    if _literal(node) is not None:
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield from (v.value for v in node.values if _literal(v) is not None)
    elif isinstance(node, ast.IfExp):
        yield from _shown_literals(node.body)
        yield from _shown_literals(node.orelse)
    elif isinstance(node, (ast.BinOp, ast.BoolOp)):
        for child in ([node.left, node.right] if isinstance(node, ast.BinOp) else node.values):
            yield from _shown_literals(child)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for child in node.elts:
            yield from _shown_literals(child)


def _tex_words(tex: str) -> list[str]:
    return [w for inner in re.findall(r"\\(?:mathrm|text)\{([^}]*)\}", tex) for w in WORD.findall(inner)]


def _prose(path: Path) -> list[str]:
    found, where = [], path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        shown = [node.args[i] for i in SHOWN_ARGS.get(name, ()) if i < len(node.args)]
        shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
        words = [w for arg in shown for text in _shown_literals(arg) for w in WORD.findall(text)]
        words += [w for i in TEX_CALLS.get(name, ()) if i < len(node.args)
                  for text in _shown_literals(node.args[i]) for w in _tex_words(text)]
        found += [f"{where}:{node.lineno}: {w!r}" for w in words if w not in ALLOWED]
    return found


def test_no_english_prose_in_drawing_code():
    found = [line for folder in FOLDERS for path in _python_files(folder) for line in _prose(path)]
    assert not found, "English words drawn from code, not from scenes/words:\n" + "\n".join(found)


def test_the_prose_scan_finds_prose(tmp_path):
    """The scan above can fail: each way of drawing a literal is caught."""
    source = tmp_path / "drawn.py"
    source.write_text('label("each row", "small")\nself.step("x", f"Head {h}: its own")\n'
                      'corner_title(self, "Embedding", sub)\nWeightHeatmap(w, note="rows sum")\n'
                      'formula(r"\\text{Scores} = Q")\nlabel("Q")\nlabel(common("heatmap.rows_sum"))\n')
    assert [line.split(": ", 1)[1] for line in _prose(source)] == \
        ["'each'", "'row'", "'Head'", "'its'", "'own'", "'Embedding'", "'rows'", "'sum'", "'Scores'"]


# (4) A teacher's override ---------------------------------------------------------------------------
def test_override_changes_a_caption(tmp_path):
    captions = tmp_path / "my-words.toml"
    captions.write_text('["04-softmax"]\n"sum.caption" = "Now add them all up."\n'
                        '"scores.caption" = "Head {head}, row “{token}”."\n')
    words = Words("04-softmax", "en", captions=str(captions))
    assert words("sum.caption") == "Now add them all up."
    assert words("scores.caption", head=2, token="cat") == "Head 2, row “cat”."
    assert words("divide.caption") == Words("04-softmax")("divide.caption")  # the others unchanged
    assert Words("04-softmax", "ja", captions=str(captions))("sum.caption") == "Now add them all up."


def _one_line_error(tmp_path, text: str) -> str:
    captions = tmp_path / "bad.toml"
    captions.write_text(text)
    with pytest.raises(WordsError) as error:
        Words("04-softmax", "en", captions=str(captions))("sum.caption")
    message = str(error.value)
    assert "\n" not in message
    return message


def test_override_unknown_key_lists_the_keys(tmp_path):
    message = _one_line_error(tmp_path, '["04-softmax"]\n"sum.captoin" = "Add."\n')
    assert "'sum.captoin'" in message and all(key in message for key in _english("04-softmax"))


def test_override_foreign_placeholder_lists_the_placeholders(tmp_path):
    message = _one_line_error(tmp_path, '["04-softmax"]\n"scores.caption" = "Head {head}: {weight}"\n')
    assert "{weight}" in message and "{head}" in message and "{token}" in message


def test_override_unknown_file_lists_the_files(tmp_path):
    message = _one_line_error(tmp_path, '["04-softmaks"]\n"sum.caption" = "Add."\n')
    assert "'04-softmaks'" in message and "01-embedding" in message and "common" in message


def test_the_next_token_note_and_a_whitespace_chip_read_in_the_lessons_language():
    """The quantised file's note is said in the lesson's language (the file's kind as it is), and a
    token of whitespace only (a newline the decoder predicts) shows marks, not an empty chip."""
    from attention_math import Example
    from scenes import context
    from scenes.components.tokens import TokenChip, visible_whitespace

    context.use(context.RenderContext(Example("the cat sat"), lang="hi"))
    try:
        said = context.quantisation_said("numbers are those of the 4-bit Q4_1 file")
    finally:
        context.use(context.RenderContext(Example("the cat sat")))
    assert "4-bit Q4_1" in said and "numbers" not in said
    assert visible_whitespace("\n") == "↵" and visible_whitespace(" \n") == "␣↵" and visible_whitespace(" in") == " in"
    assert TokenChip("\n", 0).text.width > 0.1


def test_a_captions_sentences_join_as_the_language_writes_them():
    from attention_math import Example
    from scenes import context
    from scenes.words import sentences

    try:
        context.use(context.RenderContext(Example("the cat sat"), lang="ja"))
        assert sentences("これはヘッド1です。", "", "行は「sat」です。") == "これはヘッド1です。行は「sat」です。"
        context.use(context.RenderContext(Example("the cat sat"), lang="es"))
        assert sentences("Es la cabeza 1.", "", "La fila es «sat».") == "Es la cabeza 1. La fila es «sat»."
    finally:
        context.use(context.RenderContext(Example("the cat sat")))
