"""The layout checker (issue 26) catches each kind of broken layout in a small scene built for
it, names the mobjects by their component parts, and passes a clean scene."""
import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, VGroup

from attention_math import Example
from scenes.base import ExplainerScene
from scenes.components import NumberMatrix, label
from scenes.components.heatmap import WeightHeatmap
from scenes.components.small_multiples import SmallMultiples
from scenes.components.tokens import TokenChip, TokenRow
from tests.screen_checks import build_scene

EXAMPLE = Example("The cat sat on the mat")
TOKENS = ("The", "cat", "sat", "on", "the", "mat")


class Checked(ExplainerScene):
    segment = "test-layout"
    check_layout = True

    def construct(self) -> None:
        self.step("one", "a step")
        self.add(*self.picture())

    def picture(self) -> list:
        matrix = NumberMatrix(np.eye(3), 2, "x", row_tokens=TOKENS[:3], title="a matrix").move_to(LEFT * 2)
        row = TokenRow(TOKENS, max_width=8).to_edge(DOWN, buff=0.6)
        return [label("A clean picture", "heading").to_edge(UP, buff=0.5), matrix, row]


def findings(scene_class) -> list:
    scene = build_scene(scene_class, EXAMPLE)
    return [f for record in scene.sections for f in record.layout_findings]


def weight_maps(n: int = 12, focus_of=lambda k: None) -> list[WeightHeatmap]:
    weights = np.full((n, n), 1 / n)
    tokens = tuple(f"w{i}" for i in range(n))
    return [WeightHeatmap(weights, f"heads[{k}].weights", tokens, colour_only=True, side=2.2, legend=False, note=None,
                          axes=False, focus=focus_of(k), title=f"head {k + 1}") for k in range(4)]


def test_a_clean_scene_passes():
    assert findings(Checked) == []


def test_overlapping_text_is_caught_and_named():
    class Overlap(Checked):
        def picture(self):
            return [*super().picture(), label("on top of the matrix", "label").move_to(LEFT * 2)]

    found = findings(Overlap)
    assert {f.rule for f in found} == {"text-overlap"}
    assert any("'on top of the matrix'" in name and "NumberMatrix.numbers" in " ".join(f.mobjects)
               for f in found for name in f.mobjects)
    assert all(f.segment == "test-layout" and f.step == "one" for f in found)


def test_a_label_off_the_frame_is_caught():
    class OffFrame(Checked):
        def picture(self):
            return [*super().picture(), label("too far right", "label").move_to(RIGHT * 6.8)]

    found = findings(OffFrame)
    assert [f.rule for f in found] == ["frame"]
    assert "'too far right'" in found[0].mobjects[0]


def test_text_too_small_is_caught():
    class Tiny(Checked):
        def picture(self):
            return [*super().picture(), label("fine print", "small").scale(0.5).move_to(RIGHT * 3)]

    assert [(f.rule, f.mobjects[0].split(" ")[1]) for f in findings(Tiny)] == [("text-size", "'fine")]


def test_misaligned_panels_are_caught_and_aligned_ones_pass():
    class Aligned(Checked):
        def picture(self):
            maps = weight_maps()
            return [SmallMultiples.grid(maps, [m.frame for m in maps], columns=2).move_to(RIGHT * 2)]

    class Misaligned(Aligned):
        def picture(self):
            grid = super().picture()[0]
            grid.panels[2].shift(RIGHT * 0.3)
            return [grid]

    assert findings(Aligned) == []
    found = findings(Misaligned)
    assert {f.rule for f in found} == {"small-multiples"}
    assert any("column 1 starts at x" in " ".join(f.mobjects) for f in found)


def test_shrunk_chips_in_one_column_are_caught():
    class Shrunk(Checked):
        def picture(self):
            chips = VGroup(TokenChip("cat", 0), TokenChip("because", 1, max_width=1.25), TokenChip("it", 2))
            return [chips.arrange(DOWN, buff=0.1).move_to(RIGHT * 4)]

    found = findings(Shrunk)
    assert [f.rule for f in found] == ["chip-size"]
    assert "'because'" in " ".join(found[0].mobjects)


def test_differing_ticks_of_heatmaps_shown_together_are_caught():
    class Ticks(Checked):
        def picture(self):
            maps = weight_maps(focus_of=lambda k: 8 if k == 0 else None)
            return [SmallMultiples.grid(maps, [m.frame for m in maps], columns=4).scale(0.7).move_to(DOWN * 0.5)]

    found = findings(Ticks)
    assert [f.rule for f in found] == ["ticks"]


def test_core_segments_of_the_toy_model_hold_up():
    """The fast subset of `make check-stills`: the core segments at 8 tokens, every step clean."""
    from scenes.context import resolve_context
    from scenes.layout.command import check_segments
    from scenes.playlist import select

    sentence = "Our teacher explained that the river bank ,"
    context = resolve_context(Example(sentence), "toy")
    result = check_segments(context, select("projections,dot-products,multi-head", "toy"))
    assert result.errors == []
    assert result.steps >= 15
    assert [str(f) for f in result.findings] == []


def test_grouped_query_keys_and_values_are_drawn_at_their_true_width(tmp_path):
    """Issue 26: K and V of a model whose query heads share key/value heads are as wide as the model
    keeps them (key/value heads × d_k), not the widened copies, and the grouping is said."""
    pytest.importorskip("torch")
    from scenes.segments import ProjectionsSegment
    from tests.family_models import tiny_folder
    from tests.screen_checks import wrong_numbers

    tiny_folder("qwen2", tmp_path)  # 4 query heads of 12, one key/value head
    scene = build_scene(ProjectionsSegment, Example("the animal didn't cross the street"), model=str(tmp_path))
    texts = {text for record in scene.sections for text, _ in record.text_boxes}
    assert {"[6 × 48]", "[6 × 12]", "[48 × 12]"} <= texts, sorted(texts)
    assert wrong_numbers(scene) == []
    captions = " ".join(record.caption for record in scene.sections)
    assert "K and V only 12: 1 key/value head of 12, shared by 4 query heads" in captions
