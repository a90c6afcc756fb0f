"""Chapter 04 (Activation functions):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/04_*.ipynb``; it imports this module as ``ch04``.
"""

from __future__ import annotations

import numpy as np

from nnlib import functional as F
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, log_slider, slider, value_slope_table

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
        return value_slope_table(r, "activation", "value at z", "slope at z")

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
