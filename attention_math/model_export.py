"""`python -m attention_math trace --model minilm`: the real model's trace as JSON-ready data."""
from __future__ import annotations

import argparse

from .example import ExampleError, load_example
from .head_patterns import PATTERN_RULES
from .minilm import MODEL_NAME, model_trace
from .trace import AttentionTrace


# Flags of the toy model that a fixed, trained model cannot honour.
_TOY_ONLY_FLAGS = ("heads", "d_model", "d_k", "seed", "positional", "precision")


def _sentence_and_causal(args: argparse.Namespace) -> tuple[str, bool]:
    for name in _TOY_ONLY_FLAGS:
        if getattr(args, name, None) is not None:
            flag = "--" + name.replace("_", "-")
            raise ExampleError(f"{flag} does not apply to --model minilm: the trained model's sizes are fixed")
    if getattr(args, "example", None):
        if args.sentence:
            raise ExampleError("give a sentence or --example FILE, not both")
        example = load_example(args.example)
        return example.sentence, example.causal if args.causal is None else bool(args.causal)
    if args.sentence is None:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    return args.sentence, bool(args.causal)


# The model's fixed matrices are 13 MB of JSON per layer; they stay in model.safetensors.
_OMITTED_WEIGHTS = ("w_q", "w_k", "w_v", "w_o")


def _attention_without_weights(attention: AttentionTrace) -> dict:
    data = attention.to_dict()
    for name in _OMITTED_WEIGHTS:
        del data[name], data["shapes"][name]
    return data


def model_trace_for_cli(args: argparse.Namespace) -> dict:
    """`python -m attention_math trace --model minilm "..." [--causal]` as JSON-ready data."""
    sentence, causal = _sentence_and_causal(args)
    trace = model_trace(sentence, causal)
    layers = []
    for layer in trace.layers:
        patterns = [(pattern.kind, pattern.score) for pattern in layer.attention.head_patterns]
        layers.append({
            "index": layer.index,
            "attention": _attention_without_weights(layer.attention),
            "attention_residual_norm": layer.attention_residual_norm.tolist(),
            "ffn_intermediate": layer.ffn_intermediate.tolist(),
            "ffn_output": layer.ffn_output.tolist(),
            "hidden": layer.hidden.tolist(),
            "head_patterns": [{"head": h, "label": label, "score": score} for h, (label, score) in enumerate(patterns)],
        })
    return {
        "model": MODEL_NAME,
        "sentence": trace.sentence,
        "causal": trace.causal,
        "tokens": list(trace.tokens),
        "token_ids": list(trace.token_ids),
        "embeddings": trace.embeddings.tolist(),
        "layers": layers,
        "omitted": f"each layer's {', '.join(_OMITTED_WEIGHTS)}: fixed weights, read them from model.safetensors",
        "pattern_rules": dict(PATTERN_RULES),
        "rollout": [rolled.weights.tolist() for rolled in trace.rollout],
    }
