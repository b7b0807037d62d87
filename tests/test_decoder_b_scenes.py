"""SmolLM2's heads grid, next-token and KV-cache segments: true numbers, inside the frame, no
overlapping text, and what each must show (every head tagged, shares adding to 100.0, one
weight per cached row at every step)."""
import pytest

pytest.importorskip("gguf", reason="SmolLM2's GGUF reader is not installed")

from attention_math import Example  # noqa: E402
from attention_math.head_patterns import pattern_rules  # noqa: E402
from scenes import context  # noqa: E402
from attention_math.models.smollm2 import model_trace as decoder_trace  # noqa: E402
from scenes.decoder.heads_grid import TAGS, DecoderHeadsGrid  # noqa: E402
from scenes.decoder.kv_cache import KVCache  # noqa: E402
from scenes.decoder.next_token import NextToken  # noqa: E402
from scenes.presentation import presentation_for  # noqa: E402

from tests.screen_checks import build_scene, outside_frame, overlapping_texts, wrong_numbers  # noqa: E402

ANIMAL = "The animal didn't cross the street because it was too tired"
# 21 tokens: more cached rows than the KV-cache table draws, so it elides the middle ones.
LONG = "In the morning the old fisherman walked slowly down to the harbour, where his small boat waited"


@pytest.fixture
def smollm2(monkeypatch):
    """build_scene's context for SmolLM2 at a layer and head. Until MODEL=smollm2 is in
    scenes/context.py (decoder-a's branch), the active trace is stubbed with that layer's attention."""
    def build(scene_class, sentence: str = ANIMAL, layer: int = 13, head: int = 8):
        example = Example(sentence, layout="unlimited")
        if not hasattr(context, "full_trace"):
            layer_trace = lambda: decoder_trace(context.active().example.sentence).layers[context.active().layer].attention
            monkeypatch.setattr(context, "active_trace", layer_trace)
            monkeypatch.setattr(context, "active_presentation",
                                lambda: presentation_for(layer_trace(), focus_head=context.active().head))
            return build_scene(scene_class, example, layer=layer, head=head)
        return build_scene(scene_class, example, model="smollm2", layer=layer, head=head)
    return build


def check(scene) -> None:
    assert len(scene.sections) >= 3, "each scene has steps"
    assert all(record.caption for record in scene.sections), "every step has a subcaption"
    assert sum(len(record.numbers) for record in scene.sections) > 0
    assert wrong_numbers(scene) == []
    assert outside_frame(scene) == []
    assert overlapping_texts(scene) == []


def texts(record) -> list[str]:
    return [name for name, _ in record.text_boxes]


def shown(record, prefix: str) -> dict[str, str]:
    """source -> shown text, for the numbers whose source starts with prefix."""
    return {source: text for source, text, *_ in record.numbers if source.startswith(prefix)}


def test_heads_grid_tags_every_head_and_lists_the_decoders_rules(smollm2):
    scene = smollm2(DecoderHeadsGrid)
    check(scene)
    model = scene.model
    labels = {record.name: record for record in scene.sections}
    tags = [text for text in texts(labels["labels"]) if text in TAGS.values()]
    expected = [TAGS[pattern.kind] for row in model.head_patterns for pattern in row]
    assert len(tags) >= model.n_layers * model.n_heads
    for letter in set(expected):  # every head's letter is on screen (the key adds one of each)
        assert tags.count(letter) == expected.count(letter) + 1
    assert model.pattern_counts["first-token sink"] > model.n_layers * model.n_heads / 2, "the sink dominates"
    rules = labels["rules"]
    assert set(pattern_rules(model.tokens).values()) <= set(texts(rules))
    assert "[CLS] sink" not in texts(rules), "no [CLS] in a decoder's prompt"
    assert set(shown(rules, "model.pattern_counts")) == {f"model.pattern_counts['{kind}']"
                                                         for kind in pattern_rules(model.tokens)}
    cards = shown(labels["examples"], "model.head_patterns")
    assert len(cards) == len(model.clearest_heads)


def test_next_token_shows_shares_that_add_to_100(smollm2):
    scene = smollm2(NextToken)
    check(scene)
    model = scene.model
    final = {record.name: record for record in scene.sections}["probabilities"]
    percents = shown(final, "model.next_token_shares.percentages")
    assert len(percents) == len(model.next_tokens) == 5
    others = shown(final, "model.next_token_shares.others_percentage")
    total = shown(final, "model.next_token_shares.total_percentage")
    values = [float(text.rstrip("%")) for text in [*percents.values(), *others.values()]]
    assert round(sum(values), 6) == 100.0 and list(total.values()) == ["100.0%"]
    assert len(shown(final, "model.next_tokens")) == 5, "the five logits"
    notes = [text for record in scene.sections for text in texts(record) if model.quantisation in text]
    assert len(notes) == len(scene.sections), "the Q4_1 note is on screen throughout, said once"


@pytest.mark.parametrize("sentence", [ANIMAL, LONG], ids=["animal", "long"])
def test_kv_cache_steps_show_one_weight_per_cached_row(smollm2, sentence):
    scene = smollm2(KVCache, sentence, layer=29, head=1) if sentence == LONG else smollm2(KVCache)
    check(scene)
    generation = scene.generation
    assert (generation.layer, generation.head) == ((29, 1) if sentence == LONG else (13, 8))
    records = {record.name: record for record in scene.sections}
    for index, step in enumerate(generation.steps):
        record = records[f"step-{index + 1}"]
        weights = shown(record, f"generation.steps[{index}].attention.percentages")
        rows = step.attention.cached_rows
        if sentence == ANIMAL:
            assert len(weights) == rows, "every cached row's weight"
            assert sum(int(text.rstrip("%")) for text in weights.values()) == 100
        else:
            assert 0 < len(weights) < rows, "a long cache elides rows"
        assert f"generation.steps[{index}].probability_percentage" in shown(record, "generation")
        assert shown(record, f"generation.steps[{index}].attention.cached_rows")
