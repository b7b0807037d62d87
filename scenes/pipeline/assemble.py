"""Joining segment outputs: the full video, merged subtitles, the storyboard and slides."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import av
import srt
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def concat_videos(parts: list[Path], output: Path) -> None:
    """Stream-copy MP4 segments (same codec and size) into one file, no re-encoding."""
    with av.open(str(output), "w", format="mp4") as out:
        out_stream = None
        offset = 0  # in the output stream's time base
        for part in parts:
            with av.open(str(part)) as source:
                in_stream = source.streams.video[0]
                if out_stream is None:
                    out_stream = out.add_stream_from_template(in_stream)
                last_end = 0
                for packet in source.demux(in_stream):
                    if packet.dts is None:
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    last_end = max(last_end, packet.pts + (packet.duration or 0))
                    packet.stream = out_stream
                    out.mux(packet)
                offset = last_end


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


def storyboard(stills: list[Path], output: Path, columns: int = 4, thumb_width: int = 480) -> None:
    """All stills on one labelled sheet, in playing order."""
    if not stills:
        return
    font = ImageFont.truetype(FONT_PATH, 18)
    first = Image.open(stills[0])
    thumb_height = round(first.height * thumb_width / first.width)
    label_height, pad = 30, 12
    rows = -(-len(stills) // columns)
    sheet = Image.new("RGB", (columns * (thumb_width + pad) + pad, rows * (thumb_height + label_height + pad) + pad),
                      "white")
    draw = ImageDraw.Draw(sheet)
    for index, path in enumerate(stills):
        x = pad + (index % columns) * (thumb_width + pad)
        y = pad + (index // columns) * (thumb_height + label_height + pad)
        image = Image.open(path).convert("RGB").resize((thumb_width, thumb_height), Image.LANCZOS)
        sheet.paste(image, (x, y))
        draw.rectangle([x, y, x + thumb_width - 1, y + thumb_height - 1], outline="#D1D5DB")
        draw.text((x, y + thumb_height + 5), path.stem.replace("-", " ", 1), fill="#1F2937", font=font)
    sheet.save(output)


def slides_pdf(stills: list[Path], output: Path) -> None:
    """One still a page, for teachers who present from a PDF."""
    pages = [Image.open(path).convert("RGB") for path in stills]
    if pages:
        pages[0].save(output, "PDF", save_all=True, append_images=pages[1:], resolution=150)
