"""The static figure of seed 000: `self_attention.png`, one 800×500 picture of self-attention.

Top row, one head with the example's own numbers: input embeddings → Q, K, V → scores →
softmax weights → weighted sum. Token rows line up across the row, so a token can be followed
from its embedding to its output. Below: the multi-head strip (heads → concat → W_O), the key
equations, and a legend with one-line notes. A real model (`figure --model`) shows its chosen
layer and head the same way, wide matrices elided around ⋯ with their true shapes written. Every
number is a NumberText whose source is a field path in the trace, as in the segments.

    blocks.py      text, formulas, numbers and grids at figure sizes (from the theme), connectors
    main_flow.py   the top row (MainFlow)
    multihead.py   the multi-head strip;  bottom_band.py  it, the equations and the legend
    build.py       the whole Figure
    subject.py     what it draws: the toy model, or a real model's layer and head (FigureSubject)
    real_notes.py  a real model's true shapes and notes in the top row

The PNGs are written by scenes/pipeline/figure_export.py (render_figure).
"""
from .build import FIGURE_NAME, MAX_TOKENS, Figure, build_figure, check_fits

__all__ = ["FIGURE_NAME", "MAX_TOKENS", "Figure", "build_figure", "check_fits"]
