"""`make bench-models`: load and trace times of the packaged models, and of a 1B-parameter model.

The 1B model has Llama 3.2 1B's shape (16 layers, d_model 2048, 32 query / 8 key-value heads,
MLP 8192, 128,256-token vocabulary) in bfloat16 (≈ 2.5 GB on disk), with random weights made by
transformers into a temporary folder, as a user's checkpoint would be. Goals: packaged models load
in ≤ 2 s when cached; the 1B model traces 32 tokens in ≤ 20 s with peak memory ≤ 6 GB (measured
in a fresh process, from its rusage)."""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "The animal didn't cross the street because it was too tired"
LONG = ("When the old fisherman finally reached the river bank after the storm, he found that his small boat "
        "had drifted away with the nets")
ONE_B = dict(hidden_size=2048, num_hidden_layers=16, num_attention_heads=32, num_key_value_heads=8, head_dim=64,
             intermediate_size=8192, vocab_size=128256, max_position_embeddings=131072, tie_word_embeddings=True,
             rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0,
                              "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})

_MEASURE = """
import json, resource, sys, threading, time
anon = [0]
def sample():  # peak anonymous memory: ru_maxrss also counts mapped file pages, which the system can drop
    while True:
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                anon[0] = max(anon[0], int(line.split()[1]))
        time.sleep(0.02)
threading.Thread(target=sample, daemon=True).start()
start = time.perf_counter()
from attention_math.models.registry import resolve
model = resolve(sys.argv[1])
loaded = time.perf_counter()
tokens, _ = model.tokenize(sys.argv[2])
trace = model.trace(sys.argv[2])
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "trace": done - loaded, "tokens": len(tokens),
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, "anon_gb": anon[0] / 1e6}))
"""


def measure(model: str, sentence: str) -> dict:
    """Load and trace in a fresh process (imports included in the load), with its peak memory."""
    result = subprocess.run([sys.executable, "-c", _MEASURE, model, sentence], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(result.stdout.splitlines()[-1])


def make_one_b(folder: Path) -> None:
    """A random Llama-3.2-1B-shaped checkpoint in bfloat16 with a byte-level tokenizer."""
    import torch
    import transformers

    config = transformers.LlamaConfig(**ONE_B)
    with torch.device("meta"):
        model = transformers.LlamaForCausalLM(config)
    model = model.to_empty(device="cpu").to(torch.bfloat16)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.fill_(1.0) if "norm" in name else parameter.normal_(0.0, 0.02)
    model.save_pretrained(folder)
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    vocab = {chr(c): i for i, c in enumerate(range(33, 127))} | {"Ġ": 200}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.save(str(folder / "tokenizer.json"))


def main() -> None:
    for name in ("minilm", "smollm2"):
        measure(name, SENTENCE)  # warm: the SmolLM2 cache exists, files are in the page cache
        figures = measure(name, SENTENCE)
        print(f"{name}: load (new process, imports included) {figures['load']:.2f} s (goal ≤ 2 s), "
              f"trace {figures['tokens']} tokens {figures['trace']:.2f} s, peak {figures['peak_gb']:.2f} GB")
    with tempfile.TemporaryDirectory(prefix="bench-1b-") as scratch:
        start = time.perf_counter()
        make_one_b(Path(scratch))
        size = sum(p.stat().st_size for p in Path(scratch).glob("*.safetensors")) / 1e9
        print(f"1B random model written: {size:.2f} GB of bfloat16 in {time.perf_counter() - start:.0f} s")
        from attention_math.models.loaders import widened_cache_folder

        caches = {widened_cache_folder(path) for path in Path(scratch).glob("*.safetensors")}
        try:
            for run in ("first (widens bfloat16 into the cache)", "again (cache warm)"):
                figures = measure(scratch, LONG[:32])
                print(f"1B model, {run}: load {figures['load']:.2f} s, trace {figures['tokens']} tokens of all 16 "
                      f"layers {figures['trace']:.2f} s (goal ≤ 20 s), peak {figures['peak_gb']:.2f} GB (goal ≤ 6 GB; "
                      f"{figures['anon_gb']:.2f} GB of it not mapped file pages)")
        finally:
            for folder in caches:
                shutil.rmtree(folder, ignore_errors=True)
    print(f"this process' own peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")


if __name__ == "__main__":
    main()
