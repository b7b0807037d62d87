"""The non-linearities of a layer, in numpy: LayerNorm, the exact (erf) GELU, its tanh form, and the
other activations config.json can name."""
from __future__ import annotations

import numpy as np


def layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """Per row: subtract the mean, divide by the standard deviation (population), then gain and bias."""
    gain, bias = norm
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * gain + bias


# W. J. Cody (1969), "Rational Chebyshev approximations for the error function"
# (Netlib specfun CALERF), accurate to about 1e-16. numpy has no erf and
# math.erf element by element costs ~40 ms per 32-token trace.
_ERF_SMALL = (  # erf(y) = y · P(y²)/Q(y²) for |y| ≤ 0.46875; highest degree first
    (1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2,
     3.77485237685302021e2, 3.20937758913846947e3),
    (1.0, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
     2.84423683343917062e3),
)
_ERFC_MIDDLE = (  # erfc(y) = exp(−y²) · P(y)/Q(y) for 0.46875 < y ≤ 4
    (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0,
     6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
     1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3),
    (1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
     1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
     3.43936767414372164e3, 1.23033935480374942e3),
)
_ERFC_LARGE = (  # erfc(y) = exp(−y²)/y · (1/√π − z·P(z)/Q(z)), z = 1/y², for y > 4
    (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
     1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
    (1.0, 2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3),
)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, element-wise, to double precision."""
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    result = np.empty_like(y)
    small, large = y <= 0.46875, y > 4.0
    middle = ~small & ~large
    ys = y[small] ** 2
    result[small] = y[small] * np.polyval(_ERF_SMALL[0], ys) / np.polyval(_ERF_SMALL[1], ys)
    ym = y[middle]
    result[middle] = 1.0 - np.exp(-ym * ym) * np.polyval(_ERFC_MIDDLE[0], ym) / np.polyval(_ERFC_MIDDLE[1], ym)
    yl = y[large]
    z = 1.0 / (yl * yl)
    tail = (1.0 / np.sqrt(np.pi) - z * np.polyval(_ERFC_LARGE[0], z) / np.polyval(_ERFC_LARGE[1], z)) / yl
    result[large] = 1.0 - np.exp(-yl * yl) * tail
    return np.copysign(result, x)


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x · Φ(x) = x/2 · (1 + erf(x/√2)) (not the tanh approximation)."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def gelu_tanh(x: np.ndarray) -> np.ndarray:
    """GPT-2's GELU, the tanh approximation (transformers' gelu_new, gelu_pytorch_tanh, gelu_fast)."""
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _silu(x: np.ndarray) -> np.ndarray:
    return x * 0.5 * (1.0 + np.tanh(0.5 * x))  # x · sigmoid(x), no exponential to overflow


# config.json's hidden_act / activation_function / activation → the function (transformers' ACT2FN names)
ACTIVATIONS = {"gelu": gelu, "gelu_python": gelu, "gelu_new": gelu_tanh, "gelu_pytorch_tanh": gelu_tanh,
               "gelu_fast": gelu_tanh, "relu": _relu, "silu": _silu, "swish": _silu}


def activation(name: str, where: str):
    """The named activation, or ExampleError in one line naming it and the supported ones."""
    from .example import ExampleError

    if name not in ACTIVATIONS:
        raise ExampleError(f"model: {where} activation {name!r} is not supported (supported: {', '.join(ACTIVATIONS)})")
    return ACTIVATIONS[name]
