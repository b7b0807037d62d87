"""What the decoder scenes share: the whole 30-layer SmolLM2 trace and the names their sources use.

The core segments draw one layer (self.trace, chosen by LAYER); these scenes look across all
layers and heads, or at what only a Llama-style decoder has (RoPE, grouped-query attention, the
next token, the KV cache), so they hold the full DecoderTrace. Their NumberText sources are
field paths from `model` ("model.layers[13].attention.heads[8].percentages[9, 1]",
"model.next_tokens[0].probability").
"""
from __future__ import annotations

from functools import lru_cache

from attention_math.decoder_records import DecoderTrace
from attention_math.smollm2 import model_trace

from ..base import ExplainerScene


@lru_cache(maxsize=4)
def decoder_trace(sentence: str) -> DecoderTrace:
    """SmolLM2's trace of a prompt, computed once per process (the context and every scene share it)."""
    return model_trace(sentence)


class DecoderScene(ExplainerScene):
    """An ExplainerScene holding the whole SmolLM2 trace of the example's sentence."""

    def setup(self) -> None:
        super().setup()
        self.model = decoder_trace(self.example.sentence)
        # The root a source's field path may start from besides the active layer's trace.
        self.traces = {"model": self.model}

    def model_head_source(self, layer: int, head: int) -> str:
        return f"model.layers[{layer}].attention.heads[{head}]"
