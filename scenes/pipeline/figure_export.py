"""The figure's PNGs: self_attention.png (800×500, white), its transparent twin and a 2× print
version, each drawn at its own size from the vector shapes (never resampled).

    paths = render_figure(example, Path("media/the-cat-sat-down"))
    paths = render_figure(example, out_dir, subject)      # a real model's layer and head (figure/subject.py)
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from manim import Mobject, Scene, tempconfig

from attention_math import Example, trace_example

from ..figure import FIGURE_NAME, build_figure, check_fits
from ..figure.subject import FigureSubject
from ..theme import current_theme
from .files import writing


def render_figure(example: Example, out_dir: str | Path, subject: FigureSubject | None = None) -> list[Path]:
    """Build the figure (the example's toy trace, or `subject`) and write its three PNGs into out_dir."""
    if subject is None:
        check_fits(len(example.tokens), f"“{example.sentence}”")
        subject = FigureSubject(trace_example(example))
    with tempfile.TemporaryDirectory(prefix="figure-") as media:
        with tempconfig(figure_config(media_dir=media)):
            figure = build_figure(subject)
        return write_pngs(figure, out_dir, media)


def write_pngs(figure: Mobject, out_dir: str | Path, media_dir: str | None = None) -> list[Path]:
    """The three PNGs of a built figure."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, zoom, transparent in ((f"{FIGURE_NAME}.png", 1, False), (f"{FIGURE_NAME}-transparent.png", 1, True),
                                    (f"{FIGURE_NAME}@2x.png", 2, False)):
        with tempconfig(figure_config(zoom, transparent, media_dir)):
            scene = Scene()
            scene.add(figure)
            scene.renderer.update_frame(scene)
            image = scene.camera.get_image()
        # Opaque variants as plain RGB: a white background, not a transparent one that happens to be white.
        with writing(out_dir / name) as tmp:  # never a half-written PNG at the final path
            (image if transparent else image.convert("RGB")).save(tmp, format="PNG")
        written.append(out_dir / name)
    return written


def figure_config(zoom: int = 1, transparent: bool = False, media_dir: str | None = None) -> dict:
    """Manim settings for the figure: the theme's pixels (× zoom) over its frame."""
    style = current_theme().figure
    return {"pixel_width": style.pixels[0] * zoom, "pixel_height": style.pixels[1] * zoom,
            "frame_width": style.frame[0], "frame_height": style.frame[1], "background_color": style.background,
            "transparent": transparent, "write_to_movie": False, "disable_caching": True,
            "media_dir": media_dir or tempfile.gettempdir(), "verbosity": "ERROR", "progress_bar": "none"}
