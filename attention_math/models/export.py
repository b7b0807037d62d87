"""`python -m attention_math trace --model MODEL "..."`: any real model's trace as JSON-ready data.

Encoders and decoders alike give `tokens`, `token_ids`, `embeddings` and
`layers[l].attention.heads[h].weights` …; decoders add `next_tokens`. `model`, `family`, `file` and
`dtype` say where the numbers came from. Fixed weights stay in the checkpoint (listed in `omitted`).
"""
from __future__ import annotations

import argparse
from dataclasses import fields

import numpy as np

from ..example import ExampleError, load_example
from ..head_patterns import pattern_rules
from ..plain import _nan_to_none, plain_data
from ..trace import AttentionTrace

_OMITTED_ATTENTION = ("w_q", "w_k", "w_v", "w_o")
# Per record: fixed weights, then copies of values exported elsewhere in the same layer.
_OMITTED_FIELDS = {
    "attention_norm": ("gain", "input", "output"), "mlp_norm": ("gain", "input"),
    "rope": ("angles", "q_rotated", "k_rotated"), "grouped_query": ("w_k", "w_v", "k", "k_rotated", "v"),
    "mlp": ("w_gate", "w_up", "w_down", "input"),
}
OMITTED_NOTE = ("fixed weights (read them from the checkpoint): each layer's attention w_q, w_k, w_v, w_o; for "
                "Llama-style decoders also grouped_query w_k and w_v, mlp w_gate, w_up and w_down, the RMSNorm gains, "
                "and copies (attention_norm.output is attention.x, rope.q_rotated and k_rotated are "
                "attention.heads[h].q and k); logits over the whole vocabulary: next_tokens has the top 5")
# Flags of the toy model that a fixed, trained model cannot honour.
_TOY_ONLY_FLAGS = ("heads", "d_model", "d_k", "seed", "positional", "precision")


def trained_model_sentence(args: argparse.Namespace, model: str) -> tuple[str, bool]:
    """The sentence (and --causal) for a trained model's trace; ExampleError for flags it can't honour."""
    for name in _TOY_ONLY_FLAGS:
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise ExampleError(f"{flag} does not apply to --model {model}: the trained model's sizes are fixed")
    if getattr(args, "example", None):
        if args.sentence:
            raise ExampleError("give a sentence or --example FILE, not both")
        example = load_example(args.example)
        return example.sentence, example.causal if args.causal is None else bool(args.causal)
    if args.sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    return args.sentence, bool(args.causal)


def _value(name: str, value):
    if isinstance(value, AttentionTrace):
        return value.to_dict(omit=_OMITTED_ATTENTION)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return plain_data(value, _OMITTED_FIELDS.get(name, ()))


def _layer(layer, encoder: bool) -> dict:
    data = {field.name: _value(field.name, getattr(layer, field.name)) for field in fields(layer)}
    if encoder:  # the class the heads grid shows, per head
        data["head_patterns"] = [{"head": h, "label": p.kind, "score": p.score}
                                 for h, p in enumerate(layer.attention.head_patterns)]
    return data


def trace_data(model, sentence: str, causal: bool | None = None) -> dict:
    """The whole trace of one sentence through `model` (a registry LoadedModel)."""
    spec = model.spec
    encoder = spec.kind == "encoder"
    trace = model.trace(sentence, causal=causal if encoder else None)
    data = {"model": spec.name, "family": spec.family, "architecture": spec.architecture, "file": spec.source,
            "dtype": spec.dtype, "sentence": trace.sentence, "causal": trace.causal, "tokens": list(trace.tokens),
            "token_ids": list(trace.token_ids), "embeddings": trace.embeddings.tolist(),
            "layers": [_layer(layer, encoder) for layer in trace.layers], "omitted": OMITTED_NOTE}
    if encoder:
        data["pattern_rules"] = pattern_rules(trace.tokens)
        data["rollout"] = [rolled.weights.tolist() for rolled in trace.rollout]
        return data
    if spec.quantisation_note:
        data["quantisation"] = spec.quantisation_note
    if trace.rotary is not None:
        data["rotary"] = plain_data(trace.rotary)
    final = trace.final_norm
    data["final_norm"] = final.tolist() if isinstance(final, np.ndarray) else plain_data(final, ("gain",))
    data["next_tokens"] = [{"token": t.token, "probability": t.probability, "token_id": t.token_id, "logit": t.logit}
                           for t in trace.next_tokens]
    return _nan_to_none(data)


def model_trace_for_cli(args: argparse.Namespace) -> dict:
    from .registry import resolve

    model = resolve(args.model)
    sentence, causal = trained_model_sentence(args, args.model)
    return trace_data(model, sentence, causal)


def attention_only(model, sentence: str, causal: bool | None = None) -> dict:
    """Every layer's attention and nothing else: what the explorer page needs."""
    spec = model.spec
    trace = model.trace(sentence, causal=causal if spec.kind == "encoder" else None)
    layers = [{"index": layer.index, "attention": layer.attention.to_dict(omit=_OMITTED_ATTENTION)}
              for layer in trace.layers]
    return {"model": spec.name, "family": spec.family, "sentence": trace.sentence, "causal": trace.causal,
            "tokens": list(trace.tokens), "layers": layers}

