"""Chapter 01's companion (nnlib.chapters.ch01): explorers and exercises."""

import math

import numpy as np
import pytest

from nnlib.chapters.ch01 import (
    FUNCTIONS,
    difference_errors,
    error_explorer,
    secant_explorer,
    secant_readout,
)


def test_secant_readout_for_x_squared_is_2x_plus_h():
    r = secant_readout("x²", 3.0, 0.5)
    assert r["secant"] == pytest.approx(6.5) and r["derivative"] == 6.0
    assert r["central"] == pytest.approx(6.0) and r["secant_error"] == pytest.approx(0.5)
    assert (r["fx"], r["fxh"]) == (9.0, 12.25)


def test_secant_explorer_converges_as_h_shrinks():
    ex = secant_explorer()
    before = ex.image.value
    errors = []
    for h in [1.0, 0.1, 0.01, 0.001]:
        ex.sliders["h"].value = h
        errors.append(abs(ex.result["secant_error"]))
    assert errors == sorted(errors, reverse=True) and errors[-1] < 2e-3
    assert ex.image.value != before  # the picture was redrawn
    assert "true derivative" in ex.readout.value


def test_secant_explorer_switches_function():
    ex = secant_explorer()
    ex.sliders["function"].value = "sin(x)"
    ex.sliders["x"].value = 0.0
    assert ex.result["derivative"] == 1.0
    assert "sin(x)" in ex.figure.axes[0].get_title()


def test_difference_errors_find_the_bottom_of_the_u():
    r = difference_errors("sin(x)", 1.0, 1e-3)
    assert 1e-9 <= r["best_forward_h"] <= 1e-7
    assert 1e-7 <= r["best_central_h"] <= 1e-4
    assert r["forward_at_h"] == pytest.approx(
        abs((math.sin(1.001) - math.sin(1)) / 1e-3 - math.cos(1)), rel=1e-6
    )


def test_error_explorer_moves_its_markers():
    ex = error_explorer()
    ex.sliders["h"].value = 1e-8
    ax = ex.figure.axes[0]
    dots = [line for line in ax.get_lines() if line.get_marker() in ("o", "s")]
    assert all(np.isclose(d.get_xdata()[0], 1e-8) for d in dots)
    assert "forward error" in ex.readout.value


def test_every_function_has_its_derivative():
    for name, (_, df) in FUNCTIONS.items():
        r = secant_readout(name, 0.7, 1e-6)
        assert r["central"] == pytest.approx(float(df(0.7)), rel=1e-6), name


def test_unknown_function_is_a_clear_error():
    with pytest.raises(ValueError, match="function must be one of"):
        secant_readout("tan(x)", 0.0, 0.1)
