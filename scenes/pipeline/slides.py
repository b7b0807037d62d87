"""slides.pptx and a lossless slides.pdf: one slide per step, the still full-bleed.

PowerPoint, Keynote, Google Slides and LibreOffice open the .pptx: the still fills the 16:9
slide, the caption is the speaker notes and the segment title is the slide's title, placed
just above the slide so it names the slide in outlines and navigators without covering the
picture. The PDF embeds the PNG stills as they are (Flate, no JPEG), so digits stay sharp."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from ..theme import current_theme
from .steps import SegmentSteps

SLIDE_INCHES = (13.333, 7.5)  # PowerPoint's 16:9
TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template


def _png_rgb(path: Path) -> bytes | str:
    """img2pdf refuses an alpha channel; stills saved as RGB go in untouched."""
    from PIL import Image

    with Image.open(path) as image:
        if image.mode == "RGB":
            return str(path)
        buffer = BytesIO()
        image.convert("RGB").save(buffer, "PNG")
        return buffer.getvalue()


def slides_pdf(stills: list[Path], output: Path) -> None:
    """One still a page, 16:9 pages, the PNG data stored losslessly."""
    import logging

    logging.getLogger("pikepdf").setLevel(logging.WARNING)  # img2pdf imports it; its INFO line is noise
    import img2pdf

    if not stills:
        return
    page = (img2pdf.in_to_pt(SLIDE_INCHES[0]), img2pdf.in_to_pt(SLIDE_INCHES[1]))
    # Rotation.none: the stills carry no EXIF, and looking for it made Pillow decode every PNG (≈ 60 ms each).
    data = img2pdf.convert([_png_rgb(path) for path in stills], layout_fun=img2pdf.get_layout_fun(page),
                           rotation=img2pdf.Rotation.none)
    output.write_bytes(data)


def _style_title(shape, text: str, width) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Emu

    theme = current_theme()
    shape.text = text
    height = shape.height  # inherited from the layout: read it before the shape gets its own frame
    # Just above the slide: it names the slide in outlines and navigators, never covers the still.
    shape.left, shape.top, shape.width, shape.height = 0, Emu(-height), width, height
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.name = theme.font
            run.font.color.rgb = RGBColor.from_string(theme.ink.lstrip("#"))


def _first_frame_png(video: Path) -> BytesIO:
    """A step video's opening frame: the poster shown until the video is clicked."""
    import av

    with av.open(str(video)) as container:
        frame = next(container.decode(video=0))
        buffer = BytesIO()
        frame.to_image().save(buffer, "PNG", compress_level=1)  # a poster: ≈ 2× faster to write, same pixels
    buffer.seek(0)
    return buffer


def slides_pptx(segments: list[SegmentSteps], out_dir: Path, output: Path, animated: bool = False) -> None:
    """One slide per step: the still full-bleed (or, `animated`, the step's video that plays
    on click and stops on its last frame), segment title above the slide, caption in the notes."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_INCHES[0]), Inches(SLIDE_INCHES[1])
    background = RGBColor.from_string(current_theme().background.lstrip("#"))
    full_bleed = (0, 0, deck.slide_width, deck.slide_height)
    for segment in segments:
        for step in segment.steps:
            slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
            fill = slide.background.fill
            fill.solid()
            fill.fore_color.rgb = background
            _style_title(slide.shapes.title, segment.title, deck.slide_width)
            if animated and step.video:
                slide.shapes.add_movie(str(out_dir / step.video), *full_bleed, mime_type="video/mp4",
                                       poster_frame_image=_first_frame_png(out_dir / step.video))
            else:
                slide.shapes.add_picture(str(out_dir / step.still), *full_bleed)
            slide.notes_slide.notes_text_frame.text = step.caption
    deck.save(str(output))
