"""Chapter 09 (Training a network in practice):
its explorers, and its exercises with their public cases, checks and hints (our
solutions and the hidden cases are in nnlib/solutions/ch09.py).

The notebook is ``notebooks/09_*.ipynb``; it imports this module as ``ch09``.
"""

from __future__ import annotations

import math
from importlib import resources

import ipywidgets as widgets
import numpy as np

from nnlib import functional as F
from nnlib import nn, optim
from nnlib.exercises import (
    AnswerError,
    Feedback,
    Raised,
    as_number,
    call,
    close,
    correct,
    exercise,
    first_failure,
    refusing,
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
        alt=lambda r: (
            f"Left: contour lines of the {surface} surface with the paths of SGD (grey, "
            "solid, circles), momentum (blue, dashed, squares), RMSprop (green, dotted, "
            "triangles) and Adam (vermillion, dash-dotted, diamonds) from the same start "
            "towards the minimum (black star). Right: each one's loss per step, on a log "
            f"scale. {_paths_readout(r).replace('<b>', '').replace('</b>', '')}."
        ),
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
        alt=lambda r: (
            f"Left: the spread (standard deviation) of the activations after each of ten "
            f"{r['activation']} layers, log scale, for gain {r['gain']:.2f}: "
            f"{r['std'][0]:.3g} after layer 1, {r['std'][-1]:.3g} after layer 10. Right: "
            "histograms of the values of layers 1, 4, 7 and 10. Verdict: "
            f"{_init_verdict(r)}."
        ),
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
        alt=lambda r: (
            "Training loss (blue, solid) falling steadily and validation loss (orange, "
            "dashed) falling then rising, per epoch on a log scale; a dotted vertical line "
            f"where training stops with patience {r['patience']} (after epoch {r['stop']}) "
            f"and a star at the epoch whose weights are kept ({r['best']})."
        ),
    )


# ------------------------------------------------------------------ capstone


def pytorch_capstone_losses() -> tuple[np.ndarray, str]:
    """The capstone's mini-batch losses as PyTorch computed them, and PyTorch's version.

    Recorded with torch 2.13 in 64-bit floats, from the capstone's initial weights and
    batches (section 8 of the chapter), and shipped with the course so that every
    learner sees the comparison; tests/test_torch_oracle_09.py records them again and
    compares, where PyTorch is installed.
    """
    stored = resources.files("nnlib.data") / "capstone_pytorch_losses.npz"
    with stored.open("rb") as f, np.load(f) as data:
        return data["losses"].copy(), str(data["torch_version"])


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
            grad[np.arange(len(yb)), yb] -= 1  # ∂L/∂scores, one row per example...
            grad /= len(yb)  # ...divided by N, because the loss is a mean
            W -= lr * Xb.T @ grad
            b -= lr * grad.sum(axis=0)  # the bias gradient: a sum over the examples
        losses.append(nn.CrossEntropyLoss()(X_tr @ W + b, y_tr))
    return W, b, losses


# ------------------------------------------------------------------ exercises
#
# Each code exercise has two halves: a probe runs the learner's function on one case and
# returns plain data (arrays, numbers), and a judge compares that data with the case's
# "want" and names the slip, from plain data only. The public cases are here; our
# solutions and the hidden cases (other shapes, all-zero and huge gradients, edge steps)
# are in nnlib/solutions/ch09.py, which a class release leaves out.


def _quietly(diagnose):
    """``diagnose`` that returns None instead of raising, whatever the learner returned."""

    def safe(*args):
        try:
            with np.errstate(all="ignore"):
                return diagnose(*args)
        except Exception:
            return None

    return safe


def _first_bad(cases, results, agree):
    """Index of the first case the results get wrong (as first_failure finds it), or None."""
    for index, (case, result) in enumerate(zip(cases, results, strict=True)):
        if isinstance(result, Raised) or result is None:
            return index
        try:
            if not agree(result, case["want"]):
                return index
        except (TypeError, ValueError, AnswerError):
            return index
    return None


def _judge(cases, results, *, agree, describe, diagnose, explain_raised=None):
    """first_failure, with a sentence on why the learner's code raised when we know why."""
    failure = first_failure(
        cases, got=results, agree=agree, describe=describe, diagnose=_quietly(diagnose)
    )
    if failure is None or explain_raised is None:
        return failure
    index = _first_bad(cases, results, agree)
    result = results[index] if index is not None else None
    if isinstance(result, Raised):
        extra = _quietly(explain_raised)(cases[index], result)
        if extra:
            return wrong(f"{failure.message}\n{extra}")
    return failure


def _float_array(x, shape, what: str) -> np.ndarray:
    """The learner's array as floats of ``shape`` (NaN and ∞ kept, for the judge to name)."""
    if isinstance(x, str):
        raise AnswerError(f"Expected {what}, got the text {x!r}.")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise AnswerError(f"Expected {what}, got {type(x).__name__}.") from None
    if arr.shape != tuple(shape):
        raise AnswerError(f"Expected {what} of shape {tuple(shape)}, got shape {arr.shape}.")
    return arr


def _arrays_close(got, want, rel=1e-6) -> bool:
    """Equal within ``rel``, with an absolute slack of ``rel``/1000 of the array's largest
    entry (so that entries near 0 of a large array do not need more digits than the rest)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.all(np.isfinite(got)):
        return False
    scale = float(np.max(np.abs(want), initial=0.0))
    return bool(np.allclose(got, want, rtol=rel, atol=rel * 1e-3 * scale + 1e-300))


# ------------------------------------------------------------ 09.1 an AdamW step


def _adamw_case(w, grads, lr, beta1, beta2, eps, weight_decay) -> dict:
    return {"w": w, "grads": tuple(grads), "lr": lr, "beta1": beta1, "beta2": beta2,
            "eps": eps, "weight_decay": weight_decay}  # fmt: skip


def adamw_by_library(case) -> list:
    """The states (w, m, v) after each step of PyTorch's AdamW rule, computed with the
    library: shrink the weights by lr·λ·w, then take nnlib.optim.Adam's step."""
    lr, wd = case["lr"], case["weight_decay"]
    p = nn.Parameter(case["w"].copy())
    adam = optim.Adam([p], lr=lr, betas=(case["beta1"], case["beta2"]), eps=case["eps"])
    states = []
    for grad in case["grads"]:
        p.grad = grad.copy()
        p.data *= 1 - lr * wd  # the decoupled decay, from the weights before the step
        adam.step()
        states.append((p.data.copy(), adam.state[0].copy(), adam.second[0].copy()))
    return states


def _adamw_public_cases() -> list[dict]:
    g = np.random.default_rng(9)
    settings = [
        # shape, lr, beta1, beta2, eps, size of the gradients, weight_decay
        ((3,), 0.001, 0.9, 0.999, 1e-8, 1.0, 0.1),
        ((2, 3), 0.01, 0.9, 0.999, 1e-8, 100.0, 0.01),
        ((4,), 0.05, 0.8, 0.99, 1e-6, 0.01, 0.5),
        ((1,), 0.1, 0.5, 0.9, 1e-8, 1.0, 0.05),
        ((3, 2), 0.002, 0.95, 0.9999, 1e-7, 1e-3, 0.01),
        ((2,), 0.01, 0.9, 0.999, 1e-8, 1.0, 0.0),  # no decay: plain Adam
    ]
    cases = []
    for shape, lr, b1, b2, eps, size, wd in settings:
        w0 = g.normal(size=shape)
        grads = [g.normal(size=shape) * size for _ in range(5)]
        cases.append(_adamw_case(w0, grads, lr, b1, b2, eps, wd))
    # a weight that never gets a gradient (a dead unit): its m and v stay 0
    w0 = g.normal(size=(2, 2))
    grads = [g.normal(size=(2, 2)) * np.array([[1.0, 0.0], [1.0, 1.0]]) for _ in range(3)]
    cases.append(_adamw_case(w0, grads, 0.01, 0.9, 0.999, 1e-8, 0.1))
    for case in cases:
        case["want"] = adamw_by_library(case)
    return cases


def _describe_adamw(case) -> str:
    grads = np.array(case["grads"])
    size = float(np.sqrt(np.mean(grads**2)))
    zero = np.all(grads == 0, axis=0)
    zeros = f", {int(zero.sum())} weight(s) whose gradient is always 0" if zero.any() else ""
    return (
        f"w of shape {case['w'].shape}, {len(grads)} steps with random gradients of size about "
        f"{size:.2g}{zeros}, lr={case['lr']:g}, beta1={case['beta1']:g}, "
        f"beta2={case['beta2']:g}, eps={case['eps']:g}, weight_decay={case['weight_decay']:g}"
    )


def _states_agree(got, want) -> bool:
    """Every w, m and v within 1e-9 (relative) of AdamW's: a slip in a step much smaller
    than w itself still shows, and another correct way of writing it differs by rounding."""
    if not isinstance(got, list | tuple) or len(got) != len(want):
        raise AnswerError("adamw_step's results did not arrive, one (w, m, v) per step.")
    return all(
        _arrays_close(a, b, rel=1e-9)
        for g_state, w_state in zip(got, want, strict=True)
        for a, b in zip(g_state, w_state, strict=True)
    )


def _adamw_first_step_slips(case, want) -> dict:
    """What step 1 gives (w, m, v) with each common slip, derived from AdamW's own step 1.

    On step 1 (t = 1, m = v = 0) AdamW gives m₁ = M and v₁ = V (``want``); each slip
    is a change of that: a correction left out, ε moved, the decay moved or lost, ...
    """
    w0, g = case["w"], case["grads"][0]
    lr, b1, b2, eps, wd = (case[k] for k in ("lr", "beta1", "beta2", "eps", "weight_decay"))
    W, M, V = (np.asarray(x, dtype=float) for x in want[0])
    decay = lr * wd * w0

    def w_with(direction):  # the weights after a step in this direction, decay decoupled
        return w0 - lr * direction - decay

    m_hat, v_hat = M / (1 - b1), V / (1 - b2)
    coupled_g = g + wd * w0
    cm, cv = (1 - b1) * coupled_g, (1 - b2) * coupled_g**2
    one_v = (1 - b1) * g**2
    swapped_m, swapped_v = (1 - b2) * g, (1 - b1) * g**2
    slips = {
        "no decay": (W + decay, M, V),
        "coupled": (w0 - lr * (cm / (1 - b1)) / (np.sqrt(cv / (1 - b2)) + eps), cm, cv),
        "decay without lr": (W + decay - wd * w0, M, V),
        "decay sign": (W + 2 * decay, M, V),
        "decay after": ((W + decay) * (1 - lr * wd), M, V),
        "no correction": (w_with(M / (np.sqrt(V) + eps)), M, V),
        "only m": (w_with(m_hat / (np.sqrt(V) + eps)), M, V),
        "only v": (w_with(M / (np.sqrt(v_hat) + eps)), M, V),
        "t + 1": (w_with(M / (1 - b1**2) / (np.sqrt(V / (1 - b2**2)) + eps)), M, V),
        "one beta": (w_with(m_hat / (np.sqrt(one_v / (1 - b2)) + eps)), M, one_v),
        "swapped betas": (
            w_with(swapped_m / (1 - b1) / (np.sqrt(swapped_v / (1 - b2)) + eps)),
            swapped_m,
            swapped_v,
        ),
        "eps inside": (w_with(m_hat / np.sqrt(v_hat + eps)), M, V),
        "no sqrt": (w_with(m_hat / (v_hat + eps)), M, V),
        "paper eps": (w_with(np.sqrt(1 - b2) / (1 - b1) * M / (np.sqrt(V) + eps)), M, V),
        "hats returned": (W, m_hat, v_hat),
        "update returned": (w0 - W - decay, M, V),
        "change returned": (W - w0, M, V),
        "minus change returned": (w0 - W, M, V),
    }
    if np.all(v_hat > 0):
        slips["no eps"] = (w_with(m_hat / np.sqrt(v_hat)), M, V)
    return slips


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
    "swapped betas": "The betas are swapped: β₁ (0.9 by default) goes with the mean m, β₂ "
    "(0.999) with the square v.",
    "eps inside": "ε went inside the square root: the step is m̂ / (√v̂ + ε).",
    "no sqrt": "The step divides by v̂, not by its square root √v̂.",
    "paper eps": "You added ε to √v, the uncorrected average: that is the Adam paper's "
    "efficient form, lr·√(1 - β₂ᵗ)/(1 - β₁ᵗ) · m/(√v + ε). It is the same except for where "
    "ε sits, which shows when gradients are tiny. This exercise (like PyTorch and the table "
    "of section 1) adds ε to the corrected one: m̂ / (√v̂ + ε).",
    "hats returned": "w is right, but you returned m̂ and v̂, the corrected averages. Return "
    "m and v themselves: the next step averages into them and corrects them again, with its "
    "own t.",
    "update returned": "You returned the update lr·m̂/(√v̂ + ε), not the new weights: return "
    "w minus the update, and minus the decay lr·λ·w.",
    "change returned": "You returned the change of the weights, not the new weights: return "
    "w minus the step (and minus the decay).",
    "minus change returned": "You returned the step's size, not the new weights: return w "
    "minus the step (and minus the decay).",
    "no eps": "The step divides by √v̂ alone: ε is missing. The step is m̂ / (√v̂ + ε), so that "
    "a weight whose gradients are all 0 gets 0, not 0/0.",
}


def _mismatch(got, want) -> float:
    """How far ``got`` is from ``want``, relative to the size of ``want`` (0 when equal)."""
    worst = 0.0
    for a, b in zip(got, want, strict=True):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        scale = 1e-3 * float(np.max(np.abs(b), initial=0.0)) + 1e-300
        worst = max(worst, float(np.max(np.abs(a - b) / (np.abs(b) + scale), initial=0.0)))
    return worst


def _first_difference(step: int, got, want) -> str:
    for name, a, b in zip("wmv", got, want, strict=True):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if not _arrays_close(a, b, rel=1e-9):
            bad = np.abs(a - b) > 1e-9 * np.abs(b) + 1e-12 * float(np.max(np.abs(b), initial=0))
            index = tuple(int(i) for i in np.argwhere(bad | ~np.isfinite(a))[0])
            where = f"[{', '.join(map(str, index))}]" if index else ""
            return (
                f"The first difference: {name}{where} after step {step + 1} should be "
                f"{b[index]:.12g}, yours is {a[index]:.12g}."
            )
    return ""


def _diagnose_adamw(case, got, want):
    step = next(
        k for k, (g_state, w_state) in enumerate(zip(got, want, strict=True))
        if not _states_agree([g_state], [w_state])
    )  # fmt: skip
    w, m, v = (np.asarray(x, dtype=float) for x in got[step])
    where = _first_difference(step, (w, m, v), want[step])
    if not all(np.all(np.isfinite(x)) for x in (w, m, v)):
        return (
            f"{where} After step {step + 1} your w, m or v holds NaN or ∞: look for a division "
            "by 0 (the corrections 1 - βᵗ are never 0 for t ≥ 1, and ε keeps √v̂ + ε above 0)."
        )
    if step == 0:
        slips = _adamw_first_step_slips(case, want)
        distance = {name: _mismatch((w, m, v), slip) for name, slip in slips.items()}
        nearest = min(distance, key=distance.get)
        if distance[nearest] < 1e-7:
            return f"{where}\n{_ADAM_SLIPS[nearest]}"
    wm, wv = (np.asarray(x, dtype=float) for x in want[step][1:])
    grad = case["grads"][step]
    if step > 0 and _arrays_close(m, (1 - case["beta1"]) * grad):
        return (
            f"{where}\nYour first step is right, step {step + 1} is not: m restarted from 0. "
            "m and v carry over from step to step: m = β₁·m + (1 - β₁)·g uses the m you "
            "were given."
        )
    if _arrays_close(m, wm) and not _arrays_close(v, wv):
        return f"{where}\nm is right but v is not: v averages the squared gradient g², with β₂."
    if _arrays_close(m, wm) and _arrays_close(v, wv):
        return (
            f"{where}\nm and v are right, w is not: w - lr·m̂/(√v̂ + ε) - lr·weight_decay·w, "
            f"with the w from before the step (t = {step + 1} here)."
        )
    return (
        f"{where}\nCompare your w, m and v after that step with the formulas above the exercise."
    )


def _explain_adamw_raised(case, raised: Raised):
    if raised.type not in ("FloatingPointError", "ZeroDivisionError"):
        return None
    if "sqrt" in raised.message:
        return (
            "That is the square root of a negative number. v averages g², so it is never "
            "negative: check that v gets (1 - β₂)·g², squared, and that you return (w, m, v) "
            "in that order, since the next step is handed back what you returned."
        )
    zero_grads = bool(np.any(np.all(np.array(case["grads"]) == 0, axis=0)))
    if zero_grads and "invalid" in raised.message:
        return (
            "This case has a weight whose gradient is always 0, so its m̂ and v̂ are 0, and "
            "m̂/√v̂ is 0/0. ε belongs in the divisor, m̂ / (√v̂ + ε), so that it is never 0."
        )
    return (
        "Something was divided by exactly 0. On the first step t is already 1, so the "
        "corrections 1 - β₁ᵗ and 1 - β₂ᵗ are 1 - β₁ and 1 - β₂, never 0 (a count that starts "
        "at 0 gives 1 - β⁰ = 0); and ε keeps √v̂ + ε above 0."
    )


class _Steps(list):
    """(w, m, v) after each step, shown as the w after the first step."""

    def __repr__(self) -> str:
        try:
            w1 = np.array2string(np.asarray(self[0][0], dtype=float), precision=8)
        except Exception:
            return list.__repr__(self)[:80]
        return f"w after step 1 = {w1}"[:90]


def judge_adamw_step(cases, results) -> Feedback:
    """adamw_step agrees with PyTorch's AdamW rule over several steps on every case."""
    shown = [dict(c, want=_Steps(c["want"])) for c in cases]
    got = [_Steps(r) if type(r) is list and r else r for r in results]
    failure = _judge(
        shown, got, agree=_states_agree, describe=_describe_adamw,
        diagnose=_diagnose_adamw, explain_raised=_explain_adamw_raised,
    )  # fmt: skip
    steps = sum(len(c["grads"]) for c in cases)
    return failure or correct(
        f"Your steps match AdamW (PyTorch's torch.optim.AdamW rule) on {len(cases)} problems, "
        f"{steps} steps in all, including gradients of size 0.01 and 100, a weight whose "
        "gradient is always 0, and no decay at all. The decay does not pass through √v̂: "
        "every weight shrinks by the same fraction lr·λ per step, whatever the size of its "
        "gradients, which is what 'decoupled' means."
    )


@exercise(
    "09.1",
    title="an AdamW step: Adam with decoupled weight decay",
    answers="adamw_step",
    placeholder='''
def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW update of the weights w (an array) with gradient g = ∂L/∂w.

    Adam with both bias corrections and ε added to √v̂, plus the decoupled weight
    decay: the weights also shrink by lr·weight_decay·w (w as it was before this
    step). m and v are the running averages from the previous step (zeros before
    the first), t is this step's number (1, 2, 3, ...). Returns (new w, new m, new v).
    """
    raise NotImplementedError("write the body of adamw_step")
''',
    hints=(
        "Two parts that do not mix: Adam's step, computed from the gradient g = ∂L/∂w alone "
        "(update m and v, correct both, divide), and the decay, computed from w alone. "
        "Return w, m and v (the uncorrected m and v: the corrections are recomputed from "
        "them each step).",
        "m = β₁·m + (1 - β₁)·g and v = β₂·v + (1 - β₂)·g², then m̂ = m / (1 - β₁ᵗ), "
        "v̂ = v / (1 - β₂ᵗ); Adam's step is m̂ / (√v̂ + ε).",
        "The new weights are w - lr·m̂/(√v̂ + ε) - lr·weight_decay·w, with the w you were "
        "given (np.sqrt works on whole arrays).",
    ),
    cases=_adamw_public_cases(),
    judge=judge_adamw_step,
)
def probe_adamw_step(adamw_step, case):
    """The learner's adamw_step over the case's steps: (w, m, v) after each step.

    nnlib.optim.Adam is switched off (the exercise asks for the step itself), and a
    division by 0 raises, so that the feedback names the line where it happened.
    """
    if not callable(adamw_step):
        raise AnswerError(
            f"Expected a function adamw_step(w, g, m, v, t, ...), got {adamw_step!r}."
        )
    w0 = case["w"]
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    settings = [case[k] for k in ("lr", "beta1", "beta2", "eps", "weight_decay")]
    states = []
    with (
        refusing({"nnlib.optim.Adam": "the Adam step"}, adamw_step),
        np.errstate(divide="raise", invalid="raise"),
    ):
        for t, grad in enumerate(case["grads"], start=1):
            got = call(adamw_step, w.copy(), grad.copy(), m.copy(), v.copy(), t, *settings,
                       name="adamw_step")  # fmt: skip
            if got is None:
                raise AnswerError(
                    "adamw_step returned None: is a `return` missing? It should return (w, m, v)."
                )
            if not isinstance(got, tuple | list) or len(got) != 3:
                raise AnswerError(
                    "adamw_step should return three arrays (w, m, v), got "
                    + type(got).__name__
                    + (f" of length {len(got)}" if isinstance(got, tuple | list) else "")
                    + "."
                )
            what = f"each of w, m, v (shape {w0.shape}) after step {t}"
            w, m, v = (_float_array(x, w0.shape, what) for x in got)
            states.append((w, m, v))
    return states


# ------------------------------------------------------ 09.2 clipping by global norm


def clip_by_library(grads, max_norm) -> tuple[list, float]:
    """nnlib.nn.clip_grad_norm_ on copies of ``grads``: (the clipped list, the norm before)."""
    params = []
    for grad in grads:
        p = nn.Parameter(np.zeros_like(grad))
        p.grad = grad.copy()
        params.append(p)
    total = nn.clip_grad_norm_(params, max_norm)
    return [p.grad for p in params], total


def _clip_case(grads, max_norm, want=None) -> dict:
    case = {"grads": tuple(grads), "max_norm": max_norm}
    if want is not None:
        case["want"] = want
    return case


def _clip_public_cases() -> list[dict]:
    g = np.random.default_rng(4)
    cases = [
        _clip_case([np.array([3.0, 4.0])], 1.0),
        _clip_case([np.array([[0.3, -0.4]]), np.array([0.0])], 1.0),  # below: unchanged
        _clip_case([g.normal(size=(4, 3)), g.normal(size=3)], 1.0),
        _clip_case(
            [g.normal(size=(5, 5)) * 10, g.normal(size=5) * 0.1, g.normal(size=(2, 5))], 5.0
        ),
        _clip_case([np.zeros((3, 2)), np.zeros(2)], 1.0),  # all zero: nothing to scale
        _clip_case([g.normal(size=(8,)) * 1e3, g.normal(size=(3, 8)) * 1e-3], 0.5),
        # each array below the limit on its own, together above it
        _clip_case([np.array([0.6, 0.0]), np.array([[0.0], [0.7]]), np.array([0.5])], 1.0),
    ]
    for case in cases:
        case["want"] = clip_by_library(case["grads"], case["max_norm"])
    return cases


def _global_norm(grads) -> float:
    return math.sqrt(sum(float(np.sum(np.square(x))) for x in grads))


def _describe_clip(case) -> str:
    shapes = ", ".join(str(x.shape) for x in case["grads"])
    return (
        f"grads of shapes [{shapes}] with global norm {_global_norm(case['grads']):.4g}, "
        f"max_norm={case['max_norm']:g}"
    )


def _clip_agree(got, want) -> bool:
    (clipped, total), (want_clipped, want_total) = got, want
    if len(clipped) != len(want_clipped):
        return False
    return close(total, want_total, rel=1e-6) and all(
        _arrays_close(a, b, rel=1e-5) for a, b in zip(clipped, want_clipped, strict=True)
    )


def _diagnose_clip(case, got, want):
    grads, max_norm = case["grads"], case["max_norm"]
    clipped, total = got
    right_total = want[1]
    squares = [float(np.sum(np.square(x))) for x in grads]
    norm_after = _global_norm(clipped)
    if not close(total, right_total, rel=1e-6):
        if close(total, norm_after, rel=1e-6) and all(
            _arrays_close(c, x, rel=1e-5) for c, x in zip(clipped, want[0], strict=True)
        ):
            return "The norm you returned is the one after clipping; return the one before."
        if close(total, right_total**2, rel=1e-6):
            return "That norm is the sum of squares: take its square root."
        if close(total, sum(math.sqrt(s) for s in squares), rel=1e-6):
            return (
                "That norm adds up the arrays' own norms. The global norm treats all arrays "
                "as one long vector: the square root of the sum of *every* squared entry."
            )
        if close(total, sum(float(np.sum(np.abs(x))) for x in grads), rel=1e-6):
            return "That is the sum of |g| (the L1 norm): square every entry, add, take √."
        count = sum(x.size for x in grads)
        if close(total, math.sqrt(sum(squares) / count), rel=1e-6) or close(
            total, math.sqrt(sum(float(np.mean(np.square(x))) for x in grads)), rel=1e-6
        ):
            return "That norm averages the squares: add them up instead (np.sum, not np.mean)."
        if close(total, math.sqrt(squares[0]), rel=1e-6):
            return "That norm is the first array's alone: add the squares of every array."
        return "The global norm is sqrt of the sum of every squared entry of every array."
    if all(
        _arrays_close(c, np.clip(x, -max_norm, max_norm))
        for c, x in zip(clipped, grads, strict=True)
    ):
        return (
            "That clips each entry to ±max_norm (clipping by value, PyTorch's "
            "clip_grad_value_), which changes the step's direction. Clipping by the global "
            "norm multiplies every array by one factor, max_norm / (global norm)."
        )
    if right_total <= max_norm:
        return "Below max_norm, leave the gradients alone: clipping never scales up."
    own = [
        min(1.0, max_norm / max(math.sqrt(s), 1e-300)) * x
        for s, x in zip(squares, grads, strict=True)
    ]
    if all(_arrays_close(c, x) for c, x in zip(clipped, own, strict=True)):
        return (
            "Each array was clipped by its own norm. Global clipping scales all of them "
            "by one factor, which keeps the direction of the whole step."
        )
    factor = right_total / max_norm
    if all(_arrays_close(c, x * factor) for c, x in zip(clipped, grads, strict=True)):
        return "The factor is upside down: multiply by max_norm / norm, which is below 1 here."
    scaled = [
        _arrays_close(c, x * (max_norm / right_total)) for c, x in zip(clipped, grads, strict=True)
    ]
    if any(scaled) and not all(scaled):
        return "Only some of the arrays were scaled: every array gets the same factor."
    return "Scale every array by the same factor max_norm / (global norm)."


def _explain_clip_raised(case, raised: Raised):
    if raised.type not in ("FloatingPointError", "ZeroDivisionError"):
        return None
    if _global_norm(case["grads"]) == 0:
        return (
            "These gradients are all 0, so the global norm is 0 and max_norm / norm divides "
            "by 0. A norm of 0 is below any max_norm: scale only when the norm is above "
            "max_norm, and return all-zero gradients as they are."
        )
    return None


class _Clipped(tuple):
    """(clipped list, norm), shown with six digits."""

    def __repr__(self) -> str:
        try:
            arrays = ", ".join(
                np.array2string(np.asarray(a, dtype=float), precision=6, separator=", ")
                for a in self[0]
            )
            text = f"the norm {float(self[1]):.8g} and [{arrays}]"
        except Exception:
            text = tuple.__repr__(self)
        return " ".join(text.split())[:200]


def judge_clip_by_global_norm(cases, results) -> Feedback:
    """clip_by_global_norm matches clip_grad_norm_'s rule on every case."""
    shown = [dict(c, want=_Clipped(c["want"])) for c in cases]
    got = [_Clipped(r) if type(r) is tuple and len(r) == 2 else r for r in results]
    failure = _judge(
        shown, got, agree=_clip_agree, describe=_describe_clip,
        diagnose=_diagnose_clip, explain_raised=_explain_clip_raised,
    )  # fmt: skip
    return failure or correct(
        f"Right on {len(cases)} cases, including gradients already inside the limit (left "
        "alone), arrays each short enough on their own but too long together, and all-zero "
        "gradients (no division by zero). nnlib.nn.clip_grad_norm_ and PyTorch's "
        "torch.nn.utils.clip_grad_norm_ do the same, in place."
    )


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
    hints=(
        "First the global norm: square every entry of every array, add them all up, take "
        "the square root. Then decide whether to scale.",
        "Only when the norm is above max_norm, multiply every array by the same factor "
        "max_norm / norm. Below it (and for all-zero gradients, whose norm is 0), return the "
        "gradients unchanged.",
        "total = np.sqrt(sum(np.sum(g**2) for g in grads)); return "
        "[g * (max_norm / total) for g in grads], total when total > max_norm.",
    ),
    cases=_clip_public_cases(),
    judge=judge_clip_by_global_norm,
)
def probe_clip_by_global_norm(clip_by_global_norm, case):
    """The learner's (clipped list, norm) on one case, with clip_grad_norm_ switched off."""
    if not callable(clip_by_global_norm):
        raise AnswerError(
            "Expected a function clip_by_global_norm(grads, max_norm), "
            f"got {clip_by_global_norm!r}."
        )
    grads = case["grads"]
    with (
        refusing({"nnlib.nn.clip_grad_norm_": "clip_by_global_norm"}, clip_by_global_norm),
        np.errstate(divide="raise", invalid="raise"),
    ):
        got = call(clip_by_global_norm, [x.copy() for x in grads], case["max_norm"],
                   name="clip_by_global_norm")  # fmt: skip
    if got is None:
        raise AnswerError(
            "clip_by_global_norm returned None: is a `return` missing? It should return "
            "(the clipped list, the norm before clipping)."
        )
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise AnswerError(
            "clip_by_global_norm should return two things: (the clipped list, the norm "
            f"before clipping), got {type(got).__name__}."
        )
    clipped, total = got
    if isinstance(total, list | tuple) and not isinstance(clipped, list | tuple):
        raise AnswerError(
            "clip_by_global_norm returned (the norm, the list): return them the other way "
            "round, (the clipped list, the norm before clipping)."
        )
    if not isinstance(clipped, list | tuple) or len(clipped) != len(grads):
        raise AnswerError(f"The clipped gradients should be a list of {len(grads)} arrays.")
    arrays = [_float_array(c, x.shape, f"an array of shape {x.shape}")
              for c, x in zip(clipped, grads, strict=True)]  # fmt: skip
    return arrays, as_number(total, "the norm")


# ---------------------------------------------------- 09.3 warm-up, then a cosine

_WARMUP_CASES = [
    {"step": step, "base_lr": lr, "warmup_steps": warm, "total_steps": total, "want": want}
    for step, lr, warm, total, want in [
        # the rate at (step, base_lr, warmup_steps, total_steps), from the reference
        (0, 0.1, 10, 100, 0.0),
        (5, 0.1, 10, 100, 0.05),
        (10, 0.1, 10, 100, 0.1),
        (55, 0.1, 10, 100, 0.05),
        (99, 0.1, 10, 100, 3.0458649045211895e-05),
        (100, 0.1, 10, 100, 0.0),
        (130, 0.1, 10, 100, 0.0),
        (0, 0.001, 0, 50, 0.001),  # no warm-up: the cosine starts at base_lr
        (25, 0.001, 0, 50, 0.0005),
        (40, 0.01, 40, 104, 0.01),
        (51, 0.3, 53, 150, 0.28867924528301886),
        (63, 0.001, 32, 102, 0.0005892784473993184),
        (83, 0.3, 18, 87, 0.002480744754938696),
        (199, 0.001, 103, 216, 5.481271098285817e-05),
        (204, 0.001, 27, 269, 0.00016769187051016932),
    ]
]


def _describe_warmup(c) -> str:
    return (
        f"step={c['step']}, base_lr={c['base_lr']:g}, warmup_steps={c['warmup_steps']}, "
        f"total_steps={c['total_steps']}"
    )


def _warmup_agree(got, want) -> bool:
    return close(as_number(got), want, rel=1e-9, abs_tol=1e-15)


def _diagnose_warmup(case, got, want):
    step, lr, warm, total = (case[k] for k in ("step", "base_lr", "warmup_steps", "total_steps"))
    x = as_number(got)
    same = lambda a: close(x, a, rel=1e-9, abs_tol=1e-15)  # noqa: E731
    if step < warm:
        if step == 0 and same(lr / warm):
            return (
                "On step 0 the warm-up gives 0, base_lr · 0 / warmup_steps; yours starts at "
                "base_lr / warmup_steps, one step ahead, as (step + 1) or max(step, 1) would."
            )
        if same(lr * (step + 1) / warm):
            return "The warm-up starts at 0 on step 0: use step / warmup_steps, not (step + 1)."
        if same(lr * (step // warm)):
            return (
                "step // warmup_steps is a whole-number division (0 during the warm-up): "
                "use step / warmup_steps."
            )
        if same(lr):
            return "The warm-up is missing: for step < warmup_steps the rate climbs from 0."
        return "During the warm-up the rate is base_lr · step / warmup_steps."
    if step >= total:
        if x > 0:
            return "After total_steps the rate stays 0; a cosine past its end rises again."
        return None
    progress = (step - warm) / (total - warm)
    cosine = lambda p: lr * 0.5 * (1 + math.cos(math.pi * p))  # noqa: E731
    if warm > 0 and same(cosine(step / total)):
        return (
            "The cosine must start where the warm-up ends: measure progress from "
            "warmup_steps, over total_steps - warmup_steps steps."
        )
    if warm > 0 and same(cosine((step - warm) / total)):
        return (
            "The cosine part lasts total_steps - warmup_steps steps: divide by that, not by "
            "total_steps, so that the rate reaches 0 at total_steps."
        )
    if same(2 * want):
        return "The cosine part needs the factor 1/2: (1 + cos) runs from 2 down to 0."
    if same(lr * 0.5 * (1 + math.cos(progress))):
        return "cos needs π: cos(π · progress) runs from 1 to -1 as progress goes from 0 to 1."
    if same(lr * (1 - progress)):
        return "That falls in a straight line (a linear decay); this schedule follows a cosine."
    if same(lr * 0.5 * (1 - math.cos(math.pi * progress))):
        return "The cosine is upside down: (1 + cos(π · progress)) / 2 starts at 1 and ends at 0."
    return None


def _explain_warmup_raised(case, raised: Raised):
    if raised.type == "ZeroDivisionError" and case["warmup_steps"] == 0:
        return (
            "With warmup_steps = 0 there is no warm-up: step 0 already belongs to the cosine, "
            "which starts at base_lr. Test step < warmup_steps (never true when warmup_steps "
            "is 0), so that nothing divides by warmup_steps = 0."
        )
    return None


def judge_warmup_cosine(cases, results) -> Feedback:
    """warmup_cosine on fixed and random steps, warm-ups (including none) and lengths."""
    failure = _judge(
        cases, results, agree=_warmup_agree, describe=_describe_warmup,
        diagnose=_diagnose_warmup, explain_raised=_explain_warmup_raised,
    )  # fmt: skip
    return failure or correct(
        f"Right on {len(cases)} cases, including no warm-up at all and steps past the end. "
        "With PyTorch the same schedule is LinearLR then CosineAnnealingLR, chained by "
        "SequentialLR."
    )


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
    hints=(
        "Three cases: during the warm-up (step < warmup_steps), after the end "
        "(step >= total_steps), and the cosine part in between.",
        "Warm-up: base_lr · step / warmup_steps. Cosine: measure how far through the cosine "
        "part you are, progress = (step - warmup_steps) / (total_steps - warmup_steps).",
        "Then base_lr · (1 + cos(π · progress)) / 2, which is base_lr at progress 0 and 0 at "
        "progress 1. Checking step < warmup_steps first also handles warmup_steps = 0.",
    ),
    cases=_WARMUP_CASES,
    judge=judge_warmup_cosine,
)
def probe_warmup_cosine(warmup_cosine, case):
    """The learner's rate at one step, with nnlib's schedules switched off."""
    if not callable(warmup_cosine):
        raise AnswerError(f"Expected a function warmup_cosine(step, ...), got {warmup_cosine!r}.")
    refused = {"nnlib.optim.CosineAnnealingLR": "warmup_cosine",
               "nnlib.optim.LinearLR": "warmup_cosine"}  # fmt: skip
    args = [case[k] for k in ("step", "base_lr", "warmup_steps", "total_steps")]
    with refusing(refused, warmup_cosine):
        got = call(warmup_cosine, *args, name="warmup_cosine")
    if got is None:
        return None  # the judge says: "returned None: is a `return` missing?"
    return as_number(got, "a number (the learning rate)")


# --------------------------------------------- 09.4 Adam's first step, uncorrected


@exercise(
    "09.4",
    title="Adam's first step without bias correction",
    kind="value",
    answers="ratio",
    placeholder="ratio = ...  # your answer: a number (the step's length divided by lr)",
    hints=(
        "Start from m = 0 and v = 0 and do one update with a gradient g = ∂L/∂w: write m₁ "
        "and v₁ in terms of g.",
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
    slips = [
        (1.0, "1 is the step *with* both corrections. We asked for the step without them."),
        (20.0, "That divides by v₁ = 0.01·g², not by its square root √v₁ = 0.1·|g|."),
        (0.2, "0.2 is m₁/g, or the step with only v corrected (m₁/√v̂₁ = 0.2·g/|g|). Without "
         "any correction Adam divides m₁ = 0.2·g by √v₁ = 0.1·|g|."),
        (10.0, "10 is the step with only m corrected (m̂₁/√v₁ = g / (0.1·|g|)). Without any "
         "correction the top is m₁ = 0.2·g."),
        (0.1, "0.1 is √v₁/|g| alone. The step is m₁/√v₁: put m₁ = 0.2·g on top."),
        (0.5, "That is upside down: √v₁/m₁. The step is m₁/√v₁ = 0.2·g / (0.1·|g|)."),
        (0.02, "That multiplies m₁ by √v₁; the step divides: m₁/√v₁."),
        (4.0, "That is the square of the answer: divide m₁ = 0.2·g by √v₁ = 0.1·|g| once."),
        ((1 - 0.9) / math.sqrt(1 - 0.999),
         "That is the ratio for the default betas 0.9 and 0.999; use 0.8 and 0.99."),
        (0.8 / math.sqrt(0.99),
         "That used β₁ and β₂ where 1 - β₁ and 1 - β₂ belong: m₁ = (1 - β₁)·g = 0.2·g "
         "(the new gradient gets the small weight, the old average, 0, the large one)."),
    ]  # fmt: skip
    for value, message in slips:
        if close(r, value, rel=1e-3):
            return wrong(message)
    return wrong(f"{r:g} is not it. Write m₁ and v₁ after one step from zero, then m₁ / √v₁.")
