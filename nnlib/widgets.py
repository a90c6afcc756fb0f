"""The interactive explorers the chapters call, one function each.

Chapter 00 introduces them. Every explorer has two layers:

- a **pure function** from slider values to what is shown (numbers, arrays,
  text). It is where the mathematics lives, and tests call it directly;
- a thin **shell** (`Explorer`) that builds ipywidgets sliders, calls the pure
  function whenever a slider moves, and updates the readout (and a figure, in
  later chapters) in place.

In a notebook you call one function, e.g. ``square_explorer()``, and play.
In a test you build the same explorer, set ``ex.sliders["x"].value = 2`` and
assert on ``ex.result`` or ``ex.readout.value``; no browser is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from nnlib import functional as F
from nnlib import nn, optim
from nnlib.data import make_blobs, make_moons, make_spirals, make_xor
from nnlib.plots import COLORS, figure_png, new_figure

__all__ = [
    "PLAYGROUND_ACTIVATIONS",
    "PLAYGROUND_DATA",
    "Explorer",
    "Playground",
    "dropdown",
    "int_slider",
    "log_slider",
    "make_playground",
    "playground",
    "playground_accuracy",
    "show_figure",
    "slider",
    "train_playground",
    "value_slope_table",
]


def slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    *,
    readout_format: str = ".2f",
    continuous_update: bool = True,
    description_width: str = "initial",
) -> widgets.FloatSlider:
    """A FloatSlider with the course's look: wide, labelled, two decimals.

    Give sliders that are shown together the same ``description_width`` (such
    as "130px") so that their tracks line up.
    """
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=continuous_update,
        style={"description_width": description_width},
        layout=widgets.Layout(width="420px"),
    )


def show_figure(figure: Figure, image: widgets.Image) -> None:
    """Draw ``figure`` into ``image`` as PNG. The first call lays the figure out;
    later redraws keep that layout, which makes them about 3x faster."""
    image.value = figure_png(figure)
    figure.set_layout_engine(None)


def int_slider(description: str, value: int, min: int, max: int) -> widgets.IntSlider:
    """An IntSlider with the course's look (for counts: steps, units, nodes)."""
    return widgets.IntSlider(
        value=value,
        min=min,
        max=max,
        step=1,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


class Explorer:
    """Sliders, a readout and (optionally) a figure, wired to a pure function.

    ``compute(**slider_values)`` returns a result (any object); ``render(result)``
    turns it into the HTML shown under the sliders; ``draw(result)``, when a
    ``figure`` is given, updates that figure's artists in place, and the
    explorer shows the figure as a PNG image. Moving any slider runs all of
    them again; ``result`` always holds the latest result.
    """

    def __init__(
        self,
        sliders: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., object],
        render: Callable[[object], str] | None = None,
        *,
        figure: Figure | None = None,
        draw: Callable[[object], None] | None = None,
        title: str = "",
    ):
        self.sliders = dict(sliders)
        self.compute = compute
        self.render = render
        self.figure = figure
        self.draw = draw
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png") if figure is not None else None
        self.result: object = None
        controls: list[widgets.Widget] = []
        if title:
            controls.append(widgets.HTML(f"<b>{title}</b>"))
        controls += [*self.sliders.values(), self.readout]
        if self.image is not None:
            self.image.layout = widgets.Layout(max_width=f"{int(figure.get_figwidth() * 96)}px")
            self.widget = widgets.VBox([widgets.VBox(controls), self.image])
        else:
            self.widget = widgets.VBox(controls)
        for s in self.sliders.values():
            s.observe(self._changed, names="value")
        self.update()

    def values(self) -> dict[str, object]:
        """The sliders' current values, by name."""
        return {name: s.value for name, s in self.sliders.items()}

    def update(self) -> None:
        """Recompute from the sliders and refresh what is shown."""
        self.result = self.compute(**self.values())
        if self.render is not None:
            self.readout.value = self.render(self.result)
        if self.figure is not None:
            if self.draw is not None:
                self.draw(self.result)
            show_figure(self.figure, self.image)

    def _changed(self, _change) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def log_slider(description: str, value: float, min_exp: float, max_exp: float, step=0.05):
    """A slider that moves in powers of ten, for step sizes like h = 10⁻⁸ … 1."""
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=step,
        description=description,
        readout_format=".1e",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )


def value_slope_table(items: dict, first: str, value: str, slope: str, fmt: str = ".4f") -> str:
    """An HTML table with one row per name: its value and its slope."""
    rows = "".join(
        f"<tr><td>{name}</td><td>{v:{fmt}}</td><td>{s:{fmt}}</td></tr>"
        for name, (v, s) in items.items()
    )
    return (
        f"<table cellpadding='3'><tr><th>{first}</th><th>{value}</th><th>{slope}</th></tr>"
        f"{rows}</table>"
    )


def dropdown(description: str, options, value=None):
    """A labelled drop-down list."""
    return widgets.Dropdown(
        options=options,
        value=value if value is not None else next(iter(options)),
        description=description,
        style={"description_width": "initial"},
    )


PLAYGROUND_DATA = ("moons", "spirals", "xor", "blobs")
PLAYGROUND_ACTIVATIONS = {"tanh": nn.Tanh, "ReLU": nn.ReLU, "sigmoid": nn.Sigmoid}


def make_playground(
    dataset="moons", noise=0.15, hidden=8, activation="tanh", lr=0.3, seed=0
) -> dict:
    """A fresh playground: data, a 2-hidden-layer network and its optimiser (SGD, momentum 0.9)."""
    if dataset not in PLAYGROUND_DATA:
        raise ValueError(f"dataset must be one of {PLAYGROUND_DATA}, got {dataset!r}")
    if activation not in PLAYGROUND_ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {list(PLAYGROUND_ACTIVATIONS)}, got {activation!r}"
        )
    makers = {
        "moons": lambda: make_moons(200, noise=noise, rng=seed),
        "spirals": lambda: make_spirals(300, 2, noise=noise + 0.05, rng=seed),
        "xor": lambda: make_xor(200, noise=noise / 2, rng=seed),
        "blobs": lambda: make_blobs(200, 3, cluster_std=0.6 + 3 * noise, rng=seed),
    }
    X, y = makers[dataset]()
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # centred and scaled, so one rate suits all sets
    classes = int(y.max()) + 1
    act = PLAYGROUND_ACTIVATIONS[activation]
    model = nn.Sequential(
        nn.Linear(2, hidden, rng=seed + 1), act(), nn.Linear(hidden, hidden, rng=seed + 2), act(),
        nn.Linear(hidden, classes, rng=seed + 3),
    )  # fmt: skip
    return {
        "X": X,
        "y": y,
        "model": model,
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": optim.SGD(model.parameters(), lr=lr, momentum=0.9),
        "losses": [],
        "epoch": 0,
    }


def train_playground(state: dict, steps: int = 20) -> dict:
    """Run ``steps`` full-batch training steps; append the losses; return the state."""
    X, y, model, loss_fn, opt = (state[k] for k in ("X", "y", "model", "loss_fn", "optimizer"))
    for _ in range(steps):
        loss = loss_fn(model(X), y)
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
        state["losses"].append(loss)
        state["epoch"] += 1
    return state


def playground_accuracy(state: dict) -> float:
    return float(np.mean(state["model"](state["X"]).argmax(axis=1) == state["y"]))


class Playground:
    """Choose a data set, noise, hidden units, activation and learning rate; press play.

    Every tick of the play button trains 20 full-batch steps and redraws the
    loss curve and the decision regions. Changing any setting starts afresh.
    ``tick()`` does what one press of play does (the tests call it).
    """

    STEPS_PER_TICK = 20

    def __init__(self, dataset="moons", noise=0.15, hidden=8, activation="tanh", lr=0.3):
        self.sliders = {
            "dataset": dropdown("data", list(PLAYGROUND_DATA), dataset),
            "noise": slider("noise", noise, 0.0, 0.5, 0.05),
            "hidden": int_slider("hidden units per layer", hidden, 1, 32),
            "activation": dropdown("activation", list(PLAYGROUND_ACTIVATIONS), activation),
            "lr": log_slider("learning rate", lr, -3, 0.5),
        }  # fmt: skip
        self.play = widgets.Play(
            value=0, min=0, max=10**6, step=1, interval=300, description="train"
        )
        self.reset_button = widgets.Button(description="reset", icon="refresh")
        self.readout = widgets.HTML()
        self.figure, (self.ax, self.ax_loss) = new_figure(10.0, 4.2, ncols=2)
        self.image = widgets.Image(format="png")
        grid = np.linspace(-2.8, 2.8, 90)
        self._gx, self._gy = np.meshgrid(grid, grid)
        self._plane = np.c_[self._gx.ravel(), self._gy.ravel()]
        self._regions = self.ax.imshow(
            np.zeros_like(self._gx), extent=(-2.8, 2.8, -2.8, 2.8), origin="lower",
            cmap="coolwarm",
            vmin=0, vmax=2, alpha=0.35, interpolation="bilinear",
        )  # fmt: skip
        self._points = self.ax.scatter(
            [], [], s=14, c=[], cmap="coolwarm", vmin=0, vmax=2, edgecolors="k", linewidths=0.3
        )
        self.ax.set(xlim=(-2.8, 2.8), ylim=(-2.8, 2.8), xlabel="x1 (scaled)", ylabel="x2 (scaled)")
        (self._loss_line,) = self.ax_loss.semilogy([], [], color=COLORS["vermillion"], lw=2)
        self.ax_loss.set(xlabel="training step", ylabel="loss (log scale)")
        self.ax_loss.set_title("training loss", fontsize=10)
        for s in self.sliders.values():
            s.observe(lambda _change: self.reset(), names="value")
        self.play.observe(lambda _change: self.tick(), names="value")
        self.reset_button.on_click(lambda _b: self.reset())
        self.widget = widgets.VBox(
            [
                widgets.HTML("<b>Playground: train a small network and watch it learn</b>"),
                *self.sliders.values(),
                widgets.HBox([self.play, self.reset_button]),
                self.readout,
                self.image,
            ]
        )
        self.reset()

    def reset(self) -> None:
        """Start again from fresh weights with the current settings."""
        v = {name: s.value for name, s in self.sliders.items()}
        self.state = make_playground(
            v["dataset"], v["noise"], v["hidden"], v["activation"], v["lr"]
        )
        self._points.set_offsets(self.state["X"])
        classes = int(self.state["y"].max()) + 1
        self._points.set_array(
            self.state["y"] * (2 / max(1, classes - 1))
        )  # same colours as regions
        self._redraw()

    def tick(self) -> None:
        """Train STEPS_PER_TICK steps and redraw."""
        train_playground(self.state, self.STEPS_PER_TICK)
        self._redraw()

    def _redraw(self) -> None:
        model, losses = self.state["model"], self.state["losses"]
        probs = F.softmax(model(self._plane))
        classes = probs.shape[1]
        self._regions.set_data(
            (probs @ np.arange(classes) * (2 / max(1, classes - 1))).reshape(self._gx.shape)
        )
        if losses:
            self._loss_line.set_data(np.arange(1, len(losses) + 1), losses)
            self.ax_loss.set_xlim(1, max(2, len(losses)))
            finite = [v for v in losses if np.isfinite(v)] or [1.0]
            self.ax_loss.set_ylim(max(min(finite) / 2, 1e-4), max(max(finite) * 2, 1e-3))
        acc = playground_accuracy(self.state)
        self.ax.set_title(
            f"{self.sliders['dataset'].value}: step {self.state['epoch']}, accuracy {acc:.0%}",
            fontsize=10,
        )
        loss = f"{losses[-1]:.4f}" if losses else "not trained yet"
        self.readout.value = (
            f"step <b>{self.state['epoch']}</b> &nbsp; loss <b>{loss}</b> &nbsp; "
            f"accuracy <b>{acc:.1%}</b> &nbsp; (gradient descent with momentum 0.9, full batch)"
        )
        show_figure(self.figure, self.image)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def playground(**settings) -> Playground:
    """The chapter 08 playground (see ``Playground``)."""
    return Playground(**settings)
