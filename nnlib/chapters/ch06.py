"""Chapter 06 (Loss functions):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/06_*.ipynb``; it imports this module as ``ch06``.
"""

from __future__ import annotations

import math
import types

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
    first_failure,
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
    """For one prediction p (a probability) of a 0/1 target: each loss and its slope d/dp."""
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
        return value_slope_table(r["losses"], "loss", "value", "slope d/dp", "+.3f")

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
        ax.set_title(f"Huber with δ = {d:g}: its slope never exceeds δ", fontsize=10)

    def render(r):
        return value_slope_table(r["losses"], "loss", "value", "slope", "+.3f")

    sliders = {
        "delta": slider("δ (delta)", delta, 0.1, 3.0, 0.1),
        "residual": slider("residual r", residual, -4.0, 4.0, 0.1),
    }
    return _compact(
        Explorer(sliders, huber_readout, render, figure=fig, draw=draw),
        "Huber: squared for small errors, absolute for large",
    )


# ------------------------------------------------------------------ exercises


def _lse_cross_entropy(logits, targets):
    """Our reference: the mean of log Σ exp(row) - row[target], stable for any scores."""
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(targets)), targets]))


def _ce_cases():
    rng = np.random.default_rng(606)
    cases = [(np.array([[2.0, 1.0, 0.1]]), np.array([0]))]
    for n, c, scale in [(4, 3, 1.0), (1, 5, 2.0), (6, 10, 3.0), (3, 2, 0.5)]:
        cases.append((rng.normal(scale=scale, size=(n, c)), rng.integers(0, c, size=n)))
    cases += [
        (np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), np.array([0, 0])),
        (np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.0]]), np.array([1, 2])),
        (np.array([[-1000.0, -1000.0, -1000.0, -1000.0]]), np.array([3])),
        (np.array([[5.0, 1000.0], [-3.0, -998.0], [0.0, 0.0]]), np.array([0, 1, 1])),
    ]
    return cases


_SHORTCUTS = {"cross_entropy", "log_softmax", "logsumexp", "nll_loss", "softmax"}
_HUBER_SHORTCUTS = {"huber", "huber_loss", "HuberLoss", "smooth_l1_loss", "SmoothL1Loss"}


def _uses_a_library_shortcut(fn, shortcuts=frozenset(_SHORTCUTS)) -> bool:
    """True when the learner's function calls one of a library's ``shortcuts`` (by default its
    softmax or cross-entropy: ``F.cross_entropy``, ``scipy.special.logsumexp``,
    ``from nnlib.functional import ...``)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    names = set(code.co_names)
    found = getattr(fn, "__globals__", {})
    libraries = ("nnlib", "scipy", "torch")
    if names & set(libraries) and names & shortcuts:  # imported inside the function
        return True
    for name in names:
        obj = found.get(name)
        if isinstance(obj, types.ModuleType):
            if obj.__name__.split(".")[0] in libraries and names & shortcuts:
                return True
        elif callable(obj) and getattr(obj, "__name__", "") in shortcuts:
            if str(getattr(obj, "__module__", "")).split(".")[0] in libraries:
                return True
    return False


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


def _describe_ce(case) -> str:
    logits, targets = case
    return f"logits = {np.round(logits, 4).tolist()}, targets = {targets.tolist()}"


def _diagnose_ce(case, got, want):
    logits, targets = case
    try:
        g = as_number(got)
    except AnswerError:
        if np.shape(got) == targets.shape:
            return "You returned one loss per example; return their mean (one number)."
        return None
    n = len(targets)
    if n > 1 and close(g, want * n, rel=1e-6):
        return "That is the sum over the batch; the loss is the mean: divide by the batch size."
    if close(g, -want, rel=1e-6) and want != 0:
        return "Wrong sign: the loss is -log p, which is ≥ 0. Use log Σ e^z - z_true."
    if close(g, want / math.log(10), rel=1e-6) and want != 0:
        return "That uses log base 10; cross-entropy uses the natural log, np.log."
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    if close(g, float(np.mean(lse)), rel=1e-6):
        return "That is the mean of log Σ e^z alone: subtract each example's true-class score."
    every = np.mean(lse[:, None] - logits[:, targets])
    if n > 1 and close(g, float(every), rel=1e-6):
        return (
            "logits[:, targets] picks a whole column per target (an N×N table). Pick one "
            "entry per row: logits[np.arange(N), targets]."
        )
    return None


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
    solution='''
def cross_entropy(logits, targets):
    """Mean cross-entropy of a batch, from raw scores.

    logits: shape (batch, classes), one row of scores per example.
    targets: shape (batch,), the true class of each example (0 .. classes - 1).
    Returns one number, the mean over the batch of -log softmax(row)[true class],
    and stays finite, without warnings, for scores such as ±1000.
    """
    m = logits.max(axis=1, keepdims=True)  # each row's largest score
    log_sum_exp = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    true_scores = logits[np.arange(len(targets)), targets]
    return np.mean(log_sum_exp - true_scores)
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
)
def check_cross_entropy(cross_entropy) -> Feedback:
    """cross_entropy(logits, targets) on random batches and on scores of ±1000, with numpy's
    floating-point warnings turned into errors (underflow to 0 is allowed, as numpy allows)."""
    if not callable(cross_entropy):
        raise AnswerError(
            f"Expected a function cross_entropy(logits, targets), got {cross_entropy!r}."
        )
    if _uses_a_library_shortcut(cross_entropy):
        return wrong(
            "Your function calls a library's softmax or cross-entropy. Write it with numpy "
            "alone (np.max, np.exp, np.log, np.sum): the log-sum-exp trick is the point."
        )

    def run(case):
        logits, targets = case
        with np.errstate(all="raise", under="ignore"):
            try:
                return call(cross_entropy, logits.copy(), targets.copy(), name="cross_entropy")
            except FloatingPointError as e:
                why = next((t for k, t in _FLOAT_TROUBLE.items() if k in str(e)), "")
                raise FloatingPointError(f"{e}. {why}") from None

    cases = _ce_cases()
    failure = first_failure(
        cases,
        run=run,
        expected=lambda case: _lse_cross_entropy(*case),
        agree=lambda got, want: close(as_number(got, "one number (the mean loss)"), want),
        describe=_describe_ce,
        diagnose=_diagnose_ce,
    )
    return failure or correct(
        f"Right on {len(cases)} batches, including scores of ±1000, with every numpy warning "
        "an error. The shift by each row's max makes every exponent ≤ 0, so nothing overflows, "
        "and the log is never taken of a probability that rounded to 0."
    )


def _huber_cases():
    rng = np.random.default_rng(6062)
    cases = [
        (np.array([0.5, -0.3, 0.2]), np.array([0.0, 0.0, 0.0]), 1.0),  # inside the band only
        (np.array([3.0, -5.0]), np.array([0.0, 1.0]), 1.0),  # outside only, one negative
        (np.array([2.0, -2.0, 0.0]), np.array([0.0, 0.0, 0.0]), 2.0),  # exactly at ±delta
    ]
    for _ in range(4):
        n, delta = int(rng.integers(1, 7)), float(rng.choice([0.5, 1.0, 1.5, 10.0]))
        cases.append((rng.normal(scale=3.0, size=n), rng.normal(scale=3.0, size=n), delta))
    cases.append(
        (
            np.array([[210.0, 280.0], [255.0, 600.0]]),
            np.array([[200.0, 300.0], [250.0, 400.0]]),
            10.0,
        )
    )
    return cases


def _huber_variants(pred, target, delta):
    r = pred - target
    a = np.abs(r)
    inside = a <= delta
    return {
        "no half": np.mean(np.where(inside, r**2, delta * (a - 0.5 * delta))),
        "no shift": np.mean(np.where(inside, 0.5 * r**2, delta * a)),
        "signed": np.mean(np.where(inside, 0.5 * r**2, delta * (r - 0.5 * delta))),
        "sum": np.sum(np.where(inside, 0.5 * r**2, delta * (a - 0.5 * delta))),
        "swapped": np.mean(np.where(inside, delta * (a - 0.5 * delta), 0.5 * r**2)),
    }


_HUBER_SLIPS = {
    "no half": "Inside the band the loss is ½·r², with the half: that makes its slope r.",
    "no shift": (
        "Outside the band it is delta·(|r| - ½·delta), not delta·|r|: the -½·delta² makes "
        "the two pieces meet at |r| = delta."
    ),
    "signed": "Use |r| in the linear part: a prediction too low costs as much as one too high.",
    "sum": "That is the sum over the examples; return the mean.",
    "swapped": "The branches are swapped: squared for |r| ≤ delta, linear beyond.",
}


def _diagnose_huber(case, got, want):
    try:
        g = as_number(got)
    except AnswerError:
        return "Return one number, the mean over all the residuals."
    for name, value in _huber_variants(*case).items():
        if not close(value, want) and close(g, value):
            return _HUBER_SLIPS[name]
    return None


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
    solution='''
def huber(pred, target, delta):
    """Mean Huber loss of the residuals r = pred - target (arrays of the same shape):
    ½·r² where |r| ≤ delta, and delta·(|r| - ½·delta) where |r| > delta."""
    r = np.abs(pred - target)
    per_example = np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))
    return np.mean(per_example)
''',
    hints=(
        "Work with the sizes of the residuals, r = np.abs(pred - target), so that one formula "
        "covers errors in both directions.",
        "np.where(condition, a, b) takes a where the condition holds and b elsewhere: here the "
        "condition is r <= delta.",
        "np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), then the mean.",
    ),
)
def check_huber(huber) -> Feedback:
    """huber(pred, target, delta) against nnlib's Huber loss on unseen residuals and deltas."""
    if not callable(huber):
        raise AnswerError(f"Expected a function huber(pred, target, delta), got {huber!r}.")
    if _uses_a_library_shortcut(huber, _HUBER_SHORTCUTS):
        return wrong(
            "Your function calls a library's Huber loss (F.huber, nn.HuberLoss, ...). Write it "
            "with numpy alone (np.abs, np.where, np.mean): the two pieces are the point."
        )
    cases = _huber_cases()
    failure = first_failure(
        cases,
        run=lambda c: call(huber, c[0].copy(), c[1].copy(), c[2], name="huber"),
        expected=lambda c: float(F.huber(c[0], c[1], delta=c[2])),
        agree=lambda got, want: close(as_number(got, "one number (the mean loss)"), want),
        describe=lambda c: (
            f"pred = {c[0].round(4).tolist()}, target = {c[1].round(4).tolist()}, delta = {c[2]:g}"
        ),
        diagnose=_diagnose_huber,
    )
    return failure or correct(
        f"Right on {len(cases)} cases, including residuals exactly at ±delta, where the two "
        "pieces meet with the same value (½·delta²) and the same slope (±delta)."
    )


_TIMES = (12.0, 14.0, 15.0, 17.0, 92.0)


@exercise(
    "06.3",
    title="which constant each loss picks",
    kind="value",
    answers="best_constants",
    placeholder="best_constants = ...  # your answer: a pair (c for MSE, c for MAE)",
    solution="best_constants = (30.0, 15.0)  # the mean, pulled by 92, and the median",
    hints=(
        "Section 3 found which constant each loss picks: one is an average you know, the "
        "other the middle value.",
        "MSE is smallest at the mean of the values; MAE at their median (the middle one once "
        "sorted).",
        "The mean is (12 + 14 + 15 + 17 + 92) / 5; the median of five sorted values is the third.",
    ),
)
def check_best_constants(best_constants) -> Feedback:
    """(mean, median) of the delivery times: the constants MSE and MAE pick."""
    c_mse, c_mae = as_array(best_constants, (2,), "a pair (c for MSE, c for MAE)")
    mean, median = float(np.mean(_TIMES)), float(np.median(_TIMES))
    if close(c_mse, mean) and close(c_mae, median):
        return correct(
            f"MSE picks the mean, {mean:g} minutes, dragged up by the 92; MAE picks the median, "
            f"{median:g}, which ignores how far the 92 is. Same data, different loss, a "
            "different answer: the loss decides what “best” means."
        )
    if close(c_mse, median) and close(c_mae, mean):
        return wrong("Swapped: squaring errors leads to the mean; absolute errors to the median.")
    clean = float(np.mean(_TIMES[:-1]))
    if close(c_mse, clean):
        return wrong(
            f"{clean:g} is the mean without the 92. The loss counts every value, the outlier too."
        )
    if close(c_mae, mean):
        return wrong(
            "The MAE's best constant is not the mean: moving c towards the middle value lowers "
            "the sum of |errors| until as many values lie above c as below."
        )
    if not close(c_mse, mean):
        return wrong(f"c for MSE: {c_mse:g} is not it. MSE is smallest at the mean.")
    return wrong(f"c for MAE: {c_mae:g} is not it. MAE is smallest at the median.")


@exercise(
    "06.4",
    title="from a mean cross-entropy to a likelihood",
    kind="value",
    answers="likelihood",
    placeholder="likelihood = ...  # your answer: a number",
    solution="likelihood = math.exp(-20 * 0.35)  # the total NLL is 20 × 0.35 = 7",
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
