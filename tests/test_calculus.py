"""Difference quotients and numerical gradients."""

import math

import numpy as np
import pytest

from nnlib.calculus import (
    central_difference,
    derivative,
    forward_difference,
    numerical_gradient,
)


def test_secant_of_a_parabola_is_2x_plus_h():
    for x in [-2.0, 0.5, 3.0]:
        for h in [0.5, 0.1, 0.01]:
            assert forward_difference(lambda t: t * t, x, h) == pytest.approx(2 * x + h)


def test_central_difference_is_exact_for_parabolas():
    assert central_difference(lambda t: t * t, 3.0, 0.5) == pytest.approx(6.0)


def test_error_orders():
    f, x, true = math.sin, 1.0, math.cos(1.0)
    fwd = [abs(forward_difference(f, x, h) - true) for h in (1e-2, 1e-3)]
    cen = [abs(central_difference(f, x, h) - true) for h in (1e-2, 1e-3)]
    assert fwd[0] / fwd[1] == pytest.approx(10, rel=0.05)  # order h
    assert cen[0] / cen[1] == pytest.approx(100, rel=0.05)  # order h²


def test_default_steps_are_accurate():
    assert derivative(math.exp, 1.0) == pytest.approx(math.e, rel=1e-9)
    assert derivative(math.exp, 1.0, method="forward") == pytest.approx(math.e, rel=1e-7)
    assert derivative(math.exp, 1.0, h=1e-3) == pytest.approx(math.e, rel=1e-6)


def test_syllabus_nudge_of_minus_8():
    # L = -8 nudged by h = 1e-8 through dL/dL = 1: floating point gives 0.99999999...
    slope = forward_difference(lambda L: L, -8.0, 1e-8)
    assert slope != 1.0 and abs(slope - 1.0) < 1e-7


def test_works_on_arrays():
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_allclose(central_difference(np.square, x), 2 * x, atol=1e-8)


def test_numerical_gradient_leaves_input_alone():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)
    np.testing.assert_array_equal(x, before)
    assert g.shape == (2, 2)


@pytest.mark.parametrize("h", [0, -1e-5, float("nan"), float("inf"), "1e-5", True])
def test_bad_step(h):
    with pytest.raises(ValueError, match="positive finite number"):
        central_difference(math.sin, 0.0, h)


def test_bad_method():
    with pytest.raises(ValueError, match="'central' or 'forward', got 'backward'"):
        derivative(math.sin, 0.0, method="backward")
