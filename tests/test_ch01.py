"""Chapter 01's companion (nnlib.chapters.ch01): explorers and exercises."""

import math

import numpy as np
import pytest

from nnlib.chapters.ch01 import (
    FUNCTIONS,
    difference_errors,
    error_explorer,
    readable,
    rule_of_thumb,
    secant_explorer,
    secant_readout,
)
from nnlib.exercises import check, get


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


# ------------------------------------------------------------ new explorer details


def test_readable_numbers():
    assert [readable(v) for v in (0.316, 1e-8, 2.5e-9, -3.0, 0.0, 0.001)] == [
        "0.32",
        "1e-8",
        "2.5e-9",
        "-3",
        "0",
        "0.001",
    ]


def test_rule_of_thumb_scales_with_x():
    eps = np.finfo(float).eps
    assert rule_of_thumb(0.0) == rule_of_thumb(1.0) == (eps**0.5, eps ** (1 / 3))
    fwd, cen = rule_of_thumb(-1000.0)
    assert fwd == pytest.approx(1000 * eps**0.5) and cen == pytest.approx(1000 * eps ** (1 / 3))


def test_h_sliders_move_a_quarter_decade_per_press():
    for ex in (secant_explorer(), error_explorer()):
        h = ex.sliders["h"]
        assert h.step == 0.25 and h.readout_format == ".2g"
        assert "(step)" in h.description
        assert 10 * h.step >= 2  # ten presses: more than a factor of 100


def test_error_explorer_reports_measured_and_rule_of_thumb_steps():
    ex = error_explorer()
    text = ex.readout.value
    assert "measured" in text and "rule of thumb" in text and "1.5e-8" in text
    ex.sliders["x"].value = 10.0
    ex.sliders["function"].value = "x³"
    assert ex.result["rule_forward_h"] == pytest.approx(10 * np.finfo(float).eps ** 0.5)
    assert "1.5e-7" in ex.readout.value
    # the bottom of the U moved with |x|
    assert ex.result["best_central_h"] > difference_errors("x³", 1.0, 1e-3)["best_central_h"]


def test_explorer_lines_differ_by_style_not_colour_alone():
    ex = error_explorer()
    styles = {line.get_label(): line.get_linestyle() for line in ex.figure.axes[0].get_lines()}
    assert styles["forward  (f(x+h) - f(x)) / h"] != styles["central  (f(x+h) - f(x-h)) / 2h"]
    ex = secant_explorer()
    styles = {line.get_label(): line.get_linestyle() for line in ex.figure.axes[0].get_lines()}
    assert styles["secant through x and x + h"] == "-."  # the notebook calls it "dash-dot"
    assert styles["tangent at x"] == "--"


# ------------------------------------------------------------ exercises 01.1-01.4


def _define(source: str) -> dict:
    ns = {"np": np, "math": math}
    exec(source, ns)
    return ns


def _answers(ex_id: str, source: str):
    ns = _define(source)
    return [ns[name] for name in get(ex_id).answers]


@pytest.mark.parametrize("ex_id", ["01.1", "01.2", "01.3", "01.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    ex = get(ex_id)
    assert check(ex_id, *_answers(ex_id, ex.solution)).passed is True
    fb = check(ex_id, *_answers(ex_id, ex.placeholder))
    assert fb.passed is None and "Not done yet" in str(fb)
    assert len(ex.hints) == 3


@pytest.mark.parametrize("answer", [12.61, np.float32(12.61), np.float64(12.61), [12.61]])
def test_01_1_accepts_numbers_as_written(answer):
    assert check("01.1", answer).passed is True


@pytest.mark.parametrize(
    "answer, words",
    [
        (12.0, "derivative"),
        (1.261, "rise over run"),
        (12.01, "central"),
        (5.0, "is not it"),
        ("12.61", "remove the quotes"),
        (True, "boolean"),
        (float("nan"), "NaN"),
        ([12.61, 1.0], "shape"),
    ],
)
def test_01_1_names_the_slip(answer, words):
    fb = check("01.1", answer)
    assert fb.passed is False and words in fb.message


def test_01_2_rejects_a_fixed_step_at_large_x():
    def derivative(f, x):
        h = 1e-5
        return (f(x + h) - f(x - h)) / (2 * h)

    fb = check("01.2", derivative)
    assert fb.passed is False
    assert "x = 1e+06" in fb.message and "fixed h = 1e-5" in fb.message


def test_01_2_rejects_the_forward_difference():
    def derivative(f, x):
        h = np.finfo(float).eps ** (1 / 3) * max(abs(x), 1.0)
        return (f(x + h) - f(x)) / h

    fb = check("01.2", derivative)
    assert fb.passed is False and "forward difference" in fb.message


def test_01_2_reports_errors_and_missing_returns():
    def derivative(f, x):
        return f(x + 1e-5) / undefined_name  # noqa: F821

    fb = check("01.2", derivative)
    assert fb.passed is False and "NameError" in fb.message and "input" in fb.message

    def derivative(f, x):
        h = 1e-5
        (f(x + h) - f(x - h)) / (2 * h)

    fb = check("01.2", derivative)
    assert fb.passed is False and "return" in fb.message


def test_01_2_rejects_a_non_function():
    fb = check("01.2", 3.0)
    assert fb.passed is False and "Expected a function" in fb.message


def test_01_3_rejects_the_smallest_step_and_the_central_best():
    def smallest(f, fprime, x):
        return 1e-15

    fb = check("01.3", smallest)
    assert fb.passed is False and "smallest h is not the best" in fb.message

    def central(f, fprime, x):
        steps = [10.0**-k for k in range(1, 16)]
        return min(steps, key=lambda h: abs((f(x + h) - f(x - h)) / (2 * h) - fprime(x)))

    fb = check("01.3", central)
    assert fb.passed is False and "central difference" in fb.message


def test_01_3_rejects_a_fixed_guess_on_unseen_functions():
    fb = check("01.3", lambda f, fprime, x: 1e-8)
    assert fb.passed is False and "x³" in fb.message  # x³ at 10 wants 1e-7


def test_01_3_success_quotes_the_rule_of_thumb():
    fb = check("01.3", *_answers("01.3", get("01.3").solution))
    assert "max(|x|, 1)" in fb.message and "x³ at 10: 1e-07" in fb.message


@pytest.mark.parametrize(
    "answer, words",
    [
        (3e-7, "order h"),
        (3e-9, "order h³"),
        (3e-5, "larger"),
        (1e-12, "h²"),
        ("3e-8", "remove the quotes"),
        (False, "boolean"),
    ],
)
def test_01_4_names_the_slip(answer, words):
    fb = check("01.4", answer)
    assert fb.passed is False and words in fb.message


@pytest.mark.parametrize("answer", [3e-8, np.float32(3e-8), 3.1e-8, 2.9e-8])
def test_01_4_accepts_the_prediction(answer):
    assert check("01.4", answer).passed is True


def test_01_3_accepts_steps_built_by_repeated_division():
    def divided(f, fprime, x):
        best, h = None, 0.1
        for _ in range(15):
            error = abs((f(x + h) - f(x)) / h - fprime(x))
            if best is None or error < best[0]:
                best = (error, h)
            h /= 10  # 0.1 / 10 / 10 ... drifts from 10.0**-k by a rounding
        return best[1]

    def logspaced(f, fprime, x):
        steps = np.logspace(-1, -15, 15)
        return steps[int(np.argmin([abs((f(x + h) - f(x)) / h - fprime(x)) for h in steps]))]

    assert check("01.3", divided).passed is True
    assert check("01.3", logspaced).passed is True


def test_01_2_states_the_range_of_x_it_checks():
    from nnlib.chapters.ch01 import _DERIVATIVE_CASES

    xs = [case["x"] for case in _DERIVATIVE_CASES]
    assert (min(xs), max(xs)) == (-2e4, 4e8)  # what the notebook and the feedback say
    fb = check("01.2", *_answers("01.2", get("01.2").solution))
    assert "from -2e4 to 4e8" in fb.message


def test_01_3_public_expected_steps_are_the_reference_ones():
    from nnlib.chapters.ch01 import _STEP_CASES
    from nnlib.solutions.ch01 import best_forward_step

    for case in _STEP_CASES:
        assert case["want"] == best_forward_step(case["f"], case["fprime"], case["x"])
