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
    Raised,
    as_number,
    call,
    close,
    correct,
    exercise,
    first_failure,
    refusing,
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
        alt=lambda r: (
            f"The curve f(x) = {sliders['function'].value} for x from -3 to 3, a dash-dot secant "
            f"line through its points at x = {r['x']:.2f} and x + h = {r['x'] + r['h']:.2f} "
            f"(h = {readable(r['h'])}), of slope {r['secant']:.4f}, and the dashed tangent at "
            f"x, of slope {r['derivative']:.4f}, that the secant turns into as h shrinks."
        ),
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


def _best_text(errors: np.ndarray) -> str:
    """Where the measured error is smallest, as a person reads it; several steps may tie at
    an error of exactly 0 (x² has no central truncation error, and at x = 0 no round-off)."""
    exact = _HS[errors == 0]
    if len(exact) == len(_HS):
        return "none: exact at every h"
    if len(exact) > 1:
        return f"exact at {len(exact)} steps, from {readable(exact[0])} to {readable(exact[-1])}"
    return f"smallest error at h = {readable(float(_HS[np.argmin(errors)]))}"


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
        "best_forward": _best_text(fwd),
        "best_central": _best_text(cen),
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
            f"measured bottom of the U: {r['best_forward']} (forward); "
            f"{r['best_central']} (central)<br>"
            f"rule of thumb at this x: h ≈ {readable(r['rule_forward_h'])} (forward), "
            f"{readable(r['rule_central_h'])} (central)"
        ),
        figure=fig,
        draw=draw,
        alt=lambda r: (
            "Log-log plot of the error of the forward difference (solid line, round marker) and "
            "of the central difference (dashed line, square marker) of "
            f"{sliders['function'].value} at x = {sliders['x'].value:g}, against the step h "
            "from 1e-16 on the left to 1 on the right. The markers sit at "
            f"h = {readable(r['h'])}: forward error {readable(r['forward_at_h'])}, central "
            f"error {readable(r['central_at_h'])}. Measured bottom of the U: "
            f"{r['best_forward']} (forward); {r['best_central']} (central)."
        ),
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
    if close(s, 11.41, rel=1e-4):
        return wrong(
            "11.41 is (f(2) - f(1.9)) / 0.1, the secant to the left of 2 (a backward "
            "difference). We asked for the one to the right, from 2 to 2.1."
        )
    if close(s, 12.01, rel=1e-4):
        return wrong("12.01 is the central quotient (from 1.9 to 2.1). Use the points 2 and 2.1.")
    if close(s, 4.1, rel=1e-4):
        return wrong(
            "4.1 is the secant slope of x², (2.1² - 2²) / 0.1. This exercise's function is "
            "f(x) = x³: cube both points."
        )
    if close(s, 12.61, rel=1e-2):
        return wrong(
            f"{s:g} is close to the answer but rounded: 2.1³ = 9.261 exactly, so keep every "
            "digit of (9.261 - 8) / 0.1."
        )
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
        ("cos", math.cos, minus_sin, 0.01),  # a slope of -0.01 next to values near 1
    ]
]


def _safe(diagnose):
    """A diagnosis never raises: an answer it cannot read gets no diagnosis, not a traceback."""

    def wrapped(case, got, want):
        try:
            return diagnose(case, got, want)
        except Exception:
            return None

    return wrapped


_SQUARE_ROOT_STEP = (
    "That is √ε · max(|x|, 1), the forward difference's step. The central difference's "
    "best step is bigger: ∛ε · max(|x|, 1), the cube root of ε, ε ** (1 / 3)."
)
_FORWARD = "That is the forward difference. Use f(x + h) and f(x - h), over 2h."
_PRECEDENCE = (
    "The step is about 7e-17 · max(|x|, 1): `eps ** 1 / 3` means (eps ** 1) / 3. "
    "Write the cube root with brackets, eps ** (1 / 3)."
)


def _derivative_slips(case) -> list[tuple[str, object, str]]:
    """What each known slip of 01.2 returns on this case: (how to compare, value, sentence).

    "same" compares to 1e-12 (the slip's own arithmetic), "near" to 1e-6 and "rough" to
    1e-4 of the value (slips whose result is only close to a multiple of the true slope).
    A value that cannot be computed (a step of 0) is None.
    """
    f, x = case["f"], case["x"]
    scale = max(abs(x), 1.0)
    cube_root, square_root = _EPS ** (1 / 3), _EPS**0.5
    want = case["want"] if "want" in case else case["fprime"](x)
    h = cube_root * scale

    def central(step):
        return lambda: _central(f, x, step)

    def forward(step):
        return lambda: (f(x + step) - f(x)) / step

    slips = [
        (
            "same",
            central(1e-5),
            "That is a fixed h = 1e-5: at this x the step must grow with |x|.",
        ),
        (
            "same",
            central(cube_root * max(x, 1.0)),
            "That is the step ∛ε · max(x, 1), without abs: at a negative x such as this one "
            "max(x, 1) is 1, so the step does not grow with the size of x. Use max(abs(x), 1).",
        ),
        (
            "same",
            forward(square_root * scale),
            "That is the forward difference with its own step √ε · max(|x|, 1). We asked for "
            "the central difference, (f(x + h) - f(x - h)) / 2h, with h = ∛ε · max(|x|, 1): "
            "its error is of order h², so it bears the bigger step and is far more accurate.",
        ),
        ("same", central(square_root * scale), _SQUARE_ROOT_STEP),
        ("same", central(square_root), _SQUARE_ROOT_STEP),
        (
            "same",
            central(1e-8 * scale),
            "That step is 1e-8 (· max(|x|, 1)), the forward difference's default. The central "
            "difference bears a bigger step, ∛ε · max(|x|, 1) (about 6e-6 · max(|x|, 1)); at "
            "1e-8 round-off swamps it.",
        ),
        (
            "same",
            central(cube_root),
            "That step is not scaled: multiply it by max(|x|, 1), so that it grows with |x|.",
        ),
        (
            "same",
            central(cube_root * abs(x)),
            "That is the step ∛ε · |x|, without the max: at a small x such as this one the "
            "step shrinks with x and round-off takes over. Use max(|x|, 1).",
        ),
        (
            "same",
            lambda: h,
            "That number is the step h itself, not the slope: return the "
            "central difference computed with it.",
        ),
        ("same", central(_EPS / 3 * scale), _PRECEDENCE),
        ("same", central(_EPS / 3), _PRECEDENCE),
        ("same", forward(1e-5), _FORWARD),
        ("same", forward(1e-8), _FORWARD),
        ("same", forward(h), _FORWARD),
        ("near", lambda: 2 * want, "Twice too big: the central difference divides by 2h, not h."),
        (
            "near",
            lambda: -want,
            "The sign is flipped: it is f(x + h) - f(x - h), the point to the right first.",
        ),
        (
            "rough",
            lambda: want * h * h,
            "Far too small: `/ 2 * h` multiplies by h. Divide by (2 * h), with brackets.",
        ),
        (
            "rough",
            lambda: want * h * h / 4,
            "Far too small: `/ 2 * h` multiplies by h. Divide by (2 * h), with brackets.",
        ),
    ]
    computed = []
    for how, value, why in slips:
        try:
            with np.errstate(all="ignore"):  # a step of 0 at x = 0: no value, no warning
                v = float(value())
            v = v if math.isfinite(v) else None
        except (ArithmeticError, ValueError):
            v = None
        computed.append((how, v, why))
    return computed


def _matches(how: str, got, value) -> bool:
    if value is None:
        return False
    try:
        g = as_number(got)
    except AnswerError:
        return False
    rel = {"same": 1e-12, "near": 1e-6, "rough": 1e-4}[how]
    return close(g, value, rel=rel, abs_tol=0)


def _diagnose_derivative(cases, results):
    """The likely slip behind a wrong derivative(f, x), named only if it explains the answer
    on every case it can be computed on: at x = 0.01 with h = 1e-8, say, the central and the
    forward differences round to the very same number, and one case alone cannot tell."""
    slips = [_derivative_slips(case) for case in cases]
    numbers = [i for i, r in enumerate(results) if not isinstance(r, Raised)]
    consistent = [
        all(
            slips[i][k][1] is None or _matches(slips[i][k][0], results[i], slips[i][k][1])
            for i in numbers
        )
        for k in range(len(slips[0]) if slips else 0)
    ]

    @_safe
    def diagnose(case, got, want):
        index = next(i for i, c in enumerate(cases) if c is case)
        for k, (how, value, why) in enumerate(slips[index]):
            if consistent[k] and _matches(how, got, value):
                return why
        return None

    return diagnose


#: What dividing by a step of 0 raises: Python's numbers, and numpy's when warnings are errors.
_DIVIDED_BY_ZERO = ("ZeroDivisionError", "RuntimeWarning", "FloatingPointError")


def judge_derivative(cases, results) -> Feedback:
    """derivative(f, x) is within 1e-8 (relative) of the true slope on functions and x of
    very different sizes, including x = 1e6 where a fixed h = 1e-5 is not good enough."""
    failure = first_failure(
        cases,
        got=results,
        agree=lambda got, want: close(as_number(got), want, rel=1e-8, abs_tol=1e-12),
        describe=_describe_fx,
        diagnose=_diagnose_derivative(cases, results),
    )
    if failure:
        at_zero = [
            r
            for c, r in zip(cases, results, strict=False)
            if c["x"] == 0
            and (
                (isinstance(r, Raised) and r.type in _DIVIDED_BY_ZERO)
                or (isinstance(r, float) and not math.isfinite(r))
            )
        ]
        if at_zero:
            return wrong(
                failure.message + "\nAt x = 0 a step ∛ε · |x| is 0, and you divide by it "
                "(ZeroDivisionError, or NaN with numpy's numbers): that is what max(|x|, 1) "
                "prevents."
            )
        return failure
    xs = [c["x"] for c in cases]
    low, high = (f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-") for v in (min(xs), max(xs)))
    return correct(
        f"Within 1e-8 of the true slope on {len(cases)} functions, at x from {low} to {high}. "
        "The step that grows with |x| keeps round-off and truncation balanced at every scale."
    )


#: nnlib's numerical derivatives, switched off while a learner's own are checked.
_NUMERICAL = (
    "nnlib.calculus.derivative",
    "nnlib.calculus.central_difference",
    "nnlib.calculus.forward_difference",
    "nnlib.calculus.numerical_gradient",
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
        "1e-5 keeps only five significant digits; a step that grows with |x| keeps the same "
        "relative size.",
    ),
    cases=_DERIVATIVE_CASES,
    judge=judge_derivative,
)
def probe_derivative(derivative, case):
    """The learner's derivative(f, x) on one case, with nnlib's own derivatives off."""
    if not callable(derivative):
        raise AnswerError(f"Expected a function derivative(f, x), got {derivative!r}.")
    with refusing(dict.fromkeys(_NUMERICAL, "derivative"), derivative):
        return call(derivative, case["f"], case["x"], name="derivative")


# Exercise 01.3: the bottom of the U of the *second* difference, which the chapter does not
# measure. Test functions and their second derivatives, module-level so that a case can be
# sent to a grading sandbox by reference.


def six_x(x):
    """(x³)″ = 6x."""
    return 6 * x


def twelve_x_squared(x):
    """(x⁴)″ = 12x²."""
    return 12 * x * x


def minus_inverse_square(x):
    """(log x)″ = -1/x²."""
    return -1 / (x * x)


def _second_case(name: str, f, f2, x: float, want=None) -> dict:
    """One case of 01.3: f and its exact second derivative f2 at x."""
    case = {"name": name, "f": f, "f2": f2, "x": x}
    if want is not None:
        case["want"] = want
    return case


def second_difference(f, x, h):
    """(f(x + h) - 2f(x) + f(x - h)) / h²: the measured slope of the slope (judge's use)."""
    return (f(x + h) - 2 * f(x) + f(x - h)) / h**2


#: Functions and points the chapter never measures, and where the bottom of the U lies
#: (written out; nnlib/solutions/ch01.py computes them, and a test keeps the two equal).
#: x³ is the second difference's parabola (exact, so the biggest step wins), x⁴ at 0 its
#: x² at 0 (no round-off at all, so the smallest step wins).
_STEP_CASES = [
    _second_case("cosh", math.cosh, math.cosh, 1.0, want=1e-04),
    _second_case("x³", cube, six_x, 2.0, want=1e-01),
    _second_case("sin", math.sin, minus_sin, 0.5, want=1e-04),
    _second_case("log", math.log, minus_inverse_square, 50.0, want=1e-02),
    _second_case("x⁴", fourth_power, twelve_x_squared, 0.0, want=1e-15),
]


def _signed_errors(case) -> list[float]:
    f, f2, x = case["f"], case["f2"], case["x"]
    return [second_difference(f, x, h) - f2(x) for h in _STEPS]


def _best_step_slips(case) -> list[tuple[float, str]]:
    """What each known slip returns on this case, with the sentence that names it."""
    f, f2, x = case["f"], case["f2"], case["x"]
    errors = _signed_errors(case)
    sizes = [abs(e) for e in errors]

    def best(quotient, steps=_STEPS) -> float:
        return min(steps, key=lambda h: abs(quotient(h) - f2(x)))

    def second(h):
        return second_difference(f, x, h)

    k = _STEPS.index(min(_STEPS, key=lambda h: sizes[_STEPS.index(h)])) + 1
    return [
        (
            _STEPS[sizes.index(max(sizes))],
            "That step has the largest error: take the minimum, not the maximum.",
        ),
        (
            _STEPS[errors.index(min(errors))],
            "Without abs(), the most negative error looks smallest: a big error below the "
            "true value counts as much as one above it. Compare abs(error).",
        ),
        (float(k), f"You returned the exponent k = {k}; return the step itself, 10**-k."),
        (
            float(k - 1),
            f"You returned {k - 1}, the position of the best step in the list (counting from 0); "
            "return the step itself, steps[position].",
        ),
        (
            min(sizes),
            "That is an error, not a step: return the h whose error is smallest, not the "
            "smallest error.",
        ),
        (
            best(lambda h: (f(x + h) - 2 * f(x) + f(x - h)) / h),
            "The second difference divides by h², not h.",
        ),
        (
            best(lambda h: (f(x + h) + 2 * f(x) + f(x - h)) / h**2),
            "Check the middle term: it is - 2f(x), so that a straight line gives 0.",
        ),
        (
            best(lambda h: (f(x + h) - f(x)) / h),
            "That compares a first difference (a slope) with f2(x), the slope of the slope. "
            "Use the second difference (f(x + h) - 2f(x) + f(x - h)) / h².",
        ),
        (
            best(second, _STEPS[1:]),
            "Your list of steps starts at 1e-2, and here the best step is the biggest one, "
            "1e-1: range(1, 16) starts at k = 1.",
        ),
        (
            best(second, _STEPS[:-1]),
            "Your list of steps stops at 1e-14, and here the best step is the smallest one, "
            "1e-15: range(1, 16) goes up to k = 15.",
        ),
        (
            _STEPS[-1],
            "The smallest h is not the best: below about 1e-4 round-off takes over here.",
        ),
    ]


def _same_step(got, value) -> bool:
    try:
        return close(as_number(got), value, rel=1e-9, abs_tol=0)
    except AnswerError:
        return False


def _diagnose_best_step(cases, results):
    """A diagnosis that names only a slip that explains *every* case, not just the failing one
    (returning 1e-15 and taking the maximum agree on most functions, not on all; code with
    some other slip may land on a named slip's step at one case by chance)."""
    slips = [_best_step_slips(case) for case in cases]
    numbers = [i for i, r in enumerate(results) if not isinstance(r, Raised)]
    consistent = [
        all(_same_step(results[i], slips[i][k][0]) for i in numbers)
        for k in range(len(slips[0]) if slips else 0)
    ]

    @_safe
    def diagnose(case, got, want):
        index = next(i for i, c in enumerate(cases) if c is case)
        for k, (value, why) in enumerate(slips[index]):
            if consistent[k] and _same_step(got, value):
                return why
        g = as_number(got)
        sizes = [abs(e) for e in _signed_errors(case)]
        nearest = min(range(len(_STEPS)), key=lambda k: abs(_STEPS[k] - g))
        if not _same_step(g, _STEPS[nearest]):
            return (
                f"{g:g} is not one of the steps 1e-1, 1e-2, …, 1e-15: return the step of that "
                "list whose second difference is closest to f2(x)."
            )
        return (
            f"At h = {g:g} the error is {sizes[nearest]:.1e}, at h = {want:g} only "
            f"{min(sizes):.1e}: compare the error of every step in the list."
        )

    return diagnose


def judge_best_step(cases, results) -> Feedback:
    """best_step(f, f2, x) finds the second difference's best step on unseen functions."""
    failure = first_failure(
        cases,
        got=results,
        # a step built another way (0.1 divided by 10 again and again) may be off by a rounding
        agree=lambda got, want: close(as_number(got), want, rel=1e-9, abs_tol=0),
        describe=_describe_fx,
        diagnose=_diagnose_best_step(cases, results),
    )
    if failure:
        return failure
    listed = ", ".join(f"{c['name']} at {c['x']:g}: {c['want']:.0e}" for c in cases[:5])
    return correct(
        f"Right on all {len(cases)} ({listed}). The second difference divides round-off by h², "
        "so its U bottoms out at a bigger step than the first differences' (about ε^(1/4), "
        "1e-4, for ordinary functions), except where truncation or round-off vanishes."
    )


@exercise(
    "01.3",
    title="find the bottom of another U",
    answers="best_step",
    placeholder='''
def best_step(f, f2, x):
    """Of h = 1e-1, 1e-2, ..., 1e-15, the one whose second difference
    (f(x + h) - 2f(x) + f(x - h)) / h² is closest to the true f2(x)."""
    raise NotImplementedError("write the body of best_step")
''',
    hints=(
        "Make the list of steps [10.0**-k for k in range(1, 16)] and measure the error of each: "
        "how far its second difference is from f2(x), whichever side it lands on.",
        "The error of one step is abs((f(x + h) - 2 * f(x) + f(x - h)) / h**2 - f2(x)).",
        "min(steps, key=...) returns the step with the smallest error: give it a function "
        "of h that computes that error.",
    ),
    cases=_STEP_CASES,
    judge=judge_best_step,
)
def probe_best_step(best_step, case):
    """The learner's best_step(f, f2, x) on one case."""
    if not callable(best_step):
        raise AnswerError(f"Expected a function best_step(f, f2, x), got {best_step!r}.")
    return call(best_step, case["f"], case["f2"], case["x"], name="best_step")


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
    if close(e, 3e-6, rel=0.05, abs_tol=0):
        return wrong(
            "That is the error at h = 0.01 unchanged: the step shrank tenfold, so the truncation "
            "error shrinks too. By how much, for order h²?"
        )
    if e > 3e-6:
        return wrong("A smaller step should give a smaller truncation error, not a larger one.")
    return wrong("Use the order: error ∝ h². How does h² change when h shrinks tenfold?")
