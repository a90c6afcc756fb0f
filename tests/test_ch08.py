"""Chapter 08's companion (nnlib.chapters.ch08): explorers and exercises."""

import pytest

from nnlib.chapters.ch08 import bowl_descent, bowl_explorer, valley_descent, valley_explorer


def test_bowl_descent_learning_rates():
    assert bowl_descent(0.1, 60)["xs"][-1] == pytest.approx(-2.0, abs=1e-5)
    assert bowl_descent(0.5, 1)["xs"][-1] == -2.0
    edge = bowl_descent(1.0, 5)["xs"]
    assert edge.tolist() == [0.0, -4.0, 0.0, -4.0, 0.0, -4.0]
    assert abs(bowl_descent(1.1, 30)["xs"][-1] + 2) > 100
    assert bowl_descent(0.3, 3)["factor"] == pytest.approx(0.4)
    with pytest.raises(ValueError, match="positive number"):
        bowl_descent(0.0, 3)


def test_bowl_explorer_follows_rate_and_steps():
    ex = bowl_explorer()
    ex.sliders["lr"].value = 1.1
    ex.sliders["steps"].value = 20
    path = ex.figure.axes[0].get_lines()[1]
    assert len(path.get_xdata()) == 21 and "diverges" in ex.figure.axes[0].get_title()
    assert "-1.200" in ex.readout.value


def test_valley_descent_limit_is_one_tenth():
    assert valley_descent(0.095, 200)["losses"][-1] < 1e-6
    assert valley_descent(0.105, 200)["losses"][-1] > 1e6
    ex = valley_explorer()
    ex.sliders["steps"].value = 5
    assert ex.figure.axes[0].get_lines()[0].get_xydata().shape == (6, 2)
