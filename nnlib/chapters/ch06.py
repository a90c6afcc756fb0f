"""Chapter 06 (Loss functions):
its explorers, and its exercises with their cases, checks and hints (our solutions and the
hidden cases are in ``nnlib/solutions/ch06.py``, which a class release leaves out).

The notebook is ``notebooks/06_*.ipynb``; it imports this module as ``ch06``.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from nnlib import functional as F
from nnlib.exercises import (
    AnswerError,
    Feedback,
    as_array,
    as_number,
    call,
    close,
    correct,
    exercise,
    explain_raised,
    first_failure,
    never_raises,
    refusing,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, dropdown, slider, value_slope_table


def _compact(ex: Explorer, title: str) -> Explorer:
    """Lay the explorer out to fit a laptop screen: its title, the sliders with the table of
    numbers beside them, and the figure directly below."""
    controls = widgets.VBox(list(ex.sliders.values()))
    ex.readout.layout = widgets.Layout(margin="0 0 0 16px")
    ex.widget = widgets.VBox(
        [widgets.HTML(f"<b>{title}</b>"), widgets.HBox([controls, ex.readout]), ex.image]
    )
    return ex


def loss_readout(p: float, target: int) -> dict:
    """For one prediction p (a probability) of a 0/1 target: each loss L and its slope ∂L/∂p."""
    if target not in (0, 1):
        raise ValueError(f"target must be 0 or 1, got {target!r}")
    pa, ya = np.array([p]), np.array([float(target)])
    return {
        "p": p,
        "target": target,
        "losses": {
            "binary cross-entropy": (
                F.binary_cross_entropy(pa, ya),
                float(F.binary_cross_entropy_grad(pa, ya)[0]),
            ),
            "squared error": (F.mse(pa, ya), float(F.mse_grad(pa, ya)[0])),
            "absolute error": (F.mae(pa, ya), float(F.mae_grad(pa, ya)[0])),
        },
    }


def loss_explorer(p: float = 0.7, target: int = 1) -> Explorer:
    """A slider for the predicted probability: three losses and their slopes, for target 0 or 1."""
    fig, ax = new_figure(6.4, 3.6)
    fig.alt = (
        "Binary cross-entropy (solid), squared error (dashed) and absolute error (dotted) "
        "against the predicted probability, with a marker at the current prediction."
    )
    ps = np.linspace(0.001, 0.999, 400)
    looks = [
        (COLORS["blue"], "-", "o"),
        (COLORS["orange"], "--", "s"),
        (COLORS["green"], ":", "D"),
    ]
    curves, dots = [], []
    for name, (colour, style, marker) in zip(
        ("binary cross-entropy", "squared error", "absolute error"), looks, strict=True
    ):
        curves.append(ax.plot([], [], color=colour, lw=2, ls=style, label=name)[0])
        dots.append(ax.plot([], [], marker, color=colour, ms=8)[0])
    ax.set(xlim=(0, 1), ylim=(0, 5), xlabel="predicted probability p of class 1", ylabel="loss")
    ax.legend(fontsize=8, loc="upper center")

    def draw(r):
        y = np.full_like(ps, float(r["target"]))
        values = [
            F.binary_cross_entropy(ps, y, reduction="none"),
            (ps - y) ** 2,
            np.abs(ps - y),
        ]
        for curve, dot, v, (loss, _) in zip(
            curves, dots, values, r["losses"].values(), strict=True
        ):
            curve.set_data(ps, v)
            dot.set_data([r["p"]], [loss])
        ax.set_title(
            f"true class {r['target']}: cross-entropy grows without bound when confidently wrong",
            fontsize=9,
        )

    def render(r):
        return value_slope_table(r["losses"], "loss", "value", "slope ∂L/∂p", "+.3f")

    sliders = {
        "p": slider("predicted probability p of class 1", p, 0.01, 0.99, 0.01),
        "target": dropdown("true class", [1, 0], target),
    }
    return _compact(
        Explorer(sliders, loss_readout, render, figure=fig, draw=draw),
        "How each loss punishes a prediction",
    )


def huber_readout(delta: float, residual: float) -> dict:
    """Squared, absolute and Huber loss (threshold delta) of one residual, with slopes."""
    r = np.array([residual])
    zero = np.zeros(1)
    return {
        "delta": delta,
        "residual": residual,
        "losses": {
            "half squared ½r²": (0.5 * residual**2, residual),
            "absolute |r|": (abs(residual), float(np.sign(residual))),
            f"Huber (δ = {delta:g})": (
                F.huber(r, zero, delta),
                float(F.huber_grad(r, zero, delta)[0]),
            ),
        },
    }


def huber_explorer(delta: float = 1.0, residual: float = 2.0) -> Explorer:
    """Sliders for Huber's delta and a residual: quadratic inside ±delta, linear outside."""
    fig, ax = new_figure(6.4, 3.6)
    fig.alt = (
        "Half squared (dashed), absolute (dotted) and Huber loss (solid) against the residual, "
        "the band |r| ≤ δ shaded, with a dot at the current residual."
    )
    rs = np.linspace(-4, 4, 401)
    ax.plot(rs, 0.5 * rs**2, color=COLORS["orange"], lw=1.5, ls="--", label="half squared ½r²")
    ax.plot(rs, np.abs(rs), color=COLORS["green"], lw=1.5, ls=":", label="absolute |r|")
    (hub,) = ax.plot([], [], color=COLORS["blue"], lw=2.5, label="Huber")
    (dot,) = ax.plot([], [], "o", color=COLORS["blue"], ms=8)
    band = ax.axvspan(-delta, delta, color=COLORS["sky"], alpha=0.2, label="|r| ≤ δ: quadratic")
    ax.set(xlim=(-4, 4), ylim=(0, 8), xlabel="residual r = prediction - target", ylabel="loss")
    ax.legend(fontsize=8, loc="upper center")

    def draw(r):
        d = r["delta"]
        hub.set_data(rs, F.huber(rs, np.zeros_like(rs), d, reduction="none"))
        dot.set_data([r["residual"]], [list(r["losses"].values())[2][0]])
        band.set_x(-d)
        band.set_width(2 * d)
        ax.set_title(f"Huber with δ = {d:g}: its slope ∂L/∂r never exceeds δ", fontsize=10)

    def render(r):
        return value_slope_table(r["losses"], "loss", "value", "slope ∂L/∂r", "+.3f")

    sliders = {
        "delta": slider("δ (delta)", delta, 0.1, 3.0, 0.1),
        "residual": slider("residual r", residual, -4.0, 4.0, 0.1),
    }
    return _compact(
        Explorer(sliders, huber_readout, render, figure=fig, draw=draw),
        "Huber: squared for small errors, absolute for large",
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise: public cases (dicts; "want" is what the judge compares
# with, computed here by nnlib's own losses), a probe that runs the learner's
# code on one case (with nnlib's version of what it asks for switched off) and
# returns plain data, and a judge that sees only that data. Solutions and
# hidden cases: nnlib/solutions/ch06.py.


# -------------------------------------------------- 06.1: cross-entropy from logits


def _ce_case(logits, targets) -> dict:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    return {"logits": logits, "targets": targets, "want": float(F.cross_entropy(logits, targets))}


def _ce_cases():
    rng = np.random.default_rng(606)
    cases = [_ce_case([[2.0, 1.0, 0.1]], [0])]
    for n, c, scale in [(4, 3, 1.0), (1, 5, 2.0), (3, 3, 3.0), (6, 10, 3.0), (3, 2, 0.5)]:
        cases.append(_ce_case(rng.normal(scale=scale, size=(n, c)), rng.integers(0, c, size=n)))
    cases += [
        # rows thousands apart, each with its own largest score
        _ce_case([[1000.0, -1000.0], [-1000.0, 1000.0]], [0, 0]),
        _ce_case([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.0]], [1, 2]),
        # all equal: every class gets 1/4, whatever the size of the scores
        _ce_case([[-1000.0, -1000.0, -1000.0, -1000.0]], [3]),
        _ce_case([[5.0, 1000.0], [-3.0, -998.0], [0.0, 0.0]], [0, 1, 1]),
    ]
    return cases


#: What 06.1 and 06.2 ask the learner to write, switched off while their code is checked.
_CE_SHORTCUTS = {
    "nnlib.functional.cross_entropy": "cross-entropy",
    "nnlib.functional.log_softmax": "the log-softmax",
    "nnlib.functional.softmax": "the softmax",
    "nnlib.functional.nll_loss": "cross-entropy",
    "nnlib.nn.CrossEntropyLoss": "cross-entropy",
}
_HUBER_SHORTCUTS = {
    "nnlib.functional.huber": "the Huber loss",
    "nnlib.nn.HuberLoss": "the Huber loss",
}

_FLOAT_TROUBLE = {
    "overflow": (
        "e^1000 overflows: the largest float is about 1.8e308, which is e^709.8. Subtract each "
        "row's largest score m before exp, and add it back outside the log: "
        "log Σ e^zⱼ = m + log Σ e^(zⱼ - m). Every exponent is then ≤ 0."
    ),
    "divide by zero": (
        "A log of 0: a probability that rounded to 0 (or a row where every e^(zⱼ - m) "
        "underflowed because one max was used for the whole batch). Don't take the log of a "
        "softmax; compute log-softmax directly, z_true - m - log Σ e^(zⱼ - m), with m the max "
        "of each row (axis=1, keepdims=True)."
    ),
    "invalid value": (
        "A NaN appeared (inf - inf, or 0·inf): an exponential overflowed on the way. Shift "
        "each row by its own max before exp."
    ),
}


_EXP_UNDERFLOW = -745.0  #: e^x rounds to 0 below about this x


def _log_of_zero(case) -> str:
    """Which log of 0 this case can produce: a softmax probability that rounded to 0, or a
    row that underflowed entirely under one max for the whole batch (told apart by the case)."""
    logits, targets = case["logits"], case["targets"]
    rows = np.arange(len(targets))
    batch_wide = bool(((logits - logits.max()).max(axis=1) < _EXP_UNDERFLOW).any())
    gaps = logits[rows, targets] - logits.max(axis=1)  # log of each true probability, at most
    probability = bool((gaps < _EXP_UNDERFLOW).any())
    if batch_wide and not probability:
        return (
            "A log of 0: with one max m for the whole batch, every e^(zⱼ - m) of a row far "
            "below it underflows to 0, and so does their sum. Take each row's own max: "
            "logits.max(axis=1, keepdims=True)."
        )
    if probability and not batch_wide:
        return (
            f"A log of 0: a probability that rounded to 0 (e^{gaps.min():g} is 0 in floats, "
            f"though its log, about {gaps.min():g}, is an ordinary number). Don't take the log "
            "of a softmax; compute "
            "log-softmax directly, z_true - m - log Σ e^(zⱼ - m), with m the max of each row."
        )
    return _FLOAT_TROUBLE["divide by zero"]


@never_raises
def _explain_ce_error(case, raised_error):
    if raised_error.type == "FloatingPointError" and "divide by zero" in raised_error.message:
        return _log_of_zero(case)
    if raised_error.type == "FloatingPointError":
        return next((t for k, t in _FLOAT_TROUBLE.items() if k in raised_error.message), None)
    if "broadcast" in raised_error.message:
        n, c = case["logits"].shape
        return (
            f"logits is ({n}, {c}), and a per-row result such as each row's max or sum, taken "
            f"without keepdims=True, has shape ({n},): numpy lines it up with the last axis, "
            "the classes. Keep it a column: logits.max(axis=1, keepdims=True) has shape (N, 1)."
        )
    return None


def _describe_ce(case) -> str:
    return f"logits = {np.round(case['logits'], 4).tolist()}, targets = {case['targets'].tolist()}"


def _lse(z, axis=1):
    m = z.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.exp(z - m).sum(axis=axis))


#: Where a clipped probability (or a clamped log) caps each example's loss: -log of the clip.
_CAPS = sorted(
    {100.0}  # PyTorch's BCELoss clamps the log at -100 (section 4)
    | {-math.log(10.0**-k) for k in range(3, 21)}
    | {-math.log(np.finfo(float).eps), -math.log(np.finfo(np.float32).eps)}
    | {-math.log(np.finfo(float).tiny)}
)


def _capped(losses, g, want):
    """The slip of a clipped probability, when the mean of the losses capped at some usual
    clip value is what the learner got (None otherwise)."""
    for cap in _CAPS:
        value = float(np.mean(np.minimum(losses, cap)))
        if cap < losses.max() and not close(value, want) and close(g, value, rel=1e-6):
            worst = float(losses.max())
            return (
                f"Each example's loss looks capped at {cap:.4g}, as clipping each probability at "
                f"e^-{cap:.4g} ≈ {math.exp(-cap):.1e} (or each log at -{cap:.4g}) does. Here one "
                f"example's loss is {worst:g}: its probability, e^-{worst:g}, rounds to 0, but "
                "its log is an ordinary number. Clipping keeps the loss finite but wrong; compute "
                "the log-probability from the scores, z_true - m - log Σ e^(zⱼ - m), and no "
                "probability is ever formed."
            )
    return None


@never_raises
def _diagnose_ce(case, got, want):
    logits, targets = case["logits"], case["targets"]
    n, c = logits.shape
    try:
        g = as_number(got)
    except AnswerError:
        if np.shape(got) == targets.shape:
            return "You returned one loss per example; return their mean (one number)."
        return None
    rows = np.arange(n)
    lse, true, m = _lse(logits), logits[rows, targets], logits.max(axis=1)
    variants = [
        (
            n > 1,
            lambda: want * n,
            "That is the sum over the batch; the loss is the mean: divide by the batch size.",
        ),
        (
            c > 1,
            lambda: want / c,
            "np.mean over the whole (N, C) table divides by N·C: sum over each row's classes, "
            "then take the mean over the batch.",
        ),
        (
            want != 0,
            lambda: -want,
            "Wrong sign: the loss is -log p, which is ≥ 0. Use log Σ e^z - z_true.",
        ),
        (
            want != 0,
            lambda: want / math.log(10),
            "That uses log base 10; cross-entropy uses the natural log, np.log.",
        ),
        (
            True,
            lambda: np.mean(lse - m - true),
            "The max was subtracted but not added back: log Σ e^zⱼ = m + log Σ e^(zⱼ - m), "
            "so add each row's m to the log.",
        ),
        (
            True,
            lambda: np.mean(lse),
            "That is the mean of log Σ e^z alone: subtract each example's true-class score.",
        ),
        (
            c > 1,
            lambda: np.mean(lse - math.log(c) - true),
            "That takes the mean of the e^(zⱼ - m) inside the log, which subtracts log C from "
            "every example's loss: the softmax's denominator is their sum, np.sum(..., axis=1).",
        ),
        (
            n > 1,
            lambda: np.mean(lse[:, None] - logits[:, targets]),
            "logits[:, targets] picks a whole column per target (an N×N table). Pick one "
            "entry per row: logits[np.arange(N), targets].",
        ),
        (
            c > 1,
            lambda: np.mean(lse) - np.mean(logits[targets]),
            "logits[targets] picks whole rows (every score of row targets[n]), not one score "
            "per example. Pick one entry per row: logits[np.arange(N), targets].",
        ),
        (
            c > 1,
            lambda: np.mean(_lse(logits, axis=0)[targets] - true),
            "The log-sum-exp ran down the columns (axis=0, over the batch). Each example's "
            "softmax is over its own row: axis=1.",
        ),
        (
            n == c,
            lambda: np.mean(m + np.log(np.exp(logits - m).sum(axis=1)) - true),
            "Each row's max needs keepdims=True: without it, logits - m subtracts the row "
            "maxima along the classes, and with as many examples as classes it runs and gives "
            "wrong numbers.",
        ),
    ]
    found = []
    for ok, value, text in variants:
        try:
            v = float(value()) if ok else math.nan
        except Exception:  # a variant that cannot be computed here names nothing
            v = math.nan
        if math.isfinite(v) and not close(v, want) and close(g, v, rel=1e-6):
            found.append(text)
    if found:
        return found[0]
    capped = _capped(lse - true, g, want)
    if capped:
        return capped
    if g < 0 <= want:
        return (
            "A cross-entropy is never negative: each term is -log of a probability ≤ 1. "
            "Check the signs, and that the max you subtracted inside the log is added back."
        )
    return None


def judge_cross_entropy(cases, results) -> Feedback:
    """cross_entropy(logits, targets) on random batches, on rows thousands apart and rows of
    equal scores, with numpy's floating-point warnings turned into errors (underflow to 0 is
    allowed, as numpy allows it)."""
    failure = first_failure(
        cases,
        got=explain_raised(cases, results, _explain_ce_error),
        agree=lambda got, want: close(as_number(got, "one number (the mean loss)"), want),
        describe=_describe_ce,
        diagnose=_diagnose_ce,
    )
    return failure or correct(
        f"Right on {len(cases)} batches, including scores of ±1000, with every numpy warning "
        "an error. The shift by each row's max makes every exponent ≤ 0, so nothing overflows, "
        "and the log is never taken of a probability that rounded to 0."
    )


@exercise(
    "06.1",
    title="cross-entropy from logits that survives ±1000",
    answers="cross_entropy",
    placeholder='''
def cross_entropy(logits, targets):
    """Mean cross-entropy of a batch, from raw scores.

    logits: shape (batch, classes), one row of scores per example.
    targets: shape (batch,), the true class of each example (0 .. classes - 1).
    Returns one number, the mean over the batch of -log softmax(row)[true class],
    and stays finite, without warnings, for scores such as ±1000.
    """
    raise NotImplementedError("write the body of cross_entropy")
''',
    hints=(
        "For one example, -log softmax(z)[t] = log Σⱼ e^zⱼ - z_t: the log of the softmax's "
        "denominator minus the true class's score. No division, no log of a probability.",
        "log Σ e^zⱼ overflows at z = 1000. With m the largest score of the row, "
        "log Σ e^zⱼ = m + log Σ e^(zⱼ - m): now every exponent is ≤ 0. For a batch use "
        "m = logits.max(axis=1, keepdims=True).",
        "The true scores are logits[np.arange(len(targets)), targets], one per row. Subtract "
        "them from the log-sum-exp of each row and return the mean.",
    ),
    cases=_ce_cases(),
    judge=judge_cross_entropy,
)
def probe_cross_entropy(cross_entropy, case):
    """The learner's cross_entropy(logits, targets) on one case, with numpy's warnings turned
    into errors and nnlib's softmax and cross-entropy switched off."""
    if not callable(cross_entropy):
        raise AnswerError(
            f"Expected a function cross_entropy(logits, targets), got {cross_entropy!r}."
        )
    logits, targets = case["logits"].copy(), case["targets"].copy()
    with refusing(_CE_SHORTCUTS, cross_entropy), np.errstate(all="raise", under="ignore"):
        return call(cross_entropy, logits, targets, name="cross_entropy")


# -------------------------------------------------- 06.2: the Huber loss


def _huber_case(pred, target, delta) -> dict:
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    with np.errstate(over="ignore"):  # r² of a residual of 1e200 overflows in the unused piece
        want = float(F.huber(pred, target, delta=delta))
    return {"pred": pred, "target": target, "delta": delta, "want": want}


def _huber_cases():
    rng = np.random.default_rng(6062)
    cases = [
        _huber_case([0.5, -0.3, 0.2], [0.0, 0.0, 0.0], 1.0),  # inside the band only
        _huber_case([3.0, -5.0], [0.0, 1.0], 1.0),  # outside only, one negative
        _huber_case([2.0, -2.0, 0.0], [0.0, 0.0, 0.0], 2.0),  # exactly at ±delta
    ]
    for _ in range(4):
        n, delta = int(rng.integers(1, 7)), float(rng.choice([0.5, 1.5, 3.0, 10.0]))
        cases.append(
            _huber_case(rng.normal(scale=3.0, size=n), rng.normal(scale=3.0, size=n), delta)
        )
    cases += [
        _huber_case([[210.0, 280.0], [255.0, 600.0]], [[200.0, 300.0], [250.0, 400.0]], 10.0),
        _huber_case([1e200, 0.5, -1e200], [0.0, 0.0, 0.0], 1.0),  # r² overflows; the loss does not
    ]
    return cases


def _huber_variants(pred, target, delta):
    r = pred - target
    a = np.abs(r)
    inside = a <= delta
    return {
        "no half": np.mean(np.where(inside, r**2, delta * (a - 0.5 * delta))),
        "no shift": np.mean(np.where(inside, 0.5 * r**2, delta * a)),
        "full shift": np.mean(np.where(inside, 0.5 * r**2, delta * (a - delta))),
        "shift without delta": np.mean(np.where(inside, 0.5 * r**2, delta * a - 0.5 * delta)),
        "signed": np.mean(np.where(inside, 0.5 * r**2, delta * (r - 0.5 * delta))),
        "sum": np.sum(np.where(inside, 0.5 * r**2, delta * (a - 0.5 * delta))),
        "swapped": np.mean(np.where(inside, delta * (a - 0.5 * delta), 0.5 * r**2)),
        "squared threshold": np.mean(
            np.where(r**2 <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))
        ),
        "signed threshold": np.mean(np.where(r <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))),
    }


_HUBER_SLIPS = {
    "no half": "Inside the band the loss is ½·r², with the half: that makes its slope ∂L/∂r = r.",
    "no shift": (
        "Outside the band it is delta·(|r| - ½·delta), not delta·|r|: the -½·delta² makes "
        "the two pieces meet with the same value, ½·delta², at |r| = delta."
    ),
    "full shift": (
        "Subtract ½·delta inside the bracket, not delta: delta·(|r| - ½·delta) equals ½·delta² "
        "at |r| = delta, where the squared piece ends."
    ),
    "shift without delta": (
        "Your linear piece comes to delta·|r| - ½·delta, but it is delta·(|r| - ½·delta) = "
        "delta·|r| - ½·delta²: the ½·delta is multiplied by delta too."
    ),
    "signed": "Use |r| in the linear part: a prediction too low costs as much as one too high.",
    "sum": "That is the sum over the examples; return the mean.",
    "swapped": "The branches are swapped: squared for |r| ≤ delta, linear beyond.",
    "squared threshold": "Compare |r| with delta, not r² with delta: delta is a residual size.",
    "signed threshold": (
        "Compare |r| with delta, not r: a residual far below -delta lies outside the band "
        "too, but r <= delta put it in the squared piece."
    ),
}


@never_raises
def _diagnose_huber(case, got, want):
    try:
        g = as_number(got)
    except AnswerError:
        huge = np.abs(np.asarray(case["pred"]) - np.asarray(case["target"])).max() > 1e154
        if isinstance(got, float) and math.isnan(got) and huge:
            return (
                "NaN: a residual this large makes r² overflow to inf, and inf × 0 is NaN, so "
                "multiplying by a 0/1 mask does not remove it. np.where(|r| <= delta, ..., ...) "
                "picks a piece instead of multiplying."
            )
        if np.size(got) > 1:
            return "Return one number, the mean over all the residuals."
        return None
    with np.errstate(all="ignore"):
        variants = _huber_variants(case["pred"], case["target"], case["delta"])
    for name, value in variants.items():
        if np.isfinite(value) and not close(value, want) and close(g, value):
            return _HUBER_SLIPS[name]
    return None


def _describe_huber(case) -> str:
    return (
        f"pred = {np.asarray(case['pred']).round(4).tolist()}, "
        f"target = {np.asarray(case['target']).round(4).tolist()}, delta = {case['delta']:g}"
    )


@never_raises
def _explain_huber_error(case, raised_error):
    if raised_error.type == "ValueError" and "truth value of an array" in raised_error.message:
        return (
            f"Here pred holds {np.size(case['pred'])} numbers, so |r| <= delta is an array of "
            "True and False, one per residual, and `if` cannot turn many answers into one. "
            "Pick the piece for each residual with np.where(r <= delta, ..., ...), or loop "
            "over the residuals one by one."
        )
    return None


def judge_huber(cases, results) -> Feedback:
    """huber(pred, target, delta) against nnlib's Huber loss on residuals inside the band,
    outside it, exactly at ±delta, in 2-D arrays, and so large that r² overflows."""
    failure = first_failure(
        cases,
        got=explain_raised(cases, results, _explain_huber_error),
        agree=lambda got, want: close(as_number(got, "one number (the mean loss)"), want),
        describe=_describe_huber,
        diagnose=_diagnose_huber,
    )
    return failure or correct(
        f"Right on {len(cases)} cases, including residuals exactly at ±delta, where the two "
        "pieces meet with the same value (½·delta²) and the same slope (±delta), and a "
        "residual of 1e200, whose square overflows while its Huber loss does not."
    )


@exercise(
    "06.2",
    title="the Huber loss",
    answers="huber",
    placeholder='''
def huber(pred, target, delta):
    """Mean Huber loss of the residuals r = pred - target (arrays of the same shape):
    ½·r² where |r| ≤ delta, and delta·(|r| - ½·delta) where |r| > delta."""
    raise NotImplementedError("write the body of huber")
''',
    hints=(
        "Work with the sizes of the residuals, r = np.abs(pred - target), so that one formula "
        "covers errors in both directions.",
        "np.where(condition, a, b) takes a where the condition holds and b elsewhere: here the "
        "condition is r <= delta.",
        "np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), then the mean.",
    ),
    cases=_huber_cases(),
    judge=judge_huber,
)
def probe_huber(huber, case):
    """The learner's huber(pred, target, delta) on one case, nnlib's Huber loss switched off.

    numpy's warnings are silenced: r² may overflow in a piece that np.where then discards."""
    if not callable(huber):
        raise AnswerError(f"Expected a function huber(pred, target, delta), got {huber!r}.")
    pred, target = case["pred"].copy(), case["target"].copy()
    with refusing(_HUBER_SHORTCUTS, huber), np.errstate(all="ignore"):
        return call(huber, pred, target, case["delta"], name="huber")


_TIMES = (12.0, 14.0, 15.0, 17.0, 92.0)
_HUBER_DELTA = 5.0  #: minutes
_LATE_COST = 3.0  #: a minute late costs three times a minute early


def _delivery_pulls(c: float) -> dict:
    """Each loss's mean pull ∂L/∂c on the constant c (positive: c is too high)."""
    y = np.array(_TIMES)
    return {
        "huber": float(np.mean(np.clip(c - y, -_HUBER_DELTA, _HUBER_DELTA))),
        "late": float(np.mean(np.where(y > c, -_LATE_COST, 1.0))),
    }


def _huber_named(c: float):
    """What a wrong Huber constant is, when it is a known slip (None otherwise)."""
    y = np.array(_TIMES)
    near = y[:-1]
    slips = {
        float(np.mean(y)): "the mean, MSE's answer: Huber caps the 92's pull at δ = 5",
        float(np.median(y)): (
            "the median, MAE's answer: within δ of c Huber pulls in proportion to the distance, "
            "c - y, so the near values' distances count, not just their order"
        ),
        float(np.mean(near)): ("the mean without the 92: the 92 still pulls, with -δ = -5, not 0"),
        float((near.sum() - _HUBER_DELTA) / 4): (
            "with the 92 pulling c down: it lies above c, so its capped pull -5 pulls c up"
        ),
        float((2 * near.sum() + _HUBER_DELTA) / 8): (
            "with the pull 2(c - y) inside the band: Huber's ½r² has the slope r, not 2r"
        ),
    }
    return next((text for value, text in slips.items() if close(c, value)), None)


def _late_named(c: float):
    """What a wrong lateness constant is, when it is a known slip (None otherwise)."""
    y = np.array(_TIMES)
    slips = {
        float(np.median(y)): (
            "the median, the answer when early and late cost the same: here a late minute costs 3"
        ),
        14.0: "the answer when an EARLY minute costs 3: here lateness is the expensive side",
        float(np.mean(y)): "the mean, MSE's answer: this loss grows linearly, like MAE",
    }
    return next((text for value, text in slips.items() if close(c, value)), None)


@exercise(
    "06.3",
    title="the constant two other losses pick",
    kind="value",
    answers="best_constants",
    placeholder="best_constants = ...  # your answer: a pair (c for Huber, c for lateness)",
    hints=(
        "Use section 3's idea: at the best c the pulls, each delivery's ∂L/∂c, add up to 0. "
        "Write each delivery's pull as a function of c, for each loss.",
        "Huber, δ = 5: guess that 12, 14, 15 and 17 lie within 5 of c and 92 does not. Their "
        "pulls are c - 12, c - 14, c - 15 and c - 17; the 92's is capped at -5. Add them, "
        "solve for c, then check that the guess holds.",
        "Lateness: a delivery earlier than c (y < c) pulls with +1, a later one (y > c) with "
        "-3. Put c between two neighbouring times, count, and find where the sum of the "
        "pulls changes sign: that value is the best c.",
    ),
)
def check_best_constants(best_constants) -> Feedback:
    """The best constants of two losses section 3 did not try: Huber (δ = 5) and a loss that
    charges a minute late 3 times a minute early; found by balancing the pulls."""
    c_huber, c_late = (
        float(c) for c in as_array(best_constants, (2,), "a pair (c for Huber, c for lateness)")
    )
    # within about 1e-6 of the balance: a minimiser's or a bisection's answer passes too
    right_huber = abs(_delivery_pulls(c_huber)["huber"]) < 1e-6
    # the lateness loss is piecewise linear: its minimum is where the mean pull changes sign
    below, above = _delivery_pulls(c_late - 1e-6)["late"], _delivery_pulls(c_late + 1e-6)["late"]
    right_late = below < 0 < above
    if right_huber and right_late:
        return correct(
            f"Huber (δ = 5) picks {c_huber:g}: the four near deliveries pull in proportion to "
            "their distance, c - y, and the 92 with only -5, so 4c - 58 - 5 = 0. The lateness "
            "loss picks "
            f"{c_late:g}, the 75th percentile of the times: a late minute costs 3 early ones, so "
            "c climbs until the +1 pulls of the times below it outweigh the -3 pulls of those "
            "above. "
            "Same five times, four losses, four answers (30, 15, 15.75, 17): the loss says "
            "what “best” means."
        )
    if not right_huber and not right_late and abs(_delivery_pulls(c_late)["huber"]) < 1e-6:
        return wrong("Swapped: the pair is (c for Huber, c for lateness).")
    if not right_huber:
        named = _huber_named(c_huber)
        if named:
            return wrong(f"c for Huber: {c_huber:.12g} is {named}.")
        pull = _delivery_pulls(c_huber)["huber"]
        side = "too high: the pulls push it down" if pull > 0 else "too low: the pulls push it up"
        return wrong(
            f"c for Huber: at {c_huber:.12g} the mean pull is {pull:+.3g}, not 0, so c is {side}."
        )
    named = _late_named(c_late)
    if named:
        return wrong(f"c for lateness: {c_late:.12g} is {named}.")
    pull = _delivery_pulls(c_late)["late"]
    side = "too high" if pull > 0 else "too low"
    return wrong(
        f"c for lateness: at {c_late:.12g} the mean pull is {pull:+.3g}, so c is {side}. Each "
        "time below c pulls with +1, each time above with -3."
    )


@exercise(
    "06.4",
    title="from a mean cross-entropy to a likelihood",
    kind="value",
    answers="likelihood",
    placeholder="likelihood = ...  # your answer: a number",
    hints=(
        "Cross-entropy is the negative log of the probability given to each true label; the "
        "likelihood is the product of those probabilities over the examples.",
        "The log of a product is the sum of the logs. The 20 losses add up to 20 × 0.35.",
        "likelihood = e^(-total) with total = 20 × 0.35 = 7.",
    ),
)
def check_likelihood(likelihood) -> Feedback:
    """The probability of 20 labels together when the mean cross-entropy is 0.35: e^-7."""
    value = as_number(likelihood, "a probability (a number between 0 and 1)")
    want = math.exp(-7.0)
    if close(value, want, rel=1e-3):
        return correct(
            f"e^(-20 × 0.35) = e^-7 ≈ {want:.6f}: tiny, as the probability of 20 things all "
            "happening together is. That is why training works with the mean of the logs: "
            "products of many probabilities underflow, sums of logs don't."
        )
    if close(value, math.exp(-0.35), rel=1e-3):
        return wrong(
            "e^-0.35 ≈ 0.705 is the typical (geometric-mean) probability of one label. The "
            "likelihood covers all 20 labels: use the total, 20 × 0.35."
        )
    if close(value, 7.0, rel=1e-3):
        return wrong(
            "7 is the total negative log-likelihood. The likelihood is e to the minus that."
        )
    if close(value, -7.0, rel=1e-3):
        return wrong(
            "-7 is the log of the likelihood (the total loss, 20 × 0.35, with its sign "
            "flipped). The likelihood itself is e to that power."
        )
    if close(value, 10.0**-7, rel=1e-3):
        return wrong("Cross-entropy uses the natural log, so undo it with e^x, not 10^x.")
    if close(value, math.exp(7.0), rel=1e-3):
        return wrong("Mind the sign: the loss is -log(likelihood), so likelihood = e^(-loss).")
    if value > 1 or value < 0:
        return wrong(f"{value:g} cannot be a probability: it must lie between 0 and 1.")
    if close(value, want, rel=0.1):
        return wrong(
            f"{value:g} is near, but rounded too far: keep the digits, e.g. math.exp(...) "
            "rather than a number typed from a rounded result."
        )
    return wrong("Add up the 20 losses (-log of each label's probability), then undo the log.")
