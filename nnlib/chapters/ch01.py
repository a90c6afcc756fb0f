"""Chapter 01 (Limits):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/01_*.ipynb``; it imports this module as ``ch01``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

from nnlib.calculus import central_difference, forward_difference
from nnlib.exercises import (
    AnswerError,
    Feedback,
    as_number,
    call,
    close,
    correct,
    exercise,
    first_failure,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, dropdown, log_slider, slider

#: Functions the chapter 01 explorers offer, each with its exact derivative.
FUNCTIONS = {
    "x²": (np.square, lambda x: 2 * x),
    "x³": (lambda x: x**3, lambda x: 3 * x**2),
    "sin(x)": (np.sin, np.cos),
    "eˣ": (np.exp, np.exp),
}


EPS = float(np.finfo(float).eps)  #: machine epsilon for 64-bit floats, about 2.2e-16


def readable(v: float) -> str:
    """A number as a person reads it: 0.32, 0.001, 12.6, 1e-8, 2.5e-9 (two digits).

    >>> readable(0.316), readable(1e-08), readable(2.5e-09), readable(-3.0)
    ('0.32', '1e-8', '2.5e-9', '-3')
    """
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.2g}" if abs(v) < 100 else f"{v:.0f}"
    mantissa, exponent = f"{v:.1e}".split("e")
    mantissa = mantissa.removesuffix(".0")
    return f"{mantissa}e{int(exponent)}"


def rule_of_thumb(x: float) -> tuple[float, float]:
    """The usual steps for 64-bit floats: √ε·max(|x|, 1) forward, ∛ε·max(|x|, 1) central.

    A rule of thumb, not a law: it balances truncation against round-off for a
    function whose size and curvature are ordinary on the scale of max(|x|, 1).
    """
    scale = max(abs(x), 1.0)
    return EPS**0.5 * scale, EPS ** (1 / 3) * scale


def _function(name: str):
    if name not in FUNCTIONS:
        raise ValueError(f"function must be one of {list(FUNCTIONS)}, got {name!r}")
    return FUNCTIONS[name]


def secant_readout(function: str, x: float, h: float) -> dict[str, float]:
    """The secant of ``function`` from x to x + h, next to the true derivative at x.

    Returns the two points, the forward difference quotient (the secant's
    slope), the central quotient, the exact derivative and the errors.
    """
    f, df = _function(function)
    fx, fxh = float(f(x)), float(f(x + h))
    secant = forward_difference(f, x, h)
    central = central_difference(f, x, h)
    exact = float(df(x))
    return {
        "x": x,
        "h": h,
        "fx": fx,
        "fxh": fxh,
        "secant": float(secant),
        "central": float(central),
        "derivative": exact,
        "secant_error": float(secant - exact),
        "central_error": float(central - exact),
    }


def secant_explorer(function: str = "x²", x: float = 1.0, h: float = 1.0) -> Explorer:
    """Sliders for x and h: watch the secant through x and x + h turn into the tangent."""
    fig, ax = new_figure(6.4, 4.0)
    grid = np.linspace(-3, 3, 301)
    (curve,) = ax.plot([], [], color=COLORS["blue"], lw=2, label="f(x)")
    (secant,) = ax.plot(
        [], [], color=COLORS["vermillion"], lw=2, ls="-.", label="secant through x and x + h"
    )
    (tangent,) = ax.plot([], [], color=COLORS["black"], lw=1.2, ls="--", label="tangent at x")
    (points,) = ax.plot([], [], "o", color=COLORS["vermillion"], ms=6)
    ax.set(xlim=(-3, 3), xlabel="x", ylabel="f(x)")
    ax.legend(loc="upper left", fontsize=8)

    def draw(r):
        f, _ = _function(sliders["function"].value)
        ys = f(grid)
        curve.set_data(grid, ys)
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.15 * (hi - lo)
        ax.set_ylim(lo - pad, hi + pad)
        secant.set_data(grid, r["fx"] + r["secant"] * (grid - r["x"]))
        tangent.set_data(grid, r["fx"] + r["derivative"] * (grid - r["x"]))
        points.set_data([r["x"], r["x"] + r["h"]], [r["fx"], r["fxh"]])
        ax.set_title(
            f"{sliders['function'].value}: secant slope {r['secant']:.4f}, "
            f"derivative {r['derivative']:.4f}",
            fontsize=10,
        )

    sliders = {
        "function": dropdown("function", list(FUNCTIONS), function),
        "x": slider("x", x, -2.0, 2.0, 0.1),
        "h": _h_slider(h, -4, 0.25),
    }
    return Explorer(
        sliders,
        secant_readout,
        lambda r: (
            f"h = {readable(r['h'])}: &nbsp; (f(x + h) - f(x)) / h = <b>{r['secant']:.4f}</b>"
            f" &nbsp; true derivative f'(x) = <b>{r['derivative']:.4f}</b> &nbsp; "
            f"error {readable(r['secant_error'])}"
        ),
        figure=fig,
        draw=draw,
        title="Shrink h: the secant turns into the tangent",
    )


def _h_slider(h: float, min_exp: float, max_exp: float):
    """A slider for the step h in quarter decades (ten presses: a factor of about 300),
    whose readout a person reads: 0.32, 0.001, 1e-8."""
    s = log_slider("h (step)", h, min_exp, max_exp, step=0.25)
    s.readout_format = ".2g"  # d3-format: 0.32, 0.0010, 1.0e-8
    return s


#: The steps the error explorer and the notebook measure: 10⁻¹⁶ … 1 in tenths of a decade.
_HS = np.logspace(-16, 0, 161)


def difference_errors(function: str, x: float, h: float) -> dict:
    """Errors of the forward and central quotients over h = 1e-16 … 1, and at ``h``.

    Also the h (on that grid) where each error is smallest, the bottom of the U
    as measured, and the rule of thumb's steps at this x, to compare.
    """
    f, df = _function(function)
    exact = float(df(x))
    fwd = np.abs(forward_difference(f, x, _HS) - exact)
    cen = np.abs(central_difference(f, x, _HS) - exact)
    here = secant_readout(function, x, h)
    return {
        "hs": _HS,
        "forward": fwd,
        "central": cen,
        "h": h,
        "forward_at_h": abs(here["secant_error"]),
        "central_at_h": abs(here["central_error"]),
        "best_forward_h": float(_HS[np.argmin(fwd)]),
        "best_central_h": float(_HS[np.argmin(cen)]),
        "rule_forward_h": rule_of_thumb(x)[0],
        "rule_central_h": rule_of_thumb(x)[1],
    }


def error_explorer(function: str = "sin(x)", x: float = 1.0, h: float = 1e-3) -> Explorer:
    """The U-shaped error of difference quotients against h, on log-log axes."""
    fig, ax = new_figure(6.4, 4.0)
    tiny = 1e-17  # an error of exactly 0 cannot sit on a log axis: draw it along the floor
    (fwd_line,) = ax.loglog(
        [], [], color=COLORS["vermillion"], label="forward  (f(x+h) - f(x)) / h"
    )
    (cen_line,) = ax.loglog(
        [], [], color=COLORS["blue"], ls="--", label="central  (f(x+h) - f(x-h)) / 2h"
    )
    (fwd_dot,) = ax.loglog([], [], "o", color=COLORS["vermillion"], ms=7)
    (cen_dot,) = ax.loglog([], [], "s", color=COLORS["blue"], ms=7)
    marker = ax.axvline(h, color=COLORS["grey"], lw=1, ls=":")
    ax.set(
        xlim=(1e-16, 1),
        ylim=(5e-18, 10),
        xlabel="step h",
        ylabel="|error| of the slope (0 drawn at 1e-17)",
    )
    powers = FuncFormatter(lambda v, _: f"1e{round(np.log10(v))}")  # plain text: fast to draw
    ax.xaxis.set_major_formatter(powers)
    ax.yaxis.set_major_formatter(powers)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())
    ax.legend(loc="upper center", fontsize=8)

    def draw(r):
        top = max(10.0, 3 * float(np.max(r["forward"])), 3 * float(np.max(r["central"])))
        ax.set_ylim(5e-18, 10 ** math.ceil(math.log10(top)))
        fwd_line.set_data(r["hs"], np.maximum(r["forward"], tiny))
        cen_line.set_data(r["hs"], np.maximum(r["central"], tiny))
        fwd_dot.set_data([r["h"]], [max(r["forward_at_h"], tiny)])
        cen_dot.set_data([r["h"]], [max(r["central_at_h"], tiny)])
        marker.set_xdata([r["h"], r["h"]])
        name, x0 = sliders["function"].value, sliders["x"].value
        ax.set_title(f"Error of the numerical derivative of {name} at x = {x0:g}", fontsize=10)

    sliders = {
        "function": dropdown("function", list(FUNCTIONS), function),
        "x": slider("x", x, -10.0, 10.0, 0.25),
        "h": _h_slider(h, -16, 0),
    }
    return Explorer(
        sliders,
        difference_errors,
        lambda r: (
            f"at h = {readable(r['h'])}: forward error <b>{readable(r['forward_at_h'])}</b>, "
            f"central error <b>{readable(r['central_at_h'])}</b><br>"
            f"measured: smallest error at h = {readable(r['best_forward_h'])} (forward), "
            f"{readable(r['best_central_h'])} (central)<br>"
            f"rule of thumb at this x: h ≈ {readable(r['rule_forward_h'])} (forward), "
            f"{readable(r['rule_central_h'])} (central)"
        ),
        figure=fig,
        draw=draw,
        title="Too big an h bends the slope; too small an h drowns it in round-off",
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise: public cases (dicts; "want" is what the judge compares
# with), a probe that runs the learner's code on one case, and a judge.
# Solutions and hidden cases: nnlib/solutions/ch01.py.

_EPS = np.finfo(float).eps
_STEPS = [10.0**-k for k in range(1, 16)]


@exercise(
    "01.1",
    title="a secant slope",
    kind="value",
    answers="slope",
    placeholder="slope = ...  # your answer: a number",
    hints=(
        "A secant slope is rise over run: (f(x + h) - f(x)) / h.",
        "Here f(x) = x³, x = 2 and h = 0.1, so you need f(2.1) and f(2).",
        "f(2.1) = 9.261 and f(2) = 8; divide their difference by 0.1.",
    ),
)
def check_secant_slope(slope) -> Feedback:
    """The secant slope of f(x) = x³ from x = 2 to x = 2.1."""
    s = as_number(slope)
    if close(s, 12.61, rel=1e-4):
        return correct(
            "(2.1³ - 2³) / 0.1 = (9.261 - 8) / 0.1 = 12.61: a bit more than the true slope 12, "
            "because the curve keeps getting steeper between 2 and 2.1."
        )
    if close(s, 12.0, rel=1e-4):
        return wrong(
            "12 is the derivative 3x² at x = 2, the limit. We asked for the secant, h = 0.1."
        )
    if close(s, 1.261, rel=1e-4):
        return wrong(
            "1.261 is the rise f(2.1) - f(2). A slope is rise over run: divide by h = 0.1."
        )
    if close(s, 12.01, rel=1e-4):
        return wrong("12.01 is the central quotient (from 1.9 to 2.1). Use the points 2 and 2.1.")
    return wrong(f"{s:g} is not it. Compute (f(2.1) - f(2)) / 0.1 with f(x) = x³.")


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def cube(x):
    """x³ (a test function of the exercises; module-level so a case can be sent to a grader)."""
    return x**3


def cube_prime(x):
    return 3 * x**2


def fourth_power(x):
    return x**4


def fourth_power_prime(x):
    return 4 * x**3


def minus_sin(x):
    return -math.sin(x)


def reciprocal(x):
    return 1 / x


def half_over_sqrt(x):
    return 0.5 / math.sqrt(x)


def _case(name: str, f, fprime, x: float, want=None) -> dict:
    """One case of 01.2 or 01.3: f and its exact derivative at x."""
    case = {"name": name, "f": f, "fprime": fprime, "x": x}
    if want is not None:
        case["want"] = want
    return case


def _describe_fx(case) -> str:
    return f"f(x) = {case['name']}, x = {case['x']:g}"


_DERIVATIVE_CASES = [
    _case(name, f, d, x, want=d(x))
    for name, f, d, x in [
        ("sin", math.sin, math.cos, 1.0),
        ("exp", math.exp, math.exp, 0.0),
        ("x³", cube, cube_prime, 1e6),
        ("x⁴", fourth_power, fourth_power_prime, -2e4),
        ("log", math.log, reciprocal, 50.0),
        ("√x", math.sqrt, half_over_sqrt, 4e8),
    ]
]


def judge_derivative(cases, results) -> Feedback:
    """derivative(f, x) is within 1e-8 (relative) of the true slope on functions and x of
    very different sizes, including x = 1e6 where a fixed h = 1e-5 is not good enough."""

    def diagnose(case, got, want):
        f, x = case["f"], case["x"]
        if close(got, _central(f, x, 1e-5), rel=1e-12, abs_tol=0):
            return "That is a fixed h = 1e-5: at this x the step must grow with |x|."
        for h in (1e-5, 1e-8, _EPS ** (1 / 3) * max(abs(x), 1.0)):
            if close(got, (f(x + h) - f(x)) / h, rel=1e-12, abs_tol=0):
                return "That is the forward difference. Use f(x + h) and f(x - h), over 2h."
        return None

    failure = first_failure(
        cases,
        got=results,
        agree=lambda got, want: close(as_number(got), want, rel=1e-8, abs_tol=1e-12),
        describe=_describe_fx,
        diagnose=diagnose,
    )
    xs = [c["x"] for c in cases]
    low, high = (f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-") for v in (min(xs), max(xs)))
    return failure or correct(
        f"Within 1e-8 of the true slope on {len(cases)} functions, at x from {low} to {high}. "
        "The step that grows with |x| keeps round-off and truncation balanced at every scale."
    )


@exercise(
    "01.2",
    title="a derivative with a step that suits x",
    answers="derivative",
    placeholder='''
def derivative(f, x):
    """The slope of f at x by the central difference, with h = ∛ε · max(|x|, 1)."""
    raise NotImplementedError("write the body of derivative")
''',
    hints=(
        "Two lines: first compute h, then return the central difference "
        "(f(x + h) - f(x - h)) / 2h.",
        "ε is np.finfo(float).eps; its cube root is ε ** (1 / 3), about 6e-6.",
        "Why max(|x|, 1)? At x = 1e6 the floats near x are about 1e-10 apart, so a step of "
        "1e-5 is lost in round-off; a step that grows with |x| keeps the same relative size.",
    ),
    cases=_DERIVATIVE_CASES,
    judge=judge_derivative,
)
def probe_derivative(derivative, case):
    """The learner's derivative(f, x) on one case."""
    if not callable(derivative):
        raise AnswerError(f"Expected a function derivative(f, x), got {derivative!r}.")
    return call(derivative, case["f"], case["x"], name="derivative")


_STEP_CASES = [
    _case("exp", math.exp, math.exp, 0.0, want=1e-08),
    _case("sin", math.sin, math.cos, 1.0, want=1e-08),
    _case("x³", cube, cube_prime, 10.0, want=1e-07),
    _case("cos", math.cos, minus_sin, 2.0, want=1e-08),
]


def judge_best_step(cases, results) -> Feedback:
    """best_step(f, fprime, x) finds the forward difference's best step on unseen functions."""

    def diagnose(case, got, want):
        try:
            h = as_number(got)
        except AnswerError:
            return None
        if close(h, 1e-15, rel=1e-9, abs_tol=0):
            return "The smallest h is not the best: below about 1e-8 round-off takes over."
        f, fprime, x = case["f"], case["fprime"], case["x"]
        central = min(_STEPS, key=lambda s: abs((f(x + s) - f(x - s)) / (2 * s) - fprime(x)))
        if close(h, central, rel=1e-9, abs_tol=0):
            return "That is the best step of the central difference; we asked for the forward one."
        return "Compare every step's error, not just a few."

    failure = first_failure(
        cases,
        got=results,
        # a step built another way (0.1 divided by 10 again and again) may be off by a rounding
        agree=lambda got, want: close(as_number(got), want, rel=1e-9, abs_tol=0),
        describe=_describe_fx,
        diagnose=diagnose,
    )
    if failure:
        return failure
    listed = ", ".join(f"{c['name']} at {c['x']:g}: {c['want']:.0e}" for c in cases[:4])
    return correct(
        f"Right on all {len(cases)} ({listed}). The bottoms sit near the rule of thumb "
        "√ε·max(|x|, 1) (1.5e-8 for |x| ≤ 1, ten times more at x = 10), moved by each "
        "function's curvature and by the luck of round-off."
    )


@exercise(
    "01.3",
    title="find the bottom of the U",
    answers="best_step",
    placeholder='''
def best_step(f, fprime, x):
    """Of h = 1e-1, 1e-2, ..., 1e-15, the one whose forward difference of f at x is
    closest to the true slope fprime(x)."""
    raise NotImplementedError("write the body of best_step")
''',
    hints=(
        "Make the list of steps [10.0**-k for k in range(1, 16)] and measure the error of each.",
        "The error of one step is abs((f(x + h) - f(x)) / h - fprime(x)).",
        "min(steps, key=...) returns the step with the smallest error: give it a function "
        "of h that computes that error.",
    ),
    cases=_STEP_CASES,
    judge=judge_best_step,
)
def probe_best_step(best_step, case):
    """The learner's best_step(f, fprime, x) on one case."""
    if not callable(best_step):
        raise AnswerError(f"Expected a function best_step(f, fprime, x), got {best_step!r}.")
    return call(best_step, case["f"], case["fprime"], case["x"], name="best_step")


@exercise(
    "01.4",
    title="predict an error from its order",
    kind="value",
    answers="predicted_error",
    placeholder="predicted_error = ...  # your answer: a number such as 1e-5",
    hints=(
        "The central difference's error is of order h²: proportional to h squared.",
        "h goes from 0.01 to 0.001: ten times smaller. What happens to h²?",
        "h² shrinks by 10² = 100, so the error does too.",
    ),
)
def check_predicted_error(predicted_error) -> Feedback:
    """The central error at h = 0.001 predicted from 3e-6 at h = 0.01: 3e-8."""
    e = as_number(predicted_error)
    if close(e, 3e-8, rel=0.05, abs_tol=0):
        return correct(
            "3e-6 / 100 = 3e-8: ten times smaller h, a hundred times smaller error (order h²), "
            "as long as h stays well above the round-off floor."
        )
    if close(e, 3e-7, rel=0.05, abs_tol=0):
        return wrong("Ten times smaller: that is order h, the forward difference's behaviour.")
    if close(e, 3e-9, rel=0.05, abs_tol=0):
        return wrong("A thousand times smaller would be order h³. The central difference is h².")
    if e > 3e-6:
        return wrong("A smaller step should give a smaller truncation error, not a larger one.")
    return wrong("Use the order: error ∝ h². How does h² change when h shrinks tenfold?")
