"""The explorer page in a real browser (Debian's Chromium via Playwright): what it shows is the trace.

Skipped when no browser is installed, except with CI=true, where that fails: CI must run them.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from attention_math import format_number, load_example, percentages, trace_example
from attention_math.story import cross_example
from tests.browser import browser_fixture, open_page
from tests.explorer_pages import ANIMAL, build_named_pages



browser = browser_fixture("the explorer's")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from explorer.page import write_page
    from tests.explorer_synthetic import synthetic_page

    folder = tmp_path_factory.mktemp("explorer")
    built = build_named_pages(folder)
    built["synthetic"] = write_page(folder / "synthetic" / "explorer.html", synthetic_page())
    return built


def percent_text(weights_row, j: int) -> str:
    return f"{percentages(weights_row, 1)[j]:.1f} %"


def score_text(head, i: int, j: int, precision: int) -> str:
    score = head.masked_scores[i, j]
    return "−∞" if not math.isfinite(score) else format_number(score, precision)


def cell_point(page, i: int, j: int) -> dict:
    """The cell's centre in the viewport, scrolling the page first when the cell is off screen."""
    return page.evaluate("""([i, j]) => { let p = AX.cellCenter(i, j);
        if (p.y < 10 || p.y > innerHeight - 10) { window.scrollBy(0, p.y - innerHeight / 2); p = AX.cellCenter(i, j); }
        return p; }""", [i, j])


def hover(page, i: int, j: int) -> dict:
    point = cell_point(page, i, j)
    page.mouse.move(point["x"], point["y"])
    return {name: page.text_content(f"#readout-{name}") for name in ("query", "key", "weight")}


def check_cells(page, head, tokens, precision, cells) -> None:
    for i, j in cells:
        shown = hover(page, i, j)
        assert shown["query"] == f"“{tokens[i]}”" and shown["key"] == f"“{tokens[j]}”"
        assert shown["weight"] == percent_text(head.weights[i], j), (i, j)
        assert page.text_content("#readout-score") == score_text(head, i, j, precision), (i, j)


def default_trace():
    from scenes.context import DEFAULT_EXAMPLE
    return trace_example(load_example(DEFAULT_EXAMPLE))


def test_default_example_hover_readout_and_grid_colours(browser, pages):
    from explorer.theme_colors import theme_colors
    trace, theme = default_trace(), theme_colors()
    page = open_page(browser, pages["default"])
    n = trace.n_tokens
    check_cells(page, trace.heads[0], trace.tokens, trace.precision, [(0, 0), (2, 1), (n - 1, n - 1), (3, 5)])
    page.click("#head-picker button[data-head='1']")
    assert "head 2" in page.text_content("#heatmap-title")
    page.wait_for_function("!AX.heatmap.animating")  # the cells move to the new head's weights in 300 ms
    check_cells(page, trace.heads[1], trace.tokens, trace.precision, [(1, 2), (4, 0)])
    low, high = (np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)]) for c in (theme["weight_low"], theme["weight_high"]))
    for i, j in [(0, 1), (4, 4)]:  # the cell's pixel is the theme's colour of the shown weight
        pixel = page.evaluate("""([i, j]) => { const c = AX.heatmap.cellBox(i, j);
            return Array.from(document.getElementById('heatmap').getContext('2d').getImageData(c.x + 5, c.y + 5, 1, 1).data); }""", [i, j])
        t = (percentages(trace.heads[1].weights[i], 1)[j] / 100) ** theme["weight_gamma"]
        assert np.abs(np.array(pixel[:3]) - (low + (high - low) * t)).max() <= 1.5, (i, j, pixel)
    assert page.errors == []


def test_step_through_shows_the_traces_numbers(browser, pages):
    trace = default_trace()
    head, p, (i, j) = trace.heads[0], trace.precision, (2, 1)
    page = open_page(browser, pages["default"])
    point = cell_point(page, i, j)
    page.mouse.click(point["x"], point["y"])
    assert page.text_content("#step-score") == format_number(head.scores[i, j], p)
    page.click("#step-next")
    assert page.text_content("#step-scaled") == format_number(head.scaled_scores[i, j], p)
    exps = np.exp(head.masked_scores[i])  # this head's scores are small: e^s, not e^(s − m)
    page.click("#step-next")
    assert page.text_content("#step-exp") == format_number(exps[j], p + 1)  # e^s: one decimal more
    page.click("#step-next")
    assert page.text_content("#step-sum") == format_number(exps.sum(), p + 1)
    assert page.text_content("#step-pct") == percent_text(head.weights[i], j)
    page.click("#step-next")
    assert page.text_content("#step-output") == "[" + ", ".join(format_number(v, p) for v in head.output[i]) + "]"
    page.click("#step-prev")
    point = cell_point(page, 4, 3)  # the step follows the focus
    page.mouse.click(point["x"], point["y"])
    assert page.text_content("#step-pct") == percent_text(head.weights[4], 3)
    page.mouse.move(0, 0)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    assert page.text_content("#readout-query") == f"“{trace.tokens[5]}”"
    assert page.text_content("#step-pct") == percent_text(head.weights[5], 2)
    assert page.errors == []


def test_minilm_layers_heads_rollout(browser, pages):
    from attention_math.models.minilm import model_trace
    from attention_math.rollout import attention_rollout
    model = model_trace(ANIMAL)
    page = open_page(browser, pages["minilm"])
    page.select_option("#layer", index=2)
    page.click("#head-picker button[data-head='4']")
    assert page.text_content("#heatmap-title").startswith("layer 3 · head 5")
    assert page.locator("#heads .thumb.current").get_attribute("data-layer") == "2"
    attention = model.layers[2].attention
    check_cells(page, attention.heads[4], model.tokens, attention.precision, [(0, 0), (5, 3), (11, 1)])
    page.click("#step-tabs button[data-step='4']")
    assert page.text_content("#step-output").endswith(", … 28 more]")  # 32 dims, 4 spelled out
    page.click("#view-picker button:text-is('rollout')")
    page.select_option("#layer", index=5)
    rolled = attention_rollout(model.attention_weights)[5]
    for i, j in [(11, 2), (4, 0)]:
        assert hover(page, i, j)["weight"] == percent_text(rolled[i], j)
    assert page.errors == []


def test_cross_attention_view(browser, pages):
    cross = cross_example()
    page = open_page(browser, pages["cross"])
    page.click("#view-picker button:text-is('cross-attention')")
    assert "Cross-attention" in page.text_content("#view-note")
    for i, j in [(1, 3), (2, 0)]:
        shown = hover(page, i, j)
        assert (shown["query"], shown["key"]) == (f"“{cross.query_tokens[i]}”", f"“{cross.key_tokens[j]}”")
        assert shown["weight"] == percent_text(cross.heads[0].weights[i], j)
    assert page.errors == []


def test_long_sentence_zoom_and_flow_threshold(browser, pages):
    from tests.explorer_pages import long_sentence
    from attention_math import Example
    trace = trace_example(Example(long_sentence(200), layout="explorer"))
    page = open_page(browser, pages["long"])
    box = page.locator("#heatmap-overlay").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
    page.mouse.wheel(0, -800)
    page.wait_for_function("AX.heatmap.transform.k > 2")
    i, j = page.evaluate("""() => { const b = AX.heatmap.box, t = AX.heatmap.transform, s = b.cell * t.k;
        return [Math.floor((b.height * 0.6 - b.top - t.y) / s), Math.floor((b.width * 0.6 - b.left - t.x) / s)]; }""")
    check_cells(page, trace.heads[0], trace.tokens, trace.precision, [(i, j), (i + 1, j - 1)])
    page.evaluate("() => { const s = document.getElementById('threshold'); s.value = 2; s.dispatchEvent(new Event('input')); }")
    tenths = np.array([percentages(row, 1) for row in trace.heads[0].weights])
    off_diagonal = ~np.eye(len(tenths), dtype=bool)  # the network draws no arc from a token to itself
    assert int(page.get_attribute("#flow", "data-edges")) == min(2500, int(((tenths >= 2.0) & off_diagonal).sum()))
    assert page.errors == []


def test_model_shaped_page_is_fast(browser, pages):
    # The best of three loads: one load on a machine busy with other processes measures the machine.
    page = None
    for _ in range(3):
        loaded = open_page(browser, pages["synthetic"])
        if page is None or loaded.evaluate("AX.readyAt") < page.evaluate("AX.readyAt"):
            page, loaded = loaded, page
        if loaded is not None:
            loaded.close()
    ready = page.evaluate("AX.readyAt")
    worst_hover = page.evaluate("""() => { const o = document.getElementById('heatmap-overlay'); let worst = 0;
        for (let k = 0; k < 60; k++) { const p = AX.cellCenter((k * 7) % 64, (k * 13) % 64), t = performance.now();
          o.dispatchEvent(new MouseEvent('mousemove', { clientX: p.x, clientY: p.y, bubbles: true }));
          worst = Math.max(worst, performance.now() - t); }
        return worst; }""")
    print(f"synthetic 30×9×64: interactive at {ready:.0f} ms, slowest hover {worst_hover:.2f} ms")
    assert ready < 1000
    assert worst_hover < 16
    assert page.locator("#heads .thumb").count() == 270
    assert page.errors == []
