"""`python -m attention_math trace --model smollm2 "..."`: the SmolLM2 trace as JSON-ready data,
laid out as the MiniLM export (`layers[l].attention.heads[h].weights` …) plus `next_tokens`."""
from __future__ import annotations

import argparse

from .cli import trained_model_sentence
from .gguf_weights import GGUF_NAME
from .smollm2 import MODEL_NAME, model_trace
from .trace import _nan_to_none, plain_data

# Fixed weights: 2.6 MB of JSON per 576 × 576 matrix; they stay in the GGUF (and its cache).
_OMITTED_ATTENTION = ("w_q", "w_k", "w_v", "w_o")
# Per record: fixed weights, then copies of values exported elsewhere in the same layer.
_OMITTED_FIELDS = {
    "attention_norm": ("gain", "input", "output"), "mlp_norm": ("gain", "input"),
    "rope": ("angles", "q_rotated", "k_rotated"), "grouped_query": ("w_k", "w_v", "k", "k_rotated", "v"),
    "mlp": ("w_gate", "w_up", "w_down", "input"),
}
_OMITTED_NOTE = (
    f"fixed weights (read them from {GGUF_NAME}): each layer's attention {', '.join(_OMITTED_ATTENTION)}, "
    "grouped_query w_k and w_v, mlp w_gate, w_up and w_down, the RMSNorm gains. Copies: attention_norm.input "
    "is input, attention_norm.output is attention.x, mlp_norm.input is attention_residual, mlp.input is "
    "mlp_norm.output, rope.q_rotated and k_rotated are attention.heads[h].q and k (KV head g is query head 3g's), "
    "grouped_query k and v are rope.k and v_by_kv_head side by side; rope angles: once, under rotary. "
    "Logits and probabilities over the whole vocabulary: next_tokens has the top 5"
)


def _layer(layer) -> dict:
    data = {"index": layer.index, "input": layer.input.tolist(), "attention": layer.attention.to_dict(omit=_OMITTED_ATTENTION)}
    for name in ("attention_norm", "rope", "grouped_query", "attention_residual", "mlp_norm", "mlp", "hidden"):
        data[name] = plain_data(getattr(layer, name), _OMITTED_FIELDS.get(name, ()))
    return data


def model_trace_for_cli(args: argparse.Namespace) -> dict:
    """The whole SmolLM2 trace of one prompt; the model is causal, so --causal changes nothing."""
    prompt, _ = trained_model_sentence(args, "smollm2")
    trace = model_trace(prompt)
    data = {
        "model": MODEL_NAME,
        "quantisation": trace.quantisation,
        "sentence": trace.sentence,
        "causal": trace.causal,
        "tokens": list(trace.tokens),
        "token_ids": list(trace.token_ids),
        "embeddings": trace.embeddings.tolist(),
        "rotary": plain_data(trace.rotary),
        "layers": [_layer(layer) for layer in trace.layers],
        "final_norm": plain_data(trace.final_norm, ("gain",)),
        "next_tokens": [{"token": t.token, "probability": t.probability, "token_id": t.token_id, "logit": t.logit}
                        for t in trace.next_tokens],
        "omitted": _OMITTED_NOTE,
    }
    return _nan_to_none(data)

