"""Reusable mobjects, written once and used by every scene that shows that thing."""
from .attention_graph import AttentionGraph
from .labels import formula, highlight_box, operator, shape_label, title_bar, weight_legend
from .matrix import NumberMatrix
from .text import NumberText, fit_width, label, token_text
from .tokens import TokenChip, TokenRow

__all__ = [
    "AttentionGraph", "NumberMatrix", "NumberText", "TokenChip", "TokenRow", "fit_width", "formula", "highlight_box",
    "label", "operator", "shape_label", "title_bar", "token_text", "weight_legend",
]
