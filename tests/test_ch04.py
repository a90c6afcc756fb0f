"""Chapter 04's companion (nnlib.chapters.ch04): explorers and exercises."""

import numpy as np
import pytest

from nnlib.chapters.ch04 import (
    ACTIVATION_FUNCTIONS,
    activation_explorer,
    activation_readout,
    softmax_explorer,
    softmax_readout,
)


def test_activation_readout_known_values():
    r = activation_readout(0.0)
    assert r["sigmoid"] == (0.5, 0.25) and r["tanh"] == (0.0, 1.0)
    assert r["ReLU"] == (0.0, 0.0) and r["ELU"] == (0.0, 1.0)
    r = activation_readout(-2.0)
    assert r["leaky ReLU (0.01)"] == pytest.approx((-0.02, 0.01))
    assert set(r) == set(ACTIVATION_FUNCTIONS)


def test_activation_explorer_moves_every_marker():
    ex = activation_explorer()
    ex.sliders["z"].value = -2.0
    for ax, (value, slope) in zip(ex.figure.axes, ex.result.values(), strict=True):
        dots = [line for line in ax.get_lines() if line.get_marker() in ("o", "s")]
        assert np.allclose([d.get_xydata()[0] for d in dots], [(-2.0, value), (-2.0, slope)])
    assert "0.1050" in ex.readout.value  # sigmoid's slope at -2


def test_softmax_readout_and_temperature():
    r = softmax_readout(1.0, 2.0, 1.0, 0.1)
    assert r["probs"] == pytest.approx([0.659, 0.242, 0.099], abs=5e-4)
    cold, hot = softmax_readout(0.1, 2.0, 1.0, 0.1), softmax_readout(10.0, 2.0, 1.0, 0.1)
    assert cold["probs"][0] > 0.99 and hot["probs"].max() < 0.4


def test_softmax_explorer_bars_follow_sliders():
    ex = softmax_explorer()
    ex.sliders["s3"].value = 3.0
    heights = [bar.get_height() for bar in ex.figure.axes[0].patches]
    assert heights == pytest.approx(ex.result["probs"].tolist())
    assert ex.result["probs"].argmax() == 2 and "sum 1.000" in ex.readout.value
    ex.sliders["temperature"].value = 10.0
    assert max(bar.get_height() for bar in ex.figure.axes[0].patches) < 0.45
