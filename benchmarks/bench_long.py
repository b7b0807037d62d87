"""`make bench-long`: what a long sentence costs to build (issue 10), against a 6-token one.

    python -m benchmarks.bench_long [toy|minilm|all]    (default all)

- toy: the dot-products and softmax stills at 32 tokens vs 6 (target ≤ 3×), then `make stills`
  (every segment) at 64 tokens vs 6 (target ≤ 2×);
- minilm: the model scenes (layer evolution, heads grid, rollout) at 64 WordPiece tokens vs 6
  (target ≤ 3×, the brief's per-segment bound).
Every run starts from an empty media folder (cold caches on both sides). A segment that fails
on the long sentence is named and left out of the ratio (it is not long-ready yet); a stills run
is stopped after BENCH_LONG_TIMEOUT seconds (default 900) and its unfinished segments named.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHORT = "The cat sat on the mat"  # 6 toy tokens
SHORT_MODEL = "The cat sat down"  # 6 WordPiece tokens with [CLS] and [SEP]
LONG_32 = ("The animal didn't cross the street because it was too tired, so it lay down on the warm pavement "
           "and waited for the rain to stop before walking home")  # 32 toy tokens
LONG_64_EXAMPLE = ROOT / "examples" / "river-bank-64.toml"  # 64 toy tokens
LONG_64_MODEL = ("Our teacher explained that the river bank, unlike the bank in town where people keep their money, "
                 "is the land along the edge of the water. After a heavy storm the water rises, covers the bank and "
                 "carries mud and branches downstream, and the path beside it stays uncharacteristically slippery "
                 "for days")  # 64 WordPiece tokens with [CLS] and [SEP]
TIMEOUT = float(os.environ.get("BENCH_LONG_TIMEOUT", 900))  # seconds one stills run may take
SEGMENT_LINE = re.compile(r"\[\d+/\d+\] (\S+): (done|FAILED) in ([\d.]+) s")


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time of the whole command
    segments: dict[str, float]  # segment → its own seconds, as the pipeline printed them
    failed: tuple[str, ...]  # segments that failed
    timed_out: bool = False  # stopped after TIMEOUT seconds: the segments not listed never finished


def stills(source: list[str], scenes: str | None, jobs: int, model: str = "toy") -> Run:
    """`python -m scenes stills` into a fresh media folder; a failing segment does not stop it,
    and a run longer than TIMEOUT seconds is stopped (its process group: the workers too)."""
    with tempfile.TemporaryDirectory(prefix="bench-long-") as media:
        command = [sys.executable, "-m", "scenes", "stills", *source, "--model", model, "--jobs", str(jobs),
                   "--media-dir", media] + (["--scenes", scenes] if scenes else [])
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        timed_out = False
        try:
            output, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            output, _ = process.communicate()
            timed_out = True
        seconds = time.perf_counter() - started
    segments, failed = {}, []
    for name, status, took in SEGMENT_LINE.findall(output):
        segments[name] = float(took)
        if status == "FAILED":
            failed.append(name)
    if process.returncode != 0 and not failed and not timed_out:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{output[-2000:]}")
    return Run(seconds, segments, tuple(failed), timed_out)


def compare(what: str, short: Run, long: Run, target: float) -> list[str]:
    """The ratio of the long run to the short one, over the segments that built in both."""
    both = [name for name in short.segments if name in long.segments and name not in long.failed + short.failed]
    short_s, long_s = sum(short.segments[n] for n in both), sum(long.segments[n] for n in both)
    ratio = long_s / short_s if short_s else float("nan")
    rows = [f"{what}: {short_s:6.1f} s short, {long_s:6.1f} s long ({len(both)} segment(s)) → {ratio:4.2f}× "
            f"(target ≤ {target:g}×: {'ok' if ratio <= target else 'MISSED'}); wall {short.seconds:.1f} s vs "
            f"{long.seconds:.1f} s"]
    rows += [f"    {name:24} {short.segments[name]:6.1f} s → {long.segments[name]:6.1f} s "
             f"({long.segments[name] / short.segments[name]:4.2f}×)" for name in both]
    rows += [f"    {name:24} FAILED on the long sentence (not long-ready yet)" for name in long.failed]
    if long.timed_out:
        unfinished = [name for name in short.segments if name not in long.segments]
        rows.append(f"    stopped after {TIMEOUT:.0f} s; never finished on the long sentence: {', '.join(unfinished)}")
    print("\n".join(rows), flush=True)  # as each comparison ends: a long run may be stopped later
    return rows


def toy() -> list[str]:
    pair = "dot-products,softmax"
    rows = compare("dot-products + softmax stills, 32 vs 6 tokens",
                   stills(["--sentence", SHORT], pair, jobs=1), stills(["--sentence", LONG_32], pair, jobs=1), 3.0)
    rows += compare("make stills (every segment), 64 vs 6 tokens", stills(["--sentence", SHORT], None, jobs=2),
                    stills(["--example", str(LONG_64_EXAMPLE)], None, jobs=2), 2.0)
    return rows


def minilm() -> list[str]:
    scenes = "layer-evolution,heads-grid,rollout"
    return compare("MiniLM model scenes' stills, 64 vs 6 WordPiece tokens",
                   stills(["--sentence", SHORT_MODEL], scenes, jobs=1, model="minilm"),
                   stills(["--sentence", LONG_64_MODEL], scenes, jobs=1, model="minilm"), 3.0)


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which not in ("toy", "minilm", "all"):
        sys.exit("error: bench_long takes toy, minilm or all")
    if which in ("toy", "all"):
        toy()
    if which in ("minilm", "all"):
        minilm()


if __name__ == "__main__":
    main()
