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


MAX_EXTRA_DECIMALS = 3  # 0.000123 at most: past that a colour says more than digits


def readable_decimals(shown_values, precision: int) -> int:
    """Decimals for a matrix of a real model's values such that its largest shown entry keeps three
    significant digits (0.0512, not 0.05), never fewer than `precision`. A wall of 0.00 and 0.01
    tells a viewer nothing."""
    values = np.abs(np.asarray(shown_values, dtype=np.float64))
    values = values[np.isfinite(values)]
    largest = float(values.max()) if values.size else 0.0
    if largest == 0.0 or precision <= 0:
        return precision
    return int(min(precision + MAX_EXTRA_DECIMALS, max(precision, 2 - np.floor(np.log10(largest)))))
