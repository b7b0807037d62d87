"""`make bench-models` (part): Gemma 3 270M against transformers, and its load and trace times.

- transformers loads the same GGUF file (eager, float32): on the animal/street sentence and two
  more, our attention weights of every layer and head must match to 1e-4 and the next token must be
  the same; tokens must match on these and on non-English sentences;
- times in fresh processes (imports included): the cached load (goal ≤ 2 s) and a 64-token trace
  of all 18 layers (goal ≤ 3 s).
"""
from __future__ import annotations

import time

import numpy as np

from .bench_models import measure

SENTENCES = ["The animal didn't cross the street because it was too tired", "I saw the bank by the river",
             "The trophy didn't fit in the suitcase because it was too big"]
TOKEN_ONLY = ["Le chat dort sur le canapé.", "猫はソファで寝ています。", "Ünïcödé  with  double spaces\tand a tab",
              "Привет, как дела?", "नमस्ते दुनिया"]
LONG_64 = ("When the old fisherman finally reached the river bank after the long storm, he found that his small "
           "wooden boat had drifted far away with all of the nets, so he sat down on a wet stone and waited for his "
           "daughter to come back from the village with fresh bread, warm soup and some dry clothes for him.")


def oracle_check() -> None:
    import torch
    import transformers

    from attention_math.models.gemma3_270m import gguf_path
    from attention_math.models.registry import resolve

    path, model = gguf_path(), resolve("gemma3")
    start = time.perf_counter()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    oracle = transformers.AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name,
                                                               attn_implementation="eager", dtype=torch.float32)
    print(f"gemma3: transformers loaded the file in {time.perf_counter() - start:.0f} s")
    for sentence in TOKEN_ONLY + SENTENCES:
        ours = list(model.tokenize(sentence)[1])
        assert ours == tokenizer(sentence)["input_ids"], f"tokens differ on {sentence!r}"
    print(f"gemma3: tokens equal transformers' on {len(TOKEN_ONLY + SENTENCES)} sentences (5 not English)")
    for sentence in SENTENCES:
        trace = model.trace(sentence)
        with torch.no_grad():
            out = oracle(torch.tensor([trace.token_ids]), output_attentions=True)
        worst = max(float(np.abs(np.stack([h.weights for h in layer.attention.heads]) - attention[0].numpy()).max())
                    for layer, attention in zip(trace.layers, out.attentions))
        theirs = int(out.logits[0, -1].argmax())
        assert worst <= 1e-4 and trace.next_tokens[0].token_id == theirs, (sentence, worst)
        print(f"gemma3: {sentence!r}: {len(trace.tokens)} tokens, 18 layers × 4 heads within {worst:.1e} "
              f"(goal 1e-4), next token {trace.next_tokens[0].token!r} = transformers'")


def main() -> None:
    measure("gemma3", SENTENCES[0])  # warm: the dequantized cache exists, files are in the page cache
    figures = measure("gemma3", SENTENCES[0])
    print(f"gemma3: cached load (new process, imports included) {figures['load']:.2f} s (goal ≤ 2 s), "
          f"trace {figures['tokens']} tokens {figures['trace']:.2f} s, peak {figures['peak_gb']:.2f} GB")
    figures = measure("gemma3", LONG_64)
    print(f"gemma3: trace {figures['tokens']} tokens of all 18 layers {figures['trace']:.2f} s (goal ≤ 3 s), "
          f"peak {figures['peak_gb']:.2f} GB")
    oracle_check()


if __name__ == "__main__":
    main()
