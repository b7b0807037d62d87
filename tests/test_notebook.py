"""The example notebook (issue 22): executed by a real kernel; its explorers work offline in Chromium,
alone in one document (no CDN, no require.js, no request leaving the page), and in a real JupyterLab."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.compact import percent_tenths
from tests.browser import browser_fixture
from tests.notebook_pages import execute_notebook, explorer_prefixes, outputs_page

ANIMAL = "The animal didn't cross the street because it was too tired"


browser = browser_fixture("the notebook's")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    return execute_notebook(tmp_path_factory.mktemp("notebook"))


@pytest.fixture(scope="module")
def lessons():
    import attention_explainer as ax

    return {name: ax.explain(ANIMAL, model=name, query="it", key="animal", progress=False)
            for name in ("minilm", "smollm2")}


def shown_weight(lesson, i: int, j: int) -> str:
    weights = lesson.trace.layers[lesson.layer].attention.heads[lesson.head].weights
    return f"{percent_tenths(np.asarray(weights), 1)[i, j] / 10:.1f} %"


def hover_cell(page, prefix: str, i: int, j: int) -> str:
    """Move the mouse over cell (i, j) of one explorer; the weight its readout then shows. JupyterLab
    lays its cells out lazily, so the heatmap may still move after scrolling: wait until its place holds,
    and check the readout names the cell asked for before reading its weight."""
    readout = None
    for _ in range(5):
        page.evaluate("(p) => document.getElementById(p + 'heatmap-overlay').scrollIntoView({ block: 'center' })", prefix)
        point, previous = None, {}
        while point != previous:
            previous = point
            page.wait_for_timeout(100)
            point = page.evaluate("([p, i, j]) => AXLib.pages[p].cellCenter(i, j)", [prefix, i, j])
        page.mouse.move(point["x"], point["y"])
        readout = page.text_content(f"#{prefix}readout")
        if f"(row {i + 1})" in readout and f"(column {j + 1})" in readout:
            return page.text_content(f"#{prefix}readout-weight")
    raise AssertionError(f"the readout never named cell ({i}, {j}): {readout!r}")


def drawn_colours(page, prefix: str) -> int:
    """How many distinct colours the heatmap canvas holds (a blank canvas has one)."""
    return page.evaluate("""(p) => { const c = document.getElementById(p + 'heatmap');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
        for (let k = 0; k < d.length; k += 4 * 7) seen.add((d[k] << 16) | (d[k + 1] << 8) | d[k + 2]);
        return seen.size; }""", prefix)


def check_explorers(page, lessons, outside: list[str]) -> list[str]:
    """The checks a notebook's explorers must pass wherever they are shown; returns their prefixes."""
    page.wait_for_function("() => document.querySelectorAll('.ax-root').length === 3 && "
                           "Array.from(document.querySelectorAll('.ax-root')).every((r) => r.dataset.ready === 'true')",
                           timeout=30000)
    prefixes = explorer_prefixes(page)
    minilm, smollm2, given = prefixes
    for prefix in prefixes:
        assert drawn_colours(page, prefix) > 20, prefix  # the heatmap is drawn
    first, second = lessons["minilm"], lessons["smollm2"]
    assert page.evaluate("(p) => [AXLib.pages[p].state.qi, AXLib.pages[p].layer(), AXLib.pages[p].head()]", minilm) == \
        [first.query, first.layer, first.head]  # opened on the lesson's focus
    assert hover_cell(page, minilm, first.query, first.key) == shown_weight(first, first.query, first.key)
    assert hover_cell(page, smollm2, second.query, second.key) == shown_weight(second, second.query, second.key)
    assert hover_cell(page, given, first.query, first.key) == shown_weight(first, first.query, first.key)
    assert page.text_content(f"#{given}step-given").startswith("These weights were handed over")
    before = page.evaluate("(ps) => ps.map((p) => AXLib.pages[p].state.qi)", prefixes)
    page.evaluate("(p) => AXLib.pages[p].set({ qi: 1 })", minilm)  # one explorer's focus moves only its own
    assert page.evaluate("(ps) => ps.map((p) => AXLib.pages[p].state.qi)", prefixes) == [1, *before[1:]]
    ids = page.evaluate("Array.from(document.querySelectorAll('.ax-root [id]')).map((e) => e.id)")
    assert len(ids) == len(set(ids))
    assert outside == [], outside  # no request left the page
    return prefixes


def test_the_example_notebook_runs_and_its_explorers_work_offline(executed, lessons, browser, tmp_path):
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    html_outputs = [o["data"]["text/html"] for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    explorers = [text for text in html_outputs if "ax-root" in text]
    assert len(explorers) == 3 and not any("<script src=" in text or "require.js" in text for text in html_outputs)
    for text in explorers:  # each output says what it carries, and stays small
        assert "This output carries" in text and len(text.encode()) < 1_000_000
    assert any("<video" in text for text in html_outputs)  # the rendered segment
    bars = [o for c in notebook.cells for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(bars) >= 3  # explain and render showed tqdm's notebook bar (a widget), not text
    page_path = outputs_page(executed, tmp_path / "outputs.html")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside, errors = [], []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(("file:", "data:", "blob:")) else None)
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(page_path.as_uri())
    check_explorers(page, lessons, outside)
    page.screenshot(path=str(tmp_path / "notebook.png"), full_page=False)
    assert errors == []


@pytest.fixture
def jupyterlab(executed, tmp_path):
    """A real `jupyter lab --no-browser` on 127.0.0.1 serving the executed notebook (signed, as a notebook
    its own user ran is trusted: its outputs' scripts run), stopped with its kernels at the end."""
    from tests.notebook_pages import signed_copy, start_jupyterlab, stop_jupyterlab

    folder = tmp_path / "lab"
    folder.mkdir()
    env = signed_copy(executed, folder)
    server = start_jupyterlab(folder, env)
    try:
        yield server
    finally:
        stop_jupyterlab(server)


def test_the_notebook_in_a_real_jupyterlab(jupyterlab, lessons, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside, errors = [], []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(
        (jupyterlab.url, "data:", "blob:")) else None)
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(f"{jupyterlab.url}/lab/tree/{jupyterlab.notebook}?token={jupyterlab.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    check_explorers(page, lessons, outside)
    assert errors == []


def test_an_html_export_of_the_notebook_works_with_the_network_blocked(executed, lessons, browser, tmp_path):
    """nbconvert's HTML export (what "save as HTML" gives) opened with every request off the machine
    refused, as behind a firewall that blocks CDNs: the explorers need none of them."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_filename(str(executed))
    path = tmp_path / "export.html"
    path.write_text(body, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked, errors = [], []

    def refuse(route):
        blocked.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(("file:", "data:", "blob:")), refuse)
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(path.as_uri())
    check_explorers(page, lessons, [])
    assert not any("d3" in url or "explorer" in url for url in blocked)  # what was refused is the export's own (MathJax)
    assert [e for e in errors if "AX" in str(e) or "d3" in str(e)] == []
