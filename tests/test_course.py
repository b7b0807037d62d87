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
