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
        (11.41, "backward difference"),
        (4.1, "secant slope of x²"),
        (12.6, "rounded"),
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


def test_01_3_rejects_the_smallest_step_and_the_first_difference():
    fb = check("01.3", lambda f, f2, x: 1e-15)
    assert fb.passed is False and "smallest h is not the best" in fb.message

    def first_difference(f, f2, x):
        steps = [10.0**-k for k in range(1, 16)]
        return min(steps, key=lambda h: abs((f(x + h) - f(x)) / h - f2(x)))

    fb = check("01.3", first_difference)
    assert fb.passed is False and "first difference" in fb.message


def test_01_3_rejects_a_fixed_guess_on_unseen_functions():
    fb = check("01.3", lambda f, f2, x: 1e-4)
    assert fb.passed is False and "x³" in fb.message  # x³ at 2 wants 1e-1
    assert "compare the error of every step" in fb.message


def test_01_3_success_quotes_the_measured_bottoms():
    fb = check("01.3", *_answers("01.3", get("01.3").solution))
    assert "x³ at 2: 1e-01" in fb.message and "x⁴ at 0: 1e-15" in fb.message


def test_01_3_is_not_the_chapters_measurement():
    """The chapter measures first differences of sin, x², eˣ; 01.3 asks for the second
    difference, on functions and points the notebook never uses."""
    from nnlib.chapters.ch01 import _STEP_CASES

    ex = get("01.3")
    assert "f(x + h) - 2f(x) + f(x - h)" in ex.placeholder
    shown = {("sin", 1.0), ("exp", 0.0), ("x²", 1.0), ("x²", 1000.0), ("x²", 0.0)}
    assert not {(c["name"], c["x"]) for c in _STEP_CASES} & shown
    wants = {c["want"] for c in _STEP_CASES}
    assert {1e-1, 1e-15} <= wants  # the two ends of the list are each the answer once


def test_01_3_cases_have_one_clear_bottom_whatever_the_arithmetic():
    """Three orders of the same arithmetic agree on the best step, with a margin."""
    from nnlib.solutions.ch01 import best_second_step

    steps = [10.0**-k for k in range(1, 16)]
    for case in [*get("01.3").cases, *get("01.3").hidden]:
        f, f2, x = case["f"], case["f2"], case["x"]
        for quotient in (
            lambda h, f=f, x=x: (f(x + h) - 2 * f(x) + f(x - h)) / h**2,
            lambda h, f=f, x=x: (f(x + h) + f(x - h) - 2 * f(x)) / (h * h),
            lambda h, f=f, x=x: ((f(x + h) - f(x)) - (f(x) - f(x - h))) / h / h,
        ):
            errors = sorted(abs(quotient(h) - f2(x)) for h in steps)
            assert errors[0] < 0.7 * errors[1], case["name"]
            best = min(steps, key=lambda h: abs(quotient(h) - f2(x)))
            assert best == case["want"] == best_second_step(f, f2, x), case["name"]


@pytest.mark.parametrize(
    "answer, words",
    [
        (3e-7, "order h"),
        (3e-9, "order h³"),
        (3e-5, "larger"),
        (3e-6, "unchanged"),
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


def test_01_2_states_the_range_of_x_it_checks():
    from nnlib.chapters.ch01 import _DERIVATIVE_CASES

    xs = [case["x"] for case in _DERIVATIVE_CASES]
    assert (min(xs), max(xs)) == (-2e4, 4e8)  # what the notebook and the feedback say
    fb = check("01.2", *_answers("01.2", get("01.2").solution))
    assert "from -2e4 to 4e8" in fb.message


def test_01_3_public_expected_steps_are_the_reference_ones():
    from nnlib.chapters.ch01 import _STEP_CASES
    from nnlib.solutions.ch01 import best_second_step

    for case in _STEP_CASES:
        assert case["want"] == best_second_step(case["f"], case["f2"], case["x"])


def test_01_2_names_the_missing_abs_at_a_large_negative_x():
    def derivative(f, x):
        h = np.finfo(float).eps ** (1 / 3) * max(x, 1.0)
        return (f(x + h) - f(x - h)) / (2 * h)

    fb = check("01.2", derivative)
    assert fb.passed is False and "x = -20000" in fb.message and "without abs" in fb.message


def test_01_2_names_a_zero_step_at_x_0_with_numpy_numbers_too():
    def derivative(f, x):
        h = np.finfo(float).eps ** (1 / 3) * abs(x)  # numpy: 0 / 0 is NaN with a warning
        return (f(x + h) - f(x - h)) / (2 * h)

    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fb = check("01.2", derivative)
    assert fb.passed is False and "max(|x|, 1) prevents" in fb.message


def test_01_2_refuses_nnlibs_derivative():
    from nnlib import calculus

    fb = check("01.2", lambda f, x: calculus.derivative(f, x))
    assert fb.passed is False and "ShortcutRefused" in fb.message
    assert calculus.derivative(math.sin, 0.0) == pytest.approx(1.0)  # back on afterwards


def test_diagnoses_never_raise_on_odd_answers():
    for answer in (lambda f, x: "slope", lambda f, x: [1.0, 2.0], lambda f, x: None):
        assert check("01.2", answer).passed is False
    for answer in (lambda f, f2, x: "1e-4", lambda f, f2, x: [1e-4, 1e-3], lambda f, f2, x: -1):
        assert check("01.3", answer).passed is False


def test_error_explorer_says_exact_where_every_step_ties():
    """x² has no central truncation error: at x = 1 several steps give exactly 0, at x = 0
    every one does; the readout must not pick one of them as 'the best'."""
    assert difference_errors("x²", 0.0, 1e-3)["best_central"] == "none: exact at every h"
    assert difference_errors("x²", 1.0, 1e-3)["best_central"].startswith("exact at 3 steps")
    assert difference_errors("sin(x)", 1.0, 1e-3)["best_central"].startswith("smallest error")
    ex = error_explorer("x²", 0.0)
    assert "exact at every h" in ex.readout.value


def test_explorers_alt_text_follows_the_sliders():
    from nnlib.chapters.ch01 import error_explorer, secant_explorer

    secant = secant_explorer("x²", 1.0, 1.0)
    assert "slope 3.0000" in secant.alt_text() and "slope 2.0000" in secant.alt_text()
    errors = error_explorer("x²", 0.0, 1e-3)
    assert "none: exact at every h (central)" in errors.alt_text()
    errors.sliders["h"].value = 1e-8
    assert "h = 1e-8" in errors.alt_text()
