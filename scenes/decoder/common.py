"""What the decoder scenes share: the whole decoder trace and the names their sources use.

The core segments draw one layer (self.trace, chosen by LAYER); these scenes look across all
layers and heads, or at what only a Llama-style decoder has (RoPE, grouped-query attention, the
next token, the KV cache), so they hold the full DecoderTrace. Their NumberText sources are
field paths from `model` ("model.layers[13].attention.heads[8].percentages[9, 1]",
"model.next_tokens[0].probability").
"""
from __future__ import annotations

from ..base import ExplainerScene
from ..context import full_trace, model_spec


class DecoderScene(ExplainerScene):
    """An ExplainerScene holding the whole decoder trace of the example's sentence (any Llama-style
    or GPT-2 decoder the registry loads; each scene says which capabilities it needs in `applies`)."""

    def setup(self) -> None:
        super().setup()
        self.model = full_trace(self.example, self.context.model)
        self.spec = model_spec(self.context.model)
        # The root a source's field path may start from besides the active layer's trace.
        self.traces = {"model": self.model}

    def model_head_source(self, layer: int, head: int) -> str:
        return f"model.layers[{layer}].attention.heads[{head}]"
