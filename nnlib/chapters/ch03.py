"""Chapter 03 (The neuron):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/03_*.ipynb``; it imports this module as ``ch03``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from nnlib import functional as F
from nnlib.data import XOR_INPUTS, XOR_TARGETS
from nnlib.exercises import (
    AnswerError,
    Feedback,
    NotDone,
    Raised,
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
from nnlib.widgets import Explorer, dropdown, slider

#: Labelled points for the neuron explorer: the truth tables of AND, OR, XOR, and two clouds.
NEURON_DATASETS = {
    "AND": (XOR_INPUTS, np.array([0, 0, 0, 1])),
    "OR": (XOR_INPUTS, np.array([0, 1, 1, 1])),
    "XOR": (XOR_INPUTS, XOR_TARGETS),
    "two clouds": (
        np.array([[0.15, 0.2], [0.3, 0.05], [0.05, 0.45], [0.35, 0.35], [0.2, 0.7], [0.55, 0.15],
                  [0.75, 0.9], [0.9, 0.6], [0.6, 0.8], [1.0, 0.95], [0.85, 0.35], [0.45, 1.0]]),
        np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]),
    ),
}  # fmt: skip


def signed(value: float, fmt: str = ".2f") -> str:
    """A number written after a plus or minus sign in a formula: "+ 1.50" or "- 1.50".

    >>> "z = 2·x " + signed(-1.0)
    'z = 2·x - 1.00'
    """
    text = f"{abs(value):{fmt}}"
    negative = value < 0 and float(text) != 0  # -0.001 shown as "+ 0.00", not "- 0.00"
    return f"- {text}" if negative else f"+ {text}"


def formula(weights, bias: float, names=("x1", "x2"), fmt: str = ".2f") -> str:
    """z = w1·x1 + w2·x2 + b written as a person would: "z = 1.00·x1 - 0.50·x2 - 1.50"."""
    first, *rest = zip(weights, names, strict=True)
    text = f"z = {first[0]:{fmt}}·{first[1]}"
    for w, name in rest:
        text += f" {signed(w, fmt)}·{name}"
    return f"{text} {signed(bias, fmt)}"


def neuron_readout(dataset: str, w1: float, w2: float, b: float) -> dict:
    """Classify each point with z = w1·x1 + w2·x2 + b (class 1 where z > 0) and count the hits."""
    if dataset not in NEURON_DATASETS:
        raise ValueError(f"dataset must be one of {list(NEURON_DATASETS)}, got {dataset!r}")
    X, y = NEURON_DATASETS[dataset]
    z = X @ np.array([w1, w2]) + b
    predicted = (z > 0).astype(int)
    return {
        "z": z,
        "predicted": predicted,
        "correct": int(np.sum(predicted == y)),
        "total": len(y),
        "weights": (w1, w2, b),
        "formula": formula((w1, w2), b),
    }


def _boundary_points(w1, w2, b, lo=-0.5, hi=1.5):
    """Two points on the line w1·x + w2·y + b = 0 spanning the plot (None if w = 0)."""
    if abs(w2) > 1e-12:
        xs = np.array([lo, hi])
        return xs, -(w1 * xs + b) / w2
    if abs(w1) > 1e-12:
        return np.full(2, -b / w1), np.array([lo, hi])
    return None


def _neuron_alt(dataset: str, r: dict) -> str:
    """The neuron explorer's picture in words: the points, the line, what is misclassified."""
    X, y = NEURON_DATASETS[dataset]
    w1, w2, _ = r["weights"]
    line = (
        f"the decision line {r['formula']} = 0 with its z > 0 side shaded"
        if (w1, w2) != (0, 0)
        else "no line (both weights are 0, so z is the bias everywhere)"
    )
    missed = [
        f"({x1:g}, {x2:g})" for (x1, x2), p, t in zip(X, r["predicted"], y, strict=True) if p != t
    ]
    text = (
        f"The {dataset} points in the plane (input x1 across, input x2 up; class 0 as circles, "
        f"class 1 as triangles) and {line}: {r['correct']} of {r['total']} classified right"
    )
    return text + (f"; ringed as misclassified: {', '.join(missed)}." if missed else ".")


def neuron_explorer(dataset: str = "AND", w1: float = 1.0, w2: float = 1.0, b: float = -0.5):
    """Sliders for w1, w2 and b move one neuron's decision line over labelled points."""
    fig, ax = new_figure(6.6, 4.0)
    grid = np.linspace(-0.5, 1.5, 161)
    gx, gy = np.meshgrid(grid, grid)
    shade = ax.imshow(
        np.zeros_like(gx), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", cmap="Blues",
        vmin=0, vmax=3, alpha=0.5, interpolation="nearest",
    )  # fmt: skip
    (line,) = ax.plot([], [], color=COLORS["black"], lw=2)
    zero = ax.scatter([], [], marker="o", s=90, color=COLORS["orange"], edgecolor="k")
    one = ax.scatter([], [], marker="^", s=110, color=COLORS["blue"], edgecolor="k")
    missed = ax.scatter([], [], marker="o", s=380, facecolor="none", edgecolor=COLORS["black"],
                        lw=2)  # fmt: skip
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="input x1", ylabel="input x2")
    ax.set_aspect("equal")
    # Legend entries drawn at legend size (the ring is much larger on the plot itself).
    handles = [
        Line2D([], [], color=COLORS["black"], lw=2, label="decision line z = 0"),
        Patch(facecolor=shade.cmap(shade.norm(1.0)), alpha=0.5, label="z > 0: predict class 1"),
        Line2D([], [], ls="", marker="o", ms=8, mfc=COLORS["orange"], mec="k", label="class 0"),
        Line2D([], [], ls="", marker="^", ms=9, mfc=COLORS["blue"], mec="k", label="class 1"),
        Line2D([], [], ls="", marker="o", ms=12, mfc="none", mec=COLORS["black"], mew=2,
               label="misclassified (ring)"),
    ]  # fmt: skip
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=8,
              borderaxespad=0)  # fmt: skip

    def draw(r):
        X, y = NEURON_DATASETS[sliders["dataset"].value]
        w1_, w2_, b_ = r["weights"]
        shade.set_data((w1_ * gx + w2_ * gy + b_ > 0).astype(float))
        pts = _boundary_points(w1_, w2_, b_)
        line.set_data(*(pts if pts is not None else ([], [])))
        zero.set_offsets(X[y == 0])
        one.set_offsets(X[y == 1])
        miss = X[r["predicted"] != y]
        missed.set_offsets(miss if len(miss) else np.empty((0, 2)))
        ax.set_title(f"{sliders['dataset'].value}: {r['correct']} of {r['total']} right",
                     fontsize=10)  # fmt: skip

    sliders = {
        "dataset": dropdown("points", list(NEURON_DATASETS), dataset),
        "w1": slider("weight w1", w1, -3.0, 3.0, 0.1),
        "w2": slider("weight w2", w2, -3.0, 3.0, 0.1),
        "b": slider("bias b", b, -3.0, 3.0, 0.1),
    }
    tips = {
        "dataset": "which labelled points to separate",
        "w1": "how much input x1 counts (no unit: the inputs are plain numbers)",
        "w2": "how much input x2 counts (no unit: the inputs are plain numbers)",
        "b": "added to z whatever the inputs: moves the line without turning it",
    }
    for name, tip in tips.items():
        sliders[name].tooltip = tip
    return Explorer(
        sliders,
        neuron_readout,
        lambda r: (
            f"{r['formula']} &nbsp; → &nbsp; <b>{r['correct']} of {r['total']}</b> "
            "classified right"
        ),
        figure=fig,
        draw=draw,
        title="One neuron draws one straight line",
        alt=lambda r: _neuron_alt(sliders["dataset"].value, r),
    )


ACTIVATIONS = {
    "ReLU": F.relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "none (identity)": lambda z: z,
}


def single_neuron_readout(activation: str, w: float, b: float, x: float) -> dict:
    """One input, one neuron: z = w·x + b and a = activation(z)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    z = w * x + b
    return {"x": x, "z": z, "a": float(ACTIVATIONS[activation](np.float64(z))), "w": w, "b": b}


def _paren(v: float) -> str:
    """A number as a factor: negatives in brackets, "2.00·(-3.00)"."""
    text = f"{v:.2f}"
    return f"({text})" if text.startswith("-") else text


def _applied(activation: str, r: dict) -> str:
    """ "ReLU(2.00·x + 1.00)", or "2.00·x + 1.00" with no activation."""
    z = f"{r['w']:.2f}·x {signed(r['b'])}"
    return z if activation not in ("ReLU", "sigmoid", "tanh") else f"{activation}({z})"


def single_neuron_explorer(
    activation: str = "ReLU", w: float = 2.0, b: float = 1.0, x: float = 3.0
):
    """Sliders for one input x, its weight w and the bias b: z = w·x + b, then the activation."""
    fig, ax = new_figure(6.0, 3.4)
    xs = np.linspace(-5, 5, 201)
    (curve,) = ax.plot([], [], color=COLORS["blue"], lw=2, label="a = activation(w·x + b)")
    (dot,) = ax.plot(
        [], [], "o", color=COLORS["vermillion"], ms=8, label="your x and its output a"
    )
    ax.axhline(0, color=COLORS["grey"], lw=0.8)
    ax.set(xlim=(-5, 5), xlabel="input x", ylabel="output a")
    ax.legend(fontsize=8, loc="best")

    def draw(r):
        a = ACTIVATIONS[sliders["activation"].value](r["w"] * xs + r["b"])
        curve.set_data(xs, a)
        dot.set_data([r["x"]], [r["a"]])
        lo, hi = min(a.min(), r["a"]), max(a.max(), r["a"])
        pad = 0.1 * max(hi - lo, 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_title(
            f"{sliders['activation'].value} neuron: w = {r['w']:.1f}, b = {r['b']:.1f}",
            fontsize=10,
        )

    sliders = {
        "activation": dropdown("activation", list(ACTIVATIONS), activation),
        "w": slider("weight w", w, -3.0, 3.0, 0.1),
        "b": slider("bias b", b, -5.0, 5.0, 0.1),
        "x": slider("input x", x, -5.0, 5.0, 0.1),
    }
    sliders["activation"].tooltip = "the function applied to z (chapter 04 compares them)"
    sliders["w"].tooltip = "multiplies the input: tilts the curve, flips it when negative"
    sliders["b"].tooltip = "added to w·x: slides the curve left and right"
    sliders["x"].tooltip = "the input the dot sits at"
    return Explorer(
        sliders,
        single_neuron_readout,
        lambda r: (
            f"z = w·x + b = {r['w']:.2f}·{_paren(r['x'])} {signed(r['b'])} = <b>{r['z']:.2f}</b>"
            f" &nbsp; → &nbsp; a = <b>{r['a']:.2f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="A neuron with one input",
        alt=lambda r: (
            f"The curve a = {_applied(sliders['activation'].value, r)} for input x from -5 to "
            f"5, with a dot at x = {r['x']:.2f}, where a = {r['a']:.2f}."
        ),
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise has a probe (runs the learner's function on one case and returns
# plain data) and a judge (compares that data with the case's "want", in the grader's
# process). Hidden cases and our solutions live in nnlib/solutions/ch03.py.


def relu(z):
    """max(0, z)."""
    return max(0.0, z)


def identity(z):
    """z itself: no activation."""
    return z


def tanh(z):
    """tanh(z)."""
    return math.tanh(z)


def sigmoid(z):
    """1 / (1 + e^-z)."""
    return 1.0 / (1.0 + math.exp(-z))


def _fmt(v) -> str:
    if isinstance(v, np.ndarray):
        return "np.array(" + np.array2string(v, precision=3, separator=", ") + ")"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(f"{x:g}" for x in v) + "]"
    return f"{v:g}"


def _outcome(fn, *args, name: str):
    """What the learner's function did with arguments it should refuse: what it returned,
    or the exception it raised (its class names, so that a subclass of ValueError counts)."""
    try:
        with np.errstate(all="ignore"):
            got = call(fn, *args, name=name)
    except NotDone:
        raise
    except Exception as e:  # the learner's code may raise anything: that is what we record
        return {"raised": [c.__name__ for c in type(e).__mro__], "message": str(e)[:300]}
    return {"returned": got}


def _refused(got, want) -> bool:
    """A case that must raise ValueError: did it, with the numbers of ``want["in_message"]``
    in its message?"""
    if not isinstance(got, dict) or "ValueError" not in got.get("raised", ()):
        return False
    return all(str(n) in str(got.get("message", "")) for n in want.get("in_message", ()))


def _count(n: int) -> str:
    """ "1 number", "3 numbers"."""
    return f"{n} number" if n == 1 else f"{n} numbers"


def _neuron_case(x, w, b, activation, want) -> dict:
    return {"x": x, "w": w, "b": b, "activation": activation, "want": want}


def _mismatch_case(x, w) -> dict:
    """x and w of different lengths: neuron must raise ValueError giving both lengths."""
    want = {"raised": "ValueError", "in_message": (len(x), len(w))}
    return {"x": x, "w": w, "b": 0.0, "activation": relu, "mismatch": True, "want": want}


#: Inputs of 1 to 10 numbers (lists and arrays), four activations; then mismatched lengths.
#: The expected outputs are written out (tests/test_ch03.py recomputes them).
NEURON_CASES = [
    _neuron_case([1.0, -2.0], [0.5, 0.25], 1.0, identity, 1.0),
    _neuron_case([3.0, 1.0], [-2.0, 1.0], 1.0, relu, 0.0),  # z = -4: ReLU gives 0
    _neuron_case([3.0], [-2.0], 1.0, relu, 0.0),
    _neuron_case([0.5, 1.5, -1.0], [2.0, -1.0, 0.5], 0.0, tanh, -0.7615941559557649),
    _neuron_case(np.array([-0.77]), np.array([-0.45]), -0.87, sigmoid, 0.3720341815098483),
    _neuron_case([0.24, -0.68], [1.62, -1.05], -1.01, relu, 0.0928),
    _neuron_case([-1.32, 0.4, -1.16, 1.07], [-0.79, 0.74, 1.92, -0.78], -3.11, identity, -4.833),
    _neuron_case(
        np.array([0.64, 0.64, -0.06, 0.01, 1.18, -1.64, -0.03]),
        np.array([1.83, -0.57, -0.07, -0.1, 1.06, -1.6, -0.39]),
        0.87,
        tanh,
        0.9999707335120585,
    ),
    _neuron_case(
        [1.28, -1.15, 0.45, -0.18, 0.44, 1.54, -1.51, -0.83, -0.27, -2.06],
        [-1.73, -0.21, 0.64, 0.17, -0.46, 0.03, 0.52, 0.43, -1.43, -1.53],
        0.88,
        relu,
        1.4041,
    ),
    _neuron_case(np.zeros(3), np.array([1.0, 2.0, 3.0]), -0.5, sigmoid, 0.3775406687981454),
    _mismatch_case([1.0, 2.0, 3.0], [0.5, -1.0]),
    _mismatch_case(np.ones(4), np.ones(5)),
    _mismatch_case([2.0], [1.0, 1.0, 1.0]),  # numpy's * would quietly stretch one input
]


def _describe_neuron(case) -> str:
    x, w, b, act = case["x"], case["w"], case["b"], case["activation"]
    if case.get("mismatch"):
        return f"neuron({_fmt(x)}, {_fmt(w)}, 0, relu)"
    return f"x = {_fmt(x)}, w = {_fmt(w)}, b = {b:g}, activation = {act.__name__}"


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
def _diagnose_neuron(case, got, want):
    x, w, b, act = case["x"], case["w"], case["b"], case["activation"]
    if case.get("mismatch"):
        n, m = len(x), len(w)
        if isinstance(got, dict) and "raised" in got:
            if "ValueError" in got["raised"]:
                return (
                    f"Right kind of error, but the message should give both lengths ({n} and "
                    f"{m}) so that whoever called the function sees what went wrong."
                )
            return (
                f"x has {_count(n)} and w has {m}, and your code raised {got['raised'][0]}: "
                "check len(x) != len(w) first and raise ValueError with both lengths in "
                "its message."
            )
        why = (
            "zip stops quietly at the shorter list, so an input or a weight is dropped "
            "without a word. "
            if n > 1
            else "numpy's * 'broadcast' the single input against every weight. "
        )
        return (
            f"It returned a number instead of raising ValueError: x has {_count(n)} but w has "
            f"{m}. {why}Compare the lengths first and raise ValueError with both in its message."
        )
    try:
        g = as_number(got)
    except AnswerError:
        return "Return one number: the neuron's output activation(z)."
    products = [float(wi) * float(xi) for wi, xi in zip(w, x, strict=True)]
    wx = math.fsum(products)
    guesses = [
        (act(wx), "The bias is missing: z = w·x + b, then the activation."),
        (act(wx) + b, "The bias goes inside the activation: activation(w·x + b)."),
        (wx + b, "That is z. The neuron's output is activation(z)."),
        (math.fsum(act(p) for p in products) + b,
         "The activation is applied once, to the whole sum, not to each product."),
        (act(wx - b), "Add the bias: z = w·x + b, not w·x - b."),
        (act(products[-1] + b), "Only the last product is left: inside the loop, `z = …` "
         "replaces z each time; add to it with `z += …`."),
        (act(wx - products[-1] + b), "The last input is left out: the loop must visit all "
         "len(x) of them (range(len(x)), not range(len(x) - 1))."),
        (act(wx - products[0] + b), "The first input is left out: Python counts from 0, so "
         "the loop must start at index 0."),
        (max(0.0, wx + b), "That is ReLU(z), but this case's activation is "
         f"{act.__name__}: call the function passed in as `activation`, activation(z)."),
    ]  # fmt: skip
    for value, why in guesses:
        if not close(value, want) and close(g, value):
            return why
    return None


def _agree_neuron(got, want) -> bool:
    if isinstance(want, dict):
        return _refused(got, want)
    if isinstance(got, dict):
        return False
    return close(as_number(got, "the neuron's output (one number)"), want)


def _said(got) -> str:
    """What the learner's neuron did with mismatched lengths, as a person reads it."""
    if isinstance(got, dict) and "raised" in got:
        return f"raised {got['raised'][0]}({got.get('message', '')!r})"
    if isinstance(got, dict) and "returned" in got:
        return f"returned {got['returned']!r}"
    return repr(got)


def judge_neuron(cases, results) -> Feedback:
    """neuron(x, w, b, activation) on inputs of many lengths and activations, and a
    ValueError giving both lengths when x and w differ in length."""
    failure = first_failure(
        cases,
        got=results,
        agree=_agree_neuron,
        describe=_describe_neuron,
        diagnose=_diagnose_neuron,
    )
    if failure:
        index = _first_failing(cases, results, _agree_neuron)
        case, got = cases[index], results[index]
        if case.get("mismatch") and not isinstance(got, Raised):
            n, m = (len(case["x"]), len(case["w"]))
            lines = failure.message.split("\n")
            for i, line in enumerate(lines):
                if line.startswith("  expected: "):
                    lines[i] = f"  expected: raise ValueError, with {n} and {m} in its message"
                elif line.startswith("  got:      "):
                    lines[i] = f"  got:      {_said(got)}"
            failure = replace(failure, message="\n".join(lines))
    return failure or correct(
        f"Right on all {len(cases)} cases: inputs of many lengths with several activations, "
        "and every mismatch refused with a message that says what is wrong. That one line "
        "of checking saves hours: a silently dropped input raises no error, it only gives "
        "wrong numbers."
    )


@exercise(
    "03.1",
    title="a neuron's forward pass",
    answers="neuron",
    placeholder='''
def neuron(x, w, b, activation):
    """The output of one neuron: activation(w·x + b).

    x: the inputs, w: one weight per input (lists or numpy arrays of the same length),
    b: the bias (a number), activation: a function of one number, such as max(0, z).
    If x and w have different lengths, raise ValueError with a message that gives
    both lengths.
    """
    raise NotImplementedError("write the body of neuron")
''',
    hints=(
        "Three steps: check the lengths, compute z = w·x + b, return activation(z).",
        "z is w[0]·x[0] + w[1]·x[1] + … + b: sum(wi * xi for wi, xi in zip(w, x)) + b. "
        "Mind that zip stops quietly at the shorter list: that is why the length check "
        "comes first.",
        'The check: if len(x) != len(w): raise ValueError(f"x has {len(x)} inputs but w '
        'has {len(w)} weights"). The activation is applied once, to the whole z.',
    ),
    cases=NEURON_CASES,
    judge=judge_neuron,
)
def probe_neuron(neuron, case):
    """The learner's neuron on one case: its output, or (for mismatched lengths) what it did."""
    if not callable(neuron):
        raise AnswerError(f"Expected a function neuron(x, w, b, activation), got {neuron!r}.")
    args = (case["x"], case["w"], case["b"], case["activation"])
    if case.get("mismatch"):
        return _outcome(neuron, *args, name="neuron")
    return call(neuron, *args, name="neuron")


def _line_case(p, q, positive, want) -> dict:
    return {"p": p, "q": q, "positive": positive, "want": want}


#: Two points on the line and one on its z > 0 side. The expected (w1, w2, b) is one
#: answer of many: every positive multiple of it draws the same line, facing the same way.
LINE_CASES = [
    _line_case((0.0, 1.0), (2.0, 2.0), (0.0, 3.0), (-1.0, 2.0, -2.0)),
    _line_case((0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (1.0, -1.0, 0.0)),
    _line_case((1.0, 0.0), (0.0, 1.0), (0.0, 0.0), (-1.0, -1.0, 1.0)),  # the origin: z < 0 side
    _line_case((-1.0, 2.0), (3.0, 2.0), (0.0, 0.0), (0.0, -4.0, 8.0)),  # horizontal
    _line_case((2.0, -1.0), (2.0, 5.0), (0.0, 0.0), (-6.0, 0.0, 12.0)),  # vertical: no slope
    _line_case((3.0, 1.0), (-1.0, -1.0), (-2.0, 4.0), (-2.0, 4.0, 2.0)),
    _line_case((0.5, 0.25), (-1.5, 0.75), (0.0, 0.0), (-0.5, -2.0, 0.75)),
]


def _describe_line(case) -> str:
    p, q, s = (tuple(float(v) for v in case[k]) for k in ("p", "q", "positive"))
    return f"p = {p}, q = {q}, positive = {s}"


def _unit(v) -> np.ndarray:
    """(w1, w2, b) scaled so that (w1, w2) has length 1: one representative per line and side."""
    v = np.asarray(v, dtype=float)
    return v / math.hypot(v[0], v[1])


def _agree_line(got, want) -> bool:
    g = as_array(got, (3,), "three numbers (w1, w2, b)")
    if math.hypot(g[0], g[1]) == 0:
        return False
    return close(_unit(g), _unit(want), rel=1e-6, abs_tol=1e-9)


@_never_raises
def _diagnose_line(case, got, want):
    p, q = (np.asarray(case[k], dtype=float) for k in ("p", "q"))
    try:
        with np.errstate(all="ignore"):
            g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return "Return three numbers: (w1, w2, b)."
    if g.shape == (3,) and not np.all(np.isfinite(g)) and p[0] == q[0]:
        return (
            "p and q share x1 here: the line is vertical, and a slope (a division by "
            "q1 - p1 = 0) is infinite. Build (w1, w2) from the direction q - p instead: "
            "no division needed."
        )
    if g.shape == (2,):
        return (
            "Return the three numbers (w1, w2, b) of the neuron: two numbers (a slope and an "
            "intercept, or w without b) are not enough."
        )
    if not np.all(np.isfinite(g)):
        return None
    if g.shape != (3,):
        return "Return three numbers: (w1, w2, b)."
    if math.hypot(g[0], g[1]) == 0:
        return "With w1 = w2 = 0, z is the constant b everywhere: no line at all."
    u = _unit(g)
    scale = 1 + float(np.abs(np.r_[p, q]).max())
    on_p = abs(u[:2] @ p + u[2]) <= 1e-6 * scale
    on_q = abs(u[:2] @ q + u[2]) <= 1e-6 * scale
    along = (q - p) / np.linalg.norm(q - p)
    cosine = abs(float(u[:2] @ along))
    if close(u, -_unit(want), rel=1e-6, abs_tol=1e-9):
        return (
            "Your line is the right one, but it faces the wrong way: the point `positive` "
            "gets z < 0. Multiply all three numbers by -1 when z(positive) < 0."
        )
    if cosine > 1 - 1e-9:
        return (
            "Your (w1, w2) points along the line, from p to q. The weights must stand at "
            "right angles to the line: turn (d1, d2) = q - p into (-d2, d1)."
        )
    if on_p and not on_q:
        return (
            "The line passes through p but not through q: (w1, w2) must be at right angles "
            "to q - p."
        )
    if not on_p and cosine < 1e-9:
        text = (
            "(w1, w2) is at right angles to the line, but the bias is off: z(p) must be 0, "
            "so b = -(w1·p1 + w2·p2)."
        )
        if close(u[2], -_unit(want)[2], rel=1e-6, abs_tol=1e-9):
            text += (
                " If you turned the line round by negating w1 and w2, negate b with them: "
                "all three change sign together."
            )
        return text
    return None


def _first_failing(cases, results, agree) -> int:
    """The index of the first case whose result does not agree (as first_failure finds it)."""
    for index, (case, got) in enumerate(zip(cases, results, strict=True)):
        if isinstance(got, Raised):
            return index
        try:
            if not agree(got, case["want"]):
                return index
        except (TypeError, ValueError, AnswerError):
            return index
    return len(cases) - 1


def judge_line(cases, results) -> Feedback:
    """line_weights(p, q, positive): p and q on z = 0, positive on z > 0, on lines of every
    direction (vertical and horizontal too)."""
    failure = first_failure(
        cases,
        got=results,
        agree=_agree_line,
        describe=_describe_line,
        diagnose=_diagnose_line,
    )
    if failure:
        message = failure.message.replace(
            "\n  got:", " (or any positive multiple of it)\n  got:", 1
        )
        index = _first_failing(cases, results, _agree_line)
        case, got = cases[index], results[index]
        if isinstance(got, Raised) and got.type == "ZeroDivisionError":
            if case["p"][0] == case["q"][0]:
                message += (
                    "\np and q share x1 here: the line is vertical and has no slope, so a "
                    "formula that divides by q1 - p1 cannot work. Build (w1, w2) from the "
                    "direction q - p instead: no division needed."
                )
        return replace(failure, message=message)
    return correct(
        f"Right on all {len(cases)} lines, vertical and horizontal ones included: the weights "
        "stand at right angles to the line and point to the z > 0 side, and the bias puts "
        "the line through p. Any positive multiple of your answer draws the same line."
    )


@exercise(
    "03.2",
    title="weights for a line you are given",
    answers="line_weights",
    placeholder='''
def line_weights(p, q, positive):
    """Weights (w1, w2, b) of a neuron whose decision line w1·x1 + w2·x2 + b = 0 passes
    through the points p and q (pairs (x1, x2), p != q), and which gives the point
    `positive` a z > 0. Return the three numbers as a tuple."""
    raise NotImplementedError("write the body of line_weights")
''',
    hints=(
        "Section 2 showed that the arrow (w1, w2) stands at right angles to the line and "
        "points to the z > 0 side. Start from the direction of the line, d = q - p.",
        "An arrow at right angles to (d1, d2) is (-d2, d1) (their dot product is 0). Take it "
        "as (w1, w2), then choose b so that z(p) = w1·p1 + w2·p2 + b is 0.",
        "Last, compute z at `positive`. If it is negative, the arrow points the wrong way: "
        "multiply w1, w2 and b by -1. This works for vertical lines too; a slope would not.",
    ),
    cases=LINE_CASES,
    judge=judge_line,
)
def probe_line(line_weights, case):
    """The learner's line_weights(p, q, positive) on one case."""
    if not callable(line_weights):
        raise AnswerError(
            f"Expected a function line_weights(p, q, positive), got {line_weights!r}."
        )
    with np.errstate(all="ignore"):  # numpy's x/0 gives inf: the judge reports it
        return call(line_weights, case["p"], case["q"], case["positive"], name="line_weights")


_GATE_INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]
_GATES = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "x1 alone": [0, 0, 1, 1],
    "x2 AND NOT x1": [0, 1, 0, 0],
    "NOR": [1, 0, 0, 0],
}


def _gate(weights) -> list[int]:
    w1, w2, b = weights
    return [int(w1 * x1 + w2 * x2 + b > 0) for x1, x2 in _GATE_INPUTS]


@exercise(
    "03.3",
    title="weights for x1 AND NOT x2",
    kind="value",
    answers="gate_weights",
    placeholder="gate_weights = ...  # your answer: three numbers (w1, w2, b)",
    hints=(
        "Only the input (1, 0) may give z > 0. Which input should push z up, "
        "and which should push it down?",
        "x1 votes for, x2 votes against: w1 > 0 and w2 < 0. Now choose b so that "
        "(0, 0) gives z ≤ 0 but (1, 0) gives z > 0.",
        "With w1 = 1 and w2 = -1, z at (0, 0), (0, 1), (1, 0), (1, 1) is b, b - 1, b + 1, b. "
        "You need b + 1 > 0 and b ≤ 0: b = -0.5 sits safely in the middle (b = 0 passes "
        "only because z = 0 counts as class 0).",
    ),
)
def check_gate_weights(gate_weights) -> Feedback:
    """Weights (w1, w2, b) with which one neuron (class 1 where z > 0) computes x1 AND NOT x2."""
    w = as_array(gate_weights, (3,), "a list (w1, w2, b)")
    outputs = _gate(w)
    zs = [w[0] * x1 + w[1] * x2 + w[2] for x1, x2 in _GATE_INPUTS]
    if outputs == [0, 0, 1, 0]:
        on_line = [p for p, z in zip(_GATE_INPUTS, zs, strict=True) if z == 0]
        note = (
            f" Note that z is exactly 0 at {', '.join(map(str, on_line))}: that counts as "
            "class 0 here, but a bias a little lower would keep every point off the line."
            if on_line
            else ""
        )
        return correct(
            f"z = {formula(w[:2], w[2], fmt='g')[4:]} is positive only at (1, 0). The "
            "negative weight lets x2 veto: a weight's sign says whether its input votes "
            "for or against." + note
        )
    table = ", ".join(
        f"{p}: z = {z:g} → {o}" for p, z, o in zip(_GATE_INPUTS, zs, outputs, strict=True)
    )
    named = next((name for name, t in _GATES.items() if t == outputs), None)
    lines = [f"Your neuron gives {table}; x1 AND NOT x2 is [0, 0, 1, 0]."]
    if named:
        lines.append(f"It computes {named}.")
    if any(z == 0 for z in zs):
        lines.append("Careful: z = 0 counts as class 0 (the neuron says 1 only when z > 0).")
    if w[0] <= 0:
        lines.append("x1 must vote for: give it a positive weight.")
    if w[1] >= 0:
        lines.append("x2 must vote against: give it a negative weight.")
    if w[0] > 0 > w[1]:  # the signs are right: say which point is on the wrong side
        if outputs[0] == 1:
            lines.append("(0, 0) gives z = b > 0; it must give z ≤ 0: lower the bias.")
        if outputs[2] == 0:
            lines.append("(1, 0) gives z = w1 + b ≤ 0; it must give z > 0: raise w1 or the bias.")
        if outputs[3] == 1:
            lines.append(
                "(1, 1) gives z = w1 + w2 + b > 0; it must give z ≤ 0: x2's veto has to "
                "outweigh x1, so make w2 more negative (or lower the bias)."
            )
    return wrong(" ".join(lines))


#: 03.4's neuron: inputs, weights, bias, ReLU, and the loss L = (a - 5)².
GRAD_X = np.array([2.0, -1.0, 0.5])
GRAD_W = np.array([1.0, 3.0, -2.0])
GRAD_B = 4.0
GRAD_TARGET = 5.0
#: What the chain rule gives (tests/test_ch03.py recomputes it with Value.backward):
#: z = 2, a = 2, ∂L/∂a = 2·(2 - 5) = -6, ReLU's local derivative at z = 2 is 1.
GRADS = np.array([-12.0, 6.0, -3.0, -6.0])


@exercise(
    "03.4",
    title="gradients through an activation and a loss",
    kind="value",
    answers="grads",
    placeholder="grads = ...  # your answer: four numbers, ∂L/∂w1, ∂L/∂w2, ∂L/∂w3, ∂L/∂b",
    hints=(
        "Go backwards one step at a time: first z and a = ReLU(z), then ∂L/∂a, then ∂L/∂z, "
        "and only then the weights and the bias.",
        "L = (a - 5)², so ∂L/∂a = 2·(a - 5). ReLU's local derivative is 1 where z > 0 and 0 "
        "where z < 0: which is it here? That gives ∂L/∂z = ∂L/∂a · (ReLU's local derivative).",
        "Then ∂L/∂wᵢ = ∂L/∂z · xᵢ (the local derivative of z with respect to wᵢ is xᵢ), and "
        "∂L/∂b = ∂L/∂z · 1.",
    ),
)
def check_grads(grads) -> Feedback:
    """[∂L/∂w1, ∂L/∂w2, ∂L/∂w3, ∂L/∂b] of L = (ReLU(w·x + b) - 5)² at x = [2, -1, 0.5],
    w = [1, 3, -2], b = 4."""
    g = as_array(grads, what="four numbers (∂L/∂w1, ∂L/∂w2, ∂L/∂w3, ∂L/∂b)")
    if g.shape == (3,):
        return wrong("Four numbers, please: the three weights' gradients and then ∂L/∂b.")
    if g.shape != (4,):
        return wrong(
            f"Expected four numbers (∂L/∂w1, ∂L/∂w2, ∂L/∂w3, ∂L/∂b), got shape {g.shape}."
        )
    dL_dz = GRADS[3]
    if close(g, GRADS):
        return correct(
            f"z = 2 and a = ReLU(2) = 2, so ∂L/∂a = 2·(2 - 5) = {dL_dz:g}; ReLU's local "
            f"derivative at z = 2 is 1, so ∂L/∂z = {dL_dz:g}; then ∂L/∂w = ∂L/∂z · x = "
            f"{GRADS[:3].tolist()} and ∂L/∂b = ∂L/∂z · 1 = {dL_dz:g}. Local derivatives, "
            "multiplied along the way back from L."
        )
    slips = [
        (np.r_[GRAD_X, 1.0], "Those are the local derivatives ∂z/∂wᵢ = xᵢ and ∂z/∂b = 1. The "
         "gradients of the loss multiply them by ∂L/∂z."),
        (-GRADS, "The sign is flipped: ∂L/∂a = 2·(a - 5) = 2·(2 - 5), which is negative."),
        (GRADS / 2, "The factor 2 is missing: the derivative of (a - 5)² is 2·(a - 5)."),
        (np.r_[GRAD_W * dL_dz, dL_dz], "Those are ∂L/∂xᵢ = ∂L/∂z · wᵢ, the inputs' gradients. "
         "For the weights, the local derivative ∂z/∂wᵢ is the input xᵢ."),
        (np.zeros(4), "z = 2 is positive, so ReLU's local derivative there is 1, not 0: "
         "the gradient passes through."),
        (np.r_[GRADS[:3], dL_dz * GRAD_B], "The bias's local derivative is 1 (z = … + b), "
         "not b: ∂L/∂b = ∂L/∂z."),
        (np.r_[GRADS[:3], 0.0], "The bias's gradient is not 0: z = … + b, so ∂z/∂b = 1 and "
         "∂L/∂b = ∂L/∂z."),
        (np.r_[GRAD_X * 2 * (GRAD_B - GRAD_TARGET), 2 * (GRAD_B - GRAD_TARGET)],
         "Compute z first: z = w·x + b = 2, not b."),
        (np.r_[dL_dz, GRADS[:3]], "The right numbers in the wrong order: the three weights' "
         "gradients first, then ∂L/∂b last."),
    ]  # fmt: skip
    for value, why in slips:
        if close(g, value):
            return wrong(why)
    if close(g[:3], GRADS[:3]):
        return wrong("The weights are right; ∂L/∂b = ∂L/∂z · 1.")
    return wrong(
        "Work backwards: z = w·x + b, a = ReLU(z), ∂L/∂a = 2·(a - 5), ∂L/∂z = ∂L/∂a · "
        "(ReLU's local derivative), then ∂L/∂wᵢ = ∂L/∂z · xᵢ and ∂L/∂b = ∂L/∂z."
    )
