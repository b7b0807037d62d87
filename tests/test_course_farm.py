"""A course on a real Dask cluster (issue 23): a `dask scheduler` and two `dask worker`s on
127.0.0.1, each worker in its own folder; one worker is SIGKILLed while it renders. The course
completes, every MP4 has the frames of a serial render, nothing half-made is left, and a second
run does no render work."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from attention_math import Example
from scenes.context import RenderContext
from scenes.pipeline.identity import code_fingerprint
from scenes.pipeline.jobs import SegmentJob
from scenes.pipeline.tasks import segment_task
from scenes.playlist import numbered_name
from scenes.segments import EmbeddingSegment
from tests.dask_processes import ROOT, Farm, certificates, course, frame_hashes, leftovers, session_alive

SENTENCES = ("money bank grows", "the cat sat")
SEGMENT = numbered_name(EmbeddingSegment)
COURSE = """title = "Two short lessons"
[[lesson]]
sentence = "money bank grows"
scenes = "embedding"
quality = "low"
[[lesson]]
sentence = "the cat sat"
scenes = "embedding"
quality = "low"
"""


def _serial(sentence: str, folder) -> object:
    """The segment rendered here, in this process, with no Dask at all."""
    job = SegmentJob(EmbeddingSegment.__module__, EmbeddingSegment.__name__, RenderContext(Example(sentence)),
                     "low", "", True)
    bundle = segment_task(job, SEGMENT, "serial", code_fingerprint())
    assert bundle.error is None
    (folder / f"{SEGMENT}.mp4").write_bytes(bundle.files[f"{SEGMENT}.mp4"])
    return folder / f"{SEGMENT}.mp4"


@pytest.fixture
def farm(tmp_path):
    started = Farm(tmp_path / "farm")
    try:
        started.scheduler()
        yield started
    finally:
        started.stop()
        for process in started.processes:
            assert not session_alive(process.pid), "a dask process outlived the test"


def test_a_course_survives_a_killed_worker_and_matches_a_serial_render(farm, tmp_path):
    victim, victim_folder = farm.worker("victim")
    farm.worker("survivor")
    farm.wait_for_workers(2)
    (tmp_path / "course.toml").write_text(COURSE)
    media = tmp_path / "media"
    client = subprocess.Popen([sys.executable, "-m", "scenes", "course", str(tmp_path / "course.toml"),
                               "--scheduler", farm.address, "--media-dir", str(media)],
                              cwd=farm.env["PYTHONPATH"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(victim_folder.glob("local/**/segment-*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the victim's scratch folder for a segment: it is rendering
    assert list(victim_folder.glob("local/**/segment-*")), "the victim never got a segment"
    time.sleep(1.0)
    assert client.poll() is None
    os.killpg(victim.pid, signal.SIGKILL)  # nanny and worker, mid-segment
    stdout, stderr = client.communicate(timeout=240)
    assert client.returncode == 0, stderr
    assert "course page:" in stdout
    page = (media / "course" / "index.html").read_text()
    for folder in ("money-bank-grows", "the-cat-sat"):  # relative links: the page works from disk
        for name in ("explainer.mp4", "presentation.html", "explorer.html", "slides.pptx", "slides.pdf"):
            assert f'href="{folder}/{name}"' in page and (media / "course" / folder / name).exists()
        assert f'src="{folder}/storyboard.png"' in page
    assert "http" not in page.replace("http-equiv", "")
    for sentence in SENTENCES:
        lesson = media / "course" / sentence.replace(" ", "-")
        (tmp_path / "serial" / lesson.name).mkdir(parents=True)
        reference = _serial(sentence, tmp_path / "serial" / lesson.name)
        assert frame_hashes(lesson / f"{SEGMENT}.mp4") == frame_hashes(reference), sentence
        assert frame_hashes(lesson / "explainer.mp4") == frame_hashes(reference), sentence
    assert leftovers(media) == []
    again = course(media, tmp_path / "course.toml", "--scheduler", farm.address)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout and "rendering" not in again.stdout


def test_a_stopped_course_resumes_with_the_lessons_it_did_not_finish(tmp_path):
    """One worker, lesson 2 of two segments: Ctrl-C as soon as a lesson is published; the re-run
    keeps that lesson and renders only the segments of the other that had not finished (a worker
    runs the segments it holds back to back, so some may be done, kept in .done/)."""
    (tmp_path / "course.toml").write_text(COURSE.replace('scenes = "embedding"', 'scenes = "where-it-sits,embedding"')
                                          .replace('scenes = "where-it-sits,embedding"', 'scenes = "embedding"', 1))
    media = tmp_path / "media"
    client = subprocess.Popen([sys.executable, "-m", "scenes", "course", str(tmp_path / "course.toml"), "--workers",
                               "1", "--media-dir", str(media)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in client.stdout:
            if line.startswith("published"):
                break
        os.killpg(client.pid, signal.SIGINT)  # Ctrl-C
        assert client.wait(timeout=10) == 130
    finally:
        if client.poll() is None:
            os.killpg(client.pid, signal.SIGKILL)
    first = "lesson 1" in line
    done, rest = (media / "course" / name for name in (("money-bank-grows", "the-cat-sat")[::1 if first else -1]))
    assert (done / "explainer.mp4").exists() and not (rest / "explainer.mp4").exists()
    published = (done / f"{SEGMENT}.mp4").stat().st_mtime_ns
    # Segments of the other lesson finished before the stop wait in its .done/ folder.
    left = (2 if first else 1) - len(list((rest / ".done").glob("*")))
    again = course(media, tmp_path / "course.toml", "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("up to date:") and f"(lesson {1 if first else 2})" in again.stdout.splitlines()[0]
    assert f"rendering {left} segment(s) of" in again.stdout  # none finished is redone
    assert (done / f"{SEGMENT}.mp4").stat().st_mtime_ns == published
    assert (rest / "explainer.mp4").exists() and leftovers(media) == []


def test_a_worker_running_other_code_is_refused_by_name(farm, tmp_path):
    """A worker importing a copy of the package with one file changed gets no task."""
    import shutil

    other = tmp_path / "other-code"
    for package in ("scenes", "attention_math", "explorer"):
        shutil.copytree(ROOT / package, other / package, ignore=shutil.ignore_patterns("__pycache__"))
    with open(other / "scenes" / "theme.py", "a") as changed:
        changed.write("\n# a local edit on that machine\n")
    farm.worker("same")
    farm.env = {**farm.env, "PYTHONPATH": str(other)}
    farm.worker("stale")
    farm.wait_for_workers(2)
    (tmp_path / "c.toml").write_text('[[lesson]]\nsentence = "the cat sat"\noutputs = ["explorer"]\n')
    result = course(tmp_path / "media", tmp_path / "c.toml", "--scheduler", farm.address, timeout=120)
    assert result.returncode == 0, result.stderr
    refused = [line for line in result.stderr.splitlines() if line.startswith("refused worker")]
    assert len(refused) == 1 and "install the same version" in refused[0], result.stderr
    assert (tmp_path / "media" / "c" / "the-cat-sat" / "explorer.html").exists()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make certificates")
def test_a_tls_scheduler_with_certificates_runs_a_course_and_refuses_a_client_without(tmp_path):
    """tls:// end to end: scheduler, worker and client with certificates from Dask's settings."""
    files = certificates(tmp_path / "certs")
    flags = ["--tls-ca-file", str(files["ca"]), "--tls-cert", str(files["cert"]), "--tls-key", str(files["key"])]
    farm = Farm(tmp_path / "farm")
    try:
        farm.scheduler(tls=flags)
        farm.worker("tls-worker")
        (tmp_path / "c.toml").write_text('[[lesson]]\nsentence = "the cat sat"\noutputs = ["explorer"]\n')
        without = course(tmp_path / "m0", tmp_path / "c.toml", "--scheduler", farm.address, timeout=60)
        assert without.returncode == 1 and "tls:// needs certificates" in without.stderr
        assert without.stderr.strip().count("\n") == 0
        env = {"DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(files["ca"]),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(files["cert"]),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(files["key"])}
        result = subprocess.run([sys.executable, "-m", "scenes", "course", str(tmp_path / "c.toml"), "--scheduler",
                                 farm.address, "--media-dir", str(tmp_path / "m1")], capture_output=True, text=True,
                                cwd=ROOT, timeout=120, env={**os.environ, **env})
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "m1" / "c" / "the-cat-sat" / "explorer.html").exists()
        assert "warning" not in result.stdout + result.stderr  # tls:// needs no --insecure
    finally:
        farm.stop()
        assert not any(session_alive(process.pid) for process in farm.processes)
