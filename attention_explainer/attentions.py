"""`from_attentions(tokens, attentions)`: the explorer for weights computed elsewhere, BertViz-style.

Takes what BertViz's `head_view` takes: the `attentions` tuple of a Hugging Face output (one
`[batch, heads, query, key]` tensor per layer, torch or numpy) and the token strings. Nothing is
computed from them but what the explorer always shows (rounding, averages, rollout); the page says
that no q, k or v came with them, so its step-through has no arithmetic.
"""
from __future__ import annotations

import numpy as np

from .display import ExplorerOutput, build_output
from .errors import SettingError

ROW_TOLERANCE = 1e-3  # a softmax row adds to 1 (float16 outputs round a little)


def _array(value) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor, without importing torch
        value = value.detach().cpu().float().numpy()
    return np.asarray(value, dtype=np.float64)


def _is_tokens(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(t, str) for t in value)


def attention_stack(attentions, n_tokens: int, batch: int = 0) -> np.ndarray:
    """[layers, heads, query, key] float64 from a tuple of per-layer arrays; SettingError if it isn't one."""
    if hasattr(attentions, "shape") and len(attentions.shape) in (4, 5):
        attentions = list(attentions)  # one array [layers, (batch,) heads, q, k]
    if not isinstance(attentions, (list, tuple)) or not attentions:
        raise SettingError("attentions: give one [batch, heads, query, key] array per layer (the `attentions` of a "
                           "model output with output_attentions=True)")
    layers = []
    for number, layer in enumerate(attentions, 1):
        array = _array(layer)
        if array.ndim == 4:
            if not 0 <= batch < array.shape[0]:
                raise SettingError(f"batch: {batch} is not in 0–{array.shape[0] - 1}")
            array = array[batch]
        if array.ndim != 3 or array.shape[1] != array.shape[2]:
            raise SettingError(f"attentions: layer {number} has shape {tuple(_array(layer).shape)}; "
                               "expected [batch, heads, query, key] with query = key")
        layers.append(array)
    shapes = {a.shape for a in layers}
    if len(shapes) != 1:
        raise SettingError(f"attentions: layers differ in shape ({', '.join(str(s) for s in sorted(shapes))})")
    stack = np.stack(layers)
    if stack.shape[-1] != n_tokens:
        raise SettingError(f"attentions: {stack.shape[-1]} positions but {n_tokens} tokens given")
    if not np.isfinite(stack).all() or (stack < 0).any():
        raise SettingError("attentions: the weights must be finite and not negative")
    worst = float(np.abs(stack.sum(axis=-1) - 1).max())
    if worst > ROW_TOLERANCE:
        raise SettingError(f"attentions: a row adds to {1 + worst:.4f}, not 1: these are not softmax weights "
                           "(give the probabilities, not the scores)")
    return stack


def given_trace(tokens: list[str], stack: np.ndarray, model: str) -> dict:
    """The explorer's trace dict for weights alone (each layer's heads' `weights`; a causal mask when
    every weight above the diagonal is exactly 0)."""
    n = len(tokens)
    causal = bool(n > 1 and not stack[..., np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]].any())
    mask = np.tril(np.ones((n, n), dtype=bool)) if causal else np.ones((n, n), dtype=bool)
    layers = [{"index": l, "attention": {
        "tokens": tokens, "n_heads": stack.shape[1], "causal": causal, "mask": mask.tolist(),
        "heads": [{"index": h, "weights": stack[l, h].tolist()} for h in range(stack.shape[1])]}}
        for l in range(stack.shape[0])]
    return {"model": model, "tokens": tokens, "causal": causal, "layers": layers}


def from_attentions(tokens, attentions, *, layer: int = 1, head: int = 1, query: int | None = None,
                    layers=None, heads=None, batch: int = 0, model: str = "weights given (from_attentions)",
                    title: str | None = None, max_cells: int | None = None) -> ExplorerOutput:
    """The explorer for given attention weights; displays itself in a notebook.

    `tokens`: the token strings; `attentions`: one `[batch, heads, query, key]` array per layer (torch
    or numpy; BertViz's argument order `(attentions, tokens)` works too). `layer`, `head`, `query` are
    1-based (where it opens); `layers`/`heads` (1-based) bound what the output carries.
    """
    if _is_tokens(attentions) and not _is_tokens(tokens):
        tokens, attentions = attentions, tokens  # head_view(attention, tokens) order
    if not _is_tokens(tokens):
        raise SettingError("tokens: give the token strings, e.g. tokenizer.convert_ids_to_tokens(inputs['input_ids'][0])")
    tokens = [str(t) for t in tokens]
    stack = attention_stack(attentions, len(tokens), batch)
    n_layers, n_heads = stack.shape[:2]
    for name, value, count in (("layer", layer, n_layers), ("head", head, n_heads), ("query", query, len(tokens))):
        if value is not None and not 1 <= int(value) <= count:
            raise SettingError(f"{name}: {value} is not in 1–{count}")
    trace = given_trace(tokens, stack, model)
    return build_output(trace, n_layers, n_heads, layer - 1, head - 1, None if query is None else query - 1,
                        layers, heads, max_cells, title=title or " ".join(tokens))
