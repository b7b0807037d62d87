"""Glyph outlines and TeX drawings kept between renders (issue 21).

A stills pass spent about half its time turning text into outlines: Pango → SVG → parsed
paths for every label, and LaTeX → dvisvgm → SVG for every formula. Both are pure functions
of the string, the fonts and the tool versions, so a render process keeps them on disk in
$XDG_CACHE_HOME/attention-explainer/glyphs/<toolchain>/ (or ~/.cache/...): outlines as .npy
(exact float64, as parsed), TeX as the SVG dvisvgm wrote. The folder's name is a digest of
Manim, ManimPango, Pango, Cairo, the project's fonts.conf, the font folders (their
modification times, as fontconfig checks its own cache) and the LaTeX/dvisvgm programs, so a
new font or tool starts a new folder. Files appear whole (written aside, then renamed), so
two processes may share the folder. The plain `manim` CLI and tests that draw without the
pipeline keep everything in memory only.

Manim parses an SVG through a temporary file beside it, so the SVG each process reads lives
in a folder of its own (`process_folder`); one folder per process (not per segment) also lets
Manim's in-memory SVG cache serve every segment the process renders."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "attention-explainer" / "glyphs"


@lru_cache(maxsize=1)
def toolchain() -> str:
    """A digest of everything that decides a glyph's outline or a formula's drawing."""
    import cairo
    import manim
    import manimpango

    from ..components.fonts import FONTS_CONF

    digest = hashlib.sha256()
    for part in (manim.__version__, manimpango.__version__, manimpango.pango_version(), cairo.cairo_version_string(),
                 os.environ.get("FONTCONFIG_FILE", "")):
        digest.update(f"{part}|".encode())
    digest.update(FONTS_CONF.read_bytes())
    for top in FONT_FOLDERS:
        for folder, _, _ in sorted(os.walk(Path(top).expanduser())):
            digest.update(f"{folder}:{os.stat(folder).st_mtime_ns}|".encode())
    for program in ("latex", "dvisvgm"):
        found = shutil.which(program)
        stat = os.stat(os.path.realpath(found)) if found else None
        digest.update(f"{program}:{stat and (stat.st_size, stat.st_mtime_ns)}|".encode())
    return digest.hexdigest()[:20]


@lru_cache(maxsize=1)
def store() -> Path | None:
    """This toolchain's folder, or None where none can be written (everything stays in memory)."""
    folder = _cache_root() / toolchain()
    try:
        (folder / "tex").mkdir(parents=True, exist_ok=True)
        (folder / "outlines").mkdir(exist_ok=True)
    except OSError:
        return None
    return folder


def _put(path: Path, write) -> None:
    """Write a file whole or not at all (another process may be reading the folder)."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(partial, path)
    except OSError:
        Path(partial).unlink(missing_ok=True)


def outline_file(key: tuple) -> Path | None:
    """Where a FlatText outline (text, font, size, weight) drawn at this frame size is kept."""
    from manim import config

    folder = store()
    if folder is None:
        return None
    name = hashlib.sha256(repr((key, config.pixel_width, config.pixel_height)).encode()).hexdigest()
    return folder / "outlines" / f"{name}.npy"


def load_outline(key: tuple) -> np.ndarray | None:
    path = outline_file(key)
    if path is None or not path.exists():
        return None
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):  # unreadable: draw it again
        return None


def save_outline(key: tuple, outline: np.ndarray) -> None:
    path = outline_file(key)
    if path is not None and not path.exists():
        _put(path, lambda handle: np.save(handle, outline, allow_pickle=False))


_FOLDERS: dict[int, Path] = {}  # process id → its folder (a forked worker must not share its parent's)


def process_folder() -> Path:
    """This process's own folder for the SVGs Manim reads: inside a Dask worker's local
    directory (removed with the worker), else a temporary folder removed at exit."""
    import multiprocessing.util

    pid = os.getpid()
    if pid not in _FOLDERS:
        try:
            from distributed import get_worker

            parent = get_worker().local_directory
        except (ImportError, ValueError):  # not inside a worker
            parent = None
        _FOLDERS[pid] = Path(tempfile.mkdtemp(prefix="attention-explainer-svg-", dir=parent))
        multiprocessing.util.Finalize(None, shutil.rmtree, args=(_FOLDERS[pid], True), exitpriority=0)
    return _FOLDERS[pid]


def _stored_tex(original):
    def tex_to_svg_file(expression, environment=None, tex_template=None):
        from manim import config
        from manim.utils.tex_file_writing import generate_tex_file

        svg = generate_tex_file(expression, environment, tex_template or config["tex_template"]).with_suffix(".svg")
        kept = store() / "tex" / svg.name if store() else None
        if kept is not None and not svg.exists() and kept.exists():
            try:
                shutil.copyfile(kept, svg)
            except OSError:  # unreadable: LaTeX draws it again
                svg.unlink(missing_ok=True)
        made = original(expression, environment, tex_template)
        if kept is not None and not kept.exists():
            _put(kept, lambda handle: handle.write(Path(made).read_bytes()))
        return made

    tex_to_svg_file.stored = True
    return tex_to_svg_file


def keep_glyphs() -> dict:
    """Turn the disk store on in this render process; Manim's settings for its SVG folders."""
    from manim.mobject.text import tex_mobject

    from ..components import text

    text.OUTLINES.disk = True
    if not getattr(tex_mobject.tex_to_svg_file, "stored", False):
        tex_mobject.tex_to_svg_file = _stored_tex(tex_mobject.tex_to_svg_file)
    return {"text_dir": str(process_folder() / "texts"), "tex_dir": str(process_folder() / "Tex")}
