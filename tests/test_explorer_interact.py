"""The explorer's interactive views in Chromium (issue 24): the flow network (force layout in sentence
order, node sizes, focus, particles and reduced motion), brushing, transitions, the keyboard."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.compact import percent_tenths
from explorer.page import build_page, write_page
from tests.browser import browser_missing, chromium, open_page, running_in_ci
from tests.explorer_pages import ANIMAL

MISSING = browser_missing()


@pytest.fixture(scope="module")
def browser():
    if MISSING:
        if running_in_ci():
            pytest.fail(f"CI=true but the explorer's browser tests cannot run: {MISSING}")
        pytest.skip(MISSING)
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    """MiniLM on the animal sentence (12 WordPiece tokens, 6 layers × 12 heads): trace dict and page."""
    from explorer.sources import minilm_source

    source = minilm_source(ANIMAL, None)
    return source.trace, write_page(tmp_path_factory.mktemp("interact") / "minilm.html", build_page(source.trace))


def head_tenths(trace, layer, head):
    return percent_tenths(np.asarray(trace["layers"][layer]["attention"]["heads"][head]["weights"]), 1)


def nodes(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll('#flow g.ax-node')).map((g) => {
        const m = g.getAttribute('transform').match(/translate\\(([-\\d.e]+),\\s*([-\\d.e]+)\\)/);
        return { x: +m[1], y: +m[2], r: +g.querySelector('circle').getAttribute('r'),
                 received: +g.dataset.received, given: +g.dataset.given }; })""")


def settle_transitions(page):
    page.wait_for_timeout(450)  # transitions last 300 ms


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
    assert page.locator("#flow g.edges path").count() == int(((tenths >= cut) & ~np.eye(n, dtype=bool)).sum())
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
