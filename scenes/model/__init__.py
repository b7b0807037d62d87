"""Scenes that only the real model (all-MiniLM-L6-v2) can tell: across its 6 layers and 72 heads."""
from .heads_grid import HeadsGrid
from .layer_evolution import LayerEvolution
from .rollout import Rollout

MODEL_SCENES = [LayerEvolution, HeadsGrid, Rollout]
