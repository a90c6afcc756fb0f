"""Chapter 06 (Loss functions):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/06_*.ipynb``; it imports this module as ``ch06``.
"""

from __future__ import annotations

import numpy as np

from nnlib import functional as F
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, dropdown, slider, value_slope_table


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
        return value_slope_table(r["losses"], "loss", "value", "slope d/dp", "+.4f")

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
        return value_slope_table(r["losses"], "loss", "value", "slope", "+.3f")

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
