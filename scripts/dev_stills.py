"""Dev helper: stills of chosen segments for one sentence, animations skipped.
Usage: .venv/bin/python scripts/dev_stills.py "The cat sat on the mat" dot,softmax  (writes /tmp/stills/<name>/)"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attention_math import Example, load_example  # noqa: E402
from scenes.playlist import PLAYLIST  # noqa: E402
from tests.screen_checks import build_scene  # noqa: E402

sentence, names = sys.argv[1], sys.argv[2].split(",")
example = load_example(sentence) if sentence.endswith(".toml") else Example(sentence)
for cls in PLAYLIST:
    if any(name in cls.segment for name in names):
        started = time.time()
        scene = build_scene(cls, example, stills_dir=f"/tmp/stills/{example.name}")
        print(cls.segment, f"{time.time() - started:.1f}s",
              [(r.name, len(r.numbers), r.outside_frame[:2]) for r in scene.sections])
