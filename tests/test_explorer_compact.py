"""The compact payload (issue 24, point 1): a 64-token × 270-head page is ≤ 1.5 MB, and every number
the page decodes is the trace's at its shown precision (weights for every cell; the worked numbers
of the cells it keeps)."""
from __future__ import annotations

import numpy as np
import pytest

from attention_math import percentages
from explorer.compact import detail_selection, percent_tenths
from explorer.page import write_page
from explorer.payload import scaled_integers
from tests.browser import browser_fixture, open_page
from tests.explorer_synthetic import synthetic_model_trace, synthetic_page

MAX_BYTES = 1_500_000


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_model_trace(), synthetic_page()


browser = browser_fixture("the explorer's")


def test_percent_tenths_is_display_percentages_row_by_row():
    rng = np.random.default_rng(3)
    rows = rng.dirichlet(np.full(40, 0.3), size=300)
    rows[:50, 20:] = 0.0  # masked keys
    rows[50:60] = 1 / 40  # ties everywhere: the largest-remainder order decides
    rows[60:70, :3] = [0.33335, 0.33335, 0.3333]
    expected = np.array([percentages(row, 1) for row in rows])
    assert np.array_equal(percent_tenths(rows, 1), np.rint(expected * 10).astype(np.int64))
    assert (percent_tenths(rows, 1).sum(axis=1) == 1000).all()


def test_64_tokens_by_270_heads_fit_in_1_5_mb(synthetic):
    _, page = synthetic
    size = len(page.encode("utf-8"))
    print(f"64 tokens × 30 layers × 9 heads: {size / 1e6:.3f} MB")
    assert size <= MAX_BYTES


def _trace_numbers(trace, layer, head):
    attention = trace["layers"][layer]["attention"]
    h = attention["heads"][head]
    mask = np.asarray(attention["mask"], dtype=bool)
    scaled = np.where(mask, np.asarray(h["scaled_scores"]), -np.inf)
    exps = np.exp(scaled - scaled.max(axis=1, keepdims=True))  # a real model's page always shows e^(s − m)
    weights = np.asarray(h["weights"])
    return mask, {"pct": percent_tenths(weights, 1), "score": scaled_integers(np.asarray(h["scores"]), 2),
                  "scaled": scaled_integers(scaled, 2), "exps": scaled_integers(exps, 3),
                  "expSum": scaled_integers(exps.sum(axis=1), 3), "rowMax": scaled_integers(scaled.max(axis=1), 2)}


def test_the_big_page_decodes_the_traces_numbers(browser, synthetic, tmp_path):
    trace, page_text = synthetic
    page = open_page(browser, write_page(tmp_path / "big.html", page_text))
    for layer, head in [(0, 0), (13, 4), (29, 8)]:
        mask, expected = _trace_numbers(trace, layer, head)
        shown = page.evaluate("""([l, h]) => { const w = AX.worked(l, h);
            return { pct: Array.from(AX.weightBlock(l, h)), score: Array.from(w.score), scaled: Array.from(w.scaled),
                     exps: Array.from(w.exps), expSum: Array.from(w.expSum), rowMax: Array.from(w.rowMax) }; }""", [layer, head])
        n = len(mask)
        kept = detail_selection(expected["pct"], mask, 10)
        assert kept.sum(axis=1).tolist() == [min(10, i + 1) for i in range(n)]  # each row's 10 strongest visible keys
        assert np.array_equal(np.array(shown["pct"]).reshape(n, n), expected["pct"])
        for name in ("score", "scaled", "exps"):
            got = np.array(shown[name]).reshape(n, n)
            assert np.array_equal(got[kept], expected[name][kept]), (layer, head, name)
            assert (got[~kept] == -(2**31)).all()  # the rest is "not kept", never a made-up number
        assert shown["expSum"] == expected["expSum"].tolist() and shown["rowMax"] == expected["rowMax"].tolist()
    # Every head's weights: one checksum over the 270 × 64 × 64 cells the page decoded.
    weights = np.array([[h["weights"] for h in layer["attention"]["heads"]] for layer in trace["layers"]])
    tenths = percent_tenths(weights, 1).ravel()
    assert page.evaluate("() => { let s = 0; const d = AX.meta.views[0].dense; for (let c = 0; c < d.length; c++) s = (s + d[c] * (c % 997 + 1)) % 1000003; return s; }") \
        == int((tenths * (np.arange(tenths.size) % 997 + 1)).sum() % 1000003)
    average = percent_tenths(weights.mean(axis=1), 1)  # the layer-average view: the mean of the true weights
    assert page.evaluate("() => Array.from(AX.meta.views[1].dense.subarray(7 * 4096, 8 * 4096))") == average[7].ravel().tolist()
    assert page.errors == []


def test_the_step_through_says_when_a_weak_key_is_not_kept(browser, synthetic, tmp_path):
    trace, page_text = synthetic
    page = open_page(browser, write_page(tmp_path / "big.html", page_text))
    mask, expected = _trace_numbers(trace, 0, 0)
    kept = detail_selection(expected["pct"], mask, 10)
    i = 63
    strong, weak = int(np.flatnonzero(kept[i])[0]), int(np.flatnonzero(~kept[i] & mask[i])[0])
    page.evaluate(f"AX.set({{ qi: {i}, kj: {strong}, step: 0 }})")
    assert page.text_content("#step-score") == f"{expected['score'][i, strong] / 100:.2f}".replace("-", "−")
    page.evaluate(f"AX.set({{ kj: {weak} }})")
    assert page.locator("#step-score").count() == 0 and "strongest keys only" in page.text_content("#step-body")
    assert page.text_content("#readout-weight") == f"{expected['pct'][i, weak] / 10:.1f} %"
    assert page.errors == []
