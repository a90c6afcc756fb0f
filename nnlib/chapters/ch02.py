"""Chapter 02 (Derivatives and gradients):
its explorers, and its exercises with their probes, checks and hints (our solutions and
the hidden cases are in ``nnlib/solutions/ch02.py``).

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
    refusing,
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
    ΔL/Δinput, and the gradient ∂L/∂input from backpropagation. Together: the
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
        "<th>ΔL / Δinput</th><th>gradient ∂L/∂input</th></tr>"
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


def _gradient_alt(name: str, r: dict) -> str:
    """What the gradient explorer shows, in words, for a reader who cannot see it."""
    x, y, (gx, gy), length = r["x"], r["y"], r["grad"], r["length"]
    where = f"Contour map of {name} for x and y from -3 to 3, with thin grey gradient arrows. "
    if length < 1e-9:  # a slider's 0 may arrive as 1e-16
        return where + f"At the dot ({x:.1f}, {y:.1f}) the gradient is (0, 0): flat, no arrow."
    shorter = ", drawn shorter to stay on the map" if length > 1.5 else ""
    return where + (
        f"A thick arrow starts at the dot ({x:.1f}, {y:.1f}): the gradient there, "
        f"({gx + 0.0:.2f}, {gy + 0.0:.2f}), of length {length:.2f}{shorter}, pointing uphill "
        "across the contour lines."
    )


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
        alt=lambda r: _gradient_alt(sliders["surface"].value, r),
        title="The gradient points uphill, across the contour lines",
    )


# ------------------------------------------------------------------ exercises
#
# Each code exercise: public cases (dicts; "want" is what the judge compares with), a
# probe that runs the learner's code on one case and returns plain data, and a judge
# that sees only those plain results. Our solutions, the hidden cases and the
# reference code that computes their expected values: nnlib/solutions/ch02.py.

#: nnlib's numerical derivatives: switched off while a learner's code is checked where an
#: exercise asks for derivatives by the rules or for a numerical gradient of their own.
_NUMERICAL = (
    "nnlib.calculus.numerical_gradient",
    "nnlib.calculus.derivative",
    "nnlib.calculus.central_difference",
    "nnlib.calculus.forward_difference",
)


def _safe(diagnose):
    """A diagnosis never raises: an answer it cannot read gets no diagnosis, not a traceback."""

    def wrapped(case, got, want):
        try:
            return diagnose(case, got, want)
        except Exception:
            return None

    return wrapped


def _pair(got, what: str) -> tuple[float, float]:
    values = as_array(got, (2,), what)
    return float(values[0]), float(values[1])


def _point_case(x: float, y: float, want: tuple[float, float]) -> dict:
    return {"x": x, "y": y, "want": want}


#: Exercise 02.1's public points: the edges (zeros, a zero coordinate) first, then points
#: of both signs. The expected gradients are written out (our reference computes them in
#: nnlib/solutions/ch02.py, and a test keeps the two equal).
_G_CASES = [
    _point_case(x, y, want)
    for (x, y), want in [
        ((1.0, 2.0), (3.1677063269057153, 0.5838531634528576)),
        ((0.0, 0.0), (0.0, 0.0)),
        ((0.0, 1.5), (1.5, 0.0)),
        ((-1.5, 0.0), (0.0, 0.75)),
        ((2.0, -3.0), (-14.880510859951098, 5.920340573300732)),
        ((-1.43, -1.209), (3.6480561735020918, 2.2700051514540864)),
        ((1.885, -2.449), (-8.997928495892605, 3.3724978316690732)),
        ((0.601, 1.371), (2.57927937706145, 0.7694677860057851)),
        ((-1.873, -2.669), (9.243444649910785, 2.97855958347055)),
        ((-1.35, 0.945), (-2.276708954258111, 1.4299413632258733)),
    ]
]


def _g_slips(x: float, y: float) -> list[tuple[tuple[float, float], str]]:
    """What each known slip of 02.1 returns at (x, y), with the sentence that names it."""
    c = math.cos(x * y)
    return [
        (
            (x * x + x * c, 2 * x * y + y * c),
            "The right numbers in the wrong order: ∂g/∂x comes first.",
        ),
        (
            (2 * x * y + c, x * x + c),
            "The chain-rule factor is missing: the local derivative of sin(x·y) with respect "
            "to x is cos(x·y) times the local derivative of x·y, which is y (and x for ∂g/∂y).",
        ),
        (
            (2 * x * y + x * c, x * x + y * c),
            "The chain-rule factors are swapped: the local derivative of x·y with respect to x "
            "is y (x is the one that moves, y is held fixed), and with respect to y it is x.",
        ),
        (
            (2 * x + y * c, x * x + x * c),
            "∂(x²·y)/∂x keeps y: with y held fixed, x²·y is y times x², so its slope is 2x·y.",
        ),
        ((2 * x * y - y * c, x * x - x * c), "Check the sign: the slope of sin is +cos."),
        (
            (2 * x * y + y * math.sin(x * y), x * x + x * math.sin(x * y)),
            "The slope of sin is cos, not sin: the local derivative of sin(u) is cos(u).",
        ),
        (
            (2 * x * y + y * c, 2 * x * y + x * c),
            "∂g/∂y holds x fixed: x²·y is then x² times y, whose slope in y is x², not 2x·y.",
        ),
    ]


def _diagnose_g(cases, results):
    """The likely slip behind a wrong gradient of g(x, y) = x²·y + sin(x·y), or None.

    A slip is named only if it explains the answer at *every* point: at a point such as
    (0, 1.5) several slips give the same pair, and naming one there could blame the wrong one.
    """

    def pair_or_none(got):
        try:
            return _pair(got, "a pair")
        except Exception:
            return None

    pairs = [(case, pair_or_none(got)) for case, got in zip(cases, results, strict=False)]
    pairs = [(case, p) for case, p in pairs if p is not None]
    n_slips = len(_g_slips(1.0, 1.0))
    consistent = [
        all(close(p, _g_slips(case["x"], case["y"])[k][0]) for case, p in pairs)
        for k in range(n_slips)
    ]

    @_safe
    def diagnose(case, got, want):
        gx, gy = _pair(got, "a pair")
        for k, (value, why) in enumerate(_g_slips(case["x"], case["y"])):
            if consistent[k] and close((gx, gy), value):
                return why
        if close(gx, want[0]) and not close(gy, want[1]):
            return "∂g/∂x is right; look again at ∂g/∂y (hold x fixed this time)."
        if close(gy, want[1]) and not close(gx, want[0]):
            return "∂g/∂y is right; look again at ∂g/∂x (hold y fixed this time)."
        return None

    return diagnose


def judge_gradient_g(cases, results) -> Feedback:
    """gradient_g(x, y) is the gradient of x²·y + sin(x·y) at every point, edge cases first."""
    failure = first_failure(
        cases,
        got=results,
        agree=lambda got, want: close(_pair(got, "a pair (∂g/∂x, ∂g/∂y)"), want),
        describe=lambda case: f"(x, y) = ({case['x']:.4g}, {case['y']:.4g})",
        diagnose=_diagnose_g(cases, results),
    )
    return failure or correct(
        f"Right at all {len(cases)} points, including (0, 0) and points you never saw. Holding "
        "one input fixed turned a two-input problem into two one-input ones, and the chain rule "
        "handled sin(x·y)."
    )


@exercise(
    "02.1",
    title="partial derivatives by hand",
    answers="gradient_g",
    placeholder='''
def gradient_g(x, y):
    """The gradient (∂g/∂x, ∂g/∂y) of g(x, y) = x²·y + sin(x·y), as a pair."""
    raise NotImplementedError("write the body of gradient_g")
''',
    hints=(
        "Do one input at a time. For ∂g/∂x, pretend y is a fixed number such as 5: "
        "g = 5x² + sin(5x). Then do ∂g/∂y with x fixed.",
        "x²·y with y fixed is a constant times x², so its slope is 2x·y. sin(x·y) needs the "
        "chain rule: the outer local derivative cos(x·y) times the local derivative of x·y.",
        "∂g/∂x = 2xy + cos(xy)·y and ∂g/∂y = x² + cos(xy)·x. Return them as a pair, x first.",
    ),
    cases=_G_CASES,
    judge=judge_gradient_g,
)
def probe_gradient_g(gradient_g, case):
    """The learner's gradient_g(x, y) at one point, with nnlib's numerical derivatives off."""
    if not callable(gradient_g):
        raise AnswerError(f"Expected a function gradient_g(x, y), got {gradient_g!r}.")
    with refusing(dict.fromkeys(_NUMERICAL, "∂g/∂x and ∂g/∂y by the rules"), gradient_g):
        return call(gradient_g, case["x"], case["y"], name="gradient_g")


_GRAPH_NAMES = ("a", "b", "c", "d", "e")
GRAPH_INPUTS_02_2 = (2.0, -3.0, 10.0)  #: 02.2's first public case, the worked numbers


def graph_gradients_by_value(a, b, c) -> dict[str, float]:
    """∂L/∂(every node) of L = (a·b + b)·c, from nnlib's Value and backward().

    b is used twice (in e = a·b and in d = e + b); backward() adds up its two contributions.
    """
    va, vb, vc = Value(a, "a"), Value(b, "b"), Value(c, "c")
    e = va * vb
    d = e + vb
    L = d * vc
    L.backward()
    return {"a": va.grad, "b": vb.grad, "c": vc.grad, "d": d.grad, "e": e.grad}


def _graph_case(a: float, b: float, c: float) -> dict:
    """A case of 02.2; its expected gradients come from nnlib's Value (the library)."""
    return {"a": a, "b": b, "c": c, "want": graph_gradients_by_value(a, b, c)}


def _graph_inputs(n: int = 12, seed: int = 7) -> list[tuple[float, ...]]:
    """The worked numbers, zeros, ones, a = -1 (b's two paths cancel), then n random inputs."""
    rng = np.random.default_rng(seed)
    edge = [GRAPH_INPUTS_02_2, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (-1.0, 2.0, 3.0)]
    randoms = rng.uniform(-5, 5, size=(n, 3)).round(3)
    return edge + [tuple(float(v) for v in row) for row in randoms]


_GRAPH_CASES = [_graph_case(*inputs) for inputs in _graph_inputs()]


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


@_safe
def _diagnose_graph(case, got, want) -> str | None:
    """The likely slip behind a wrong dict of gradients of L = (a·b + b)·c, or None."""
    a, b, c = case["a"], case["b"], case["c"]
    g = _as_gradients(got)
    bad = [k for k in _GRAPH_NAMES if not close(g[k], want[k])]
    if not bad:
        return None
    if "b" in bad:
        if close(g["b"], c * a):
            return (
                "∂L/∂b counts only b's path through e (∂L/∂e · local derivative a = c·a). b is "
                "used twice: it also goes straight into d = e + b, and that path adds ∂L/∂d · 1. "
                "When a value feeds two operations, its gradient is the SUM of the two "
                "contributions (did a second `=` overwrite the first instead of adding to it?)."
            )
        if close(g["b"], c * a * c):
            return (
                "∂L/∂b multiplies the contributions of b's two paths (c·a through e, times c "
                "straight from d). Contributions of separate paths ADD: a nudge of b moves L a "
                "little along each path, and the two moves add up, as for y = x · x."
            )
        if close(g["b"], c):
            return (
                "∂L/∂b counts only b's direct path into d = e + b (∂L/∂d · 1 = c). b is used "
                "twice: it also feeds e = a·b, and that path adds ∂L/∂e · local derivative a. "
                "When a value feeds two operations, its gradient is the SUM of the two "
                "contributions (did a second `=` overwrite the first instead of adding to it?)."
            )
    if "a" in bad and close(g["a"], c * a) and "b" in bad:
        return (
            "a and b are swapped in e = a·b: the local derivative of e with respect to a is b "
            "(the *other* input) and with respect to b it is a, so ∂L/∂a = ∂L/∂e · b."
        )
    local = {"a": (b, "∂e/∂a = b", "∂L/∂e"), "e": (1.0, "∂d/∂e = 1", "∂L/∂d")}
    for k, (value, name, upstream) in local.items():
        if k in bad and close(g[k], value):
            return (
                f"∂L/∂{k} = {g[k]:g} is the local derivative {name}, not a gradient: multiply "
                f"it by the upstream gradient {upstream}."
            )
    if "b" in bad and any(close(g["b"], v) for v in (a + 1.0, a, 1.0)):
        return (
            "∂L/∂b is built from local derivatives only (a through e, 1 straight into d): "
            "multiply each by the upstream gradient of its path (∂L/∂e and ∂L/∂d) before adding."
        )
    if "c" in bad and close(g["c"], a * b):
        return "∂L/∂c = d, and here d = a·b + b: the + b is missing."
    d = a * b + b
    if "d" in bad and close(g["d"], d) and not close(d, c):
        return (
            "∂L/∂d: in L = d·c the local derivative with respect to d is the *other* factor, c "
            "(nudge d by 1 and L moves by c), not d itself."
        )
    if "c" in bad and close(g["c"], c) and not close(d, c):
        return (
            "∂L/∂c: in L = d·c the local derivative with respect to c is the *other* factor, d "
            "= a·b + b, not c itself."
        )
    signs = [k for k in bad if close(g[k], -want[k])]
    if signs and len(signs) == len(bad):
        return f"Check the sign of ∂L/∂{signs[0]}."
    worked = graph_gradients_by_value(*GRAPH_INPUTS_02_2)
    if (a, b, c) != GRAPH_INPUTS_02_2 and close(
        [g[k] for k in _GRAPH_NAMES], list(worked.values())
    ):
        return (
            "These are the gradients at a, b, c = 2, -3, 10 whatever the inputs: compute each "
            "one from the arguments a, b and c."
        )
    if len(bad) == len(_GRAPH_NAMES):
        return "Every gradient is wrong here: work backwards from L one operation at a time."
    return f"Wrong: ∂L/∂{', ∂L/∂'.join(bad)}; the others are right."


def judge_graph_gradients(cases, results) -> Feedback:
    """graph_gradients(a, b, c) agrees with Value.backward() on every case."""
    failure = first_failure(
        cases,
        got=results,
        agree=lambda got, want: close(
            [_as_gradients(got)[k] for k in _GRAPH_NAMES], [want[k] for k in _GRAPH_NAMES]
        ),
        describe=lambda case: f"a, b, c = {case['a']:g}, {case['b']:g}, {case['c']:g}",
        diagnose=_diagnose_graph,
    )
    return failure or correct(
        f"Every gradient agrees with Value.backward() on {len(cases)} inputs, zeros and random "
        "ones included. b was used twice, so its gradient is the sum of what flows back along "
        "each use: c·a through e plus c straight from d. (At a = -1 the two cancel.) Value "
        "does the same by adding to .grad."
    )


@exercise(
    "02.2",
    title="the chain rule through a graph that uses a value twice",
    answers="graph_gradients",
    placeholder='''
def graph_gradients(a, b, c):
    """Every gradient of L = (a·b + b)·c, with e = a·b and d = e + b, by the chain rule.

    b is used twice (in e and in d). Returns a dict
    {"a": ∂L/∂a, "b": ∂L/∂b, "c": ∂L/∂c, "d": ∂L/∂d, "e": ∂L/∂e}.
    """
    raise NotImplementedError("write the body of graph_gradients")
''',
    hints=(
        "Work backwards from L as in section 7, with letters instead of numbers: L = d·c "
        "gives ∂L/∂d and ∂L/∂c, then d = e + b, then e = a·b. Compute e and d first: some "
        "local derivatives need them. The new part is b, which feeds two operations.",
        "A nudge of b reaches L along two paths: through e (local derivative a) and straight "
        "into d (local derivative 1). Each path contributes upstream gradient × local "
        "derivative, and b's gradient is the sum of both; that is why backward() adds to "
        ".grad (+=) instead of overwriting it.",
        "∂L/∂d = c, ∂L/∂c = d = a·b + b, ∂L/∂e = ∂L/∂d · 1 = c, ∂L/∂a = ∂L/∂e · b = c·b, and "
        "∂L/∂b = ∂L/∂e · a + ∂L/∂d · 1 = c·a + c.",
    ),
    cases=_GRAPH_CASES,
    judge=judge_graph_gradients,
)
def probe_graph_gradients(graph_gradients, case):
    """The learner's graph_gradients(a, b, c) on one case, with Value and nudging off."""
    if not callable(graph_gradients):
        raise AnswerError(
            f"Expected a function graph_gradients(a, b, c), got {graph_gradients!r}."
        )
    shortcuts = {
        "nnlib.engine.Value": "the chain rule by hand (not Value)",
        "nnlib.Value": "the chain rule by hand (not Value)",
        **dict.fromkeys(_NUMERICAL, "the chain rule by hand (not nudging)"),
    }
    with refusing(shortcuts, graph_gradients):
        return call(graph_gradients, case["a"], case["b"], case["c"], name="graph_gradients")


# Exercise 02.3's functions of an array, module-level so that a case can reach the grading
# sandbox by reference; each with its gradient by the rules (for the expected values).

_RNG = np.random.default_rng(3)
_A = _RNG.normal(size=(3, 3))
_Q = _A @ _A.T + np.eye(3)  #: a symmetric 3×3 matrix
_C = np.array([0.5, -1.0, 2.0])


def sum_of_squares(x) -> float:
    """f(x) = Σ xᵢ²."""
    return float(np.sum(np.asarray(x, dtype=float) ** 2))


def sum_of_squares_gradient(x):
    return 2 * np.asarray(x, dtype=float)


def product_plus_sin(x) -> float:
    """f(x) = x₀·x₁ + sin(x₂)."""
    return float(x[0] * x[1] + np.sin(x[2]))


def product_plus_sin_gradient(x):
    return np.array([x[1], x[0], np.cos(x[2])], dtype=float)


def half_quadratic(x) -> float:
    """f(x) = x·Q·x / 2 for a fixed symmetric 3×3 matrix Q."""
    return float(x @ _Q @ x / 2)


def half_quadratic_gradient(x):
    return _Q @ x


def log_sum_exp(x) -> float:
    """f(x) = log(Σ exp(xᵢ))."""
    return float(np.log(np.sum(np.exp(x))))


def log_sum_exp_gradient(x):
    return np.exp(x) / np.sum(np.exp(x))


def tanh_layer(W) -> float:
    """f(W) = Σ tanh(W·c) for a fixed vector c of 3 numbers; W has 3 columns."""
    return float(np.sum(np.tanh(W @ _C)))


def tanh_layer_gradient(W):
    return np.outer(1 - np.tanh(W @ _C) ** 2, _C)


def three_times_first(x) -> float:
    """f(x) = 3·x₀."""
    return float(3 * x[0])


def three_times_first_gradient(x):
    grad = np.zeros(np.shape(x))
    grad[0] = 3.0
    return grad


def _array_case(name: str, f, gradient, x) -> dict:
    """A case of 02.3: f, the point x, and the gradient there by the rules."""
    return {"name": name, "f": f, "x": x, "want": gradient(x)}


_NUDGING_CASES = [
    _array_case("f(x) = sum(x²)", sum_of_squares, sum_of_squares_gradient, _RNG.normal(size=3)),
    _array_case(
        "f(x) = x₀·x₁ + sin(x₂)", product_plus_sin, product_plus_sin_gradient, _RNG.normal(size=3)
    ),
    _array_case(
        "f(x) = x·Q·x / 2 (Q symmetric)",
        half_quadratic,
        half_quadratic_gradient,
        _RNG.normal(size=3),
    ),
    _array_case("f(x) = log(sum(exp(x)))", log_sum_exp, log_sum_exp_gradient, _RNG.normal(size=4)),
    _array_case(
        "f(W) = sum(tanh(W·c)), W a 2×3 matrix",
        tanh_layer,
        tanh_layer_gradient,
        _RNG.normal(size=(2, 3)),
    ),
    _array_case("f(x) = sum(x²)", sum_of_squares, sum_of_squares_gradient, np.array([1, 2, 3])),
    _array_case("f(x) = 3·x₀", three_times_first, three_times_first_gradient, np.array([5.0])),
    # integers in, a gradient that is not whole (cos 3): a gradient array of integers shows
    _array_case(
        "f(x) = x₀·x₁ + sin(x₂)", product_plus_sin, product_plus_sin_gradient, np.array([2, -1, 3])
    ),
]


def _short_array(x) -> str:
    x = np.asarray(x)
    text = np.array2string(x, precision=3, separator=", ", max_line_width=80)
    return text + " (integers)" if x.dtype.kind in "iu" else text


def _nudged(f, x, h, kind: str):
    """What a known slip computes on f at x, entry by entry, in the judge's own process."""
    x = np.array(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        if kind == "forward":
            x[i] = old
            grad[i] = (up - f(x)) / h
        else:  # "no restore": x[i] stays at old - h while the later entries are nudged
            grad[i] = (up - down) / (2 * h)
    return grad


def _row_nudged(want: np.ndarray) -> np.ndarray:
    """What nudging a whole row x[i] at once gives: each entry of row i is that row's sum."""
    rows = want.reshape(want.shape[0], -1).sum(axis=1)
    return np.broadcast_to(rows.reshape((-1,) + (1,) * (want.ndim - 1)), want.shape)


def _diagnose_nudging(changed: dict):
    @_safe
    def diagnose(case, got, want):
        x, f, h = np.asarray(case["x"]), case["f"], 1e-5
        if changed.get(id(case)):
            return (
                "Your function left the caller's x changed: an entry nudged but not put back "
                "shifts the point at which every later entry is nudged. Restore x[i] after each "
                "nudge, or work on a copy (np.array(x, dtype=float))."
            )
        try:
            g = as_array(got, np.shape(want), "the gradient")
        except AnswerError:
            return "The gradient has one entry per entry of x: the same shape as x."
        near = lambda a, b: close(a, b, rel=1e-4, abs_tol=1e-6)  # noqa: E731
        if near(g, 2 * want):
            return "Twice too big: the central difference divides by 2h, not h."
        if near(g, -want):
            return "Every sign is flipped: it is f(x + h) - f(x - h), the up-nudge first."
        if near(g, want * 2 * h):
            return (
                "Far too small, by a factor of 2h: that is the change f(x + h) - f(x - h) "
                "itself. A slope is change over run: divide it by 2h."
            )
        if near(g, want * 2 / h):
            return "Far too big: the central difference divides by 2h, not by h²."
        if close(g, want / 2, rel=1e-3, abs_tol=1e-5):
            return (
                "Half the gradient: your second evaluation is at x itself, not at x - h "
                "(x[i] += h, then x[i] -= h, only brings x[i] back). Set x[i] = old - h before "
                "the second evaluation, or subtract 2h."
            )
        if near(g, want * h * h) or near(g, want * h * h / 2):
            return (
                "Far too small, by a factor of about h²: `/ 2 * h` divides by 2 and then "
                "*multiplies* by h. Write / (2 * h)."
            )
        if x.dtype.kind in "iu" and (
            np.asarray(got).dtype.kind in "iu" or near(g, np.trunc(want))
        ):
            return (
                "Your gradient array holds whole numbers: it was made from the integer x "
                "(np.zeros_like(x) copies x's integer type), so each slope is cut to an integer "
                "when you store it. Make the gradient a float array, e.g. "
                "np.zeros(x.shape) or np.zeros_like(x, dtype=float)."
            )
        if x.dtype.kind in "iu":
            return (
                "x holds integers, and an integer array can't hold x + 1e-5 (it rounds back). "
                "Work on a float copy: np.array(x, dtype=float)."
            )
        if x.ndim > 1 and near(g, _row_nudged(want)):
            return (
                "x has more than one axis, and x[i] is a whole row: your loop nudges every entry "
                "of row i at once. Visit every single entry, e.g. with "
                "for i in np.ndindex(x.shape)."
            )
        if g.size > 1 and near(g, np.full(g.shape, np.sum(want))):
            return (
                "Every entry is the same number: you nudged all of x at once (x + h). Nudge one "
                "entry at a time, so that each entry of the gradient measures its own input."
            )
        # The slips below differ from the right answer by about h only: name the one the
        # answer sits on (far closer to it than to the right gradient).
        slips = {
            "no restore": (
                "Entry i is never put back: after its down-nudge it stays at x[i] - h while "
                "you nudge the entries after it, so they are measured at a shifted point. Put "
                "x[i] = old back before moving on to the next entry."
            ),
            "forward": (
                "That is the forward difference (f(x + h) - f(x)) / h, whose error is of order h. "
                "Nudge both ways: (f(x + h) - f(x - h)) / 2h."
            ),
        }
        off = float(np.max(np.abs(g - want)))
        for kind, why in slips.items():
            gap = float(np.max(np.abs(g - _nudged(f, x, h, kind))))
            if gap < 1e-7 * max(1.0, float(np.max(np.abs(want)))) and gap < off / 10:
                return why
        return None

    return diagnose


def judge_gradient_by_nudging(cases, results) -> Feedback:
    """gradient_by_nudging(f, x) matches gradients by the rules on every case, x untouched."""
    grads, changed = [], {}
    for case, result in zip(cases, results, strict=False):
        if isinstance(result, dict) and "gradient" in result:
            grads.append(result["gradient"])
            changed[id(case)] = bool(result.get("x_changed"))
        else:
            grads.append(result)
    failure = first_failure(
        cases,
        got=grads,
        agree=lambda got, want: close(
            as_array(got, np.shape(want), "the gradient"), want, rel=1e-6, abs_tol=1e-7
        ),
        describe=lambda case: f"{case['name']}, x = {_short_array(case['x'])}",
        diagnose=_diagnose_nudging(changed),
    )
    if failure:
        return failure
    touched = [case for case in cases if changed.get(id(case))]
    if touched:
        return wrong(
            f"The gradients are right, but on {touched[0]['name']} your function changed the "
            "caller's x. Nudge a copy (np.array(x, dtype=float)), or put every entry back "
            "after nudging it."
        )
    return correct(
        f"Right on all {len(cases)} cases, matrices and integer inputs included, and x came back "
        "untouched. Notice the price: two evaluations of f per entry of x. "
        "Backpropagation (section 8, chapter 07) gets all of them from one forward and one "
        "backward pass."
    )


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
    hints=(
        "For each entry i of x: nudge only that entry up by h and evaluate f, nudge it down "
        "by h and evaluate f, and divide the difference by 2h. That is entry i of the gradient.",
        "Work on a float copy, np.array(x, dtype=float), so that the caller's x is untouched "
        "and integer inputs can hold x + h. np.ndindex(x.shape) visits every position of an "
        "array of any shape.",
        "Inside the loop: old = x[i]; x[i] = old + h; up = f(x); x[i] = old - h; "
        "down = f(x); x[i] = old; grad[i] = (up - down) / (2 * h).",
    ),
    cases=_NUDGING_CASES,
    judge=judge_gradient_by_nudging,
)
def probe_gradient_by_nudging(gradient_by_nudging, case):
    """The learner's gradient of case["f"] at case["x"], and whether they changed that x."""
    if not callable(gradient_by_nudging):
        raise AnswerError(
            f"Expected a function gradient_by_nudging(f, x, h=1e-5), got {gradient_by_nudging!r}."
        )
    x = case["x"]
    given = x.copy()
    with refusing(dict.fromkeys(_NUMERICAL, "gradient_by_nudging"), gradient_by_nudging):
        got = call(gradient_by_nudging, case["f"], given, name="gradient_by_nudging")
    return {"gradient": got, "x_changed": not np.array_equal(given, x)}


@exercise(
    "02.4",
    title="a new output, the same chain",
    kind="value",
    answers="dM_da",
    placeholder="dM_da = ...  # your answer: a number",
    hints=(
        "Work backwards from M: first ∂M/∂d, then the local derivatives of d = e + c and of "
        "e = a·b, and multiply.",
        "M = d² gives ∂M/∂d = 2d, and d = 4 here. The two local derivatives on the way back to "
        "a are the same as in section 7.",
        "The local derivative of d with respect to e is 1, and that of e with respect to a is "
        "b = -3, so ∂M/∂a = 2·4 · 1 · (-3).",
    ),
)
def check_dM_da(dM_da) -> Feedback:
    """∂M/∂a for M = d² = (a·b + c)² at a = 2, b = -3, c = 10: 2d·b = -24."""
    g = as_number(dM_da)
    if close(g, -24.0):
        return correct(
            "∂M/∂d = 2d = 8, then the local derivatives 1 (d = e + c) and b = -3 (e = a·b): "
            "8 · 1 · (-3) = -24. Only the upstream gradient changed (8 instead of -2); the local "
            "derivatives are the same as for L."
        )
    slips = {
        -3.0: "-3 is only the local derivative of e = a·b with respect to a (it is b). "
        "Multiply by the gradient arriving from M.",
        8.0: "8 is ∂M/∂d. Keep going back through d = e + c and e = a·b.",
        24.0: "Check the sign: b = -3.",
        -12.0: "The slope of d² is 2d, not d: the factor 2 is missing.",
        16.0: "The local derivative of e = a·b with respect to a is b = -3, not a = 2.",
        6.0: "6 is ∂L/∂a for the old output L = d·f. Here the output is M = d².",
    }
    for value, why in slips.items():
        if close(g, value):
            return wrong(why)
    return wrong("Chain rule: ∂M/∂a = ∂M/∂d · (local derivatives back to a). Check by nudging a.")
