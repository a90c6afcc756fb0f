"""Chapter 01's solutions and hidden cases (left out of a class release)."""

from __future__ import annotations

import math

from nnlib.chapters.ch01 import (
    _STEPS,
    _case,
    _second_case,
    cube,
    fourth_power,
    six_x,
    twelve_x_squared,
)

SOLUTIONS = {
    "01.1": "slope = (2.1**3 - 2**3) / 0.1",
    "01.2": '''
def derivative(f, x):
    """The slope of f at x by the central difference, with h = ∛ε · max(|x|, 1)."""
    eps = np.finfo(float).eps  # 2.2e-16, the gap between 1 and the next float
    h = eps ** (1 / 3) * max(abs(x), 1.0)
    return (f(x + h) - f(x - h)) / (2 * h)
''',
    "01.3": '''
def best_step(f, f2, x):
    """Of h = 1e-1, 1e-2, ..., 1e-15, the one whose second difference
    (f(x + h) - 2f(x) + f(x - h)) / h² is closest to the true f2(x)."""
    steps = [10.0**-k for k in range(1, 16)]
    return min(steps, key=lambda h: abs((f(x + h) - 2 * f(x) + f(x - h)) / h**2 - f2(x)))
''',
    "01.4": "predicted_error = 3e-6 / 10**2  # central error is of order h²",
}


def best_second_step(f, f2, x) -> float:
    """The reference for 01.3: the step of the list whose second difference errs least."""
    exact = f2(x)
    return min(_STEPS, key=lambda h: abs((f(x + h) - 2 * f(x) + f(x - h)) / h**2 - exact))


# Functions and points the learner's check never uses. Functions are builtins, so that a
# case can be sent to the grading sandbox by reference.


def _hidden_derivative() -> list[dict]:
    return [
        _case("tanh", math.tanh, None, 0.5, want=1 - math.tanh(0.5) ** 2),
        _case("expm1", math.expm1, math.exp, -1.0, want=math.exp(-1.0)),
        _case("cosh", math.cosh, math.sinh, -30.0, want=math.sinh(-30.0)),
        _case("sinh", math.sinh, math.cosh, 3e-3, want=math.cosh(3e-3)),
        _case("exp", math.exp, math.exp, 25.0, want=math.exp(25.0)),
        _case("log", math.log, None, 3e7, want=1 / 3e7),
    ]


def _hidden_best_step() -> list[dict]:
    cases = []
    for name, f, f2, x in [
        ("sinh", math.sinh, math.sinh, 0.7),
        ("x³", cube, six_x, -3.0),  # exact: the biggest step wins again, at a negative x
        ("exp", math.exp, math.exp, 3.0),
        ("x⁴", fourth_power, twelve_x_squared, 1.5),  # x⁴ away from 0: an ordinary U
        ("cosh", math.cosh, math.cosh, -2.0),
    ]:
        cases.append(_second_case(name, f, f2, x, want=best_second_step(f, f2, x)))
    return cases


HIDDEN = {
    "01.2": _hidden_derivative(),
    "01.3": _hidden_best_step(),
}
