"""The interactive explorers the chapters call, one function each.

Chapter 00 introduces them. Every explorer has two layers:

- a **pure function** from slider values to what is shown (numbers, arrays,
  text). It is where the mathematics lives, and tests call it directly;
- a thin **shell** (`Explorer`) that builds ipywidgets sliders, calls the pure
  function whenever a slider moves, and updates the readout (and a figure, in
  later chapters) in place.

In a notebook you call one function, e.g. ``square_explorer()``, and play.
In a test you build the same explorer, set ``ex.sliders["x"].value = 2`` and
assert on ``ex.result`` or ``ex.readout.value``; no browser is needed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator

from nnlib import functional as F
from nnlib import nn, optim
from nnlib.calculus import central_difference, forward_difference, numerical_gradient
from nnlib.data import XOR_INPUTS, XOR_TARGETS, make_blobs, make_moons, make_spirals, make_xor
from nnlib.engine import Value
from nnlib.graph import render_svg, to_dot
from nnlib.plots import COLORS, contour_with_gradients, figure_png, new_figure

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_FUNCTIONS",
    "FUNCTIONS",
    "GRAPH_INPUTS",
    "NEURON_DATASETS",
    "NEURON_EXAMPLE",
    "PLAYGROUND_ACTIVATIONS",
    "PLAYGROUND_DATA",
    "SURFACES",
    "XOR_OUTPUT",
    "Explorer",
    "Playground",
    "activation_explorer",
    "activation_readout",
    "approximate",
    "approximation_explorer",
    "backprop_stepper",
    "bowl_descent",
    "bowl_explorer",
    "build_graph",
    "difference_errors",
    "dropdown",
    "error_explorer",
    "gradient_explorer",
    "gradient_readout",
    "huber_explorer",
    "huber_readout",
    "int_slider",
    "log_slider",
    "loss_explorer",
    "loss_readout",
    "make_playground",
    "neuron_explorer",
    "neuron_graph",
    "neuron_readout",
    "nudge_explorer",
    "nudge_readout",
    "playground",
    "playground_accuracy",
    "secant_explorer",
    "secant_readout",
    "show_figure",
    "single_neuron_explorer",
    "single_neuron_readout",
    "slider",
    "softmax_explorer",
    "softmax_readout",
    "square_explorer",
    "square_readout",
    "stepper_readout",
    "train_playground",
    "valley",
    "valley_descent",
    "valley_explorer",
    "weight_nudge_explorer",
    "weight_nudge_readout",
    "xor_network_explorer",
    "xor_network_readout",
]


def slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    *,
    readout_format: str = ".2f",
    continuous_update: bool = True,
    description_width: str = "initial",
) -> widgets.FloatSlider:
    """A FloatSlider with the course's look: wide, labelled, two decimals.

    Give sliders that are shown together the same ``description_width`` (such
    as "130px") so that their tracks line up.
    """
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        style={"description_width": description_width},
        layout=widgets.Layout(width="420px"),
    )


def show_figure(figure: Figure, image: widgets.Image) -> None:
    """Draw ``figure`` into ``image`` as PNG. The first call lays the figure out;
    later redraws keep that layout, which makes them about 3x faster."""
    image.value = figure_png(figure)
    figure.set_layout_engine(None)


def int_slider(description: str, value: int, min: int, max: int) -> widgets.IntSlider:
    """An IntSlider with the course's look (for counts: steps, units, nodes)."""
    return widgets.IntSlider(
        value=value,
        min=min,
        max=max,
        step=1,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


class Explorer:
    """Sliders, a readout and (optionally) a figure, wired to a pure function.

    ``compute(**slider_values)`` returns a result (any object); ``render(result)``
    turns it into the HTML shown under the sliders; ``draw(result)``, when a
    ``figure`` is given, updates that figure's artists in place, and the
    explorer shows the figure as a PNG image. Moving any slider runs all of
    them again; ``result`` always holds the latest result.
    """

    def __init__(
        self,
        sliders: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., object],
        render: Callable[[object], str] | None = None,
        *,
        figure: Figure | None = None,
        draw: Callable[[object], None] | None = None,
        title: str = "",
    ):
        self.sliders = dict(sliders)
        self.compute = compute
        self.render = render
        self.figure = figure
        self.draw = draw
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png") if figure is not None else None
        self.result: object = None
        controls: list[widgets.Widget] = []
        if title:
            controls.append(widgets.HTML(f"<b>{title}</b>"))
        controls += [*self.sliders.values(), self.readout]
        if self.image is not None:
            self.image.layout = widgets.Layout(max_width=f"{int(figure.get_figwidth() * 96)}px")
            self.widget = widgets.VBox([widgets.VBox(controls), self.image])
        else:
            self.widget = widgets.VBox(controls)
        for s in self.sliders.values():
            s.observe(self._changed, names="value")
        self.update()

    def values(self) -> dict[str, object]:
        """The sliders' current values, by name."""
        return {name: s.value for name, s in self.sliders.items()}

    def update(self) -> None:
        """Recompute from the sliders and refresh what is shown."""
        self.result = self.compute(**self.values())
        if self.render is not None:
            self.readout.value = self.render(self.result)
        if self.figure is not None:
            if self.draw is not None:
                self.draw(self.result)
            show_figure(self.figure, self.image)

    def _changed(self, _change) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def log_slider(description: str, value: float, min_exp: float, max_exp: float, step=0.05):
    """A slider that moves in powers of ten, for step sizes like h = 10⁻⁸ … 1."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=step,
        description=description,
        readout_format=".1e",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


def dropdown(description: str, options, value=None):
    """A labelled drop-down list."""
    return widgets.Dropdown(
        options=options,
        value=value if value is not None else next(iter(options)),
        description=description,
        style={"description_width": "initial"},
    )


# ----------------------------------------------------------------- chapter 00


def square_readout(x: float) -> dict[str, float]:
    """f(x) = x² and its slope 2x at the point x (chapter 00's warm-up)."""
    return {"x": x, "y": x * x, "slope": 2 * x}


def square_explorer(x: float = 1.5) -> Explorer:
    """A slider for x, with f(x) = x² and the slope 2x read out as it moves."""
    return Explorer(
        {"x": slider("x", x, -3.0, 3.0, 0.1)},
        square_readout,
        lambda r: (
            f"<span style='font-size:1.2em'>x = {r['x']:.2f} &nbsp;→&nbsp; "
            f"f(x) = x² = <b>{r['y']:.2f}</b>, &nbsp; slope 2x = <b>{r['slope']:.2f}</b></span>"
        ),
        title="Move the slider: f(x) = x²",
    )


# ----------------------------------------------------------------- chapter 01

#: Functions the chapter 01 explorers offer, each with its exact derivative.
FUNCTIONS = {
    "x²": (np.square, lambda x: 2 * x),
    "x³": (lambda x: x**3, lambda x: 3 * x**2),
    "sin(x)": (np.sin, np.cos),
    "eˣ": (np.exp, np.exp),
}


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
        [], [], color=COLORS["vermillion"], lw=1.8, label="secant through x and x + h"
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
        "x": slider("x", x, -2.0, 2.0, 0.05),
        "h": log_slider("h", h, -4, 0.3),
    }
    return Explorer(
        sliders,
        secant_readout,
        lambda r: (
            f"(f(x + h) - f(x)) / h = <b>{r['secant']:.6f}</b> &nbsp; "
            f"true derivative f'(x) = <b>{r['derivative']:.6f}</b> &nbsp; "
            f"error {r['secant_error']:+.2e}"
        ),
        figure=fig,
        draw=draw,
        title="Shrink h: the secant turns into the tangent",
    )


_HS = np.logspace(-16, 0, 161)


def difference_errors(function: str, x: float, h: float) -> dict:
    """Errors of the forward and central quotients over h = 1e-16 … 1, and at ``h``.

    Also the h (on that grid) where each error is smallest: the bottom of the U.
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
    }


def error_explorer(function: str = "sin(x)", x: float = 1.0, h: float = 1e-3) -> Explorer:
    """The U-shaped error of difference quotients against h, on log-log axes."""
    fig, ax = new_figure(6.4, 4.0)
    tiny = 1e-18  # an error of exactly 0 cannot sit on a log axis; draw it at the floor
    (fwd_line,) = ax.loglog(
        [], [], color=COLORS["vermillion"], label="forward  (f(x+h) - f(x)) / h"
    )
    (cen_line,) = ax.loglog([], [], color=COLORS["blue"], label="central  (f(x+h) - f(x-h)) / 2h")
    (fwd_dot,) = ax.loglog([], [], "o", color=COLORS["vermillion"], ms=7)
    (cen_dot,) = ax.loglog([], [], "s", color=COLORS["blue"], ms=7)
    marker = ax.axvline(h, color=COLORS["grey"], lw=1, ls=":")
    ax.set(xlim=(1e-16, 1), ylim=(1e-17, 10), xlabel="step h", ylabel="|error| of the slope")
    powers = FuncFormatter(lambda v, _: f"1e{round(np.log10(v))}")  # plain text: fast to draw
    ax.xaxis.set_major_formatter(powers)
    ax.yaxis.set_major_formatter(powers)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())
    ax.legend(loc="upper center", fontsize=8)

    def draw(r):
        fwd_line.set_data(r["hs"], np.maximum(r["forward"], tiny))
        cen_line.set_data(r["hs"], np.maximum(r["central"], tiny))
        fwd_dot.set_data([r["h"]], [max(r["forward_at_h"], tiny)])
        cen_dot.set_data([r["h"]], [max(r["central_at_h"], tiny)])
        marker.set_xdata([r["h"], r["h"]])
        name, x0 = sliders["function"].value, sliders["x"].value
        ax.set_title(f"Error of the numerical derivative of {name} at x = {x0:g}", fontsize=10)

    sliders = {
        "function": dropdown("function", list(FUNCTIONS), function),
        "x": slider("x", x, -2.0, 2.0, 0.05),
        "h": log_slider("h", h, -16, 0, step=0.1),
    }
    return Explorer(
        sliders,
        difference_errors,
        lambda r: (
            f"at h = {r['h']:.1e}: forward error <b>{r['forward_at_h']:.1e}</b>, "
            f"central error <b>{r['central_at_h']:.1e}</b><br>"
            f"smallest error at h ≈ {r['best_forward_h']:.0e} (forward), "
            f"{r['best_central_h']:.0e} (central)"
        ),
        figure=fig,
        draw=draw,
        title="Too big an h bends the slope; too small an h drowns it in round-off",
    )


# ----------------------------------------------------------------- chapter 02

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


# ----------------------------------------------------------------- chapter 03

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
    fig, ax = new_figure(6.8, 4.8)
    grid = np.linspace(-0.5, 1.5, 161)
    gx, gy = np.meshgrid(grid, grid)
    shade = ax.imshow(
        np.zeros_like(gx), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", cmap="Blues",
        vmin=0, vmax=3, alpha=0.5, interpolation="nearest",
    )  # fmt: skip
    (line,) = ax.plot([], [], color=COLORS["black"], lw=2, label="decision line z = 0")
    zero = ax.scatter(
        [], [], marker="o", s=90, color=COLORS["orange"], edgecolor="k", label="class 0"
    )
    one = ax.scatter(
        [], [], marker="^", s=110, color=COLORS["blue"], edgecolor="k", label="class 1"
    )
    wrong = ax.scatter([], [], marker="o", s=380, facecolor="none", edgecolor=COLORS["vermillion"],
                       lw=2, label="misclassified")  # fmt: skip
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="input x1", ylabel="input x2")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)

    def draw(r):
        X, y = NEURON_DATASETS[sliders["dataset"].value]
        w1_, w2_, b_ = r["weights"]
        shade.set_data((w1_ * gx + w2_ * gy + b_ > 0).astype(float))
        pts = _boundary_points(w1_, w2_, b_)
        line.set_data(*(pts if pts is not None else ([], [])))
        zero.set_offsets(X[y == 0])
        one.set_offsets(X[y == 1])
        miss = X[r["predicted"] != y]
        wrong.set_offsets(miss if len(miss) else np.empty((0, 2)))
        ax.set_title(
            f"{sliders['dataset'].value}: {r['correct']} of {r['total']} right "
            "(shaded side: z > 0, class 1)",
            fontsize=10,
        )

    sliders = {
        "dataset": dropdown("points", list(NEURON_DATASETS), dataset),
        "w1": slider("w1", w1, -3.0, 3.0, 0.1),
        "w2": slider("w2", w2, -3.0, 3.0, 0.1),
        "b": slider("b", b, -3.0, 3.0, 0.05),
    }
    return Explorer(
        sliders,
        neuron_readout,
        lambda r: (
            f"z = {r['weights'][0]:.2f}·x1 + {r['weights'][1]:.2f}·x2 + {r['weights'][2]:.2f}"
            f" &nbsp; → &nbsp; <b>{r['correct']} of {r['total']}</b> classified right"
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


def single_neuron_explorer(
    activation: str = "ReLU", w: float = 2.0, b: float = 1.0, x: float = 3.0
):
    """Sliders for one input x, its weight w and the bias b: z = w·x + b, then the activation."""
    fig, ax = new_figure(6.0, 3.6)
    xs = np.linspace(-5, 5, 201)
    (curve,) = ax.plot([], [], color=COLORS["blue"], lw=2, label="a = activation(w·x + b)")
    (dot,) = ax.plot([], [], "o", color=COLORS["vermillion"], ms=8, label="your x")
    ax.axhline(0, color=COLORS["grey"], lw=0.8)
    ax.set(xlim=(-5, 5), xlabel="input x", ylabel="output a")
    ax.legend(fontsize=8, loc="upper left")

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
        "w": slider("w", w, -3.0, 3.0, 0.1),
        "b": slider("b", b, -5.0, 5.0, 0.1),
        "x": slider("x", x, -5.0, 5.0, 0.1),
    }
    return Explorer(
        sliders,
        single_neuron_readout,
        lambda r: (
            f"z = w·x + b = {r['w']:.2f}·{r['x']:.2f} + {r['b']:.2f} = <b>{r['z']:.3f}</b>"
            f" &nbsp; → &nbsp; a = <b>{r['a']:.3f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="A neuron with one input",
    )


def _value_slope_table(items: dict, first: str, value: str, slope: str, fmt: str = ".4f") -> str:
    """An HTML table with one row per name: its value and its slope."""
    rows = "".join(
        f"<tr><td>{name}</td><td>{v:{fmt}}</td><td>{s:{fmt}}</td></tr>"
        for name, (v, s) in items.items()
    )
    return (
        f"<table cellpadding='3'><tr><th>{first}</th><th>{value}</th><th>{slope}</th></tr>"
        f"{rows}</table>"
    )


# ----------------------------------------------------------------- chapter 04

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


def activation_explorer(z: float = 0.5) -> Explorer:
    """A slider over z: every activation's value (solid) and slope (dashed) read off at z."""
    fig, axes = new_figure(11.0, 2.9, ncols=5)
    zs = np.linspace(-5, 5, 401)
    markers = []
    for ax, (name, (f, df)) in zip(axes, ACTIVATION_FUNCTIONS.items(), strict=True):
        ax.plot(zs, f(zs), color=COLORS["blue"], lw=2, label="value")
        ax.plot(zs, df(zs), color=COLORS["orange"], lw=1.5, ls="--", label="slope")
        (value_dot,) = ax.plot([], [], "o", color=COLORS["blue"], ms=7)
        (slope_dot,) = ax.plot([], [], "s", color=COLORS["orange"], ms=6)
        line = ax.axvline(z, color=COLORS["grey"], lw=1, ls=":")
        markers.append((value_dot, slope_dot, line))
        ax.set(xlim=(-5, 5), ylim=(-1.5, 3.0), xlabel="z", title=name)
    axes[0].set_ylabel("activation(z) and its slope")
    axes[0].legend(fontsize=7, loc="upper left")

    def draw(r):
        for (value_dot, slope_dot, line), (value, slope) in zip(markers, r.values(), strict=True):
            value_dot.set_data([zslider.value], [value])
            slope_dot.set_data([zslider.value], [slope])
            line.set_xdata([zslider.value, zslider.value])

    def render(r):
        return _value_slope_table(r, "activation", "value at z", "slope at z")

    zslider = slider("z", z, -5.0, 5.0, 0.1)
    return Explorer(
        {"z": zslider},
        activation_readout,
        render,
        figure=fig,
        draw=draw,
        title="Slide z: where does each activation flatten out (slope near 0)?",
    )


def softmax_readout(temperature: float, s1: float, s2: float, s3: float) -> dict:
    """Softmax of three scores at a temperature, with the largest probability."""
    probs = F.softmax(np.array([s1, s2, s3]), temperature=temperature)
    return {"scores": (s1, s2, s3), "temperature": temperature, "probs": probs}


def softmax_explorer(temperature: float = 1.0, scores=(2.0, 1.0, 0.1)) -> Explorer:
    """Sliders for three scores and the temperature; bars show the softmax probabilities."""
    fig, ax = new_figure(5.6, 3.6)
    labels = ["class A", "class B", "class C"]
    bars = ax.bar(labels, [1 / 3] * 3, color=[COLORS["blue"], COLORS["orange"], COLORS["green"]])
    texts = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
    ax.axhline(1 / 3, color=COLORS["grey"], lw=1, ls=":", label="uniform (1/3 each)")
    ax.set(ylim=(0, 1.1), ylabel="probability")
    ax.legend(fontsize=8, loc="upper right")

    def draw(r):
        for bar, text, p in zip(bars, texts, r["probs"], strict=True):
            bar.set_height(p)
            text.set_position((bar.get_x() + bar.get_width() / 2, p + 0.01))
            text.set_text(f"{p:.3f}")
        ax.set_title(f"softmax(scores / T) with T = {r['temperature']:.2f}", fontsize=10)

    sliders = {
        "temperature": log_slider("temperature T", temperature, -1, 1),
        "s1": slider("score A", scores[0], -3.0, 3.0, 0.1),
        "s2": slider("score B", scores[1], -3.0, 3.0, 0.1),
        "s3": slider("score C", scores[2], -3.0, 3.0, 0.1),
    }
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
    )


# ----------------------------------------------------------------- chapter 05

#: Output layer of chapter 05's XOR network: y = h1 - 2·h2, class 1 when y > 0.5.
XOR_OUTPUT = (1.0, -2.0, 0.0)


def xor_network_readout(w11, w12, b1, w21, w22, b2) -> dict:
    """Run the four XOR inputs through a 2-2-1 ReLU network with these hidden weights.

    h = ReLU(W x + b) with W = [[w11, w12], [w21, w22]], b = [b1, b2];
    y = 1·h1 - 2·h2; class 1 when y > 0.5.
    """
    W = np.array([[w11, w12], [w21, w22]])
    b = np.array([b1, b2])
    hidden = np.maximum(XOR_INPUTS @ W.T + b, 0.0)
    v1, v2, c = XOR_OUTPUT
    y = hidden @ np.array([v1, v2]) + c
    predicted = (y > 0.5).astype(int)
    return {
        "W": W,
        "b": b,
        "hidden": hidden,
        "output": y,
        "predicted": predicted,
        "correct": int(np.sum(predicted == XOR_TARGETS)),
    }


def xor_network_explorer() -> Explorer:
    """Hidden-layer sliders for a 2-2-1 XOR network: the input plane, and the same points
    after the hidden layer, where the output's line must separate them."""
    fig, (ax_in, ax_hid) = new_figure(10.0, 4.4, ncols=2)
    grid = np.linspace(-0.5, 1.5, 121)
    gx, gy = np.meshgrid(grid, grid)
    plane = np.c_[gx.ravel(), gy.ravel()]
    shade = ax_in.imshow(
        np.zeros_like(gx), extent=(-0.5, 1.5, -0.5, 1.5), origin="lower", cmap="Blues",
        vmin=0, vmax=3, alpha=0.5, interpolation="nearest",
    )  # fmt: skip
    colours = [COLORS["orange"] if t == 0 else COLORS["blue"] for t in XOR_TARGETS]
    shapes = ["o" if t == 0 else "^" for t in XOR_TARGETS]
    for (x1, x2), col, mk in zip(XOR_INPUTS, colours, shapes, strict=True):
        ax_in.plot(x1, x2, mk, color=col, ms=12, mec="k")
    moved = [
        ax_hid.plot([], [], mk, color=col, ms=12, mec="k")[0]
        for col, mk in zip(colours, shapes, strict=True)
    ]
    labels = [ax_hid.text(0, 0, f"({x1:g},{x2:g})", fontsize=8) for x1, x2 in XOR_INPUTS]
    hs = np.linspace(-0.5, 3.5, 2)
    ax_hid.plot(
        hs, (0.5 - hs) / -2.0, color=COLORS["black"], lw=2, label="output line h1 - 2·h2 = 0.5"
    )
    ax_hid.fill_between(
        hs, (0.5 - hs) / -2.0, -0.5, color=COLORS["sky"], alpha=0.35, label="class 1 side"
    )
    ax_in.set(
        xlim=(-0.5, 1.5),
        ylim=(-0.5, 1.5),
        xlabel="x1",
        ylabel="x2",
        title="input space (shaded: class 1)",
    )
    ax_hid.set(xlim=(-0.5, 3.5), ylim=(-0.5, 3.5), xlabel="h1", ylabel="h2")
    ax_hid.legend(fontsize=8, loc="upper left")
    for ax in (ax_in, ax_hid):
        ax.set_aspect("equal")

    def draw(r):
        h = np.maximum(plane @ r["W"].T + r["b"], 0.0)
        y = h @ np.array(XOR_OUTPUT[:2]) + XOR_OUTPUT[2]
        shade.set_data((y > 0.5).reshape(gx.shape).astype(float))
        for i, (marker, label, (h1, h2)) in enumerate(
            zip(moved, labels, r["hidden"], strict=True)
        ):
            marker.set_data([h1], [h2])
            same_spot = sum(np.allclose(r["hidden"][j], (h1, h2)) for j in range(i))
            label.set_position((h1 + 0.1, h2 + 0.08 + 0.22 * same_spot))  # stack coinciding labels
        ax_hid.set_title(f"hidden space: {r['correct']} of 4 on the right side", fontsize=10)

    sliders = {
        "w11": slider("h1: weight of x1", 1.0, -2.0, 2.0, 0.1, description_width="130px"),
        "w12": slider("h1: weight of x2", 1.0, -2.0, 2.0, 0.1, description_width="130px"),
        "b1": slider("h1: bias", 0.0, -2.0, 2.0, 0.1, description_width="130px"),
        "w21": slider("h2: weight of x1", 1.0, -2.0, 2.0, 0.1, description_width="130px"),
        "w22": slider("h2: weight of x2", 1.0, -2.0, 2.0, 0.1, description_width="130px"),
        "b2": slider("h2: bias", -1.0, -2.0, 2.0, 0.1, description_width="130px"),
    }

    def render(r):
        rows = "".join(
            f"<tr><td>({x1:g}, {x2:g})</td><td>({h1:.2f}, {h2:.2f})</td><td>{y:.2f}</td>"
            f"<td>{p}</td><td>{t}</td></tr>"
            for (x1, x2), (h1, h2), y, p, t in zip(
                XOR_INPUTS, r["hidden"], r["output"], r["predicted"], XOR_TARGETS, strict=True
            )
        )
        return (
            "<table cellpadding='3'><tr><th>input</th><th>hidden (h1, h2)</th><th>output y</th>"
            f"<th>class</th><th>XOR</th></tr>{rows}</table><b>{r['correct']} of 4 right</b>"
        )

    return Explorer(
        sliders,
        xor_network_readout,
        render,
        figure=fig,
        draw=draw,
        title="The hidden layer moves the points until one line separates them",
    )


def _target_curve(x):
    return np.sin(2.0 * x) + 0.3 * x


def approximate(units: int) -> dict:
    """Fit the target curve on [-3, 3] with ``units`` ReLU units and a linear output.

    Each unit is ReLU(x - kᵢ) with its kink kᵢ spread evenly over the interval;
    the output weights (and a bias and slope) are chosen by least squares.
    Returns the grid, the target, the fit and the errors.
    """
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ValueError(f"units must be a positive integer, got {units!r}")
    xs = np.linspace(-3.0, 3.0, 301)
    kinks = np.linspace(-3.0, 3.0, units + 2)[1:-1]
    features = np.c_[np.ones_like(xs), xs, np.maximum(xs[:, None] - kinks[None, :], 0.0)]
    coef, *_ = np.linalg.lstsq(features, _target_curve(xs), rcond=None)
    fit = features @ coef
    target = _target_curve(xs)
    return {
        "xs": xs,
        "target": target,
        "fit": fit,
        "kinks": kinks,
        "max_error": float(np.max(np.abs(fit - target))),
        "mse": float(np.mean((fit - target) ** 2)),
    }


def approximation_explorer(units: int = 3) -> Explorer:
    """A slider for the number of ReLU units: more units, a closer bent-line fit."""
    fig, ax = new_figure(6.4, 3.8)
    (target,) = ax.plot(
        [], [], color=COLORS["grey"], lw=4, alpha=0.6, label="target sin(2x) + 0.3x"
    )
    (fit,) = ax.plot([], [], color=COLORS["vermillion"], lw=2, label="network with ReLU units")
    (kinks,) = ax.plot(
        [], [], "|", color=COLORS["blue"], ms=12, mew=2, label="kinks (one per unit)"
    )
    ax.set(xlim=(-3, 3), ylim=(-2.2, 2.2), xlabel="x", ylabel="y")
    ax.legend(fontsize=8, loc="upper left")

    def draw(r):
        target.set_data(r["xs"], r["target"])
        fit.set_data(r["xs"], r["fit"])
        kinks.set_data(r["kinks"], np.interp(r["kinks"], r["xs"], r["fit"]))
        ax.set_title(
            f"{len(r['kinks'])} ReLU units: largest error {r['max_error']:.3f}", fontsize=10
        )

    units_slider = int_slider("hidden units", units, 1, 40)
    return Explorer(
        {"units": units_slider},
        approximate,
        lambda r: f"largest error <b>{r['max_error']:.4f}</b>, mean squared error {r['mse']:.2e}",
        figure=fig,
        draw=draw,
        title="Universal approximation: enough bends fit any smooth curve",
    )


# ----------------------------------------------------------------- chapter 06


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
    fig, ax = new_figure(6.4, 4.0)
    ps = np.linspace(0.001, 0.999, 400)
    colours = [COLORS["blue"], COLORS["orange"], COLORS["green"]]
    curves, dots = [], []
    for name, colour in zip(
        ("binary cross-entropy", "squared error", "absolute error"), colours, strict=True
    ):
        curves.append(ax.plot([], [], color=colour, lw=2, label=name)[0])
        dots.append(ax.plot([], [], "o", color=colour, ms=8)[0])
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
        return _value_slope_table(r["losses"], "loss", "value", "slope d/dp", "+.4f")

    sliders = {
        "p": slider("prediction p", p, 0.001, 0.999, 0.001, readout_format=".3f"),
        "target": dropdown("true class", [1, 0], target),
    }
    return Explorer(
        sliders,
        loss_readout,
        render,
        figure=fig,
        draw=draw,
        title="How each loss punishes a prediction",
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
    fig, ax = new_figure(6.4, 4.0)
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
        return _value_slope_table(r["losses"], "loss", "value", "slope", "+.3f")

    sliders = {
        "delta": slider("δ (delta)", delta, 0.1, 3.0, 0.1),
        "residual": slider("residual r", residual, -4.0, 4.0, 0.1),
    }
    return Explorer(
        sliders,
        huber_readout,
        render,
        figure=fig,
        draw=draw,
        title="Huber: squared for small errors, absolute for large",
    )


# ----------------------------------------------------------------- chapter 07

#: Chapter 07's worked example: one ReLU neuron and a squared error.
NEURON_EXAMPLE = {"x": 2.0, "w": 3.0, "b": 1.0, "target": 15.0}


def neuron_graph(x=2.0, w=3.0, b=1.0, target=15.0):
    """L = (ReLU(w·x + b) - target)² as labelled Values; returns (L, the Values by name)."""
    vx, vw, vb = Value(x, "x"), Value(w, "w"), Value(b, "b")
    wx = vw * vx
    wx.label = "w·x"
    z = wx + vb
    z.label = "z"
    a = z.relu()
    a.label = "a"
    err = a - Value(target, "target")
    err.label = "a - target"
    L = err**2
    L.label = "L"
    return L, {"x": vx, "w": vw, "b": vb, "w·x": wx, "z": z, "a": a, "a - target": err, "L": L}


def stepper_readout(step: int) -> dict:
    """Backpropagation of the worked neuron, shown up to ``step`` nodes.

    Nodes are revealed in reverse topological order (L first). Returns the
    order, the labels revealed, the DOT text with the other gradients hidden,
    and a sentence explaining the node revealed last.
    """
    L, _ = neuron_graph()
    L.backward()
    order = list(reversed(L.topological_order()))
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= len(order):
        raise ValueError(f"step must be an integer from 0 to {len(order)}, got {step!r}")
    revealed = order[:step]
    if step == 0:
        text = "Press → to start: L is where backpropagation begins."
    else:
        node = revealed[-1]
        name = node.label or f"the constant {node.data:g}"
        if node is L:
            text = "dL/dL = 1: nudging L by ε moves L by ε."
        else:
            terms = []
            for consumer in order[: order.index(node)]:
                for child, local in ((consumer._a, consumer._da), (consumer._b, consumer._db)):
                    if child is node:
                        terms.append(
                            f"dL/d({consumer.label}) × d({consumer.label})/d({name}) "
                            f"= {consumer.grad:g} × {local:g}"
                        )
            text = f"dL/d({name}) = " + " + ".join(terms) + f" = <b>{node.grad:g}</b>"
    dot = to_dot(L, show_grad=revealed, highlight=revealed[-1:], rankdir="TB")
    return {
        "order": [n.label or f"{n.data:g}" for n in order],
        "revealed": [n.label or f"{n.data:g}" for n in revealed],
        "explanation": text,
        "dot": dot,
    }


def _fit_width(svg: str) -> str:
    """Let an SVG shrink to the width of the notebook instead of being cut off."""
    head, sep, rest = svg.partition("<svg")
    tag, close, body = rest.partition(">")
    tag = re.sub(r'\sheight="[^"]*"', "", tag)  # keep the width as a maximum, scale down to fit
    return f'{head}{sep}{tag} style="max-width: 100%; height: auto"{close}{body}'


def backprop_stepper() -> Explorer:
    """Step through backpropagation of L = (ReLU(w·x + b) - 15)², one node at a time."""
    n_nodes = len(neuron_graph()[0].topological_order())
    step = int_slider("nodes done", 0, 0, n_nodes)
    return Explorer(
        {"step": step},
        stepper_readout,
        lambda r: f"<p>{r['explanation']}</p>{_fit_width(render_svg(r['dot']))}",
        title="Backpropagation, node by node from the output L at the bottom (thick: just done)",
    )


def weight_nudge_readout(dw: float) -> dict:
    """Nudge the worked neuron's weight by dw: the gradient's prediction against the truth."""
    L, v = neuron_graph()
    L.backward()
    new_L = neuron_graph(w=NEURON_EXAMPLE["w"] + dw)[0].data
    return {
        "dw": dw,
        "L": L.data,
        "grad": v["w"].grad,
        "predicted_change": v["w"].grad * dw,
        "actual_change": new_L - L.data,
        "new_L": new_L,
    }


def weight_nudge_explorer(dw: float = 0.1) -> Explorer:
    """Nudge the weight w: the predicted change (gradient × Δw) next to the actual change in L."""
    fig, ax = new_figure(6.4, 3.8)
    w0 = NEURON_EXAMPLE["w"]
    ws = np.linspace(w0 - 2, w0 + 2, 200)
    curve = [neuron_graph(w=float(w))[0].data for w in ws]
    ax.plot(ws, curve, color=COLORS["blue"], lw=2, label="L(w)")
    (tangent,) = ax.plot(
        [], [], color=COLORS["black"], ls="--", lw=1.2, label="tangent: L + gradient·Δw"
    )
    (actual,) = ax.plot([], [], "o", color=COLORS["blue"], ms=8, label="actual L after the nudge")
    (predicted,) = ax.plot(
        [], [], "s", color=COLORS["vermillion"], ms=7, label="predicted by the gradient"
    )
    ax.plot([w0], [neuron_graph()[0].data], "o", color=COLORS["black"], ms=6)
    ax.set(xlim=(w0 - 2, w0 + 2), ylim=(0, 200), xlabel="weight w", ylabel="loss L")
    ax.legend(fontsize=8, loc="upper right")

    def draw(r):
        tangent.set_data(ws, r["L"] + r["grad"] * (ws - w0))
        actual.set_data([w0 + r["dw"]], [r["new_L"]])
        predicted.set_data([w0 + r["dw"]], [r["L"] + r["predicted_change"]])
        ax.set_title(
            f"Δw = {r['dw']:+.2f}: predicted {r['predicted_change']:+.2f}, "
            f"actual {r['actual_change']:+.2f}",
            fontsize=10,
        )

    return Explorer(
        {"dw": slider("nudge Δw", dw, -1.5, 1.5, 0.01)},
        weight_nudge_readout,
        lambda r: (
            f"gradient dL/dw = {r['grad']:g} &nbsp; predicted change "
            f"{r['grad']:g} × {r['dw']:+.2f} = <b>{r['predicted_change']:+.3f}</b> &nbsp; "
            f"actual change <b>{r['actual_change']:+.3f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="The gradient predicts small nudges well, and big ones less so",
    )


# ----------------------------------------------------------------- chapter 08


def bowl_descent(lr: float, steps: int, start: float = 0.0) -> dict:
    """Gradient descent on f(x) = (x + 2)² from ``start``: the path of x and f(x).

    Each step is x ← x - lr·2(x + 2), so the distance to the minimum -2 is
    multiplied by (1 - 2·lr) every step: it shrinks for 0 < lr < 1,
    flips sign for lr > 0.5, stays the same size at lr = 1, and grows beyond.
    """
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    xs = [float(start)]
    for _ in range(int(steps)):
        x = xs[-1]
        xs.append(x - lr * 2 * (x + 2))
    xs = np.array(xs)
    return {"lr": lr, "xs": xs, "fs": (xs + 2) ** 2, "factor": 1 - 2 * lr}


def _describe_rate(lr: float) -> str:
    if lr < 0.05:
        return "too small: it crawls"
    if lr <= 0.5:
        return "converges without overshooting"
    if lr < 1:
        return "overshoots and zig-zags, but converges"
    if lr == 1:
        return "exactly at the edge: bounces between two points for ever"
    return "diverges: every step lands further away"


def bowl_explorer(lr: float = 0.1, steps: int = 10) -> Explorer:
    """Learning-rate and step sliders for gradient descent on the bowl (x + 2)², from x = 0."""
    fig, (ax, ax2) = new_figure(10.0, 3.8, ncols=2)
    grid = np.linspace(-6, 2, 300)
    ax.plot(grid, (grid + 2) ** 2, color=COLORS["blue"], lw=2, label="f(x) = (x + 2)²")
    (path,) = ax.plot([], [], "o-", color=COLORS["vermillion"], ms=5, lw=1, label="descent path")
    ax.set(xlim=(-6, 2), ylim=(-1, 20), xlabel="x", ylabel="f(x)")
    ax.legend(fontsize=8, loc="upper right")
    (curve,) = ax2.semilogy([], [], "o-", color=COLORS["vermillion"], ms=4)
    ax2.set(xlabel="step", ylabel="f(x) (log scale)", title="loss per step")

    def draw(r):
        path.set_data(r["xs"], r["fs"])
        steps_ = np.arange(len(r["fs"]))
        curve.set_data(steps_, np.maximum(r["fs"], 1e-30))
        ax2.set_xlim(0, max(1, len(steps_) - 1))
        ax2.set_ylim(
            max(1e-30, np.maximum(r["fs"], 1e-30).min() / 10), max(10.0, r["fs"].max() * 10)
        )
        ax.set_title(f"lr = {r['lr']:.3f}: {_describe_rate(r['lr'])}", fontsize=10)

    step_slider = int_slider("steps", steps, 0, 50)
    return Explorer(
        {
            "lr": slider("learning rate", lr, 0.005, 1.2, 0.005, readout_format=".3f"),
            "steps": step_slider,
        },
        bowl_descent,
        lambda r: (
            f"after {len(r['xs']) - 1} steps x = <b>{r['xs'][-1]:.4g}</b>, "
            f"f(x) = {r['fs'][-1]:.3g}; "
            f"each step multiplies the distance to -2 by 1 - 2·lr = <b>{r['factor']:+.3f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="Gradient descent on (x + 2)², starting at x = 0",
    )


def valley(x, y):
    """A long narrow valley: f(x, y) = x² + 10·y², minimum at the origin."""
    return x**2 + 10 * y**2


def valley_descent(lr: float, steps: int, start=(-4.0, 1.5)) -> dict:
    """Gradient descent on the valley x² + 10y²: the path and the loss per step."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    p = np.array(start, dtype=float)
    path = [p.copy()]
    for _ in range(int(steps)):
        p = p - lr * np.array([2 * p[0], 20 * p[1]])
        path.append(p.copy())
    path = np.array(path)
    return {"lr": lr, "path": path, "losses": valley(path[:, 0], path[:, 1])}


def valley_explorer(lr: float = 0.05, steps: int = 20) -> Explorer:
    """Learning-rate and step sliders on a 2-D loss surface, with the descent path drawn."""
    fig, ax = new_figure(6.4, 4.4)
    gx, gy = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2.5, 2.5, 200))
    cs = ax.contour(
        gx, gy, valley(gx, gy), levels=[0.5, 2, 5, 10, 20, 40, 60], cmap="viridis", linewidths=1
    )
    ax.clabel(cs, fontsize=7)
    (path,) = ax.plot([], [], "o-", color=COLORS["vermillion"], ms=4, lw=1.2, label="descent path")
    ax.plot([0], [0], "*", color=COLORS["black"], ms=12, label="minimum")
    ax.set(xlim=(-5, 5), ylim=(-2.5, 2.5), xlabel="x", ylabel="y")
    ax.legend(fontsize=8, loc="upper right")

    def draw(r):
        path.set_data(r["path"][:, 0], r["path"][:, 1])
        ax.set_title(
            f"x² + 10y², lr = {r['lr']:.3f}: loss {r['losses'][-1]:.3g} "
            f"after {len(r['losses']) - 1} steps",
            fontsize=10,
        )

    step_slider = int_slider("steps", steps, 0, 100)
    return Explorer(
        {
            "lr": slider("learning rate", lr, 0.005, 0.11, 0.001, readout_format=".3f"),
            "steps": step_slider,
        },
        valley_descent,
        lambda r: (
            f"loss {r['losses'][0]:.3g} → <b>{r['losses'][-1]:.3g}</b>. The steep y direction "
            "limits the rate: above lr = 0.1 the path zig-zags out of the valley."
        ),
        figure=fig,
        draw=draw,
        title="A narrow valley: one rate must suit both directions",
    )


PLAYGROUND_DATA = ("moons", "spirals", "xor", "blobs")
PLAYGROUND_ACTIVATIONS = {"tanh": nn.Tanh, "ReLU": nn.ReLU, "sigmoid": nn.Sigmoid}


def make_playground(
    dataset="moons", noise=0.15, hidden=8, activation="tanh", lr=0.3, seed=0
) -> dict:
    """A fresh playground: data, a 2-hidden-layer network and its optimiser (SGD, momentum 0.9)."""
    if dataset not in PLAYGROUND_DATA:
        raise ValueError(f"dataset must be one of {PLAYGROUND_DATA}, got {dataset!r}")
    if activation not in PLAYGROUND_ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {list(PLAYGROUND_ACTIVATIONS)}, got {activation!r}"
        )
    makers = {
        "moons": lambda: make_moons(200, noise=noise, rng=seed),
        "spirals": lambda: make_spirals(300, 2, noise=noise + 0.05, rng=seed),
        "xor": lambda: make_xor(200, noise=noise / 2, rng=seed),
        "blobs": lambda: make_blobs(200, 3, cluster_std=0.6 + 3 * noise, rng=seed),
    }
    X, y = makers[dataset]()
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # centred and scaled, so one rate suits all sets
    classes = int(y.max()) + 1
    act = PLAYGROUND_ACTIVATIONS[activation]
    model = nn.Sequential(
        nn.Linear(2, hidden, rng=seed + 1), act(), nn.Linear(hidden, hidden, rng=seed + 2), act(),
        nn.Linear(hidden, classes, rng=seed + 3),
    )  # fmt: skip
    return {
        "X": X,
        "y": y,
        "model": model,
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": optim.SGD(model.parameters(), lr=lr, momentum=0.9),
        "losses": [],
        "epoch": 0,
    }


def train_playground(state: dict, steps: int = 20) -> dict:
    """Run ``steps`` full-batch training steps; append the losses; return the state."""
    X, y, model, loss_fn, opt = (state[k] for k in ("X", "y", "model", "loss_fn", "optimizer"))
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
        state["losses"].append(loss)
        state["epoch"] += 1
    return state


def playground_accuracy(state: dict) -> float:
    return float(np.mean(state["model"](state["X"]).argmax(axis=1) == state["y"]))


class Playground:
    """Choose a data set, noise, hidden units, activation and learning rate; press play.

    Every tick of the play button trains 20 full-batch steps and redraws the
    loss curve and the decision regions. Changing any setting starts afresh.
    ``tick()`` does what one press of play does (the tests call it).
    """

    STEPS_PER_TICK = 20

    def __init__(self, dataset="moons", noise=0.15, hidden=8, activation="tanh", lr=0.3):
        self.sliders = {
            "dataset": dropdown("data", list(PLAYGROUND_DATA), dataset),
            "noise": slider("noise", noise, 0.0, 0.5, 0.05),
            "hidden": int_slider("hidden units per layer", hidden, 1, 32),
            "activation": dropdown("activation", list(PLAYGROUND_ACTIVATIONS), activation),
            "lr": log_slider("learning rate", lr, -3, 0.5),
        }  # fmt: skip
        self.play = widgets.Play(
            value=0, min=0, max=10**6, step=1, interval=300, description="train"
        )
        self.reset_button = widgets.Button(description="reset", icon="refresh")
        self.readout = widgets.HTML()
        self.figure, (self.ax, self.ax_loss) = new_figure(10.0, 4.2, ncols=2)
        self.image = widgets.Image(format="png")
        grid = np.linspace(-2.8, 2.8, 90)
        self._gx, self._gy = np.meshgrid(grid, grid)
        self._plane = np.c_[self._gx.ravel(), self._gy.ravel()]
        self._regions = self.ax.imshow(
            np.zeros_like(self._gx), extent=(-2.8, 2.8, -2.8, 2.8), origin="lower",
            cmap="coolwarm",
            vmin=0, vmax=2, alpha=0.35, interpolation="bilinear",
        )  # fmt: skip
        self._points = self.ax.scatter(
            [], [], s=14, c=[], cmap="coolwarm", vmin=0, vmax=2, edgecolors="k", linewidths=0.3
        )
        self.ax.set(xlim=(-2.8, 2.8), ylim=(-2.8, 2.8), xlabel="x1 (scaled)", ylabel="x2 (scaled)")
        (self._loss_line,) = self.ax_loss.semilogy([], [], color=COLORS["vermillion"], lw=2)
        self.ax_loss.set(xlabel="training step", ylabel="loss (log scale)")
        self.ax_loss.set_title("training loss", fontsize=10)
        for s in self.sliders.values():
            s.observe(lambda _change: self.reset(), names="value")
        self.play.observe(lambda _change: self.tick(), names="value")
        self.reset_button.on_click(lambda _b: self.reset())
        self.widget = widgets.VBox(
            [
                widgets.HTML("<b>Playground: train a small network and watch it learn</b>"),
                *self.sliders.values(),
                widgets.HBox([self.play, self.reset_button]),
                self.readout,
                self.image,
            ]
        )
        self.reset()

    def reset(self) -> None:
        """Start again from fresh weights with the current settings."""
        v = {name: s.value for name, s in self.sliders.items()}
        self.state = make_playground(
            v["dataset"], v["noise"], v["hidden"], v["activation"], v["lr"]
        )
        self._points.set_offsets(self.state["X"])
        classes = int(self.state["y"].max()) + 1
        self._points.set_array(
            self.state["y"] * (2 / max(1, classes - 1))
        )  # same colours as regions
        self._redraw()

    def tick(self) -> None:
        """Train STEPS_PER_TICK steps and redraw."""
        train_playground(self.state, self.STEPS_PER_TICK)
        self._redraw()

    def _redraw(self) -> None:
        model, losses = self.state["model"], self.state["losses"]
        probs = F.softmax(model(self._plane))
        classes = probs.shape[1]
        self._regions.set_data(
            (probs @ np.arange(classes) * (2 / max(1, classes - 1))).reshape(self._gx.shape)
        )
        if losses:
            self._loss_line.set_data(np.arange(1, len(losses) + 1), losses)
            self.ax_loss.set_xlim(1, max(2, len(losses)))
            finite = [v for v in losses if np.isfinite(v)] or [1.0]
            self.ax_loss.set_ylim(max(min(finite) / 2, 1e-4), max(max(finite) * 2, 1e-3))
        acc = playground_accuracy(self.state)
        self.ax.set_title(
            f"{self.sliders['dataset'].value}: step {self.state['epoch']}, accuracy {acc:.0%}",
            fontsize=10,
        )
        loss = f"{losses[-1]:.4f}" if losses else "not trained yet"
        self.readout.value = (
            f"step <b>{self.state['epoch']}</b> &nbsp; loss <b>{loss}</b> &nbsp; "
            f"accuracy <b>{acc:.1%}</b> &nbsp; (gradient descent with momentum 0.9, full batch)"
        )
        show_figure(self.figure, self.image)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground(**settings) -> Playground:
    """The chapter 08 playground (see ``Playground``)."""
    return Playground(**settings)
