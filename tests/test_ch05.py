"""Chapter 05's companion (nnlib.chapters.ch05): explorers and exercises."""

import numpy as np
import pytest

from nnlib.chapters.ch05 import (
    XOR_OUTPUT,
    approximate,
    approximation_explorer,
    xor_network_explorer,
    xor_network_readout,
)


def test_xor_network_readout_solves_and_breaks():
    r = xor_network_readout(1, 1, 0, 1, 1, -1)
    assert r["hidden"].tolist() == [[0, 0], [1, 0], [1, 0], [2, 1]]
    assert r["output"].tolist() == [0, 1, 1, 0] and r["correct"] == 4
    assert XOR_OUTPUT == (1.0, -2.0, 0.0)
    broken = xor_network_readout(1, 1, 0, 1, 1, -1.5)  # h2 switches on too late
    assert broken["predicted"].tolist() == [0, 1, 1, 1] and broken["correct"] == 3


def test_xor_network_explorer_moves_hidden_points():
    ex = xor_network_explorer()
    assert ex.result["correct"] == 4
    ex.sliders["b2"].value = -1.5
    assert ex.result["correct"] == 3
    ax_hid = ex.figure.axes[1]
    points = [
        line.get_xydata()[0].tolist() for line in ax_hid.get_lines() if line.get_marker() in "o^"
    ]
    assert points == ex.result["hidden"].tolist()
    assert "3 of 4" in ex.readout.value and "3 of 4" in ax_hid.get_title()


def test_approximation_improves_with_units():
    errors = [approximate(u)["max_error"] for u in (1, 2, 5, 10, 20, 40)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.01
    r = approximate(7)
    assert len(r["kinks"]) == 7 and r["fit"].shape == r["xs"].shape
    with pytest.raises(ValueError, match="units must be a positive integer"):
        approximate(0)


def test_approximation_explorer_follows_units():
    ex = approximation_explorer()
    ex.sliders["units"].value = 20
    assert len(ex.result["kinks"]) == 20
    fit_line = ex.figure.axes[0].get_lines()[1]
    assert np.allclose(fit_line.get_ydata(), ex.result["fit"])
    assert "20 ReLU units" in ex.figure.axes[0].get_title()
