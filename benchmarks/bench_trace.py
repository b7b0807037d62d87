"""`make bench`: time the attention_math work a user waits for."""
from __future__ import annotations

import statistics
import time

import numpy as np

from attention_math import attention_trace


def best_of(function, repeats: int = 7) -> tuple[float, float]:
    """Best and median wall time in milliseconds (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def bench_large_trace() -> None:
    rng = np.random.default_rng(0)
    n, d_model, heads = 512, 384, 12
    x = rng.normal(size=(n, d_model))
    weights = {name: rng.normal(scale=d_model**-0.5, size=(d_model, d_model)) for name in ("w_q", "w_k", "w_v", "w_o")}
    tokens = tuple(f"t{i}" for i in range(n))
    best, median = best_of(lambda: attention_trace(tokens, x, n_heads=heads, causal=True, **weights))
    verdict = "ok" if best <= 50 else "OVER TARGET"
    print(f"trace 512 tokens, d_model 384, 12 heads: best {best:.1f} ms, median {median:.1f} ms (target ≤ 50 ms: {verdict})")


def main() -> None:
    bench_large_trace()
    try:
        from benchmarks.bench_model import main as bench_model
    except ImportError:
        return
    bench_model()
    from benchmarks.bench_smollm2 import main as bench_smollm2
    bench_smollm2()


if __name__ == "__main__":
    main()
