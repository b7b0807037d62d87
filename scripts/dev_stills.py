"""Dev helper: stills of chosen segments for one sentence, animations skipped.
Usage: .venv/bin/python scripts/dev_stills.py "The cat sat on the mat" dot,softmax  (writes /tmp/stills/<name>/)"""
import sys, time
from manim import tempconfig
from attention_math import Example, load_example
from scenes import context
from scenes.playlist import PLAYLIST as SEGMENTS
sentence, names = sys.argv[1], sys.argv[2].split(",")
ex = load_example(sentence) if sentence.endswith(".toml") else Example(sentence)
for cls in SEGMENTS:
    if not any(n in cls.segment for n in names): continue
    out = f"/tmp/stills/{ex.name}"
    context.use(context.RenderContext(ex, stills_dir=out))
    t=time.time()
    with tempconfig({"quality": "low_quality", "write_to_movie": False, "disable_caching": True, "verbosity": "WARNING", "media_dir": "/tmp/devmedia", "progress_bar": "none"}):
        scene = cls(skip_animations=True); scene.render()
    print(cls.segment, f"{time.time()-t:.1f}s", [ (r.name, len(r.numbers), r.outside_frame[:2]) for r in scene.sections])
