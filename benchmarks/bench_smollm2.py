"""`make bench`, real decoder: load SmolLM2-135M (uncached and cached) and trace 30 layers of a 32-token prompt."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

from attention_math.models.smollm2 import load_model, model_trace, tokenize_for_model
from attention_math.models.registry import clear_caches
from benchmarks.bench_model import best_and_median, cold_loads_ms, timed_ms, verdict

LOAD_TARGET_MS = 2000
TRACE_TARGET_MS = 1000
TRACE_TOKENS = 32
# 32 SmolLM2 tokens (checked below, in case the tokenizer changes).
PROMPT = ("The bank of the river flooded after three days of heavy rain, so she moved her savings to "
          "another bank in the city, far away from the cold water.")


def bench_uncached_load() -> None:
    """The very first load on a machine: dequantize the GGUF and write the cache (into a scratch folder)."""
    scratch = tempfile.mkdtemp(prefix="bench-smollm2-cache-")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = scratch
    try:
        clear_caches()
        elapsed = timed_ms(load_model)
    finally:
        if previous is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = previous
        clear_caches()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"smollm2 first load, no cache (dequantize the GGUF, write the cache): {elapsed:.0f} ms")


def bench_cached_load(repeats: int = 3) -> None:
    load_model()  # make sure the user's cache exists
    best, median = best_and_median(cold_loads_ms(load_model, repeats))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from attention_math.models.smollm2 import load_model; load_model()"], check=True)
    process_ms = (time.perf_counter() - start) * 1000
    print(f"smollm2 load from the cache: best {best:.0f} ms, median {median:.0f} ms; in a new process with "
          f"Python's start-up and imports {process_ms:.0f} ms (target ≤ {LOAD_TARGET_MS} ms: {verdict(best, LOAD_TARGET_MS)})")


def bench_trace(repeats: int = 5) -> None:
    _, ids = tokenize_for_model(PROMPT)
    if len(ids) != TRACE_TOKENS:
        raise RuntimeError(f"benchmark prompt has {len(ids)} SmolLM2 tokens, wants {TRACE_TOKENS}")
    clear_caches()
    load_model()
    first = timed_ms(lambda: (clear_caches(traces_only=True), model_trace(PROMPT)))  # maps the cached weights' pages in
    best, median = best_and_median([timed_ms(lambda: (clear_caches(traces_only=True), model_trace(PROMPT))) for _ in range(repeats)])
    print(f"smollm2 trace {TRACE_TOKENS} tokens, 30 layers: first after load {first:.0f} ms, then best {best:.0f} ms, "
          f"median {median:.0f} ms (target ≤ {TRACE_TARGET_MS} ms: {verdict(best, TRACE_TARGET_MS)})")


def main() -> None:
    bench_uncached_load()
    bench_cached_load()
    bench_trace()


if __name__ == "__main__":
    main()
