"""One self-contained HTML page: the page's own CSS/JS and D3 inlined, the trace embedded."""
from __future__ import annotations

import html
import json
import os
import re
import tempfile
from pathlib import Path

from attention_math.head_patterns import pattern_rules

from .payload import PayloadBuilder
from .theme_colors import theme_colors
from .views import PERCENT_DECIMALS, attention_view, layer_attentions, rollout_view

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
D3_FILE = HERE / "vendor" / "d3.min.js"
# Page scripts in load order: each adds to one global `AX` object.
SCRIPTS = ("format.js", "state.js", "heatmap.js", "heads.js", "flow.js", "steps.js", "main.js")


def _script_text(text: str) -> str:
    """Safe inside <script>: a "</" (as in a token "</s>") would end the element early."""
    return text.replace("</", "<\\/")


def page_meta(trace: dict, cross: dict | None, payload: PayloadBuilder, *, title: str, start: dict) -> dict:
    """Everything but the numbers: tokens, views, theme colours, the rules, where to start."""
    attentions = layer_attentions(trace)
    tokens = list(trace["tokens"])
    real = "layers" in trace
    views = [attention_view("self", "self-attention", attentions, tokens, tokens, payload, always_shift=real)]
    if len(attentions) > 1:
        views.append(rollout_view(trace, attentions, tokens, payload))
    if cross is not None:
        views.append(attention_view("cross", "cross-attention", [cross], list(cross["query_tokens"]),
                                    list(cross["key_tokens"]), payload, always_shift=False, patterns=False))
    return {
        "title": title, "model": trace.get("model", "toy model"), "views": views, "theme": theme_colors(),
        "rules": pattern_rules(tuple(tokens)), "percentDecimals": PERCENT_DECIMALS, "start": start,
        "blob": payload.directory,
    }


def default_query(trace: dict) -> int:
    """The query the page opens on, as in the videos' worked rows (scenes' focus_query): with a
    causal mask the last token (the only one that sees every key), otherwise the middle one."""
    n = len(trace["tokens"])
    return n - 1 if trace.get("causal") else (n - 1) // 2


def build_page(trace: dict, *, cross: dict | None = None, title: str | None = None,
               layer: int = 0, head: int = 0, query: int | None = None) -> str:
    """The explorer page for a trace dict (toy or real model; 0-based layer, head and query to start on;
    the key starts on the one the query attends to most).

    `cross`: a cross-attention trace as a dict (query_tokens, key_tokens, heads, ...), shown
    beside the self-attention of its query sentence; the page then opens on it.
    """
    payload = PayloadBuilder()
    query = default_query(trace) if query is None else query
    title = title or trace.get("sentence") or " ".join(trace["tokens"])
    n_layers, n_heads = len(layer_attentions(trace)), len(layer_attentions(trace)[0]["heads"])
    if not (0 <= layer < n_layers and 0 <= head < n_heads and 0 <= query < len(trace["tokens"])):
        raise ValueError(f"start at layer {layer + 1}, head {head + 1}, query {query + 1}: "
                         f"this trace has {n_layers} layer(s), {n_heads} head(s), {len(trace['tokens'])} tokens")
    start = {"view": "self" if cross is None else "cross", "layer": layer, "head": head, "query": query}
    meta = page_meta(trace, cross, payload, title=title, start=start)
    template = (STATIC / "explorer.html").read_text(encoding="utf-8")
    parts = {
        "{{TITLE}}": html.escape(f"Attention explorer · {title}"),
        "{{CSS}}": (STATIC / "explorer.css").read_text(encoding="utf-8"),
        "{{D3}}": _script_text(D3_FILE.read_text(encoding="utf-8")),
        "{{JS}}": _script_text("\n".join((STATIC / name).read_text(encoding="utf-8") for name in SCRIPTS)),
        "{{META}}": _script_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":"))),
        "{{BLOB}}": payload.encoded(),
    }
    # One pass: text put in (D3, the trace's tokens) is never searched for placeholders again.
    return re.sub(r"\{\{[A-Z0-9]+\}\}", lambda match: parts[match.group(0)], template)


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
