"""Tiny random Gemma 3 GGUF files written with the gguf package's writer (tests only).

The vocabulary is SentencePiece-style ("llama" tokenizer): control tokens, byte-fallback tokens
<0x00>…<0xFF>, letters, "▁" pieces and a few merged pieces, so merges have to be rebuilt.
"""
from __future__ import annotations

import numpy as np

import gguf

D_MODEL, HEADS, KV_HEADS, HEAD_DIM, FFN, LAYERS, WINDOW = 256, 4, 1, 256, 512, 7, 3
PIECES = ["▁", "a", "b", "c", "d", "e", "h", "i", "n", "o", "r", "s", "t", "▁t", "th", "▁th", "▁the", "he",
          "an", "▁a", "▁an", "nd", "▁and", "in", "▁in", "at", "▁cat", "ca", "▁c", "er", "re", "  ", "▁▁"]
TOKENS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_image>"] + \
    [f"<0x{b:02X}>" for b in range(256)] + PIECES
TYPES = [3, 3, 3, 3, 3, 4] + [6] * 256 + [1] * len(PIECES)


def write_gemma3(path, quant: str = "F32", seed: int = 0, window: int = WINDOW, softcap: float | None = None,
                 add_bos: bool = True):
    """A 7-layer Gemma 3 (local layers 1–5 and 7, global layer 6) with random weights; matrices in `quant`."""
    rng = np.random.default_rng(seed)
    kind = getattr(gguf.GGMLQuantizationType, quant)
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_name("tiny-gemma3"); w.add_block_count(LAYERS); w.add_embedding_length(D_MODEL)
    w.add_feed_forward_length(FFN); w.add_head_count(HEADS); w.add_head_count_kv(KV_HEADS)
    w.add_key_length(HEAD_DIM); w.add_value_length(HEAD_DIM); w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1_000_000.0); w.add_context_length(256); w.add_sliding_window(window)
    if softcap:
        w.add_float32("gemma3.final_logit_softcapping", softcap)
    w.add_tokenizer_model("llama"); w.add_token_list(TOKENS); w.add_token_types(TYPES)
    w.add_token_scores([-1000.0] * 6 + [0.0] * 256 + [-float(i) for i in range(len(PIECES))])
    w.add_bos_token_id(2); w.add_eos_token_id(1); w.add_unk_token_id(3); w.add_pad_token_id(0)
    w.add_add_bos_token(add_bos); w.add_add_eos_token(False)

    def put(name, shape, norm=False, std=0.35):
        array = (1 + 0.3 * rng.standard_normal(shape) if norm else std * rng.standard_normal(shape)).astype(np.float32)
        if norm or kind == gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, array)
        elif kind in (gguf.GGMLQuantizationType.F16,):
            w.add_tensor(name, array.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(array, kind), raw_dtype=kind)

    put("token_embd.weight", (len(TOKENS), D_MODEL), std=0.05)
    put("output_norm.weight", (D_MODEL,), True)
    q, kv = HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM
    for i in range(LAYERS):
        for part in ("attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"):
            put(f"blk.{i}.{part}.weight", (D_MODEL,), True)
        put(f"blk.{i}.attn_q_norm.weight", (HEAD_DIM,), True); put(f"blk.{i}.attn_k_norm.weight", (HEAD_DIM,), True)
        put(f"blk.{i}.attn_q.weight", (q, D_MODEL), std=0.06); put(f"blk.{i}.attn_k.weight", (kv, D_MODEL), std=0.06)
        put(f"blk.{i}.attn_v.weight", (kv, D_MODEL), std=0.06); put(f"blk.{i}.attn_output.weight", (D_MODEL, q), std=0.03)
        put(f"blk.{i}.ffn_gate.weight", (FFN, D_MODEL), std=0.06); put(f"blk.{i}.ffn_up.weight", (FFN, D_MODEL), std=0.06)
        put(f"blk.{i}.ffn_down.weight", (D_MODEL, FFN), std=0.04)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    return path
