"""Screenshots of the explorer for looking at: desktop 1280×800 and phone 390×844.

    .venv/bin/python scripts/explorer_screenshots.py OUT_DIR [PAGE.html ...]

Without pages it builds the three that issue 13 asks to look at (the default example,
MiniLM's animal/street sentence, a 200-token toy sentence) into OUT_DIR/pages/.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, open_page  # noqa: E402
from tests.explorer_pages import build_named_pages  # noqa: E402

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    pages = [Path(p) for p in argv[1:]] or list(build_named_pages(out / "pages").values())
    with chromium() as browser:
        for path in pages:
            for size_name, (width, height) in SIZES.items():
                page = open_page(browser, path, width, height)
                target = out / f"{path.parent.name}-{size_name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target, "errors:", page.errors)
                page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
