"""The figures chapters share, and the house style for all of them.

Chapter 01 introduces them. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common kinds of colour blindness; every figure
has a title, labelled axes and, with more than one line, a legend.

Figures made here are plain ``matplotlib.figure.Figure`` objects, not
registered with pyplot: a notebook shows one by leaving it as the last
expression of a cell (or with ``display(fig)``), and an explorer redraws one
in place without a second copy appearing.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "CourseFigure",
    "contour_with_gradients",
    "figure_png",
    "new_figure",
]

#: Okabe-Ito colours by name.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#777777",
    "black": "#000000",
}


class CourseFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG when it ends a cell."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def new_figure(width: float = 6.4, height: float = 4.0, ncols: int = 1, nrows: int = 1):
    """A figure and its axes (an array of them when there is more than one), in house style."""
    fig = CourseFigure(figsize=(width, height), dpi=96, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    for ax in np.atleast_1d(axes).ravel():
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def figure_png(fig: Figure) -> bytes:
    """The figure drawn as PNG bytes (what an explorer's image shows)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def contour_with_gradients(
    ax, f, grad, xlim=(-3.0, 3.0), ylim=(-3.0, 3.0), *, levels: int = 15, arrows: int = 9
):
    """Contours of f(x, y) with the gradient drawn as arrows on a grid.

    ``f`` and ``grad`` take arrays x, y; ``grad`` returns (df/dx, df/dy).
    Returns the contour set and the arrows, so that a caller can remove them.
    """
    xs, ys = np.linspace(*xlim, 200), np.linspace(*ylim, 200)
    X, Y = np.meshgrid(xs, ys)
    cs = ax.contour(X, Y, f(X, Y), levels=levels, cmap="viridis", linewidths=1)
    ax.clabel(cs, fontsize=7, fmt="%.3g")
    qx, qy = np.meshgrid(np.linspace(*xlim, arrows), np.linspace(*ylim, arrows))
    gx, gy = grad(qx, qy)
    arrows = ax.quiver(qx, qy, gx, gy, color=COLORS["grey"], angles="xy", width=0.004, alpha=0.8)
    ax.set_aspect("equal")
    return cs, arrows
