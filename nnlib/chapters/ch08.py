"""Chapter 08 (Gradient descent):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/08_*.ipynb``; it imports this module as ``ch08``.
"""

from __future__ import annotations

import numpy as np

from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider


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
