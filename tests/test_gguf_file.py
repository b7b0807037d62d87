"""GGUF files written with the gguf package's writer, read by our reader and by transformers: same trace."""
from __future__ import annotations

import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

from attention_math.example import ExampleError
from attention_math.models.registry import resolve

TOKENS = ["<s>", "</s>"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["Ġ", "Ġa", "th", "the", "Ġthe"] + \
    ["1", "2", "3", "4", "5", "12", "123", "45", "Ġ1", "Ġ12", "'", "Ċ", "ĊĊ"]  # digits: splits differ by `pre`
MERGES = ["Ġ a", "t h", "th e", "Ġ the", "Ġ 1", "Ġ1 2", "1 2", "12 3", "4 5", "Ċ Ċ"]
SP_PIECES = ["▁", "a", "c", "e", "h", "t", "▁t", "th", "▁th", "▁the", "he", "at", "▁c", "▁cat", "ca", "▁a"]
SP_TOKENS = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + SP_PIECES
SP_TYPES = [2, 3, 3] + [6] * 256 + [1] * len(SP_PIECES)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the dequantized cache of each test's files


def _write_llama(path, quant=gguf.GGMLQuantizationType.F32, seed=0, arch="llama", sentencepiece=False, pre=None):
    rng = np.random.default_rng(seed)
    tokens = SP_TOKENS if sentencepiece else TOKENS
    d, heads, kv, ffn, layers, vocab = 64, 4, 2, 96, 2, len(tokens)
    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(layers); w.add_embedding_length(d); w.add_feed_forward_length(ffn)
    w.add_head_count(heads); w.add_head_count_kv(kv); w.add_layer_norm_rms_eps(1e-5); w.add_rope_freq_base(10000.0)
    w.add_context_length(128); w.add_name("tiny-llama")
    if sentencepiece:  # Llama 2 / TinyLlama style: scores decide the merges, "▁" prepended, no add_bos flag
        w.add_tokenizer_model("llama"); w.add_token_list(tokens); w.add_token_types(SP_TYPES)
        w.add_token_scores([0.0] * 3 + [0.0] * 256 + [-float(i) for i in range(len(SP_PIECES))])
        w.add_unk_token_id(0); w.add_bos_token_id(1); w.add_eos_token_id(2)
    else:
        w.add_tokenizer_model("gpt2"); w.add_token_list(tokens); w.add_token_merges(MERGES)
        w.add_token_types([3, 3] + [1] * (vocab - 2)); w.add_bos_token_id(0); w.add_eos_token_id(1)
        w.add_add_bos_token(True)
        if pre:
            w.add_tokenizer_pre(pre)

    def put(name, shape, norm=False):
        array = (1 + 0.1 * rng.standard_normal(shape) if norm else 0.2 * rng.standard_normal(shape)).astype(np.float32)
        if not norm and quant != gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, gguf.quants.quantize(array, quant), raw_dtype=quant)
        else:
            w.add_tensor(name, array)

    put("token_embd.weight", (vocab, d)); put("output_norm.weight", (d,), True); put("output.weight", (vocab, d))
    for i in range(layers):
        put(f"blk.{i}.attn_norm.weight", (d,), True); put(f"blk.{i}.ffn_norm.weight", (d,), True)
        put(f"blk.{i}.attn_q.weight", (d, d)); put(f"blk.{i}.attn_k.weight", (kv * 16, d))
        put(f"blk.{i}.attn_v.weight", (kv * 16, d)); put(f"blk.{i}.attn_output.weight", (d, d))
        put(f"blk.{i}.ffn_gate.weight", (ffn, d)); put(f"blk.{i}.ffn_up.weight", (ffn, d))
        put(f"blk.{i}.ffn_down.weight", (d, ffn))
        if arch == "qwen2":
            for part, size in (("q", d), ("k", kv * 16), ("v", kv * 16)):
                w.add_tensor(f"blk.{i}.attn_{part}.bias", (0.2 * rng.standard_normal(size)).astype(np.float32))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    return path


@pytest.mark.parametrize("arch, quant", [("llama", q) for q in ("F32", "F16", "Q8_0", "Q4_0", "Q5_1")]
                         + [("qwen2", "Q8_0")])
def test_gguf_matches_transformers(tmp_path, arch, quant):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    path = _write_llama(tmp_path / f"tiny-{quant}.gguf", getattr(gguf.GGMLQuantizationType, quant), arch=arch)
    model = resolve(str(path))
    sentence = "the a theta"
    trace = model.trace(sentence)
    ids = model.tokenizer.encode(sentence).ids
    assert ids[0] == 0  # BOS from add_bos_token
    oracle = transformers.AutoModelForCausalLM.from_pretrained(
        str(tmp_path), gguf_file=path.name, attn_implementation="eager", dtype=torch.float32)
    with torch.no_grad():
        out = oracle(torch.tensor([ids]), output_attentions=True)
    for layer, attention in enumerate(out.attentions):
        ours = np.stack([h.weights for h in trace.layers[layer].attention.heads])
        np.testing.assert_allclose(ours, attention[0].numpy(), atol=1e-5, rtol=0)


def test_not_a_gguf_and_other_architecture(tmp_path):
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"not gguf at all")
    with pytest.raises(ExampleError, match="not a GGUF"):
        resolve(str(bad))
    path = _write_llama(tmp_path / "t.gguf")
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(ExampleError, match="truncated|damaged"):
        resolve(str(truncated))


def _ollama_store(root, blob_bytes, name="tiny", tag="latest"):
    import hashlib
    import json

    digest = hashlib.sha256(blob_bytes).hexdigest()
    (root / "blobs").mkdir(parents=True)
    (root / "blobs" / f"sha256-{digest}").write_bytes(blob_bytes)
    manifest = root / "manifests" / "registry.ollama.ai" / "library" / name / tag
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": [
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256-00"},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}]}))


def test_ollama_store_gives_the_file_trace(tmp_path, monkeypatch):
    path = _write_llama(tmp_path / "t.gguf", seed=3)
    _ollama_store(tmp_path / "store", path.read_bytes())
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "store"))
    ours, file = resolve("ollama:tiny").trace("the a"), resolve(str(path)).trace("the a")
    for a, b in zip(ours.layers, file.layers):
        np.testing.assert_array_equal(np.stack([h.weights for h in a.attention.heads]),
                                      np.stack([h.weights for h in b.attention.heads]))
    with pytest.raises(ExampleError, match="not pulled with Ollama; pulled: tiny:latest"):
        resolve("ollama:llama3:8b")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "nowhere"))
    with pytest.raises(ExampleError, match="no Ollama model store"):
        resolve("ollama:tiny")


def test_other_architecture_is_named(tmp_path):
    w = gguf.GGUFWriter(str(tmp_path / "m.gguf"), "mamba")
    w.add_tensor("token_embd.weight", np.zeros((4, 4), np.float32))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    with pytest.raises(ExampleError, match="'mamba' model"):
        resolve(str(tmp_path / "m.gguf"))


def test_llama_sentencepiece_tokenizer_matches_transformers(tmp_path):
    transformers = pytest.importorskip("transformers")
    path = _write_llama(tmp_path / "sp.gguf", sentencepiece=True)
    model = resolve(str(path))
    oracle = transformers.AutoTokenizer.from_pretrained(str(tmp_path), gguf_file=path.name)
    for sentence in ("the cat at the hat", "a  cat", "Ünï 猫 the"):
        assert list(model.tokenize(sentence)[1]) == oracle(sentence)["input_ids"], sentence
    assert model.tokenize("the cat")[0][:2] == ("<s>", "the")  # BOS by default, the prepended space dropped


@pytest.mark.parametrize("pre", ["llama-bpe", "qwen2", "smollm"])
def test_byte_level_split_follows_the_file(tmp_path, pre):
    """Llama 3 splits digits in threes, Qwen2 one by one, GPT-2's own split keeps them whole."""
    transformers = pytest.importorskip("transformers")
    path = _write_llama(tmp_path / "b.gguf", pre=pre)
    oracle = transformers.AutoTokenizer.from_pretrained(str(tmp_path), gguf_file=path.name)
    for sentence in ("the 12345 a", "a  the\n\nthe's"):
        assert list(resolve(str(path)).tokenize(sentence)[1]) == oracle(sentence)["input_ids"], sentence
