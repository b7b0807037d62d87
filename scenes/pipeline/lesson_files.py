"""The files of a lesson's folder: which belong to a segment, and the assembled ones.
Used on both sides: a worker builds them in its scratch folder, the client publishes them."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import assemble
from .files import publish, writing
from .jobs import SegmentResult
from .steps import STEPS_DIR, manifest_path, publish_steps


def segment_files(out_dir: Path, name: str) -> list[Path]:
    """A segment's files in a lesson folder: MP4, subtitles, stills, step videos, manifest."""
    found = [out_dir / f"{name}.mp4", out_dir / f"{name}.srt", manifest_path(out_dir, name)]
    found += sorted((out_dir / "stills").glob(f"{name}-*.png")) + sorted((out_dir / STEPS_DIR).glob(f"{name}-*.mp4"))
    return [path for path in found if path.exists()]


def publish_segment(result: SegmentResult, name: str, out_dir: Path, write_video: bool) -> None:
    """A rendered segment's files into out_dir, with the names the lesson folder gives them."""
    stills_dir = out_dir / "stills"
    new_stills = []
    for index, (still, section) in enumerate(result.stills, 1):
        final = stills_dir / f"{name}-{index:02d}-{section}.png"
        publish(Path(still), final)
        new_stills.append(final)
    for old in stills_dir.glob(f"{name}-*.png"):
        if old not in new_stills:
            old.unlink()
    if write_video and result.video:
        publish(Path(result.video), out_dir / f"{name}.mp4")
        if result.subtitles:
            publish(Path(result.subtitles), out_dir / f"{name}.srt")
    publish_steps(result, name, out_dir, write_video)  # classroom: step videos + captions


def assembled_files(write_video: bool) -> list[str]:
    wanted = ["storyboard.png", "slides.pdf", *assemble.CLASSROOM_FILES]  # classroom: + presentation, pptx
    return wanted + (["explainer.mp4", "explainer.srt"] if write_video else [])


def assemble_lesson(out_dir: Path, names: list[str], write_video: bool, lang: str = "en",
                    captions: str | None = None) -> None:
    """storyboard.png, slides.pdf, presentation.html, slides*.pptx and, with video, explainer.mp4
    and explainer.srt, from the segments `names` in out_dir; their own words in `lang`."""
    from ..words import Words

    interface = Words("interface", lang, captions)
    stills = sorted(p for name in names for p in (out_dir / "stills").glob(f"{name}-*.png"))

    def storyboard() -> None:
        with writing(out_dir / "storyboard.png") as tmp:
            assemble.storyboard(stills, tmp, labels=assemble.still_labels(out_dir, names, stills, interface),
                                lang=lang)

    # The storyboard decodes every still (mostly outside the GIL) while the slides are written here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        sheet = pool.submit(storyboard)
        with writing(out_dir / "slides.pdf") as tmp:
            assemble.slides_pdf(stills, tmp)
        assemble.classroom(out_dir, names, interface)  # classroom: presentation.html, slides.pptx
        videos = [out_dir / f"{name}.mp4" for name in names]
        if write_video and all(v.exists() for v in videos):
            with writing(out_dir / "explainer.mp4") as tmp:
                assemble.concat_videos(videos, tmp)
            with writing(out_dir / "explainer.srt") as tmp:
                parts = [(out_dir / f"{name}.srt", assemble.video_seconds(out_dir / f"{name}.mp4")) for name in names]
                assemble.merge_subtitles(parts, tmp)
        sheet.result()  # its error, if any, is the assembly's
