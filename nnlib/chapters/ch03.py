"""Chapter 03 (The neuron):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/03_*.ipynb``; it imports this module as ``ch03``.
"""

from __future__ import annotations

import numpy as np

from nnlib import functional as F
from nnlib.data import XOR_INPUTS, XOR_TARGETS
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
