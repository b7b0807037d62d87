"""The story segments: seed 002's why and seed 004's diagrams. Their place in the explainer
is set in scenes/playlist.py."""
from .all_at_once import AllAtOnce
from .before_transformers import BeforeTransformers
from .cross_attention import CrossAttention
from .learning import Learning
from .order_blindness import OrderBlindness
from .similarity import Similarity
from .three_roles import ThreeRoles
from .where_it_sits import Recap, WhereItSits
from .why_attention import WhyAttention

STORY = {cls.segment: cls for cls in (
    WhereItSits, WhyAttention, Similarity, AllAtOnce, OrderBlindness, ThreeRoles, CrossAttention, Recap,
    BeforeTransformers, Learning)}

__all__ = ["STORY", *(cls.__name__ for cls in STORY.values())]
