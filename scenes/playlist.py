"""The explainer's segment order, defined once; `make render` follows it, SCENES= picks a subset.

The story runs from why to how: the block attention sits in → words become vectors → one
vector per word is the problem, a weighted sum of the sentence the fix → the weights come
from dot products → all words at once as matrices → two limits: word order (positions fix
it) and nothing to learn (three roles, hence W_Q, W_K, W_V) → the mechanism step by step →
cross-attention → the three-panel summary → back to the block, with the formula.
"""
from __future__ import annotations

import re

from .context import DEFAULT_MODEL
from .segments import SEGMENTS
from .story import STORY

PLAYLIST_ORDER = [
    "where-it-sits",  # opening frame: the encoder block, attention highlighted
    "before-transformers",  # seed 004: an RNN reads one word per step and forgets; attention sees all at once
    "embedding",  # ends on "the same word always gets the same vector" ...
    "why-attention",  # ... which is the problem: "bank" in two sentences
    "similarity",  # where the weights come from: the dot product, then the focus table
    "all-at-once",  # the same as matrices: S = XXᵀ, W = softmax(S), Y = WX
    "order-blindness",  # limit 1: order is lost; positions fix it
    "three-roles",  # limit 2: one vector, three jobs, nothing learned → W_Q, W_K, W_V
    "projections",
    "dot-products",
    "softmax",
    "weighted-sum",
    "learning",  # the mechanism is known, its W were random: training learns them (seed 002), a rule per head…
    "multi-head",
    "cross-attention",  # once the mechanism is known: queries from another sentence
    "three-panel",  # mechanism → behaviour summary (seed 001)
    "recap",  # closing frame: the block again and the formula
]
CORE_ORDER = ["embedding", "projections", "dot-products", "softmax", "weighted-sum", "multi-head"]


def slug(scene_class) -> str:
    """'03-dot-products' or 'dot-products' → 'dot-products' (the number comes from the playlist)."""
    return re.sub(r"^\d+-", "", scene_class.segment)


def playlist(model: str = DEFAULT_MODEL) -> list:
    """The toy explainer tells the whole story; a real model's shows the core segments on its
    numbers, then the segments its capabilities call for (models/spec.py): an encoder's layers,
    heads and rollout; a decoder's RoPE, shared K/V, sink, heads, next token and KV cache, each
    only where the model has it."""
    from .context import model_spec

    spec = model_spec(model)
    classes = {slug(cls): cls for cls in SEGMENTS} | STORY
    if spec.kind == "encoder":
        from .model import MODEL_SCENES

        return [classes[name] for name in CORE_ORDER] + list(MODEL_SCENES)
    if spec.kind == "decoder":
        from .decoder import DECODER_SCENES

        return [classes[name] for name in CORE_ORDER] + [cls for cls in DECODER_SCENES if cls.applies(spec)]
    return [classes[name] for name in PLAYLIST_ORDER]


PLAYLIST = playlist()


def numbered_name(scene_class, model: str = DEFAULT_MODEL) -> str:
    return f"{playlist(model).index(scene_class) + 1:02d}-{slug(scene_class)}"


def select(spec: str | None, model: str = DEFAULT_MODEL) -> list:
    """'1,3', 'softmax', '02-where-it-sits,multi-head' → scene classes in playlist order."""
    order = playlist(model)
    if not spec:
        return order
    wanted = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        matches = [cls for number, cls in enumerate(order, 1)
                   if item in (str(number), f"{number:02d}", slug(cls), numbered_name(cls, model))]
        if not matches:
            names = ", ".join(numbered_name(cls, model) for cls in order)
            raise ValueError(f"no segment {item!r}; choose numbers or names from: {names}")
        wanted.extend(m for m in matches if m not in wanted)
    return [cls for cls in order if cls in wanted]
