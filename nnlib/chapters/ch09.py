"""Chapter 09 (Training a network in practice):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/09_*.ipynb``; it imports this module as ``ch09``.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from nnlib import functional as F
from nnlib import nn, optim
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
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.train import batches
from nnlib.widgets import Explorer, int_slider, log_slider, slider

# ------------------------------------------------------- optimisers on surfaces


def valley(x, y):
    """A long narrow valley: f(x, y) = x²/10 + 10·y², curvature 100 times larger across."""
    return x**2 / 10 + 10 * y**2


def valley_gradient(x, y):
    return np.array([x / 5, 20 * y])


def rosenbrock(x, y):
    """Rosenbrock's banana: f(x, y) = (1 - x)² + 100·(y - x²)², minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_gradient(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


#: Each surface: function, gradient, start, minimum, axes limits, contour levels,
#: number of steps, and learning rates that suit it (SGD, momentum, RMSprop, Adam).
SURFACES = {
    "valley": {
        "f": valley,
        "grad": valley_gradient,
        "start": (-4.5, 1.0),
        "minimum": (0.0, 0.0),
        "xlim": (-5.0, 1.5),
        "ylim": (-1.5, 1.5),
        "levels": [0.05, 0.2, 0.5, 1, 2, 4, 8, 14],
        "steps": 60,
        "lr": {"SGD": 0.09, "momentum": 0.02, "RMSprop": 0.1, "Adam": 0.2},
    },
    "rosenbrock": {
        "f": rosenbrock,
        "grad": rosenbrock_gradient,
        "start": (-1.2, 1.0),
        "minimum": (1.0, 1.0),
        "xlim": (-1.6, 1.6),
        "ylim": (-0.6, 1.8),
        "levels": [0.3, 1, 3, 10, 30, 100, 300],
        "steps": 500,
        "lr": {"SGD": 0.001, "momentum": 0.001, "RMSprop": 0.02, "Adam": 0.1},
    },
}

OPTIMISERS = ("SGD", "momentum", "RMSprop", "Adam")
_STYLE = {
    "SGD": (COLORS["grey"], "-", "o"),
    "momentum": (COLORS["blue"], "--", "s"),
    "RMSprop": (COLORS["green"], ":", "^"),
    "Adam": (COLORS["vermillion"], "-.", "D"),
}


def _surface(name: str) -> dict:
    if name not in SURFACES:
        raise ValueError(f"surface must be one of {list(SURFACES)}, got {name!r}")
    return SURFACES[name]


def descend(surface: str, make_optimizer, steps: int) -> np.ndarray:
    """The path of one nnlib optimiser on a surface: an array of (x, y), one row per step.

    ``make_optimizer(params)`` builds the optimiser. A path that leaves the
    picture by more than a factor 1e6 (it diverged) stops there.
    """
    s = _surface(surface)
    p = nn.Parameter(np.array(s["start"], dtype=float))
    opt = make_optimizer([p])
    path = [p.data.copy()]
    for _ in range(int(steps)):
        p.grad = s["grad"](*p.data)
        opt.step()
        path.append(p.data.copy())
        if not np.all(np.isfinite(p.data)) or np.abs(p.data).max() > 1e6:
            break
    return np.array(path)


def optimiser_paths(
    surface: str = "rosenbrock",
    sgd_lr: float | None = None,
    momentum_lr: float | None = None,
    beta: float = 0.9,
    rmsprop_lr: float | None = None,
    alpha: float = 0.99,
    adam_lr: float | None = None,
    beta1: float = 0.9,
    beta2: float = 0.999,
    steps: int | None = None,
) -> dict:
    """SGD, momentum, RMSprop and Adam from the same start on one surface.

    Learning rates left as None take the surface's own (``SURFACES[...]['lr']``).
    Returns the paths, the final loss of each, whether it diverged, and the
    settings used.
    """
    s = _surface(surface)
    lr = dict(s["lr"])
    for name, value in (
        ("SGD", sgd_lr),
        ("momentum", momentum_lr),
        ("RMSprop", rmsprop_lr),
        ("Adam", adam_lr),
    ):
        if value is not None:
            lr[name] = float(value)
    steps = s["steps"] if steps is None else int(steps)
    makers = {
        "SGD": lambda P: optim.SGD(P, lr=lr["SGD"]),
        "momentum": lambda P: optim.SGD(P, lr=lr["momentum"], momentum=beta),
        "RMSprop": lambda P: optim.RMSprop(P, lr=lr["RMSprop"], alpha=alpha),
        "Adam": lambda P: optim.Adam(P, lr=lr["Adam"], betas=(beta1, beta2)),
    }
    paths = {name: descend(surface, make, steps) for name, make in makers.items()}
    end = {name: p[-1] for name, p in paths.items()}
    with np.errstate(over="ignore", invalid="ignore"):
        losses = {name: float(s["f"](*e)) for name, e in end.items()}
    diverged = {
        name: len(p) < steps + 1 or not np.isfinite(losses[name]) for name, p in paths.items()
    }
    return {
        "surface": surface,
        "paths": paths,
        "loss": losses,
        "distance": {n: float(np.hypot(*(e - np.array(s["minimum"])))) for n, e in end.items()},
        "diverged": diverged,
        "lr": lr,
        "settings": {"beta": beta, "alpha": alpha, "beta1": beta1, "beta2": beta2},
        "steps": steps,
    }


def draw_surface(ax, surface: str) -> None:
    """Contours of a surface (log-spaced levels), its start and its minimum."""
    s = _surface(surface)
    gx, gy = np.meshgrid(np.linspace(*s["xlim"], 240), np.linspace(*s["ylim"], 200))
    levels, grey = s["levels"], COLORS["grey"]
    cs = ax.contour(gx, gy, s["f"](gx, gy), levels=levels, colors=grey, linewidths=0.7)
    ax.clabel(cs, fontsize=6, fmt="%g")
    ax.plot(*s["minimum"], "*", color=COLORS["black"], ms=13, label="minimum", zorder=5)
    ax.set(xlim=s["xlim"], ylim=s["ylim"], xlabel="x (a weight)", ylabel="y (another weight)")


def draw_paths(ax, result: dict, lines: dict | None = None) -> dict:
    """Draw (or, given ``lines``, update) the four paths of ``optimiser_paths``."""
    lines = lines if lines is not None else {}
    for name, path in result["paths"].items():
        colour, style, marker = _STYLE[name]
        every = max(1, len(path) // 12)
        label = f"{name} (lr {result['lr'][name]:.2g})"
        if name in lines:
            lines[name].set_data(path[:, 0], path[:, 1])
            lines[name].set_markevery(every)
            lines[name].set_label(label)
        else:
            (lines[name],) = ax.plot(
                path[:, 0], path[:, 1], linestyle=style, marker=marker, markevery=every,
                ms=4, lw=1.6, color=colour, label=label,
            )  # fmt: skip
    return lines


def _paths_readout(r: dict) -> str:
    parts = []
    for name in OPTIMISERS:
        state = "diverged" if r["diverged"][name] else f"loss {r['loss'][name]:.3g}"
        parts.append(f"{name}: <b>{state}</b>, {r['distance'][name]:.2f} from the minimum")
    return f"after {r['steps']} steps: " + "; ".join(parts)


class _TwoColumnExplorer(Explorer):
    """An Explorer whose sliders sit in two columns, so they and the figure fit one screen."""

    def __init__(self, left: list[str], right: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        title = self.widget.children[0].children[0]
        columns = widgets.HBox(
            [
                widgets.VBox([self.sliders[k] for k in left]),
                widgets.VBox([self.sliders[k] for k in right]),
            ]
        )
        self.widget = widgets.VBox([title, columns, self.readout, self.image])


def optimiser_explorer(surface: str = "rosenbrock") -> Explorer:
    """Learning rates and betas of SGD, momentum, RMSprop and Adam, paths on one contour plot."""
    s = _surface(surface)
    fig, (ax, ax2) = new_figure(8.8, 3.9, ncols=2)
    draw_surface(ax, surface)
    first = optimiser_paths(surface)
    lines = draw_paths(ax, first)
    ax.legend(fontsize=7, loc="lower right" if surface == "valley" else "lower left")
    curves = {}
    for name in OPTIMISERS:
        colour, style, _ = _STYLE[name]
        (curves[name],) = ax2.semilogy([], [], linestyle=style, color=colour, lw=1.6, label=name)
    ax2.set(xlabel="step", ylabel="loss f(x, y) (log scale)", title="loss per step")
    ax2.legend(fontsize=7)
    ax.set_title(f"{surface}: paths from {s['start']}", fontsize=10)

    def draw(r):
        draw_paths(ax, r, lines)
        ax.legend(fontsize=7, loc="lower right" if surface == "valley" else "lower left")
        low = math.inf
        for name, path in r["paths"].items():
            with np.errstate(over="ignore", invalid="ignore"):
                loss = np.maximum(s["f"](path[:, 0], path[:, 1]), 1e-12)
            curves[name].set_data(np.arange(len(loss)), loss)
            low = min(low, float(np.nanmin(np.where(np.isfinite(loss), loss, np.nan))))
        ax2.set_xlim(0, r["steps"])
        ax2.set_ylim(max(low / 3, 1e-12), 1e3)

    lr = s["lr"]
    lr_slider = lambda name, v: log_slider(name, v, -4, 0, step=0.1)  # noqa: E731
    sliders = {
        "sgd_lr": lr_slider("SGD learning rate", lr["SGD"]),
        "momentum_lr": lr_slider("momentum learning rate", lr["momentum"]),
        "beta": slider("momentum β", 0.9, 0.0, 0.99, 0.01),
        "steps": int_slider("steps", s["steps"], 10, 2 * s["steps"]),
        "rmsprop_lr": lr_slider("RMSprop learning rate", lr["RMSprop"]),
        "alpha": slider("RMSprop α", 0.99, 0.5, 0.999, 0.01, readout_format=".3f"),
        "adam_lr": lr_slider("Adam learning rate", lr["Adam"]),
        "beta1": slider("Adam β₁", 0.9, 0.0, 0.99, 0.01),
        "beta2": slider("Adam β₂", 0.999, 0.5, 0.999, 0.01, readout_format=".3f"),
    }
    for s_ in sliders.values():
        s_.continuous_update = False
    return _TwoColumnExplorer(
        ["sgd_lr", "momentum_lr", "beta", "steps"],
        ["rmsprop_lr", "alpha", "adam_lr", "beta1", "beta2"],
        sliders,
        lambda **v: optimiser_paths(surface, **v),
        _paths_readout,
        figure=fig,
        draw=draw,
        title=f"Four optimisers on the {surface} surface",
    )


# -------------------------------------------------------------- initialisation


def init_statistics(
    activation: str = "tanh", gain: float = 1.0, depth: int = 10, width: int = 128, seed: int = 0
) -> dict:
    """Push 300 random inputs through ``depth`` layers of ``width`` units.

    Every weight is drawn from N(0, std²) with std = gain / √fan_in (biases 0),
    so gain 1 is Xavier's std for square layers (√(2/(n + n)) = 1/√n) and gain
    √2 ≈ 1.41 is He's. Returns each layer's mean and standard deviation of the
    activations, and the activations of layers 1, 4, 7 and 10 for histograms.
    """
    if activation not in ("tanh", "ReLU"):
        raise ValueError(f"activation must be 'tanh' or 'ReLU', got {activation!r}")
    if not np.isfinite(gain) or gain <= 0:
        raise ValueError(f"gain must be a positive number, got {gain!r}")
    g = np.random.default_rng(seed)
    x = g.normal(size=(300, width))
    means, stds, kept = [], [], {}
    for layer in range(1, depth + 1):
        w = g.normal(0.0, gain / math.sqrt(width), (width, width))
        z = x @ w.T
        x = np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)
        means.append(float(x.mean()))
        stds.append(float(x.std()))
        if layer in (1, 4, 7, 10):
            kept[layer] = x.ravel()
    return {
        "activation": activation,
        "gain": gain,
        "mean": np.array(means),
        "std": np.array(stds),
        "histograms": kept,
    }


_LAYER_STYLE = {
    1: (COLORS["sky"], "-"),
    4: (COLORS["blue"], "--"),
    7: (COLORS["orange"], "-."),
    10: (COLORS["vermillion"], ":"),
}


def _init_verdict(r: dict) -> str:
    last, first = r["std"][-1], r["std"][0]
    if last < 1e-3:
        return "too small: the signal dies out layer by layer"
    saturated = float(np.mean(np.abs(r["histograms"][10]) > 0.95))
    if r["activation"] == "tanh" and saturated > 0.2:
        return (
            f"too large: {saturated:.0%} of layer 10's values sit beyond ±0.95, "
            "where tanh is almost flat"
        )
    if last > 1e3:
        return "too large: the activations explode layer by layer"
    if 0.2 < last / first < 5:
        return "about right: the spread survives ten layers"
    return "drifting: the spread changes steadily with depth"


def init_explorer(activation: str = "tanh", gain: float = 1.0) -> Explorer:
    """The init-scale slider: activation spread per layer and histograms of four layers."""
    fig, (ax, ax2) = new_figure(8.8, 3.5, ncols=2)
    (line,) = ax.semilogy(range(1, 11), np.ones(10), "o-", color=COLORS["blue"], label="std")
    ax.set(xlabel="layer", ylabel="std of the activations (log scale)", xticks=range(1, 11))
    ax.set_ylim(1e-12, 1e12)
    bins = np.linspace(-3, 3, 61)
    hists = {}
    for layer, (colour, style) in _LAYER_STYLE.items():
        (hists[layer],) = ax2.step(
            bins[:-1], np.zeros(60), where="post", color=colour, linestyle=style, lw=1.5,
            label=f"layer {layer}",
        )  # fmt: skip
    ax2.set(xlabel="activation value", ylabel="share of the values", xlim=(-3, 3), ylim=(0, 1))
    ax2.legend(fontsize=7, loc="upper right")

    def draw(r):
        line.set_ydata(np.maximum(r["std"], 1e-300))
        lo, hi = float(r["std"].min()), float(r["std"].max())
        ax.set_ylim(min(1e-2, lo / 3), max(10.0, hi * 3))
        ax.set_title(f"{r['activation']}, gain {r['gain']:.2f}", fontsize=10)
        top = 0.0
        for layer, h in hists.items():
            counts, _ = np.histogram(np.clip(r["histograms"][layer], -2.99, 2.99), bins=bins)
            h.set_ydata(counts / counts.sum())
            top = max(top, counts.max() / counts.sum())
        ax2.set_ylim(0, max(0.05, 1.15 * top))
        ax2.set_title("histograms of four layers (values clipped to ±3)", fontsize=10)

    return Explorer(
        {
            "gain": slider("gain g (std = g / √fan_in)", gain, 0.1, 3.0, 0.05),
            "activation": widgets.Dropdown(
                options=["tanh", "ReLU"], value=activation, description="activation"
            ),
        },
        lambda gain, activation: init_statistics(activation, gain),
        lambda r: (
            f"std after layer 1: {r['std'][0]:.3g}, after layer 10: <b>{r['std'][-1]:.3g}</b>: "
            f"{_init_verdict(r)}. Xavier (tanh) is g = 1, He (ReLU) is g = √2 ≈ 1.41."
        ),
        figure=fig,
        draw=draw,
        title="Initial weight scale through ten layers of 128 units",
    )


# ------------------------------------------------------------- early stopping


def stopping_point(val_losses, patience: int) -> tuple[int, int]:
    """(best epoch, epoch training stops), counting epochs from 1, for early stopping
    with ``patience``: stop once the validation loss has gone ``patience`` epochs in a
    row without beating the best so far (or at the last epoch)."""
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def patience_explorer(train_losses, val_losses, patience: int = 5) -> Explorer:
    """A patience slider over recorded training and validation curves: where does it stop?"""
    train, val = np.asarray(train_losses, float), np.asarray(val_losses, float)
    epochs = np.arange(1, len(val) + 1)
    fig, ax = new_figure(6.8, 3.6)
    ax.semilogy(epochs, train, "-", color=COLORS["blue"], lw=1.6, label="training loss")
    ax.semilogy(epochs, val, "--", color=COLORS["orange"], lw=1.8, label="validation loss")
    stop = ax.axvline(1, color=COLORS["vermillion"], ls=":", lw=1.6, label="training stops")
    (best,) = ax.plot([], [], "*", color=COLORS["black"], ms=12, label="weights kept")
    ax.set(xlabel="epoch", ylabel="cross-entropy loss (log scale)")
    ax.legend(fontsize=8, loc="lower left")

    def compute(patience):
        b, s = stopping_point(val, patience)
        return {"patience": patience, "best": b, "stop": s, "val": float(val[b - 1])}

    def draw(r):
        stop.set_xdata([r["stop"], r["stop"]])
        best.set_data([r["best"]], [r["val"]])
        ax.set_title(f"patience {r['patience']}: stops after epoch {r['stop']}", fontsize=10)

    return Explorer(
        {"patience": int_slider("patience (epochs)", patience, 1, 30)},
        compute,
        lambda r: (
            f"stops after epoch <b>{r['stop']}</b> of {len(val)}, keeps the weights of epoch "
            f"<b>{r['best']}</b> (validation loss {r['val']:.3f}); "
            f"{r['stop'] - r['best']} epochs of training thrown away"
        ),
        figure=fig,
        draw=draw,
        title="Early stopping: how long to wait for an improvement",
    )


# ------------------------------------------------------------------ spot the bug


def softmax_classifier(X_tr, y_tr, batch_size, lr, epochs=5):
    """The "spot the bug" classifier of section 8 with both bugs fixed: a 64 → 10 softmax
    classifier trained by hand. Returns W, b and the training loss after each epoch."""
    W, b = np.zeros((64, 10)), np.zeros(10)
    g, losses = np.random.default_rng(0), []
    for _ in range(epochs):
        for Xb, yb in batches(X_tr, y_tr, batch_size, rng=g):
            probs = F.softmax(Xb @ W + b)
            grad = probs.copy()
            grad[np.arange(len(yb)), yb] -= 1  # dL/dscores, one row per example...
            grad /= len(yb)  # ...divided by N, because the loss is a mean
            W -= lr * Xb.T @ grad
            b -= lr * grad.sum(axis=0)  # the bias gradient: a sum over the examples
        losses.append(nn.CrossEntropyLoss()(X_tr @ W + b, y_tr))
    return W, b, losses


# ------------------------------------------------------------------ exercises


def _adam_reference(w, g, m, v, t, lr, beta1, beta2, eps, wd, variant="right"):
    """One AdamW step as PyTorch takes it, or with one named slip (``variant``)."""
    if variant == "coupled":  # Adam with L2: the decay goes through m and v
        g = g + wd * w
    b2 = beta1 if variant == "one beta" else beta2
    m = beta1 * m + (1 - beta1) * g
    v = b2 * v + (1 - b2) * g * g
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    if variant == "no correction":
        c1 = c2 = 1.0
    elif variant == "only m":
        c2 = 1.0
    elif variant == "only v":
        c1 = 1.0
    elif variant == "t + 1":
        c1, c2 = 1 - beta1 ** (t + 1), 1 - beta2 ** (t + 1)
    m_hat, v_hat = m / c1, v / c2
    if variant == "eps inside":
        step = m_hat / np.sqrt(v_hat + eps)
    elif variant == "no sqrt":
        step = m_hat / (v_hat + eps)
    elif variant == "paper eps":  # the Adam paper's efficient form: ε next to √v
        step = math.sqrt(c2) / c1 * m / (np.sqrt(v) + eps)
    else:
        step = m_hat / (np.sqrt(v_hat) + eps)
    decay = {"no decay": 0.0, "coupled": 0.0, "decay without lr": wd * w,
             "decay sign": -lr * wd * w}.get(variant, lr * wd * w)  # fmt: skip
    if variant == "decay after":
        return (w - lr * step) * (1 - lr * wd), m, v
    return w - decay - lr * step, m, v


_ADAM_SLIPS = {
    "no decay": "Your step is plain Adam: the weight decay is missing. Subtract lr·λ·w as well "
    "(λ = weight_decay).",
    "coupled": "That is Adam with L2 regularisation: λ·w was added to the gradient, so it "
    "went into m and v and was divided by √v̂ like the rest. AdamW keeps them apart: m and v "
    "see g alone, and the weights shrink by lr·λ·w directly.",
    "decay without lr": "The decay is lr·λ·w: the learning rate scales it too.",
    "decay sign": "Weight decay shrinks the weights towards 0: subtract lr·λ·w, don't add it.",
    "decay after": "The decay uses the weights as they were before this step, lr·λ·w with the "
    "old w (PyTorch shrinks w first, then takes the Adam step), not the weights after it.",
    "no correction": "That is Adam without bias correction: divide m by (1 - β₁ᵗ) and v by "
    "(1 - β₂ᵗ) before the step.",
    "only m": "Only m was corrected: v needs its own correction, v / (1 - β₂ᵗ).",
    "only v": "Only v was corrected: m needs its own correction, m / (1 - β₁ᵗ).",
    "t + 1": "The corrections use t + 1: t is already this step's number (1 on the first step).",
    "one beta": "v used β₁: Adam has two betas, β₁ for the mean m and β₂ for the square v.",
    "eps inside": "ε went inside the square root: the step is m̂ / (√v̂ + ε).",
    "no sqrt": "The step divides by v̂, not by its square root √v̂.",
    "paper eps": "You added ε to √v, the uncorrected average: that is the Adam paper's "
    "efficient form, lr·√(1 - β₂ᵗ)/(1 - β₁ᵗ) · m/(√v + ε). It is the same except for where "
    "ε sits, which shows when gradients are tiny. This exercise (like PyTorch and the table "
    "of section 1) adds ε to the corrected one: m̂ / (√v̂ + ε).",
}


class _Problem:
    """What the learner's code returned when it is not the kind of thing expected."""

    def __init__(self, message: str):
        self.message = message

    def __repr__(self) -> str:
        return "(see below)"


class _States(list):
    """(w, m, v) after each step, shown as w after the first step."""

    def __repr__(self) -> str:
        w1 = np.array2string(self[0][0], precision=6, separator=", ")
        return f"w after step 1 = {w1}"[:80]


def _adam_cases():
    g = np.random.default_rng(9)
    cases = [
        # shape, lr, beta1, beta2, eps, size of the gradients, weight_decay
        ((3,), 0.001, 0.9, 0.999, 1e-8, 1.0, 0.1),
        ((2, 3), 0.01, 0.9, 0.999, 1e-8, 100.0, 0.01),
        ((4,), 0.05, 0.8, 0.99, 1e-6, 0.01, 0.5),
        ((1,), 0.1, 0.5, 0.9, 1e-8, 1.0, 0.05),
        ((3, 2), 0.002, 0.95, 0.9999, 1e-7, 1e-3, 0.01),
        ((2,), 0.01, 0.9, 0.999, 1e-8, 1.0, 0.0),  # no decay: plain Adam
    ]
    out = []
    for shape, lr, b1, b2, eps, size, wd in cases:
        w0 = g.normal(size=shape)
        grads = [g.normal(size=shape) * size for _ in range(5)]
        out.append((w0, grads, lr, b1, b2, eps, wd))
    return out


def _run_adam(adamw_step, case):
    """The learner's adamw_step over several steps: the list of (w, m, v) after each."""
    w0, grads, lr, b1, b2, eps, wd = case
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    states = _States()
    for t, grad in enumerate(grads, start=1):
        got = call(adamw_step, w.copy(), grad.copy(), m.copy(), v.copy(), t, lr, b1, b2, eps,
                   wd, name="adamw_step")  # fmt: skip
        if not isinstance(got, tuple | list) or len(got) != 3:
            return _Problem(
                f"adamw_step should return three arrays (w, m, v), got {type(got).__name__}"
                + (f" of length {len(got)}" if isinstance(got, tuple | list) else "")
                + "."
            )
        try:
            w, m, v = (as_array(x, w0.shape, f"each of w, m, v (shape {w0.shape})") for x in got)
        except AnswerError as e:
            return _Problem(f"after step {t}: {e}")
        states.append((w, m, v))
    return states


def _library_adam(case, variant="right"):
    """nnlib.optim.Adam after shrinking the weights by lr·λ·w (PyTorch's AdamW), or a slip."""
    w0, grads, lr, b1, b2, eps, wd = case
    if variant == "right":
        p = nn.Parameter(w0.copy())
        opt = optim.Adam([p], lr=lr, betas=(b1, b2), eps=eps)
        states = _States()
        for grad in grads:
            p.grad = grad.copy()
            p.data *= 1 - lr * wd  # the decoupled decay, from the weights before the step
            opt.step()
            states.append((p.data.copy(), opt.state[0].copy(), opt.second[0].copy()))
        return states
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    states = []
    for t, grad in enumerate(grads, start=1):
        w, m, v = _adam_reference(w, grad, m, v, t, lr, b1, b2, eps, wd, variant)
        states.append((w, m, v))
    return states


def _states_agree(got, want, rel=1e-6):
    return all(
        close(a, b, rel=rel, abs_tol=1e-12) for gs, ws in zip(got, want, strict=True)
        for a, b in zip(gs, ws, strict=True)
    )  # fmt: skip


@exercise(
    "09.1",
    title="an AdamW step: Adam with decoupled weight decay",
    answers="adamw_step",
    placeholder='''
def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW update of the weights w (an array) with gradient g.

    Adam with both bias corrections and ε added to √v̂, plus the decoupled weight
    decay: the weights also shrink by lr·weight_decay·w (w as it was before this
    step). m and v are the running averages from the previous step (zeros before
    the first), t is this step's number (1, 2, 3, ...). Returns (new w, new m, new v).
    """
    raise NotImplementedError("write the body of adamw_step")
''',
    solution='''
def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW update of the weights w (an array) with gradient g.

    Adam with both bias corrections and ε added to √v̂, plus the decoupled weight
    decay: the weights also shrink by lr·weight_decay·w (w as it was before this
    step). m and v are the running averages from the previous step (zeros before
    the first), t is this step's number (1, 2, 3, ...). Returns (new w, new m, new v).
    """
    m = beta1 * m + (1 - beta1) * g  # running mean of the gradients (g alone: no decay)
    v = beta2 * v + (1 - beta2) * g**2  # running mean of their squares
    m_hat = m / (1 - beta1**t)  # both start at 0: undo that pull towards 0
    v_hat = v / (1 - beta2**t)
    adam = m_hat / (np.sqrt(v_hat) + eps)  # ε next to the corrected √v̂
    return w - lr * adam - lr * weight_decay * w, m, v
''',
    hints=(
        "Two parts that do not mix: Adam's step, computed from g alone (update m and v, "
        "correct both, divide), and the decay, computed from w alone. Return w, m and v "
        "(the uncorrected m and v: the corrections are recomputed from them each step).",
        "m = β₁·m + (1 - β₁)·g and v = β₂·v + (1 - β₂)·g², then m̂ = m / (1 - β₁ᵗ), "
        "v̂ = v / (1 - β₂ᵗ); Adam's step is m̂ / (√v̂ + ε).",
        "The new weights are w - lr·m̂/(√v̂ + ε) - lr·weight_decay·w, with the w you were "
        "given (np.sqrt works on whole arrays).",
    ),
)
def check_adamw_step(adamw_step) -> Feedback:
    """adamw_step agrees with PyTorch's AdamW rule (nnlib.optim.Adam after shrinking the
    weights by lr·λ·w) over five steps on six random problems."""
    if not callable(adamw_step):
        raise AnswerError(
            f"Expected a function adamw_step(w, g, m, v, t, ...), got {adamw_step!r}."
        )

    def diagnose(case, got, want):
        if isinstance(got, _Problem):
            return None
        for variant, message in _ADAM_SLIPS.items():
            try:
                with np.errstate(all="ignore"):
                    slip = _library_adam(case, variant)
                if _states_agree(got, slip, rel=1e-9):
                    return message
            except (ValueError, FloatingPointError, ZeroDivisionError):
                continue
        if close(got[0][1], want[0][1]) and not close(got[0][2], want[0][2]):
            return "m is right but v is not: v averages the squared gradient g², with β₂."
        if close(got[0][1], want[0][1]) and close(got[0][2], want[0][2]):
            return (
                "m and v are right, w is not: w - lr·m̂/(√v̂ + ε) - lr·weight_decay·w, "
                "with the w from before the step."
            )
        return "Compare your w, m and v after the first step with the formulas above the exercise."

    def first_step_apart(got, want):
        if isinstance(got, _Problem):
            raise AnswerError(got.message)
        for t, (gs, ws) in enumerate(zip(got, want, strict=True), start=1):
            for name, a, b in zip("wmv", gs, ws, strict=True):
                if not close(a, b, rel=1e-6, abs_tol=1e-12):
                    raise AnswerError(f"{name} differs from AdamW's after step {t}")
        return True

    def describe(case):
        w0, grads, lr, b1, b2, eps, wd = case
        return (
            f"w of shape {w0.shape}, {len(grads)} steps with random gradients, lr={lr:g}, "
            f"beta1={b1:g}, beta2={b2:g}, eps={eps:g}, weight_decay={wd:g}"
        )

    failure = first_failure(
        _adam_cases(),
        run=lambda case: _run_adam(adamw_step, case),
        expected=_library_adam,
        agree=first_step_apart,
        describe=describe,
        diagnose=diagnose,
    )
    return failure or correct(
        "Your steps match AdamW (PyTorch's torch.optim.AdamW rule) on six problems, five steps "
        "each, including gradients of size 0.01 and 100 and no decay at all. The decay does "
        "not pass through √v̂: every weight shrinks by the same fraction lr·λ per step, "
        "whatever the size of its gradients, which is what 'decoupled' means."
    )


def _clip_reference(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads], total


def _clip_cases():
    g = np.random.default_rng(4)
    cases = [
        ([np.array([3.0, 4.0])], 1.0),
        ([np.array([[0.3, -0.4]]), np.array([0.0])], 1.0),  # below the limit: unchanged
        ([g.normal(size=(4, 3)), g.normal(size=3)], 1.0),
        ([g.normal(size=(5, 5)) * 10, g.normal(size=5) * 0.1, g.normal(size=(2, 5))], 5.0),
        ([np.zeros((3, 2)), np.zeros(2)], 1.0),  # all zero: nothing to scale
        ([g.normal(size=(8,)) * 1e3, g.normal(size=(3, 8)) * 1e-3], 0.5),
    ]
    return cases


def _describe_clip(case):
    grads, max_norm = case
    shapes = ", ".join(str(x.shape) for x in grads)
    return f"grads of shapes [{shapes}] with global norm {_clip_reference(grads, 1)[1]:.4g}, " \
        f"max_norm={max_norm:g}"  # fmt: skip


@exercise(
    "09.2",
    title="clipping gradients by their global norm",
    answers="clip_by_global_norm",
    placeholder='''
def clip_by_global_norm(grads, max_norm):
    """Scale the list of gradient arrays ``grads`` together so that their global norm,
    sqrt(sum of every entry squared), is at most max_norm.

    Returns (the clipped list, the global norm before clipping).
    """
    raise NotImplementedError("write the body of clip_by_global_norm")
''',
    solution='''
def clip_by_global_norm(grads, max_norm):
    """Scale the list of gradient arrays ``grads`` together so that their global norm,
    sqrt(sum of every entry squared), is at most max_norm.

    Returns (the clipped list, the global norm before clipping).
    """
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    if total <= max_norm:
        return list(grads), total
    return [g * (max_norm / total) for g in grads], total
''',
    hints=(
        "First the global norm: square every entry of every array, add them all up, take "
        "the square root. Then decide whether to scale.",
        "Only when the norm is above max_norm, multiply every array by the same factor "
        "max_norm / norm. Below it, return the gradients unchanged.",
        "total = np.sqrt(sum(np.sum(g**2) for g in grads)); return "
        "[g * (max_norm / total) for g in grads], total when total > max_norm.",
    ),
)
def check_clip_by_global_norm(clip_by_global_norm) -> Feedback:
    """clip_by_global_norm matches the global-norm rule (that of clip_grad_norm_) on cases
    with one or several arrays, above and below the limit, and all-zero gradients."""
    if not callable(clip_by_global_norm):
        raise AnswerError(
            "Expected a function clip_by_global_norm(grads, max_norm), "
            f"got {clip_by_global_norm!r}."
        )

    def run(case):
        grads, max_norm = case
        with np.errstate(divide="raise", invalid="raise"):
            got = call(clip_by_global_norm, [x.copy() for x in grads], max_norm,
                       name="clip_by_global_norm")  # fmt: skip
        if not isinstance(got, tuple | list) or len(got) != 2:
            return _Problem("clip_by_global_norm should return two things: (list, norm).")
        clipped, total = got
        if not isinstance(clipped, list | tuple) or len(clipped) != len(grads):
            return _Problem(f"the clipped gradients should be a list of {len(grads)} arrays.")
        try:
            arrays = [as_array(c, x.shape, f"an array of shape {x.shape}")
                      for c, x in zip(clipped, grads, strict=True)]  # fmt: skip
            return arrays, as_number(total, "the norm")
        except AnswerError as e:
            return _Problem(str(e))

    def agree(got, want):
        if isinstance(got, _Problem):
            raise AnswerError(got.message)
        return close(got[1], want[1], rel=1e-6) and all(
            close(a, b, rel=1e-5, abs_tol=1e-12) for a, b in zip(got[0], want[0], strict=True)
        )

    def diagnose(case, got, want):
        if isinstance(got, _Problem):
            return None
        grads, max_norm = case
        clipped, total = got
        norm_after = math.sqrt(sum(float(np.sum(c * c)) for c in clipped))
        if close(total, norm_after, rel=1e-6) and not close(total, want[1], rel=1e-6):
            return "The norm you returned is the one after clipping; return the one before."
        if close(total, want[1] ** 2, rel=1e-6):
            return "That norm is the sum of squares: take its square root."
        if not close(total, want[1], rel=1e-6):
            return "The global norm is sqrt of the sum of every squared entry of every array."
        if want[1] <= max_norm:
            return "Below max_norm, leave the gradients alone: clipping never scales up."
        each = [min(1.0, max_norm / max(float(np.linalg.norm(x)), 1e-300)) * x for x in grads]
        if all(close(a, b, rel=1e-6) for a, b in zip(clipped, each, strict=True)):
            return (
                "Each array was clipped by its own norm. Global clipping scales all of them "
                "by one factor, which keeps the direction of the whole step."
            )
        return "Scale every array by the same factor max_norm / (global norm)."

    failure = first_failure(
        _clip_cases(),
        run=run,
        expected=lambda case: _clip_reference(*case),
        agree=agree,
        describe=_describe_clip,
        diagnose=diagnose,
    )
    return failure or correct(
        "Right on six cases, including gradients already inside the limit (left alone) and "
        "all-zero gradients (no division by zero). nnlib.nn.clip_grad_norm_ and PyTorch's "
        "torch.nn.utils.clip_grad_norm_ do the same, in place."
    )


def _warmup_cosine(step, base_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))


def _warmup_cases():
    g = np.random.default_rng(21)
    cases = [(0, 0.1, 10, 100), (5, 0.1, 10, 100), (10, 0.1, 10, 100), (55, 0.1, 10, 100),
             (99, 0.1, 10, 100), (100, 0.1, 10, 100), (130, 0.1, 10, 100),
             (0, 0.001, 0, 50), (25, 0.001, 0, 50)]  # fmt: skip
    for _ in range(6):
        total = int(g.integers(20, 300))
        warm = int(g.integers(1, total // 2))
        cases.append((int(g.integers(0, total + 1)), float(g.choice([0.3, 0.01, 1e-3])), warm,
                      total))  # fmt: skip
    return cases


@exercise(
    "09.3",
    title="a warm-up followed by a cosine",
    answers="warmup_cosine",
    placeholder='''
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    """The learning rate at ``step`` (0, 1, 2, ...): it rises in a straight line from 0
    to base_lr over the first warmup_steps steps, then glides down half a cosine from
    base_lr to 0 at total_steps, and stays 0 after that."""
    raise NotImplementedError("write the body of warmup_cosine")
''',
    solution='''
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    """The learning rate at ``step`` (0, 1, 2, ...): it rises in a straight line from 0
    to base_lr over the first warmup_steps steps, then glides down half a cosine from
    base_lr to 0 at total_steps, and stays 0 after that."""
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 → 1
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))
''',
    hints=(
        "Three cases: during the warm-up (step < warmup_steps), after the end "
        "(step >= total_steps), and the cosine part in between.",
        "Warm-up: base_lr · step / warmup_steps. Cosine: measure how far through the cosine "
        "part you are, progress = (step - warmup_steps) / (total_steps - warmup_steps).",
        "Then base_lr · (1 + cos(π · progress)) / 2, which is base_lr at progress 0 and 0 at "
        "progress 1. Checking step < warmup_steps first also handles warmup_steps = 0.",
    ),
)
def check_warmup_cosine(warmup_cosine) -> Feedback:
    """warmup_cosine on fixed and random steps, warm-ups (including none) and lengths."""
    if not callable(warmup_cosine):
        raise AnswerError(f"Expected a function warmup_cosine(step, ...), got {warmup_cosine!r}.")

    def diagnose(case, got, want):
        step, lr, warm, total = case
        try:
            x = as_number(got)
        except AnswerError:
            return None
        if step < warm and close(x, lr * (step + 1) / warm):
            return "The warm-up starts at 0 on step 0: use step / warmup_steps, not (step + 1)."
        if step >= total and x > 0:
            return "After total_steps the rate stays 0; a cosine past its end rises again."
        if warm <= step < total and close(x, lr * 0.5 * (1 + math.cos(math.pi * step / total))):
            return (
                "The cosine must start where the warm-up ends: measure progress from "
                "warmup_steps, over total_steps - warmup_steps steps."
            )
        if warm <= step < total and close(x, 2 * want):
            return "The cosine part needs the factor 1/2: (1 + cos) runs from 2 down to 0."
        return None

    failure = first_failure(
        _warmup_cases(),
        run=lambda case: call(warmup_cosine, *case, name="warmup_cosine"),
        expected=lambda case: _warmup_cosine(*case),
        agree=lambda got, want: close(as_number(got), want, rel=1e-9, abs_tol=1e-15),
        describe=lambda c: (
            f"step={c[0]}, base_lr={c[1]:g}, warmup_steps={c[2]}, total_steps={c[3]}"
        ),
        diagnose=diagnose,
    )
    return failure or correct(
        "Right on fifteen cases, including no warm-up at all and steps past the end. It is "
        "a schedule widely used for large models (with PyTorch, LinearLR then "
        "CosineAnnealingLR chained by SequentialLR)."
    )


@exercise(
    "09.4",
    title="Adam's first step without bias correction",
    kind="value",
    answers="ratio",
    placeholder="ratio = ...  # your answer: a number (the step's length divided by lr)",
    solution="ratio = (1 - 0.8) / math.sqrt(1 - 0.99)  # m₁ = 0.2·g, √v₁ = 0.1·|g|",
    hints=(
        "Start from m = 0 and v = 0 and do one update with a gradient g: write m₁ and v₁ "
        "in terms of g.",
        "m₁ = (1 - β₁)·g = 0.2·g and v₁ = (1 - β₂)·g² = 0.01·g². Without correction the "
        "step is lr · m₁ / √v₁ (ignore the tiny ε).",
        "√v₁ = 0.1·|g|, so the step is lr · 0.2·g / (0.1·|g|): the g cancels.",
    ),
)
def check_first_step_ratio(ratio) -> Feedback:
    """(1 - β₁)/√(1 - β₂) = 0.2 / 0.1 = 2 for β₁ = 0.8, β₂ = 0.99."""
    r = as_number(ratio, "a number (the first step divided by lr)")
    if close(r, 2.0, rel=1e-3):
        return correct(
            "m₁ / √v₁ = 0.2·g / (0.1·|g|) = 2: without correction the first step is twice "
            "lr, whatever the gradient. With both corrections it is 1 (times the sign of "
            "g, up to the tiny ε); the corrected Adam never starts with a jump of this kind."
        )
    if r < 0:
        return wrong(
            f"A length is positive: {r:g} is below 0. m₁/√v₁ = 0.2·g / (0.1·|g|) is +2 or -2, "
            "with the sign of g; the step's length is its size, without the sign."
        )
    if close(r, 1.0, rel=1e-3):
        return wrong("1 is the step *with* both corrections. We asked for the step without them.")
    if close(r, 20.0, rel=1e-3):
        return wrong("That divides by v₁ = 0.01·g², not by its square root √v₁ = 0.1·|g|.")
    if close(r, 0.2, rel=1e-3):
        return wrong("0.2 is m₁/g alone. Adam also divides by √v₁.")
    if close(r, 10.0, rel=1e-3) or close(r, 0.1, rel=1e-3):
        return wrong("Use both running averages: m₁ = 0.2·g on top, √v₁ = 0.1·|g| below.")
    if close(r, (1 - 0.9) / math.sqrt(1 - 0.999), rel=1e-3):
        return wrong("That is the ratio for the default betas 0.9 and 0.999; use 0.8 and 0.99.")
    return wrong(f"{r:g} is not it. Write m₁ and v₁ after one step from zero, then m₁ / √v₁.")
