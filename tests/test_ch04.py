"""Chapter 04's companion (nnlib.chapters.ch04): explorers and exercises."""

import math
import warnings

import numpy as np
import pytest

import nnlib.solutions.ch04 as ref
from nnlib import Value
from nnlib import functional as F
from nnlib.chapters.ch04 import (
    ACTIVATION_FUNCTIONS,
    CHAIN_FACTOR,
    CHAIN_LAYERS,
    CHAIN_WEIGHT,
    COLLAPSE_CASES,
    SIGMOID_CASES,
    SOFTMAX_CASES,
    activation_explorer,
    activation_panels,
    activation_readout,
    softmax_explorer,
    softmax_readout,
)
from nnlib.exercises import chapter_exercises, check, get


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
    for ax, (value, slope) in zip(ex.figure.axes[:5], ex.result.values(), strict=True):
        dots = [line for line in ax.get_lines() if line.get_marker() in ("o", "s")]
        assert np.allclose([d.get_xydata()[0] for d in dots], [(-2.0, value), (-2.0, slope)])
    assert "0.105" in ex.readout.value  # sigmoid's slope at -2


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


# ------------------------------------------------------------------ explorer details


def test_figures_fit_860_px_and_label_their_axes():
    fig, axes = activation_panels()
    assert fig.get_figwidth() * 96 <= 860 and len(axes) == 5
    assert all(ax.get_xlabel() for ax in axes[2:]) and axes[0].get_ylabel()
    for ex in (activation_explorer(), softmax_explorer()):
        assert ex.figure.get_figwidth() * 96 <= 860


def test_sliders_have_names_tooltips_readable_readouts_and_steps_you_can_feel():
    ex = softmax_explorer()
    t = ex.sliders["temperature"]
    assert t.readout_format == ".2f"  # 0.32, not 3.2e-1
    assert 10 * t.step >= 0.5  # ten presses move T by at least half a decade
    for s in [*ex.sliders.values(), *activation_explorer().sliders.values()]:
        assert s.description and s.tooltip
        if s is not t:
            assert 10 * s.step >= (s.max - s.min) / 10


def test_softmax_labels_stay_clear_of_the_legend():
    ex = softmax_explorer()
    ex.sliders["s1"].value, ex.sliders["temperature"].value = 3.0, 0.1
    fig = ex.figure
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    for text in ax.texts:
        assert not text.get_window_extent().overlaps(legend)


# ------------------------------------------------------------------ exercises


def _defs(source: str) -> dict:
    ns = {"np": np, "math": math}
    exec(source, ns)
    return ns


@pytest.mark.parametrize("ex_id", ["04.1", "04.2", "04.3", "04.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    ex = get(ex_id)
    solved = _defs(ex.solution)
    assert check(ex_id, *(solved[a] for a in ex.answers)).passed is True
    placeholder = _defs(ex.placeholder)
    fb = check(ex_id, *(placeholder.get(a, ...) for a in ex.answers))
    assert fb.passed is None and "Not done yet" in str(fb)


def test_chapter_04_has_code_exercises():
    kinds = [e.kind for e in chapter_exercises("04")]
    assert kinds.count("code") >= 2 and 3 <= len(kinds) <= 6


def test_public_expected_values_equal_the_reference():
    """The wants in ch04 (from nnlib.functional, or written out) equal the reference code."""
    for case in SIGMOID_CASES:
        f = ref.sigmoid if case["fn"] == "sigmoid" else ref.sigmoid_prime
        assert np.allclose(case["want"], f(case["z"]), rtol=1e-12, atol=1e-15)
    for case in SOFTMAX_CASES:
        assert np.allclose(case["want"], ref.softmax(case["z"], case["temperature"]), rtol=1e-12)
    for case in COLLAPSE_CASES:
        W, b = ref.collapse(case["W1"], case["b1"], case["W2"], case["b2"])
        assert np.array_equal(case["want"][0], W) and np.array_equal(case["want"][1], b)
    assert CHAIN_FACTOR == (CHAIN_WEIGHT * float(F.tanh_derivative(0.0))) ** CHAIN_LAYERS


def test_chain_factor_is_what_value_backward_gives():
    x = Value(0.0)
    a = x
    for _ in range(CHAIN_LAYERS):
        a = (CHAIN_WEIGHT * a + 0.0).tanh()
    a.backward()
    assert np.isclose(x.grad, CHAIN_FACTOR, rtol=1e-12)


def test_softmax_cases_hold_rows_thousands_apart_very_large_and_very_negative():
    rows = [c["z"] for c in SOFTMAX_CASES]
    assert any(np.array_equal(r, [1000.0, 1001.0]) for r in rows)
    assert any(np.array_equal(r, [-1000.0, -1001.0]) for r in rows)
    assert any(np.ptp(r) >= 4000 for r in rows)
    hidden = [c["z"] for c in ref.HIDDEN["04.2"]]
    assert any(np.all(r == r[0]) for r in hidden)  # all equal
    assert any(np.abs(r).max() >= 1e308 for r in hidden)


def test_collapse_cases_are_never_only_square():
    shapes = [(c["W1"].shape, c["W2"].shape) for c in [*COLLAPSE_CASES, *ref.HIDDEN["04.3"]]]
    assert sum(a[0] != a[1] or b[0] != b[1] for a, b in shapes) >= 0.6 * len(shapes)


def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _prime(z):
    s = _stable_sigmoid(z)
    return s * (1 - s)


def test_sigmoid_check_reports_an_overflow_as_the_failing_case():
    def naive(z):
        return 1 / (1 + np.exp(-z))

    def where_both_branches(z):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

    def naive_prime(z):
        return np.exp(-z) / (1 + np.exp(-z)) ** 2

    for sig, prime in [
        (naive, _prime),
        (where_both_branches, _prime),
        (_stable_sigmoid, naive_prime),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the check itself leaks no warning
            fb = check("04.1", sig, prime)
        assert fb.passed is False, sig
        assert "overflow" in fb.message and "1000" in fb.message and "input" in fb.message
        assert "underflow" not in fb.message
    assert "sigmoid_prime(z)" in fb.message


def test_sigmoid_check_accepts_clipping_and_scalar_friendly_versions():
    def clipped(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    assert check("04.1", clipped, lambda z: clipped(z) * (1 - clipped(z))).passed is True


def test_sigmoid_check_refuses_the_library_versions():
    from nnlib import functional

    fb = check("04.1", functional.sigmoid, functional.sigmoid_derivative)
    assert fb.passed is False and "switched off" in fb.message
    assert functional.sigmoid(0.0) == 0.5  # switched back on afterwards


@pytest.mark.parametrize(
    "prime, words",
    [
        (_stable_sigmoid, "That is σ(z), the value"),
        (lambda z: 1 - _stable_sigmoid(z) ** 2, "tanh"),
        (lambda z: _stable_sigmoid(z) * (1 + _stable_sigmoid(z)), "A sign"),
        (lambda z: -_prime(z), "slope is positive"),
        (lambda z: np.float64(0.25), "shape"),
    ],
)
def test_sigmoid_prime_slips(prime, words):
    fb = check("04.1", _stable_sigmoid, prime)
    assert fb.passed is False and words in fb.message, fb.message


def test_sigmoid_slips_and_wrong_kinds():
    fb = check("04.1", lambda z: _stable_sigmoid(-z), _prime)
    assert fb.passed is False and "σ(-z)" in fb.message
    fb = check("04.1", lambda z: np.array([1 / (1 + math.exp(-v)) for v in z]), _prime)
    assert fb.passed is False and "TypeError" in fb.message  # a loop of floats fails on 2-D z
    fb = check("04.1", 0.5, _prime)
    assert fb.passed is False and "Expected a function sigmoid(z)" in fb.message
    fb = check("04.1", lambda z: np.full(np.shape(z), np.nan), _prime)
    assert fb.passed is False and "finite" in fb.message


def _softmax(body):
    return _defs(f"def softmax(z, temperature=1.0):\n    {body}\n")["softmax"]


@pytest.mark.parametrize(
    "body, words",
    [
        ("e = np.exp(z / temperature); return e / e.sum()", "overflow"),
        ("e = np.exp(z - z.max()); return e / e.sum()", "temperature is missing"),
        ("s = z * temperature; e = np.exp(s - s.max()); return e / e.sum()", "multiplies"),
        ("s = z / temperature; return np.exp(s - s.max())", "sum to 1"),
        ("return z / z.sum()", "Exponentiate first"),
        ("return list(z)", "sum to"),
        ("return 'probabilities'", "text"),
    ],
)
def test_softmax_slips(body, words):
    fb = check("04.2", _softmax(body))
    assert fb.passed is False and words in fb.message, fb.message


def test_softmax_overflow_feedback_does_not_talk_about_np_where():
    """np.where's two branches are 04.1's trap; a softmax that overflows never used it."""
    fb = check("04.2", _softmax("e = np.exp(z / temperature); return e / e.sum()"))
    assert fb.passed is False and "overflow" in fb.message and "np.where" not in fb.message


def test_sigmoid_check_sees_through_warnings_switched_off():
    """The textbook formula inside np.errstate(over="ignore") gives the right numbers with
    no warning reaching the check; it must still fail, and not be praised."""

    def hushed(z):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-z))

    fb = check("04.1", hushed, _prime)
    assert fb.passed is False and "switches numpy's warnings off" in fb.message


def test_sigmoid_praise_is_true_of_a_clipped_exponent():
    """Clipping at ±500 takes e to powers up to 500: the praise must not say otherwise."""

    def clipped(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    fb = check("04.1", clipped, lambda z: clipped(z) * (1 - clipped(z)))
    assert fb.passed is True and "≤ 0" not in fb.message


def test_softmax_names_the_underflow_as_an_underflow():
    """Shifting only scores that are too large survives [1000, 1001] but gives 0/0 on
    [-1000, -1001]: the feedback says underflow, not overflow."""
    fb = check(
        "04.2",
        _softmax(
            "s = z / temperature\n    s = s - s.max() if s.max() > 0 else s\n"
            "    e = np.exp(s)\n    return e / e.sum()"
        ),
    )
    assert fb.passed is False and "[-1000, -1001]" in fb.message.replace(".", "")
    assert "underflow" in fb.message and "0/0" in fb.message
    assert "overflow:" not in fb.message


def test_softmax_check_accepts_dividing_after_subtracting_the_max():
    fn = _softmax("e = np.exp((z - np.max(z)) / temperature); return e / np.sum(e)")
    assert check("04.2", fn).passed is True


def test_softmax_check_refuses_the_library_version():
    from nnlib import functional

    fb = check("04.2", lambda z, temperature=1.0: functional.softmax(z, temperature=temperature))
    assert fb.passed is False and "switched off" in fb.message


@pytest.mark.parametrize(
    "body, words",
    [
        ("return W2 @ W1, W2 @ b1 + b2", "order of section 1"),  # the column layout's answer
        ("return W1 @ W2, b2", "first bias also passes through W2"),
        ("return W1 @ W2, b1 @ W2", "Add layer 2's own bias"),
        ("return W1 @ W2, W2 @ b1 + b2", "the bias is a row too"),
        ("return (W1 @ W2).T, b1 @ W2 + b2", "transposed"),
        ("return W1 @ W2", "Expected a pair"),
    ],
)
def test_collapse_slips(body, words):
    fn = _defs(f"def collapse(W1, b1, W2, b2):\n    {body}\n")["collapse"]
    fb = check("04.3", fn)
    assert fb.passed is False and words in fb.message, fb.message
    assert "expected: W = " in fb.message or "Expected a pair" in fb.message


@pytest.mark.parametrize(
    "body",
    [
        "return (W1 @ W2).tolist(), list(b1 @ W2 + b2)",
        "return np.dot(W1, W2), np.dot(b1, W2) + b2",
        "return (W2.T @ W1.T).T, W2.T @ b1 + b2",
    ],
)
def test_collapse_accepts_other_correct_forms(body):
    fn = _defs(f"def collapse(W1, b1, W2, b2):\n    {body}\n")
    assert check("04.3", fn["collapse"]).passed is True


def test_collapse_is_not_the_column_version_shown_in_section_1():
    """Section 1's code gives W = W2 @ W1 (column layout); the exercise asks for rows."""
    fn = _defs("def collapse(W1, b1, W2, b2):\n    return W2 @ W1, W2 @ b1 + b2\n")
    assert check("04.3", fn["collapse"]).passed is False


def test_factor_check():
    for good in [1.5**8, np.float32(25.62890625), 6561 / 256, np.array(1.5**8)]:
        assert check("04.4", good).passed is True
    for answer, words in [
        (0.375**8, "sigmoid's slope 0.25"),
        (0.25**8, "sigmoid's slope alone"),
        (1.0, "tanh's slopes alone"),
        (0, "tanh(0) = 0 is the value"),
        (12, "multiply, they don't add"),
        (1.5**7, "8 factors"),
        (1.5**9, "8 factors"),
        ((1.5 * (1 - math.tanh(1.5) ** 2)) ** 8, "Every z is 0"),
        (1.5**-8, "Upside down"),
        (1.5**10, "ten neurons"),
        (25.6, "rounded"),
        (0.3, "Multiply one factor"),
        (True, "boolean"),
        ("25.6", "text"),
        (float("nan"), "NaN"),
        ([0.1, 0.2], "Expected a number"),
    ]:
        fb = check("04.4", answer)
        assert fb.passed is False and words in fb.message, (answer, fb.message)


def test_activation_explorer_legend_shows_the_markers_drawn():
    from nnlib.plots import COLORS

    explorer = activation_explorer()
    legend = explorer.figure.axes[5].get_legend()
    handles = {
        t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    assert handles["value f(z), dot"].get_marker() == "o"
    assert handles["value f(z), dot"].get_color() == COLORS["blue"]
    assert handles["slope f'(z), square"].get_marker() == "s"
    assert handles["slope f'(z), square"].get_linestyle() == "--"


def test_explorers_describe_what_they_draw():
    text = activation_explorer().alt_text()
    assert "marked at z = 0.50" in text and "sigmoid 0.622, slope 0.235" in text
    text = softmax_explorer().alt_text()
    assert "class A 0.659, class B 0.242, class C 0.099" in text


def test_ch04_imports_nothing_from_the_solutions():
    import inspect

    import nnlib.chapters.ch04 as public

    assert "nnlib.solutions" not in inspect.getsource(public)
