"""transformers' Llama loading the same 4-bit GGUF file as attention_math.smollm2: the oracle."""
from functools import lru_cache

import pytest

from attention_math.models.gguf_weights import GGUF_NAME, gguf_path


@lru_cache(maxsize=1)
def load_hf_smollm2():
    """(torch, model, tokenizer); about 15 s to dequantize, so loaded once per test session (the
    tests only read it: generate and forward passes leave it as it was).
    Skips the test when torch, transformers or gguf is not installed."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("gguf")
    folder = str(gguf_path().parent)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        model = transformers.AutoModelForCausalLM.from_pretrained(
            folder, gguf_file=GGUF_NAME, attn_implementation="eager").eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=GGUF_NAME)
    return torch, model, tokenizer
