"""Chapter 03's companion (nnlib.chapters.ch03): explorers and exercises."""

import numpy as np
import pytest

from nnlib.chapters.ch03 import (
    ACTIVATIONS,
    NEURON_DATASETS,
    neuron_explorer,
    neuron_readout,
    single_neuron_explorer,
    single_neuron_readout,
)


def test_neuron_readout_counts_hits():
    assert neuron_readout("AND", 1.0, 1.0, -1.5)["correct"] == 4
    assert neuron_readout("OR", 1.0, 1.0, -0.5)["correct"] == 4
    assert neuron_readout("XOR", 1.0, 1.0, -0.5)["correct"] == 3
    assert neuron_readout("two clouds", 1.0, 1.0, -1.0)["correct"] == 12
    r = neuron_readout("AND", 1.0, 1.0, -0.5)
    assert r["predicted"].tolist() == [0, 1, 1, 1] and r["correct"] == 2
    with pytest.raises(ValueError, match="dataset must be one of"):
        neuron_readout("NAND", 1, 1, 1)


def test_no_slider_setting_solves_xor():
    grid = np.linspace(-3, 3, 13)
    best = max(neuron_readout("XOR", a, b, c)["correct"] for a in grid for b in grid for c in grid)
    assert best == 3


def test_neuron_explorer_moves_the_line():
    ex = neuron_explorer()
    assert ex.result["correct"] == 2  # starts at OR's weights on the AND points
    ex.sliders["b"].value = -1.5
    assert ex.result["correct"] == 4
    line = ex.figure.axes[0].get_lines()[0]
    xs, ys = line.get_data()
    assert np.allclose(1.0 * xs + 1.0 * ys - 1.5, 0)  # the drawn line is z = 0
    assert "4 of 4" in ex.readout.value and "4 of 4 right" in ex.figure.axes[0].get_title()
    ex.sliders["w2"].value = 0.0  # a vertical line is drawn too
    xs, _ = ex.figure.axes[0].get_lines()[0].get_data()
    assert np.allclose(xs, 1.5)
    ex.sliders["dataset"].value = "XOR"
    assert ex.result["total"] == 4 and set(NEURON_DATASETS) >= {"AND", "OR", "XOR"}


def test_single_neuron_worked_example():
    r = single_neuron_readout("ReLU", 2.0, 1.0, 3.0)
    assert (r["z"], r["a"]) == (7.0, 7.0)
    assert single_neuron_readout("ReLU", 2.0, 1.0, -3.0)["a"] == 0.0
    assert single_neuron_readout("sigmoid", 0.0, 0.0, 1.0)["a"] == 0.5
    assert set(ACTIVATIONS) == {"ReLU", "sigmoid", "tanh", "none (identity)"}
    with pytest.raises(ValueError, match="activation must be one of"):
        single_neuron_readout("swish", 1, 1, 1)


def test_single_neuron_explorer_follows_sliders():
    ex = single_neuron_explorer()
    ex.sliders["x"].value = -1.0
    assert ex.result["a"] == 0.0 and "<b>-1.000</b>" in ex.readout.value
    ex.sliders["activation"].value = "tanh"
    assert ex.result["a"] == pytest.approx(np.tanh(-1.0))
    dot = ex.figure.axes[0].get_lines()[1]
    assert tuple(dot.get_xydata()[0]) == pytest.approx((-1.0, np.tanh(-1.0)))
