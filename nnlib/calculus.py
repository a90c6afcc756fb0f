"""Derivatives by nudging: difference quotients and numerical gradients.

Chapter 01 derives these from the definition of the limit; chapter 02 uses
them to check the derivative rules; chapter 07 uses ``numerical_gradient`` to
check backpropagation.

A derivative is the limit of a difference quotient as the step h shrinks.
A computer cannot take the limit, so it picks a small h, and pays twice:
a truncation error (h is not zero) and a round-off error (subtracting two
nearly equal floats loses digits). The defaults below balance the two for
64-bit floats: h = 1e-8 for the forward difference, whose truncation error
shrinks like h, and h = 1e-5 for the central difference, whose truncation
error shrinks like h².
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["central_difference", "derivative", "forward_difference", "numerical_gradient"]

FORWARD_H = 1e-8
CENTRAL_H = 1e-5


def _check_h(h):
    """h as a float (or a float array, to try many steps at once), if every h is > 0."""
    if isinstance(h, np.ndarray) and h.dtype.kind in "fi":
        if h.size and np.all(np.isfinite(h)) and np.all(h > 0):
            return h.astype(float)
    elif not isinstance(h, bool) and isinstance(h, int | float) and math.isfinite(h) and h > 0:
        return float(h)
    raise ValueError(f"the step h must be a positive finite number, got {h!r}")


def forward_difference(f: Callable, x, h: float = FORWARD_H):
    """(f(x + h) - f(x)) / h: the slope of the secant from x to x + h.

    Error about (h/2)·|f''(x)|, so it shrinks in proportion to h (order h).

    >>> round(forward_difference(lambda x: x**2, 3.0, h=0.1), 6)   # 2x + h
    6.1
    """
    h = _check_h(h)
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable, x, h: float = CENTRAL_H):
    """(f(x + h) - f(x - h)) / (2h): the slope of the secant from x - h to x + h.

    Error about (h²/6)·|f'''(x)|, so it shrinks like h² (order h²).

    >>> round(central_difference(lambda x: x**2, 3.0, h=0.1), 6)   # exact for parabolas
    6.0
    """
    h = _check_h(h)
    return (f(x + h) - f(x - h)) / (2 * h)


def derivative(f: Callable, x, h: float | None = None, method: str = "central"):
    """The derivative f'(x), estimated with a difference quotient.

    ``method`` is ``"central"`` (default, h = 1e-5) or ``"forward"`` (h = 1e-8).

    >>> round(derivative(lambda x: x**3, 2.0), 6)   # 3x² = 12
    12.0
    """
    if method == "central":
        return central_difference(f, x, CENTRAL_H if h is None else h)
    if method == "forward":
        return forward_difference(f, x, FORWARD_H if h is None else h)
    raise ValueError(f"method must be 'central' or 'forward', got {method!r}")


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = CENTRAL_H) -> np.ndarray:
    """The gradient of a scalar function of an array, by central differences.

    Nudges one entry of ``x`` at a time, up and down by h, so it costs two
    evaluations of f per entry: the reason backpropagation exists (chapter 07).
    ``x`` is not modified; the result has the shape of ``x``.

    >>> numerical_gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 5.0]).round(6)
    array([2., 3.])
    """
    h = _check_h(h)
    x = np.array(x, dtype=float)  # a copy: the caller's array is never nudged
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = float(f(x))
        flat[i] = old - h
        down = float(f(x))
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad
