"""Chapter 04's solutions, hidden cases and the reference code that computes their
expected values (left out of a class release)."""

from __future__ import annotations

import numpy as np

from nnlib.chapters.ch04 import _collapse_case, _Layer

SOLUTIONS = {
    "04.1": '''
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for every number in the numpy array z, with no overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # e^-|z| lies between 0 and 1: it cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """The slope σ'(z) = σ(z)·(1 - σ(z)) for every number in the numpy array z."""
    s = sigmoid(z)
    return s * (1 - s)
''',
    "04.2": '''
def softmax(z, temperature=1.0):
    """Probabilities e^(zᵢ/T) / Σⱼ e^(zⱼ/T), with no overflow and no 0/0."""
    s = np.asarray(z, dtype=float) / temperature
    e = np.exp(s - s.max())  # every exponent is ≤ 0, and the largest is 0: e^0 = 1
    return e / e.sum()
''',
    "04.3": '''
def collapse(W1, b1, W2, b2):
    """The one linear layer (W, b), in the row layout, equal to layer 2 after layer 1."""
    return W1 @ W2, b1 @ W2 + b2
''',
    "04.4": "factor = (1.5 * 1.0) ** 8  # tanh'(0) = 1: each neuron contributes its weight",
}


# ------------------------------------------------------------------ references


def sigmoid(z):
    """The reference for 04.1: σ(z) from e^-|z|, which never overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """σ'(z) = e^-|z| / (1 + e^-|z|)², accurate even where σ(z) rounds to 1."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1 + e) ** 2


def softmax(z, temperature=1.0):
    """The reference for 04.2: shift by the largest score, then exponentiate."""
    s = np.asarray(z, dtype=float) / temperature
    e = np.exp(s - s.max())
    return e / e.sum()


def collapse(W1, b1, W2, b2) -> _Layer:
    """The reference for 04.3 (row layout)."""
    return _Layer(W1 @ W2, b1 @ W2 + b2)


# ------------------------------------------------------------------ hidden cases


def _hidden_sigmoid() -> list[dict]:
    rng = np.random.default_rng(4041)
    zs = [
        rng.normal(scale=20.0, size=(3, 4)),  # many saturated, a 2-D shape
        np.array([-709.0, -710.0, 709.0, 710.0]),  # both sides of e^z's overflow
        np.array([[1e300], [-1e300], [5e-324]]),  # huge, and the smallest positive float
        np.linspace(-40.0, 40.0, 81),
        np.array([-0.0, 1e-12, -1e-12]),
        np.full((2, 2, 2), -800.0),  # every element far out, a 3-D array
    ]
    cases = []
    for z in zs:
        cases.append({"fn": "sigmoid", "z": z, "want": sigmoid(z)})
        cases.append({"fn": "sigmoid_prime", "z": z, "want": sigmoid_prime(z)})
    return cases


def _hidden_softmax() -> list[dict]:
    rng = np.random.default_rng(4042)
    rows = [
        (np.array([-5000.0, -5001.0, -5003.0]), 1.0),  # every exponent underflows: 0/0
        (np.array([3000.0, -3000.0]), 1.0),  # thousands apart, mean 0
        (np.array([1e308, 1e308]), 10.0),  # equal huge scores: 1/2 each
        (np.array([-1e307, 0.0, 1e307]), 1e3),  # huge, and still finite after a shift
        (np.array([7.0, 7.0, 7.0, 7.0]), 0.05),  # all equal: uniform at any temperature
        (rng.normal(scale=50.0, size=12), 0.2),
        (np.array([-745.0, -800.0]), 1.0),
        (np.array([0.3, -0.2]), 1e-4),  # z / T = 3000 and -2000
    ]
    return [{"z": z, "temperature": t, "want": softmax(z, t)} for z, t in rows]


def _hidden_collapse() -> list[dict]:
    rng = np.random.default_rng(4043)
    cases = []
    # tall, wide and square layers whose transposes can never pass by accident
    for n, h, m in [(3, 2, 5), (6, 1, 2), (2, 7, 4), (5, 5, 5), (1, 3, 6)]:
        W1, b1 = rng.normal(size=(n, h)).round(2), rng.normal(size=h).round(2)
        W2, b2 = rng.normal(size=(h, m)).round(2), rng.normal(size=m).round(2)
        W, b = collapse(W1, b1, W2, b2)
        cases.append(_collapse_case(W1, b1, W2, b2, W, b))
    return cases


HIDDEN = {
    "04.1": _hidden_sigmoid(),
    "04.2": _hidden_softmax(),
    "04.3": _hidden_collapse(),
}
