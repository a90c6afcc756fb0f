"""Chapter 04 (Activation functions):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/04_*.ipynb``; it imports this module as ``ch04``.
"""

from __future__ import annotations

import functools
import math
import sys
import types
import warnings

import numpy as np
from matplotlib.lines import Line2D

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
    refusing,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, log_slider, slider, value_slope_table

#: The activations chapter 04 compares: (function, derivative) on arrays.
ACTIVATION_FUNCTIONS = {
    "ReLU": (F.relu, F.relu_derivative),
    "leaky ReLU (0.01)": (F.leaky_relu, F.leaky_relu_derivative),
    "ELU": (F.elu, F.elu_derivative),
    "sigmoid": (F.sigmoid, F.sigmoid_derivative),
    "tanh": (F.tanh, F.tanh_derivative),
}


def activation_readout(z: float) -> dict[str, tuple[float, float]]:
    """Each activation's value and slope at z."""
    return {name: (float(f(z)), float(df(z))) for name, (f, df) in ACTIVATION_FUNCTIONS.items()}


def activation_panels(width: float = 8.6, height: float = 4.0):
    """Five small plots, one per activation, value (solid) and slope (dashed), on a 2×3 grid.

    The sixth cell holds the legend. Returns the figure and the five axes.
    """
    fig, grid = new_figure(width, height, ncols=3, nrows=2)
    axes = list(grid.ravel())
    zs = np.linspace(-5, 5, 401)
    for ax, (name, (f, df)) in zip(axes, ACTIVATION_FUNCTIONS.items(), strict=False):
        ax.plot(zs, f(zs), color=COLORS["blue"], lw=2, label="value f(z)")
        ax.plot(zs, df(zs), color=COLORS["orange"], lw=1.8, ls="--", label="slope f'(z)")
        ax.set(xlim=(-5, 5), ylim=(-1.5, 3.0), title=name)
        ax.title.set_fontsize(10)
    for ax in (axes[2], axes[3], axes[4]):  # the lowest plot of each column
        ax.set_xlabel("z (the neuron's weighted sum)")
    for ax in (axes[0], axes[3]):
        ax.set_ylabel("f(z) and f'(z)")
    legend_ax = axes[5]
    legend_ax.axis("off")
    legend_ax.legend(*axes[0].get_legend_handles_labels(), loc="center", fontsize=9)
    return fig, axes[:5]


def activation_explorer(z: float = 0.5) -> Explorer:
    """A slider over z: every activation's value (solid) and slope (dashed) read off at z."""
    fig, axes = activation_panels()
    markers = []
    for ax in axes:
        (value_dot,) = ax.plot([], [], "o", color=COLORS["blue"], ms=7)
        (slope_dot,) = ax.plot([], [], "s", color=COLORS["orange"], ms=6)
        line = ax.axvline(z, color=COLORS["grey"], lw=1, ls=":")
        markers.append((value_dot, slope_dot, line))
    fig.axes[5].get_legend().remove()
    legend_handles = [  # each entry drawn as on the plots: the curve with the marker at z
        Line2D([], [], color=COLORS["blue"], lw=2, marker="o", ms=7, label="value f(z), dot"),
        Line2D([], [], color=COLORS["orange"], lw=1.8, ls="--", marker="s", ms=6,
               label="slope f'(z), square"),
        Line2D([], [], color=COLORS["grey"], lw=1, ls=":", label="your z"),
    ]  # fmt: skip
    fig.axes[5].legend(handles=legend_handles, loc="center", fontsize=9)

    def draw(r):
        for (value_dot, slope_dot, line), (value, slope) in zip(markers, r.values(), strict=True):
            value_dot.set_data([zslider.value], [value])
            slope_dot.set_data([zslider.value], [slope])
            line.set_xdata([zslider.value, zslider.value])

    def render(r):
        return value_slope_table(r, "activation", "value at z", "slope at z", fmt=".3f")

    zslider = slider("z", z, -5.0, 5.0, 0.1)
    zslider.tooltip = "the neuron's weighted sum z = w·x + b (a plain number, no unit)"
    return Explorer(
        {"z": zslider},
        activation_readout,
        render,
        figure=fig,
        draw=draw,
        title="Slide z: where does each activation flatten out (slope near 0)?",
        alt=lambda r: (
            "Five plots of an activation (solid) and its slope (dashed) over z from -5 to 5, "
            f"marked at z = {zslider.value:.2f}: "
            + "; ".join(f"{name} {v:.3f}, slope {d:.3f}" for name, (v, d) in r.items())
            + "."
        ),
    )


def softmax_readout(temperature: float, s1: float, s2: float, s3: float) -> dict:
    """Softmax of three scores at a temperature, with the largest probability."""
    probs = F.softmax(np.array([s1, s2, s3]), temperature=temperature)
    return {"scores": (s1, s2, s3), "temperature": temperature, "probs": probs}


def softmax_explorer(temperature: float = 1.0, scores=(2.0, 1.0, 0.1)) -> Explorer:
    """Sliders for three scores and the temperature; bars show the softmax probabilities."""
    fig, ax = new_figure(5.6, 3.4)
    labels = ["class A", "class B", "class C"]
    bars = ax.bar(
        labels, [1 / 3] * 3, color=[COLORS["blue"], COLORS["orange"], COLORS["green"]],
        edgecolor="k",
    )  # fmt: skip
    texts = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
    ax.axhline(1 / 3, color=COLORS["grey"], lw=1, ls=":", label="uniform: 1/3 each")
    ax.set(ylim=(0, 1.3), yticks=np.linspace(0, 1, 6), ylabel="probability")
    ax.legend(fontsize=8, loc="upper left")

    def draw(r):
        for bar, text, p in zip(bars, texts, r["probs"], strict=True):
            bar.set_height(p)
            text.set_position((bar.get_x() + bar.get_width() / 2, p + 0.01))
            text.set_text(f"{p:.3f}")
        ax.set_title(f"softmax(scores / T) with T = {r['temperature']:.2f}", fontsize=10)

    temperature_slider = log_slider("temperature T", temperature, -1, 1, step=0.1)
    temperature_slider.readout_format = ".2f"  # 0.32, not 3.2e-1
    sliders = {
        "temperature": temperature_slider,
        "s1": slider("score of class A", scores[0], -3.0, 3.0, 0.1),
        "s2": slider("score of class B", scores[1], -3.0, 3.0, 0.1),
        "s3": slider("score of class C", scores[2], -3.0, 3.0, 0.1),
    }
    sliders[
        "temperature"
    ].tooltip = (
        "scores are divided by T before softmax; each arrow press multiplies T by about 1.26"
    )
    for name in ("s1", "s2", "s3"):
        sliders[name].tooltip = "a raw score (logit) from the last layer: any number, no unit"
    return Explorer(
        sliders,
        softmax_readout,
        lambda r: (
            "probabilities "
            + ", ".join(f"<b>{p:.3f}</b>" for p in r["probs"])
            + f" &nbsp; (sum {r['probs'].sum():.3f})"
        ),
        figure=fig,
        draw=draw,
        title="Scores to probabilities: low T sharpens, high T flattens",
        alt=lambda r: (
            f"Three bars, the softmax of the scores "
            f"{', '.join(f'{s:.2f}' for s in r['scores'])} at temperature "
            f"{r['temperature']:.2f}: "
            + ", ".join(f"{lab} {p:.3f}" for lab, p in zip(labels, r["probs"], strict=True))
            + "; a dotted line marks 1/3, the uniform share."
        ),
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise has a probe (runs the learner's functions on one case and returns
# plain data) and a judge (compares that data with the case's "want", in the grader's
# process). Expected values come from nnlib.functional (the library) or are written out;
# hidden cases and our solutions live in nnlib/solutions/ch04.py.


def _why_not_finite(message: str, where_note: bool = False) -> str:
    """numpy's message about a floating-point problem, with the real cause named
    (``where_note``: add that np.where computes both branches, for 04.1's sigmoid)."""
    if "overflow" in message or "range" in message:
        text = (
            "overflow: e^z is larger than the largest float (about 1.8e308) once z > 709, so "
            "never compute e to the power of a large positive number"
        )
        if where_note:
            text += (
                " (and np.where computes both of its branches for every element before it chooses)"
            )
        return text
    if "invalid" in message:
        return (
            "nan, which a division 0/0 gives: when every exponent is below about -745, every "
            "e^z underflows to exactly 0, and so does their sum. That is an underflow, not an "
            "overflow. Shift the scores so that the largest exponent is 0: e^0 = 1 keeps the "
            "sum at least 1"
        )
    if "divide by zero" in message:
        return (
            "division by zero: a sum of e^z that underflowed to 0 (every exponent below "
            "about -745). Shift the scores so that the largest exponent is 0"
        )
    return message


def _run_strict(fn, *args, name: str, where_note: bool = False):
    """Call the learner's code with numpy's warnings turned into errors (underflow of a single
    e^z to 0 is fine: e^-1000 is 0 in floats). An overflow, 0/0 or x/0 comes back as
    FloatingPointError whose message names it."""
    try:
        with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")
            return call(fn, *args, name=name)
    except (FloatingPointError, RuntimeWarning, OverflowError, ZeroDivisionError) as e:
        raise FloatingPointError(f"{e}: {_why_not_finite(str(e), where_note)}") from e


def _names_used(code: types.CodeType) -> set[str]:
    """Every global and attribute name a function's code (and the code nested in it) uses."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names_used(const)
    return found


def _silences_numpy(fn) -> bool:
    """Does the learner's function switch numpy's floating-point errors off itself
    (np.errstate, np.seterr)? Inside it, an overflow would go unseen by the check."""
    code = getattr(fn, "__code__", None)
    return isinstance(code, types.CodeType) and bool(_names_used(code) & {"errstate", "seterr"})


def _shortcuts(targets: dict[str, str]) -> dict[str, str]:
    """``targets`` plus PyTorch's versions when the learner's process has imported torch."""
    found = dict(targets)
    if "torch" in sys.modules:
        for name, what in (("sigmoid", "sigmoid"), ("softmax", "softmax")):
            if what in targets.values():
                found[f"torch.{name}"] = what
                found[f"torch.nn.functional.{name}"] = what
    return found


def _describe_z(z) -> str:
    return np.array2string(np.asarray(z), precision=4, separator=", ", max_line_width=80)


def _sigmoid_case(fn: str, z, want=None) -> dict:
    """A case of 04.1: which function (``"sigmoid"`` or ``"sigmoid_prime"``) at which z."""
    z = np.asarray(z, dtype=float)
    if want is None:  # nnlib's own (library) version gives the expected value
        want = F.sigmoid(z) if fn == "sigmoid" else F.sigmoid_derivative(z)
    return {"fn": fn, "z": z, "want": np.asarray(want, dtype=float)}


def _sigmoid_inputs():
    rng = np.random.default_rng(404)
    return [
        np.array([-2.0, -0.5, 0.5, 2.0]),
        np.array([0.0]),
        rng.normal(scale=3.0, size=8).round(3),
        rng.normal(scale=8.0, size=(2, 3)).round(3),  # a 2-D array keeps its shape
        np.array([-1000.0, 1000.0]),
        np.array([1e308, -1e308]),
        np.array([-745.5, -30.0, 0.0, 30.0, 745.5]),
    ]


SIGMOID_CASES = [
    _sigmoid_case(fn, z) for fn in ("sigmoid", "sigmoid_prime") for z in _sigmoid_inputs()
]

_SIGMOID_SHORTCUTS = {
    "nnlib.functional.sigmoid": "sigmoid",
    "nnlib.functional.sigmoid_derivative": "sigmoid_prime",
    "nnlib.nn.Sigmoid": "sigmoid",
}


def _agree_sigmoid(got, want) -> bool:
    g = as_array(got, want.shape, "the result (one number per z, same shape as z)")
    return close(g, want, rel=1e-6, abs_tol=1e-12)


def _never_raises(diagnose):
    """A diagnosis that cannot turn into a traceback: if naming the slip fails on some odd
    result, the feedback simply names none (input, expected and got are still shown)."""

    @functools.wraps(diagnose)
    def safe(case, got, want):
        try:
            return diagnose(case, got, want)
        except Exception:  # an odd result the diagnosis did not foresee
            return None

    return safe


@_never_raises
def _diagnose_sigmoid(case, got, want):
    try:
        g = np.asarray(got, dtype=float).reshape(want.shape)
    except (TypeError, ValueError):
        return None
    z = case["z"]
    s = F.sigmoid(z)
    e = np.exp(-np.abs(z))
    if case["fn"] == "sigmoid":
        slips = [
            (F.sigmoid(-z), "That is σ(-z) (a sign in the exponent, or the two branches "
             "swapped): large z must give σ close to 1, with 1 / (1 + e) where z ≥ 0."),
            (e, "That is e^-|z| alone: σ is 1 / (1 + e) for z ≥ 0 and "
             "e / (1 + e) for z < 0."),
        ]  # fmt: skip
    else:
        slips = [
            (s, "That is σ(z), the value. The slope is σ(z)·(1 - σ(z))."),
            (1 - s**2, "1 - σ² is the pattern of tanh's slope; the sigmoid's is σ(1 - σ)."),
            (s * (1 + s), "A sign: σ'(z) = σ(z)·(1 - σ(z))."),
            (-s * (1 - s), "A sign: the sigmoid rises everywhere, so its slope is positive."),
            (z * (1 - z), "That is z·(1 - z): the formula takes σ(z), not z."),
            (1 - s, "That is 1 - σ(z) alone: the slope is σ(z)·(1 - σ(z))."),
        ]  # fmt: skip
    with np.errstate(all="ignore"):
        for value, why in slips:
            if np.shape(value) != want.shape or not np.all(np.isfinite(value)):
                continue
            if not close(value, want, abs_tol=1e-12) and close(g, value, abs_tol=1e-12):
                return why
        off = ~np.isclose(g, want, rtol=1e-6, atol=1e-12)
        if off.any() and not off[np.abs(z) < 5].any():
            return (
                f"Right near 0 but off far from it (from |z| = {np.abs(z[off]).min():g}): if "
                "you clipped z, the bound is too tight and changes σ there. Clipping at ±500 "
                "would be safe; a form that only takes e^-|z| needs no clipping at all."
            )
    return None


def judge_sigmoid(cases, results) -> Feedback:
    """sigmoid and sigmoid_prime on arrays of every shape and on ±1000, ±1e308 and 0, run with
    numpy's warnings turned into errors: an overflow is reported as the failing case."""
    failure = first_failure(
        cases,
        got=results,
        agree=_agree_sigmoid,
        describe=lambda case: f"{case['fn']}(z) with z = {_describe_z(case['z'])}",
        diagnose=_diagnose_sigmoid,
    )
    return failure or correct(
        f"Right on all {len(cases)} arrays, and not one overflow warning, even at z = ±1e308. "
        "σ'(0) = 0.25 is the steepest the sigmoid gets; at z = ±30 the slope is below 1e-13, "
        "which is saturation."
    )


@exercise(
    "04.1",
    title="a sigmoid that never overflows, and its slope",
    answers=("sigmoid", "sigmoid_prime"),
    placeholder='''
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for every number in the numpy array z, with no overflow
    warning for any z: sigmoid(np.array([-1000.0, 0.0, 1000.0])) is [0, 0.5, 1]."""
    raise NotImplementedError("write the body of sigmoid")


def sigmoid_prime(z):
    """The slope σ'(z) = σ(z)·(1 - σ(z)) for every number in the numpy array z."""
    raise NotImplementedError("write the body of sigmoid_prime")
''',
    hints=(
        "1 / (1 + np.exp(-z)) is right on paper, but np.exp(1000) overflows: for z = -1000 it "
        "computes e^1000. Find a form that only ever takes e to a power ≤ 0.",
        "For z < 0, multiply top and bottom by e^z: σ(z) = e^z / (1 + e^z), where e^z is "
        "tiny, not huge. So with e = np.exp(-np.abs(z)): σ = 1 / (1 + e) where z ≥ 0, "
        "e / (1 + e) where z < 0.",
        "np.where(z >= 0, 1 / (1 + e), e / (1 + e)) computes both branches for every "
        "element before choosing, which is why e must be np.exp(-np.abs(z)) and not "
        "np.exp(-z). sigmoid_prime is then s = sigmoid(z); return s * (1 - s).",
    ),
    cases=SIGMOID_CASES,
    judge=judge_sigmoid,
)
def probe_sigmoid(sigmoid, sigmoid_prime, case):
    """The learner's sigmoid or sigmoid_prime on one array, warnings as errors, nnlib's off."""
    functions = {"sigmoid": sigmoid, "sigmoid_prime": sigmoid_prime}
    for name, fn in functions.items():
        if not callable(fn):
            raise AnswerError(f"Expected a function {name}(z), got {fn!r}.")
    fn = functions[case["fn"]]
    if _silences_numpy(fn):
        raise AnswerError(
            f"Your {case['fn']} switches numpy's warnings off (np.errstate or np.seterr). That "
            "hides an overflow instead of avoiding it, and the check cannot see past it. Take "
            "it out: with e^-|z| nothing overflows, so there is nothing to hide."
        )
    with refusing(_shortcuts(_SIGMOID_SHORTCUTS), sigmoid, sigmoid_prime):
        return _run_strict(fn, case["z"].copy(), name=case["fn"], where_note=True)


def _softmax_case(z, t: float) -> dict:
    z = np.asarray(z, dtype=float)
    return {"z": z, "temperature": t, "want": F.softmax(z, temperature=t)}


def _softmax_inputs():
    rng = np.random.default_rng(44)
    cases = [
        (np.array([1.0, 2.0, 3.0]), 1.0),
        (np.array([0.5, -1.0, 2.0, 0.0]), 0.5),
        (np.array([3.0, 1.0]), 4.0),
        (np.array([5.0]), 2.0),  # one class: probability 1
    ]
    for t in (0.1, 1.0, 3.0, 10.0):
        cases.append((rng.normal(scale=3.0, size=5).round(3), t))
    cases += [
        (np.array([1000.0, 0.0]), 1.0),
        (np.array([1000.0, 1001.0]), 1.0),  # e^1000 and e^1001 overflow: inf / inf
        (np.array([-1000.0, -1001.0]), 1.0),  # both underflow to 0: 0 / 0
        (np.array([-1000.0, -1000.0, -999.0]), 1.0),
        (np.array([2000.0, 0.0, -2000.0]), 1.0),  # scores thousands apart, mean 0
        (np.array([1000.0, 999.0, 0.0]), 0.01),  # z / T reaches 100000
    ]
    return cases


SOFTMAX_CASES = [_softmax_case(z, t) for z, t in _softmax_inputs()]

_SOFTMAX_SHORTCUTS = {
    "nnlib.functional.softmax": "softmax",
    "nnlib.functional.log_softmax": "softmax",
    "nnlib.nn.Softmax": "softmax",
}


def _agree_softmax(got, want) -> bool:
    return close(as_array(got, want.shape, "the probabilities"), want, abs_tol=1e-12)


@_never_raises
def _diagnose_softmax(case, got, want):
    z, t = case["z"], case["temperature"]
    try:
        g = np.asarray(got, dtype=float).reshape(want.shape)
    except (TypeError, ValueError):
        return None
    with np.errstate(all="ignore"):
        slips = [
            (F.softmax(z * t), "That multiplies the scores by T; divide them: z / T."),
            (F.softmax(z), "The temperature is missing (or applied after exp, where it "
             "cancels): divide the scores by T before exponentiating."),
            (F.softmax(z, temperature=t ** 2) if t != 1 else None,
             "The scores are divided by T twice: once is enough."),
            (F.softmax(-z, temperature=t), "That is softmax(-z): the largest score must get the "
             "largest probability. Subtract the maximum, don't negate."),
            (np.exp(z / t - np.max(z / t)), "These don't sum to 1: divide by their sum."),
            (np.exp(z / t), "These don't sum to 1: divide by their sum."),
            (np.full(want.shape, 1.0 / want.size), "Every probability is the same although "
             "the scores differ: the gaps between the scores were lost (clipping squashes large "
             "scores together). Subtract the maximum instead: it keeps every gap."),
        ]  # fmt: skip
        if np.all(z != 0) and z.sum() != 0:
            slips.append((z / z.sum(), "Exponentiate first: softmax uses e^(z/T), not z."))
        for value, why in slips:
            if value is None or not np.all(np.isfinite(value)):
                continue
            if not close(value, want) and close(g, value):
                return why
        if not close(g.sum(), 1.0):
            return f"Your numbers sum to {g.sum():.4g}; probabilities must sum to 1."
    return None


def judge_softmax(cases, results) -> Feedback:
    """softmax(z, temperature) on scores and temperatures 0.01 to 10, scores thousands apart,
    all very large ([1000, 1001]) and all very negative ([-1000, -1001]), warnings as errors."""
    failure = first_failure(
        cases,
        got=results,
        agree=_agree_softmax,
        describe=lambda case: (
            f"z = {_describe_z(case['z'])}, temperature = {case['temperature']:g}"
        ),
        diagnose=_diagnose_softmax,
    )
    return failure or correct(
        f"Right on all {len(cases)} cases, for temperatures from 0.01 to 10 and for scores of "
        "±1000 and more, without a warning: no overflow where the scores are large, no "
        "0/0 from underflow where they are all very negative. Subtracting the maximum "
        "is the standard trick; chapter 06 meets it again in the loss, as log-sum-exp."
    )


@exercise(
    "04.2",
    title="a stable softmax with a temperature",
    answers="softmax",
    placeholder='''
def softmax(z, temperature=1.0):
    """Probabilities e^(zᵢ/T) / Σⱼ e^(zⱼ/T) for a 1-D numpy array of scores z and a
    temperature T > 0, with no overflow for scores such as [1000, 1001] and no
    0/0 for scores such as [-1000, -1001]."""
    raise NotImplementedError("write the body of softmax")
''',
    hints=(
        "Three steps: divide the scores by T, exponentiate, divide by the sum.",
        "Before exponentiating, subtract the largest (already divided) score from every "
        "score: the factor e^-max cancels between top and bottom, every exponent is ≤ 0 (no "
        "overflow), and the largest is exactly 0, so the sum is at least e^0 = 1 (no 0/0).",
        "s = np.asarray(z, dtype=float) / temperature; e = np.exp(s - s.max()); "
        "return e / e.sum().",
    ),
    cases=SOFTMAX_CASES,
    judge=judge_softmax,
)
def probe_softmax(softmax, case):
    """The learner's softmax on one row of scores, warnings as errors, nnlib's softmax off."""
    if not callable(softmax):
        raise AnswerError(f"Expected a function softmax(z, temperature=1.0), got {softmax!r}.")
    with refusing(_shortcuts(_SOFTMAX_SHORTCUTS), softmax):
        return _run_strict(softmax, case["z"].copy(), case["temperature"], name="softmax")


class _Layer(tuple):
    """A pair (W, b) that prints as a person reads it."""

    def __new__(cls, W, b):
        return super().__new__(cls, (np.asarray(W, dtype=float), np.asarray(b, dtype=float)))

    def __repr__(self) -> str:
        return f"W = {self[0].tolist()}, b = {self[1].tolist()}"


def _collapse_case(W1, b1, W2, b2, W, b) -> dict:
    """Layers in the row layout: W1 has shape (inputs, hidden), W2 (hidden, outputs); the
    expected collapsed layer (W, b) written out (tests/test_ch04.py recomputes it)."""
    arrays = [np.asarray(a, dtype=float) for a in (W1, b1, W2, b2)]
    return dict(zip(("W1", "b1", "W2", "b2"), arrays, strict=True), want=_Layer(W, b))


COLLAPSE_CASES = [
    _collapse_case([[0, -3], [2, -1]], [0, -3], [[-3, 0], [-3, 3]], [-3, 0],
                   [[9, -9], [-3, -3]], [6, -9]),
    _collapse_case([[-2, -3, -3, -1], [-3, 0, 0, -2], [3, 3, 2, 2]], [2, 2, 2, 0],
                   [[-3, 1], [-2, 1], [1, -2], [3, 3]], [0, 0],
                   [[6, -2], [3, -9], [-7, 8]], [-8, 0]),
    _collapse_case([[-1, -1, 1, -1, 0], [1, 1, -2, 2, -2]], [0, -3, 2, -1, 3],
                   [[3, 1, -1], [-2, -3, 0], [0, -1, 0], [-3, 3, -1], [3, 2, 2]], [1, -1, -2],
                   [[2, -2, 2], [-11, 2, -7]], [19, 9, 5]),
    _collapse_case([[-1, -2, 2], [-1, 2, 2], [3, -3, -1], [-3, -3, 3]], [0, -1, 0],
                   [[3], [-2], [0]], [3], [[1], [-7], [15], [-3]], [5]),
    _collapse_case([[-2]], [-2], [[0]], [3], [[0]], [3]),
]  # fmt: skip


def _pair(got, want):
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise AnswerError(f"Expected a pair (W, b), got {type(got).__name__}.")
    W = as_array(got[0], want[0].shape, "W (one row per input number, one column per output)")
    b = as_array(got[1], want[1].shape, "b (one number per output)")
    return W, b


def _agree_collapse(got, want) -> bool:
    W, b = _pair(got, want)
    return close(W, want[0]) and close(b, want[1])


@_never_raises
def _diagnose_collapse(case, got, want):
    W1, b1, W2, b2 = (case[k] for k in ("W1", "b1", "W2", "b2"))
    try:
        W, b = (np.asarray(g, dtype=float) for g in got)
    except (TypeError, ValueError):
        return None
    if W.shape == want[0].shape and not close(W, want[0]):
        if W2.shape[1] == W1.shape[0] and close(W, W2 @ W1):
            return (
                "W2 @ W1 is the order of section 1, where x was a column on the right. "
                "Here x is a row on the left, so layer 1's matrix comes first: W1 @ W2."
            )
        if close(W, want[0].T):
            return (
                "That W is transposed (rows and columns swapped): one row per input "
                "number, one column per output."
            )
        if W1.shape == W.shape and close(W, W1):
            return "That is W1 alone: the collapsed W is W1 @ W2."
        if W1.shape == W2.shape == W.shape and close(W, W1 * W2):
            return (
                "W1 * W2 multiplies element by element; layers compose by the matrix "
                "product: W = W1 @ W2."
            )
        return "W = W1 @ W2."
    if W.shape == want[0].T.shape and W.shape != want[0].shape:
        return (
            "That W has the shape of (W1 @ W2) turned on its side: one row per input "
            "number and one column per output, please."
        )
    if b.shape == want[1].shape and close(W, want[0]):
        if close(b, b2):
            return "W is right. The first bias also passes through W2: b = b1 @ W2 + b2."
        if close(b, b1 @ W2):
            return "W is right. Add layer 2's own bias: b = b1 @ W2 + b2."
        if W2.shape[0] == W2.shape[1] and close(b, W2 @ b1 + b2):
            return "W is right. In this layout the bias is a row too: b = b1 @ W2 + b2."
        if b1.shape == b2.shape and close(b, (b1 + b2) @ W2):
            return (
                "W is right. Layer 2's bias is added after the product: b = b1 @ W2 + b2, "
                "not (b1 + b2) @ W2."
            )
        if W1.shape[0] == W1.shape[1] and close(b, b1 @ W1 + b2):
            return (
                "W is right. b1 is added after W1, so it passes through W2 (the layer after "
                "it), not W1: b = b1 @ W2 + b2."
            )
        if b1.shape == b.shape and close(b, b1 + b2):
            return "W is right. The first bias passes through W2 before b2 is added: b1 @ W2 + b2."
        return "W is right; b is b1 @ W2 + b2."
    return None


def _describe_collapse(case) -> str:
    W1, b1, W2, b2 = (case[k] for k in ("W1", "b1", "W2", "b2"))
    return (
        f"W1 of shape {W1.shape}, W2 of shape {W2.shape}:\n"
        f"    W1 = {W1.tolist()}, b1 = {b1.tolist()},\n"
        f"    W2 = {W2.tolist()}, b2 = {b2.tolist()}"
    )


def judge_collapse(cases, results) -> Feedback:
    """collapse(W1, b1, W2, b2) in the row layout (x @ W1 + b1, then h @ W2 + b2) on layers
    of several shapes (square and not)."""
    failure = first_failure(
        cases,
        got=results,
        agree=_agree_collapse,
        describe=_describe_collapse,
        diagnose=_diagnose_collapse,
    )
    return failure or correct(
        f"W = W1 @ W2 and b = b1 @ W2 + b2, right on all {len(cases)} pairs of layers: the "
        "same collapse as section 1, with the products in the other order because x now "
        "sits on the left. Two linear layers are one linear layer in either layout: "
        "without an activation between them, depth buys nothing."
    )


@exercise(
    "04.3",
    title="two linear layers are one, with one input per row",
    answers="collapse",
    placeholder='''
def collapse(W1, b1, W2, b2):
    """The one linear layer (W, b) that computes the same as layer 1 (h = x @ W1 + b1)
    followed by layer 2 (h @ W2 + b2), with no activation between them, where each
    input x is a row. Return the pair (W, b) such that x @ W + b gives the same result."""
    raise NotImplementedError("write the body of collapse")
''',
    hints=(
        "Substitute h = x @ W1 + b1 into h @ W2 + b2 and multiply out. Keep every product "
        "in its order: A @ B and B @ A are different matrices.",
        "(x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2).",
        "x sits on the left now, so layer 1's matrix comes first: W = W1 @ W2, the reverse "
        "of section 1's W2 @ W1. The first bias passes through W2 the same way: "
        "b = b1 @ W2 + b2.",
    ),
    cases=COLLAPSE_CASES,
    judge=judge_collapse,
)
def probe_collapse(collapse, case):
    """The learner's collapse on one pair of layers: the pair (W, b) it returns."""
    if not callable(collapse):
        raise AnswerError(f"Expected a function collapse(W1, b1, W2, b2), got {collapse!r}.")
    args = [case[k].copy() for k in ("W1", "b1", "W2", "b2")]
    return call(collapse, *args, name="collapse")


#: 04.4's chain: tanh neurons, each with this weight and a bias of 0, fed the input 0.
CHAIN_LAYERS, CHAIN_WEIGHT = 8, 1.5
#: Every neuron sits at z = 0, where tanh's slope is 1: the factor is 1.5⁸ (tests/test_ch04.py
#: recomputes it with Value.backward).
CHAIN_FACTOR = 25.62890625


@exercise(
    "04.4",
    title="what a chain of tanh neurons does to a gradient",
    kind="value",
    answers="factor",
    placeholder="factor = ...  # your answer: a number",
    hints=(
        "Each neuron of the chain multiplies the gradient by its weight times its "
        "activation's local derivative: w · tanh'(z).",
        "The input is 0 and every bias is 0, so what is z in the first neuron? What does the "
        "first neuron pass on (tanh(0))? Then what is z in the second one?",
        "Every neuron sits at z = 0, where tanh'(0) = 1 - tanh²(0) = 1 (not the sigmoid's "
        "0.25). So each neuron contributes its weight alone: 1.5, eight times.",
    ),
)
def check_factor(factor) -> Feedback:
    """The gradient factor through 8 tanh neurons in a chain, each with weight 1.5 and bias 0,
    from the input 0: every z is 0, so 1.5⁸."""
    f = as_number(factor)
    w, n = CHAIN_WEIGHT, CHAIN_LAYERS
    if close(f, CHAIN_FACTOR, rel=1e-3):
        return correct(
            f"1.5⁸ ≈ {CHAIN_FACTOR:.1f}: tanh's local derivative at 0 is 1, so each neuron "
            "multiplies the gradient by its weight alone, and weights above 1 make it grow "
            f"(an exploding gradient). With sigmoids the same weights would give "
            f"(1.5 · 0.25)⁸ ≈ {(w * 0.25) ** n:.1e}."
        )
    slips = [
        ((w * 0.25) ** n, "That uses the sigmoid's slope 0.25. These are tanh neurons: "
         "tanh'(0) = 1 - tanh²(0) = 1."),
        (0.25**n, "That is the sigmoid's slope alone, 0.25⁸. These are tanh neurons, and each "
         "factor is a weight times a local derivative: 1.5 · tanh'(0)."),
        (1.0, "That is tanh's slopes alone (each is tanh'(0) = 1). Each neuron also multiplies "
         "by its weight, 1.5."),
        (0.0, "tanh(0) = 0 is the value each neuron passes on; the gradient uses the slope, "
         "tanh'(0) = 1, which is not 0."),
        (w * n, "The factors multiply, they don't add: 1.5 · 1.5 · … (8 times)."),
        (w ** (n - 1), "Count the neurons: 8 factors, not 7."),
        (w ** (n + 1), "Count the neurons: 8 factors, not 9."),
        (w**10, "That is ten neurons, like section 3's chains; this chain has 8: 1.5⁸."),
        ((w * (1 - math.tanh(w) ** 2)) ** n, "Every z is 0 here, not 1.5: the input is 0 and "
         "every bias is 0, so each neuron computes tanh(1.5 · 0) = 0 and passes 0 on."),
        (w ** -n, "Upside down: the factor is 1.5⁸, not 1 / 1.5⁸."),
    ]  # fmt: skip
    for value, why in slips:
        if close(f, value, rel=1e-3):
            return wrong(why)
    if close(f, CHAIN_FACTOR, rel=0.02):
        return wrong(
            f"Close to 1.5⁸ = {CHAIN_FACTOR}, but rounded too far: keep more digits, or let "
            "Python compute it (factor = 1.5 ** 8)."
        )
    return wrong("Multiply one factor w · tanh'(z) per neuron, for all eight neurons.")
