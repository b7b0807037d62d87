"""Screenshots of the explorer for looking at: every view, desktop 1280×800 and phone 390×844.

    .venv/bin/python scripts/explorer_screenshots.py OUT_DIR [PAGE.html ...]

Without pages it builds SmolLM2 and MiniLM pages for a 6-, a 14- and a ~64-token sentence and the
two-model page (into OUT_DIR/pages/), and shoots each in every view: self-attention, layer average,
rollout, a brushed selection, three heads side by side, the heads by cluster. Given pages are shot
as they open.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, open_page  # noqa: E402

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SENTENCES = {
    6: "The cat sat on the mat",
    14: "The animal didn't cross the street because it was too tired",
    64: ("The animal didn't cross the street because it was too tired, so it lay down by the old bank of the river "
         "while the rain fell over the quiet town and a bird sang near the mill until the sun came out again and the "
         "children ran along the wet path towards the school, laughing loudly"),
}
# name -> JavaScript run on the single-model page before the shot
VIEWS = {
    "self": "",
    "average": "AX.set({ view: AX.meta.views.findIndex((v) => v.id === 'average') })",
    "rollout": "AX.set({ view: AX.meta.views.findIndex((v) => v.id === 'rollout') })",
    "brush": "AX.select({ i0: Math.floor(AX.n() / 2), i1: AX.n() - 1, j0: 0, j1: Math.floor(AX.m() / 2) })",
    "compare": "AX.comparePick(0, 0); AX.comparePick(AX.meta.views[0].layers - 1, 1); AX.comparePick(2, 3)",
    "clusters": "AX.set({ order: 'clusters' })",
}


def build_pages(folder: Path) -> dict[str, Path]:
    from explorer.page import build_page, write_page
    from explorer.pair import build_pair_page
    from explorer.sources import model_source

    pages = {}
    for n, sentence in SENTENCES.items():
        traces = {model: model_source(model, sentence, None).trace for model in ("smollm2", "minilm")}
        for model, trace in traces.items():
            pages[f"{model}-{n}"] = write_page(folder / f"{model}-{n}.html", build_page(trace))
        if n != 6:
            pages[f"pair-{n}"] = write_page(folder / f"pair-{n}.html", build_pair_page(traces["smollm2"], traces["minilm"], sentence))
    return pages


def shoot(browser, path: Path, out: Path, views: dict[str, str]) -> None:
    for size_name, (width, height) in SIZES.items():
        for view, script in views.items():
            page = open_page(browser, path, width, height)
            if script:
                page.evaluate(script)
            page.wait_for_timeout(900)  # transitions and the force layout settle
            target = out / f"{path.stem}-{view}-{size_name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target, "errors:", page.errors)
            page.close()


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    given = [Path(p) for p in argv[1:]]
    pages = {p.stem: p for p in given} or build_pages(out / "pages")
    with chromium() as browser:
        for name, path in pages.items():
            shoot(browser, path, out, VIEWS if not given and not name.startswith("pair") else {"open": ""})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
