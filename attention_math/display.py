"""What a viewer sees: values rounded as shown, percentages that add to exactly 100."""
from __future__ import annotations

import numpy as np


def shown(values, precision: int) -> np.ndarray:
    """Values rounded to the shown precision (no negative zero)."""
    rounded = np.round(np.asarray(values, dtype=np.float64), precision)
    return np.where(rounded == 0, 0.0, rounded)


def format_number(value: float, precision: int) -> str:
    """The text drawn for a value: fixed decimals, a real minus sign, no '-0.00'."""
    text = f"{float(shown(value, precision)):.{precision}f}"
    return text.replace("-", "−")


def percentages(weights_row, decimals: int = 0) -> np.ndarray:
    """Largest-remainder rounding: each entry to `decimals`, the row adding to exactly 100.

    Entries that are exactly 0 (masked keys) stay 0.
    """
    row = np.asarray(weights_row, dtype=np.float64)
    unit = 10.0**-decimals
    raw = row / row.sum() * 100.0 / unit
    floors = np.floor(raw)
    short = int(round(100.0 / unit - floors.sum()))
    remainders = np.where(row > 0, raw - floors, -1.0)
    order = np.argsort(-remainders, kind="stable")
    floors[order[:short]] += 1
    return np.round(floors * unit, decimals)
