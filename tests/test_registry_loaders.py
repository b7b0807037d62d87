"""Loaders: sharded and float16 safetensors read as one model, a GGUF path routed (or refused) in one line,
and model_from_parts, the seam through which GGUF files and other sources become registry models."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.models import loaders
from attention_math.models.registry import model_from_parts, resolve
from tests.family_models import build_tiny, save_tokenizer

ROOT = Path(__file__).resolve().parents[1]
torch = pytest.importorskip("torch")
SENTENCE = "the cat sat on the mat"


def test_sharded_float16_equals_one_file(tmp_path):
    """The same float16 weights in one file and in shards (model.safetensors.index.json) give one trace,
    and it is transformers' own on those weights."""
    import transformers

    one, shards = tmp_path / "one", tmp_path / "shards"
    model = build_tiny("gpt2", one, dtype="float16")
    save_tokenizer("gpt2", one)
    model.to(torch.float16).save_pretrained(shards, max_shard_size="40KB")
    save_tokenizer("gpt2", shards)
    assert (shards / "model.safetensors.index.json").is_file() and len(list(shards.glob("*.safetensors"))) > 1

    single, sharded = resolve(str(one)), resolve(str(shards))
    assert single.spec.dtype == sharded.spec.dtype == "float16"
    ours = sharded.trace(SENTENCE)
    for a, b in zip(single.trace(SENTENCE).layers, ours.layers):
        np.testing.assert_array_equal(a.attention.heads[1].weights, b.attention.heads[1].weights)

    oracle = transformers.AutoModelForCausalLM.from_pretrained(shards, dtype=torch.float64, attn_implementation="eager")
    _, ids = sharded.tokenize(SENTENCE)
    with torch.no_grad():
        out = oracle(torch.tensor([list(ids)]), output_attentions=True)
    for index, layer in enumerate(ours.layers):
        np.testing.assert_allclose(np.stack([h.weights for h in layer.attention.heads]), out.attentions[index][0].numpy(),
                                   atol=1e-5, rtol=0)


def test_bfloat16_widening_is_exact():
    values = np.array([1.0, -2.5, 3.140625, 1e-3], dtype=np.float32)
    top_halves = (values.view(np.uint32) >> 16).astype(np.uint16)
    assert np.array_equal(loaders.widen(top_halves, "BF16")[:3], values[:3])  # exact in bfloat16
    assert abs(loaders.widen(top_halves, "BF16")[3] - 1e-3) < 1e-5


def test_model_from_parts_is_what_a_folder_gives(tmp_path):
    """A source other than a folder (a GGUF reader) hands config, Hugging Face-named tensors and a tokenizer."""
    build_tiny("qwen2", tmp_path)
    save_tokenizer("qwen2", tmp_path)
    config = loaders.read_config(tmp_path)
    weights = loaders.weights_in(tmp_path)
    model = model_from_parts(config, weights, loaders.load_tokenizer(tmp_path), "somewhere.gguf", "tiny qwen",
                             dtype="Q8_0", quantisation_note="numbers are those of the 8-bit file")
    assert model.spec.dtype == "Q8_0" and model.spec.quantisation_note.startswith("numbers are")
    assert model.spec.grouped_query and model.spec.slug.startswith("tiny-qwen-")
    assert model.decode(119) == "#119" and model.decode(12) == "didn't"  # an unused id still gets a chip text
    folder = resolve(str(tmp_path))
    np.testing.assert_array_equal(model.trace(SENTENCE).logits, folder.trace(SENTENCE).logits)
    with pytest.raises(ExampleError, match="weights lack tensor"):
        model_from_parts(config, {k: v for k, v in weights.items() if "layers.0.self_attn.k_proj.weight" not in k}, None, "x", "x")


def test_gguf_path_that_does_not_exist(tmp_path):
    result = subprocess.run([sys.executable, "-m", "attention_math", "trace", "--model", str(tmp_path / "no.gguf"),
                             "the cat"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "no such GGUF file" in result.stderr
