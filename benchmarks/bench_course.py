"""`make bench-course` (issue 23): one 4-lesson course at low quality rendered from scratch on a
local Dask cluster of 1 and of 2 worker processes (wall times, ratio), then the same course's
measured task durations laid out on 8, 32 and 128 workers: a simulation (longest task first, each
lesson's assembly after its segments) next to the critical path, the floor no cluster beats."""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = """title = "Benchmark course"
[[lesson]]
sentence = "money bank grows"
scenes = "embedding,why-attention,similarity"
quality = "low"
[[lesson]]
sentence = "the cat sat on the mat"
scenes = "embedding,similarity,softmax"
quality = "low"
[[lesson]]
sentence = "a river bank floods"
scenes = "embedding,dot-products,weighted-sum"
quality = "low"
[[lesson]]
sentence = "birds fly south"
scenes = "embedding,softmax,weighted-sum"
quality = "low"
"""
TASK_LINE = re.compile(r"\[\d+/\d+\] (\S+): done in ([\d.]+) s \(lesson (\d+)\)")
SIMULATED = (1, 2, 8, 32, 128)


def run(workers: int, scratch: Path) -> tuple[float, list[tuple[str, int, float]]]:
    """(wall seconds, [(task, lesson, seconds)]) of the course rendered from nothing."""
    course = scratch / "bench-course.toml"
    course.write_text(COURSE)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "scenes", "course", str(course), "--workers", str(workers),
                             "--media-dir", str(scratch / f"media-{workers}")],
                            capture_output=True, text=True, cwd=ROOT, timeout=1800)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"course failed with {workers} worker(s): {result.stderr.strip()}")
    return wall, [(name, int(lesson), float(seconds)) for name, seconds, lesson in TASK_LINE.findall(result.stdout)]


def simulate(tasks: list[tuple[str, int, float]], workers: int) -> float:
    """Makespan on `workers` processes: segments longest first onto the earliest free worker;
    a lesson's assembly (and explorer) once its segments are done."""
    free = [0.0] * workers
    finished: dict[int, float] = {}
    segments = sorted((t for t in tasks if t[0] not in ("assembly", "explorer")), key=lambda t: -t[2])
    for _, lesson, seconds in segments:
        slot = min(range(workers), key=free.__getitem__)
        free[slot] += seconds
        finished[lesson] = max(finished.get(lesson, 0.0), free[slot])
    for _, lesson, seconds in sorted((t for t in tasks if t[0] in ("assembly", "explorer")), key=lambda t: t[1]):
        slot = min(range(workers), key=free.__getitem__)
        free[slot] = max(free[slot], finished.get(lesson, 0.0)) + seconds
    return max(free)


def critical_path(tasks: list[tuple[str, int, float]]) -> tuple[float, str]:
    """The longest chain: a lesson's longest segment, then its assembly."""
    chains = {}
    for lesson in {t[1] for t in tasks}:
        own = [t for t in tasks if t[1] == lesson]
        longest = max((t for t in own if t[0] not in ("assembly", "explorer")), key=lambda t: t[2])
        assembly = sum(t[2] for t in own if t[0] == "assembly")
        chains[lesson] = (longest[2] + assembly, f"lesson {lesson}: {longest[0]} {longest[2]:.1f} s + assembly "
                                                 f"{assembly:.1f} s")
    return max(chains.values())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-course-") as scratch:
        one_wall, tasks = run(1, Path(scratch))
        two_wall, _ = run(2, Path(scratch))
    total = sum(t[2] for t in tasks)
    print(f"4-lesson course, {sum(t[0] not in ('assembly', 'explorer') for t in tasks)} segments at low quality; "
          f"task seconds summed: {total:.1f} s")
    print(f"measured: 1 worker {one_wall:.1f} s, 2 workers {two_wall:.1f} s: {one_wall / two_wall:.2f}x")
    path, chain = critical_path(tasks)
    print(f"critical path {path:.1f} s ({chain})")
    overhead = max(0.0, one_wall - simulate(tasks, 1))  # cluster start, imports, sending and publishing files
    print(f"overhead outside the tasks at 1 worker: {overhead:.1f} s (added below)")
    print("\n| workers | simulated wall: tasks | + overhead | vs 1 worker |\n|---:|---:|---:|---:|")
    base = simulate(tasks, 1) + overhead
    for workers in SIMULATED:
        wall = simulate(tasks, workers)
        print(f"| {workers} | {wall:.1f} s | {wall + overhead:.1f} s | {base / (wall + overhead):.2f}x |")


if __name__ == "__main__":
    main()
