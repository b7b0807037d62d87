"""Joining segment outputs: the full video, merged subtitles, the storyboard and slides."""
from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import srt
from PIL import Image, ImageDraw, ImageFont

from ..theme import current_theme
from .slides import slides_pdf, slides_pptx  # noqa: F401  (slides_pdf: run.py calls it from here)
from .steps import read_manifest

# Pillow draws with one font file, no fallback: letters of a script the theme's font lacks go in
# fontconfig's font for the language, the rest (Latin titles, digits, ·) in the theme's font.
SCRIPT_LETTERS = {"hi": r"[\u0900-\u097f\ua8e0-\ua8ff\u200c\u200d]+",
                  "ja": r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+"}
CLASSROOM_FILES = ("presentation.html", "slides.pptx")  # and slides-animated.pptx after a video render


@lru_cache(maxsize=4)
def font_file(family: str) -> str:
    """The file fontconfig picks for a theme font family (no hard-coded Debian path)."""
    found = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True, text=True, check=True)
    return found.stdout.strip()


def _has_audio(path: Path) -> bool:
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def concat_videos(parts: list[Path], output: Path) -> None:
    """Stream-copy MP4 segments (same codec and size) into one file, no re-encoding. Their
    audio comes along when every part has some (a narrated render): each part's audio is
    shifted to where its video starts, and cut where its video ends, so it never drifts."""
    kinds = ("video", "audio") if parts and all(_has_audio(part) for part in parts) else ("video",)
    with av.open(str(output), "w", format="mp4") as out:
        outputs: dict[str, av.stream.Stream] = {}
        start = Fraction(0)  # seconds: where the part begins in the output
        for part in parts:
            with av.open(str(part)) as source:
                inputs = [getattr(source.streams, kind)[0] for kind in kinds]
                for stream in inputs:
                    outputs.setdefault(stream.type, out.add_stream_from_template(stream))
                video = inputs[0]
                cut = Fraction(video.duration) * video.time_base if video.duration else None
                video_end = start
                for packet in source.demux(inputs):
                    if packet.dts is None or packet.pts is None:
                        continue
                    time_base = packet.stream.time_base
                    if packet.stream.type == "audio" and cut is not None and packet.pts * time_base >= cut:
                        continue
                    shift = int(start / time_base)
                    packet.pts += shift
                    packet.dts += shift
                    if packet.stream.type == "video":
                        video_end = max(video_end, (packet.pts + (packet.duration or 0)) * time_base)
                    packet.stream = outputs[packet.stream.type]
                    out.mux(packet)
                start = video_end


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration or 0) / av.time_base


def merge_subtitles(parts: list[tuple[Path | None, float]], output: Path) -> None:
    """One .srt for the whole video: each segment's cues shifted by the segments before it."""
    cues, offset = [], 0.0
    for path, seconds in parts:
        if path is not None and path.exists():
            for cue in srt.parse(path.read_text(encoding="utf-8")):
                shift = timedelta(seconds=offset)
                cues.append(srt.Subtitle(0, cue.start + shift, cue.end + shift, cue.content))
        offset += seconds
    output.write_text(srt.compose(cues, reindex=True), encoding="utf-8")


def still_labels(out_dir: Path, names: list[str], stills: list[Path], interface) -> list[str]:
    """Each still's label on the storyboard: its segment's number and title (in the lesson's
    language, from the step manifest) and its step; the file name where no manifest says."""
    labels = {}
    for name in names:
        segment = read_manifest(out_dir, name)
        for step_number, step in enumerate(segment.steps if segment else (), 1):
            labels[step.still] = interface("storyboard.label", number=name.split("-")[0], title=segment.title,
                                           step=step_number)
    return [labels.get(f"stills/{path.name}", path.stem.replace("-", " ", 1)) for path in stills]


def draw_label(draw, xy: tuple[int, int], text: str, fonts: tuple, letters: str | None, ink: str) -> None:
    """`text` in runs: the script's letters in its font (fonts[1]), everything else in the theme's."""
    x, baseline = xy[0], xy[1] + fonts[0].getmetrics()[0]  # one baseline: the fonts' ascents differ
    runs = re.split(f"({letters})", text) if letters else [text]
    for index, run in enumerate(runs):
        font = fonts[index % 2] if letters else fonts[0]  # re.split puts the matched runs at odd places
        if run:
            draw.text((x, baseline), run, fill=ink, font=font, anchor="ls")
            x += font.getlength(run)


def storyboard(stills: list[Path], output: Path, columns: int = 4, thumb_width: int = 480,
               labels: list[str] | None = None, lang: str = "en") -> None:
    """All stills on one labelled sheet, in playing order; labels in a font that has `lang`'s script."""
    if not stills:
        return
    theme = current_theme()
    # Pillow draws with one font file, no fallback: a script the theme's font lacks takes fontconfig's choice.
    fonts = (ImageFont.truetype(font_file(theme.font), 18),
             ImageFont.truetype(font_file(f"sans-serif:lang={lang}"), 18) if lang in SCRIPT_LETTERS else None)
    labels = labels or [path.stem.replace("-", " ", 1) for path in stills]
    first = Image.open(stills[0])
    thumb_height = round(first.height * thumb_width / first.width)
    label_height, pad = 30, 12
    rows = -(-len(stills) // columns)
    sheet = Image.new("RGB", (columns * (thumb_width + pad) + pad, rows * (thumb_height + label_height + pad) + pad),
                      theme.background)
    draw = ImageDraw.Draw(sheet)

    def thumbnail(path: Path) -> Image.Image:
        with Image.open(path) as image:
            return image.convert("RGB").resize((thumb_width, thumb_height), Image.LANCZOS)

    # Pillow decodes and resizes outside the GIL: the assembly is the last task, so both cores are free.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        thumbnails = list(pool.map(thumbnail, stills))
    for index, (path, image) in enumerate(zip(stills, thumbnails)):
        x = pad + (index % columns) * (thumb_width + pad)
        y = pad + (index // columns) * (thumb_height + label_height + pad)
        sheet.paste(image, (x, y))
        draw.rectangle([x, y, x + thumb_width - 1, y + thumb_height - 1], outline=theme.faint)
        draw_label(draw, (x, y + thumb_height + 5), labels[index], fonts, SCRIPT_LETTERS.get(lang), theme.ink)
    sheet.save(output)


def classroom(out_dir: Path, names: list[str], interface=None) -> None:
    """presentation.html and slides.pptx from the segments' step manifests; `interface`: the page's words."""
    from .files import writing
    from .presentation import write_presentation

    segments = [seg for seg in (read_manifest(out_dir, name) for name in names) if seg is not None]
    with writing(out_dir / "presentation.html") as tmp:
        write_presentation(segments, tmp, title=out_dir.name, interface=interface)
    with writing(out_dir / "slides.pptx") as tmp:
        slides_pptx(segments, out_dir, tmp)
    if segments and all(step.video for segment in segments for step in segment.steps):
        with writing(out_dir / "slides-animated.pptx") as tmp:
            slides_pptx(segments, out_dir, tmp, animated=True)
