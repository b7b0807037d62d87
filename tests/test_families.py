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
    assert spec.positions == ("rotary" if family in ("llama", "mistral", "qwen2", "qwen3") else "learned")
    assert spec.dtype == "float32"


def test_sliding_window_hides_old_keys(family_pair):
    family, _, loaded = family_pair
    if family != "mistral":
        pytest.skip("Mistral's window is shorter than the sentence")
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


@pytest.mark.parametrize("family", ["bert", "qwen3"])
def test_bfloat16_checkpoint(family, tmp_path):
    """bfloat16 weights are read exactly (bf16 → float32 is exact), so the bound stays 1e-5."""
    tiny_folder(family, tmp_path, dtype="bfloat16")
    import transformers

    from attention_math.models.registry import resolve

    # Loaded back from the folder (a model cast with .to() keeps RoPE's speeds in bfloat16 too).
    model = transformers.AutoModelForCausalLM.from_pretrained(tmp_path, dtype=torch.float64, attn_implementation="eager") \
        if family not in ENCODERS else transformers.AutoModel.from_pretrained(tmp_path, dtype=torch.float64,
                                                                               attn_implementation="eager")

    loaded = resolve(str(tmp_path))
    assert loaded.spec.dtype == "bfloat16"
    _, ids = loaded.tokenize(SENTENCE)
    trace = loaded.trace(SENTENCE)
    out = _oracle(model, list(ids))
    for index, layer in enumerate(trace.layers):
        ours = np.stack([head.weights for head in layer.attention.heads])
        np.testing.assert_allclose(ours, out.attentions[index][0].numpy(), atol=1e-5, rtol=0)
