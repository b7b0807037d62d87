"""Two models, one sentence (issue 24, point 7): the pieces of both tokenizers line up by word, one word
is followed as the query in both, the word shares are the shown weights' sums; fast enough."""
from __future__ import annotations

import numpy as np
import pytest

from explorer.align import align_tokens
from explorer.compact import percent_tenths
from explorer.page import write_page
from explorer.pair import build_pair_page
from tests.browser import browser_fixture, open_page
from tests.explorer_pages import ANIMAL, long_sentence



browser = browser_fixture("the explorer's")


@pytest.fixture(scope="module")
def animal(tmp_path_factory):
    from explorer.sources import model_source

    first, second = model_source("smollm2", ANIMAL, None).trace, model_source("minilm", ANIMAL, None).trace
    path = write_page(tmp_path_factory.mktemp("pair") / "pair.html", build_pair_page(first, second, ANIMAL))
    return first, second, path


def test_alignment_covers_wordpiece_and_byte_bpe():
    bpe = align_tokens("Café didn't", ["Caf", "é", " didn", "'t"])
    wordpiece = align_tokens("Café didn't", ["[CLS]", "cafe", "didn", "'", "t", "[SEP]"])
    assert bpe.words == wordpiece.words == ["Café", "didn't"]
    assert bpe.token_words == [0, 0, 1, 1]
    assert wordpiece.token_words == [None, 0, 1, 1, 1, None]
    assert align_tokens("a ##b", ["a", "#", "#", "b"]).token_words == [0, 1, 1, 1]


def row_tenths(trace, layer, head, query):
    return percent_tenths(np.asarray(trace["layers"][layer]["attention"]["heads"][head]["weights"])[query], 1)


def test_two_models_line_up_by_word_and_follow_one_query(browser, animal):
    first, second, path = animal
    page = open_page(browser, path)
    alignments = [align_tokens(ANIMAL, trace["tokens"]) for trace in (first, second)]
    words = alignments[0].words
    for k, (trace, alignment) in enumerate(zip((first, second), alignments)):
        for w in range(len(words)):  # each word's pieces, as that model cut it
            pieces = [t for t, word in enumerate(alignment.token_words) if word == w]
            shown = page.locator(f"#pair-pieces-{k}-{w} .ax-piece").all_text_contents()
            assert shown == [f"“{trace['tokens'][t].replace(' ', '·', 1) if trace['tokens'][t].startswith(' ') else trace['tokens'][t]}”" for t in pieces]
    assert page.text_content("#pair-pieces-1-2") == "“didn”“'”“t”" and page.text_content("#pair-pieces-0-2") == "“·didn”“'t”"
    page.click("#pair-table button[data-word='7']")  # follow "it" in both
    last = [max(t for t, w in enumerate(a.token_words) if w == 7) for a in alignments]
    assert page.evaluate("AXPair.pages.map((ax) => ax.state.qi)") == last
    page.select_option("#b-layer", index=2)  # each model keeps its own layer and head
    page.click("#b-head-picker button[data-head='4']")
    for k, (trace, layer, head) in enumerate([(first, 0, 0), (second, 2, 4)]):
        tenths = row_tenths(trace, layer, head, last[k])
        for w in range(len(words)):  # a word's share: the sum of its pieces' shown weights
            pieces = [t for t, word in enumerate(alignments[k].token_words) if word == w]
            assert page.text_content(f"#pair-share-{k}-{w}") == f"{tenths[pieces].sum() / 10:.1f} %"
        other = [t for t, word in enumerate(alignments[k].token_words) if word is None]
        assert page.text_content(f"#pair-share-{k}-{len(words)}") == f"{tenths[other].sum() / 10:.1f} %"
    page.evaluate("AXPair.pages[0].set({ qi: 2 })")  # a query focused in one model moves the other to the same word
    assert page.evaluate("AXPair.pages[1].state.qi") == max(t for t, w in enumerate(alignments[1].token_words) if w == 2)
    assert page.errors == []


def test_the_two_model_page_is_interactive_within_1_5_s(browser, tmp_path):
    from tests.explorer_synthetic import synthetic_model_trace

    sentence = long_sentence(62)
    words = sentence.split()
    first = synthetic_model_trace(tokens=[words[0]] + [" " + w for w in words[1:]] + ["</s>", "</s>"])
    second = synthetic_model_trace(6, 12, causal=False, seed=1, tokens=["[CLS]"] + words[:62] + ["[SEP]"])
    page = open_page(browser, write_page(tmp_path / "pair.html", build_pair_page(first, second, sentence)))
    ready = page.evaluate("AXPair.readyAt")
    print(f"two-model page (30×9 and 6×12 heads, 64 tokens each): interactive at {ready:.0f} ms")
    assert ready <= 1500
    assert page.evaluate("AXPair.pages.map((ax) => ax.state.qi)") == [61, 62]  # the last word, in both
    assert page.errors == []


def test_two_fragments_share_a_document_and_a_page_can_carry_some_heads(browser, tmp_path):
    from explorer.page import build_fragment
    from explorer.sources import model_source

    trace = model_source("minilm", ANIMAL, None).trace
    bounded = build_fragment(trace, prefix="one-", layers=[1, 5], heads=[3, 11], layer=1, head=1)
    whole = build_fragment(trace, prefix="two-")
    path = tmp_path / "notebook.html"
    path.write_text(f"<!doctype html><html><body><h1>cell 1</h1>{bounded}<h1>cell 2</h1>{whole}</body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.AXLib && AXLib.pages['one-'] && AXLib.pages['two-'] && AXLib.pages['one-'].readyAt && AXLib.pages['two-'].readyAt")
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]')).map((e) => e.id)")
    assert len(ids) == len(set(ids))  # no id twice
    assert page.locator("#one-head-picker button").all_text_contents() == ["4", "12"]  # only the heads it carries
    assert page.locator("#one-layer option").all_text_contents() == ["2", "6"]
    assert page.text_content("#one-heatmap-title").startswith("layer 6 · head 12")
    tenths = percent_tenths(np.asarray(trace["layers"][5]["attention"]["heads"][11]["weights"]), 1)
    page.evaluate("AXLib.pages['one-'].set({ qi: 8, kj: 2 })")
    assert page.text_content("#one-readout-weight") == f"{tenths[8, 2] / 10:.1f} %"
    page.focus("#two-heatmap-overlay")  # arrow keys move only the explorer that has the focus
    before = page.evaluate("[AXLib.pages['one-'].state.qi, AXLib.pages['two-'].state.qi]")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("[AXLib.pages['one-'].state.qi, AXLib.pages['two-'].state.qi]") == [before[0], before[1] - 1]
    assert errors == []
