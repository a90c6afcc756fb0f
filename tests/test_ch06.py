"""Chapter 06's companion (nnlib.chapters.ch06): explorers and exercises."""

import numpy as np
import pytest

from nnlib.chapters.ch06 import huber_explorer, huber_readout, loss_explorer, loss_readout


def test_loss_readout_values_and_slopes():
    r = loss_readout(0.5, 1)["losses"]
    assert r["binary cross-entropy"][0] == pytest.approx(0.693, abs=5e-4)
    assert r["binary cross-entropy"][1] == pytest.approx(-2.0)
    assert r["squared error"] == pytest.approx((0.25, -1.0))
    assert r["absolute error"] == pytest.approx((0.5, -1.0))
    assert loss_readout(0.1, 1)["losses"]["binary cross-entropy"][0] == pytest.approx(
        2.303, abs=5e-4
    )
    assert loss_readout(0.1, 0)["losses"]["binary cross-entropy"][0] == pytest.approx(-np.log(0.9))
    with pytest.raises(ValueError, match="target must be 0 or 1"):
        loss_readout(0.5, 2)


def test_loss_explorer_follows_prediction_and_class():
    ex = loss_explorer()
    ex.sliders["p"].value = 0.05
    bce_dot = ex.figure.axes[0].get_lines()[1]
    assert bce_dot.get_xydata()[0] == pytest.approx([0.05, -np.log(0.05)])
    ex.sliders["target"].value = 0
    assert ex.result["losses"]["binary cross-entropy"][0] == pytest.approx(-np.log(0.95))
    assert "true class 0" in ex.figure.axes[0].get_title() and "slope d/dp" in ex.readout.value


def test_huber_readout_and_explorer():
    r = huber_readout(1.0, 3.0)["losses"]
    assert r["Huber (δ = 1)"] == pytest.approx((2.5, 1.0))
    assert r["half squared ½r²"] == (4.5, 3.0) and r["absolute |r|"] == (3.0, 1.0)
    assert huber_readout(1.0, 0.5)["losses"]["Huber (δ = 1)"] == pytest.approx((0.125, 0.5))
    ex = huber_explorer()
    ex.sliders["delta"].value = 2.0
    ex.sliders["residual"].value = 3.0
    assert ex.result["losses"]["Huber (δ = 2)"] == pytest.approx((4.0, 2.0))
    band = ex.figure.axes[0].patches[0]
    assert band.get_x() == pytest.approx(-2.0) and band.get_width() == pytest.approx(4.0)
