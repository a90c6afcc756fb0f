"""Chapter 03's companion (nnlib.chapters.ch03): explorers and exercises."""

import math

import numpy as np
import pytest

import nnlib.solutions.ch03 as ref
from nnlib import Value
from nnlib.chapters.ch03 import (
    ACTIVATIONS,
    GRAD_B,
    GRAD_TARGET,
    GRAD_W,
    GRAD_X,
    GRADS,
    LINE_CASES,
    NEURON_CASES,
    NEURON_DATASETS,
    formula,
    neuron_explorer,
    neuron_readout,
    signed,
    single_neuron_explorer,
    single_neuron_readout,
)
from nnlib.exercises import chapter_exercises, check, get


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
    assert ex.result["a"] == 0.0 and "<b>-1.00</b>" in ex.readout.value
    ex.sliders["activation"].value = "tanh"
    assert ex.result["a"] == pytest.approx(np.tanh(-1.0))
    dot = ex.figure.axes[0].get_lines()[1]
    assert tuple(dot.get_xydata()[0]) == pytest.approx((-1.0, np.tanh(-1.0)))


# ------------------------------------------------------------------ explorer details


def test_formulas_print_minus_signs_not_plus_minus():
    assert signed(-1.0) == "- 1.00" and signed(0.5) == "+ 0.50" and signed(-0.001) == "+ 0.00"
    assert formula((1.0, -0.5), -1.5) == "z = 1.00·x1 - 0.50·x2 - 1.50"
    ex = neuron_explorer()
    ex.sliders["b"].value = -1.0
    assert "+ -" not in ex.readout.value and "x2 - 1.00" in ex.readout.value
    ex = single_neuron_explorer()
    ex.sliders["b"].value, ex.sliders["x"].value = -1.0, -3.0
    assert "2.00·(-3.00) - 1.00 = <b>-7.00</b>" in ex.readout.value


def test_explorer_sliders_are_named_with_tooltips_and_steps_you_can_feel():
    for ex in (neuron_explorer(), single_neuron_explorer()):
        for s in ex.sliders.values():
            assert s.description and s.tooltip
            if hasattr(s, "step"):
                assert 10 * s.step >= (s.max - s.min) / 10  # 10 presses cross a tenth
        assert ex.figure.get_figwidth() * 96 <= 860


def test_neuron_explorer_legend_fits_in_the_figure():
    ex = neuron_explorer()
    fig = ex.figure
    fig.canvas.draw()
    legend = fig.axes[0].get_legend().get_window_extent()
    assert legend.x1 <= fig.bbox.x1 and legend.y1 <= fig.bbox.y1 and legend.x0 >= 0
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "misclassified (ring)" in labels and "z > 0: predict class 1" in labels


# ------------------------------------------------------------------ exercises


def _defs(source: str) -> dict:
    ns = {"np": np, "math": math}
    exec(source, ns)
    return ns


@pytest.mark.parametrize("ex_id", ["03.1", "03.2", "03.3", "03.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    ex = get(ex_id)
    solved = _defs(ex.solution)
    assert check(ex_id, *(solved[a] for a in ex.answers)).passed is True
    placeholder = _defs(ex.placeholder)
    fb = check(ex_id, *(placeholder.get(a, ...) for a in ex.answers))
    assert fb.passed is None and "Not done yet" in str(fb)


def test_chapter_03_has_two_code_exercises():
    kinds = [e.kind for e in chapter_exercises("03")]
    assert kinds.count("code") >= 2 and 3 <= len(kinds) <= 6


def test_public_expected_values_equal_the_reference():
    """The wants written out in ch03 are what the reference code in nnlib.solutions gives."""
    for case in NEURON_CASES:
        if case.get("mismatch"):
            assert case["want"]["in_message"] == (len(case["x"]), len(case["w"]))
            continue
        want = ref.neuron_output(case["x"], case["w"], case["b"], case["activation"])
        assert case["want"] == pytest.approx(want, rel=1e-12, abs=1e-15)
    for case in LINE_CASES:
        assert case["want"] == ref.line_weights(case["p"], case["q"], case["positive"])


def test_line_cases_have_p_and_q_on_the_line_and_positive_on_its_z_positive_side():
    for case in [*LINE_CASES, *ref.HIDDEN["03.2"]]:
        w1, w2, b = case["want"]
        for point in (case["p"], case["q"]):
            assert abs(w1 * point[0] + w2 * point[1] + b) <= 1e-9 * (1 + abs(b))
        assert w1 * case["positive"][0] + w2 * case["positive"][1] + b > 0
    directions = {(w1 == 0, w2 == 0) for w1, w2, _ in (c["want"] for c in LINE_CASES)}
    assert {(True, False), (False, True), (False, False)} <= directions  # flat, upright, slanted


def test_grads_are_what_value_backward_gives():
    xs = [Value(v) for v in GRAD_X]
    ws = [Value(v) for v in GRAD_W]
    b = Value(GRAD_B)
    z = sum((wi * xi for wi, xi in zip(ws, xs, strict=True)), b)
    loss = (z.relu() - GRAD_TARGET) ** 2
    loss.backward()
    assert [wi.grad for wi in ws] + [b.grad] == GRADS.tolist()
    assert z.data == 2.0  # ReLU passes the gradient: its local derivative at 2 is 1


def _neuron(bias=True, act_inside=True, check_lengths=True, apply_act=True, each=False):
    def neuron(x, w, b, activation):
        if check_lengths and len(x) != len(w):
            raise ValueError(f"x has {len(x)} inputs, w has {len(w)}")
        if each:
            return sum(activation(wi * xi) for wi, xi in zip(w, x, strict=False)) + b
        z = sum(wi * xi for wi, xi in zip(w, x, strict=False))
        if not apply_act:
            return z + b
        if not act_inside:
            return activation(z) + b
        return activation(z + b) if bias else activation(z)

    return neuron


@pytest.mark.parametrize(
    "slip, words",
    [
        (dict(bias=False), "bias is missing"),
        (dict(act_inside=False), "bias goes inside"),
        (dict(apply_act=False), "That is z"),
        (dict(each=True), "applied once"),
        (dict(check_lengths=False), "zip stops quietly"),
    ],
)
def test_neuron_check_names_each_slip(slip, words):
    fb = check("03.1", _neuron(**slip))
    assert fb.passed is False and words in fb.message, fb.message
    assert "input:" in fb.message


def test_neuron_check_on_mismatched_lengths():
    def numpy_neuron(x, w, b, activation):
        return activation(float(np.sum(np.asarray(w) * np.asarray(x))) + b)

    def quiet(x, w, b, activation):
        return activation(sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b)

    def wrong_kind(x, w, b, activation):
        if len(x) != len(w):
            raise TypeError("lengths differ")
        return activation(sum(wi * xi for wi, xi in zip(w, x, strict=False)) + b)

    assert check("03.1", _neuron()).passed is True
    fb = check("03.1", numpy_neuron)
    assert fb.passed is False and "broadcast" in fb.message  # [2] against three weights
    fb = check("03.1", quiet)
    assert fb.passed is False and "both lengths (3 and 2)" in fb.message
    fb = check("03.1", wrong_kind)
    assert fb.passed is False and "raise ValueError" in fb.message

    # expected and got read as sentences, not as the probe's records
    assert "expected: raise ValueError, with 3 and 2 in its message" in fb.message
    assert "got:      raised TypeError('lengths differ')" in fb.message
    fb = check("03.1", numpy_neuron)
    assert "got:      returned 6.0" in fb.message and "x has 1 number but" in fb.message

    def dot_neuron(x, w, b, activation):  # numpy's own error names both shapes: accepted
        return activation(float(np.dot(w, x)) + b)

    assert check("03.1", dot_neuron).passed is True


def test_neuron_check_refuses_non_functions_and_reports_crashes():
    fb = check("03.1", 3.0)
    assert fb.passed is False and "Expected a function" in fb.message

    def crashes(x, w, b, activation):
        return activation(x @ w + b)  # lists have no @

    fb = check("03.1", crashes)
    assert fb.passed is False and "TypeError" in fb.message and "expected:" in fb.message
    assert "Traceback" not in fb.message


def _line(body: str):
    return _defs(f"def line_weights(p, q, positive):\n{body}\n")["line_weights"]


def test_line_weights_accepts_any_positive_multiple_and_refuses_a_negative_one():
    good = _defs(get("03.2").solution)["line_weights"]
    assert check("03.2", lambda p, q, s: tuple(3 * v for v in good(p, q, s))).passed is True
    fb = check("03.2", lambda p, q, s: tuple(-v for v in good(p, q, s)))
    assert fb.passed is False and "wrong way" in fb.message
    assert "any positive multiple" in fb.message


def test_line_weights_via_a_slope_fails_on_the_vertical_line_with_words():
    fn = _line(
        "    m = (q[1] - p[1]) / (q[0] - p[0])\n"
        "    w1, w2, b = -m, 1.0, -(p[1] - m * p[0])\n"
        "    if w1 * positive[0] + w2 * positive[1] + b < 0:\n"
        "        w1, w2, b = -w1, -w2, -b\n"
        "    return w1, w2, b"
    )
    fb = check("03.2", fn)
    assert fb.passed is False and "ZeroDivisionError" in fb.message and "line " in fb.message


def test_grads_check():
    assert check("03.4", [-12, 6, -3, -6]).passed is True
    assert check("03.4", np.array([-12, 6, -3, -6], dtype=np.float32)).passed is True
    for answer, words in [
        ([2, -1, 0.5, 1], "local derivatives"),
        ([12, -6, 3, 6], "sign is flipped"),
        ([-6, 3, -1.5, -3], "factor 2 is missing"),
        ([-6, -18, 12, -6], "∂L/∂xᵢ"),
        ([0, 0, 0, 0], "ReLU's local derivative"),
        ([-12, 6, -3, -24], "not b"),
        ([-12, 6, -3], "Four numbers"),
        ([1, 2, 3, 4], "Work backwards"),
        ([-6, -12, 6, -3], "wrong order"),
        (True, "got True"),
        ("-12, 6, -3, -6", "text"),
    ]:
        fb = check("03.4", answer)
        assert fb.passed is False and words in fb.message, (answer, fb.message)


def test_gate_weights_check():
    for good in [(1, -1, -0.5), np.array([2.0, -3.0, -1.0]), [np.float32(1), -1, -0.1]]:
        assert check("03.3", good).passed is True
    fb = check("03.3", (1, 1, -1.5))
    assert (
        fb.passed is False and "It computes AND" in fb.message and "negative weight" in fb.message
    )
    fb = check("03.3", (1, -1, -1))
    assert fb.passed is False and "z = 0 counts as class 0" in fb.message
    fb = check("03.3", (1, -1, 0.5))
    assert fb.passed is False and "lower the bias" in fb.message
    fb = check("03.3", (1, -1, 0))
    assert fb.passed is True  # z = 0 at (0, 0) and (1, 1) is class 0
    assert "exactly 0 at (0, 0), (1, 1)" in fb.message  # ... which the praise points out
    assert "exactly 0" not in check("03.3", (1, -1, -0.5)).message


def test_gate_weights_check_names_the_point_on_the_wrong_side():
    # (0, 0) is already fine here: only (1, 1), where x2's veto is too weak, is wrong
    fb = check("03.3", (1, -0.5, -0.2))
    assert fb.passed is False and "(1, 1) gives z = w1 + w2 + b > 0" in fb.message
    assert "(0, 0) gives" not in fb.message
    fb = check("03.3", (0.5, -1, -0.7))
    assert fb.passed is False and "(1, 0) gives z = w1 + b ≤ 0" in fb.message
    fb = check("03.3", (-1, -1, 0.5))
    assert fb.passed is False and "x1 must vote for" in fb.message
    assert "raise w1" not in fb.message


def test_gate_weights_last_hint_allows_a_bias_of_zero():
    last = get("03.3").hints[-1]
    assert "not 0 itself" not in last and "b ≤ 0" in last
    for bad, words in [
        ("1, -1, 0", "text"),
        ([1, -1], "shape (3,)"),
        ((1, float("nan"), 0), "finite"),
    ]:
        fb = check("03.3", bad)
        assert fb.passed is False and words in fb.message, fb.message


def test_explorers_describe_what_they_draw():
    ex = neuron_explorer()
    assert "z = 1.00·x1 + 1.00·x2 - 0.50 = 0" in ex.alt_text()
    assert "2 of 4 classified right; ringed as misclassified: (0, 1), (1, 0)." in ex.alt_text()
    ex.sliders["w1"].value, ex.sliders["w2"].value = 0.0, 0.0
    assert "no line" in ex.alt_text()
    single = single_neuron_explorer()
    assert "a = ReLU(2.00·x + 1.00)" in single.alt_text() and "a = 7.00" in single.alt_text()
    single.sliders["activation"].value = "none (identity)"
    assert "a = 2.00·x + 1.00 for" in single.alt_text()


def test_ch03_imports_nothing_from_the_solutions():
    import inspect

    import nnlib.chapters.ch03 as public

    assert "nnlib.solutions" not in inspect.getsource(public)
