"""The end of a decoder: final RMSNorm of the last layer's output and the next-token prediction."""
from __future__ import annotations

import numpy as np

from ..decoder_records import NextToken
from .llama_parts import rms_norm
from ...trace import _frozen

TOP_NEXT_TOKENS = 5


def next_token_prediction(weights, hidden: np.ndarray, eps: float, decode, norm_name: str, output_name: str,
                          complete: bool = True, norm_offset: float = 0.0, softcap: float | None = None) -> dict:
    """final_norm, logits, probabilities and next_tokens for DecoderTrace (None when the trace stopped
    before the last layer: only the full stack predicts)."""
    if not complete:
        return {"final_norm": None, "logits": None, "probabilities": None, "next_tokens": ()}
    final_norm = rms_norm(hidden, np.asarray(weights[norm_name], dtype=np.float64) + norm_offset, eps)
    from .llama import chunked_logits

    logits = chunked_logits(weights, output_name, final_norm.output[-1])  # only the last position predicts
    if softcap:
        logits = np.tanh(logits / softcap) * softcap
    shifted = np.exp(logits - logits.max())
    probabilities = shifted / shifted.sum()
    best = np.argsort(-logits, kind="stable")[:TOP_NEXT_TOKENS]
    decode = decode or (lambda token_id: f"#{token_id}")
    next_tokens = tuple(NextToken(token_id=int(i), token=decode(int(i)), logit=float(logits[i]),
                                  probability=float(probabilities[i])) for i in best)
    return {"final_norm": final_norm, "logits": _frozen(logits), "probabilities": _frozen(probabilities),
            "next_tokens": next_tokens}
