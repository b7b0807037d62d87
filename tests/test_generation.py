"""Generation with a KV cache equals recomputing everything, and writes what transformers writes."""
import numpy as np
import pytest

from attention_math.generation import GENERATED_TOKENS, generation_trace
from attention_math.models.smollm2 import model_trace
from tests.hf_smollm2 import load_hf_smollm2

ANIMAL = "The animal didn't cross the street because it was too tired"
PROMPTS = [ANIMAL, "def square(x):\n    return"]
WATCHED = [(13, 8), (29, 1)]  # layer 14 head 9 ("it" → "animal"), a last-layer head
ROW_TOLERANCE = 1e-6  # measured ≤ 5e-8: float64 both ways, only the summation order differs


@pytest.fixture(scope="module")
def generations():
    """Per prompt: its trace, the KV-cache generation at each watched head, and the full trace of
    the prompt with the first two generated tokens appended (the recomputation of steps 2 and 3)."""
    results = {}
    for prompt in PROMPTS:
        trace = model_trace(prompt)
        runs = {watch: generation_trace(trace, *watch) for watch in WATCHED}
        first = runs[WATCHED[0]]
        longer = model_trace(prompt + "".join(first.generated_tokens[:-1]))
        results[prompt] = trace, runs, longer
    return results


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_cache_grows_one_row_per_step(generations, prompt):
    trace, runs, _ = generations[prompt]
    for generation in runs.values():
        assert len(generation.steps) == GENERATED_TOKENS
        assert [step.attention.cached_rows for step in generation.steps] == \
            [len(trace.tokens) + k for k in range(GENERATED_TOKENS)]
        assert [step.fed_token_id for step in generation.steps] == \
            [trace.token_ids[-1], *generation.generated_ids[:-1]], "each step feeds the token the last one chose"
        for step in generation.steps:
            row = step.attention
            assert row.weights.shape == (row.cached_rows,) and row.weights.sum() == pytest.approx(1.0)
            assert row.percentages.sum() == 100
            assert step.probability_percentage == pytest.approx(100 * step.probability)


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("watch", WATCHED, ids=lambda w: f"L{w[0] + 1}H{w[1] + 1}")
def test_incremental_rows_equal_the_full_recomputation(generations, prompt, watch):
    trace, runs, longer = generations[prompt]
    generation = runs[watch]
    layer, head = watch
    n = len(trace.tokens)
    # Re-tokenizing prompt + generated text gives the same ids, so the longer trace is the same sequence.
    assert longer.token_ids == trace.token_ids + generation.generated_ids[:-1]
    full = longer.layers[layer].attention.heads[head]
    for step in generation.steps:
        p = step.position
        assert p == n - 1 + step.index
        np.testing.assert_allclose(step.attention.weights, full.weights[p, :p + 1], atol=ROW_TOLERANCE, rtol=0)
        np.testing.assert_allclose(step.attention.query, full.q[p], atol=1e-6, rtol=1e-9)
        np.testing.assert_allclose(step.attention.new_key, full.k[p], atol=1e-6, rtol=1e-9)
        np.testing.assert_allclose(step.attention.new_value, full.v[p], atol=1e-6, rtol=1e-9)
    assert generation.kv_head == longer.layers[layer].grouped_query.kv_head_of_query[head]
    # Step 1's choice is the prompt's next token; step 3's the longer prompt's, with its probability.
    assert generation.steps[0].chosen_token_id == trace.next_tokens[0].token_id
    assert generation.steps[-1].chosen_token_id == longer.next_tokens[0].token_id
    assert generation.steps[-1].probability == pytest.approx(longer.next_tokens[0].probability, abs=1e-6)


@pytest.fixture(scope="module")
def hf_greedy():
    """transformers' greedy generate on the same GGUF (loaded once: ~15 s to dequantize)."""
    torch, model, tokenizer = load_hf_smollm2()
    written = {}
    for prompt in PROMPTS:
        ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
        with torch.no_grad():
            out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=GENERATED_TOKENS,
                                 do_sample=False, pad_token_id=tokenizer.eos_token_id)
        written[prompt] = tuple(out[0, ids.shape[1]:].tolist())
    return written


@pytest.mark.parametrize("prompt", PROMPTS)
def test_greedy_tokens_are_transformers(generations, hf_greedy, prompt):
    _, runs, _ = generations[prompt]
    for generation in runs.values():
        assert generation.generated_ids == hf_greedy[prompt]
    assert runs[WATCHED[0]].tokens[-GENERATED_TOKENS:] == runs[WATCHED[0]].generated_tokens


def test_a_head_outside_the_model_is_refused(generations):
    trace = generations[ANIMAL][0]
    with pytest.raises(ValueError, match="30 layers of 9 heads"):
        generation_trace(trace, 30, 0)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_next_token_shares_add_to_100(generations, prompt):
    trace = generations[prompt][0]
    shares = trace.next_token_shares
    assert shares.tokens == tuple(token.token for token in trace.next_tokens)
    assert shares.percentages == tuple(round(token.probability * 100, 1) for token in trace.next_tokens)
    assert round(sum(shares.percentages) + shares.others_percentage, 6) == shares.total_percentage == 100.0
    true_rest = 100 * (1 - sum(token.probability for token in trace.next_tokens))
    assert abs(shares.others_percentage - true_rest) <= 0.05 * len(shares.tokens) + 1e-9
    assert shares.vocabulary_size == len(trace.probabilities) == 49152
    assert shares.others_count == 49152 - 5
