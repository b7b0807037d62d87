"""One short segment rendered at low quality through the CLI, for the classroom tests."""
import subprocess
import sys
from pathlib import Path

from scenes.playlist import numbered_name
from scenes.segments import EmbeddingSegment

ROOT = Path(__file__).resolve().parent.parent
SEGMENT = numbered_name(EmbeddingSegment)  # e.g. 03-embedding


def render_embedding(media: Path, *flags: str) -> Path:
    """media/money-bank-grows after `render --scenes embedding --quality low [flags]`; the
    render must succeed and print no warning."""
    result = subprocess.run(
        [sys.executable, "-m", "scenes", "render", *flags, "--scenes", "embedding", "--quality", "low",
         "--sentence", "money bank grows", "--media-dir", str(media)],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr  # e.g. PyAV's note on Manim's audio mux
    return media / "money-bank-grows"
