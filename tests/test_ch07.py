"""Chapter 07's companion (nnlib.chapters.ch07): explorers and exercises."""

import pytest

from nnlib.chapters.ch07 import (
    NEURON_EXAMPLE,
    backprop_stepper,
    neuron_graph,
    stepper_readout,
    weight_nudge_explorer,
    weight_nudge_readout,
)


def test_neuron_graph_is_the_worked_example():
    L, v = neuron_graph()
    L.backward()
    assert (v["z"].data, v["a"].data, L.data) == (7.0, 7.0, 64.0)
    assert v["w"].grad == -32.0 and NEURON_EXAMPLE["target"] == 15.0


def test_stepper_reveals_gradients_in_reverse_topological_order():
    first = stepper_readout(0)
    assert first["revealed"] == [] and first["dot"].count("grad ?") == len(first["order"])
    assert first["order"][0] == "L" and set(first["order"][-3:]) >= {"w", "x"}
    r = stepper_readout(2)
    assert r["revealed"] == ["L", "a - target"]
    assert "1 × -16 = <b>-16</b>" in r["explanation"]
    assert r["dot"].count("grad ?") == len(r["order"]) - 2 and "penwidth=3" in r["dot"]
    last = stepper_readout(len(r["order"]))
    assert "grad ?" not in last["dot"]
    assert any("-16 × 2 = <b>-32</b>" in stepper_readout(k)["explanation"] for k in range(10))
    with pytest.raises(ValueError, match="step must be an integer from 0 to"):
        stepper_readout(99)


def test_backprop_stepper_redraws_on_each_step():
    ex = backprop_stepper()
    assert ex.sliders["step"].max == len(ex.result["order"])
    before = ex.readout.value
    ex.sliders["step"].value = 1
    assert ex.readout.value != before and "<svg" in ex.readout.value
    assert "dL/dL = 1" in ex.readout.value


def test_weight_nudge_prediction_against_truth():
    r = weight_nudge_readout(0.1)
    assert r["grad"] == -32.0 and r["predicted_change"] == pytest.approx(-3.2)
    assert r["actual_change"] == pytest.approx((7.2 - 15) ** 2 - 64)  # w = 3.1: z = 7.2
    big = weight_nudge_readout(1.0)
    assert abs(big["actual_change"] - big["predicted_change"]) > abs(
        r["actual_change"] - r["predicted_change"]
    )
    ex = weight_nudge_explorer()
    ex.sliders["dw"].value = -0.5
    dots = [line for line in ex.figure.axes[0].get_lines() if line.get_marker() in ("o", "s")]
    assert dots[0].get_xydata()[0] == pytest.approx([2.5, ex.result["new_L"]])
    assert "actual change" in ex.readout.value
