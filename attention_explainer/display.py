"""The explorer as a notebook output: offline (D3 and the page's code inline, no CDN, no require.js),
isolated (its element ids carry a unique prefix, its styles are scoped under .ax-root), and bounded
in size: it says how many layers and heads it carries, and the call chooses others."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .errors import SentenceError, SettingError

# Visible cells carried by default: all layers × heads while under this, else the focused layer's
# heads, else the focused head alone (one head of 64 × 64 tokens is 4,096 cells).
DEFAULT_MAX_CELLS = 200_000
MODEL_MAX_TOKENS = 64  # the explorer's limit for a real model (explorer/sources.py)


@dataclass(frozen=True)
class ExplorerOutput:
    """One explorer: `html` is a self-contained <div>; displays itself in Jupyter, VS Code, exports."""
    html: str
    layers: tuple[int, ...]  # 1-based, those carried
    heads: tuple[int, ...]
    n_layers: int
    n_heads: int
    n_tokens: int

    @property
    def nbytes(self) -> int:
        return len(self.html.encode("utf-8"))

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return (f"<explorer: {len(self.layers)} of {self.n_layers} layers × {len(self.heads)} of {self.n_heads} "
                f"heads, {self.n_tokens} tokens, {self.nbytes / 1000:.0f} kB>")

    def save(self, path: str | Path) -> Path:
        """A stand-alone HTML file holding this output (opens from disk with no network)."""
        from explorer.page import document, write_page

        return write_page(Path(path), document("Attention explorer", self.html))


def explorer_trace(lesson) -> dict:
    """The trace dict the explorer reads, as `explore` builds it for this model."""
    if not lesson.trained:
        return lesson.trace.to_dict()
    if len(lesson.tokens) > MODEL_MAX_TOKENS:
        raise SentenceError(f"sentence: {len(lesson.tokens)} {lesson.loaded.spec.tokens_named}, but the explorer "
                            f"shows at most {MODEL_MAX_TOKENS} for a real model")
    if lesson.loaded.spec.kind == "encoder":
        return lesson.trace_data()
    from attention_math.models.export import attention_only

    return attention_only(lesson.loaded, lesson.sentence)


def bounded_choice(n_layers: int, n_heads: int, n_tokens: int, layer: int, head: int, layers, heads,
                   max_cells: int | None) -> tuple[list[int], list[int]]:
    """0-based layers and heads to carry: the caller's, or all while they fit, else fewer around the focus."""
    budget = DEFAULT_MAX_CELLS if max_cells is None else max_cells
    per_head = n_tokens * n_tokens
    if layers is None and heads is None:
        if n_layers * n_heads * per_head <= budget:
            return list(range(n_layers)), list(range(n_heads))
        if n_heads * per_head <= budget:
            return [layer], list(range(n_heads))
        return [layer], [head]
    chosen_layers = list(range(n_layers)) if layers is None else [int(l) - 1 for l in layers]
    chosen_heads = list(range(n_heads)) if heads is None else [int(h) - 1 for h in heads]
    for name, values, count in (("layers", chosen_layers, n_layers), ("heads", chosen_heads, n_heads)):
        if not values or min(values) < 0 or max(values) >= count:
            raise SettingError(f"{name}: give 1-based numbers 1–{count}, got {[v + 1 for v in values]}")
    return sorted(set(chosen_layers)), sorted(set(chosen_heads))


def _note(output_layers, output_heads, n_layers, n_heads, n_tokens, size_kb: float, words) -> str:
    """What the output carries and how to pick others, in the lesson's language."""
    which = "" if len(output_layers) == n_layers and len(output_heads) == n_heads else \
        words("notebook.which", layer_list=", ".join(map(str, output_layers)), head_list=", ".join(map(str, output_heads)))
    counts = dict(heads=len(output_heads), n_heads=n_heads, which=which, tokens=n_tokens, size=f"{size_kb:.0f}", call="\0")
    said = words("notebook.carries_one_layer", **counts) if n_layers == 1 else \
        words("notebook.carries", layers=len(output_layers), n_layers=n_layers, **counts)
    before, _, after = html.escape(said).partition("\0")
    return (f'<p class="ax-output-note" style="font:12px/1.4 system-ui,sans-serif;color:#555;margin:4px 0">'
            f"{before}<code>lesson.explorer(layers=[…], heads=[…])</code>{after}</p>")


def build_output(trace: dict, n_layers: int, n_heads: int, layer: int, head: int, query: int | None,
                 layers=None, heads=None, max_cells: int | None = None, title: str | None = None,
                 lang: str = "en", captions: str | None = None) -> ExplorerOutput:
    """The fragment for `trace`, carrying the layers and heads chosen (and starting on the focus if carried)."""
    from explorer.page import build_fragment, interface

    n_tokens = len(trace["tokens"])
    keep_layers, keep_heads = bounded_choice(n_layers, n_heads, n_tokens, layer, head, layers, heads, max_cells)
    start_layer = keep_layers.index(layer) if layer in keep_layers else 0
    start_head = keep_heads.index(head) if head in keep_heads else 0
    try:
        fragment = build_fragment(trace, layers=keep_layers, heads=keep_heads, layer=start_layer, head=start_head,
                                  query=query, title=title, lang=lang, captions=captions)
    except ValueError as error:
        raise SettingError(str(error)) from None
    numbers_l, numbers_h = [l + 1 for l in keep_layers], [h + 1 for h in keep_heads]
    size = len(fragment.encode("utf-8")) / 1000
    note = _note(numbers_l, numbers_h, n_layers, n_heads, n_tokens, size, interface(lang, captions))
    text = f'<div class="ax-output">{note}{fragment}</div>'
    return ExplorerOutput(text, tuple(numbers_l), tuple(numbers_h), n_layers, n_heads, n_tokens)


def lesson_explorer(lesson, layers=None, heads=None, max_cells: int | None = None) -> ExplorerOutput:
    trace = explorer_trace(lesson)
    n_layers = len(trace["layers"]) if "layers" in trace else 1
    n_heads = len((trace["layers"][0]["attention"] if "layers" in trace else trace)["heads"])
    return build_output(trace, n_layers, n_heads, lesson.layer, lesson.head, lesson.query, layers, heads, max_cells,
                        title=lesson.sentence, **_words_of(lesson))


def _words_of(lesson) -> dict:
    """The lesson's language and words file: as given, else its example file's, else English."""
    from scenes.words.choice import words_for_example

    from .inputs import toy_example

    chosen = lesson.choices
    example = toy_example(chosen, "explorer") if chosen.example else None
    if example is None:
        return {"lang": chosen.lang or "en", "captions": chosen.captions}
    words, _ = words_for_example(chosen.lang, chosen.captions, example)
    return {"lang": words.lang, "captions": words.captions}


def page_for(lesson, path: Path, layers=None, heads=None) -> Path:
    from explorer.page import build_page, write_page

    trace = explorer_trace(lesson)
    keep = None if layers is None else [int(l) - 1 for l in layers]
    keep_heads = None if heads is None else [int(h) - 1 for h in heads]
    return write_page(path, build_page(trace, layer=lesson.layer if keep is None else 0,
                                       head=lesson.head if keep_heads is None else 0, query=lesson.query,
                                       layers=keep, heads=keep_heads, title=lesson.sentence, **_words_of(lesson)))


def escape(text: str) -> str:
    return html.escape(text)
