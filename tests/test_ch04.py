"""Chapter 04's companion (nnlib.chapters.ch04): explorers and exercises."""

import math
import warnings

import numpy as np
import pytest

from nnlib.chapters.ch04 import (
    ACTIVATION_FUNCTIONS,
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
    assert "sigmoid_prime(z)" in fb.message


def test_sigmoid_check_accepts_clipping_and_scalar_friendly_versions():
    def clipped(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    assert check("04.1", clipped, lambda z: clipped(z) * (1 - clipped(z))).passed is True


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


def test_softmax_check_accepts_dividing_after_subtracting_the_max():
    fn = _softmax("e = np.exp((z - np.max(z)) / temperature); return e / np.sum(e)")
    assert check("04.2", fn).passed is True


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
    for good in [0.5**8, np.float32(0.00390625), 1 / 256, np.array(1 / 256)]:
        assert check("04.4", good).passed is True
    for answer, words in [
        (0.25**8, "slopes alone"),
        (256, "weights alone"),
        (4, "multiply, they don't add"),
        (0.5**7, "8 factors"),
        (2 * 0.25**8, "once per neuron"),
        (0.3, "Multiply one factor"),
        (True, "boolean"),
        ("0.0039", "text"),
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
