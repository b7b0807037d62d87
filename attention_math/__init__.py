"""attention_math: every number of an attention explainer, computed in numpy, never drawn."""
from .display import format_number, percentages, shown
from .example import LAYOUT_MAX_TOKENS, Example, ExampleError, load_example, slugify, tokenize
from .softmax import masked_softmax
from .trace import AttentionTrace, HeadTrace, attention_trace, causal_mask, trace_example

__all__ = [
    "AttentionTrace", "Example", "LAYOUT_MAX_TOKENS", "ExampleError", "HeadTrace", "attention_trace", "causal_mask",
    "format_number", "load_example", "masked_softmax", "percentages", "shown", "slugify",
    "tokenize", "trace_example",
]
