"""Same example, same quality, same code: are the frames the same? (issue 21)

Renders one segment twice, in two processes, into two media folders, with different
--jobs and hash seeds, then decodes both videos and compares every frame. Exit code 1 when
any frame differs. Reproduces the softmax difference (frames ~447–475 of 564 for a
five-word sentence at low quality, around the faint note under the heatmap).

    .venv/bin/python -m benchmarks.bench_determinism [--scenes softmax] [--sentence "..."] [--quality low]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def render(media: Path, scenes: str, sentence: str, quality: str, jobs: int, seed: int) -> Path:
    command = [sys.executable, "-m", "scenes", "render", "--scenes", scenes, "--quality", quality,
               "--sentence", sentence, "--media-dir", str(media), "--jobs", str(jobs)]
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"render failed: {result.stderr[-2000:]}")
    return next(p for p in media.iterdir() if p.is_dir())


def frames(video: Path) -> list[np.ndarray]:
    import av

    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def compare(first: Path, second: Path) -> list[tuple[int, int, int]]:
    """(frame index, largest level difference, pixels differing) for every differing frame."""
    a, b = frames(first), frames(second)
    if len(a) != len(b):
        return [(-1, len(a), len(b))]
    differing = []
    for index, (x, y) in enumerate(zip(a, b)):
        delta = np.abs(x.astype(np.int16) - y.astype(np.int16)).max(axis=2)
        if delta.any():
            differing.append((index, int(delta.max()), int((delta > 0).sum())))
    return differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", default="softmax")
    parser.add_argument("--sentence", default="the cat sat on mats")
    parser.add_argument("--quality", default="low", choices=("low", "medium", "high"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="determinism-") as tmp:
        one = render(Path(tmp) / "one", args.scenes, args.sentence, args.quality, jobs=1, seed=1)
        two = render(Path(tmp) / "two", args.scenes, args.sentence, args.quality, jobs=2, seed=2)
        failures = 0
        for video in sorted(one.glob("[0-9][0-9]-*.mp4")):
            differing = compare(video, two / video.name)
            print(f"{video.name}: {len(differing)} frame(s) differ"
                  + (f", e.g. {differing[:3]} (index, max level, pixels)" if differing else ""))
            failures += bool(differing)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
