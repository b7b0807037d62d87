"""The explorer pages the browser tests and the screenshot script build (one builder for both)."""
from __future__ import annotations

from pathlib import Path

from attention_math import Example

ANIMAL = "The animal didn't cross the street because it was too tired"
WORDS = ("the cat sat on a mat while rain fell over the quiet town and a bird sang near the old bank "
         "of the river").split()


def long_sentence(n_tokens: int) -> str:
    """A toy sentence of exactly n_tokens words (the word list repeated)."""
    return " ".join(WORDS[i % len(WORDS)] for i in range(n_tokens))


def build_named_pages(folder: Path) -> dict[str, Path]:
    """default example, MiniLM animal/street, a 200-token toy sentence, the cross-attention pair: name -> explorer.html."""
    from explorer.page import build_page, write_page
    from explorer.sources import cross_source, model_source, toy_example, toy_source
    from scenes.context import DEFAULT_EXAMPLE

    sources = {
        "default": toy_source(toy_example(None, None, DEFAULT_EXAMPLE)),
        "minilm": model_source("minilm", ANIMAL, None),
        "long": toy_source(Example(long_sentence(200), layout="explorer", name="long-200")),
        "cross": cross_source(),
    }
    return {name: write_page(folder / source.name / "explorer.html",
                             build_page(source.trace, cross=source.cross, title=source.title))
            for name, source in sources.items()}
