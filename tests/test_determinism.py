"""The same example at the same quality gives the same frames (issue 21): one segment rendered
twice, in two processes, into two media folders, with different --jobs and hash seeds. The
softmax segment of a five-word sentence differed in frames ~447–475 at 854×480 (~35 s)."""
from benchmarks.bench_determinism import compare, render


def test_two_renders_in_two_processes_give_identical_frames(tmp_path):
    one = render(tmp_path / "one", "softmax", "the cat sat on mats", "low", jobs=1, seed=1)
    two = render(tmp_path / "two", "softmax", "the cat sat on mats", "low", jobs=2, seed=2)
    videos = sorted(one.glob("[0-9][0-9]-*.mp4"))
    assert videos
    for video in videos:
        assert compare(video, two / video.name) == [], video.name
