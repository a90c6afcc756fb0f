"""Widget logic without a browser: set a slider, read what the explorer shows."""

import math

import ipywidgets as widgets
import numpy as np
import pytest

from nnlib.widgets import (
    ACTIVATION_FUNCTIONS,
    ACTIVATIONS,
    FUNCTIONS,
    NEURON_DATASETS,
    NEURON_EXAMPLE,
    PLAYGROUND_DATA,
    SURFACES,
    XOR_OUTPUT,
    Explorer,
    activation_explorer,
    activation_readout,
    approximate,
    approximation_explorer,
    backprop_stepper,
    bowl_descent,
    bowl_explorer,
    build_graph,
    difference_errors,
    error_explorer,
    gradient_explorer,
    gradient_readout,
    huber_explorer,
    huber_readout,
    loss_explorer,
    loss_readout,
    make_playground,
    neuron_explorer,
    neuron_graph,
    neuron_readout,
    nudge_explorer,
    nudge_readout,
    playground,
    playground_accuracy,
    secant_explorer,
    secant_readout,
    single_neuron_explorer,
    single_neuron_readout,
    slider,
    softmax_explorer,
    softmax_readout,
    square_explorer,
    square_readout,
    stepper_readout,
    train_playground,
    valley_descent,
    valley_explorer,
    weight_nudge_explorer,
    weight_nudge_readout,
    xor_network_explorer,
    xor_network_readout,
)


def test_square_readout_is_the_function_and_its_slope():
    assert square_readout(-2.0) == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert square_readout(0.0)["slope"] == 0.0


def test_square_explorer_follows_its_slider():
    ex = square_explorer()
    assert ex.result == square_readout(1.5)
    ex.sliders["x"].value = -2.0
    assert ex.result == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert "<b>4.00</b>" in ex.readout.value and "<b>-4.00</b>" in ex.readout.value


def test_explorer_wires_any_pure_function():
    calls = []

    def compute(a, b):
        calls.append((a, b))
        return a * b

    ex = Explorer(
        {"a": slider("a", 1.0, 0.0, 5.0, 0.5), "b": slider("b", 2.0, 0.0, 5.0, 0.5)},
        compute,
        lambda r: f"product {r:.1f}",
        title="demo",
    )
    ex.sliders["b"].value = 3.0
    assert ex.result == 3.0 and ex.readout.value == "product 3.0"
    assert calls == [(1.0, 2.0), (1.0, 3.0)]
    assert ex.values() == {"a": 1.0, "b": 3.0}
    assert isinstance(ex.widget, widgets.VBox)
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_slider_clamps_to_its_range():
    s = slider("x", 0.0, -1.0, 1.0, 0.1)
    s.value = 5.0
    assert s.value == pytest.approx(1.0)


# ----------------------------------------------------------------- chapter 01


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


# ----------------------------------------------------------------- chapter 02


def test_build_graph_is_the_syllabus_graph():
    L, inputs = build_graph()
    L.backward()
    assert L.data == -8.0
    assert {k: v.grad for k, v in inputs.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_nudge_readout_matches_gradients():
    r = nudge_readout(db=1.0)
    assert r["rows"]["b"] == {"nudge": 1.0, "new_L": -12.0, "ratio": -4.0, "gradient": -4.0}
    assert r["rows"]["a"]["ratio"] is None  # not nudged
    assert r["together"] == -12.0 == r["predicted"]


def test_nudge_explorer_follows_each_slider():
    ex = nudge_explorer()
    assert set(ex.sliders) == {"da", "db", "dc", "df"}
    ex.sliders["da"].value = 0.5
    ex.sliders["df"].value = -0.25
    rows = ex.result["rows"]
    assert rows["a"]["ratio"] == pytest.approx(6.0)
    assert rows["f"]["ratio"] == pytest.approx(4.0)
    # a and f multiply: nudging both is not exactly linear
    exact = (2.5 * -3 + 10) * -2.25
    assert ex.result["together"] == pytest.approx(exact)
    assert ex.result["predicted"] == pytest.approx(-8 + 6 * 0.5 + 4 * -0.25)
    assert "<b>6.000</b>" in ex.readout.value


def test_gradient_readout_agrees_with_numerical_gradient():
    for name in SURFACES:
        r = gradient_readout(name, 0.7, -1.1)
        assert r["grad"] == pytest.approx(r["numeric"], abs=1e-6), name
    assert gradient_readout("bowl: x² + 3y²", 1.0, 1.0)["grad"] == (2.0, 6.0)
    with pytest.raises(ValueError, match="surface must be one of"):
        gradient_readout("cone", 0.0, 0.0)


def test_gradient_explorer_moves_point_and_switches_surface():
    ex = gradient_explorer()
    ex.sliders["x"].value = -1.0
    ex.sliders["y"].value = 0.5
    assert ex.result["grad"] == pytest.approx((-2.0, 3.0))
    ax = ex.figure.axes[0]
    point = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert tuple(point.get_xydata()[0]) == (-1.0, 0.5)
    before = ex.image.value
    ex.sliders["surface"].value = "saddle: x² - y²"
    assert ex.result["grad"] == pytest.approx((-2.0, -1.0))
    assert ex.image.value != before and "saddle" in ax.get_title()


# ----------------------------------------------------------------- chapter 03


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


# ----------------------------------------------------------------- chapter 04


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


# ----------------------------------------------------------------- chapter 05


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


# ----------------------------------------------------------------- chapter 06


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


# ----------------------------------------------------------------- chapter 07


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


# ----------------------------------------------------------------- chapter 08


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


def test_playground_learns_every_data_set():
    for name in PLAYGROUND_DATA:
        state = make_playground(name, noise=0.1, hidden=8)
        before = playground_accuracy(state)
        train_playground(state, 300)
        assert state["losses"][-1] < state["losses"][0] / 3, name
        assert playground_accuracy(state) >= max(before, 0.9), name
    with pytest.raises(ValueError, match="dataset must be one of"):
        make_playground("circles")
    with pytest.raises(ValueError, match="activation must be one of"):
        make_playground(activation="swish")


def test_playground_widget_ticks_and_resets():
    pg = playground()
    first = pg.image.value
    pg.tick()
    assert pg.state["epoch"] == pg.STEPS_PER_TICK and pg.image.value != first
    assert "step <b>20</b>" in pg.readout.value
    pg.play.value = 1  # what the play button does on each tick
    assert pg.state["epoch"] == 2 * pg.STEPS_PER_TICK
    pg.sliders["hidden"].value = 3  # any change starts a fresh network
    assert pg.state["epoch"] == 0 and pg.state["model"][0].weight.shape == (3, 2)
    pg.sliders["dataset"].value = "blobs"
    assert pg.state["model"][-1].weight.shape[0] == 3  # three classes
    pg.reset_button.click()
    assert pg.state["losses"] == []
    assert "application/vnd.jupyter.widget-view+json" in pg._repr_mimebundle_()
