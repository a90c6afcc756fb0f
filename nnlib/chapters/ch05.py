"""Chapter 05 (The forward pass):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/05_*.ipynb``; it imports this module as ``ch05``.
"""

from __future__ import annotations

import itertools

import ipywidgets as widgets
import numpy as np

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
    first_failure,
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
        vmin=0, vmax=3, alpha=0.5, interpolation="nearest",
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


def _ints(rng, shape):
    """Small whole numbers as floats: easy to read in feedback, exact in any order of sums."""
    return rng.integers(-3, 4, size=shape).astype(float)


def _dense_cases():
    rng = np.random.default_rng(505)
    shapes = [(2, 3, 4), (1, 4, 2), (3, 2, 1), (4, 1, 3), (3, 2, 2)]  # (batch, inputs, outputs)
    shapes += [tuple(int(v) for v in rng.integers(1, 6, size=3)) for _ in range(6)]
    return [(_ints(rng, (n, i)), _ints(rng, (o, i)), _ints(rng, o)) for n, i, o in shapes]


def _shape_story(X, W, b) -> str:
    n, i = X.shape
    o = W.shape[0]
    story = (
        f"Here X is {X.shape}: {n} example(s) as rows, {i} input(s) each; W is {W.shape}: "
        f"{o} neuron(s) as rows, {i} weight(s) each; b is {b.shape}: one bias per neuron. "
        "A product A @ B needs A's number of columns to equal B's number of rows: "
        f"X @ W would pair X's {i} columns with W's {o} rows"
    )
    story += ", which fails" if i != o else ", which runs but multiplies the wrong numbers"
    return story + (
        f". The convention (nnlib's and PyTorch's): rows are examples, so X @ W.T is "
        f"{X.shape} @ {W.T.shape} → ({n}, {o}), one row per example and one column per neuron, "
        "and + b adds the biases to every row."
    )


def _describe_dense(case) -> str:
    X, W, b = case
    return (
        f"X of shape {X.shape} = {X.tolist()}, W of shape {W.shape} = {W.tolist()}, "
        f"b = {b.tolist()}"
    )


def _matches(got, want) -> bool:
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return g.shape == np.shape(want) and close(g, want)


def _diagnose_dense(case, got, want):
    X, W, b = case
    if _matches(got, (X @ W.T + b).T) and X.shape[0] != W.shape[0]:
        return (
            "Your result is (outputs, batch): transposed. Rows must stay examples: "
            "X @ W.T + b, not W @ X.T."
        )
    if W.shape[0] == W.shape[1] and _matches(got, X @ W + b):
        return (
            "That is X @ W + b. With a square W it runs, but it pairs inputs with the wrong "
            "weights: each neuron's weights are a ROW of W, so multiply by W.T. "
            + _shape_story(X, W, b)
        )
    if _matches(got, X @ W.T):
        return "The bias is missing: add b (numpy adds it to every row)."
    if _matches(got, X @ W.T - b):
        return "The bias has the wrong sign: add b, don't subtract it."
    if _matches(got, np.maximum(X @ W.T + b, 0.0)):
        return (
            "That has a ReLU on it: dense is only the weighted sums; the activation comes after."
        )
    return None


def _explained(fn, name, story):
    """Call the learner's function; numpy's shape errors get an explanation of the shapes."""

    def run(case):
        try:
            return call(fn, *(a.copy() for a in case[:3]), *case[3:], name=name)
        except ValueError as e:
            raise ValueError(f"{e}\n  {story(case)}") from None

    return run


@exercise(
    "05.1",
    title="one dense layer on a batch",
    answers="dense",
    placeholder='''
def dense(X, W, b):
    """The weighted sums of one layer for a whole batch.

    X: shape (batch, inputs), one example per row.
    W: shape (outputs, inputs), one row of weights per neuron.
    b: shape (outputs,), one bias per neuron.
    Returns shape (batch, outputs): row n holds every neuron's z for example n.
    """
    raise NotImplementedError("write the body of dense")
''',
    solution='''
def dense(X, W, b):
    """The weighted sums of one layer for a whole batch.

    X: shape (batch, inputs), one example per row.
    W: shape (outputs, inputs), one row of weights per neuron.
    b: shape (outputs,), one bias per neuron.
    Returns shape (batch, outputs): row n holds every neuron's z for example n.
    """
    return X @ W.T + b
''',
    hints=(
        "Write the shapes down: X is (batch, inputs) and W is (outputs, inputs). Which "
        "arrangement of X and W makes the inner sizes of a product match?",
        "Transposing W gives (inputs, outputs); then (batch, inputs) @ (inputs, outputs) "
        "→ (batch, outputs).",
        "One line: X @ W.T, then add b, which numpy adds to every row (broadcasting).",
    ),
)
def check_dense(dense) -> Feedback:
    """dense(X, W, b) = X @ W.T + b on batches of random shapes (one of them square)."""
    if not callable(dense):
        raise AnswerError(f"Expected a function dense(X, W, b), got {dense!r}.")
    failure = first_failure(
        _dense_cases(),
        run=_explained(dense, "dense", lambda case: _shape_story(*case)),
        expected=lambda case: case[0] @ case[1].T + case[2],
        describe=_describe_dense,
        diagnose=_diagnose_dense,
    )
    return failure or correct(
        "Right on 11 batches of different shapes, from one example to five. Z = X Wᵀ + b: "
        "one row per example, one column per neuron; nn.Linear computes exactly this."
    )


def _forward_cases():
    rng = np.random.default_rng(5052)
    shapes = [(3, 2, 3, 1), (1, 3, 4, 2), (4, 1, 2, 3), (2, 4, 2, 2)]  # batch, in, hidden, out
    shapes += [tuple(int(v) for v in rng.integers(1, 6, size=4)) for _ in range(6)]
    cases = []
    for n, i, h, o in shapes:
        params = (_ints(rng, (h, i)), _ints(rng, h), _ints(rng, (o, h)), _ints(rng, o))
        cases.append((_ints(rng, (n, i)), params))
    return cases


def _forward_story(case) -> str:
    X, (W1, _, W2, _) = case
    n, h = X.shape[0], W1.shape[0]
    return (
        f"Layer 1: X is {X.shape} (rows are examples) and W1 is {W1.shape} (one row per hidden "
        f"unit), so X @ W1.T + b1 is ({n}, {h}). Layer 2: the hidden layer is ({n}, {h}) and W2 "
        f"is {W2.shape}, so hidden @ W2.T + b2 is ({n}, {W2.shape[0]}). Every layer is "
        "input @ W.T + b, with rows as examples."
    )


def _describe_forward(case) -> str:
    X, (W1, b1, W2, b2) = case
    return (
        f"X = {X.tolist()}, W1 = {W1.tolist()}, b1 = {b1.tolist()}, "
        f"W2 = {W2.tolist()}, b2 = {b2.tolist()}"
    )


def _forward(X, params, act=lambda z: np.maximum(z, 0.0)):
    W1, b1, W2, b2 = params
    return act(X @ W1.T + b1) @ W2.T + b2


def _diagnose_forward(case, got, want):
    X, (W1, b1, W2, b2) = case
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    if _matches(got, _forward(X, (W1, b1, W2, b2), act=lambda z: z)):
        return (
            "The ReLU is missing: without it the two layers collapse into one linear layer "
            "(chapter 04). Apply np.maximum(…, 0) to the hidden layer."
        )
    if _matches(got, relu(want)):
        return "There is a ReLU on the output too: the last layer returns raw scores here."
    if _matches(got, (relu(X @ W1.T) + b1) @ W2.T + b2):
        return "Add b1 before the ReLU: hidden = ReLU(X @ W1.T + b1)."
    if _matches(got, _forward(X, (W1, b1, W2, b2), act=lambda z: 1 / (1 + np.exp(-z)))):
        return "That is a sigmoid hidden layer; this network uses ReLU."
    if _matches(got, _forward(X, (W1, b1, W2, b2), act=np.tanh)):
        return "That is a tanh hidden layer; this network uses ReLU."
    if _matches(got, want.T) and want.shape[0] != want.shape[1]:
        return "Your result is (outputs, batch): transposed. Rows must stay examples."
    return None


@exercise(
    "05.2",
    title="a two-layer network, forward",
    answers="forward",
    placeholder='''
def forward(X, params):
    """A two-layer network on a batch X of shape (batch, inputs).

    params = (W1, b1, W2, b2), each W of shape (outputs, inputs) as in nn.Linear.
    hidden = ReLU(X W1ᵀ + b1); output = hidden W2ᵀ + b2 (raw scores, no activation).
    Returns the output, shape (batch, outputs of layer 2).
    """
    raise NotImplementedError("write the body of forward")
''',
    solution='''
def forward(X, params):
    """A two-layer network on a batch X of shape (batch, inputs).

    params = (W1, b1, W2, b2), each W of shape (outputs, inputs) as in nn.Linear.
    hidden = ReLU(X W1ᵀ + b1); output = hidden W2ᵀ + b2 (raw scores, no activation).
    Returns the output, shape (batch, outputs of layer 2).
    """
    W1, b1, W2, b2 = params
    hidden = np.maximum(X @ W1.T + b1, 0.0)
    return hidden @ W2.T + b2
''',
    hints=(
        "Unpack the four arrays first: W1, b1, W2, b2 = params. Then it is two dense layers "
        "with a ReLU between them.",
        "The hidden layer is np.maximum(X @ W1.T + b1, 0): shape (batch, hidden units).",
        "The output layer reads the hidden layer the same way: hidden @ W2.T + b2, with no "
        "ReLU after it.",
    ),
)
def check_forward(forward) -> Feedback:
    """forward(X, params) = ReLU(X W1ᵀ + b1) W2ᵀ + b2 on networks of random shapes."""
    if not callable(forward):
        raise AnswerError(f"Expected a function forward(X, params), got {forward!r}.")
    cases = _forward_cases()

    def run(case):
        X, params = case
        try:
            return call(forward, X.copy(), tuple(p.copy() for p in params), name="forward")
        except ValueError as e:
            raise ValueError(f"{e}\n  {_forward_story(case)}") from None

    failure = first_failure(
        cases,
        run=run,
        expected=lambda case: _forward(*case),
        describe=_describe_forward,
        diagnose=_diagnose_forward,
    )
    return failure or correct(
        f"Right on {len(cases)} networks of different shapes. A network is layers composed: "
        "each one input @ W.T + b, with the ReLU between them keeping the two layers from "
        "collapsing into one."
    )


def _count(sizes):
    return sum(a * b + b for a, b in itertools.pairwise(sizes))


def _count_cases():
    rng = np.random.default_rng(5053)
    cases = [[64, 32, 10], [2, 2, 1], [3, 5], [784, 128, 64, 10], [1, 1], [7]]
    cases += [[int(v) for v in rng.integers(1, 50, size=rng.integers(2, 6))] for _ in range(5)]
    return cases


def _diagnose_count(sizes, got, want):
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
    return None


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
    solution='''
def count_parameters(sizes):
    """The number of weights and biases of a fully connected network with these layer sizes,
    e.g. sizes = [64, 32, 10]: 64 inputs, a hidden layer of 32 units, 10 outputs."""
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_in * n_out + n_out  # W is (n_out, n_in); b is (n_out,)
    return total
''',
    hints=(
        "Each pair of neighbouring sizes (n_in, n_out) is one nn.Linear(n_in, n_out). "
        "zip(sizes[:-1], sizes[1:]) walks through those pairs.",
        "nn.Linear(n_in, n_out) holds W of shape (n_out, n_in) and b of shape (n_out,).",
        "Add n_in * n_out + n_out over every pair. A list of one size is a network with no "
        "layers: 0 parameters.",
    ),
)
def check_count_parameters(count_parameters) -> Feedback:
    """count_parameters(sizes) on unseen layer-size lists, from one size to five."""
    if not callable(count_parameters):
        raise AnswerError(
            f"Expected a function count_parameters(sizes), got {count_parameters!r}."
        )
    failure = first_failure(
        _count_cases(),
        run=lambda sizes: call(count_parameters, list(sizes), name="count_parameters"),
        expected=_count,
        agree=lambda got, want: as_int(got, "a whole number of parameters") == want,
        describe=lambda sizes: f"sizes = {sizes}",
        diagnose=_diagnose_count,
    )
    return failure or correct(
        f"Right on every network. Our digit classifier (64-32-10) has {_count([64, 32, 10]):,} "
        f"parameters; a 784-128-64-10 network for 28×28 images has "
        f"{_count([784, 128, 64, 10]):,}, almost all in its first layer."
    )


def _popular_xor(v2: float) -> list[int]:
    out = []
    for x1, x2 in XOR_INPUTS:
        h1, h2 = max(0.0, x1 + x2 - 0.5), max(0.0, x1 + x2 - 1.5)
        out.append(int(h1 + v2 * h2 - 0.25 > 0))
    return out


@exercise(
    "05.4",
    title="repair the popular XOR network",
    kind="value",
    answers="v2_largest",
    placeholder="v2_largest = ...  # your answer: a number",
    solution="v2_largest = -2.5  # (1, 1): 1.5 + 0.5·v2 - 0.25 ≤ 0 exactly when v2 ≤ -2.5",
    hints=(
        "v2 multiplies h2, and h2 is 0 at (0, 0), (0, 1) and (1, 0): only the input (1, 1) "
        "depends on v2.",
        "At (1, 1) the hidden values are h1 = 1.5 and h2 = 0.5, so y = 1.5 + 0.5·v2 - 0.25. "
        "XOR needs class 0 there: y must not be above 0.",
        "Solve 1.25 + 0.5·v2 ≤ 0 for v2, and give the largest v2 that satisfies it.",
    ),
)
def check_v2_largest(v2_largest) -> Feedback:
    """The largest output weight v2 on h2 that makes the popular hidden layer compute XOR."""
    v2 = as_number(v2_largest, "a number (the output weight v2)")
    outputs = _popular_xor(v2)
    if close(v2, -2.5, rel=1e-9):
        return correct(
            "At (1, 1), y = 1.5 + 0.5·v2 - 0.25 = 1.25 + 0.5·v2, which is ≤ 0 (class 0) exactly "
            "when v2 ≤ -2.5; at the other three inputs h2 = 0, so v2 changes nothing there. At "
            "-2.5 itself (1, 1) sits exactly on the boundary y = 0: a weight such as -3 leaves "
            "a margin, which is what a trained network would want."
        )
    if close(v2, -2.0, rel=1e-9):
        return wrong(
            "-2 is the published weight: at (1, 1) it gives y = 1.5 - 1 - 0.25 = +0.25, class 1. "
            "h2 must pull harder."
        )
    if close(v2, 2.5, rel=1e-9):
        return wrong("Check the sign: h2 must pull the output down at (1, 1), so v2 is negative.")
    if outputs == [0, 1, 1, 0]:
        return wrong(
            f"v2 = {v2!r} computes XOR, but it is not the largest weight that does. Where "
            "does (1, 1) land exactly on the boundary y = 0?"
        )
    return wrong(
        f"With v2 = {v2!r} the network's classes for (0,0), (0,1), (1,0), (1,1) are {outputs}; "
        "XOR is [0, 1, 1, 0]. Work out y at (1, 1) as a function of v2."
    )
