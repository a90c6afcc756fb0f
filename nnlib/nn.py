"""Layers on numpy arrays, each with its backward pass written out by hand.

Chapter 05 runs these layers forward; chapter 07 derives every ``backward``
below and checks it against numerical gradients; chapters 08 and 09 train
with them. Names and shapes follow PyTorch's ``torch.nn``, so that what you
learn here carries over: ``Linear(in_features, out_features)`` holds
``weight`` of shape (out_features, in_features) and ``bias`` of shape
(out_features,), and computes ``x @ weight.T + bias`` for a batch ``x`` of
shape (batch, in_features).

How training looks::

    model = Sequential(Linear(2, 16, rng=0), ReLU(), Linear(16, 2, rng=1))
    loss_fn = CrossEntropyLoss()
    loss = loss_fn(model(X), y)           # forward: a float
    model.zero_grad()
    model.backward(loss_fn.backward())    # backward: fills every parameter's .grad
    optimizer.step()

Unlike PyTorch there is no automatic graph: each module keeps what its
forward pass saw, and ``backward(grad_output)`` turns dL/d(output) into
dL/d(input), adding dL/d(parameter) to each parameter's ``.grad`` on the way.
Gradients accumulate (``+=``), as in PyTorch: call ``zero_grad()`` before
each backward pass.
"""

from __future__ import annotations

import math

import numpy as np

from nnlib import functional as F
from nnlib.data import _generator

__all__ = [
    "ELU",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "L1Loss",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "clip_grad_norm_",
    "he_normal",
    "he_uniform",
    "xavier_normal",
    "xavier_uniform",
]


class Parameter:
    """A learnable array: ``.data`` holds its values, ``.grad`` dL/d(data), same shape."""

    def __init__(self, data, name: str = ""):
        self.data = np.array(data, dtype=float)
        self.grad = np.zeros_like(self.data)
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def zero_grad(self) -> None:
        self.grad = np.zeros(self.data.shape)

    def __repr__(self) -> str:
        name = f"{self.name}, " if self.name else ""
        return f"Parameter({name}shape={self.data.shape})"


class Module:
    """The base of every layer: ``forward``, ``backward``, ``parameters``, ``zero_grad``.

    Calling a module (``layer(x)``) runs ``forward(x)``. A subclass stores
    whatever its backward pass needs during ``forward``.
    """

    def __call__(self, *args):
        return self.forward(*args)

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__} has no forward pass")

    def backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__} has no backward pass")

    def parameters(self) -> list[Parameter]:
        """Every Parameter of this module and the modules inside it, in order."""
        found: list[Parameter] = []
        for value in vars(self).values():
            if isinstance(value, Parameter):
                found.append(value)
            elif isinstance(value, Module):
                found.extend(value.parameters())
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, Module):
                        found.extend(item.parameters())
        return found

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for p in self.parameters():
            p.zero_grad()

    def _saved(self, name: str):
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# --------------------------------------------------------------- initialisers


def _fans(fan_in: int, fan_out: int) -> None:
    for name, v in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")


def xavier_uniform(fan_in: int, fan_out: int, rng=0) -> np.ndarray:
    """Glorot/Xavier: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)); for tanh and sigmoid.

    Returns an array of shape (fan_out, fan_in), the layout of ``Linear.weight``.
    """
    _fans(fan_in, fan_out)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return _generator(rng).uniform(-a, a, (fan_out, fan_in))


def xavier_normal(fan_in: int, fan_out: int, rng=0) -> np.ndarray:
    """Glorot/Xavier: N(0, std²) with std = sqrt(2 / (fan_in + fan_out))."""
    _fans(fan_in, fan_out)
    return _generator(rng).normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_out, fan_in))


def he_normal(fan_in: int, fan_out: int, rng=0) -> np.ndarray:
    """He/Kaiming: N(0, std²) with std = sqrt(2 / fan_in); for ReLU layers."""
    _fans(fan_in, fan_out)
    return _generator(rng).normal(0.0, math.sqrt(2.0 / fan_in), (fan_out, fan_in))


def he_uniform(fan_in: int, fan_out: int, rng=0) -> np.ndarray:
    """He/Kaiming: U(-a, a) with a = sqrt(6 / fan_in), the same variance as he_normal."""
    _fans(fan_in, fan_out)
    a = math.sqrt(6.0 / fan_in)
    return _generator(rng).uniform(-a, a, (fan_out, fan_in))


_INITS = {
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


# ------------------------------------------------------------ gradient clipping


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0) -> float:
    """Scale all gradients together so that their combined norm is at most ``max_norm``.

    The *global* norm treats every gradient entry of every parameter as one
    long vector: total = sqrt(Σ over all parameters of Σ g²) (for norm_type 2;
    ``math.inf`` gives the largest |g|). When total > max_norm every gradient
    is multiplied by the same factor max_norm / (total + 1e-6), so the
    direction of the step is kept and only its length is cut. Returns the
    total norm *before* clipping, as PyTorch's ``torch.nn.utils.clip_grad_norm_``
    does (the trailing underscore says: changes the gradients in place).

    >>> w = Parameter([0.0, 0.0]); w.grad = np.array([3.0, 4.0])
    >>> clip_grad_norm_([w], max_norm=1.0)   # the norm was 5; now it is 1
    5.0
    >>> w.grad.round(6)
    array([0.6, 0.8])
    """
    params = [parameters] if isinstance(parameters, Parameter) else list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"clip_grad_norm_ expects Parameters (model.parameters()), "
                f"got {type(p).__name__} at position {i}"
            )
    if isinstance(max_norm, bool) or not isinstance(max_norm, int | float | np.floating):
        raise TypeError(f"max_norm must be a number, got {max_norm!r}")
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm!r}")
    if not params:
        return 0.0
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(p.grad), initial=0.0)) for p in params)
    elif isinstance(norm_type, int | float) and norm_type > 0:
        total = sum(float(np.sum(np.abs(p.grad) ** norm_type)) for p in params)
        total = total ** (1.0 / norm_type)
    else:
        raise ValueError(f"norm_type must be a positive number or math.inf, got {norm_type!r}")
    scale = float(max_norm) / (total + 1e-6)
    if scale < 1.0:
        for p in params:
            if np.issubdtype(np.asarray(p.grad).dtype, np.floating):
                p.grad *= scale
            else:
                p.grad = p.grad * scale
    return total


# --------------------------------------------------------------------- layers


class Linear(Module):
    """y = x @ weight.T + bias: every output is a weighted sum of every input, plus a bias.

    ``init`` chooses the starting weights: ``"default"`` is PyTorch's
    U(-1/sqrt(in), 1/sqrt(in)) for weight and bias; ``"he_normal"``,
    ``"he_uniform"``, ``"xavier_normal"`` or ``"xavier_uniform"`` draw the
    weight that way and start the bias at zero.

    Backward, for a batch x (N, in) and g = dL/dy (N, out):
    dL/dweight = gᵀ x, dL/dbias = Σₙ g, dL/dx = g weight.
    """

    def __init__(self, in_features: int, out_features: int, *, bias=True, init="default", rng=0):
        _fans(in_features, out_features)
        self.in_features, self.out_features = in_features, out_features
        g = _generator(rng)
        if init == "default":
            bound = 1.0 / math.sqrt(in_features)
            w = g.uniform(-bound, bound, (out_features, in_features))
            b = g.uniform(-bound, bound, out_features)
        elif init in _INITS:
            w, b = _INITS[init](in_features, out_features, g), np.zeros(out_features)
        else:
            raise ValueError(f"init must be 'default' or one of {sorted(_INITS)}, got {init!r}")
        self.weight = Parameter(w, "weight")
        self.bias = Parameter(b, "bias") if bias else None
        self._x = None

    def forward(self, x):
        x = np.asarray(x, dtype=float)
        if x.ndim not in (1, 2) or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r} expects input with {self.in_features} features, got shape {x.shape}"
            )
        self._x = x
        out = x @ self.weight.data.T
        return out + self.bias.data if self.bias is not None else out

    def backward(self, grad_output):
        x = self._saved("_x")
        g = np.asarray(grad_output, dtype=float)
        expected = (*x.shape[:-1], self.out_features)
        if g.shape != expected:
            raise ValueError(
                f"{self!r}.backward expects a gradient of shape {expected}, got {g.shape}"
            )
        if x.ndim == 1:
            self.weight.grad += np.outer(g, x)
        else:
            self.weight.grad += g.T @ x
        if self.bias is not None:
            self.bias.grad += g if g.ndim == 1 else g.sum(axis=0)
        return g @ self.weight.data

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class _Elementwise(Module):
    """An activation applied to each number on its own: backward multiplies by f'(x)."""

    def forward(self, x):
        self._x = np.asarray(x, dtype=float)
        return self._f(self._x)

    def backward(self, grad_output):
        return np.asarray(grad_output, dtype=float) * self._df(self._saved("_x"))


class ReLU(Module):
    """max(0, x). Backward lets the gradient through where x > 0 and blocks it elsewhere."""

    _x = None

    def forward(self, x):
        self._x = np.asarray(x, dtype=float)
        return np.maximum(self._x, 0.0)

    def backward(self, grad_output):
        return np.where(self._saved("_x") > 0, grad_output, 0.0)


class LeakyReLU(_Elementwise):
    """x for x > 0, negative_slope·x otherwise (default slope 0.01)."""

    _x = None

    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = negative_slope

    def _f(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def _df(self, x):
        return F.leaky_relu_derivative(x, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class ELU(_Elementwise):
    """x for x > 0, alpha·(eˣ - 1) otherwise."""

    _x = None

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def _f(self, x):
        return F.elu(x, self.alpha)

    def _df(self, x):
        return F.elu_derivative(x, self.alpha)


class Sigmoid(Module):
    """1 / (1 + e⁻ˣ). Backward uses the saved output s: dL/dx = dL/ds · s(1 - s)."""

    _s = None

    def forward(self, x):
        self._s = F.sigmoid(x)
        return self._s

    def backward(self, grad_output):
        s = self._saved("_s")
        return np.asarray(grad_output, dtype=float) * s * (1.0 - s)


class Tanh(Module):
    """tanh(x). Backward uses the saved output t: dL/dx = dL/dt · (1 - t²)."""

    _t = None

    def forward(self, x):
        self._t = np.tanh(np.asarray(x, dtype=float))
        return self._t

    def backward(self, grad_output):
        t = self._saved("_t")
        return np.asarray(grad_output, dtype=float) * (1.0 - t * t)


class Softmax(Module):
    """Scores to probabilities along ``dim`` (default: the last axis, one row per example)."""

    _s = None

    def __init__(self, dim: int = -1):
        self.dim = dim

    def forward(self, x):
        self._s = F.softmax(x, axis=self.dim)
        return self._s

    def backward(self, grad_output):
        return F.softmax_backward(self._saved("_s"), grad_output, axis=self.dim)


class Sequential(Module):
    """Layers applied one after another; backward runs them in reverse order."""

    def __init__(self, *layers: Module):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential expects Modules, got {layer!r} at position {i}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_output):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"


# --------------------------------------------------------------------- losses


class _Loss(Module):
    """A loss: ``loss_fn(input, target)`` returns a float, ``backward()`` dL/d(input)."""

    _grad = None

    def __init__(self, reduction: str = "mean"):
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        self.reduction = reduction

    def forward(self, input, target):
        self._grad = self._gradient(input, target)
        return self._value(input, target)

    def backward(self, grad_output: float = 1.0):
        """dL/d(input) for the last forward call (times ``grad_output``)."""
        return self._saved("_grad") * grad_output


class MSELoss(_Loss):
    """Mean squared error, as ``functional.mse``."""

    def _value(self, a, b):
        return F.mse(a, b, self.reduction)

    def _gradient(self, a, b):
        return F.mse_grad(a, b, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error, as ``functional.mae``."""

    def _value(self, a, b):
        return F.mae(a, b, self.reduction)

    def _gradient(self, a, b):
        return F.mae_grad(a, b, self.reduction)


class HuberLoss(_Loss):
    """Huber loss with threshold ``delta``, as ``functional.huber``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction)
        self.delta = delta

    def _value(self, a, b):
        return F.huber(a, b, self.delta, self.reduction)

    def _gradient(self, a, b):
        return F.huber_grad(a, b, self.delta, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax plus negative log-likelihood, from raw scores (logits), as in PyTorch.

    Targets are class indices (N,) or one-hot rows (N, C). Backward is the
    famously simple (softmax(logits) - one_hot(target)) / N.
    """

    def forward(self, input, target):
        log_p = F.log_softmax(F._check_logits(input, "CrossEntropyLoss"))
        self._grad = F.log_softmax_nll_grad(log_p, target, self.reduction)
        return F.nll_loss(log_p, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid plus binary cross-entropy, from raw scores; targets are 0 or 1."""

    def _value(self, a, b):
        return F.binary_cross_entropy_with_logits(a, b, self.reduction)

    def _gradient(self, a, b):
        return F.binary_cross_entropy_with_logits_grad(a, b, self.reduction)
