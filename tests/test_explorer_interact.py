"""The explorer's interactive views in Chromium (issue 24): the flow network (force layout in sentence
order, node sizes, focus, particles and reduced motion), brushing, transitions, the keyboard."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.compact import percent_tenths
from explorer.page import build_page, write_page
from tests.browser import browser_fixture, open_page
from tests.explorer_pages import ANIMAL



browser = browser_fixture("the explorer's")


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    """MiniLM on the animal sentence (12 WordPiece tokens, 6 layers × 12 heads): trace dict and page."""
    from explorer.sources import model_source

    source = model_source("minilm", ANIMAL, None)
    return source.trace, write_page(tmp_path_factory.mktemp("interact") / "minilm.html", build_page(source.trace))


def head_tenths(trace, layer, head):
    return percent_tenths(np.asarray(trace["layers"][layer]["attention"]["heads"][head]["weights"]), 1)


def nodes(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll('#flow g.ax-node')).map((g) => {
        const m = g.getAttribute('transform').match(/translate\\(([-\\d.e]+),\\s*([-\\d.e]+)\\)/);
        return { x: +m[1], y: +m[2], r: +g.querySelector('circle').getAttribute('r'),
                 received: +g.dataset.received, given: +g.dataset.given }; })""")


def settle_transitions(page):
    page.wait_for_function("AX.flow.settled && !AX.flow.frame && !AX.heatmap.animating", timeout=5000)


def test_flow_network_keeps_sentence_order_and_sizes_nodes_by_attention(browser, minilm):
    trace, path = minilm
    page = open_page(browser, path)
    page.select_option("#layer", index=2)
    page.click("#head-picker button[data-head='4']")
    settle_transitions(page)
    flow = page.evaluate("() => ({ settled: AX.flow.settled, alpha: AX.flow.alpha, step: AX.flow.geometry.step, pad: AX.flow.geometry.pad })")
    assert flow["settled"] and flow["alpha"] <= 0.001
    shown = nodes(page)
    tenths = head_tenths(trace, 2, 4)
    n = len(tenths)
    for i, node in enumerate(shown):  # each node inside its own band of the line: sentence order kept
        left = flow["pad"] + i * flow["step"]
        assert left <= node["x"] <= left + flow["step"], (i, node)
    assert [node["received"] for node in shown] == tenths.sum(axis=0).tolist()  # column sums, tenths of a percent
    assert [node["given"] for node in shown] == (1000 - np.diag(tenths)).tolist()
    received = np.array([node["received"] for node in shown], dtype=float)
    radius = np.array([node["r"] for node in shown])
    low, high = radius.min(), radius.max()  # d3.scaleSqrt from 0: radius − 2.5 ∝ √received
    assert np.allclose((radius - 2.5) / (radius[received.argmax()] - 2.5), np.sqrt(received / received.max()), atol=1e-3)
    assert high > low
    page.select_option("#size-by", "given")
    settle_transitions(page)
    given = np.array([node["given"] for node in nodes(page)], dtype=float)
    radius = np.array([node["r"] for node in nodes(page)])
    assert np.allclose((radius - 2.5) / (radius[given.argmax()] - 2.5), np.sqrt(given / given.max()), atol=1e-3)
    page.locator("#flow g.ax-node").nth(2).click()  # focus a node: its row and column light up
    assert page.evaluate("[AX.state.qi, AX.state.kj]") == [2, 2]
    assert page.text_content("#readout-query") == page.text_content("#readout-key") == f"“{trace['tokens'][2]}”"
    cut = page.evaluate("AX.state.threshold") * 10
    assert int(page.get_attribute("#flow", "data-edges")) == int(((tenths >= cut) & ~np.eye(n, dtype=bool)).sum())
    assert page.errors == []


def test_particles_follow_the_toggle_and_reduced_motion(browser, minilm):
    _, path = minilm
    page = open_page(browser, path)
    page.wait_for_timeout(200)
    assert page.is_checked("#particles-on") and page.evaluate("AX.flow.frames") > 0
    page.close()
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_timeout(200)
    assert not page.is_checked("#particles-on") and page.evaluate("AX.flow.frames") == 0
    page.check("#particles-on")
    page.wait_for_timeout(200)
    assert page.evaluate("AX.flow.frames") > 0 and page.evaluate("AX.flow.particles.length") > 0
    context.close()


def drag(page, start, end):
    a = page.evaluate("([i, j]) => AX.cellCenter(i, j)", list(start))
    b = page.evaluate("([i, j]) => AX.cellCenter(i, j)", list(end))
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move(b["x"], b["y"], steps=6)
    page.mouse.up()


def test_brush_selects_cells_and_the_summary_adds_the_shown_weights(browser, minilm):
    trace, path = minilm
    page = open_page(browser, path)
    page.select_option("#layer", index=1)
    page.click("#head-picker button[data-head='7']")
    tenths = head_tenths(trace, 1, 7)
    drag(page, (5, 4), (2, 1))  # dragged up and left: the same rectangle
    assert page.evaluate("AX.state.selection") == {"i0": 2, "i1": 5, "j0": 1, "j1": 4}
    for i in range(2, 6):  # each row's share: the sum of the shown weights of its selected cells
        assert page.text_content(f"#share-{i}") == f"{tenths[i, 1:5].sum() / 10:.1f} %"
    block = tenths[2:6, 1:5]
    best = np.unravel_index(block.argmax(), block.shape)  # the step-through moves to the strongest cell
    assert page.evaluate("[AX.state.qi, AX.state.kj]") == [2 + int(best[0]), 1 + int(best[1])]
    assert page.text_content("#step-score")  # and shows its worked numbers
    pairs = page.locator("#selection-body .ax-pairs li b").all_text_contents()
    assert pairs == [f"{v / 10:.1f} %" for v in sorted(block.ravel(), reverse=True)[:5]]
    cut = page.evaluate("AX.state.threshold") * 10
    inside = [(i, j) for i in range(2, 6) for j in range(1, 5) if i != j and tenths[i, j] >= cut]
    assert int(page.get_attribute("#flow", "data-edges")) == len(inside)  # the network follows the selection
    page.keyboard.press("Escape")
    assert page.evaluate("AX.state.selection") is None
    assert int(page.get_attribute("#flow", "data-edges")) == int(((tenths >= cut) & ~np.eye(len(tenths), dtype=bool)).sum())
    page.keyboard.press("Shift+ArrowDown")  # the keyboard grows a selection from the focused cell
    page.keyboard.press("Shift+ArrowRight")
    qi, kj = page.evaluate("[AX.state.qi, AX.state.kj]")
    assert page.evaluate("AX.state.selection")["i1"] == min(qi + 1, len(tenths) - 1)
    assert page.errors == []


def test_switching_heads_animates_to_the_new_values_at_50_frames_a_second(browser, tmp_path):
    from tests.explorer_synthetic import synthetic_model_trace, synthetic_page
    from explorer.theme_colors import theme_colors

    trace = synthetic_model_trace()
    page = open_page(browser, write_page(tmp_path / "synthetic.html", synthetic_page()))
    page.evaluate("AX.set({ stretch: false })")
    page.wait_for_function("AX.thumbnailsPending === 0", timeout=10000)
    settle_transitions(page)
    rates = []
    for attempt in range(3):  # a busy machine steals frames from a browser now and then: the best of three rounds
        frames, spent = 0, 0.0
        for head in (2, 7, 5):  # three switches: frames per second over all of them
            page.click(f"#head-picker button[data-head='{head}']")
            page.wait_for_function("!AX.heatmap.animating", timeout=3000)
            times = page.evaluate("AX.heatmap.frameTimes")
            span = times[-1] - times[0]
            assert 250 <= span <= 450
            frames, spent = frames + len(times) - 1, spent + span
            # the network's arcs fade and its nodes move in the same frames as the heatmap's cells
            # (both loops get the frame's own requestAnimationFrame time, so shared frames share a stamp)
            flow = set(page.evaluate("AX.flow.edgeTimes"))
            assert len(flow & set(times)) >= 0.8 * len(times), (len(flow & set(times)), len(times))
            settle_transitions(page)
        rates.append(frames / spent * 1000)
        if rates[-1] >= 50:
            break
    print("heatmap transitions, frames/s per round of three switches:", [round(r) for r in rates])
    assert max(rates) >= 50
    tenths = percent_tenths(np.asarray(trace["layers"][0]["attention"]["heads"][5]["weights"]), 1)
    assert page.evaluate("Array.from(AX.heatmap.block)") == tenths.ravel().tolist()
    theme = theme_colors()
    low, high = (np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)]) for c in (theme["weight_low"], theme["weight_high"]))
    for i, j in [(40, 0), (63, 63), (20, 10)]:  # the pixels end on the new weights' colours
        pixel = page.evaluate("""([i, j]) => { const c = AX.heatmap.cellBox(i, j);
            return Array.from(document.getElementById('heatmap').getContext('2d').getImageData(c.x + c.size / 2, c.y + c.size / 2, 1, 1).data); }""", [i, j])
        expected = low + (high - low) * (tenths[i, j] / 1000) ** theme["weight_gamma"]
        assert np.abs(np.array(pixel[:3]) - expected).max() <= 1.5, (i, j, pixel)
    assert page.errors == []


def test_every_control_is_reachable_by_tab_and_arrows_move_the_focused_cell(browser, minilm):
    trace, path = minilm
    page = open_page(browser, path)
    page.wait_for_function("AX.thumbnailsPending === 0")
    controls = page.evaluate("""() => { let k = 0;
        for (const e of document.querySelectorAll('button, select, input, summary, [tabindex]'))
          if (e.getClientRects().length && e.tabIndex >= 0) e.dataset.tabCheck = k++;
        return k; }""")
    reached = set()
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        mark = page.evaluate("document.activeElement && document.activeElement.dataset.tabCheck")
        if mark is not None:
            reached.add(int(mark))
    assert reached == set(range(controls)), sorted(set(range(controls)) - reached)
    page.focus("#heatmap-overlay")
    page.evaluate("AX.set({ qi: 3, kj: 3 })")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("[AX.state.qi, AX.state.kj]") == [4, 5]
    assert page.text_content("#readout-query") == f"“{trace['tokens'][4]}”"
    page.locator("#flow g.ax-node").nth(6).focus()  # a flow node: Enter focuses its row and column
    page.keyboard.press("Enter")
    assert page.evaluate("[AX.state.qi, AX.state.kj]") == [6, 6]
    assert page.errors == []


def test_colour_blind_safe_scale(browser, minilm):
    from explorer.theme_colors import theme_colors

    trace, path = minilm
    page = open_page(browser, path)
    page.evaluate("AX.set({ stretch: false })")
    page.select_option("#scale", "safe")
    page.wait_for_function("!AX.heatmap.animating")
    stops = np.array([[int(c[k:k + 2], 16) for k in (1, 3, 5)] for c in theme_colors()["weight_scale_safe"]], dtype=float)
    tenths = head_tenths(trace, 0, 0)
    for i, j in [(0, 0), (5, 3), (11, 11)]:
        pixel = page.evaluate("""([i, j]) => { const c = AX.heatmap.cellBox(i, j);
            return Array.from(document.getElementById('heatmap').getContext('2d').getImageData(c.x + c.size / 2, c.y + c.size / 2, 1, 1).data); }""", [i, j])
        t = tenths[i, j] / 1000 * (len(stops) - 1)  # piecewise between cividis' stops, light to dark
        k = min(int(t), len(stops) - 2)
        expected = stops[k] + (stops[k + 1] - stops[k]) * (t - k)
        assert np.abs(np.array(pixel[:3]) - expected).max() <= 1.5, (i, j, pixel, expected)
    assert page.errors == []
