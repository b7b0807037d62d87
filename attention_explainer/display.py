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


def _note(output_layers, output_heads, n_layers, n_heads, n_tokens, size_kb: float) -> str:
    carried = f"{len(output_layers)} of {n_layers} layer{'s' * (n_layers > 1)} × {len(output_heads)} of {n_heads} heads"
    which = "" if len(output_layers) == n_layers and len(output_heads) == n_heads else \
        f" (layers {', '.join(map(str, output_layers))}; heads {', '.join(map(str, output_heads))})"
    return (f'<p class="ax-output-note" style="font:12px/1.4 system-ui,sans-serif;color:#555;margin:4px 0">'
            f"This output carries {carried}{which}, {n_tokens} tokens, {size_kb:.0f} kB; "
            f"<code>lesson.explorer(layers=[…], heads=[…])</code> picks others (1-based).</p>")


def build_output(trace: dict, n_layers: int, n_heads: int, layer: int, head: int, query: int | None,
                 layers=None, heads=None, max_cells: int | None = None, title: str | None = None) -> ExplorerOutput:
    """The fragment for `trace`, carrying the layers and heads chosen (and starting on the focus if carried)."""
    from explorer.page import build_fragment

    n_tokens = len(trace["tokens"])
    keep_layers, keep_heads = bounded_choice(n_layers, n_heads, n_tokens, layer, head, layers, heads, max_cells)
    start_layer = keep_layers.index(layer) if layer in keep_layers else 0
    start_head = keep_heads.index(head) if head in keep_heads else 0
    try:
        fragment = build_fragment(trace, layers=keep_layers, heads=keep_heads, layer=start_layer, head=start_head,
                                  query=query, title=title)
    except ValueError as error:
        raise SettingError(str(error)) from None
    numbers_l, numbers_h = [l + 1 for l in keep_layers], [h + 1 for h in keep_heads]
    size = len(fragment.encode("utf-8")) / 1000
    text = f'<div class="ax-output">{_note(numbers_l, numbers_h, n_layers, n_heads, n_tokens, size)}{fragment}</div>'
    return ExplorerOutput(text, tuple(numbers_l), tuple(numbers_h), n_layers, n_heads, n_tokens)


def lesson_explorer(lesson, layers=None, heads=None, max_cells: int | None = None) -> ExplorerOutput:
    trace = explorer_trace(lesson)
    n_layers = len(trace["layers"]) if "layers" in trace else 1
    n_heads = len((trace["layers"][0]["attention"] if "layers" in trace else trace)["heads"])
    return build_output(trace, n_layers, n_heads, lesson.layer, lesson.head, lesson.query, layers, heads, max_cells,
                        title=lesson.sentence)


def page_for(lesson, path: Path, layers=None, heads=None) -> Path:
    from explorer.page import build_page, write_page

    trace = explorer_trace(lesson)
    keep = None if layers is None else [int(l) - 1 for l in layers]
    keep_heads = None if heads is None else [int(h) - 1 for h in heads]
    return write_page(path, build_page(trace, layer=lesson.layer if keep is None else 0,
                                       head=lesson.head if keep_heads is None else 0, query=lesson.query,
                                       layers=keep, heads=keep_heads))


def escape(text: str) -> str:
    return html.escape(text)
