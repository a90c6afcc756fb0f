"""Optimisers and learning-rate schedules, with PyTorch's names and defaults.

Chapter 08 introduces plain gradient descent (``SGD``); chapter 09 adds
momentum, RMSprop, Adam and the schedules. Each optimiser works on a list of
scalar ``Value``s (``nnlib.engine``, ``nnlib.scalar``) or of array
``Parameter``s (``nnlib.nn``) alike::

    opt = SGD(model.parameters(), lr=0.1)
    for step in range(100):
        ...                       # forward pass and loss
        opt.zero_grad()
        ...                       # backward pass
        opt.step()                # w ← w - lr · dL/dw, for every parameter

The update rules are written out in each ``step`` below; they are the whole
story, nothing is hidden.
"""

from __future__ import annotations

import math

import numpy as np

from nnlib.engine import Value
from nnlib.nn import Parameter

__all__ = [
    "SGD",
    "Adam",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ExponentialLR",
    "LinearLR",
    "Optimizer",
    "RMSprop",
    "StepLR",
]


def _check(name: str, value, low: float, high: float = math.inf, *, low_ok: bool = False):
    ok = (
        isinstance(value, int | float | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value >= low if low_ok else value > low)
        and value < high
    )
    if not ok:
        rng = f"{'[' if low_ok else '('}{low:g}, {high:g})"
        raise ValueError(f"{name} must be a finite number in {rng}, got {value!r}")
    return float(value)


class Optimizer:
    """Base class: holds the parameters and the learning rate ``lr``."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimiser got an empty list of parameters")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value | Parameter):
                raise TypeError(
                    f"parameters must be Values or Parameters, got {type(p).__name__} at {i}"
                )
        if (
            isinstance(lr, bool)
            or not isinstance(lr, int | float)
            or not math.isfinite(lr)
            or lr <= 0
        ):
            raise ValueError(f"the learning rate must be a positive finite number, got {lr!r}")
        self.lr = float(lr)
        self.initial_lr = self.lr
        self.state = [self._zeros(p) for p in self.params]

    @staticmethod
    def _zeros(p):
        return np.zeros_like(p.data) if isinstance(p, Parameter) else 0.0

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero before the next backward pass."""
        for p in self.params:
            if isinstance(p, Parameter):
                p.zero_grad()
            else:
                p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent: w ← w - lr·g.

    With ``momentum`` β > 0 it keeps a running velocity v ← β·v + g and steps
    w ← w - lr·v, so steps grow along directions the gradient keeps pointing.
    That is PyTorch's form. Many texts write v ← β·v + (1 - β)·g instead (an
    average of gradients rather than a sum); it traces exactly the same path
    when its learning rate is lr / (1 - β), ten times larger for β = 0.9.
    ``weight_decay`` λ adds λ·w to the gradient (L2 regularisation).
    """

    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        super().__init__(params, lr)
        self.momentum = _check("momentum", momentum, 0.0, 1.0, low_ok=True)
        self.weight_decay = _check("weight_decay", weight_decay, 0.0, low_ok=True)
        self._started = False

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
            if self.momentum:
                # PyTorch starts the velocity at the first gradient.
                g = self.state[i] = self.momentum * self.state[i] + g if self._started else g
            p.data -= self.lr * g
        self._started = True


class RMSprop(Optimizer):
    """Divide each step by a running root-mean-square of recent gradients.

    s ← α·s + (1 - α)·g²;  w ← w - lr·g / (√s + ε). Parameters with large
    gradients take smaller steps, and small-gradient ones larger steps.
    """

    def __init__(self, params, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8):
        super().__init__(params, lr)
        self.alpha = _check("alpha", alpha, 0.0, 1.0, low_ok=True)
        self.eps = _check("eps", eps, 0.0)

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            s = self.state[i] = self.alpha * self.state[i] + (1 - self.alpha) * g * g
            p.data -= self.lr * g / (s**0.5 + self.eps)


class Adam(Optimizer):
    """Momentum and RMSprop together, with bias correction.

    m ← β₁·m + (1 - β₁)·g          (running mean of gradients)
    v ← β₂·v + (1 - β₂)·g²         (running mean of squared gradients)
    m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)   (both start at 0: undo that bias)
    w ← w - lr·m̂ / (√v̂ + ε)

    Two betas, not one: β₁ = 0.9 for the mean, β₂ = 0.999 for the square.
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check("beta1", betas[0], 0.0, 1.0, low_ok=True),
            _check("beta2", betas[1], 0.0, 1.0, low_ok=True),
        )
        self.eps = _check("eps", eps, 0.0)
        self.t = 0
        self.second = [self._zeros(p) for p in self.params]

    def step(self) -> None:
        b1, b2 = self.betas
        self.t += 1
        c1, c2 = 1 - b1**self.t, 1 - b2**self.t
        for i, p in enumerate(self.params):
            g = p.grad
            m = self.state[i] = b1 * self.state[i] + (1 - b1) * g
            v = self.second[i] = b2 * self.second[i] + (1 - b2) * g * g
            # lr·m̂/(√v̂ + ε) with the corrections folded into two numbers:
            # m̂ = m/c1 and √v̂ = √v/√c2, so fewer array operations run.
            p.data -= (self.lr / c1) * m / (v**0.5 / c2**0.5 + self.eps)


# ------------------------------------------------------------------ schedules


class _Schedule:
    """Sets ``optimizer.lr`` from the step count; call ``step()`` once per epoch (or batch).

    ``lr_at(t)`` is the pure formula, handy for plotting a schedule.
    """

    def __init__(self, optimizer: Optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a schedule needs an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.initial_lr
        self.last_epoch = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, t: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        return [self.optimizer.lr]


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


class StepLR(_Schedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = _positive_int("step_size", step_size)
        self.gamma = _check("gamma", gamma, 0.0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(_Schedule):
    """Multiply the learning rate by ``gamma`` every step."""

    def __init__(self, optimizer, gamma: float):
        self.gamma = _check("gamma", gamma, 0.0)
        super().__init__(optimizer)

    def lr_at(self, t):
        return self.base_lr * self.gamma**t


class CosineAnnealingLR(_Schedule):
    """Glide from the base rate down to ``eta_min`` along half a cosine over ``T_max`` steps."""

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):
        self.T_max = _positive_int("T_max", T_max)
        self.eta_min = _check("eta_min", eta_min, 0.0, low_ok=True)
        super().__init__(optimizer)

    def lr_at(self, t):
        cos = (1 + math.cos(math.pi * t / self.T_max)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * cos


class CosineAnnealingWarmRestarts(_Schedule):
    """Cosine annealing that jumps back to the base rate every cycle ("warm restarts").

    The first cycle lasts ``T_0`` steps; each next one ``T_mult`` times longer.
    """

    def __init__(self, optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0):
        self.T_0 = _positive_int("T_0", T_0)
        self.T_mult = _positive_int("T_mult", T_mult)
        self.eta_min = _check("eta_min", eta_min, 0.0, low_ok=True)
        super().__init__(optimizer)

    def lr_at(self, t):
        length = self.T_0
        while t >= length:
            t -= length
            length *= self.T_mult
        cos = (1 + math.cos(math.pi * t / length)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * cos


class LinearLR(_Schedule):
    """Scale the rate linearly from ``start_factor`` to ``end_factor`` over ``total_iters``
    steps, then hold it: with start_factor < 1, this is the usual *linear warmup*."""

    def __init__(self, optimizer, start_factor=1 / 3, end_factor=1.0, total_iters: int = 5):
        self.start_factor = _check("start_factor", start_factor, 0.0, 1.0 + 1e-12)
        self.end_factor = _check("end_factor", end_factor, 0.0, 1.0 + 1e-12, low_ok=True)
        self.total_iters = _positive_int("total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, t):
        frac = min(t, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)
