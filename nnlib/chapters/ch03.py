"""Chapter 03 (The neuron):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/03_*.ipynb``; it imports this module as ``ch03``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from nnlib import functional as F
from nnlib.data import XOR_INPUTS, XOR_TARGETS
from nnlib.exercises import (
    AnswerError,
    Feedback,
    NotDone,
    as_array,
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
    )


# ------------------------------------------------------------------ exercises


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
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:g}" for x in v) + "]"
    return f"{v:g}"


def _neuron_cases():
    rng = np.random.default_rng(303)
    cases = [
        ([1.0, -2.0], [0.5, 0.25], 1.0, identity),
        ([3.0, 1.0], [-2.0, 1.0], 1.0, relu),  # z = -4: ReLU gives 0
        ([3.0], [-2.0], 1.0, relu),
        ([0.5, 1.5, -1.0], [2.0, -1.0, 0.5], 0.0, tanh),
    ]
    for n, act in [(1, sigmoid), (2, relu), (4, identity), (7, tanh), (10, relu)]:
        x = rng.normal(size=n).round(2)
        w = rng.normal(size=n).round(2)
        b = round(float(rng.normal()), 2)
        cases.append((x if n % 2 else x.tolist(), w if n % 2 else w.tolist(), b, act))
    cases.append((np.zeros(3), np.array([1.0, 2.0, 3.0]), -0.5, sigmoid))  # all inputs 0
    return cases


def _z(x, w, b) -> float:
    return float(np.dot(np.asarray(w, float), np.asarray(x, float)) + b)


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
    solution='''
def neuron(x, w, b, activation):
    """The output of one neuron: activation(w·x + b)."""
    if len(x) != len(w):
        raise ValueError(f"x has {len(x)} inputs but w has {len(w)} weights")
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    return activation(z)
''',
    hints=(
        "Three steps: check the lengths, compute z = w·x + b, return activation(z).",
        "z is w[0]·x[0] + w[1]·x[1] + … + b: sum(wi * xi for wi, xi in zip(w, x)) + b. "
        "Mind that zip stops quietly at the shorter list: that is why the length check "
        "comes first.",
        'The check: if len(x) != len(w): raise ValueError(f"x has {len(x)} inputs but w '
        'has {len(w)} weights"). The activation is applied once, to the whole z.',
    ),
)
def check_neuron(neuron) -> Feedback:
    """neuron(x, w, b, activation) on unseen inputs of 1 to 10 numbers, four activations,
    and on inputs and weights of different lengths (a ValueError giving both lengths)."""
    if not callable(neuron):
        raise AnswerError(f"Expected a function neuron(x, w, b, activation), got {neuron!r}.")

    def describe(case):
        x, w, b, act = case
        return f"x = {_fmt(x)}, w = {_fmt(w)}, b = {b:g}, activation = {act.__name__}"

    def diagnose(case, got, want):
        x, w, b, act = case
        try:
            g = float(np.asarray(got, dtype=float).reshape(()))
        except (TypeError, ValueError):
            return "Return one number: the neuron's output activation(z)."
        wx = _z(x, w, 0.0)
        products = np.asarray(w, float) * np.asarray(x, float)
        guesses = [
            (act(wx), "The bias is missing: z = w·x + b, then the activation."),
            (act(wx) + b, "The bias goes inside the activation: activation(w·x + b)."),
            (wx + b, "That is z. The neuron's output is activation(z)."),
            (sum(act(p) for p in products) + b,
             "The activation is applied once, to the whole sum, not to each product."),
            (act(float(products.sum()) - b), "Add the bias: z = w·x + b, not w·x - b."),
        ]  # fmt: skip
        for value, why in guesses:
            if not close(value, want) and close(g, value):
                return why
        return None

    failure = first_failure(
        _neuron_cases(),
        run=lambda case: call(neuron, *case, name="neuron"),
        expected=lambda case: float(case[3](_z(case[0], case[1], case[2]))),
        describe=describe,
        diagnose=diagnose,
    )
    if failure:
        return failure
    mismatched = [
        ([1.0, 2.0, 3.0], [0.5, -1.0]),
        (np.ones(4), np.ones(5)),
        ([2.0], [1.0, 1.0, 1.0]),  # numpy would quietly broadcast one input to three weights
    ]
    for x, w in mismatched:
        where = f"neuron({_fmt(x)}, {_fmt(w)}, 0, relu)"
        try:
            got = call(neuron, x, w, 0.0, relu, name="neuron")
        except NotDone:
            raise
        except ValueError as e:
            text = str(e)
            if str(len(x)) in text and str(len(w)) in text:
                continue
            return wrong(
                f"{where} raised ValueError({text!r}): right kind of error, but the message "
                f"should give both lengths ({len(x)} and {len(w)}) so that whoever called "
                "the function sees what went wrong."
            )
        except Exception as e:
            return wrong(
                f"{where} raised {type(e).__name__}: {e}\n"
                f"x has {len(x)} numbers and w has {len(w)}: check len(x) != len(w) first "
                "and raise ValueError with both lengths in its message."
            )
        return wrong(
            f"{where} returned {got!r} instead of raising ValueError: x has {len(x)} "
            f"numbers but w has {len(w)}. "
            + (
                "zip stops quietly at the shorter list, so an input or a weight is dropped "
                "without a word. "
                if len(x) > 1
                else "numpy 'broadcast' the single input against every weight. "
            )
            + "Compare the lengths first and raise ValueError with both in its message."
        )
    return correct(
        "Right on inputs of 1 to 10 numbers with four activations, and a mismatch is "
        "refused with a message that says what is wrong. That one line of checking saves "
        "hours: a silently dropped input raises no error, it only gives wrong numbers."
    )


def _boundary(w1, w2, b):
    return (-w1 / w2, -b / w2)


def _boundary_cases():
    rng = np.random.default_rng(32)
    cases = [(1.0, 2.0, -4.0), (-3.0, 0.5, 2.0), (0.0, 4.0, -2.0), (2.0, -1.0, 0.0)]
    for _ in range(6):
        w1, b = rng.normal(scale=2.0, size=2).round(2)
        w2 = round(float(rng.choice([-1, 1]) * rng.uniform(0.2, 3.0)), 2)
        cases.append((float(w1), w2, float(b)))
    return cases


@exercise(
    "03.2",
    title="the decision line of a two-input neuron",
    answers="boundary",
    placeholder='''
def boundary(w1, w2, b):
    """The decision boundary w1·x1 + w2·x2 + b = 0 written as x2 = slope·x1 + intercept.

    Return the pair (slope, intercept). If w2 is 0, the line is vertical and has no
    slope: raise ValueError then.
    """
    raise NotImplementedError("write the body of boundary")
''',
    solution='''
def boundary(w1, w2, b):
    """The decision boundary w1·x1 + w2·x2 + b = 0 written as x2 = slope·x1 + intercept."""
    if w2 == 0:
        raise ValueError("w2 is 0: the boundary is the vertical line x1 = -b/w1, it has no slope")
    return (-w1 / w2, -b / w2)
''',
    hints=(
        "Start from w1·x1 + w2·x2 + b = 0 and get x2 alone on one side.",
        "Move w1·x1 and b to the right: w2·x2 = -w1·x1 - b. Now divide both sides by w2.",
        "slope = -w1 / w2 and intercept = -b / w2; dividing by w2 is only possible when "
        "w2 != 0, so test that first and raise ValueError.",
    ),
)
def check_boundary(boundary) -> Feedback:
    """boundary(w1, w2, b) on unseen weights (positive, negative, zero w1 and b), and a
    ValueError for w2 = 0."""
    if not callable(boundary):
        raise AnswerError(f"Expected a function boundary(w1, w2, b), got {boundary!r}.")

    def diagnose(case, got, want):
        w1, w2, b = case
        try:
            g = as_array(got, (2,), "a pair (slope, intercept)")
        except AnswerError:
            return None
        slips = [
            ((w1 / w2, b / w2), "Both signs are lost: moving w1·x1 and b across the equals "
             "sign makes them negative, w2·x2 = -w1·x1 - b."),
            ((w1 / w2, -b / w2), "The slope's sign is wrong: slope = -w1 / w2."),
            ((-w1 / w2, b / w2), "The intercept's sign is wrong: intercept = -b / w2."),
            ((-b / w2, -w1 / w2), "Slope and intercept are swapped: return (slope, intercept)."),
            ((-w1, -b), "Divide by w2: the line is x2 = (-w1·x1 - b) / w2."),
        ]  # fmt: skip
        if abs(w1) > 1e-9:
            slips.append(((-w2 / w1, -b / w1), "That solves for x1; we want x2 = slope·x1 + …"))
        for value, why in slips:
            if not close(value, want) and close(g, value):
                return why
        return None

    failure = first_failure(
        _boundary_cases(),
        run=lambda case: call(boundary, *case, name="boundary"),
        expected=lambda case: _boundary(*case),
        describe=lambda case: "w1 = {:g}, w2 = {:g}, b = {:g}".format(*case),
        diagnose=diagnose,
    )
    if failure:
        return failure
    where = "boundary(1.5, 0.0, -0.75)"
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # numpy floats: inf, no warning
            got = call(boundary, 1.5, 0.0, -0.75, name="boundary")
    except NotDone:
        raise
    except ValueError:
        pass
    except ZeroDivisionError:
        return wrong(
            f"{where} raised ZeroDivisionError. With w2 = 0 the line is vertical "
            "(x1 = 0.5 here) and has no slope: test w2 == 0 first and raise ValueError "
            "saying so."
        )
    except Exception as e:
        return wrong(f"{where} raised {type(e).__name__}: {e}. With w2 = 0, raise ValueError.")
    else:
        return wrong(
            f"{where} returned {got!r}. With w2 = 0 the line is the vertical line x1 = 0.5, "
            "which has no slope: raise ValueError instead of returning a number."
        )
    return correct(
        "slope = -w1/w2, intercept = -b/w2, and a vertical line is refused. Notice that "
        "multiplying w1, w2 and b by the same positive number leaves both unchanged: many "
        "neurons draw the same line."
    )


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
    solution="gate_weights = (1.0, -1.0, -0.5)",
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
        return correct(
            f"z = {formula(w[:2], w[2], fmt='g')[4:]} is positive only at (1, 0). The "
            "negative weight lets x2 veto: a weight's sign says whether its input votes "
            "for or against."
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


_X_GRAD = np.array([3.0, -1.0, 0.5])
_W_GRAD = np.array([0.5, 2.0, -4.0])
_DL_DZ = -2.0


@exercise(
    "03.4",
    title="the gradient of a weight is not its input",
    kind="value",
    answers="grad_w",
    placeholder="grad_w = ...  # your answer: three numbers, dL/dw1, dL/dw2, dL/dw3",
    solution="grad_w = [3.0 * -2.0, -1.0 * -2.0, 0.5 * -2.0]",
    hints=(
        "The chain rule: dL/dwᵢ = dL/dz · dz/dwᵢ. You are given dL/dz; what is dz/dwᵢ?",
        "z = w1·x1 + w2·x2 + w3·x3 + b, so the local derivative dz/dwᵢ is xᵢ.",
        "Multiply each input by dL/dz = -2: the weights themselves don't appear.",
    ),
)
def check_grad_w(grad_w) -> Feedback:
    """dL/dw for inputs [3, -1, 0.5], weights [0.5, 2, -4], when dL/dz = -2: x · dL/dz."""
    g = as_array(grad_w, (3,), "a list (dL/dw1, dL/dw2, dL/dw3)")
    want = _X_GRAD * _DL_DZ
    if close(g, want):
        return correct(
            f"dL/dw = x · dL/dz = {want.tolist()}. The input x is the *local* derivative "
            "dz/dw; only multiplied by dL/dz, the gradient arriving from the loss, does it "
            "become the gradient that training uses."
        )
    if close(g, _X_GRAD):
        return wrong(
            "That is x, the local derivative dz/dw. The gradient of the loss is "
            "dL/dw = dL/dz · dz/dw: multiply by dL/dz = -2."
        )
    if close(g, _W_GRAD * _DL_DZ):
        return wrong(
            "That is w · dL/dz = dL/dx, the gradient of the inputs. For the weights the "
            "local derivative is dz/dw = x."
        )
    if close(g, -want):
        return wrong("The sign is flipped: dL/dz is -2, so each xᵢ is multiplied by -2.")
    if close(g, _W_GRAD):
        return wrong("Those are the weights. dL/dw = dL/dz · dz/dw, and dz/dw = x.")
    return wrong("Use dL/dwᵢ = dL/dz · xᵢ, for each of the three weights.")
