"""Scenes that only a real decoder (SmolLM2-135M) can tell: RoPE, grouped-query attention, the
attention sink, all 30 × 9 heads, the next token and generation with a KV cache."""
from .attention_sink import AttentionSink
from .grouped_query import GroupedQuery
from .heads_grid import DecoderHeadsGrid
from .kv_cache import KVCache
from .next_token import NextToken
from .rotary import RotaryPositions

DECODER_SCENES: list = [RotaryPositions, GroupedQuery, AttentionSink, DecoderHeadsGrid, NextToken, KVCache]
