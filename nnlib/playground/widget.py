"""The playground's display: an anywidget that draws, in the browser, what the model computes.

The kernel does the mathematics (``nnlib.playground.model``) and sends
numbers; the browser (``static/playground.js``) draws them on <canvas> and
SVG and sends the learner's actions back. Nothing is rendered to images in
Python, so a frame costs the kernel a couple of milliseconds.

What travels, kernel → browser (synced traits):

- ``settings``: the settings in force (``PlaygroundModel.settings``), to set the controls;
- ``frame``: a JSON dict per drawn frame: epoch, losses, accuracies, every
  weight and bias with its gradient, per-layer statistics, the loss history
  (at most ``HISTORY_POINTS`` points) and ``seq``, the number of the request it
  answers;
- ``grids``: float32 bytes, the output surface (``SURFACE_RES``²) followed by
  each hidden and output neuron's heatmap (``NEURON_RES``² each);
- ``points``: the training and test points, sent only when the data change;
- ``meta``: what never changes (feature names and heatmaps, option lists);
- ``code``: ``to_code()``'s source, when the learner asks for it.

Browser → kernel: custom messages ``{"type": ...}``: ``set`` (settings),
``step`` (n epochs), ``reset``, ``set_weight``, ``set_bias``, ``add_point``,
``clear_points`` and ``code``.

How *play* runs: the browser asks for the next epochs only after it has drawn
the previous answer (one request in flight). The kernel handles each request
on its main thread between cells, so there is no thread, no lock, and a slow
browser or a busy kernel simply slows the animation instead of queueing work.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

from nnlib.playground.model import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    CONTROLS,
    FEATURE_LABELS,
    FEATURES,
    LIMITS,
    OPTIMIZERS,
    REGRESSION_DATASETS,
    PlaygroundModel,
    R,
    _grid_points,
    feature_matrix,
)

__all__ = ["HISTORY_POINTS", "NEURON_RES", "SURFACE_RES", "Playground"]

STATIC = Path(__file__).parent / "static"
SURFACE_RES = 50  # the big output picture: 50×50 cells
NEURON_RES = 16  # each neuron's small heatmap
HISTORY_POINTS = 300  # the loss curve is sent thinned to at most this many points

_FEATURE_SCALE = {"x1": R, "x2": R, "x1_sq": R * R, "x2_sq": R * R, "x1x2": R * R}


def _thin(values: list, k: int) -> list:
    """At most k evenly spaced entries of ``values``, always keeping the last."""
    if len(values) <= k:
        return list(values)
    idx = np.unique(np.linspace(0, len(values) - 1, k).round().astype(int))
    return [values[i] for i in idx]


def _meta() -> dict:
    grid = feature_matrix(_grid_points(NEURON_RES), list(FEATURES))
    scale = np.array([_FEATURE_SCALE.get(f, 1.0) for f in FEATURES])
    heat = (grid / scale).T.round(4).tolist()
    return {
        "R": R,
        "surface_res": SURFACE_RES,
        "neuron_res": NEURON_RES,
        "features": list(FEATURES),
        "feature_labels": FEATURE_LABELS,
        "feature_grids": heat,
        "datasets": {
            "classification": list(CLASSIFICATION_DATASETS),
            "regression": list(REGRESSION_DATASETS),
        },
        "activations": list(ACTIVATIONS),
        "optimizers": list(OPTIMIZERS),
        "limits": LIMITS,
        "controls": list(CONTROLS),
    }


class Playground(anywidget.AnyWidget):
    """Train a small network on 2-D data and watch every neuron, weight and gradient.

    ``Playground(**config)`` takes the settings of ``PlaygroundModel`` (see
    ``nnlib.playground.model.DEFAULTS``); the logic is ``.model``. From
    Python, ``step(n)``, ``reset()``, ``update(**changes)``, ``set_weight``
    and ``add_point`` change the run and redraw; ``config`` and
    ``from_config`` save and restore it; ``to_code()`` writes it as nnlib code.

    >>> pg = Playground(dataset="xor", hidden=[4], features=["x1", "x2"])  # doctest: +SKIP
    >>> pg                                                                 # doctest: +SKIP
    """

    _esm = STATIC / "playground.js"
    _css = STATIC / "playground.css"

    settings = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    grids = traitlets.Bytes().tag(sync=True)
    points = traitlets.Dict().tag(sync=True)
    meta = traitlets.Dict().tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    #: Whether the "advanced" panel (optimiser, regularisation, ...) starts unfolded.
    advanced_open = traitlets.Bool(False).tag(sync=True)

    def __init__(self, *, advanced_open: bool = False, **config):
        model = PlaygroundModel(**config)  # bad settings fail here, before any widget exists
        super().__init__(advanced_open=bool(advanced_open))
        self.model = model
        self._data_sent = None
        self._seq = 0
        self.meta = _meta()
        self.on_msg(self._on_message)
        self._push()

    @classmethod
    def from_config(cls, config: dict) -> Playground:
        """A fresh playground with these settings (``config`` from another one)."""
        if not isinstance(config, dict):
            raise ValueError(f"the config must be a dict, got {config!r}")
        return cls(**config)

    @property
    def config(self) -> dict:
        """What rebuilds this playground as it stands: settings, ``epoch`` and ``edits``.

        A plain, JSON-ready dict; ``Playground.from_config(pg.config)`` has the same
        weights (typed-in edits included), optimiser state and loss history. Set
        ``"epoch": 0`` to run the same run again from its start. What ``edits``
        records, and what starts a run afresh, is in ``PlaygroundModel``'s docstring.
        """
        return self.model.config

    # ----- actions (Python API; the browser's messages call the same ones)

    def step(self, n: int = 1) -> None:
        """Train ``n`` epochs and redraw."""
        self.model.step(n)
        self._push()

    def reset(self) -> None:
        """New data and first weights from the seed, epoch 0, and redraw."""
        self.model.reset()
        self._push()

    def update(self, **changes) -> None:
        """Change settings (as ``PlaygroundModel.update``) and redraw."""
        self.model.update(**changes)
        self._push()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set ``weight[i, j]`` of weight layer ``layer`` and redraw."""
        self.model.set_weight(layer, i, j, value)
        self._push()

    def add_point(self, x1: float, x2: float, label) -> None:
        """Add a point to the custom data set and redraw."""
        self.model.add_point(x1, x2, label)
        self._push()

    def to_code(self, **kwargs) -> str:
        """Runnable nnlib source for this network and its training loop (see the model's)."""
        return self.model.to_code(**kwargs)

    # ----- kernel ↔ browser

    def _on_message(self, _widget, content, _buffers) -> None:
        """Handle one message from the browser; a bad value shows as ``status``."""
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        self._seq = content.get("seq", self._seq)
        try:
            if kind == "step":
                self.model.step(int(content.get("n", 1)))
            elif kind == "reset":
                self.model.reset()
            elif kind == "set":
                self.model.update(**content.get("changes", {}))
            elif kind == "set_weight":
                self.model.set_weight(
                    content["layer"], content["i"], content["j"], float(content["value"])
                )
            elif kind == "set_bias":
                self.model.set_bias(content["layer"], content["i"], float(content["value"]))
            elif kind == "add_point":
                self.model.add_point(float(content["x1"]), float(content["x2"]), content["label"])
            elif kind == "clear_points":
                self.model.clear_points()
            elif kind == "code":
                self.code = self.model.to_code()
            else:
                raise ValueError(f"unknown message type {kind!r}")
            status = ""
        except (ValueError, KeyError, TypeError) as e:
            status = str(e)
        self._push(status)

    def _push(self, status: str = "") -> None:
        """Send the current state to the browser, in one message."""
        m = self.model
        f = m.frame(SURFACE_RES, NEURON_RES)
        grids = [f["surface"].ravel(), *(g.ravel() for g in f["neurons"][1:])]
        frame = {k: v for k, v in f.items() if k not in ("surface", "neurons")}
        frame.update(
            seq=self._seq,
            layer_sizes=m.layer_sizes,
            features=m.config["features"],
            history={
                k: [x if np.isfinite(x) else None for x in _thin(v, HISTORY_POINTS)]
                for k, v in m.history.items()
            },
        )
        with self.hold_sync():
            if self._data_sent is not m.X_train:
                self._data_sent = m.X_train
                self.points = {
                    "train": np.c_[m.X_train, m.y_train].round(4).tolist(),
                    "test": np.c_[m.X_test, m.y_test].round(4).tolist(),
                }
            self.settings = m.settings
            self.status = status
            self.grids = np.concatenate(grids).astype("<f4").tobytes()
            self.frame = frame
