"""Every family against transformers' own eager implementation, on tiny random checkpoints saved as a
user would save them: attention weights of every layer and head, hidden states, next-token logits.

The oracle runs in float64 on the very same weights, so the float32 bound is 1e-5 absolute; a
bfloat16 checkpoint is read as bfloat16 by both sides (its values are exact in float32)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.family_models import ENCODERS, TINY, tiny_folder

torch = pytest.importorskip("torch")

SENTENCE = "the animal didn't cross the street because it was too tired"


def _oracle(model, ids: list[int]):
    with torch.no_grad():
        return model.double()(torch.tensor([ids]), output_attentions=True, output_hidden_states=True)


@pytest.fixture(scope="module", params=sorted(TINY))
def family_pair(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    model = tiny_folder(request.param, folder)
    from attention_math.models.registry import resolve

    return request.param, model, resolve(str(folder))


def test_trace_equals_transformers(family_pair):
    family, model, loaded = family_pair
    tokens, ids = loaded.tokenize(SENTENCE)
    trace = loaded.trace(SENTENCE)
    out = _oracle(model, list(ids))
    assert len(trace.layers) == len(out.attentions)
    for index, layer in enumerate(trace.layers):
        ours = np.stack([head.weights for head in layer.attention.heads])
        np.testing.assert_allclose(ours, out.attentions[index][0].numpy(), atol=1e-5, rtol=0)
    for index, layer in enumerate(trace.layers[:-1]):  # the last hidden state: a decoder's comes after the final norm
        np.testing.assert_allclose(layer.hidden, out.hidden_states[index + 1][0].numpy(), atol=1e-5, rtol=0)
    if family in ENCODERS:
        np.testing.assert_allclose(trace.layers[-1].hidden, out.last_hidden_state[0].numpy(), atol=1e-5, rtol=0)
        assert tokens[0] in ("[CLS]", "<s>") and tokens[-1] in ("[SEP]", "</s>")
    else:
        np.testing.assert_allclose(trace.logits, out.logits[0, -1].numpy(), atol=1e-5, rtol=0)
        assert trace.next_tokens[0].token_id == int(out.logits[0, -1].argmax())


def test_spec_says_what_the_model_is(family_pair):
    family, model, loaded = family_pair
    spec, config = loaded.spec, model.config
    assert spec.kind == ("encoder" if family in ENCODERS else "decoder")
    assert spec.n_heads == config.num_attention_heads and spec.n_layers == config.num_hidden_layers
    assert spec.n_kv_heads == getattr(config, "num_key_value_heads", None) or spec.n_heads
    assert spec.positions == ("learned" if family in ENCODERS or family.startswith("gpt2") else "rotary")
    assert spec.dtype == "float32"


@pytest.mark.parametrize("family_pair", ["mistral"], indirect=True)
def test_sliding_window_hides_old_keys(family_pair):
    _, _, loaded = family_pair
    trace = loaded.trace(SENTENCE)
    window = loaded.spec.windows[0]
    weights = trace.layers[0].attention.heads[0].weights
    n = weights.shape[0]
    assert window < n and all(weights[i, j] == 0.0 for i in range(n) for j in range(n) if i - j >= window or j > i)
    assert trace.layers[0].attention.window == window  # what the dot-products segment says on screen


def test_upto_layer_stops_early(family_pair):
    _, _, loaded = family_pair
    full, first = loaded.trace(SENTENCE), loaded.trace(SENTENCE, upto_layer=0)
    assert len(first.layers) == 1
    np.testing.assert_array_equal(first.layers[0].attention.heads[0].weights, full.layers[0].attention.heads[0].weights)


@pytest.mark.parametrize("family", sorted(TINY))
def test_bfloat16_checkpoint(family, tmp_path):
    """bfloat16 weights are read exactly (bf16 → float32 → float64 is exact) and the oracle loads the same
    bfloat16 file into float64, so both sides compute in float64 on identical numbers: the bound stays
    1e-5 (what differs is summation order, measured ≈ 1e-6)."""
    tiny_folder(family, tmp_path, dtype="bfloat16")
    import transformers

    from attention_math.models.registry import resolve

    # Loaded back from the folder (a model cast with .to() keeps RoPE's speeds in bfloat16 too).
    model = transformers.AutoModelForCausalLM.from_pretrained(tmp_path, dtype=torch.float64, attn_implementation="eager") \
        if family not in ENCODERS else transformers.AutoModel.from_pretrained(tmp_path, dtype=torch.float64,
                                                                               attn_implementation="eager")

    if family == "gemma3":  # Gemma scales embeddings by √d_model in the weights' dtype (bfloat16 when run as
        # shipped); our trace does so, the float64 oracle would use float32's √d_model: give it the shipped one.
        scale = model.model.embed_tokens.embed_scale
        scale.copy_(scale.to(torch.bfloat16).to(torch.float64))
    loaded = resolve(str(tmp_path))
    assert loaded.spec.dtype == "bfloat16"
    _, ids = loaded.tokenize(SENTENCE)
    trace = loaded.trace(SENTENCE)
    out = _oracle(model, list(ids))
    for index, layer in enumerate(trace.layers):
        ours = np.stack([head.weights for head in layer.attention.heads])
        np.testing.assert_allclose(ours, out.attentions[index][0].numpy(), atol=1e-5, rtol=0)


@pytest.mark.parametrize("family_pair", ["llama"], indirect=True)
def test_older_rope_keys_mean_the_same(family_pair, tmp_path):
    """Llama 3's own config.json says rope_theta and rope_scaling {"rope_type": "llama3", ...} at the top
    level (transformers 5 writes rope_parameters): both spellings give the same trace."""
    _, _, loaded = family_pair
    config = _copied(loaded, tmp_path)
    rope = config.pop("rope_parameters")
    config["rope_theta"] = rope.pop("rope_theta")
    config["rope_scaling"] = rope  # {"rope_type": "llama3", "factor": 8.0, ...} as Llama 3.1 writes it
    from attention_math.models.registry import resolve

    old = _rewritten(tmp_path, config, resolve).trace(SENTENCE)
    new = loaded.trace(SENTENCE)
    d_k = loaded.spec.head_dim
    unscaled = config["rope_theta"] ** (-np.arange(0, d_k, 2) / d_k)
    assert np.isclose(old.rotary.frequencies[-1], unscaled[-1] / 8)  # the slowest pairs slowed by factor 8
    np.testing.assert_array_equal(old.rotary.frequencies, new.rotary.frequencies)
    np.testing.assert_array_equal(old.logits, new.logits)


@pytest.mark.parametrize("family_pair", ["llama-biased"], indirect=True)
def test_biased_llama_generates_what_transformers_generates(family_pair):
    """The KV-cache generation uses o_proj's and the MLP's biases as the full pass does."""
    _, model, loaded = family_pair
    from attention_math.generation import GENERATED_TOKENS, generation_trace

    trace = loaded.trace(SENTENCE)
    generation = generation_trace(trace, 1, 0, model=loaded)
    with torch.no_grad():
        out = model.double().generate(torch.tensor([list(trace.token_ids)]), max_new_tokens=GENERATED_TOKENS,
                                      do_sample=False, pad_token_id=0)
    assert generation.generated_ids == tuple(out[0, len(trace.token_ids):].tolist())


@pytest.mark.parametrize("family_pair", ["qwen2-window"], indirect=True)
def test_qwen_windows_from_layer_types_or_older_keys(family_pair, tmp_path):
    """Qwen2 with use_sliding_window: windows from max_window_layers on, whether config.json lists
    layer_types (transformers 5) or not (older files); the windowed layer's mask is a real mask."""
    _, _, loaded = family_pair
    assert loaded.spec.windows == (None, 5)
    config = _copied(loaded, tmp_path)
    config.pop("layer_types")
    config["sliding_window"] = 5  # transformers 5 writes None when use_sliding_window is off; older files kept it
    from attention_math.models.registry import resolve

    assert _rewritten(tmp_path, config, resolve).spec.windows == (None, 5)
    weights = loaded.trace(SENTENCE).layers[1].attention.heads[0].weights
    assert np.all(weights[np.tril(np.ones(weights.shape, dtype=bool), -5)] == 0.0)


def _copied(loaded, folder):
    import json
    import shutil
    from pathlib import Path

    for item in Path(loaded.spec.source).iterdir():
        shutil.copy(item, folder / item.name)
    return json.loads((folder / "config.json").read_text())


def _rewritten(folder, config, resolve):
    import json

    (folder / "config.json").write_text(json.dumps(config))
    return resolve(str(folder))


@pytest.mark.parametrize("family, change, said", [
    ("bert", {"position_embedding_type": "relative_key"}, "position_embedding_type 'relative_key' is not supported"),
    ("bert", {"hidden_act": "mish"}, "activation 'mish' is not supported"),
    ("gpt2", {"activation_function": "quick_gelu"}, "activation 'quick_gelu' is not supported"),
    ("llama", {"hidden_act": "gelu"}, "hidden_act 'gelu' is not supported"),
    ("llama", {"rope_parameters": {"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0}},
     "RoPE type 'yarn' is not supported"),
])
def test_what_we_do_not_compute_is_refused_in_one_line(family, change, said, tmp_path):
    """A variant whose arithmetic we don't do is refused by name, never traced with the wrong numbers."""
    import json

    from attention_math.example import ExampleError
    from attention_math.models.registry import resolve

    tiny_folder(family, tmp_path)
    config = json.loads((tmp_path / "config.json").read_text()) | change
    with pytest.raises(ExampleError, match=f"^model: .*{said}") as refused:
        _rewritten(tmp_path, config, resolve)
    assert "\n" not in str(refused.value)
