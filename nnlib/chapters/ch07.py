"""Chapter 07 (Backpropagation):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/07_*.ipynb``; it imports this module as ``ch07``.
"""

from __future__ import annotations

import re

import numpy as np

from nnlib.engine import Value
from nnlib.graph import render_svg, to_dot
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider

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
