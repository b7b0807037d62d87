"""How long the explainer runs at 8 tokens and at 64 (issue 10: at most a minute longer).

    python -m benchmarks.bench_length

Each segment is built with animations skipped (fast: no video) and its length read from the
frames the scene counted, at low quality's 15 frames per second.
"""
from __future__ import annotations

from attention_math import Example, load_example
from scenes.playlist import playlist
from tests.screen_checks import build_scene

from .bench_long import LONG_64_EXAMPLE

FPS = 15  # low quality, as tests.screen_checks.build_scene renders


def explainer_seconds(example: Example) -> float:
    return sum(build_scene(cls, example).frames_played / FPS for cls in playlist("toy"))


def main() -> None:
    short = Example("The old fisherman reached the river bank today")  # 8 tokens
    long = load_example(LONG_64_EXAMPLE)
    lengths = {len(example.tokens): explainer_seconds(example) for example in (short, long)}
    (n_short, s_short), (n_long, s_long) = lengths.items()
    verdict = "ok" if s_long - s_short <= 60 else "OVER"
    print(f"explainer at {n_short} tokens {s_short:.1f} s, at {n_long} tokens {s_long:.1f} s: "
          f"{s_long - s_short:+.1f} s (target ≤ +60 s: {verdict})")


if __name__ == "__main__":
    main()
