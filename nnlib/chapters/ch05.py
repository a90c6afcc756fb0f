"""Chapter 05 (The forward pass):
its explorers, and its exercises with their cases, checks and hints (our solutions and the
hidden cases are in ``nnlib/solutions/ch05.py``, which a class release leaves out).

The notebook is ``notebooks/05_*.ipynb``; it imports this module as ``ch05``.
"""

from __future__ import annotations

import itertools
import re

import ipywidgets as widgets
import numpy as np

from nnlib import nn
from nnlib.data import XOR_INPUTS, XOR_TARGETS
from nnlib.exercises import (
    AnswerError,
    Feedback,
    as_int,
    as_number,
    call,
    close,
    correct,
    exercise,
    explain_raised,
    first_failure,
    never_raises,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider

#: Output layer of chapter 05's XOR network: y = 1·h1 - 2·h2 - 0.5, class 1 when y > 0
#: (the same rule as chapter 03's neuron: class 1 on the side where the sum is positive).
XOR_OUTPUT = (1.0, -2.0, -0.5)

#: The hidden layer that solves XOR with that output: h1 = ReLU(x1 + x2), h2 = ReLU(x1 + x2 - 1).
XOR_HIDDEN = (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]))

_UNIT_STYLE = (
    {"color": COLORS["vermillion"], "ls": "--", "name": "h1"},
    {"color": COLORS["purple"], "ls": "-.", "name": "h2"},
)


def xor_network_readout(w11, w12, b1, w21, w22, b2) -> dict:
    """Run the four XOR inputs through a 2-2-1 ReLU network with these hidden weights.

    h = ReLU(X Wᵀ + b) with W = [[w11, w12], [w21, w22]] (one row per hidden
    unit) and b = [b1, b2]; y = h1 - 2·h2 - 0.5; class 1 when y > 0.
    """
    W = np.array([[w11, w12], [w21, w22]], dtype=float)
    b = np.array([b1, b2], dtype=float)
    hidden = np.maximum(XOR_INPUTS @ W.T + b, 0.0)
    v1, v2, c = XOR_OUTPUT
    y = hidden @ np.array([v1, v2]) + c
    predicted = (y > 0).astype(int)
    return {
        "W": W,
        "b": b,
        "hidden": hidden,
        "output": y,
        "predicted": predicted,
        "correct": int(np.sum(predicted == XOR_TARGETS)),
    }


def _boundary(w, bias, lo=-0.5, hi=1.5):
    """Two far-apart points on the line w·x + bias = 0 near the middle of the view, and the
    point of that line nearest the middle (None when w = 0: the unit never changes)."""
    norm2 = float(w @ w)
    if norm2 < 1e-12:
        return None
    middle = np.array([(lo + hi) / 2, (lo + hi) / 2])
    foot = middle - (w @ middle + bias) / norm2 * w
    along = np.array([-w[1], w[0]]) / np.sqrt(norm2)
    ends = np.array([foot - 5 * along, foot + 5 * along])
    return ends, foot


def _xor_figure():
    """The two panels the XOR explorer and the chapter's static figure share, and a draw()."""
    fig, (ax_in, ax_hid) = new_figure(8.2, 3.9, ncols=2)
    fig.alt = (
        "Two panels. Left: the input square with the four XOR points (circles for 0, "
        "triangles for 1), each hidden unit's boundary line with an arrow to its active side, "
        "and the region the network calls class 1 shaded. Right: the same four points after "
        "the hidden layer, with the output's boundary line and its class-1 side shaded."
    )
    grid = np.linspace(-0.5, 1.5, 121)
    gx, gy = np.meshgrid(grid, grid)
    plane = np.c_[gx.ravel(), gy.ravel()]
    shade = ax_in.imshow(
        np.zeros_like(gx), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", cmap="Blues",
        vmin=0, vmax=3, alpha=0.5, interpolation="bilinear",
    )  # fmt: skip
    lines, arrows = [], []
    for style in _UNIT_STYLE:
        lines.append(
            ax_in.plot([], [], color=style["color"], ls=style["ls"], lw=2,
                       label=f"{style['name']} = 0 boundary")[0]
        )  # fmt: skip
        arrows.append(
            ax_in.annotate(
                f"{style['name']} > 0", xy=(0, 0), xytext=(0, 0), color=style["color"],
                fontsize=9, fontweight="bold", ha="center", va="center",
                arrowprops={"arrowstyle": "<-", "color": style["color"], "lw": 1.5},
            )
        )  # fmt: skip
    moved, labels = [], []
    for t in (0, 1):
        look = {
            "marker": "o" if t == 0 else "^",
            "color": COLORS["orange"] if t == 0 else COLORS["blue"],
            "ms": 10,
            "mec": "k",
            "ls": "none",
        }
        pts = XOR_INPUTS[XOR_TARGETS == t]
        ax_in.plot(pts[:, 0], pts[:, 1], **look, label=f"XOR = {t}")
    for (x1, x2), t in zip(XOR_INPUTS, XOR_TARGETS, strict=True):
        look = {
            "marker": "o" if t == 0 else "^",
            "color": COLORS["orange"] if t == 0 else COLORS["blue"],
            "ms": 10,
            "mec": "k",
        }
        moved.append(ax_hid.plot([], [], **look)[0])
        labels.append(ax_hid.text(0, 0, f"({x1:g}, {x2:g})", fontsize=8))
    hs = np.linspace(-0.5, 3.5, 2)
    v1, v2, c = XOR_OUTPUT
    ax_hid.plot(hs, -(c + v1 * hs) / v2, color=COLORS["black"], lw=2,
                label="output boundary h1 - 2·h2 - 0.5 = 0")  # fmt: skip
    ax_hid.fill_between(
        hs, -(c + v1 * hs) / v2, -0.5, color=COLORS["sky"], alpha=0.35,
        label="class 1 side (y > 0)",
    )  # fmt: skip
    ax_in.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="input x1", ylabel="input x2")
    ax_in.set_title("input space (blue: network says class 1)", fontsize=10)
    ax_hid.set(xlim=(-0.5, 3.5), ylim=(-0.5, 3.5), xlabel="hidden h1", ylabel="hidden h2")
    handles = [*ax_in.get_legend_handles_labels()[0], *ax_hid.get_legend_handles_labels()[0]]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    for ax in (ax_in, ax_hid):
        ax.set_aspect("equal")

    def draw(r):
        W, b = r["W"], r["b"]
        h = np.maximum(plane @ W.T + b, 0.0)
        y = h @ np.array([v1, v2]) + c
        shade.set_data((y > 0).reshape(gx.shape).astype(float))
        for line, arrow, w, bias in zip(lines, arrows, W, b, strict=True):
            found = _boundary(w, bias)
            if found is None:  # w = 0: the unit is the constant ReLU(b), it has no boundary
                line.set_data([], [])
                arrow.set_visible(False)
                continue
            ends, foot = found
            line.set_data(ends[:, 0], ends[:, 1])
            tip = foot + 0.38 * w / np.linalg.norm(w)
            along = (ends[1] - ends[0]) / np.linalg.norm(ends[1] - ends[0])
            for shift in (0.0, 0.4, -0.4):  # slide the label along the line, off the points
                if np.min(np.linalg.norm(XOR_INPUTS - (tip + shift * along), axis=1)) > 0.2:
                    foot, tip = foot + shift * along, tip + shift * along
                    break
            arrow.xy, arrow.xyann = tuple(foot), tuple(tip)
            arrow.set_visible(bool(np.all((tip > -0.45) & (tip < 1.45))))
        for i, (marker, label, (h1, h2)) in enumerate(
            zip(moved, labels, r["hidden"], strict=True)
        ):
            marker.set_data([h1], [h2])
            same_spot = sum(np.allclose(r["hidden"][j], (h1, h2)) for j in range(i))
            label.set_position((h1 + 0.12, h2 + 0.08 + 0.25 * same_spot))  # stack coinciding
        ax_hid.set_title(f"hidden space: {r['correct']} of 4 on the right side", fontsize=10)

    return fig, draw


def xor_figure(W=None, b=None):
    """The XOR network's two views for hidden weights W (2×2, one row per unit) and biases b:
    the input plane with each hidden unit's boundary line and the region the network calls
    class 1, and the four points after the hidden layer with the output's boundary."""
    W0, b0 = XOR_HIDDEN
    W = W0 if W is None else np.asarray(W, dtype=float)
    b = b0 if b is None else np.asarray(b, dtype=float)
    fig, draw = _xor_figure()
    draw(xor_network_readout(W[0, 0], W[0, 1], b[0], W[1, 0], W[1, 1], b[1]))
    return fig


def xor_network_explorer() -> Explorer:
    """Hidden-layer sliders for a 2-2-1 XOR network: the input plane with each unit's
    boundary, and the same points after the hidden layer, where the output's line must
    separate them. Sliders sit in two columns directly above a compact figure."""
    fig, draw = _xor_figure()
    width = "110px"
    sliders = {
        "w11": slider("h1: weight of x1", 1.0, -2.0, 2.0, 0.1, description_width=width),
        "w12": slider("h1: weight of x2", 1.0, -2.0, 2.0, 0.1, description_width=width),
        "b1": slider("h1: bias", 0.0, -2.0, 2.0, 0.1, description_width=width),
        "w21": slider("h2: weight of x1", 1.0, -2.0, 2.0, 0.1, description_width=width),
        "w22": slider("h2: weight of x2", 1.0, -2.0, 2.0, 0.1, description_width=width),
        "b2": slider("h2: bias", -1.0, -2.0, 2.0, 0.1, description_width=width),
    }
    for s in sliders.values():
        s.layout.width = "390px"

    def render(r):
        rows = "".join(
            f"<tr><td>({x1:g}, {x2:g})</td><td>({h1:.2f}, {h2:.2f})</td><td>{y:+.2f}</td>"
            f"<td>{p}</td><td>{t}</td></tr>"
            for (x1, x2), (h1, h2), y, p, t in zip(
                XOR_INPUTS, r["hidden"], r["output"], r["predicted"], XOR_TARGETS, strict=True
            )
        )
        return (
            f"<b>{r['correct']} of 4 right</b><table cellpadding='2'><tr><th>input</th>"
            "<th>hidden (h1, h2)</th><th>output y</th><th>class</th><th>XOR</th></tr>"
            f"{rows}</table>"
        )

    title = "The hidden layer moves the points until one line separates them"
    ex = Explorer(sliders, xor_network_readout, render, figure=fig, draw=draw, title=title)
    s = ex.sliders
    columns = widgets.HBox(
        [
            widgets.VBox([s["w11"], s["w12"], s["b1"]]),
            widgets.VBox([s["w21"], s["w22"], s["b2"]]),
        ]
    )
    # sliders directly above a compact figure, the table of numbers below it
    ex.widget = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), columns, ex.image, ex.readout])
    return ex


# ------------------------------------------------------ universal approximation


def target_curve(x):
    """The curve the chapter approximates: sin(2x) + 0.3x."""
    return np.sin(2.0 * x) + 0.3 * x


def relu_network_1d(x, kinks, v, c):
    """A one-hidden-layer ReLU network of one input: Σᵢ vᵢ·ReLU(x - kinksᵢ) + c.

    Hidden unit i has weight 1 and bias -kinksᵢ, so it is a hinge that bends at kinksᵢ.
    """
    x = np.asarray(x, dtype=float)
    return np.maximum(x[..., None] - np.asarray(kinks), 0.0) @ np.asarray(v) + c


def approximate(units: int) -> dict:
    """Fit the target curve on [-3, 3] with a one-hidden-layer network of ``units`` ReLUs.

    The hidden layer is fixed by hand: unit i is ReLU(x - kᵢ), with the kinks
    kᵢ = -3 + 6·i/units spread evenly from the left end of the interval. Only
    the output layer (one weight per unit and one bias) is fitted, by least
    squares on 301 points of [-3, 3]; nothing else is added. Returns the grid,
    the target, the fit, the kinks, the output weights and the errors.
    """
    if isinstance(units, bool) or not isinstance(units, int | np.integer) or units < 1:
        raise ValueError(f"units must be a positive integer, got {units!r}")
    xs = np.linspace(-3.0, 3.0, 301)
    kinks = -3.0 + 6.0 * np.arange(units) / units
    hidden = np.maximum(xs[:, None] - kinks[None, :], 0.0)  # (301, units): the hidden layer
    design = np.c_[hidden, np.ones_like(xs)]  # the output layer's inputs: units and a bias
    target = target_curve(xs)
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    v, c = coef[:-1], float(coef[-1])
    fit = relu_network_1d(xs, kinks, v, c)
    return {
        "xs": xs,
        "target": target,
        "fit": fit,
        "kinks": kinks,
        "v": v,
        "c": c,
        "max_error": float(np.max(np.abs(fit - target))),
        "mse": float(np.mean((fit - target) ** 2)),
    }


def approximation_explorer(units: int = 3) -> Explorer:
    """A slider for the number of ReLU units: more units, a closer bent-line fit."""
    fig, ax = new_figure(6.4, 3.6)
    fig.alt = (
        "The target curve sin(2x) + 0.3x on [-3, 3] and the network's bent-line fit, "
        "with a tick at each hidden unit's kink."
    )
    (target,) = ax.plot(
        [], [], color=COLORS["grey"], lw=4, alpha=0.6, label="target sin(2x) + 0.3x"
    )
    (fit,) = ax.plot(
        [], [], color=COLORS["vermillion"], lw=2, ls="--", label="network: Σ vᵢ·ReLU(x - kᵢ) + c"
    )
    (kinks,) = ax.plot(
        [], [], "|", color=COLORS["blue"], ms=12, mew=2, label="kinks kᵢ (one per unit)"
    )
    ax.set(xlim=(-3, 3), ylim=(-2.2, 2.2), xlabel="input x", ylabel="output y")
    ax.legend(fontsize=8, loc="upper left")

    def draw(r):
        target.set_data(r["xs"], r["target"])
        fit.set_data(r["xs"], r["fit"])
        kinks.set_data(r["kinks"], np.interp(r["kinks"], r["xs"], r["fit"]))
        ax.set_title(
            f"{len(r['kinks'])} ReLU units: largest error {r['max_error']:.3f}", fontsize=10
        )

    units_slider = int_slider("hidden units", units, 1, 64)
    return Explorer(
        {"units": units_slider},
        approximate,
        lambda r: f"largest error <b>{r['max_error']:.4f}</b>, mean squared error {r['mse']:.6f}",
        figure=fig,
        draw=draw,
        title="One hidden layer of ReLUs, only the output layer fitted",
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise: public cases (dicts; "want" is what the judge compares
# with, computed here by nnlib's own layers or written as literals), a probe
# that runs the learner's code on one case and returns plain data, and a judge
# that sees only that data. Solutions and hidden cases: nnlib/solutions/ch05.py.


def relu(z):
    """ReLU, max(z, 0): an activation a case of 05.2 names (module-level, so it can be sent)."""
    return np.maximum(z, 0.0)


def leaky_relu(z):
    """Leaky ReLU with slope 0.1 below zero: another activation of 05.2's cases."""
    return np.where(z > 0, z, 0.1 * z)


def _sigmoid(z):
    """The logistic sigmoid (a wrong activation the judge recognises)."""
    return 1.0 / (1.0 + np.exp(-z))


def _ints(rng, shape):
    """Small whole numbers as floats: easy to read in feedback, exact in any order of sums."""
    return rng.integers(-3, 4, size=shape).astype(float)


def _library_layer(W, b):
    """nnlib's own nn.Linear holding W and b: the library computes the public expected values."""
    layer = nn.Linear(W.shape[1], W.shape[0])
    layer.weight.data[:] = W
    layer.bias.data[:] = b
    return layer


def _matches(got, want) -> bool:
    """True when got is an array of want's shape with want's numbers (never raises).

    ``want`` may be a function that computes it: one that raises matches nothing."""
    try:
        want = want() if callable(want) else want
        g = np.asarray(got, dtype=float)
        return g.shape == np.shape(want) and close(g, want)
    except (TypeError, ValueError, OverflowError):
        return False


_MATMUL_SIZES = re.compile(r"size (\d+) is different from (\d+)")


def _product_sizes(raised_error):
    """(columns of the left matrix, rows of the right one) of a failed @, or None."""
    found = _MATMUL_SIZES.search(raised_error.message)
    return (int(found.group(2)), int(found.group(1))) if found else None


_BROADCAST_SHAPES = re.compile(r"shapes \(([\d, ]*)\) \(([\d, ]*)\)")


def _broadcast_shapes(raised_error):
    """The two shapes numpy could not broadcast together, as tuples, or None."""
    found = _BROADCAST_SHAPES.search(raised_error.message)
    if not found:
        return None
    return tuple(tuple(int(s) for s in g.split(",") if s.strip()) for g in found.groups())


# -------------------------------------------------- 05.1: a layer, examples as columns


def _dense_case(X, W, b) -> dict:
    want = _library_layer(W, b)(X.T).T  # nn.Linear reads examples as rows: turn X and back
    return {"X": X, "W": W, "b": b, "want": want}


def _dense_cases():
    rng = np.random.default_rng(505)
    # (inputs, batch, outputs): all different; outputs = batch, where a bias added along the
    # wrong axis still runs; one example; a square W, where W.T @ X runs; one input; one output
    shapes = [(3, 5, 4), (2, 3, 3), (4, 1, 2), (3, 2, 3), (1, 4, 2), (5, 3, 1), (2, 2, 2)]
    return [
        _dense_case(_ints(rng, (i, n)), _ints(rng, (o, i)), _ints(rng, o)) for i, n, o in shapes
    ]


def _describe_dense(case) -> str:
    X, W, b = case["X"], case["W"], case["b"]
    return (
        f"X of shape {X.shape} = {X.tolist()}, W of shape {W.shape} = {W.tolist()}, "
        f"b = {b.tolist()}"
    )


def _dense_shapes(case) -> str:
    (i, n), o = case["X"].shape, case["W"].shape[0]
    return (
        f"Here X is {(i, n)}: {i} input(s) × {n} example(s), one example per column; W is "
        f"{(o, i)}: one row of {i} weight(s) per neuron; b is ({o},): one bias per neuron."
    )


@never_raises
def _explain_dense_error(case, raised_error):
    (i, n), o = case["X"].shape, case["W"].shape[0]
    sizes = _product_sizes(raised_error)
    if sizes:
        left, right = sizes
        return (
            f"A product A @ B needs A's number of columns to equal B's number of rows; in "
            f"yours the left matrix has {left} column(s) and the right one {right} row(s). "
            f"{_dense_shapes(case)} The product that meets every neuron's row of weights "
            f"with every example's column is W @ X: {(o, i)} @ {(i, n)} → {(o, n)}."
        )
    if "broadcast" in raised_error.message:
        shapes = _broadcast_shapes(raised_error)
        if shapes and {shapes[0], shapes[1]} == {(o, i), (i, n)}:
            return (
                "That is W * X: `*` multiplies matching entries one by one, so it needs two "
                f"arrays of the same shape, and {(o, i)} and {(i, n)} are not. The matrix "
                f"product, row times column, is W @ X: {(o, i)} @ {(i, n)} → {(o, n)}."
            )
        if shapes and shapes[0] == (n, o) and n != o:
            return (
                f"Your product is {(n, o)}: one row per example, the layout of section 2. "
                f"Here the examples are columns: W @ X is {(o, i)} @ {(i, n)} → {(o, n)}, "
                f"and then b[:, None], a column of shape ({o}, 1), goes down each column."
            )
        return (
            f"A bias of shape ({o},), or a row of shape (1, {o}), is lined up with the matrix's "
            f"LAST axis, and here that axis is the batch ({n} example(s)), not the {o} "
            f"neuron(s). Make b a column of shape ({o}, 1), b[:, None] or b.reshape(-1, 1), so "
            "it is added down each column (b.T changes nothing: a 1-D array has no second "
            "axis to swap)."
        )
    return None


@never_raises
def _diagnose_dense(case, got, want):
    X, W, b = case["X"], case["W"], case["b"]
    (_, n), o = X.shape, W.shape[0]
    column = b[:, None]
    if np.shape(got) == (n, o) and (n, o) != (o, n) and _matches(got, want.T):
        return (
            f"Your result is ({n}, {o}): one row per example, the layout of section 2. Here "
            f"the examples are columns, so the result is ({o}, {n}): one column per example, "
            "one row per neuron."
        )
    if _matches(got, want.T) and not _matches(got, want):
        return "Your result is transposed: rows must be neurons and columns examples."
    if _matches(got, lambda: W @ X + b):  # runs when the batch size equals the number of neurons
        return (
            "b went along the wrong axis: numpy lines a 1-D array up with the LAST axis, the "
            f"batch, so b[j] was added to example j instead of to neuron j. Use b[:, None], "
            f"a column of shape ({o}, 1)."
        )
    if W.shape[0] == W.shape[1] and _matches(got, lambda: W.T @ X + column):
        return (
            "That is W.T @ X + b. With a square W it runs, but it pairs inputs with the wrong "
            "weights: each neuron's weights are a ROW of W, and W @ X meets that row with "
            "each example's column."
        )
    if _matches(got, W @ X):
        return "The bias is missing: add b to every column, as b[:, None]."
    if _matches(got, W @ X - column):
        return "The bias has the wrong sign: add b, don't subtract it."
    if _matches(got, np.maximum(W @ X + column, 0.0)):
        return (
            "That has a ReLU on it: dense is only the weighted sums; the activation comes after."
        )
    if n > 1 and _matches(got, want[:, 0]):
        return (
            "That is the first example's column only: X holds the whole batch, and W @ X "
            "computes every example's column at once."
        )
    g = np.asarray(got, dtype=float)
    if g.shape == want.shape:
        same = np.isclose(g, want).all(axis=0)
        empty = ~same & (g == 0).all(axis=0)
        if same.any() and (same | empty).all():
            missed = ", ".join(str(k) for k in np.flatnonzero(empty))
            return (
                f"Column(s) {missed} are still 0: those examples were never computed. Does a "
                "loop stop early (range(batch - 1))?"
            )
    return None


def judge_dense(cases, results) -> Feedback:
    """dense(X, W, b) = W X + b (b down every column) on batches stored one example per column,
    of many shapes: none of the public ones lets a transposition or a misplaced bias pass."""
    failure = first_failure(
        cases,
        got=explain_raised(cases, results, _explain_dense_error),
        describe=_describe_dense,
        diagnose=_diagnose_dense,
    )
    return failure or correct(
        f"Right on {len(cases)} batches of different shapes. With examples as columns a layer "
        "is Z = W X + b, b a column; with examples as rows (nnlib, PyTorch) it is "
        "Z = X Wᵀ + b. The same numbers, transposed: Z_columns = (Z_rows)ᵀ."
    )


@exercise(
    "05.1",
    title="one dense layer, examples as columns",
    answers="dense",
    placeholder='''
def dense(X, W, b):
    """The weighted sums of one layer for a batch stored one example per COLUMN.

    X: shape (inputs, batch), example n is the column X[:, n].
    W: shape (outputs, inputs), one row of weights per neuron (as in nn.Linear).
    b: shape (outputs,), one bias per neuron.
    Returns shape (outputs, batch): column n holds every neuron's z for example n.
    """
    raise NotImplementedError("write the body of dense")
''',
    hints=(
        "Write the shapes down: W is (outputs, inputs) and X is (inputs, batch). Which order "
        "of W and X makes the inner sizes of the product match, and what shape comes out?",
        "W @ X is (outputs, inputs) @ (inputs, batch) → (outputs, batch): entry (j, n) is "
        "neuron j's weights times example n's column. Now add the biases.",
        "numpy adds a 1-D array along the LAST axis, here the batch. To add b[j] to every "
        "entry of row j, make b a column first: b[:, None] has shape (outputs, 1).",
    ),
    cases=_dense_cases(),
    judge=judge_dense,
)
def probe_dense(dense, case):
    """The learner's dense(X, W, b) on one case (copies, so that it cannot change the case)."""
    if not callable(dense):
        raise AnswerError(f"Expected a function dense(X, W, b), got {dense!r}.")
    return call(dense, case["X"].copy(), case["W"].copy(), case["b"].copy(), name="dense")


# -------------------------------------------------- 05.2: a network of any depth

_LIBRARY_ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.1), "tanh": nn.Tanh}


def _forward_case(X, layers, activation) -> dict:
    modules = []
    for W, b in layers:
        modules += [_library_layer(W, b), _LIBRARY_ACTIVATIONS[activation.__name__]()]
    want = nn.Sequential(*modules[:-1])(X)  # no activation after the last layer
    return {"X": X, "layers": layers, "activation": activation, "want": want}


def _forward_cases():
    rng = np.random.default_rng(5052)
    # (batch, sizes from the inputs to the last layer's outputs, activation)
    plans = [
        (3, (2, 4, 2), np.tanh),
        (4, (3, 5, 4, 2), relu),
        (2, (3, 2), leaky_relu),  # one layer: no activation at all
        (1, (2, 3, 1), relu),
        (3, (2, 3, 3, 3, 1), np.tanh),
        (5, (4, 2, 3), leaky_relu),
    ]
    cases = []
    for n, sizes, activation in plans:
        layers = [(_ints(rng, (o, i)), _ints(rng, o)) for i, o in itertools.pairwise(sizes)]
        cases.append(_forward_case(_ints(rng, (n, sizes[0])), layers, activation))
    return cases


def _describe_forward(case) -> str:
    X, layers = case["X"], case["layers"]
    shapes = ", ".join(f"W{k} {W.shape}" for k, (W, _) in enumerate(layers, 1))
    name = getattr(case["activation"], "__name__", "?")
    return (
        f"X of shape {X.shape} = {X.tolist()}, {len(layers)} layer(s): {shapes}, "
        f"activation = {name}"
    )


def _run_layers(X, layers, act, *, last=False, where="after", skip_bias=False):
    """The network's output computed one way or another (the judge's wrong variants)."""
    h = X
    for k, (W, b) in enumerate(layers):
        if where == "before":
            h = act(h)
        z = h @ W.T + (0.0 if skip_bias else b)
        if where == "bias after":
            z = act(h @ W.T) + b if (k < len(layers) - 1 or last) else z
        elif where == "after" and (k < len(layers) - 1 or last):
            z = act(z)
        h = z
    return h


@never_raises
def _explain_forward_error(case, raised_error):
    X, layers = case["X"], case["layers"]
    if not _product_sizes(raised_error):
        return None
    shapes = ", ".join(str(W.shape) for W, _ in layers)
    return (
        f"Here X is {X.shape} (rows are examples) and the list holds {len(layers)} layer(s) "
        f"whose W are {shapes}, each (outputs, inputs). Every layer runs, in order: layer k "
        "reads the previous layer's output h (X for the first) and computes h @ W.T + b, "
        "(batch, inputs) @ (inputs, outputs) → (batch, outputs)."
    )


@never_raises
def _diagnose_forward(case, got, want):
    X, layers, act = case["X"], case["layers"], case["activation"]
    name, depth = getattr(act, "__name__", "the activation"), len(layers)
    try:
        if depth > 1 and _matches(got, _run_layers(X, layers, act, where="none")):
            return (
                f"The activation is missing: without it the {depth} layers collapse into one "
                "linear layer (chapter 04). Apply activation(...) to every layer's output "
                "but the last; if your code calls it, check the condition that decides when "
                "(layer k of n gets it when k < n - 1, counting from 0)."
            )
        if _matches(got, _run_layers(X, layers, act, last=True)):
            return (
                "The activation is applied after the last layer too: the last layer returns "
                "its weighted sums as they are (raw scores)."
            )
        if depth > 1 and _matches(got, _run_layers(X, layers, act, where="before")):
            return (
                "The activation runs before each layer instead of after it, so the first thing "
                "it changes is the input X. The data goes into the first layer as it is; the "
                "activation follows each layer's h @ W.T + b, every layer but the last."
            )
        if depth > 1 and _matches(got, _run_layers(X, layers, act, where="bias after")):
            return "Add each layer's b before the activation: activation(h @ W.T + b)."
        if act is not relu and depth > 1 and _matches(got, _run_layers(X, layers, relu)):
            return (
                f"That is a ReLU network, but this case passes activation = {name}: call the "
                "activation you are given, not np.maximum."
            )
        others = {"tanh": np.tanh, "sigmoid": _sigmoid, "leaky ReLU": leaky_relu}
        for other, fn in others.items():
            if act is not fn and depth > 1 and _matches(got, _run_layers(X, layers, fn)):
                return (
                    f"That is a {other} network, but this case passes activation = {name}: "
                    "call the activation you are given."
                )
        for k in range(1, depth):
            for last in (False, True):
                if _matches(got, _run_layers(X, layers[:k], act, last=last)):
                    return (
                        f"That is the output of the first {k} of the {depth} layers: "
                        "every (W, b) of the list must run, the last one too."
                    )
        if _matches(got, want.T) and want.shape[0] != want.shape[1]:
            return "Your result is (outputs, batch): transposed. Rows must stay examples."
        if depth > 1 and _matches(got, act(_run_layers(X, layers, act, where="none"))):
            return (
                "The activation ran once, at the very end. It belongs between the layers: "
                "after every layer but the last."
            )
        if isinstance(got, list | tuple) and len(got) == depth:
            return "That is a list of every layer's output: return only the last layer's."
        if depth > 1 and _matches(got, _run_layers(X, layers, act, skip_bias=True)):
            return "The biases are missing: every layer adds its b."
    except (TypeError, ValueError, FloatingPointError):
        return None
    return None


def judge_forward(cases, results) -> Feedback:
    """forward(X, layers, activation) on networks of one to four layers, with ReLU, leaky ReLU
    and tanh between the layers and none after the last."""
    failure = first_failure(
        cases,
        got=explain_raised(cases, results, _explain_forward_error),
        describe=_describe_forward,
        diagnose=_diagnose_forward,
    )
    return failure or correct(
        f"Right on {len(cases)} networks of one to {max(len(c['layers']) for c in cases)} "
        "layers and different activations. A network is layers composed: each one "
        "h @ W.T + b, the activation between them, raw scores out of the last."
    )


@exercise(
    "05.2",
    title="a network of any depth, forward",
    answers="forward",
    placeholder='''
def forward(X, layers, activation):
    """A fully connected network of any depth on a batch X of shape (batch, inputs).

    layers: a list of (W, b) pairs, first layer first; each W has shape (outputs, inputs)
    as in nn.Linear, each b shape (outputs,).
    activation: a function applied to every entry, such as np.tanh, after every layer
    except the last, which returns its weighted sums as they are (raw scores).
    Returns the last layer's output, shape (batch, outputs of the last layer).
    """
    raise NotImplementedError("write the body of forward")
''',
    hints=(
        "Keep the current layer's output in one variable h, starting with h = X, and update it "
        "in a loop over the (W, b) pairs.",
        "Every layer computes h @ W.T + b. The activation goes after every layer except the "
        "last: enumerate(layers) tells you which layer you are at, or treat layers[:-1] and "
        "layers[-1] apart.",
        "A list of one layer is one linear layer: no activation at all. Call activation(z), "
        "the function you are given, rather than writing a ReLU.",
    ),
    cases=_forward_cases(),
    judge=judge_forward,
)
def probe_forward(forward, case):
    """The learner's forward(X, layers, activation) on one case (on copies of the arrays)."""
    if not callable(forward):
        raise AnswerError(f"Expected a function forward(X, layers, activation), got {forward!r}.")
    layers = [(W.copy(), b.copy()) for W, b in case["layers"]]
    return call(forward, case["X"].copy(), layers, case["activation"], name="forward")


# -------------------------------------------------- 05.3: counting parameters

#: Layer sizes and their parameter counts (nn.Linear's weights and biases, counted by nnlib in
#: tests/test_ch05.py).
_COUNT_CASES = [
    {"sizes": [64, 32, 10], "want": 2410},
    {"sizes": [2, 2, 1], "want": 9},
    {"sizes": [3, 5], "want": 20},
    {"sizes": [784, 128, 64, 10], "want": 109386},
    {"sizes": [1, 1], "want": 2},
    {"sizes": [7], "want": 0},
    {"sizes": [10, 4, 4, 3], "want": 79},
    {"sizes": [5, 1, 5], "want": 16},
]


@never_raises
def _diagnose_count(case, got, want):
    sizes = case["sizes"]
    try:
        g = as_number(got)
    except AnswerError:
        return None
    pairs = list(itertools.pairwise(sizes))
    if g == sum(a * b for a, b in pairs):
        return "That counts the weights only: every neuron of every layer also has a bias."
    if g == sum(a * b + a for a, b in pairs):
        return "The biases belong to the layer's outputs (one per neuron), not to its inputs."
    if g == want + sizes[0]:
        return "The input layer has no biases: it only holds the data."
    if g == float(np.prod(sizes)):
        return "Multiply neighbouring sizes only: each layer connects to the next, not to all."
    if len(pairs) > 1 and g in (_count_pairs(pairs[:-1]), _count_pairs(pairs[1:])):
        return (
            f"That leaves one layer out: {len(sizes)} sizes make {len(pairs)} layers, one per "
            "pair of neighbours. Does a loop over range(len(sizes) - 2) stop one early?"
        )
    if g == sum(a * b + 1 for a, b in pairs):
        return "Each layer has one bias per neuron (its number of outputs), not one in all."
    if len(pairs) > 1 and g == sum(a * b for a, b in pairs) + sizes[-1]:
        return "The hidden layers have biases too, one per neuron, not only the output layer."
    return None


def _count_pairs(pairs) -> int:
    """Weights and biases of the layers given as (inputs, outputs) pairs: the judge's helper."""
    return sum(a * b + b for a, b in pairs)


@never_raises
def _explain_count_error(case, raised_error):
    if raised_error.type in ("ValueError", "IndexError") and (
        "unpack" in raised_error.message or "out of range" in raised_error.message
    ):
        return (
            f"Here sizes holds {len(case['sizes'])} number(s). A network may have any number "
            "of layers, even none: walk through the neighbouring pairs with a loop instead "
            "of naming the sizes one by one."
        )
    return None


def judge_count_parameters(cases, results) -> Feedback:
    """count_parameters(sizes) on layer-size lists from one size to five."""
    failure = first_failure(
        cases,
        got=explain_raised(cases, results, _explain_count_error),
        agree=lambda got, want: as_int(got, "a whole number of parameters") == want,
        describe=lambda case: f"sizes = {case['sizes']}",
        diagnose=_diagnose_count,
    )
    return failure or correct(
        f"Right on all {len(cases)} networks. Our digit classifier (64-32-10) has 2,410 "
        "parameters; a 784-128-64-10 network for 28×28 images has 109,386, almost all in its "
        "first layer."
    )


@exercise(
    "05.3",
    title="count a network's parameters",
    answers="count_parameters",
    placeholder='''
def count_parameters(sizes):
    """The number of weights and biases of a fully connected network with these layer sizes,
    e.g. sizes = [64, 32, 10]: 64 inputs, a hidden layer of 32 units, 10 outputs."""
    raise NotImplementedError("write the body of count_parameters")
''',
    hints=(
        "Each pair of neighbouring sizes (n_in, n_out) is one nn.Linear(n_in, n_out). "
        "zip(sizes[:-1], sizes[1:]) walks through those pairs.",
        "nn.Linear(n_in, n_out) holds W of shape (n_out, n_in) and b of shape (n_out,).",
        "Add n_in * n_out + n_out over every pair. A list of one size is a network with no "
        "layers: 0 parameters.",
    ),
    cases=_COUNT_CASES,
    judge=judge_count_parameters,
)
def probe_count_parameters(count_parameters, case):
    """The learner's count_parameters(sizes) on one list of sizes (a copy)."""
    if not callable(count_parameters):
        raise AnswerError(
            f"Expected a function count_parameters(sizes), got {count_parameters!r}."
        )
    return call(count_parameters, list(case["sizes"]), name="count_parameters")


def _guessed_xor(v2: float) -> list[int]:
    out = []
    for x1, x2 in XOR_INPUTS:
        h1, h2 = max(0.0, x1 + x2 - 0.5), max(0.0, x1 + x2 - 1.5)
        out.append(int(h1 + v2 * h2 - 0.25 > 0))
    return out


@exercise(
    "05.4",
    title="repair the near-miss XOR network",
    kind="value",
    answers="v2_largest",
    placeholder="v2_largest = ...  # your answer: a number",
    hints=(
        "v2 multiplies h2, and h2 is 0 at (0, 0), (0, 1) and (1, 0): only the input (1, 1) "
        "depends on v2.",
        "At (1, 1) the hidden values are h1 = 1.5 and h2 = 0.5, so y = 1.5 + 0.5·v2 - 0.25. "
        "XOR needs class 0 there: y must not be above 0.",
        "Solve 1.25 + 0.5·v2 ≤ 0 for v2, and give the largest v2 that satisfies it.",
    ),
)
def check_v2_largest(v2_largest) -> Feedback:
    """The largest output weight v2 on h2 that makes the guessed hidden layer compute XOR."""
    v2 = as_number(v2_largest, "a number (the output weight v2)")
    outputs = _guessed_xor(v2)
    if close(v2, -2.5, rel=1e-9):
        return correct(
            "At (1, 1), y = 1.5 + 0.5·v2 - 0.25 = 1.25 + 0.5·v2, which is ≤ 0 (class 0) exactly "
            "when v2 ≤ -2.5; at the other three inputs h2 = 0, so v2 changes nothing there. At "
            "-2.5 itself (1, 1) sits exactly on the boundary y = 0: a weight such as -3 leaves "
            "a margin, which is what a trained network would want."
        )
    if close(v2, -2.0, rel=1e-9):
        return wrong(
            "-2 is the weight the guess uses: at (1, 1) it gives y = 1.5 - 1 - 0.25 = +0.25, "
            "class 1. "
            "h2 must pull harder."
        )
    if close(v2, 2.5, rel=1e-9):
        return wrong("Check the sign: h2 must pull the output down at (1, 1), so v2 is negative.")
    if close(v2, -1.25, rel=1e-9):
        return wrong(
            "-1.25 solves 1.25 + v2 ≤ 0, as if h2 were 1 at (1, 1). With the guess's bias -1.5, "
            "h2 = ReLU(1 + 1 - 1.5) = 0.5 there, so y = 1.25 + 0.5·v2."
        )
    if outputs == [0, 1, 1, 0]:
        return wrong(
            f"v2 = {v2!r} computes XOR, but it is not the largest weight that does. Where "
            "does (1, 1) land exactly on the boundary y = 0?"
        )
    return wrong(
        f"With v2 = {v2!r} the network's classes for (0,0), (0,1), (1,0), (1,1) are {outputs}; "
        "XOR is [0, 1, 1, 0]. Work out y at (1, 1) as a function of v2."
    )
