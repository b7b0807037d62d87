"""One self-contained HTML page: the page's own CSS/JS and D3 inlined, the trace embedded.

Public:
- `build_page(trace, ...)`: the whole offline document for one trace.
- `build_fragment(trace, ...)`: the same explorer as one <div> to embed (a notebook cell): its
  element ids carry a unique prefix and its styles are scoped, so several can share a document.
- `explorer_data(trace, ...)`: the page's meta and payload, for pages that combine explorers.
`layers` / `heads` bound a page's size: only those layers and heads are carried (0-based).
"""
from __future__ import annotations

import base64
import gzip
import html
import json
import os
import re
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path

import numpy as np

from attention_math.head_patterns import pattern_rules

from .clusters import head_clusters
from .payload import PayloadBuilder
from .theme_colors import theme_colors
from .words import translate_meta
from .views import PERCENT_DECIMALS, attention_view, average_view, layer_attentions, rollout_view

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
D3_FILE = HERE / "vendor" / "d3.min.js"
# Page scripts in load order: core.js defines AXLib; each other file adds one module to it.
SCRIPTS = ("core.js", "state.js", "heatmap.js", "brush.js", "clusters.js", "heads.js", "compare.js", "depth.js", "flow.js", "steps.js", "controls.js", "pair.js")


def _script_text(text: str) -> str:
    """Safe inside <script>: a "</" (as in a token "</s>") would end the element early."""
    return text.replace("</", "<\\/")


def default_query(trace: dict) -> int:
    """The query the page opens on, as in the videos' worked rows (scenes' focus_query): with a
    causal mask the last token (the only one that sees every key), otherwise the middle one."""
    n = len(trace["tokens"])
    return n - 1 if trace.get("causal") else (n - 1) // 2


def _bounded(attentions: list[dict], layers, heads) -> tuple[list[dict], list[int], list[int]]:
    """Only the chosen layers and heads (0-based; None: all), with their 1-based numbers."""
    layer_ids = list(range(len(attentions))) if layers is None else list(layers)
    head_ids = list(range(len(attentions[0]["heads"]))) if heads is None else list(heads)
    if not layer_ids or not head_ids or max(layer_ids) >= len(attentions) or max(head_ids) >= len(attentions[0]["heads"]) \
            or min(layer_ids + head_ids) < 0:
        raise ValueError(f"layers {layers} / heads {heads}: this trace has {len(attentions)} layer(s), "
                         f"{len(attentions[0]['heads'])} head(s)")
    kept = [{**attentions[l], "heads": [attentions[l]["heads"][h] for h in head_ids]} for l in layer_ids]
    return kept, [l + 1 for l in layer_ids], [h + 1 for h in head_ids]


def interface(lang: str = "en", captions: str | None = None):
    """The page's own words (scenes/words/<lang>/explorer.toml) with a teacher's overrides."""
    from scenes.words import Words

    return Words("explorer", lang, captions)


def explorer_data(trace: dict, *, cross: dict | None = None, title: str | None = None, layer: int = 0,
                  head: int = 0, query: int | None = None, layers=None, heads=None, lang: str = "en",
                  captions: str | None = None) -> tuple[dict, PayloadBuilder]:
    """The page's meta (tokens, views, theme, clusters, where to start, its words in `lang`) and its
    numbers (payload).

    `layer`, `head`: where to start, 0-based positions among the carried layers and heads.
    """
    payload = PayloadBuilder()
    query = default_query(trace) if query is None else query
    title = title or trace.get("sentence") or " ".join(trace["tokens"])
    all_layers = layer_attentions(trace)
    attentions, layer_numbers, head_numbers = _bounded(all_layers, layers, heads)
    n_layers, n_heads, tokens = len(attentions), len(attentions[0]["heads"]), list(trace["tokens"])
    if not (0 <= layer < n_layers and 0 <= head < n_heads and 0 <= query < len(tokens)):
        raise ValueError(f"start at layer {layer + 1}, head {head + 1}, query {query + 1}: "
                         f"this trace has {n_layers} layer(s), {n_heads} head(s), {len(tokens)} tokens")
    real = "layers" in trace
    self_view = attention_view("self", "self-attention", attentions, tokens, tokens, payload, always_shift=real)
    self_view.update(layerNumbers=layer_numbers, headNumbers=head_numbers)
    visible = np.asarray(attentions[0].get("mask", np.ones((len(tokens),) * 2)), dtype=bool)
    views = [self_view]
    keep = [number - 1 for number in layer_numbers]
    if len(all_layers[0]["heads"]) > 1:
        views.append(average_view(all_layers, tokens, visible, payload, keep))
    if len(all_layers) > 1:
        views.append(rollout_view(trace, all_layers, tokens, visible, payload, keep))
    for view in views[1:]:
        view["layerNumbers"] = layer_numbers
    if cross is not None:
        views.append(attention_view("cross", "cross-attention", [cross], list(cross["query_tokens"]),
                                    list(cross["key_tokens"]), payload, always_shift=False, patterns=False))
    start = {"view": "self" if cross is None else "cross", "layer": layer, "head": head, "query": query}
    words = interface(lang, captions)
    meta = {
        "title": title, "model": trace.get("model") or words("page.toy_model"), "views": views, "theme": theme_colors(),
        "rules": pattern_rules(tuple(tokens)), "percentDecimals": PERCENT_DECIMALS, "start": start,
        "clusters": head_clusters(attentions, self_view["patterns"]), "blob": payload.directory,
        "lang": lang, "ui": words.texts(),
    }
    translate_meta(meta, meta["ui"])
    return meta, payload


def bundle_css() -> str:
    return (STATIC / "explorer.css").read_text(encoding="utf-8")


def bundle_js() -> str:
    """Every page script in one function that runs once per document (a second explorer reuses it)."""
    body = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in SCRIPTS)
    return '(function () {\n"use strict";\nif (window.AXLib) return;\n' + body + "\n})();"


@lru_cache(maxsize=1)
def packed_code() -> str:
    """D3 and the page scripts, gzip'd (mtime 0: rebuilds are identical) and base64'd: boot.js unpacks them."""
    code = D3_FILE.read_text(encoding="utf-8") + "\n" + bundle_js()
    return base64.b64encode(gzip.compress(code.encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


def code_html() -> str:
    """The packed code and the loader, once per document (a second copy is ignored)."""
    return (f'<script type="application/octet-stream" class="ax-code">{packed_code()}</script>'
            f"<script>{_script_text((STATIC / 'boot.js').read_text(encoding='utf-8'))}</script>")


def _fill(template: str, parts: dict) -> str:
    # One pass: text put in (D3, the trace's tokens) is never searched for placeholders again.
    return re.sub(r"\{\{[A-Z0-9]+\}\}", lambda match: parts[match.group(0)], template)


COLOURED = {"queries": "q", "keys": "k", "query": "q", "key": "k"}  # words the help colours as the heatmap does


def fill_words(template: str, ui: dict[str, str]) -> str:
    """A markup template's {{t:key}} filled with its words (escaped, the coloured words as markup)."""
    return re.sub(r"\{\{t:([a-z_.]+)\}\}", lambda match: _markup(ui, match.group(1)), template)


def _markup(ui: dict[str, str], key: str) -> str:
    """A text of the markup, escaped; its {queries}/{keys}/{query}/{key} become the coloured words."""
    return re.sub(r"\{(queries|keys|query|key)\}", lambda match: f'<b class="{COLOURED[match.group(1)]}">'
                  f'{html.escape(ui["page." + match.group(1)])}</b>', html.escape(ui[key]))


def instance_html(meta: dict, payload: PayloadBuilder, prefix: str = "", options: dict | None = None,
                  start: bool = True) -> str:
    """One explorer's markup, numbers and (unless `start` is False) start call; its element ids all
    begin with `prefix`."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", prefix):
        raise ValueError(f"prefix {prefix!r}: letters, digits, - and _ only")
    ui = meta.get("ui") or interface().texts()
    template = fill_words((STATIC / "explorer.html").read_text(encoding="utf-8"), ui)  # the markup's words
    return _fill(template, {
        "{{P}}": prefix,
        "{{META}}": _script_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":"))),
        "{{BLOB}}": payload.encoded(),
        "{{START}}": f"<script>AXBoot.start({json.dumps(prefix)}, {json.dumps(options or {})});</script>" if start else "",
    })


def document(title: str, body: str, lang: str = "en") -> str:
    """The offline page around `body`: CSS, D3 and the page scripts inlined; `lang`: its language."""
    return _fill((STATIC / "page.html").read_text(encoding="utf-8"), {
        "{{TITLE}}": html.escape(title), "{{LANG}}": html.escape(lang), "{{CSS}}": bundle_css(), "{{CODE}}": code_html(), "{{BODY}}": body,
    })


def build_page(trace: dict, *, cross: dict | None = None, title: str | None = None, layer: int = 0, head: int = 0,
               query: int | None = None, layers=None, heads=None, lang: str = "en", captions: str | None = None) -> str:
    """The explorer page for a trace dict (toy or real model; 0-based layer, head and query to start on;
    the key starts on the one the query attends to most).

    `cross`: a cross-attention trace as a dict (query_tokens, key_tokens, heads, ...), shown
    beside the self-attention of its query sentence; the page then opens on it.
    """
    meta, payload = explorer_data(trace, cross=cross, title=title, layer=layer, head=head, query=query,
                                  layers=layers, heads=heads, lang=lang, captions=captions)
    return document(interface(lang, captions)("page.document_title", title=meta["title"]),
                    instance_html(meta, payload), lang)


def build_fragment(trace: dict, *, prefix: str | None = None, **options) -> str:
    """The explorer as one <div> for a notebook cell or any page: styles scoped under .ax-root, ids
    under a unique prefix, D3 and the scripts included (run once per document)."""
    prefix = prefix if prefix is not None else f"ax{uuid.uuid4().hex[:10]}-"
    meta, payload = explorer_data(trace, **options)
    return (f"<div class=\"ax-fragment\"><style>{bundle_css()}</style>{code_html()}"
            f"{instance_html(meta, payload, prefix, {'holdReady': True, 'inline': True})}</div>")


def write_page(path: Path, text: str) -> Path:
    """Write atomically: a temporary file beside the target, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
