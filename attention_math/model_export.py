"""`python -m attention_math trace --model minilm`: the real model's trace as JSON-ready data."""
from __future__ import annotations

import argparse

from .cli import trained_model_sentence
from .head_patterns import pattern_rules
from .minilm import MODEL_NAME, model_trace


# The model's fixed matrices are 13 MB of JSON per layer; they stay in model.safetensors.
_OMITTED_WEIGHTS = ("w_q", "w_k", "w_v", "w_o")


def model_trace_for_cli(args: argparse.Namespace) -> dict:
    """`python -m attention_math trace --model minilm "..." [--causal]` as JSON-ready data."""
    sentence, causal = trained_model_sentence(args, "minilm")
    trace = model_trace(sentence, causal)
    layers = []
    for layer in trace.layers:
        patterns = [(pattern.kind, pattern.score) for pattern in layer.attention.head_patterns]
        layers.append({
            "index": layer.index,
            "attention": layer.attention.to_dict(omit=_OMITTED_WEIGHTS),
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
        "pattern_rules": pattern_rules(trace.tokens),
        "rollout": [rolled.weights.tolist() for rolled in trace.rollout],
    }
