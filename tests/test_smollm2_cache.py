"""The SmolLM2 weight cache: built once into a private folder and renamed into place, so that readers
never see half of it and two processes building at once cannot corrupt it. A tiny stand-in model
replaces the 98 MB file here (the real build is timed by `make bench`)."""
import json
import os
import time

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.models import gguf_weights
from attention_math.models.gguf_weights import GGUFConfig, load_cached_arrays

TINY = GGUFConfig(n_layers=2, d_model=4, d_ffn=3, n_heads=2, n_kv_heads=1, d_k=2, rope_theta=10.0,
                  rms_norm_eps=1e-5, vocab_size=5, quantisations={"F32": 21})
SHAPES = {"attn_norm": (4,), "attn_q": (4, 4), "attn_k": (2, 4), "attn_v": (2, 4), "attn_output": (4, 4),
          "ffn_norm": (4,), "ffn_gate": (3, 4), "ffn_up": (3, 4), "ffn_down": (4, 3)}  # GGUF's (out, in)


def tiny_tensors() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    tensors = {"token_embd.weight": rng.normal(size=(5, 4)).astype(np.float32),
               "output_norm.weight": np.ones(4, np.float32)}
    for layer in range(TINY.n_layers):
        for name, shape in SHAPES.items():
            tensors[f"blk.{layer}.{name}.weight"] = rng.normal(size=shape).astype(np.float32)
    return tensors


@pytest.fixture
def tiny_model(tmp_path, monkeypatch):
    """A stand-in GGUF file, its reader's results, and an empty cache root under tmp_path."""
    gguf_file = tmp_path / "tiny.gguf"
    gguf_file.write_bytes(b"tiny model")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(gguf_weights, "gguf_path", lambda: gguf_file)
    monkeypatch.setattr("gguf.GGUFReader", lambda path: None)
    monkeypatch.setattr(gguf_weights, "_read_config", lambda reader: TINY)
    monkeypatch.setattr(gguf_weights, "_dequantized", lambda reader: tiny_tensors())
    monkeypatch.setattr(gguf_weights, "_tokenizer_json", lambda reader: "{}")
    return gguf_file


def test_first_load_builds_the_cache_and_later_loads_map_it(tiny_model, monkeypatch):
    config, arrays, folder = load_cached_arrays()
    assert config == TINY and folder.parent == gguf_weights.cache_root()
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".building-")] == []
    tensors = tiny_tensors()
    np.testing.assert_array_equal(arrays["w_v"][1], tensors["blk.1.attn_v.weight"].T)
    np.testing.assert_array_equal(arrays["w_q"][0], gguf_weights.hf_row_order(tensors["blk.0.attn_q.weight"], 2).T)
    np.testing.assert_array_equal(arrays["w_k_per_query_head"][0][:, 2:], arrays["w_k"][0])  # both heads share it
    assert isinstance(arrays["w_up"], np.memmap) and arrays["w_up"].dtype == np.float64
    with pytest.raises(ValueError):
        arrays["w_o"][0, 0, 0] = 1.0
    monkeypatch.setattr(gguf_weights, "_dequantized", None)  # a second load must not dequantize again
    assert load_cached_arrays()[2] == folder


def test_a_build_that_loses_the_race_leaves_the_winners_cache_alone(tiny_model):
    folder = gguf_weights.cache_folder(tiny_model)
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({"config": TINY.__dict__}))
    gguf_weights._write_cache(tiny_model, folder)  # as if another process had renamed first
    assert sorted(p.name for p in folder.iterdir()) == ["meta.json"]
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".building-")] == []


def test_an_abandoned_build_is_removed_but_a_live_one_is_not(tiny_model):
    root = gguf_weights.cache_root()
    abandoned, live = root / ".building-old", root / ".building-now"
    abandoned.mkdir(parents=True)
    live.mkdir()
    an_hour_ago = time.time() - 3700
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    load_cached_arrays()
    assert not abandoned.exists() and live.exists()


def test_a_cache_that_cannot_be_written_is_a_one_line_error(tiny_model, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gguf_weights.np, "save", full_disk)
    with pytest.raises(ExampleError, match="^cannot write the SmolLM2 weight cache in .*: No space left on device$"):
        load_cached_arrays()
    assert not any(p.name.startswith("smollm2-") for p in gguf_weights.cache_root().iterdir())
