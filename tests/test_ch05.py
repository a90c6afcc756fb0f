"""Chapter 05's companion (nnlib.chapters.ch05): explorers and exercises."""

import numpy as np
import pytest

from nnlib import nn
from nnlib.chapters.ch05 import (
    XOR_HIDDEN,
    XOR_OUTPUT,
    approximate,
    approximation_explorer,
    relu_network_1d,
    target_curve,
    xor_figure,
    xor_network_explorer,
    xor_network_readout,
)
from nnlib.exercises import check, get
from nnlib.solutions import ch05 as reference
from tests.exercise_helpers import define, placeholder_of, solution_of

# ------------------------------------------------------------------ explorers


def test_xor_network_readout_solves_and_breaks():
    r = xor_network_readout(1, 1, 0, 1, 1, -1)
    assert r["hidden"].tolist() == [[0, 0], [1, 0], [1, 0], [2, 1]]
    assert r["output"].tolist() == [-0.5, 0.5, 0.5, -0.5] and r["correct"] == 4
    assert XOR_OUTPUT == (1.0, -2.0, -0.5)
    assert (XOR_HIDDEN[0] == 1).all() and XOR_HIDDEN[1].tolist() == [0.0, -1.0]
    broken = xor_network_readout(1, 1, 0, 1, 1, -1.5)  # h2 switches on too late
    assert broken["predicted"].tolist() == [0, 1, 1, 1] and broken["correct"] == 3


def test_xor_network_explorer_moves_hidden_points_and_boundaries():
    ex = xor_network_explorer()
    assert ex.result["correct"] == 4
    ax_in, ax_hid = ex.figure.axes
    h2_line = ax_in.get_lines()[1]
    before = h2_line.get_xydata().copy()
    ex.sliders["b2"].value = -1.5
    assert ex.result["correct"] == 3
    points = [
        line.get_xydata()[0].tolist() for line in ax_hid.get_lines() if line.get_marker() in "o^"
    ]
    assert points == ex.result["hidden"].tolist()
    assert "3 of 4" in ex.readout.value and "3 of 4" in ax_hid.get_title()
    # h2's boundary x1 + x2 - 1.5 = 0 moved with the bias
    after = h2_line.get_xydata()
    assert not np.allclose(before, after) and np.allclose(after.sum(axis=1), 1.5)


def test_xor_explorer_survives_a_unit_with_zero_weights():
    ex = xor_network_explorer()
    ex.sliders["w11"].value = 0.0
    ex.sliders["w12"].value = 0.0
    assert len(ex.figure.axes[0].get_lines()[0].get_xdata()) == 0  # no boundary to draw


def test_xor_explorer_fits_the_page():
    """Sliders in two columns directly above a figure at most 860 px wide."""
    ex = xor_network_explorer()
    assert ex.figure.get_figwidth() * ex.figure.dpi <= 860
    _title, columns, image, readout = ex.widget.children
    assert image is ex.image and readout is ex.readout
    assert [len(c.children) for c in columns.children] == [3, 3]
    steps = {s.step for s in ex.sliders.values()}
    assert steps == {0.1}  # ten presses move a weight by 1


def test_xor_figure_draws_the_working_network():
    fig = xor_figure()
    assert "4 of 4" in fig.axes[1].get_title()
    assert fig.get_figwidth() * fig.dpi <= 860


def test_approximation_fits_only_the_output_layer():
    errors = [approximate(u)["max_error"] for u in (2, 4, 8, 16, 32, 64)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.005
    r = approximate(7)
    assert len(r["kinks"]) == 7 and len(r["v"]) == 7 and r["fit"].shape == r["xs"].shape
    assert r["kinks"][0] == -3.0  # the first hinge starts at the left end
    # the fit is exactly the network's output: units, output weights and a bias, nothing else
    assert np.allclose(relu_network_1d(r["xs"], r["kinks"], r["v"], r["c"]), r["fit"])
    assert np.allclose(r["target"], target_curve(r["xs"]))
    with pytest.raises(ValueError, match="units must be a positive integer"):
        approximate(0)


def test_approximation_explorer_follows_units():
    ex = approximation_explorer()
    ex.sliders["units"].value = 20
    assert len(ex.result["kinks"]) == 20
    fit_line = ex.figure.axes[0].get_lines()[1]
    assert np.allclose(fit_line.get_ydata(), ex.result["fit"])
    assert "20 ReLU units" in ex.figure.axes[0].get_title()


# ------------------------------------------------------------------ exercises


@pytest.mark.parametrize("ex_id", ["05.1", "05.2", "05.3", "05.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    assert check(ex_id, solution_of(ex_id)).passed is True
    fb = check(ex_id, placeholder_of(ex_id))
    assert fb.passed is None and "Not done yet" in str(fb)


def test_chapter_has_four_exercises_three_of_them_code():
    kinds = [get(f"05.{k}").kind for k in range(1, 5)]
    assert kinds == ["code", "code", "code", "value"]
    assert all(len(get(f"05.{k}").hints) == 3 for k in range(1, 5))


def test_public_expected_values_equal_the_references():
    """The public cases' wants (nnlib's layers, literals) are what our references compute."""
    for case in get("05.1").cases:
        assert np.allclose(case["want"], reference.dense(case["X"], case["W"], case["b"]))
    for case in get("05.2").cases:
        want = reference.forward(case["X"], case["layers"], case["activation"])
        assert np.allclose(case["want"], want)
    for case in get("05.3").cases:
        assert case["want"] == reference.count_parameters(case["sizes"])
        layers = [
            nn.Linear(a, b) for a, b in zip(case["sizes"][:-1], case["sizes"][1:], strict=True)
        ]
        assert case["want"] == sum(p.data.size for layer in layers for p in layer.parameters())


def test_public_cases_are_never_all_square():
    """A transposition or a bias on the wrong axis cannot pass by the luck of equal sizes."""
    dense_shapes = [(*c["X"].shape, c["W"].shape[0]) for c in get("05.1").cases]
    assert any(len({i, n, o}) == 3 for i, n, o in dense_shapes)
    assert any(n == o and i != o for i, n, o in dense_shapes)  # W @ X + b runs, wrongly
    assert any(n == 1 for _, n, _ in dense_shapes)
    depths = {len(c["layers"]) for c in get("05.2").cases}
    assert {1, 2, 3, 4} <= depths
    activations = {c["activation"].__name__ for c in get("05.2").cases}
    assert activations == {"tanh", "relu", "leaky_relu"}


def _dense(body):
    return define(f"def dense(X, W, b):\n    {body}\n", "dense")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return W @ X + b", "LAST axis"),
        ("return W @ X + b.T", "b.T changes nothing"),
        ("return X.T @ W.T + b", "one row per example, the layout of section 2"),
        ("return W @ X", "The bias is missing"),
        ("return W @ X - b[:, None]", "wrong sign"),
        ("return np.maximum(W @ X + b[:, None], 0)", "has a ReLU on it"),
        ("return X @ W.T + b", "The product that meets"),
        ("return W * X + b[:, None]", "`*` multiplies matching entries one by one"),
        ("return X.T @ W.T + b[:, None]", "Your product is (5, 4): one row per example"),
        ("return W @ X.T + b", "the left matrix has 3 column(s) and the right one 5 row(s)"),
    ],
)
def test_dense_slips_are_named(body, expected):
    fb = check("05.1", _dense(body))
    assert fb.passed is False and expected in fb.message, fb.message


def test_dense_elementwise_product_is_not_blamed_on_the_bias():
    fb = check("05.1", _dense("return W * X + b[:, None]"))
    assert "LAST axis" not in fb.message and "Make b a column" not in fb.message, fb.message


def test_dense_shape_error_names_the_shapes_of_the_case_not_a_guess():
    # W @ X.T + b: the explanation must not talk about X @ W, which the learner did not write
    fb = check("05.1", _dense("return W @ X.T + b"))
    assert "raised ValueError" in fb.message and "X @ W" not in fb.message
    assert "X is (3, 5)" in fb.message and "W @ X: (4, 3) @ (3, 5) → (4, 5)" in fb.message


def test_dense_wrong_axis_bias_is_caught_where_it_runs():
    # a bias added along the last axis runs when there are as many examples as neurons
    src = (
        "def dense(X, W, b):\n    return W @ X + (b if X.shape[1] == W.shape[0] else b[:, None])\n"
    )
    fb = check("05.1", define(src, "dense"))
    assert fb.passed is False and "b went along the wrong axis" in fb.message, fb.message


def test_dense_square_weight_slip_is_caught_by_the_square_case():
    square = "W.T if W.shape[0] == W.shape[1] else W"
    src = f"def dense(X, W, b):\n    return ({square}) @ X + b[:, None]\n"
    fb = check("05.1", define(src, "dense"))
    assert fb.passed is False and "pairs inputs with the wrong weights" in fb.message


def test_dense_rejects_things_that_are_not_functions():
    for answer in (3, "W @ X + b", True):
        fb = check("05.1", answer)
        assert fb.passed is False and "Expected a function dense" in fb.message


_LOOP = "    h = X\n    for W, b in layers{rng}:\n        h = {body}\n    return h{last}\n"


def _forward(text):
    return define("def forward(X, layers, activation):\n" + text, "forward")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_LOOP.format(rng="", body="activation(h @ W.T + b)", last=""), "after the last layer"),
        (_LOOP.format(rng="", body="h @ W.T + b", last=""), "The activation is missing"),
        (
            _LOOP.format(rng="[:-1]", body="activation(h @ W.T + b)", last=""),
            "first 1 of the 2 layers",
        ),
        (
            _LOOP.format(
                rng="[:-1]",
                body="np.maximum(h @ W.T + b, 0)",
                last=" @ layers[-1][0].T + layers[-1][1]",
            ),
            "this case passes activation = tanh",
        ),
        (
            "    W1, b1 = layers[0]\n    W2, b2 = layers[-1]\n"
            "    return activation(X @ W1.T + b1) @ W2.T + b2\n",
            "the list holds 3 layer(s)",
        ),
        (
            _LOOP.format(rng="", body="activation(h) @ W.T + b", last=""),
            "before each layer instead of after",
        ),
        (_LOOP.format(rng="", body="h @ W + b", last=""), "layer k reads the previous"),
    ],
)
def test_forward_slips_are_named(text, expected):
    fb = check("05.2", _forward(text))
    assert fb.passed is False and expected in fb.message, fb.message


def test_forward_activation_before_each_layer_is_described_as_it_runs():
    # activation(h) @ W.T + b also runs the activation between the layers: only X is extra
    fb = check("05.2", _forward(_LOOP.format(rng="", body="activation(h) @ W.T + b", last="")))
    assert "the first thing it changes is the input X" in fb.message, fb.message
    assert "not between" not in fb.message


@pytest.mark.parametrize(
    ("step", "named"),
    [("np.tanh(h @ W.T + b)", "tanh network"), ("1 / (1 + np.exp(-(h @ W.T + b)))", "sigmoid")],
)
def test_forward_names_an_activation_used_in_place_of_the_one_given(step, named):
    src = _LOOP.format(rng="[:-1]", body=step, last=" @ layers[-1][0].T + layers[-1][1]")
    fb = check("05.2", _forward(src))
    assert fb.passed is False and named in fb.message and "passes activation" in fb.message


def test_forward_agrees_with_nn_sequential():
    forward = solution_of("05.2")
    model = nn.Sequential(nn.Linear(3, 5, rng=0), nn.Tanh(), nn.Linear(5, 2, rng=1))
    X = np.random.default_rng(0).normal(size=(4, 3))
    layers = [
        (model[0].weight.data, model[0].bias.data),
        (model[2].weight.data, model[2].bias.data),
    ]
    assert np.allclose(forward(X, layers, np.tanh), model(X))


def test_forward_rejects_things_that_are_not_functions():
    fb = check("05.2", [1, 2])
    assert fb.passed is False and "Expected a function forward" in fb.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))", "weights only"),
        ("return sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:]))", "not to its inputs"),
        (
            "return sizes[0] + sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))",
            "input layer has no biases",
        ),
        ("return int(np.prod(sizes))", "neighbouring sizes"),
        ("return 2410", "first case that fails"),
    ],
)
def test_count_parameters_slips_are_named(body, expected):
    fb = check("05.3", define(f"def count_parameters(sizes):\n    {body}\n", "count_parameters"))
    assert fb.passed is False and expected in fb.message, fb.message


def test_count_parameters_accepts_numpy_integers_and_rejects_floats():
    total = "sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))"
    src = f"def count_parameters(sizes):\n    return np.int64({total})\n"
    assert check("05.3", define(src, "count_parameters")).passed is True
    src = f"def count_parameters(sizes):\n    return 0.5 + {total}\n"
    fb = check("05.3", define(src, "count_parameters"))
    assert fb.passed is False and "whole number" in fb.message


def test_count_parameters_matches_nnlib():
    count = solution_of("05.3")
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    assert count([64, 32, 10]) == sum(p.data.size for p in model.parameters()) == 2410


@pytest.mark.parametrize(
    ("answer", "passed", "expected"),
    [
        (-2.5, True, "exactly when v2 ≤ -2.5"),
        (np.float32(-2.5), True, "v2 ≤ -2.5"),
        (np.array(-2.5), True, "v2 ≤ -2.5"),
        (-3, False, "not the largest"),
        (-2, False, "the weight the guess uses"),
        (2.5, False, "sign"),
        (-1.25, False, "as if h2 were 1 at (1, 1)"),
        (0, False, "[0, 1, 1, 1]"),
        (True, False, "boolean"),
        ("-2.5", False, "remove the quotes"),
        (float("nan"), False, "NaN"),
        ([-2.5, -3.0], False, "Expected a number"),
    ],
)
def test_v2_largest(answer, passed, expected):
    fb = check("05.4", answer)
    assert fb.passed is passed and expected in fb.message, fb.message


@pytest.mark.parametrize(
    ("answer", "shown", "classes"),
    [
        (-2.4999999, "v2 = -2.4999999 the network", "[0, 1, 1, 1]"),  # not -2.5
        (-2.5000001, "v2 = -2.5000001 computes XOR", None),
        (np.float64(-2.49999999), "v2 = -2.49999999 the network", "[0, 1, 1, 1]"),
    ],
)
def test_v2_largest_shows_the_value_given_in_full(answer, shown, classes):
    # with {v2:g} -2.4999999 printed as -2.5: the right answer seemingly rejected
    fb = check("05.4", answer)
    assert fb.passed is False and shown in fb.message, fb.message
    assert "-2.5 " not in fb.message and "-2.5," not in fb.message
    if classes:
        assert classes in fb.message
