"""Integer arrays packed into one gzip'd, base64 blob that the page unpacks into typed arrays.

Every value the page shows is stored as the integer the trace's value rounds to at the shown
precision (value × 10^decimals), so JavaScript only inserts a decimal point: no float
formatting in the browser, and no rounding that could differ from Python's.
"""
from __future__ import annotations

import base64
import gzip
from dataclasses import dataclass, field

import numpy as np

# dtype -> the name of the JavaScript typed array that reads it; the minimum is reserved as
# the "hidden" marker (a key the causal mask hides has score −∞).
_DTYPES = {"int16": "Int16Array", "int32": "Int32Array"}
HIDDEN = {"int16": -(2**15), "int32": -(2**31)}


def scaled_integers(values: np.ndarray, decimals: int) -> np.ndarray:
    """round(value, decimals) × 10^decimals as int64; NaN/±inf (hidden entries) stay NaN-free: 0."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    rounded = np.round(np.where(finite, values, 0.0), decimals)  # the same rounding as display.shown
    return np.rint(rounded * 10.0**decimals).astype(np.int64)


@dataclass
class PayloadBuilder:
    """Collects named integer arrays; `directory` says where each one sits in the blob."""
    chunks: list[bytes] = field(default_factory=list)
    directory: dict = field(default_factory=dict)
    size: int = 0

    def add(self, name: str, values: np.ndarray, hidden: np.ndarray | None = None) -> str:
        """Store `values` (integers) flattened; entries where `hidden` is True get the marker."""
        values = np.asarray(values, dtype=np.int64)
        fits16 = values.size == 0 or (values.min() > HIDDEN["int16"] and values.max() < 2**15)
        dtype = "int16" if fits16 else "int32"
        if not fits16 and (values.min() <= HIDDEN["int32"] or values.max() >= 2**31):
            raise ValueError(f"{name}: values out of the 32-bit range")
        if hidden is not None:
            values = np.where(hidden, HIDDEN[dtype], values)
        raw = values.astype(f"<i{2 if dtype == 'int16' else 4}").tobytes()
        raw += b"\0" * (-len(raw) % 4)  # typed arrays need aligned offsets
        self.directory[name] = {"offset": self.size, "type": _DTYPES[dtype], "length": int(values.size)}
        self.chunks.append(raw)
        self.size += len(raw)
        return name

    def encoded(self) -> str:
        """The blob: gzip (mtime 0, so a rebuild is byte-identical), then base64."""
        return base64.b64encode(gzip.compress(b"".join(self.chunks), compresslevel=6, mtime=0)).decode("ascii")
