"""Chapter 06's companion (nnlib.chapters.ch06): explorers and exercises."""

import math

import numpy as np
import pytest

from nnlib import functional as F
from nnlib.chapters.ch06 import huber_explorer, huber_readout, loss_explorer, loss_readout
from nnlib.exercises import check, get
from nnlib.solutions import ch06 as reference
from tests.exercise_helpers import define, placeholder_of, solution_of

# ------------------------------------------------------------------ explorers


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
    assert "true class 0" in ex.figure.axes[0].get_title() and "slope ∂L/∂p" in ex.readout.value


def test_loss_explorer_steps_are_felt_and_readouts_read():
    p = loss_explorer().sliders["p"]
    assert 10 * p.step >= 0.1  # ten presses move p by a tenth of its range at least
    assert p.readout_format == ".2f" and "probability" in p.description
    assert (p.min, p.max) == (0.01, 0.99)


def test_loss_explorer_tells_lines_apart_without_colour():
    ex = loss_explorer()
    curves = ex.figure.axes[0].get_lines()[0::2]
    assert len({c.get_linestyle() for c in curves}) == 3


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


# ------------------------------------------------------------------ exercises


@pytest.mark.parametrize("ex_id", ["06.1", "06.2", "06.3", "06.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    assert check(ex_id, solution_of(ex_id)).passed is True
    fb = check(ex_id, placeholder_of(ex_id))
    assert fb.passed is None and "Not done yet" in str(fb)


def test_chapter_has_four_exercises_two_of_them_code():
    assert [get(f"06.{k}").kind for k in range(1, 5)] == ["code", "code", "value", "value"]
    assert all(len(get(f"06.{k}").hints) == 3 for k in range(1, 5))


def test_public_expected_values_equal_the_references():
    """The public wants (nnlib's losses) are what our references compute."""
    for case in get("06.1").cases:
        want = reference.cross_entropy(case["logits"], case["targets"])
        assert case["want"] == pytest.approx(want, rel=1e-12)
    for case in get("06.2").cases:
        want = reference.huber(case["pred"], case["target"], case["delta"])
        assert case["want"] == pytest.approx(want, rel=1e-12)


def test_cross_entropy_cases_hold_the_numerical_properties():
    """Rows thousands apart, rows of equal scores, a square batch (keepdims), and in hidden
    cases scores up to 1e308."""
    public = get("06.1").cases
    spread = [np.ptp(c["logits"].max(axis=1)) for c in public]
    assert max(spread) >= 1000
    assert any((np.ptp(c["logits"], axis=1) == 0).any() for c in public)
    assert any(c["logits"].shape[0] == c["logits"].shape[1] > 1 for c in public)
    assert any(c["logits"].shape[0] != c["logits"].shape[1] for c in public)
    assert max(np.abs(c["logits"]).max() for c in get("06.1").hidden) == 1e308


def test_our_cross_entropy_matches_nnlib_and_stays_finite():
    ce = solution_of("06.1")
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(7, 4)), rng.integers(0, 4, size=7)
    assert ce(logits, targets) == pytest.approx(F.cross_entropy(logits, targets))
    with np.errstate(all="raise", under="ignore"):
        assert ce(np.array([[1000.0, -1000.0]]), np.array([1])) == pytest.approx(2000.0)


_CE = {
    "naive": (
        "p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n"
        "    return -np.mean(np.log(p[np.arange(len(targets)), targets]))"
    ),
    "shifted softmax, then log": (
        "z = logits - logits.max(axis=1, keepdims=True)\n"
        "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
        "    return -np.mean(np.log(p[np.arange(len(targets)), targets]))"
    ),
    "one max for the batch": (
        "m = logits.max()\n"
        "    lse = m + np.log(np.exp(logits - m).sum(axis=1))\n"
        "    return np.mean(lse - logits[np.arange(len(targets)), targets])"
    ),
    "sum": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
        "    return np.sum(lse - logits[np.arange(len(targets)), targets])"
    ),
    "sign": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
        "    return np.mean(logits[np.arange(len(targets)), targets] - lse)"
    ),
    "log10": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
        "    return np.mean(lse - logits[np.arange(len(targets)), targets]) / np.log(10)"
    ),
    "no true score": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    return np.mean(m[:, 0] + np.log(np.exp(logits - m).sum(axis=1)))"
    ),
    "column per target": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    lse = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))\n"
        "    return np.mean(lse - logits[:, targets])"
    ),
    "one loss per example": (
        "m = logits.max(axis=1, keepdims=True)\n"
        "    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
        "    return lse - logits[np.arange(len(targets)), targets]"
    ),
    "library": "from nnlib import functional as F\n    return F.cross_entropy(logits, targets)",
}


@pytest.mark.parametrize(
    ("slip", "expected"),
    [
        ("naive", "overflow encountered in exp\n  e^1000 overflows"),
        ("shifted softmax, then log", "divide by zero encountered in log\n  A log of 0"),
        ("one max for the batch", "one max m for the whole batch"),
        ("sum", "That is the sum over the batch"),
        ("sign", "Wrong sign"),
        ("log10", "log base 10"),
        ("no true score", "subtract each example's true-class score"),
        ("column per target", "logits[np.arange(N), targets]"),
        ("one loss per example", "return their mean"),
    ],
)
def test_cross_entropy_slips_are_named(slip, expected):
    src = f"def cross_entropy(logits, targets):\n    {_CE[slip]}\n"
    fb = check("06.1", define(src, "cross_entropy"))
    assert fb.passed is False and expected in fb.message, fb.message


def test_cross_entropy_must_be_written_not_borrowed():
    src = f"def cross_entropy(logits, targets):\n    {_CE['library']}\n"
    fb = check("06.1", define(src, "cross_entropy"))
    assert fb.passed is False and "asks you to write cross-entropy yourself" in fb.message
    # a name imported into the notebook is switched off too, and switched back on after
    namespace = {"np": np, "log_softmax": F.log_softmax}
    exec(
        "def cross_entropy(logits, targets):\n"
        "    return -np.mean(log_softmax(logits)[np.arange(len(targets)), targets])\n",
        namespace,
    )
    fb = check("06.1", namespace["cross_entropy"])
    assert "ShortcutRefused" in fb.message and "log-softmax" in fb.message
    assert namespace["log_softmax"] is F.log_softmax
    assert F.cross_entropy([[0.0, 0.0]], [0]) == pytest.approx(math.log(2))
    src = (
        "def cross_entropy(logits, targets):\n    return nn.CrossEntropyLoss()(logits, targets)\n"
    )
    from nnlib import nn

    namespace = {"np": np, "nn": nn}
    exec(src, namespace)
    assert "switched off" in check("06.1", namespace["cross_entropy"]).message


def test_cross_entropy_rejects_non_functions():
    fb = check("06.1", 0.417)
    assert fb.passed is False and "Expected a function cross_entropy" in fb.message


_HUBER = {
    "no half": "np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta)))",
    "no shift": "np.mean(np.where(r <= delta, 0.5 * r**2, delta * r))",
    "sum": "np.sum(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))",
    "swapped": "np.mean(np.where(r <= delta, delta * (r - 0.5 * delta), 0.5 * r**2))",
}


@pytest.mark.parametrize(
    ("slip", "expected"),
    [
        ("no half", "with the half"),
        ("no shift", "not delta·|r|"),
        ("sum", "the sum over the examples"),
        ("swapped", "branches are swapped"),
    ],
)
def test_huber_slips_are_named(slip, expected):
    head = "def huber(pred, target, delta):\n    r = np.abs(pred - target)\n"
    src = f"{head}    return {_HUBER[slip]}\n"
    fb = check("06.2", define(src, "huber"))
    assert fb.passed is False and expected in fb.message, fb.message


def test_huber_signed_residual_and_per_example_slips():
    signed = (
        "def huber(pred, target, delta):\n    r = pred - target\n"
        "    return np.mean(np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)))\n"
    )
    assert "Use |r|" in check("06.2", define(signed, "huber")).message
    per_example = (
        "def huber(pred, target, delta):\n    r = np.abs(pred - target)\n"
        "    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))\n"
    )
    assert "Return one number" in check("06.2", define(per_example, "huber")).message


def test_huber_half_without_delta_is_named_as_written():
    src = (
        "def huber(pred, target, delta):\n    r = np.abs(pred - target)\n"
        "    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5)))\n"
    )
    fb = check("06.2", define(src, "huber"))
    assert fb.passed is False and "comes to delta·|r| - ½·delta" in fb.message, fb.message


def test_huber_strict_inequality_is_also_right():
    src = (
        "def huber(pred, target, delta):\n    r = np.abs(pred - target)\n"
        "    return np.mean(np.where(r < delta, 0.5 * r**2, delta * (r - 0.5 * delta)))\n"
    )
    assert check("06.2", define(src, "huber")).passed is True  # both pieces meet at |r| = δ


def test_huber_must_be_written_not_borrowed():
    from nnlib import nn

    for body in ["F.huber(pred, target, delta=delta)", "nn.HuberLoss(delta=delta)(pred, target)"]:
        namespace = {"np": np, "F": F, "nn": nn}
        exec(f"def huber(pred, target, delta):\n    return {body}\n", namespace)
        fb = check("06.2", namespace["huber"])
        assert fb.passed is False and "write the Huber loss yourself" in fb.message, fb.message
    namespace = {"np": np, "huber_loss": F.huber}
    exec(
        "def huber(pred, target, delta):\n    return huber_loss(pred, target, delta)\n", namespace
    )
    assert "switched off" in check("06.2", namespace["huber"]).message
    assert namespace["huber_loss"] is F.huber
    # a learner's own helper with a library-like name is not a library shortcut
    namespace = {"np": np}
    exec(
        "def huber_loss(r, d):\n    return np.where(r <= d, 0.5 * r**2, d * (r - 0.5 * d))\n"
        "def huber(pred, target, delta):\n"
        "    return np.mean(huber_loss(np.abs(pred - target), delta))\n",
        namespace,
    )
    assert check("06.2", namespace["huber"]).passed is True


def test_huber_mask_multiplication_meets_an_overflowed_square():
    src = (
        "def huber(pred, target, delta):\n    r = np.abs(pred - target)\n    m = r <= delta\n"
        "    return np.mean(m * 0.5 * r**2 + (1 - m) * delta * (r - 0.5 * delta))\n"
    )
    fb = check("06.2", define(src, "huber"))
    assert fb.passed is False and "inf × 0 is NaN" in fb.message, fb.message


def test_best_constants_are_not_in_section_3():
    """Section 3 shows MSE's mean and MAE's median; 06.3 asks for Huber's and a lateness
    loss's constants, and no hint hands the number over."""
    hints = " ".join(get("06.3").hints)
    assert "15.75" not in hints and "63" not in hints and "percentile" not in hints
    assert check("06.3", (30, 15)).passed is False  # section 3's answers do not pass


def test_best_constants_are_the_minima_of_the_two_losses():
    times = np.array([12.0, 14.0, 15.0, 17.0, 92.0])
    cs = np.linspace(10, 40, 300_001)  # steps of 1e-4
    huber = [F.huber(np.full(5, c), times, delta=5.0) for c in cs[::100]]
    assert cs[::100][int(np.argmin(huber))] == pytest.approx(15.75, abs=0.01)
    late = [np.mean(np.where(times > c, 3 * (times - c), c - times)) for c in cs[::100]]
    assert cs[::100][int(np.argmin(late))] == pytest.approx(17.0, abs=0.01)


@pytest.mark.parametrize(
    ("answer", "passed", "expected"),
    [
        ((15.75, 17), True, "Huber (δ = 5) picks 15.75"),
        (np.array([63 / 4, 17.0]), True, "75th percentile"),
        ([np.float32(15.75), np.int64(17)], True, "picks 17"),
        ((17, 15.75), False, "Swapped"),
        ((30, 17), False, "the mean, MSE's answer"),
        ((15, 17), False, "the median, MAE's answer"),
        ((14.5, 17), False, "the mean without the 92"),
        ((13.25, 17), False, "pulls c up"),
        ((15.125, 17), False, "not 2r"),
        ((16, 17), False, "too high"),
        ((15.75, 15), False, "a late minute costs 3"),
        ((15.75, 14), False, "EARLY minute"),
        ((15.75, 30), False, "grows linearly"),
        ((15.75, 16), False, "too low"),
        ((15.75, 92), False, "too high"),
        ((30, 15), False, "the mean, MSE's answer"),
        ("15.75, 17", False, "text"),
        ((15.75, 17, 0), False, "shape (2,)"),
        ((15.75, float("nan")), False, "finite"),
        ((15.7500004, 17.0000003), True, "picks"),  # a minimiser's answer, within 1e-6
        ((15.7501, 17), False, "at 15.7501 the mean pull"),  # shown in full, not as 15.75
        ((15.75, 16.9999), False, "at 16.9999 the mean pull"),
        (15.75, False, "shape (2,)"),
    ],
)
def test_best_constants(answer, passed, expected):
    fb = check("06.3", answer)
    assert fb.passed is passed and expected in fb.message, fb.message


@pytest.mark.parametrize(
    ("answer", "passed", "expected"),
    [
        (math.exp(-7), True, "e^-7"),
        (np.float32(math.exp(-7)), True, "e^-7"),
        (math.exp(-0.35), False, "geometric-mean"),
        (7, False, "total negative log-likelihood"),
        (-7, False, "the log of the likelihood"),
        (1e-7, False, "natural log"),
        (math.exp(7), False, "sign"),
        (1.5, False, "between 0 and 1"),
        (0.5, False, "Add up the 20 losses"),
        (0.0009, False, "rounded too far"),
        (0.000912, True, "e^-7"),
        (True, False, "boolean"),
        ("e^-7", False, "quotes"),
        (float("nan"), False, "NaN"),
    ],
)
def test_likelihood(answer, passed, expected):
    fb = check("06.4", answer)
    assert fb.passed is passed and expected in fb.message, fb.message


@pytest.mark.parametrize("make", [loss_explorer, huber_explorer])
def test_explorers_fit_a_laptop_screen(make):
    """Sliders with the table beside them, the figure (at most 860 px wide) right below."""
    ex = make()
    _title, controls, image = ex.widget.children
    assert image is ex.image and ex.readout in controls.children
    assert ex.figure.get_figwidth() * ex.figure.dpi <= 860
    assert ex.figure.get_figheight() * ex.figure.dpi <= 360
