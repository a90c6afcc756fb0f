"""Chapter 02's solutions, hidden cases and reference code (left out of a class release)."""

from __future__ import annotations

import math

import numpy as np

from nnlib.chapters.ch02 import (
    _array_case,
    _graph_case,
    _point_case,
    half_quadratic,
    half_quadratic_gradient,
    sum_of_squares,
    sum_of_squares_gradient,
    tanh_layer,
    tanh_layer_gradient,
)

SOLUTIONS = {
    "02.1": '''
def gradient_g(x, y):
    """The gradient (∂g/∂x, ∂g/∂y) of g(x, y) = x²·y + sin(x·y), as a pair."""
    dg_dx = 2 * x * y + math.cos(x * y) * y  # y held fixed; chain rule inside sin
    dg_dy = x**2 + math.cos(x * y) * x  # x held fixed
    return (dg_dx, dg_dy)
''',
    "02.2": '''
def graph_gradients(a, b, c):
    """Every gradient of L = (a·b + b)·c, with e = a·b and d = e + b, by the chain rule.

    b is used twice (in e and in d). Returns a dict
    {"a": ∂L/∂a, "b": ∂L/∂b, "c": ∂L/∂c, "d": ∂L/∂d, "e": ∂L/∂e}.
    """
    e = a * b  # forward pass: the values the local derivatives need
    d = e + b
    dL_dd = c  # L = d·c: local derivative c, and ∂L/∂L = 1
    dL_dc = d  # local derivative d
    dL_de = dL_dd * 1.0  # d = e + b passes the gradient through to e ...
    dL_db = dL_dd * 1.0  # ... and to b: b's first path
    dL_da = dL_de * b  # e = a·b: the local derivative with respect to a is b
    dL_db += dL_de * a  # b's second path, through e (local derivative a): the two ADD up
    return {"a": dL_da, "b": dL_db, "c": dL_dc, "d": dL_dd, "e": dL_de}
''',
    "02.3": '''
def gradient_by_nudging(f, x, h=1e-5):
    """The gradient of f at x by central differences, nudging one entry of x at a time.

    x is a numpy array of any shape (possibly of integers); f(x) returns a number.
    Returns an array of x's shape. The caller's x must come back unchanged.
    """
    x = np.array(x, dtype=float)  # a float copy: integers can't hold x + h
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):  # every position, in any number of dimensions
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old  # put it back before nudging the next entry
        grad[i] = (up - down) / (2 * h)
    return grad
''',
    "02.4": "dM_da = 2 * 4.0 * 1.0 * -3.0  # ∂M/∂d · (local derivatives 1 and b) = 2d · 1 · b",
}


# ------------------------------------------------------------------ reference code


def gradient_g(x: float, y: float) -> tuple[float, float]:
    """The reference for 02.1: (∂g/∂x, ∂g/∂y) of g(x, y) = x²·y + sin(x·y)."""
    return (2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y))


def graph_gradients(a: float, b: float, c: float) -> dict[str, float]:
    """The reference for 02.2, by the chain rule (the public cases use Value.backward())."""
    return {"a": c * b, "b": c * a + c, "c": a * b + b, "d": c, "e": c}


def product_gradient(x) -> np.ndarray:
    """∂(Π xⱼ)/∂xᵢ = the product of every other entry."""
    x = np.asarray(x, dtype=float)
    grad = np.empty(x.shape)
    for i in np.ndindex(x.shape):
        others = x.copy()
        others[i] = 1.0
        grad[i] = np.prod(others)
    return grad


def norm_gradient(W) -> np.ndarray:
    """∂‖W‖/∂W = W / ‖W‖ (the Frobenius norm)."""
    W = np.asarray(W, dtype=float)
    return W / np.linalg.norm(W)


# ------------------------------------------------------------------ hidden cases
#
# Inputs the learner's check never shows. 02.3's functions are the public module's or
# numpy's own, so that a case reaches the grading sandbox by reference.


def _hidden_g() -> list[dict]:
    points = [(3.0, 0.5), (-2.5, -1.25), (0.001, 4.0), (7.0, 0.2), (2, 3), (0.5, -0.5)]
    return [_point_case(x, y, gradient_g(x, y)) for x, y in points]


def _hidden_graph() -> list[dict]:
    inputs = [
        (0.5, 0.0, -4.0),  # b = 0
        (-1.0, -7.5, 2.0),  # a = -1: b's two paths cancel again
        (100.0, -0.01, 3.0),
        (3.0, 3.0, 3.0),
        (1e3, -2e3, 0.5),
        (2, 5, -1),  # integers
    ]
    return [_graph_case(a, b, c) for a, b, c in inputs]


def _hidden_nudging() -> list[dict]:
    rng = np.random.default_rng(2026)
    return [
        # not separable: an entry left at x[i] - h changes every later entry's gradient
        _array_case("f(x) = prod(x)", np.prod, product_gradient, np.array([1.5, -2.0, 0.5, 3.0])),
        # a matrix that is not square, and another number of rows than the public one
        _array_case(
            "f(W) = sum(tanh(W·c)), W a 4×3 matrix",
            tanh_layer,
            tanh_layer_gradient,
            rng.normal(size=(4, 3)),
        ),
        _array_case(
            "f(W) = ‖W‖ (Frobenius norm), W a 3×2 matrix",
            np.linalg.norm,
            norm_gradient,
            rng.normal(size=(3, 2)),
        ),
        # three dimensions, of integers: loops over rows and columns alone miss entries
        _array_case(
            "f(x) = sum(x²), x a 2×2×3 array of integers",
            sum_of_squares,
            sum_of_squares_gradient,
            np.arange(-5, 7).reshape(2, 2, 3),
        ),
        _array_case(
            "f(x) = x·Q·x / 2 at large x",
            half_quadratic,
            half_quadratic_gradient,
            np.array([100.0, -50.0, 20.0]),
        ),
        _array_case(
            "f(X) = prod(X), X a 2×2 matrix of integers",
            np.prod,
            product_gradient,
            np.array([[1, 2], [3, 4]]),
        ),
    ]


HIDDEN = {
    "02.1": _hidden_g(),
    "02.2": _hidden_graph(),
    "02.3": _hidden_nudging(),
}
