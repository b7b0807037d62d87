"""What a model is, as the rest of the program asks it (never by the model's name)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["seeded", "encoder", "decoder"]  # seeded: the toy model, weights from a seed
Positions = Literal["none", "sinusoidal", "learned", "rotary"]
TokenizerKind = Literal["words", "wordpiece", "byte-bpe", "sentencepiece"]


@dataclass(frozen=True)
class ModelSpec:
    """Capabilities of one loaded model; scenes pick segments and captions from these fields."""
    name: str  # shown on screen: "all-MiniLM-L6-v2", "gpt2", "Qwen2-0.5B"
    slug: str  # in media folder names, e.g. "gpt2-1a2b3c"
    family: str  # "seeded", "bert", "gpt2", "llama"
    architecture: str  # config.json's architectures[0] or the GGUF's general.architecture
    kind: Kind
    causal: bool
    positions: Positions
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int  # == n_heads: multi-head; 1: multi-query; between: grouped-query
    head_dim: int
    max_positions: int
    windows: tuple[int | None, ...] = ()  # per layer: sliding window length, None = global
    rope_bases: tuple[float | None, ...] = ()  # per layer: RoPE base θ (rotary models)
    qk_norm: bool = False  # per-head RMSNorm of q and k before RoPE (Qwen3, Gemma 3)
    next_token: bool = False  # has a language-model head: next-token segments apply
    generation: bool = False  # greedy generation with a KV cache is traced (attention_math/generation.py)
    norm: Literal["layer", "rms"] = "layer"  # LayerNorm (BERT, GPT-2) or RMSNorm (Llama-style)
    special_tokens: tuple[str, ...] = ()  # e.g. ("[CLS]", "[SEP]") or ("<bos>",)
    tokenizer_kind: TokenizerKind = "words"
    tokens_named: str = "tokens"  # how captions name its tokens: "WordPiece tokens (with [CLS] and [SEP])"
    source: str = ""  # the file or folder the weights came from
    dtype: str = "float64"  # the checkpoint's dtype: float32, float16, bfloat16, Q4_1, …
    quantisation_note: str | None = None  # said on screen when numbers come from a quantized file

    @property
    def tokens_described(self) -> str:
        """What captions say about its tokens, once."""
        if self.tokenizer_kind == "wordpiece" and len(self.special_tokens) == 2:
            return f"WordPiece tokens, with {self.special_tokens[0]} at the start and {self.special_tokens[1]} at the end"
        if self.tokenizer_kind in ("byte-bpe", "sentencepiece"):
            marks = f", with {' and '.join(self.special_tokens)} added" if self.special_tokens else ""
            return f"{self.tokens_named}: a token is a word with its leading space, or a piece of one{marks}"
        return self.tokens_named

    @property
    def trained(self) -> bool:
        """A real checkpoint (not the seeded toy model): layers, heads and captions about a model apply."""
        return self.kind != "seeded"

    @property
    def grouped_query(self) -> bool:
        return self.n_kv_heads < self.n_heads

    @property
    def sliding_window(self) -> bool:
        return any(window is not None for window in self.windows)


# Tensors by their Hugging Face names ("model.layers.0.self_attn.q_proj.weight"), read lazily
# (memory-mapped) in the checkpoint's own dtype; a family converts what it uses to float64, layer by layer.
WeightSource = Mapping[str, np.ndarray]
ConfigDict = Mapping[str, object]  # config.json as a dict (GGUF metadata is mapped onto the same keys)
