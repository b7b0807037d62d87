"""Course files are checked whole before any work (every error with its line); a scheduler that
is unreachable or not loopback is one line; examples/course-*.toml are valid."""
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenes.course.spec import CourseError, load_course
from tests.dask_processes import ROOT, free_port

BAD = """title = "Bad"
colour = "red"

[[lesson]]
sentence = "The cat sat"
model = "nosuchmodel"

[[lesson]]
sentence = "money bank grows"
scenes = "42"
quality = "ultra"

[[lesson]]
example = "missing.toml"

[[lesson]]
sentence = "the cat sat on the mat"
query = "zebra"
outputs = ["video", "hologram"]

[[lesson]]
sentence = "the cat sat"
example = "the-cat-sat.toml"
"""


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenes", "course", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_every_error_of_a_course_file_is_reported_with_its_line_before_any_work(tmp_path):
    (tmp_path / "bad.toml").write_text(BAD)
    result = _run(str(tmp_path / "bad.toml"), "--media-dir", str(tmp_path / "media"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    where = [Path(line.split(": ", 2)[1]).name for line in lines]
    assert where == ["bad.toml:2", "bad.toml:6", "bad.toml:11", "bad.toml:10", "bad.toml:14", "bad.toml:19",
                     "bad.toml:18", "bad.toml:22"], lines
    assert "unknown key 'colour'" in lines[0] and "nosuchmodel" in lines[1] and "'ultra'" in lines[2]
    assert "no segment '42'" in lines[3] and "example file not found" in lines[4] and "hologram" in lines[5]
    assert "QUERY='zebra'" in lines[6] and "not both" in lines[7]
    assert not (tmp_path / "media").exists()  # nothing started


def test_a_toml_syntax_error_is_one_line(tmp_path):
    (tmp_path / "broken.toml").write_text('title = "x"\n[[lesson]\n')
    with pytest.raises(CourseError) as error:
        load_course(tmp_path / "broken.toml", tmp_path)
    assert len(error.value.lines) == 1 and "line 2" in error.value.lines[0]


@pytest.mark.parametrize("course", sorted((ROOT / "examples").glob("course-*.toml")))
def test_the_example_courses_are_valid(course, tmp_path):
    loaded = load_course(course, tmp_path)
    assert loaded.lessons and loaded.out_dir == tmp_path / course.stem
    assert len({lesson.out_dir for lesson in loaded.lessons}) == len(loaded.lessons)


def test_an_unreachable_scheduler_is_one_line_within_ten_seconds(tmp_path):
    (tmp_path / "c.toml").write_text('[[lesson]]\nsentence = "the cat sat"\nscenes = "embedding"\nquality = "low"\n')
    started = time.monotonic()
    result = _run(str(tmp_path / "c.toml"), "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                  "--media-dir", str(tmp_path / "media"))
    assert time.monotonic() - started < 10
    assert result.returncode == 1 and result.stderr.strip().count("\n") == 0
    assert "unreachable" in result.stderr and "Traceback" not in result.stderr


def test_plain_tcp_to_another_machine_is_refused_without_insecure(tmp_path):
    (tmp_path / "c.toml").write_text('[[lesson]]\nsentence = "the cat sat"\nscenes = "embedding"\nquality = "low"\n')
    result = _run(str(tmp_path / "c.toml"), "--scheduler", "tcp://10.1.2.3:8786", "--media-dir", str(tmp_path / "m"))
    assert result.returncode == 1 and "--insecure" in result.stderr and result.stderr.strip().count("\n") == 0


def test_a_lesson_that_fails_fails_alone_in_one_line(tmp_path, monkeypatch):
    """Two lessons on the local cluster: one's segment raises while drawing; that lesson is one
    error line and publishes nothing, the other is published, the exit code is 1."""
    from attention_math import Example
    from scenes import playlist
    from scenes.context import RenderContext
    from scenes.pipeline.engine import Farm, run_lessons
    from scenes.pipeline.plan import Lesson
    from scenes.segments import EmbeddingSegment
    from scenes.story import WhereItSits
    from tests.test_pipeline import BrokenSegment

    monkeypatch.setattr(playlist, "playlist", lambda model="toy": [WhereItSits, EmbeddingSegment, BrokenSegment])
    lessons = [Lesson(RenderContext(Example("money bank grows")), (EmbeddingSegment,), tmp_path / "good", "low",
                      ("video", "stills", "slides", "presentation"), label="lesson 1"),
               Lesson(RenderContext(Example("the cat sat")), (BrokenSegment,), tmp_path / "bad", "low",
                      ("video", "stills", "slides", "presentation"), label="lesson 2")]
    errors = []
    code, outcome = run_lessons(lessons, Farm(workers=2),
                                log=lambda *a, **k: errors.append(" ".join(map(str, a))) if k.get("file") else None)
    assert code == 1 and outcome.published == ["lesson 1"] and list(outcome.failed) == ["lesson 2"]
    assert errors == ["error: 03-broken failed: RuntimeError: drawing failed (lesson 2)"]
    assert (tmp_path / "good" / "explainer.mp4").exists()
    assert not [p for p in (tmp_path / "bad").rglob("*") if p.suffix in (".mp4", ".png", ".json")]


def test_a_store_folder_carries_the_files_instead_of_the_scheduler(tmp_path):
    from scenes.pipeline.tasks import Bundle, _collect

    made = tmp_path / "made"
    (made / "stills").mkdir(parents=True)
    (made / "03-x.mp4").write_bytes(b"video")
    (made / "stills" / "03-x-01-a.png").write_bytes(b"png")
    files, stored = _collect(made, str(tmp_path / "store"), "03-x-abc")
    assert files == {} and Path(stored) == tmp_path / "store" / "03-x-abc"
    assert Bundle("03-x", stored=stored).paths() == {"03-x.mp4": b"video", "stills/03-x-01-a.png": b"png"}
    assert [p.name for p in (tmp_path / "store").iterdir()] == ["03-x-abc"]  # no partial folder left


def test_the_pipeline_modules_import_one_another_without_a_cycle():
    """steps ↔ stills_pass ↔ worker used to import one another (under TYPE_CHECKING too):
    every `from .x import` of scenes/pipeline, lazy ones included, makes an acyclic graph."""
    import ast

    folder = ROOT / "scenes" / "pipeline"
    graph = {}
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        graph[path.stem] = {node.module.split(".")[0] for node in ast.walk(tree)
                            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}
        graph[path.stem] |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                             and node.level == 1 and node.module is None for alias in node.names}

    def reaches(start: str, target: str, seen: set) -> bool:
        return any(n == target or (n not in seen and not seen.add(n) and reaches(n, target, seen))
                   for n in graph.get(start, ()))

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert cycles == [], cycles
