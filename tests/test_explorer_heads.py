"""Heads in the explorer (issue 24): side by side on one colour scale with their difference, the
layer average, head clusters (Python's and the page's agree), the depth view of one query."""
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
    from explorer.sources import model_source

    source = model_source("minilm", ANIMAL, None)
    weights = np.array([[h["weights"] for h in layer["attention"]["heads"]] for layer in source.trace["layers"]])
    return source.trace, weights, write_page(tmp_path_factory.mktemp("heads") / "minilm.html", build_page(source.trace))


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[k:k + 2], 16) for k in (1, 3, 5)])


def test_heads_side_by_side_share_one_scale_and_show_their_difference(browser, minilm):
    from explorer.theme_colors import theme_colors

    trace, weights, path = minilm
    page = open_page(browser, path)
    page.wait_for_function("AX.thumbnailsPending === 0")
    page.select_option("#layer", index=2)
    page.click("#head-picker button[data-head='4']")
    page.click("#compare-add")  # layer 3 head 5
    page.click("#heads .thumb[data-layer='4'][data-head='1']", modifiers=["Shift"])  # layer 5 head 2
    page.click("#heads .thumb[data-layer='0'][data-head='0']", modifiers=["Shift"])  # layer 1 head 1
    picked = [(2, 4), (4, 1), (0, 0)]
    assert page.evaluate("AX.state.compare.map((e) => [e.layer, e.head])") == [list(p) for p in picked]
    assert page.locator("#compare-grid figure").count() == 4  # three heads and their first two's difference
    tenths = [percent_tenths(weights[l, h], 1) for l, h in picked]
    page.evaluate("AX.set({ qi: 8, kj: 2 })")  # "it" → "animal"
    for k, block in enumerate(tenths):
        assert page.text_content(f"#compare-value-{k}") == f"{block[8, 2] / 10:.1f} %"
    difference = int(tenths[0][8, 2]) - int(tenths[1][8, 2])
    assert page.text_content("#compare-difference") == f"{'+' if difference > 0 else ''}{difference / 10:.1f} points".replace("-", "−")
    page.evaluate("AX.set({ stretch: true })")  # one scale: the darkest colour is the largest weight of all three
    top = max(int(block.max()) for block in tenths)
    assert page.text_content("#compare-top") == f"{top / 10:.1f} %"
    theme = theme_colors()
    low, high = rgb(theme["weight_low"]), rgb(theme["weight_high"])
    for k, block in enumerate(tenths):
        i, j = np.unravel_index(block.argmax(), block.shape)
        pixel = page.evaluate("""([k, i, j]) => { const c = AX.compare.canvases[k], n = AX.meta.views[0].rowTokens.length;
            const x = (j + 0.5) * c.width / n, y = (i + 0.5) * c.height / n;
            return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data); }""", [k, int(i), int(j)])
        shared = round(block[i, j] * 1000 / top) / 1000
        assert np.abs(np.array(pixel[:3]) - (low + (high - low) * shared ** theme["weight_gamma"])).max() <= 1.5, (k, pixel)
    assert page.errors == []


def test_the_layer_average_is_the_mean_of_the_heads(browser, minilm):
    trace, weights, path = minilm
    page = open_page(browser, path)
    page.click("#view-picker button:text-is('layer average')")
    page.select_option("#layer", index=3)
    average = percent_tenths(weights[3].mean(axis=0), 1)
    for i, j in [(8, 2), (0, 0), (11, 5)]:
        page.evaluate(f"AX.set({{ qi: {i}, kj: {j} }})")
        assert page.text_content("#readout-weight") == f"{average[i, j] / 10:.1f} %"
    assert page.errors == []


def test_jensen_shannon_distance_is_scipys_averaged_over_rows():
    from scipy.spatial.distance import jensenshannon
    from explorer.clusters import js_distances

    rng = np.random.default_rng(5)
    heads = rng.dirichlet(np.full(7, 0.4), size=(4, 7))
    heads[0, :, 5:] = 0.0  # zeros (masked keys) count as 0 log 0 = 0
    heads[0] /= heads[0].sum(axis=1, keepdims=True)
    distances = js_distances(heads)
    for a, b in [(0, 1), (2, 3), (1, 3)]:
        expected = np.mean([jensenshannon(heads[a, i], heads[b, i], base=2) for i in range(7)])
        assert distances[a, b] == pytest.approx(expected, abs=1e-9) and distances[b, a] == distances[a, b]
    assert np.allclose(np.diag(distances), 0.0)


def test_clusters_in_the_page_are_pythons(browser, minilm):
    from explorer.clusters import head_clusters
    from explorer.views import layer_attentions

    trace, weights, path = minilm
    meta_patterns = [[None] * 12 for _ in range(6)]
    from attention_math.head_patterns import classify_head
    mask = np.ones(weights.shape[2:], dtype=bool)
    for layer in range(6):
        for head in range(12):
            meta_patterns[layer][head] = [classify_head(weights[layer, head], tuple(trace["tokens"]), mask)[0]]
    expected = head_clusters(layer_attentions(trace), meta_patterns)
    assert sorted(expected["order"]) == list(range(72)) and sum(len(c["members"]) for c in expected["clusters"]) == 72
    page = open_page(browser, path)
    page.click("#order-control button[data-order='clusters']")
    bands = page.locator("#heads .ax-cluster")
    assert bands.count() == len(expected["clusters"])
    for number, cluster in enumerate(expected["clusters"]):
        band = bands.nth(number)
        shown = band.locator(".thumb").evaluate_all("(ts) => ts.map((t) => 12 * +t.dataset.layer + +t.dataset.head)")
        assert shown == cluster["members"]
        assert f"mostly {cluster['pattern']} ({cluster['patternCount']} of {len(cluster['members'])})" in band.text_content()
    biggest = max(range(len(expected["clusters"])), key=lambda k: len(expected["clusters"][k]["members"]))
    bands.nth(biggest).locator(".ax-cluster-head button").click()  # a cluster's heads side by side
    assert page.evaluate("AX.state.compare.map((e) => 12 * e.layer + e.head)") == expected["clusters"][biggest]["members"]
    assert page.locator("#compare-grid figure").count() == len(expected["clusters"][biggest]["members"])
    assert page.errors == []


def test_depth_view_is_the_query_in_every_layer(browser, minilm):
    trace, weights, path = minilm
    page = open_page(browser, path)
    page.evaluate("AX.set({ qi: 8, kj: 2, head: 4 })")  # "it" → "animal"
    averaged = np.array([percent_tenths(weights[l].mean(axis=0), 1)[8] for l in range(6)])
    assert page.evaluate("AX.depth.rows()") == averaged.tolist()
    assert page.text_content("#depth-weight") == f"{averaged[0, 2] / 10:.1f} %"  # the current layer's row
    box = page.locator("#depth").bounding_box()
    geometry = page.evaluate("AX.depth.box")
    page.mouse.move(box["x"] + geometry["left"] + 5.5 * geometry["cell"], box["y"] + geometry["top"] + 3.5 * geometry["height"])
    assert page.text_content("#depth-weight") == f"{averaged[3, 5] / 10:.1f} %"  # hover: layer 4, key 6
    page.select_option("#depth-mode", "head")
    one_head = np.array([percent_tenths(weights[l, 4], 1)[8] for l in range(6)])
    assert page.evaluate("AX.depth.rows()") == one_head.tolist()
    page.mouse.click(box["x"] + geometry["left"] + 2.5 * geometry["cell"], box["y"] + geometry["top"] + 4.5 * geometry["height"])
    assert page.evaluate("[AX.state.layer, AX.state.kj]") == [4, 2]  # a click opens that layer, that key
    assert page.errors == []
