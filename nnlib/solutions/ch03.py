"""Chapter 03's solutions, hidden cases and the reference code that computes their
expected values (left out of a class release)."""

from __future__ import annotations

import math

import numpy as np

from nnlib.chapters.ch03 import _line_case, _mismatch_case, _neuron_case, identity, relu, tanh

SOLUTIONS = {
    "03.1": '''
def neuron(x, w, b, activation):
    """The output of one neuron: activation(w·x + b)."""
    if len(x) != len(w):
        raise ValueError(f"x has {len(x)} inputs but w has {len(w)} weights")
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    return activation(z)
''',
    "03.2": '''
def line_weights(p, q, positive):
    """Weights (w1, w2, b) whose line passes through p and q, with z(positive) > 0."""
    d1, d2 = q[0] - p[0], q[1] - p[1]  # the line's direction
    w1, w2 = -d2, d1  # at right angles to it
    b = -(w1 * p[0] + w2 * p[1])  # so that z(p) = 0
    if w1 * positive[0] + w2 * positive[1] + b < 0:  # the arrow points away from positive
        w1, w2, b = -w1, -w2, -b
    return (w1, w2, b)
''',
    "03.3": "gate_weights = (1.0, -1.0, -0.5)",
    "03.4": """
# z = 1·2 + 3·(-1) + (-2)·0.5 + 4 = 2, a = ReLU(2) = 2
# ∂L/∂a = 2·(a - 5) = -6; ReLU's local derivative at z = 2 is 1, so ∂L/∂z = -6
grads = [-6 * 2.0, -6 * -1.0, -6 * 0.5, -6 * 1]
""",
}


# ------------------------------------------------------------------ references


def neuron_output(x, w, b, activation) -> float:
    """The reference for 03.1: activation(w·x + b), the sum taken exactly (math.fsum)."""
    return float(
        activation(math.fsum(float(wi) * float(xi) for wi, xi in zip(w, x, strict=True)) + b)
    )


def line_weights(p, q, positive) -> tuple[float, float, float]:
    """The reference for 03.2: (w1, w2, b) at right angles to q - p, through p, facing positive."""
    d1, d2 = q[0] - p[0], q[1] - p[1]
    w1, w2 = -d2, d1
    b = -(w1 * p[0] + w2 * p[1])
    if w1 * positive[0] + w2 * positive[1] + b < 0:
        w1, w2, b = -w1, -w2, -b
    return (float(w1), float(w2), float(b))


# ------------------------------------------------------------------ hidden cases
#
# Inputs the learner's check never shows: other activations (abs, atan, erf: builtins, so
# that a case reaches the grading sandbox by reference), longer inputs, tuples and integer
# arrays, big numbers, a bias that dwarfs w·x, and other mismatched lengths.


def _hidden_neuron() -> list[dict]:
    rng = np.random.default_rng(3031)
    cases = []
    for x, w, b, act in [
        ((1.5, -2.0, 0.5), (2.0, 1.0, -4.0), 0.5, abs),  # z = -0.5: abs tells b in from out
        (np.array([3, -1, 2]), np.array([2, 5, -1]), -2.0, math.atan),  # integer arrays
        (rng.normal(size=25).round(3), rng.normal(size=25).round(3), 1.5, math.erf),
        ([1e3, -2e3], [4.0, 2.5], 7.0, identity),  # z = -993 from terms of ±5000
        ([0.2, 0.4, 0.6, 0.8], [-1.0, -1.0, -1.0, -1.0], 10.0, tanh),
        ([-2.0, 1.0], [0.5, 0.5], -0.25, relu),  # z = -0.75: ReLU gives 0 whatever b's sign
    ]:
        cases.append(_neuron_case(x, w, b, act, neuron_output(x, w, b, act)))
    cases += [
        _mismatch_case([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 1.0, 1.0, 1.0]),
        _mismatch_case([1.5], [2.0, -1.0]),  # one input, two weights: numpy's * stretches it
        _mismatch_case(np.arange(6.0), np.arange(7.0)),
        _mismatch_case((1.0, 2.0), (3.0,)),
    ]
    return cases


def _hidden_line() -> list[dict]:
    cases = []
    for p, q, s in [
        ((0.0, 0.0), (0.0, 1.0), (-1.0, 0.0)),  # vertical through the origin, facing left
        ((5.0, 3.0), (-4.0, 3.0), (0.0, 10.0)),  # horizontal, q left of p
        ((1e6, 2e6), (1e6 + 1.0, 2e6 - 3.0), (0.0, 0.0)),  # far from the origin
        ((-2.0, -3.0), (4.0, 1.0), (10.0, -10.0)),
        ((0.1, 0.2), (0.1000001, 0.2000003), (1.0, 0.0)),  # p and q very close
        ((7.0, -1.0), (7.0, -9.0), (8.0, 0.0)),  # vertical, q below p
    ]:
        cases.append(_line_case(p, q, s, line_weights(p, q, s)))
    return cases


HIDDEN = {
    "03.1": _hidden_neuron(),
    "03.2": _hidden_line(),
}
