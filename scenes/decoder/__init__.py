"""Scenes that only a real decoder (SmolLM2-135M, Gemma 3 270M, …) can tell: RoPE, sliding windows,
q/k normalisation, grouped-query attention, the attention sink, every head, the next token and
generation with a KV cache; each where the model has it (`applies(spec)`)."""
from .attention_sink import AttentionSink
from .grouped_query import GroupedQuery
from .heads_grid import DecoderHeadsGrid
from .kv_cache import KVCache
from .next_token import NextToken
from .qk_norm import QKNormalisation
from .rotary import RotaryPositions
from .sliding_window import SlidingWindow

DECODER_SCENES: list = [RotaryPositions, SlidingWindow, QKNormalisation, GroupedQuery, AttentionSink, DecoderHeadsGrid,
                        NextToken, KVCache]
