"""The head pattern classes of attention_math.head_patterns in the lesson's language: their names
and rules are words (model-common.toml, `kinds.<slug>` and `rules.<slug>`), their thresholds the
module's own, filled in as whole percentages."""
from __future__ import annotations

from attention_math.head_patterns import BROAD_THRESHOLD, POSITION_THRESHOLD, SINK_THRESHOLD

from ..words import words

# A class's key in the words, and the threshold its rule names (None: "mixed" names none).
SLUGS = {"previous token": ("previous", POSITION_THRESHOLD), "next token": ("next", POSITION_THRESHOLD),
         "self": ("self", POSITION_THRESHOLD), "[CLS] sink": ("cls_sink", SINK_THRESHOLD),
         "[SEP] sink": ("sep_sink", SINK_THRESHOLD), "first-token sink": ("first_sink", SINK_THRESHOLD),
         "broad": ("broad", BROAD_THRESHOLD), "mixed": ("mixed", None)}


def kind_name(kind: str) -> str:
    """A pattern class's name ("previous token") in the lesson's language."""
    return words("model-common")(f"kinds.{SLUGS[kind][0]}")


def kind_rule(kind: str) -> str:
    """A pattern class's one-line rule, its threshold as a whole percentage."""
    slug, threshold = SLUGS[kind]
    return words("model-common")(f"rules.{slug}", threshold=f"{threshold:.0%}" if threshold is not None else "")
