"""Any script: tokens by grapheme, glyphs that are really drawn, one media folder per sentence."""
import os

import numpy as np
import pytest

from attention_math import Example, tokenize, trace_example
from attention_math.tokenizer import graphemes
from scenes.components import TokenRow, label
from scenes.components.fonts import use_outline_fonts
from scenes.segments import EmbeddingSegment
from tests.screen_checks import build_scene

SCRIPTS = {
    "hindi": "सेब ने फोन लॉन्च किया",
    "japanese": "猫が座った",
    "chinese": "我爱你。",
    "arabic": "القط جلس على الحصيرة",
    "hebrew": "החתול ישב על השטיח",
    "emoji": "I ❤️ 🍕 pizza",
    "thai": "แมวนั่ง",
    "korean": "고양이가 앉았다",
}


@pytest.mark.parametrize("sentence, tokens", [
    ("सेब ने फोन लॉन्च किया", ("सेब", "ने", "फोन", "लॉन्च", "किया")),  # vowel signs and viramas stay on
    ("猫が座った", ("猫", "が", "座", "っ", "た")),  # no spaces: one grapheme each
    ("I ❤️ 🍕 pizza", ("I", "❤️", "🍕", "pizza")),  # U+FE0F stays with the heart
    ("👨‍👩‍👧 and 🇯🇵!", ("👨‍👩‍👧", "and", "🇯🇵", "!")),  # ZWJ sequence and flag whole
    ("แมวนั่ง", ("แ", "ม", "ว", "นั่", "ง")),
    ("カレーライス", ("カ", "レ", "ー", "ラ", "イ", "ス")),  # the long-vowel mark is kana too
    ("القط جلس", ("القط", "جلس")),  # logical order, as typed
    ("The cat, sat!", ("The", "cat", ",", "sat", "!")),  # elsewhere: words and punctuation as before
    ("e\u0301cole", ("école",)),  # NFC: the same word whichever way its accent was typed
])
def test_tokens_are_whole_graphemes(sentence, tokens):
    assert tokenize(sentence) == tokens


def test_same_word_same_embedding_in_any_script():
    first = trace_example(Example("सेब ने फोन लॉन्च किया"))
    second = trace_example(Example("फोन सेब"))
    np.testing.assert_array_equal(first.embeddings[2], second.embeddings[0])
    np.testing.assert_array_equal(first.embeddings[0], second.embeddings[1])
    composed, decomposed = trace_example(Example("école")), trace_example(Example("e\u0301cole"))
    np.testing.assert_array_equal(composed.embeddings, decomposed.embeddings)


# --- folders -----------------------------------------------------------------------------
def test_every_distinct_sentence_gets_its_own_folder():
    sentences = ["The cat sat", "the cat sat", "The cat sat.", "The  cat sat", "the cat sat!", "猫が座った",
                 "猫が座る", "🍕", "🍔", "!!", "??", "a" * 60, "a" * 61, "x " * 30, "x " * 31,
                 "river bank flows", "river bank flows 3fa2c1", "सेब ने फोन लॉन्च किया", "सेब ने फोन"]
    names = {Example(s, layout="unlimited").name for s in sentences}
    assert len(names) == len(sentences)
    assert Example("river bank flows").name == "river-bank-flows"  # nothing lost: no hash
    assert Example("सेब ने फोन लॉन्च किया").name == "सेब-ने-फोन-लॉन्च-किया"  # letters of any script kept
    assert Example("猫が座った").name == "猫が座った"
    assert Example("🍕").name.startswith("sentence-")  # empty slug: a hash names it
    for name in names:
        assert 0 < len(name.encode()) < 200 and "/" not in name and not name.startswith(".")


# --- glyphs ------------------------------------------------------------------------------
UNDRAWABLE = ("\u0378", "\U0010ffff")  # 4 and 6 hex digits: two frame widths


def _normalised(points: np.ndarray) -> np.ndarray:
    shifted = points[:, :2] - points[0, :2]
    return shifted / max(np.ptp(points[:, :2], axis=0).max(), 1e-9)


def _missing_glyph_boxes() -> list[np.ndarray]:
    """Pango draws a character no font has as a frame with its hex code inside: the frame is
    the first outline drawn for a code point no font can have (unassigned, noncharacter;
    private-use ones may be covered: OpenSymbol draws U+E123)."""
    return [_normalised(label(char).points[:_frame_length(char)]) for char in UNDRAWABLE]


def _frame_length(char: str) -> int:
    from manim import Text

    from scenes.theme import current_theme
    return len(Text(char, font=current_theme().font).submobjects[0].points)


def _draws_missing_box(points: np.ndarray, boxes: list[np.ndarray]) -> bool:
    for box in boxes:
        size = len(box)
        for start in range(0, len(points) - size + 1, 4):  # outlines are whole cubic curves
            window = points[start:start + size]
            if np.ptp(window[:, :2], axis=0).max() > 1e-6 and np.allclose(_normalised(window), box, atol=2e-3):
                return True
    return False


def test_missing_glyph_detector_detects_a_missing_glyph():
    boxes = _missing_glyph_boxes()
    for char in ("\u0379", "\U00050000", "\U0010fffe"):  # unassigned, unassigned, noncharacter
        assert _draws_missing_box(label(f"a{char}b").points, boxes)
    assert not _draws_missing_box(label("ab").points, boxes)


def test_fontconfig_uses_the_projects_outline_fonts():
    assert use_outline_fonts(), "scenes/components/fonts.conf was not loaded"
    assert "FONTCONFIG_FILE" not in os.environ  # programs we start get the system's fonts


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_chip_draws_real_glyphs(script, tmp_path):
    boxes = _missing_glyph_boxes()
    example = Example(SCRIPTS[script])
    scene = build_scene(EmbeddingSegment, example, stills_dir=str(tmp_path))
    assert all(record.still for record in scene.sections)  # a still per step, for a human to look at
    row = TokenRow(example.tokens, max_width=12.5)
    for chip in row.chips:
        assert len(chip.text.get_all_points()), f"{script}: chip {chip.token!r} is empty"
        for grapheme in graphemes(chip.token):
            drawn = label(grapheme).points
            assert len(drawn), f"{script}: {grapheme!r} vanished (no outline drawn)"
            assert not _draws_missing_box(drawn, boxes), f"{script}: {grapheme!r} is a missing-glyph box"
