"""transformers' own all-MiniLM-L6-v2 from the packaged folder: the oracle of the MiniLM tests and
of the API's in-memory model, loaded once per test session (the tests only read it)."""
from functools import lru_cache

import pytest

from attention_math.models.minilm import model_folder


@lru_cache(maxsize=1)
def load_hf_minilm():
    """(torch, model, tokenizer): BERT in float32 with eager attention, so it returns attentions.
    Skips the test when torch or transformers is not installed."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = str(model_folder())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")  # a local folder: never ask the Hub
        model = transformers.AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    return torch, model, tokenizer
