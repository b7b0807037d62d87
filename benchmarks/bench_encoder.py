"""x264 settings compared at equal quality (issue 21): the same 1080p frames of one segment encoded
with Manim's own settings (preset medium, crf 23), plain veryfast at crf 23, and ours
(scenes/pipeline/worker.py ENCODER_OPTIONS): x264 CPU seconds, file size, luma PSNR over every
frame and SSIM (Gaussian window 1.5, luma) over every 25th, each against the frames as drawn.

`.venv/bin/python -m benchmarks.bench_encoder [segment] [distinct frames]` (default softmax, 300):
the frames are drawn once at 1080p, keeping the video's holds (a still wait is one frame repeated),
then each setting encodes the same sequence in this process with one x264 thread.
"""
from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "the-cat-sat.toml"
SSIM_EVERY = 25


def drawn_frames(segment: str, limit: int) -> list[tuple[np.ndarray, int]]:
    """(yuv420p planes, repeat) as the segment's encoders receive them, up to `limit` distinct frames."""
    from unittest import mock

    os.environ["EXPLAINER_EXAMPLE"] = str(EXAMPLE)
    from manim import tempconfig
    from manim.scene.scene_file_writer import SceneFileWriter
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    from scenes.pipeline.encoding import FrameConverter
    from scenes.playlist import select

    frames: list[tuple[np.ndarray, int]] = []
    convert = FrameConverter()

    def keep(encoder, pixels, *, repeat=1):
        if len(frames) < limit:
            frames.append((convert(pixels).copy(), repeat))

    (scene_class,) = select(segment)
    # The frames are kept here, not encoded: no partial movies to join either.
    with tempfile.TemporaryDirectory() as media, tempconfig({
            "quality": "high_quality", "media_dir": media, "disable_caching": True, "verbosity": "WARNING",
            "progress_bar": "none"}), mock.patch.object(VideoSegmentEncoder, "write_frame", keep), \
            mock.patch.object(SceneFileWriter, "combine_to_movie", lambda writer: None):
        scene_class().render()
    return frames


def encode(frames: list[tuple[np.ndarray, int]], options: dict) -> tuple[float, bytes]:
    """(x264 CPU seconds, the MP4) of the sequence with these libx264 options, one thread."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=60)
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        stream.options = {**options, "threads": "1"}
        before, pts = resource.getrusage(resource.RUSAGE_SELF), 0
        for planes, repeat in frames:
            frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
            for _ in range(repeat):
                frame.pts, pts = pts, pts + 1
                container.mux(stream.encode(frame))
        container.mux(stream.encode())
        after = resource.getrusage(resource.RUSAGE_SELF)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), buffer.getvalue()


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.ndimage import gaussian_filter

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = gaussian_filter(a, 1.5), gaussian_filter(b, 1.5)
    var_a, var_b = gaussian_filter(a * a, 1.5) - mu_a ** 2, gaussian_filter(b * b, 1.5) - mu_b ** 2
    covariance = gaussian_filter(a * b, 1.5) - mu_a * mu_b
    return float((((2 * mu_a * mu_b + c1) * (2 * covariance + c2)) /
                  ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))).mean())


def quality(frames: list[tuple[np.ndarray, int]], video: bytes) -> tuple[float, float]:
    """(luma PSNR dB over every frame, mean luma SSIM over every 25th) of the decoded video."""
    import av

    drawn = [planes[:1080] for planes, repeat in frames for _ in range(repeat)]
    errors, similarities = [], []
    with av.open(io.BytesIO(video)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            decoded = frame.to_ndarray(format="yuv420p")[:1080].astype(np.float32)
            source = drawn[index].astype(np.float32)
            errors.append(float(((decoded - source) ** 2).mean()))
            if index % SSIM_EVERY == 0:
                similarities.append(ssim(decoded, source))
    return 10 * np.log10(255 ** 2 / max(np.mean(errors), 1e-12)), float(np.mean(similarities))


def main() -> None:
    from scenes.pipeline.worker import ENCODER_OPTIONS

    segment = sys.argv[1] if len(sys.argv) > 1 else "softmax"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    frames = drawn_frames(segment, limit)
    total = sum(repeat for _, repeat in frames)
    print(f"{segment}: {len(frames)} distinct 1080p frames, {total} with the holds")
    print("| x264 settings | CPU s | ms/frame | MB | × medium | luma PSNR dB | SSIM |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    settings = {"Manim's own (medium, crf 23)": {"crf": "23"},
                "veryfast, crf 23": {"crf": "23", "preset": "veryfast"},
                "ours (scenes/pipeline/worker.py)": {k: v for k, v in ENCODER_OPTIONS.items() if k != "threads"}}
    reference = None
    for name, options in settings.items():
        cpu, video = encode(frames, options)
        psnr, similarity = quality(frames, video)
        reference = reference or len(video)
        print(f"| {name} | {cpu:.2f} | {cpu / total * 1000:.2f} | {len(video) / 1e6:.3f} | "
              f"{len(video) / reference:.2f} | {psnr:.2f} | {similarity:.5f} |", flush=True)


if __name__ == "__main__":
    main()
