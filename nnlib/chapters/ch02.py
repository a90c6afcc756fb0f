"""Chapter 02 (Derivatives and gradients):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/02_*.ipynb``; it imports this module as ``ch02``.
"""

from __future__ import annotations

import math

import numpy as np

from nnlib.calculus import numerical_gradient
from nnlib.engine import Value
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
