"""The story segments (seed 002's why, seed 004's diagrams) and the explainer's full order.

PLAYLIST_ORDER interleaves them with the core segments so the explainer runs from why to how:
the block attention sits in → words become vectors (core) → one vector per word is the
problem, a weighted sum of the sentence the fix → the weights come from dot products → all
words at once as matrices → two limits of that: word order (positions fix it) and nothing to
learn (three roles, hence W_Q, W_K, W_V) → the core mechanism step by step → cross-attention
→ the three-panel summary → back to the block, with the formula.
"""
from .all_at_once import AllAtOnce
from .cross_attention import CrossAttention
from .order_blindness import OrderBlindness
from .similarity import Similarity
from .three_roles import ThreeRoles
from .where_it_sits import Recap, WhereItSits
from .why_attention import WhyAttention

STORY = {cls.segment: cls for cls in (
    WhereItSits, WhyAttention, Similarity, AllAtOnce, OrderBlindness, ThreeRoles, CrossAttention, Recap)}

CORE = ("embedding", "projections", "dot-products", "softmax", "weighted-sum", "multi-head")

PLAYLIST_ORDER = [
    "where-it-sits",  # opening frame: the encoder block, attention highlighted
    "embedding",  # ends on "the same word always gets the same vector" ...
    "why-attention",  # ... which is the problem: "bank" in two sentences
    "similarity",  # where the weights come from: the dot product, then our sentence's focus table
    "all-at-once",  # the same as matrices: S = XXᵀ, W = softmax(S), Y = WX
    "order-blindness",  # limit 1: order is lost; positions fix it
    "three-roles",  # limit 2: one vector, three jobs, nothing learned → W_Q, W_K, W_V
    "projections",
    "dot-products",
    "softmax",
    "weighted-sum",
    "multi-head",
    "cross-attention",  # once the mechanism is known: queries from another sentence
    "three-panel",  # issue 4's mechanism → behaviour summary
    "recap",  # closing frame: the block again and the formula
]

__all__ = ["CORE", "PLAYLIST_ORDER", "STORY", *(cls.__name__ for cls in STORY.values())]
