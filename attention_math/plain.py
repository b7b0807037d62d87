"""Frozen records as plain JSON-ready data (nested dicts and lists; -inf and nan become null)."""
from __future__ import annotations

from dataclasses import fields, is_dataclass

import numpy as np


def plain_data(value, omit: tuple[str, ...] = ()):
    """A frozen record (dataclass) as nested dicts and lists; -inf and nan become nan (then null)."""
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return value.tolist()
        return np.where(np.isfinite(value), value, np.nan).tolist() if value.size else []
    if is_dataclass(value):
        return {f.name: plain_data(getattr(value, f.name)) for f in fields(value) if f.name not in omit}
    if isinstance(value, tuple):
        return [plain_data(item) for item in value]
    return value


def _nan_to_none(value):
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [_nan_to_none(item) for item in value]
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    return value
