"""The house rules of docs/ARCHITECTURE.md that code can check: scenes compute nothing, only a
construct plays, and no file or function grows past what a newcomer can read."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENE_FILES = sorted((ROOT / "scenes").rglob("*.py"))
CODE_FILES = SCENE_FILES + sorted((ROOT / "attention_math").rglob("*.py"))
# What a scene would need to compute a shown number; attention_math computes those.
COMPUTING = re.compile(r"np\.exp\(|\.sum\(|\.mean\(|\bpercentages\(|\bclassify_head\b|\battention_rollout\b")
PIPELINE = ROOT / "scenes" / "pipeline"  # knows nothing about attention: durations, frames, files


@pytest.mark.parametrize("path", [p for p in SCENE_FILES if PIPELINE not in p.parents], ids=lambda p: p.name)
def test_scenes_compute_no_shown_value(path):
    hits = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(path.read_text().splitlines(), 1)
            if COMPUTING.search(line.split("#")[0])]
    assert hits == []


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_and_functions_stay_short(path):
    source = path.read_text()
    assert len(source.splitlines()) <= 300
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines" for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60]
    assert long == []


def test_only_construct_plays():
    players = []
    for path in SCENE_FILES:
        if path.name == "base.py":  # perform() and hold_for_caption() are the storyboard's own verbs
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name != "construct":
                calls = {sub.attr for sub in ast.walk(node) if isinstance(sub, ast.Attribute)
                         and isinstance(sub.value, ast.Name) and sub.value.id == "self" and sub.attr in ("play", "wait")}
                players += [f"{path.relative_to(ROOT)}:{node.name} calls self.{call}" for call in sorted(calls)]
    assert players == []
