"""Chapter 02 (Derivatives and gradients):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/02_*.ipynb``; it imports this module as ``ch02``.
"""

from __future__ import annotations

import math

import numpy as np

from nnlib.calculus import numerical_gradient
from nnlib.engine import Value
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
from nnlib.plots import COLORS, contour_with_gradients, new_figure
from nnlib.widgets import Explorer, dropdown, slider

#: The first computation graph of the course: L = (a·b + c)·f.
GRAPH_INPUTS = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}


def build_graph(a: float = 2.0, b: float = -3.0, c: float = 10.0, f: float = -2.0):
    """L = (a·b + c)·f as Values, labelled as in chapter 02; returns (L, inputs by name)."""
    va, vb, vc, vf = Value(a, "a"), Value(b, "b"), Value(c, "c"), Value(f, "f")
    e = va * vb
    e.label = "e"
    d = e + vc
    d.label = "d"
    L = d * vf
    L.label = "L"
    return L, {"a": va, "b": vb, "c": vc, "f": vf}


def nudge_readout(da: float = 0.0, db: float = 0.0, dc: float = 0.0, df: float = 0.0) -> dict:
    """Nudge each input of L = (a·b + c)·f on its own, and all together.

    For each input: the new L with only that input nudged, the measured ratio
    ΔL/Δinput, and the gradient dL/dinput from backpropagation. Together: the
    new L, and the first-order prediction L + Σ gradient·nudge.
    """
    L, inputs = build_graph()
    L.backward()
    nudges = {"a": da, "b": db, "c": dc, "f": df}
    rows = {}
    for name, delta in nudges.items():
        values = dict(GRAPH_INPUTS)
        values[name] += delta
        new_L = build_graph(**values)[0].data
        ratio = (new_L - L.data) / delta if delta else None
        rows[name] = {
            "nudge": delta,
            "new_L": new_L,
            "ratio": ratio,
            "gradient": inputs[name].grad,
        }
    together = build_graph(**{k: GRAPH_INPUTS[k] + nudges[k] for k in nudges})[0]
    predicted = L.data + sum(inputs[k].grad * nudges[k] for k in nudges)
    return {"L": L.data, "rows": rows, "together": together.data, "predicted": predicted}


def _nudge_html(r: dict) -> str:
    head = (
        "<tr><th>input</th><th>nudge</th><th>L after nudging it alone</th>"
        "<th>ΔL / Δinput</th><th>gradient dL/dinput</th></tr>"
    )
    body = ""
    for name, row in r["rows"].items():
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.3f}"
        body += (
            f"<tr><td>{name} = {GRAPH_INPUTS[name]:g}</td><td>{row['nudge']:+.2f}</td>"
            f"<td>{row['new_L']:.3f}</td><td><b>{ratio}</b></td><td><b>{row['gradient']:g}</b></td></tr>"
        )
    return (
        f"<table style='border-collapse:collapse' cellpadding='4'>{head}{body}</table>"
        f"<p>L = {r['L']:g}. All nudges at once: L = <b>{r['together']:.3f}</b>; "
        f"the gradients predict L + Σ gradient·nudge = <b>{r['predicted']:.3f}</b>.</p>"
    )


def nudge_explorer() -> Explorer:
    """A nudge slider per input of L = (a·b + c)·f: ΔL/Δinput next to the gradient."""
    sliders = {f"d{n}": slider(f"nudge {n}", 0.0, -1.0, 1.0, 0.05) for n in GRAPH_INPUTS}
    return Explorer(
        sliders,
        nudge_readout,
        _nudge_html,
        title="Nudge one input: the change in L per unit of nudge is its gradient",
    )


#: Functions of two inputs for the gradient explorer, with their gradients.
SURFACES = {
    "bowl: x² + 3y²": (lambda x, y: x**2 + 3 * y**2, lambda x, y: (2 * x, 6 * y)),
    "saddle: x² - y²": (lambda x, y: x**2 - y**2, lambda x, y: (2 * x, -2 * y)),
    "hills: sin(x)·cos(y)": (
        lambda x, y: np.sin(x) * np.cos(y),
        lambda x, y: (np.cos(x) * np.cos(y), -np.sin(x) * np.sin(y)),
    ),
}


def gradient_readout(surface: str, x: float, y: float) -> dict:
    """f, the gradient (∂f/∂x, ∂f/∂y) at (x, y), its length, and a numerical check."""
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {list(SURFACES)}, got {surface!r}")
    f, grad = SURFACES[surface]
    gx, gy = (float(v) for v in grad(x, y))
    numeric = numerical_gradient(lambda p: float(f(p[0], p[1])), [x, y])
    return {
        "x": x,
        "y": y,
        "f": float(f(x, y)),
        "grad": (gx, gy),
        "numeric": (float(numeric[0]), float(numeric[1])),
        "length": math.hypot(gx, gy),
    }


def gradient_explorer(surface: str = "bowl: x² + 3y²", x: float = 1.5, y: float = 1.0) -> Explorer:
    """Move a point over a contour map; the arrow is the gradient there, pointing uphill."""
    fig, ax = new_figure(5.6, 5.0)
    state = {"surface": None, "arrow": None, "map": ()}
    (point,) = ax.plot([], [], "o", color=COLORS["vermillion"], ms=8, zorder=5)

    def draw(r):
        name = sliders["surface"].value
        if state["arrow"] is not None:
            state["arrow"].remove()
        if state["surface"] != name:  # new function: redraw the map, keep the axes
            for artist in state["map"]:
                artist.remove()
            state["map"] = contour_with_gradients(ax, *SURFACES[name])
            state["surface"] = name
        gx, gy = r["grad"]
        scale = 1.0 / max(1.0, r["length"] / 1.5)  # keep long arrows on the map
        state["arrow"] = ax.annotate(
            "",
            xy=(r["x"] + gx * scale, r["y"] + gy * scale),
            xytext=(r["x"], r["y"]),
            arrowprops={"arrowstyle": "-|>", "color": COLORS["vermillion"], "lw": 2.5},
            zorder=6,
        )
        point.set_data([r["x"]], [r["y"]])
        ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="x", ylabel="y")
        ax.set_title(
            f"{name}: gradient ({gx:.2f}, {gy:.2f}) at ({r['x']:.1f}, {r['y']:.1f})", fontsize=10
        )

    sliders = {
        "surface": dropdown("function", list(SURFACES), surface),
        "x": slider("x", x, -2.5, 2.5, 0.1),
        "y": slider("y", y, -2.5, 2.5, 0.1),
    }
    return Explorer(
        sliders,
        gradient_readout,
        lambda r: (
            f"f = {r['f']:.3f} &nbsp; ∇f = (∂f/∂x, ∂f/∂y) = <b>({r['grad'][0]:.3f}, "
            f"{r['grad'][1]:.3f})</b> &nbsp; length {r['length']:.3f}<br>"
            "numerical check by central differences: "
            f"({r['numeric'][0]:.3f}, {r['numeric'][1]:.3f})"
        ),
        figure=fig,
        draw=draw,
        title="The gradient points uphill, across the contour lines",
    )


# ------------------------------------------------------------------ exercises


def _g(x, y):
    """g(x, y) = x²·y + sin(x·y), the function of exercise 02.1."""
    return x * x * y + math.sin(x * y)


def _g_gradient(x, y):
    return (2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y))


_RNG_SEED = 2


def _points(n: int = 12, seed: int = _RNG_SEED) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    edge = [(1.0, 2.0), (0.0, 0.0), (0.0, 1.5), (-1.5, 0.0), (2, -3)]
    return edge + [tuple(float(v) for v in p) for p in rng.uniform(-3, 3, size=(n, 2))]


def _pair(got, what: str) -> tuple[float, float]:
    values = as_array(got, (2,), what)
    return float(values[0]), float(values[1])


@exercise(
    "02.1",
    title="partial derivatives by hand",
    answers="gradient_g",
    placeholder='''
def gradient_g(x, y):
    """The gradient (∂g/∂x, ∂g/∂y) of g(x, y) = x²·y + sin(x·y), as a pair."""
    raise NotImplementedError("write the body of gradient_g")
''',
    solution='''
def gradient_g(x, y):
    """The gradient (∂g/∂x, ∂g/∂y) of g(x, y) = x²·y + sin(x·y), as a pair."""
    dg_dx = 2 * x * y + math.cos(x * y) * y  # y held fixed; chain rule inside sin
    dg_dy = x**2 + math.cos(x * y) * x  # x held fixed
    return (dg_dx, dg_dy)
''',
    hints=(
        "Do one input at a time. For ∂g/∂x, pretend y is a fixed number such as 5: "
        "g = 5x² + sin(5x). Then do ∂g/∂y with x fixed.",
        "x²·y with y fixed is a constant times x², so its slope is 2x·y. sin(x·y) needs the "
        "chain rule: the outer slope cos(x·y) times the inner slope of x·y.",
        "∂g/∂x = 2xy + cos(xy)·y and ∂g/∂y = x² + cos(xy)·x. Return them as a pair, x first.",
    ),
)
def check_gradient_g(gradient_g) -> Feedback:
    """gradient_g(x, y) is the gradient of x²·y + sin(x·y) at 17 points, edge cases first."""
    if not callable(gradient_g):
        raise AnswerError(f"Expected a function gradient_g(x, y), got {gradient_g!r}.")

    def diagnose(case, got, want):
        x, y = case
        try:
            gx, gy = _pair(got, "a pair")
        except AnswerError:
            return None
        c = math.cos(x * y)
        slips = [
            ((want[1], want[0]), "The right numbers in the wrong order: ∂g/∂x comes first."),
            (
                (2 * x * y + c, x * x + c),
                "The chain-rule factor is missing: the slope of sin(x·y) with respect to x is "
                "cos(x·y) times the slope of x·y, which is y (and x for ∂g/∂y).",
            ),
            (
                (2 * x + y * c, x * x + x * c),
                "∂(x²·y)/∂x keeps y: with y held fixed, x²·y is y times x², so its slope is 2x·y.",
            ),
            (
                (2 * x * y - y * c, x * x - x * c),
                "Check the sign: the slope of sin is +cos.",
            ),
        ]
        for value, why in slips:
            if close((gx, gy), value):
                return why
        if close(gx, want[0]) and not close(gy, want[1]):
            return "∂g/∂x is right; look again at ∂g/∂y (hold x fixed this time)."
        if close(gy, want[1]) and not close(gx, want[0]):
            return "∂g/∂y is right; look again at ∂g/∂x (hold y fixed this time)."
        return None

    failure = first_failure(
        _points(),
        run=lambda p: call(gradient_g, p[0], p[1], name="gradient_g"),
        expected=lambda p: _g_gradient(*p),
        agree=lambda got, want: close(_pair(got, "a pair (∂g/∂x, ∂g/∂y)"), want),
        describe=lambda p: f"(x, y) = ({p[0]:.4g}, {p[1]:.4g})",
        diagnose=diagnose,
    )
    return failure or correct(
        "Right at all 17 points, including (0, 0) and points you never saw. Holding one input "
        "fixed turned a two-input problem into two one-input ones, and the chain rule handled "
        "sin(x·y)."
    )


_GRAPH_NAMES = ("a", "b", "c", "d", "e")


def graph_gradients_by_value(a, b, c) -> dict[str, float]:
    """dL/d(every node) of L = (a·b + b)·c, from nnlib's Value and backward().

    b is used twice (in e = a·b and in d = e + b); backward() adds up its two contributions.
    """
    va, vb, vc = Value(a, "a"), Value(b, "b"), Value(c, "c")
    e = va * vb
    d = e + vb
    L = d * vc
    L.backward()
    return {"a": va.grad, "b": vb.grad, "c": vc.grad, "d": d.grad, "e": e.grad}


def _graph_cases(n: int = 12, seed: int = 7) -> list[tuple[float, ...]]:
    """The worked numbers, zeros, ones, a = -1 (b's two paths cancel), then n random inputs."""
    rng = np.random.default_rng(seed)
    edge = [(2.0, -3.0, 10.0), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (-1.0, 2.0, 3.0)]
    randoms = rng.uniform(-5, 5, size=(n, 3)).round(3)
    return edge + [tuple(float(v) for v in row) for row in randoms]


def _as_gradients(got) -> dict[str, float]:
    if not isinstance(got, dict):
        raise AnswerError(
            f"Expected a dict such as {{'a': ..., 'b': ..., ...}}, got {type(got).__name__}."
        )
    missing = [k for k in _GRAPH_NAMES if k not in got]
    if missing:
        keys = ", ".join(repr(k) for k in list(got)[:6]) or "none"
        raise AnswerError(
            f"Your dict has no key {missing[0]!r} (its keys: {keys}). Name each gradient by "
            "its node: the keys are exactly 'a', 'b', 'c', 'd' and 'e'."
        )
    return {k: as_number(got[k], f"a number for {k!r}") for k in _GRAPH_NAMES}


def _diagnose_graph(case, got, want) -> str | None:
    """The likely slip behind a wrong dict of gradients of L = (a·b + b)·c, or None."""
    a, b, c = case
    try:
        g = _as_gradients(got)
    except AnswerError:
        return None
    bad = [k for k in _GRAPH_NAMES if not close(g[k], want[k])]
    if not bad:
        return None
    if "b" in bad:
        if close(g["b"], c * a):
            return (
                "dL/db counts only b's path through e (dL/de · ∂e/∂b = c·a). b is used twice: "
                "it also goes straight into d = e + b, and that path adds dL/dd · 1. When a value "
                "feeds two operations, its gradient is the SUM of the two contributions (did a "
                "second `=` overwrite the first instead of adding to it?)."
            )
        if close(g["b"], c):
            return (
                "dL/db counts only b's direct path into d = e + b (dL/dd · 1 = c). b is used "
                "twice: it also feeds e = a·b, and that path adds dL/de · ∂e/∂b. When a value "
                "feeds two operations, its gradient is the SUM of the two contributions (did a "
                "second `=` overwrite the first instead of adding to it?)."
            )
    if "a" in bad and close(g["a"], c * a) and "b" in bad:
        return (
            "a and b are swapped in e = a·b: ∂e/∂a is b (the *other* input) and ∂e/∂b is a, "
            "so dL/da = dL/de · b."
        )
    local = {
        "a": (b, "∂e/∂a = b"),
        "e": (1.0, "∂d/∂e = 1"),
    }
    for k, (value, name) in local.items():
        if k in bad and close(g[k], value):
            return (
                f"dL/d{k} = {g[k]:g} is the local derivative {name}, not a gradient: multiply it "
                f"by the upstream gradient dL/d{'e' if k == 'a' else 'd'}."
            )
    if "b" in bad and any(close(g["b"], v) for v in (a + 1.0, a, 1.0)):
        return (
            "dL/db is built from local derivatives only (∂e/∂b = a, ∂d/∂b = 1): multiply each "
            "by the upstream gradient of its path (dL/de and dL/dd) before adding."
        )
    if "c" in bad and close(g["c"], a * b):
        return "dL/dc = d, and here d = a·b + b: the + b is missing."
    signs = [k for k in bad if close(g[k], -want[k])]
    if signs and len(signs) == len(bad):
        return f"Check the sign of dL/d{signs[0]}."
    return f"Wrong: dL/d{', dL/d'.join(bad)}; the others are right."


@exercise(
    "02.2",
    title="the chain rule through a graph that uses a value twice",
    answers="graph_gradients",
    placeholder='''
def graph_gradients(a, b, c):
    """Every gradient of L = (a·b + b)·c, with e = a·b and d = e + b, by the chain rule.

    b is used twice (in e and in d). Returns a dict
    {"a": dL/da, "b": dL/db, "c": dL/dc, "d": dL/dd, "e": dL/de}.
    """
    raise NotImplementedError("write the body of graph_gradients")
''',
    solution='''
def graph_gradients(a, b, c):
    """Every gradient of L = (a·b + b)·c, with e = a·b and d = e + b, by the chain rule.

    b is used twice (in e and in d). Returns a dict
    {"a": dL/da, "b": dL/db, "c": dL/dc, "d": dL/dd, "e": dL/de}.
    """
    e = a * b  # forward pass: the values the local derivatives need
    d = e + b
    dL_dd = c  # L = d·c: ∂L/∂d = c, and dL/dL = 1
    dL_dc = d  # ∂L/∂c = d
    dL_de = dL_dd * 1.0  # d = e + b passes the gradient through to e ...
    dL_db = dL_dd * 1.0  # ... and to b: b's first path
    dL_da = dL_de * b  # e = a·b: ∂e/∂a = b
    dL_db += dL_de * a  # b's second path, through e (∂e/∂b = a): the two ADD up
    return {"a": dL_da, "b": dL_db, "c": dL_dc, "d": dL_dd, "e": dL_de}
''',
    hints=(
        "Work backwards from L as in section 7, with letters instead of numbers: L = d·c "
        "gives dL/dd and dL/dc, then d = e + b, then e = a·b. Compute e and d first: some "
        "local derivatives need them. The new part is b, which feeds two operations.",
        "A nudge of b reaches L along two paths: through e (local derivative ∂e/∂b = a) and "
        "straight into d (local derivative ∂d/∂b = 1). Each path contributes upstream gradient "
        "× local derivative, and b's gradient is the sum of both; that is why backward() "
        "adds to .grad (+=) instead of overwriting it.",
        "dL/dd = c, dL/dc = d = a·b + b, dL/de = dL/dd · 1 = c, dL/da = dL/de · b = c·b, and "
        "dL/db = dL/de · a + dL/dd · 1 = c·a + c.",
    ),
)
def check_graph_gradients(graph_gradients) -> Feedback:
    """graph_gradients(a, b, c) agrees with Value.backward() on 16 inputs."""
    if not callable(graph_gradients):
        raise AnswerError(
            f"Expected a function graph_gradients(a, b, c), got {graph_gradients!r}."
        )
    cases = _graph_cases()
    failure = first_failure(
        cases,
        run=lambda case: call(graph_gradients, *case, name="graph_gradients"),
        expected=lambda case: graph_gradients_by_value(*case),
        agree=lambda got, want: close(
            [_as_gradients(got)[k] for k in _GRAPH_NAMES], [want[k] for k in _GRAPH_NAMES]
        ),
        describe=lambda case: "a, b, c = " + ", ".join(f"{v:g}" for v in case),
        diagnose=_diagnose_graph,
    )
    return failure or correct(
        f"Every gradient agrees with Value.backward() on {len(cases)} inputs, zeros and random "
        "ones included. b was used twice, so its gradient is the sum of what flows back along "
        "each use: c·a through e plus c straight from d. (At a = -1 the two cancel.) Value "
        "does the same by adding to .grad."
    )


def _gradient_cases():
    """(description, f, its gradient, x) for exercise 02.3; x is never nudged by the check."""
    rng = np.random.default_rng(3)
    W0 = rng.normal(size=(2, 3))
    v0 = rng.normal(size=3)
    A = rng.normal(size=(3, 3))
    Q = A @ A.T + np.eye(3)
    c = np.array([0.5, -1.0, 2.0])
    return [
        ("f(x) = sum(x²)", lambda x: float(np.sum(x**2)), lambda x: 2 * x, v0),
        (
            "f(x) = x₀·x₁ + sin(x₂)",
            lambda x: float(x[0] * x[1] + np.sin(x[2])),
            lambda x: np.array([x[1], x[0], np.cos(x[2])]),
            rng.normal(size=3),
        ),
        (
            "f(x) = x·Q·x / 2 (Q symmetric)",
            lambda x: float(x @ Q @ x / 2),
            lambda x: Q @ x,
            rng.normal(size=3),
        ),
        (
            "f(x) = log(sum(exp(x)))",
            lambda x: float(np.log(np.sum(np.exp(x)))),
            lambda x: np.exp(x) / np.sum(np.exp(x)),
            rng.normal(size=4),
        ),
        (
            "f(W) = sum(tanh(W·c)), W a 2×3 matrix",
            lambda W: float(np.sum(np.tanh(W @ c))),
            lambda W: np.outer(1 - np.tanh(W @ c) ** 2, c),
            W0,
        ),
        (
            "f(x) = sum(x²)",
            lambda x: float(np.sum(np.asarray(x, dtype=float) ** 2)),
            lambda x: 2 * np.asarray(x, dtype=float),
            np.array([1, 2, 3]),
        ),
        (
            "f(x) = 3·x₀",
            lambda x: float(3 * x[0]),
            lambda x: np.array([3.0]),
            np.array([5.0]),
        ),
    ]


@exercise(
    "02.3",
    title="a numerical gradient of a function of many inputs",
    answers="gradient_by_nudging",
    placeholder='''
def gradient_by_nudging(f, x, h=1e-5):
    """The gradient of f at x by central differences, nudging one entry of x at a time.

    x is a numpy array of any shape (possibly of integers); f(x) returns a number.
    Returns an array of x's shape. The caller's x must come back unchanged.
    """
    raise NotImplementedError("write the body of gradient_by_nudging")
''',
    solution='''
def gradient_by_nudging(f, x, h=1e-5):
    """The gradient of f at x by central differences, nudging one entry of x at a time.

    x is a numpy array of any shape (possibly of integers); f(x) returns a number.
    Returns an array of x's shape. The caller's x must come back unchanged.
    """
    x = np.array(x, dtype=float)  # a float copy: integers can't hold x + h
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):  # every position, in any number of dimensions
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old  # put it back before nudging the next entry
        grad[i] = (up - down) / (2 * h)
    return grad
''',
    hints=(
        "For each entry i of x: nudge only that entry up by h and evaluate f, nudge it down "
        "by h and evaluate f, and divide the difference by 2h. That is entry i of the gradient.",
        "Work on a float copy, np.array(x, dtype=float), so that the caller's x is untouched "
        "and integer inputs can hold x + h. np.ndindex(x.shape) visits every position of an "
        "array of any shape.",
        "Inside the loop: old = x[i]; x[i] = old + h; up = f(x); x[i] = old - h; "
        "down = f(x); x[i] = old; grad[i] = (up - down) / (2 * h).",
    ),
)
def check_gradient_by_nudging(gradient_by_nudging) -> Feedback:
    """gradient_by_nudging(f, x) matches analytic gradients of 7 functions, x untouched."""
    if not callable(gradient_by_nudging):
        raise AnswerError(
            f"Expected a function gradient_by_nudging(f, x, h=1e-5), got {gradient_by_nudging!r}."
        )
    touched = []

    def run(case):
        _, f, _, x = case
        given = x.copy()
        got = call(gradient_by_nudging, f, given, name="gradient_by_nudging")
        if not np.array_equal(given, x):
            touched.append(case)
        return got

    def diagnose(case, got, want):
        x = case[3]
        if any(t is case for t in touched):
            return (
                "Your function left x changed: an entry nudged but not put back shifts the point "
                "at which every later entry is nudged. Restore x[i] after each nudge, or work on "
                "a copy (np.array(x, dtype=float))."
            )
        try:
            g = as_array(got, np.shape(want), "the gradient")
        except AnswerError:
            return "The gradient has one entry per entry of x: the same shape as x."
        if close(g, 2 * want, rel=1e-4, abs_tol=1e-6):
            return "Twice too big: the central difference divides by 2h, not h."
        if x.dtype.kind in "iu":
            return (
                "x holds integers, and an integer array can't hold x + 1e-5 (it rounds back). "
                "Work on a float copy: np.array(x, dtype=float)."
            )
        f = case[1]
        forward = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            up = np.array(x, dtype=float)
            up[i] += 1e-5
            forward[i] = (f(up) - f(x)) / 1e-5
        if close(g, forward, rel=1e-3, abs_tol=1e-7):
            return (
                "That is the forward difference (f(x + h) - f(x)) / h, whose error is of order h. "
                "Nudge both ways: (f(x + h) - f(x - h)) / 2h."
            )
        return None

    failure = first_failure(
        _gradient_cases(),
        run=run,
        expected=lambda case: case[2](case[3]),
        agree=lambda got, want: close(
            as_array(got, np.shape(want), "the gradient"), want, rel=1e-6, abs_tol=1e-7
        ),
        describe=lambda case: f"{case[0]}, x = {_short_array(case[3])}",
        diagnose=diagnose,
    )
    if failure:
        return failure
    if touched:
        return wrong(
            f"The gradients are right, but on {touched[0][0]} your function changed the caller's "
            "x. "
            "Nudge a copy (np.array(x, dtype=float)), or put every entry back after nudging it."
        )
    return correct(
        "Right on all 7 functions, matrices and integer inputs included, and x came back "
        "untouched. Notice the price: two evaluations of f per entry of x. Backpropagation "
        "(section 8, chapter 07) gets all of them from one backward pass."
    )


def _short_array(x) -> str:
    x = np.asarray(x)
    text = np.array2string(x, precision=3, separator=", ", max_line_width=80)
    return text + " (integers)" if x.dtype.kind in "iu" else text


@exercise(
    "02.4",
    title="a new output, the same chain",
    kind="value",
    answers="dM_da",
    placeholder="dM_da = ...  # your answer: a number",
    solution="dM_da = 2 * 4.0 * 1.0 * -3.0  # dM/dd · dd/de · de/da = 2d · 1 · b",
    hints=(
        "Work backwards from M: first dM/dd, then dd/de, then de/da, and multiply them.",
        "M = d² gives dM/dd = 2d, and d = 4 here. The other two local derivatives are the same "
        "as in section 7.",
        "dd/de = 1 and de/da = b = -3, so dM/da = 2·4 · 1 · (-3).",
    ),
)
def check_dM_da(dM_da) -> Feedback:
    """dM/da for M = d² = (a·b + c)² at a = 2, b = -3, c = 10: 2d·b = -24."""
    g = as_number(dM_da)
    if close(g, -24.0):
        return correct(
            "dM/dd = 2d = 8, dd/de = 1, de/da = b = -3: 8 · 1 · (-3) = -24. Only the upstream "
            "gradient changed (8 instead of -2); the local derivatives are the same as for L."
        )
    slips = {
        -3.0: "-3 is only the local derivative de/da = b. Multiply by everything downstream.",
        8.0: "8 is dM/dd. Keep going back through d = e + c and e = a·b.",
        24.0: "Check the sign: b = -3.",
        -12.0: "The slope of d² is 2d, not d: the factor 2 is missing.",
        16.0: "de/da is b = -3, not a = 2: the slope of a·b with respect to a is b.",
        6.0: "6 is dL/da for the old output L = d·f. Here the output is M = d².",
    }
    for value, why in slips.items():
        if close(g, value):
            return wrong(why)
    return wrong("Chain rule: dM/da = dM/dd · dd/de · de/da. Check by nudging a in code.")
