"""`make check-stills`: the layout checker over the matrix of inputs every still must hold up
for: the built-in models as matrix.toml lists them (the toy model at 2, 8, 16 and 64 tokens, MiniLM,
SmolLM2 at layer 14 head 9, Gemma 3 at layer 6 head 2), the built-ins again in each language
matrix.toml names (the toy at fewer lengths), and a tiny random model of every family the registry has (tests/family_models.py builds them; a family the
registry gains without a tiny model there is reported, not skipped). Prints the steps checked
per model and length, every finding, and exits 1 if there is any."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ANIMAL = "the animal didn't cross the street because it was too tired"
MATRIX = Path(__file__).with_name("matrix.toml")  # the built-in models' inputs, as data


@dataclass(frozen=True)
class Cell:
    """One input of the matrix: a model (built-in name, or a family whose tiny model is built)."""
    name: str
    model: str
    sentence: str | None = None  # None: the 64-token example file
    layer: int | None = None
    head: int | None = None
    tiny: str | None = None  # tests/family_models.TINY key to build into a folder first
    lang: str = "en"  # the words' language (scenes/words/)


def toy_sentence(length: int) -> str | None:
    from attention_math import load_example

    if length == 64:
        return None
    return " ".join(load_example(EXAMPLES / "river-bank-64.toml").tokens[:length])


def tiny_families() -> tuple[list[tuple[str, str]], list[str]]:
    """(registry family module, TINY key) for each family, and the families with no tiny model."""
    import transformers

    from attention_math.models.registry import FAMILIES
    from tests.family_models import TINY

    found, missing = [], []
    for family in FAMILIES:
        key = next((k for k, (cls, settings) in TINY.items()
                    if getattr(transformers, cls)(**settings).model_type in family.MODEL_TYPES), None)
        name = family.__name__.rsplit(".", 1)[-1]
        found.append((name, key)) if key else missing.append(name)
    return found, missing


def cells(quick: bool = False) -> tuple[list[Cell], list[str]]:
    import tomllib

    from attention_math.models.registry import BUILT_IN_NAMES

    spec = tomllib.loads(MATRIX.read_text())
    toy, entries = BUILT_IN_NAMES[0], {entry["name"]: entry for entry in spec["model"]}
    matrix = [Cell(f"{toy} · {n} tokens", toy, toy_sentence(n)) for n in spec["toy_lengths"]]
    for name in BUILT_IN_NAMES[1:]:
        if name in entries:
            layer, head = entries[name].get("layer"), entries[name].get("head")
            where = f" · layer {layer} head {head}" if layer or head else ""
            matrix.append(Cell(name + where, name, ANIMAL, layer, head))
    unlisted = [f"built-in model {name} has no entry in {MATRIX.name}" for name in BUILT_IN_NAMES if name not in entries]
    found, missing = tiny_families()
    matrix += [Cell(f"tiny {name} ({key})", "", ANIMAL, tiny=key) for name, key in found]
    built_in = [cell for cell in matrix if not cell.tiny and (cell.model != toy or cell.sentence is None
                or len(cell.sentence.split()) in spec.get("language_toy_lengths", []))]
    matrix += [replace(cell, name=f"{cell.name} · {lang}", lang=lang) for lang in spec.get("languages", [])
               for cell in built_in]
    unlisted += [f"family {family} has no tiny model in tests/family_models.py TINY" for family in missing]
    return (matrix[:1] if quick else matrix), unlisted


def check_cell(cell: Cell):
    """In its own process (a fresh Manim config): (cell, steps, findings as text, errors)."""
    from attention_math import Example, load_example
    from scenes.context import resolve_context
    from scenes.playlist import playlist

    from .command import check_segments

    with tempfile.TemporaryDirectory(prefix="layout-tiny-") as folder:
        model = cell.model
        if cell.tiny:
            from tests.family_models import tiny_folder
            tiny_folder(cell.tiny, Path(folder))
            model = folder
        example = Example(cell.sentence) if cell.sentence else load_example(EXAMPLES / "river-bank-64.toml")
        context = replace(resolve_context(example, model, cell.layer, cell.head), lang=cell.lang)
        result = check_segments(context, playlist(model))
    return cell, result.steps, [str(f) for f in result.findings], result.errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenes.layout.matrix", description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="check the cells whose name contains this text")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    matrix, missing = cells()
    matrix = [c for c in matrix if not args.only or args.only in c.name]
    total_steps, total_findings, failed = 0, 0, list(missing)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for cell, steps, findings, errors in pool.map(check_cell, matrix):
            total_steps += steps
            total_findings += len(findings)
            failed += errors
            print(f"{cell.name}: {steps} steps checked, {len(findings)} findings", flush=True)
            for line in findings + [f"error: {e}" for e in errors]:
                print(f"  {line}", flush=True)
    for problem in missing:
        print(f"error: {problem}", file=sys.stderr)
    print(f"check-stills: {len(matrix)} inputs, {total_steps} steps, {total_findings} findings "
          f"({time.perf_counter() - started:.0f} s)")
    return 1 if total_findings or failed else 0


if __name__ == "__main__":
    sys.exit(main())
