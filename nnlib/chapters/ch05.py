"""Chapter 05 (The forward pass):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/05_*.ipynb``; it imports this module as ``ch05``.
"""

from __future__ import annotations

import numpy as np

from nnlib.data import XOR_INPUTS, XOR_TARGETS
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider

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
