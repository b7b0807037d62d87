"""The explainer's core segments, in playing order."""
from .s01_embedding import EmbeddingSegment
from .s02_projections import ProjectionsSegment
from .s03_dot_products import DotProductsSegment
from .s04_softmax import SoftmaxSegment
from .s05_weighted_sum import WeightedSumSegment
from .s06_multihead import MultiHeadSegment
from .s07_three_panel import ThreePanelSegment

SEGMENTS = [EmbeddingSegment, ProjectionsSegment, DotProductsSegment, SoftmaxSegment, WeightedSumSegment,
            MultiHeadSegment, ThreePanelSegment]
