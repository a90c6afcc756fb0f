"""Activations and losses on numpy arrays, each with its derivative.

Chapter 04 introduces the activations, chapter 06 the losses; chapter 07 uses
the derivatives for backpropagation. Names follow ``torch.nn.functional``
where PyTorch has one.

Every function here is numerically stable: no overflow, no ``nan`` and no
warning for inputs like ±1000, and cross-entropies stay finite when a
probability is exactly 0 or 1.

Conventions
-----------
- Activation ``f`` has ``f_derivative(x)``, the slope f'(x) element by element
  (softmax, whose output mixes all inputs, has ``softmax_backward`` instead).
- Loss ``L(input, target)`` returns a float (the mean over all elements by
  default, as in PyTorch; ``reduction="sum"`` or ``"none"`` change that) and
  has ``L_grad(input, target)``, the gradient with respect to ``input``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "elu",
    "elu_derivative",
    "gelu",
    "gelu_derivative",
    "huber",
    "huber_grad",
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "log_softmax_backward",
    "log_softmax_nll_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "nll_loss",
    "one_hot",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "silu",
    "silu_derivative",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_derivative",
]


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


# ------------------------------------------------------------------ activations


def relu(x):
    """max(0, x)."""
    return np.maximum(_arr(x), 0.0)


def relu_derivative(x):
    """1 where x > 0, else 0 (at exactly 0 we take 0, as PyTorch does)."""
    return (_arr(x) > 0).astype(float)


def leaky_relu(x, negative_slope: float = 0.01):
    """x for x > 0, negative_slope·x otherwise: a small slope keeps gradients alive."""
    x = _arr(x)
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_derivative(x, negative_slope: float = 0.01):
    """1 for x > 0, negative_slope otherwise."""
    return np.where(_arr(x) > 0, 1.0, negative_slope)


def elu(x, alpha: float = 1.0):
    """x for x > 0, alpha·(eˣ - 1) otherwise: smooth, and tends to -alpha."""
    x = _arr(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_derivative(x, alpha: float = 1.0):
    """1 for x > 0, alpha·eˣ otherwise."""
    x = _arr(x)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def sigmoid(x):
    """σ(x) = 1 / (1 + e⁻ˣ), squashing any number into (0, 1).

    Computed from e^-|x|, which never overflows: sigmoid(-1000) is 0.0, not a warning.
    """
    x = _arr(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x):
    """σ'(x) = σ(x)·(1 - σ(x)); largest at x = 0, where it is 0.25."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """tanh(x), squashing any number into (-1, 1)."""
    return np.tanh(_arr(x))


def tanh_derivative(x):
    """tanh'(x) = 1 - tanh²(x); largest at x = 0, where it is 1."""
    t = np.tanh(_arr(x))
    return 1.0 - t * t


_erfc = np.vectorize(math.erfc, otypes=[float])


def _normal_cdf(x):
    """Φ(x), the probability that a standard normal number is below x: ½·erfc(-x/√2)
    (erfc keeps its accuracy far out in the left tail, where 1 + erf(x) would cancel)."""
    return 0.5 * _erfc(-_arr(x) / math.sqrt(2.0))


def gelu(x):
    """GELU(x) = x·Φ(x), Φ the standard normal's cumulative probability (the exact form,
    PyTorch's default): a smooth ReLU that dips to about -0.17 near x = -0.75.

    >>> float(gelu(1.0).round(4))
    0.8413
    """
    x = _arr(x)
    return x * _normal_cdf(x)


def gelu_derivative(x):
    """GELU'(x) = Φ(x) + x·φ(x), with φ(x) = e^(-x²/2) / √(2π) the normal density."""
    x = _arr(x)
    density = np.exp(-0.5 * np.minimum(x * x, 1e300)) / math.sqrt(2.0 * math.pi)
    return _normal_cdf(x) + x * density


def silu(x):
    """SiLU(x) = x·σ(x) (also called swish): a smooth ReLU that dips to about -0.28
    near x = -1.28.

    >>> float(silu(1.0).round(4))
    0.7311
    """
    x = _arr(x)
    return x * sigmoid(x)


def silu_derivative(x):
    """SiLU'(x) = σ(x)·(1 + x·(1 - σ(x))), from the product rule and σ' = σ(1 - σ)."""
    x = _arr(x)
    s = sigmoid(x)
    return s * (1.0 + x * sigmoid(-x))


def _check_temperature(temperature) -> float:
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    return float(temperature)


def softmax(x, axis: int = -1, temperature: float = 1.0):
    """e^(xᵢ/T) / Σⱼ e^(xⱼ/T) along ``axis``: scores to probabilities that sum to 1.

    Subtracting the largest score first changes nothing mathematically and
    keeps every exponent ≤ 0, so softmax([1000, 0]) is [1, 0], not nan. A
    temperature T above 1 flattens the probabilities; below 1 sharpens them.

    >>> softmax([2.0, 1.0, 0.1]).round(3)
    array([0.659, 0.242, 0.099])
    """
    z = _arr(x) / _check_temperature(temperature)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(s, grad_output, axis: int = -1):
    """Given s = softmax(x) and dL/ds, return dL/dx = s·(dL/ds - Σ dL/ds·s).

    (The Jacobian of softmax is diag(s) - s sᵀ; this is that matrix times dL/ds,
    without building it.)
    """
    s, g = _arr(s), _arr(grad_output)
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


def log_softmax(x, axis: int = -1):
    """log(softmax(x)), computed without ever forming a probability that rounds to 0."""
    x = _arr(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_backward(log_s, grad_output, axis: int = -1):
    """Given log_s = log_softmax(x) and dL/d(log_s), return dL/dx = g - softmax(x)·Σg."""
    g = _arr(grad_output)
    return g - np.exp(_arr(log_s)) * np.sum(g, axis=axis, keepdims=True)


# ----------------------------------------------------------------------- losses


def _pair(input, target, name):
    a, b = _arr(input), _arr(target)
    if a.shape != b.shape:
        raise ValueError(
            f"{name} expects input and target of the same shape, got {a.shape} and {b.shape}"
        )
    return a, b


def _reduce(values, reduction):
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "sum":
        return float(np.sum(values))
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _scale(size, reduction):
    return 1.0 / size if reduction == "mean" else 1.0


def mse(input, target, reduction: str = "mean"):
    """Mean squared error: mean((input - target)²). Big errors count quadratically.

    >>> mse([210e3, 280e3, 255e3], [200e3, 300e3, 250e3])   # in squared dollars
    175000000.0
    """
    a, b = _pair(input, target, "mse")
    return _reduce((a - b) ** 2, reduction)


def mse_grad(input, target, reduction: str = "mean"):
    """d mse / d input = 2·(input - target) / n."""
    a, b = _pair(input, target, "mse_grad")
    return 2.0 * (a - b) * _scale(a.size, reduction)


def mae(input, target, reduction: str = "mean"):
    """Mean absolute error: mean(|input - target|). Every unit of error counts the same."""
    a, b = _pair(input, target, "mae")
    return _reduce(np.abs(a - b), reduction)


def mae_grad(input, target, reduction: str = "mean"):
    """d mae / d input = sign(input - target) / n (0 where they are equal)."""
    a, b = _pair(input, target, "mae_grad")
    return np.sign(a - b) * _scale(a.size, reduction)


def _check_delta(delta):
    if not np.isfinite(delta) or delta <= 0:
        raise ValueError(f"huber's delta must be a positive number, got {delta!r}")


def huber(input, target, delta: float = 1.0, reduction: str = "mean"):
    """Huber loss: ½r² for |r| ≤ delta, delta·(|r| - ½delta) beyond (r = input - target).

    Squared for small errors, linear for large ones: outliers pull less than in MSE.
    """
    _check_delta(delta)
    a, b = _pair(input, target, "huber")
    r = np.abs(a - b)
    return _reduce(np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta)), reduction)


def huber_grad(input, target, delta: float = 1.0, reduction: str = "mean"):
    """d huber / d input = r for |r| ≤ delta, delta·sign(r) beyond, over n."""
    _check_delta(delta)
    a, b = _pair(input, target, "huber_grad")
    return np.clip(a - b, -delta, delta) * _scale(a.size, reduction)


_LOG_FLOOR = -100.0  # log(p) is clamped here, as PyTorch does, so p = 0 costs 100, not inf


def binary_cross_entropy(input, target, reduction: str = "mean"):
    """-[y·log(p) + (1 - y)·log(1 - p)] for probabilities p = input and labels y = target.

    log is clamped at -100 (as in PyTorch), so a confident mistake costs at
    most 100 per example instead of infinity.

    >>> round(binary_cross_entropy([0.5], [1.0]), 3), round(binary_cross_entropy([0.1], [1.0]), 3)
    (0.693, 2.303)
    """
    p, y = _pair(input, target, "binary_cross_entropy")
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError(
            "binary_cross_entropy expects probabilities in [0, 1]; for raw scores (logits) "
            "use binary_cross_entropy_with_logits"
        )
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), _LOG_FLOOR)
        log_1mp = np.maximum(np.log1p(-p), _LOG_FLOOR)
    return _reduce(-(y * log_p + (1 - y) * log_1mp), reduction)


def binary_cross_entropy_grad(input, target, reduction: str = "mean"):
    """d BCE / d p = (p - y) / (p·(1 - p)), with p·(1 - p) kept ≥ 1e-12 to stay finite."""
    p, y = _pair(input, target, "binary_cross_entropy_grad")
    return (p - y) / np.maximum(p * (1 - p), 1e-12) * _scale(p.size, reduction)


def binary_cross_entropy_with_logits(input, target, reduction: str = "mean"):
    """BCE of sigmoid(input), computed from the logits directly: exact and never infinite.

    Uses max(x, 0) - x·y + log(1 + e^-|x|), which equals the textbook formula
    but never takes the log of 0 or the exp of a large number.
    """
    x, y = _pair(input, target, "binary_cross_entropy_with_logits")
    return _reduce(np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x))), reduction)


def binary_cross_entropy_with_logits_grad(input, target, reduction: str = "mean"):
    """d/dx = sigmoid(x) - y, over n: the same simple form as softmax with cross-entropy."""
    x, y = _pair(input, target, "binary_cross_entropy_with_logits_grad")
    return (sigmoid(x) - y) * _scale(x.size, reduction)


def one_hot(labels, num_classes: int) -> np.ndarray:
    """Class indices → rows of zeros with a single 1: one_hot([2], 4) is [[0, 0, 1, 0]]."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot expects integer class labels, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"class labels must be in 0..{num_classes - 1}, got values from "
            f"{labels.min()} to {labels.max()}"
        )
    return np.eye(num_classes)[labels]


def _class_targets(logits: np.ndarray, target, name: str) -> np.ndarray:
    """Turn class indices or one-hot/probability rows into rows matching ``logits``."""
    t = np.asarray(target)
    if t.shape == logits.shape:
        return t.astype(float)
    if t.shape == logits.shape[:-1] and t.dtype.kind in "iu":
        return one_hot(t, logits.shape[-1])
    raise ValueError(
        f"{name} expects target as class indices of shape {logits.shape[:-1]} or as "
        f"one-hot rows of shape {logits.shape}, got shape {t.shape} (dtype {t.dtype})"
    )


def _check_logits(x, name):
    x = _arr(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name} expects scores of shape (C,) or (N, C), got {x.shape}")
    return x


def _indices(logits: np.ndarray, target):
    """Integer class labels matching ``logits``' rows, or None for one-hot/soft rows."""
    t = np.asarray(target)
    if t.dtype.kind in "iu" and t.shape == logits.shape[:-1]:
        if t.size and (t.min() < 0 or t.max() >= logits.shape[-1]):
            one_hot(t, logits.shape[-1])  # raises the error that names the range
        return t
    return None


def nll_loss(log_probs, target, reduction: str = "mean"):
    """Negative log-likelihood: -Σ target·log_probs per example (log_probs from log_softmax)."""
    lp = _check_logits(log_probs, "nll_loss")
    idx = _indices(lp, target)
    if idx is not None:  # class labels: pick each row's entry instead of building one-hot rows
        picked = lp[idx] if lp.ndim == 1 else lp[np.arange(len(lp)), idx]
        return _reduce(-picked, reduction)
    y = _class_targets(lp, target, "nll_loss")
    return _reduce(-np.sum(y * lp, axis=-1), reduction)


def cross_entropy(input, target, reduction: str = "mean"):
    """Softmax then negative log-likelihood, from raw scores (logits), as in PyTorch.

    ``input`` has shape (N, C) (or (C,) for one example); ``target`` holds
    class indices (shape (N,)) or one-hot rows (shape (N, C)). For a
    probability p already computed, the loss of its true class is simply -log(p).

    >>> round(cross_entropy([[2.0, 1.0, 0.1]], [0]), 3)   # -log(0.659)
    0.417
    """
    return nll_loss(log_softmax(_check_logits(input, "cross_entropy")), target, reduction)


def cross_entropy_grad(input, target, reduction: str = "mean"):
    """d cross_entropy / d logits = softmax(logits) - one_hot(target), over N.

    (For soft targets whose rows do not sum to 1 it is softmax·Σtarget - target.)
    """
    x = _check_logits(input, "cross_entropy_grad")
    return log_softmax_nll_grad(log_softmax(x), target, reduction)


def log_softmax_nll_grad(log_p, target, reduction: str = "mean"):
    """``cross_entropy_grad`` from log-probabilities already computed by ``log_softmax``."""
    n = log_p.shape[0] if log_p.ndim == 2 else 1
    grad = np.exp(log_p)  # the softmax probabilities
    idx = _indices(log_p, target)
    if idx is not None:  # class labels: subtract 1 at each row's true class
        if log_p.ndim == 1:
            grad[idx] -= 1.0
        else:
            grad[np.arange(n), idx] -= 1.0
        return grad * _scale(n, reduction)
    y = _class_targets(log_p, target, "cross_entropy_grad")
    return (grad * np.sum(y, axis=-1, keepdims=True) - y) * _scale(n, reduction)
