"""`make bench`, real model: load all-MiniLM-L6-v2 and trace all 6 layers of a 32-token sentence."""
from __future__ import annotations

import statistics
import time

from attention_math.models.minilm import load_model, model_trace, tokenize_for_model
from attention_math.models.registry import clear_caches

LOAD_TARGET_MS = 1000
TRACE_TARGET_MS = 200
TRACE_TOKENS = 32
# 32 WordPiece tokens with [CLS] and [SEP] (checked below, in case the tokenizer changes).
SENTENCE = (
    "The bank of the river flooded after three days of heavy rain, so she moved "
    "her savings to another bank in the city, far from the water."
)


def timed_ms(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def best_and_median(times: list[float]) -> tuple[float, float]:
    return min(times), statistics.median(times)


def verdict(best: float, target: float) -> str:
    return "ok" if best <= target else "OVER TARGET"


def cold_loads_ms(load, repeats: int) -> list[float]:
    """In-process loads with the lru_cache cleared before each (the OS may still cache the files)."""
    times = []
    for _ in range(repeats):
        clear_caches()
        times.append(timed_ms(load))
    return times


def bench_load(repeats: int = 3) -> None:
    times = cold_loads_ms(load_model, repeats)
    best, median = best_and_median(times)
    print(f"minilm load: first {times[0]:.0f} ms (imports tokenizers), best {best:.0f} ms, median {median:.0f} ms "
          f"(target ≤ {LOAD_TARGET_MS} ms: {verdict(best, LOAD_TARGET_MS)})")


def bench_trace(repeats: int = 7) -> None:
    tokens, _ = tokenize_for_model(SENTENCE)
    if len(tokens) != TRACE_TOKENS:
        raise RuntimeError(f"benchmark sentence has {len(tokens)} WordPiece tokens, wants {TRACE_TOKENS}")
    model_trace(SENTENCE)  # warm-up
    best, median = best_and_median([timed_ms(lambda: (clear_caches(traces_only=True), model_trace(SENTENCE))) for _ in range(repeats)])
    print(f"minilm trace {TRACE_TOKENS} tokens, 6 layers: best {best:.1f} ms, median {median:.1f} ms "
          f"(target ≤ {TRACE_TARGET_MS} ms: {verdict(best, TRACE_TARGET_MS)})")


def main() -> None:
    bench_load()
    bench_trace()


if __name__ == "__main__":
    main()
