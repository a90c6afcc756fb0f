"""The playground's logic: data, network, training and everything the picture shows.

Chapter 08 introduces the playground; chapter 09 comes back to it for the
optimisers and regularisation. This module has no widgets in it: every number
the browser draws is computed here, by plain functions and one class,
``PlaygroundModel``, so that tests can set a value and check a number.

What a run is made of
---------------------
- **Data**: points (x₁, x₂) in the square [-R, R]² with R = 3, from one of the
  generators in ``DATASETS`` (or drawn by hand: ``"custom"``), labelled 0/1
  for classification or with a number in [-1, 1] for regression. A fraction
  ``train_ratio`` is used for training, the rest for testing.
- **Features**: what the first layer sees, any subset of ``FEATURES``:
  x₁, x₂, x₁², x₂², x₁·x₂, sin x₁, sin x₂.
- **Network**: ``nnlib.nn`` layers, ``Linear`` then an activation for each
  hidden layer (0 to 6 of them, 1 to 8 neurons each), then ``Linear(·, 1)``.
- **Loss**: classification uses one output score s and
  ``BCEWithLogitsLoss`` (p = sigmoid(s) is the probability of class 1);
  regression uses the raw output and ``MSELoss``.
- **Regularisation** of the weights (not the biases), rate λ:
  L2 adds (λ/2)·Σw² to the loss, so λ·w to each weight's gradient;
  L1 adds λ·Σ|w|. Its gradient λ·sign(w) would make a weight hop across 0
  for ever, never land on it, so training handles L1 with a *proximal*
  (soft-threshold) step instead: after the optimiser's step on the data loss,
  every weight moves lr·λ towards 0 and stops at exactly 0 if it would cross
  it, w ← sign(w)·max(|w| - lr·λ, 0). That is what makes L1 set weights to
  exactly 0. (``gradients()`` still reports λ·sign(w) as the penalty's part.)
- **Training**: one *epoch* shuffles the training points and takes one
  optimiser step per mini-batch of ``batch_size`` points. The loss history
  records the data loss (no penalty) on the training and test points after
  every epoch.

Reproducible: the data come from ``seed``, the first weights from ``seed + 1``
and the shuffling from ``seed + 2``. ``m.config`` is the settings (what the
controls show now) plus the run: ``epoch``, how far it has trained, and
``edits``, every change made by hand that training alone does not repeat (a
weight or bias typed in, a training setting changed after epoch 0), each with
the epoch it was made at. ``PlaygroundModel.from_config(m.config)`` replays
them and stands where ``m`` stands, number for number; with ``"epoch": 0`` it
starts the same run from the beginning and makes each edit again when training
reaches its epoch.

>>> m = PlaygroundModel(dataset="xor", features=["x1", "x2", "x1x2"], hidden=[4])
>>> m.step(20)
>>> m.epoch, m.history["train"][-1] < m.history["train"][0]
(20, True)
"""

from __future__ import annotations

import copy
import math
from numbers import Integral, Real

import numpy as np

from nnlib import nn, optim
from nnlib.data import make_moons

__all__ = [
    "ACTIVATIONS",
    "CLASSIFICATION_DATASETS",
    "CONTROLS",
    "DATASETS",
    "DEFAULTS",
    "FEATURES",
    "FEATURE_LABELS",
    "LIMITS",
    "OPTIMIZERS",
    "REGRESSION_DATASETS",
    "PlaygroundModel",
    "R",
    "feature_matrix",
    "make_dataset",
    "split",
    "validate_config",
]

#: Half the width of the input square: every point lies in [-R, R]².
R = 3.0

CLASSIFICATION_DATASETS = ("circle", "xor", "gaussian", "spiral", "moons", "custom")
REGRESSION_DATASETS = ("plane", "hills", "custom")
DATASETS = ("circle", "xor", "gaussian", "spiral", "moons", "plane", "hills", "custom")

#: Feature name → function of the two coordinates.
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1_sq": "x₁²",
    "x2_sq": "x₂²",
    "x1x2": "x₁x₂",
    "sin_x1": "sin x₁",
    "sin_x2": "sin x₂",
}
# The same features as numpy source text, for to_code().
_FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1_sq": "x1**2",
    "x2_sq": "x2**2",
    "x1x2": "x1 * x2",
    "sin_x1": "np.sin(x1)",
    "sin_x2": "np.sin(x2)",
}
# Each feature divided by its largest size on the square, for heatmaps in [-1, 1].
_FEATURE_SCALE = {
    "x1": R,
    "x2": R,
    "x1_sq": R * R,
    "x2_sq": R * R,
    "x1x2": R * R,
    "sin_x1": 1.0,
    "sin_x2": 1.0,
}

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": None}
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "L1", "L2")
PROBLEMS = ("classification", "regression")

#: Numeric limits the controls and the checks share: (lowest, highest).
LIMITS = {
    "n_points": (10, 1000),
    "noise": (0.0, 0.5),
    "train_ratio": (0.1, 0.9),
    "batch_size": (1, 1000),
    "layers": (0, 6),
    "neurons": (1, 8),
    "learning_rate": (1e-6, 10.0),
    "regularization_rate": (0.0, 10.0),
}

#: A fresh playground: TensorFlow-Playground-like starting values.
DEFAULTS = {
    "problem": "classification",
    "dataset": "circle",
    "n_points": 200,
    "noise": 0.0,
    "train_ratio": 0.5,
    "batch_size": 10,
    "features": ["x1", "x2"],
    "hidden": [4, 2],
    "activation": "tanh",
    "learning_rate": 0.03,
    "optimizer": "sgd",
    "regularization": "none",
    "regularization_rate": 0.0,
    "discretize": False,
    "seed": 0,
    "points": [],
    "hidden_controls": [],
    "epoch": 0,
    "edits": [],
}

#: The keys of a configuration that describe the run rather than the settings.
RUN_KEYS = ("epoch", "edits")
#: Settings that may change mid-run without starting it again: ``edits`` records them.
TRAINING_KEYS = ("learning_rate", "optimizer", "regularization", "regularization_rate",
                 "batch_size")  # fmt: skip
_MAX_EPOCH = 10**6

#: Names of the controls an instructor may hide (``hidden_controls`` in the config).
CONTROLS = (
    "problem", "dataset", "n_points", "noise", "train_ratio", "batch_size", "features",
    "layers", "neurons", "activation", "learning_rate", "optimizer", "regularization",
    "regularization_rate", "discretize", "seed", "play", "step", "reset", "weights",
    "code", "advanced",
)  # fmt: skip

# Changing one of these starts the run again (new data and/or a new network).
_REBUILD_KEYS = {
    "problem", "dataset", "n_points", "noise", "train_ratio", "features", "hidden",
    "activation", "seed", "points",
}  # fmt: skip


# ----------------------------------------------------------------- validation


def _fail(name, expected, got):
    raise ValueError(f"{name} must be {expected}, got {got!r}")


def _choice(name, value, options):
    if not isinstance(value, str) or value not in options:
        _fail(name, "one of " + ", ".join(repr(o) for o in options), value)
    return value


def _int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        _fail(name, f"an integer from {low} to {high}", value)
    return int(value)


def _real(name, value, low, high):
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not low <= value <= high:
        _fail(name, f"a number from {low:g} to {high:g}", value)
    return float(value)


def _points(value, problem):
    if not isinstance(value, list | tuple):
        _fail("points", "a list of [x1, x2, label] triples", value)
    out = []
    for k, p in enumerate(value):
        if not isinstance(p, list | tuple) or len(p) != 3:
            _fail(f"points[{k}]", "a triple [x1, x2, label]", p)
        x1 = _real(f"points[{k}] x1", p[0], -R, R)
        x2 = _real(f"points[{k}] x2", p[1], -R, R)
        if problem == "classification":
            if p[2] not in (0, 1) or isinstance(p[2], bool):
                _fail(f"points[{k}] label", "0 or 1 for classification", p[2])
            label = int(p[2])
        else:
            label = _real(f"points[{k}] label", p[2], -1.0, 1.0)
        out.append([x1, x2, label])
    return out


_EDIT_SHAPES = {
    "weight": {"epoch", "weight", "value"},
    "bias": {"epoch", "bias", "value"},
    "setting": {"epoch", "setting", "from", "to"},
}
_EDIT_EXPECTED = (
    "a dict {'epoch': e, 'weight': [layer, i, j], 'value': v}, "
    "{'epoch': e, 'bias': [layer, i], 'value': v} "
    "or {'epoch': e, 'setting': name, 'from': old, 'to': new}"
)


def _edits(value) -> list[dict]:
    """Check ``edits`` entry by entry (the indices against the network come later)."""
    if not isinstance(value, list | tuple):
        _fail("edits", "a list of edits", value)
    out, last = [], 0
    for k, e in enumerate(value):
        name = f"edits[{k}]"
        kinds = [kind for kind in _EDIT_SHAPES if isinstance(e, dict) and kind in e]
        if len(kinds) != 1 or set(e) != _EDIT_SHAPES[kinds[0]]:
            _fail(name, _EDIT_EXPECTED, e)
        kind = kinds[0]
        epoch = _int(f"{name} epoch", e["epoch"], 0, _MAX_EPOCH)
        if epoch < last:
            _fail(f"{name} epoch", f"at least the epoch of the edit before it ({last})", epoch)
        last = epoch
        if kind == "setting":
            key = _choice(f"{name} setting", e["setting"], TRAINING_KEYS)
            old = validate_config({key: e["from"]})[key]
            new = validate_config({key: e["to"]})[key]
            out.append({"epoch": epoch, "setting": key, "from": old, "to": new})
            continue
        where, size = e[kind], 3 if kind == "weight" else 2
        if not isinstance(where, list | tuple) or len(where) != size:
            _fail(f"{name} {kind}", "[layer, i, j]" if size == 3 else "[layer, i]", where)
        where = [_int(f"{name} {kind}[{m}]", x, 0, 7) for m, x in enumerate(where)]
        value = _real(f"{name} value", e["value"], -1e6, 1e6)
        out.append({"epoch": epoch, kind: where, "value": value})
    return out


def validate_config(config: dict) -> dict:
    """Check a (partial) configuration and return a complete, normalised copy.

    Missing keys take their ``DEFAULTS``; unknown keys and bad values raise
    ``ValueError`` naming what was expected and what came. Features are put in
    ``FEATURES`` order, so equal networks have equal configs.

    >>> validate_config({"hidden": [3]})["hidden"]
    [3]
    >>> validate_config({"activation": "swish"})
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of 'tanh', 'relu', 'sigmoid', 'linear', got 'swish'
    """
    if not isinstance(config, dict):
        _fail("the config", "a dict", config)
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        _fail("every config key", "one of " + ", ".join(DEFAULTS), unknown[0])
    c = {**copy.deepcopy(DEFAULTS), **copy.deepcopy(config)}
    c["problem"] = _choice("problem", c["problem"], PROBLEMS)
    allowed = CLASSIFICATION_DATASETS if c["problem"] == "classification" else REGRESSION_DATASETS
    if "dataset" not in config:  # the problem's first data set by default
        c["dataset"] = allowed[0]
    c["dataset"] = _choice(f"dataset (for {c['problem']})", c["dataset"], allowed)
    c["n_points"] = _int("n_points", c["n_points"], *LIMITS["n_points"])
    c["noise"] = _real("noise", c["noise"], *LIMITS["noise"])
    c["train_ratio"] = _real("train_ratio", c["train_ratio"], *LIMITS["train_ratio"])
    c["batch_size"] = _int("batch_size", c["batch_size"], *LIMITS["batch_size"])
    feats = c["features"]
    if not isinstance(feats, list | tuple) or not feats:
        _fail("features", "a non-empty list of names from " + ", ".join(FEATURES), feats)
    for f in feats:
        _choice("every feature", f, tuple(FEATURES))
    if len(set(feats)) != len(feats):
        _fail("features", "a list without repeats", feats)
    c["features"] = [f for f in FEATURES if f in feats]
    hidden = c["hidden"]
    lo, hi = LIMITS["layers"]
    if not isinstance(hidden, list | tuple) or not lo <= len(hidden) <= hi:
        _fail("hidden", f"a list of {lo} to {hi} layer sizes", hidden)
    c["hidden"] = [_int(f"hidden[{k}]", h, *LIMITS["neurons"]) for k, h in enumerate(hidden)]
    c["activation"] = _choice("activation", c["activation"], tuple(ACTIVATIONS))
    c["learning_rate"] = _real("learning_rate", c["learning_rate"], *LIMITS["learning_rate"])
    if c["learning_rate"] <= 0:
        _fail("learning_rate", "a positive number", c["learning_rate"])
    c["optimizer"] = _choice("optimizer", c["optimizer"], OPTIMIZERS)
    c["regularization"] = _choice("regularization", c["regularization"], REGULARIZATIONS)
    c["regularization_rate"] = _real(
        "regularization_rate", c["regularization_rate"], *LIMITS["regularization_rate"]
    )
    if not isinstance(c["discretize"], bool):
        _fail("discretize", "True or False", c["discretize"])
    c["seed"] = _int("seed", c["seed"], 0, 2**32 - 1)
    c["points"] = _points(c["points"], c["problem"])
    hc = c["hidden_controls"]
    if not isinstance(hc, list | tuple):
        _fail("hidden_controls", "a list of control names", hc)
    for name in hc:
        _choice("every hidden control", name, CONTROLS)
    c["hidden_controls"] = [name for name in CONTROLS if name in hc]
    c["epoch"] = _int("epoch", c["epoch"], 0, _MAX_EPOCH)
    c["edits"] = _edits(c["edits"])
    return c


# ----------------------------------------------------------------------- data


def make_dataset(dataset="circle", n_points=200, noise=0.0, seed=0, points=()):
    """Points X (n, 2) in [-R, R]² and targets y (n,), shuffled, made from ``seed``.

    Classification sets give labels 0/1; ``noise`` jitters the points by
    Gaussian noise of standard deviation noise·R/2 after labelling, so the
    classes start to overlap. Regression sets give y in [-1, 1] and add
    Gaussian noise of standard deviation noise to y:

    - circle: class 1 inside radius 0.45R, class 0 in the ring 0.65R..0.95R;
    - xor: uniform points, class 1 where x₁·x₂ > 0;
    - gaussian: class 1 around (R/2, R/2), class 0 around (-R/2, -R/2);
    - spiral: two arms of 1.25 turns, class 1 the arm rotated by half a turn;
    - moons: ``nnlib.data.make_moons`` centred and scaled to the square;
    - plane: y = (x₁ + x₂) / 2R; hills: y = sin x₁ · cos x₂;
    - custom: the given ``points``, [x₁, x₂, label] each.

    >>> X, y = make_dataset("xor", 4, seed=1)
    >>> X.shape, sorted(set(y.tolist())) <= [0, 1]
    ((4, 2), True)
    """
    _choice("dataset", dataset, DATASETS)
    g = np.random.default_rng(seed)
    n = n_points
    if dataset == "custom":
        pts = np.array(points, dtype=float).reshape(-1, 3)
        order = g.permutation(len(pts))
        X, y = pts[order, :2], pts[order, 2]
        if len(y) and np.all(np.isin(y, (0.0, 1.0))):
            y = y.astype(np.int64)
        return X, y
    if dataset in ("plane", "hills"):
        X = g.uniform(-R, R, (n, 2))
        if dataset == "plane":
            y = (X[:, 0] + X[:, 1]) / (2 * R)
        else:
            y = np.sin(X[:, 0]) * np.cos(X[:, 1])
        y = np.clip(y + g.normal(0.0, noise, n) if noise else y, -1.0, 1.0)
        return X, y
    if dataset == "circle":
        n1 = n // 2
        r = np.r_[0.45 * R * np.sqrt(g.uniform(0, 1, n1)), g.uniform(0.65 * R, 0.95 * R, n - n1)]
        a = g.uniform(0, 2 * np.pi, n)
        X = np.c_[r * np.cos(a), r * np.sin(a)]
        y = np.r_[np.ones(n1), np.zeros(n - n1)].astype(np.int64)
    elif dataset == "xor":
        X = g.uniform(-R, R, (n, 2))
        X += np.sign(X) * 0.1 * R * (np.abs(X) < 0.1 * R)  # a small gap along the axes
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    elif dataset == "gaussian":
        y = (np.arange(n) % 2).astype(np.int64)
        centre = np.where(y[:, None] == 1, R / 2, -R / 2)
        X = centre + g.normal(0.0, 0.2 * R, (n, 2))
    elif dataset == "spiral":
        y = (np.arange(n) % 2).astype(np.int64)
        t = g.uniform(0.0, 1.0, n)
        angle = 2.5 * np.pi * t + np.pi * y
        radius = 0.9 * R * t + 0.05 * R
        X = np.c_[radius * np.sin(angle), radius * np.cos(angle)]
    else:  # moons
        X, y = make_moons(n, noise=0.0, rng=g)
        X = (X - [0.5, 0.25]) * (R / 1.6)
    if noise:
        X = X + g.normal(0.0, noise * R / 2, X.shape)
    X = np.clip(X, -R, R)
    order = g.permutation(n)
    return X[order], y[order]


def split(X, y, train_ratio=0.5):
    """(X_train, y_train, X_test, y_test): the first round(n·train_ratio) points train.

    ``make_dataset`` has already shuffled the points. At least one point
    trains whenever there is one.

    >>> import numpy as np
    >>> [a.shape[0] for a in split(np.zeros((10, 2)), np.zeros(10), 0.7)]
    [7, 7, 3, 3]
    """
    n_train = min(len(X), max(1, round(len(X) * train_ratio)))
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def feature_matrix(X, features) -> np.ndarray:
    """The network's input: one column per feature, e.g. ["x1", "x1x2"] → [x₁, x₁·x₂].

    >>> feature_matrix(np.array([[2.0, 3.0]]), ["x1", "x2_sq", "x1x2"]).tolist()
    [[2.0, 9.0, 6.0]]
    """
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[f](x1, x2) for f in features])


def _grid_points(res: int) -> np.ndarray:
    """Cell centres of a res×res grid over the square, row 0 at the top (x₂ = +R)."""
    c = (np.arange(res) + 0.5) / res * 2 * R - R
    x1, x2 = np.meshgrid(c, c[::-1])
    return np.c_[x1.ravel(), x2.ravel()]


def _finite(x: float):
    """A float for JSON: nan and ±inf become None."""
    return float(x) if math.isfinite(x) else None


def _finite_list(a: np.ndarray) -> list:
    """Nested lists of floats for JSON, with None where ``a`` is nan or infinite."""
    a = np.asarray(a, dtype=float)
    return np.where(np.isfinite(a), a, None).tolist()


def _start_settings(settings: dict, edits: list[dict]) -> dict:
    """The settings at epoch 0 of a run whose ``edits`` end with ``settings`` in force.

    Walks the setting edits backwards; each must end where the next one
    begins, and the last one where the settings are.
    """
    start = dict(settings)
    for k, e in reversed(list(enumerate(edits))):
        if "setting" in e:
            key = e["setting"]
            if start[key] != e["to"]:
                _fail(f"edits[{k}] to", f"{start[key]!r}, the {key} after it", e["to"])
            start[key] = e["from"]
    return start


# ---------------------------------------------------------------------- model


class PlaygroundModel:
    """A network, its data and its training run, driven by a plain-dict configuration.

    ``PlaygroundModel(**config)`` or ``PlaygroundModel.from_config(dict)``
    builds one (keys and defaults in ``DEFAULTS``); ``update(**changes)``
    changes settings (data, features or architecture start the run again; the
    learning rate, optimiser, regularisation and batch size take effect from
    the next step); ``step(n)`` trains n epochs; ``reset()`` starts again.

    What ``config`` covers: everything that makes the current state.
    ``epoch`` is how far the run has trained; ``edits`` lists, in order, what
    was done by hand since the run started: weights and biases set
    (``set_weight``, ``set_bias``) and training settings (``TRAINING_KEYS``)
    changed after epoch 0, each as
    ``{"epoch": 12, "weight": [layer, i, j], "value": 0.5}``,
    ``{"epoch": 12, "bias": [layer, i], "value": 0.5}`` or
    ``{"epoch": 12, "setting": "learning_rate", "from": 0.03, "to": 0.1}``
    (an edit at epoch e was made after e epochs of training); the settings are
    the ones in force after the last edit (``settings`` is what is in force
    now: the same, unless some edits wait for a later epoch). Building from a
    config replays it: the run starts with the settings as they were at epoch
    0 (the edits' ``from``), trains to ``epoch`` and makes each edit when
    training reaches its epoch; edits beyond ``epoch`` wait for ``step`` to
    reach them. So ``from_config(m.config)`` has the same weights, optimiser
    state, shuffling and loss history as ``m``, and with ``"epoch": 0`` it runs
    the same run again from its start. Not recorded, because they start the
    run again (and clear ``edits``): ``reset()`` and changes of data, features
    or architecture. Settings changed at epoch 0, ``discretize`` and
    ``hidden_controls`` (which change no number) simply stand in the settings.
    """

    def __init__(self, **config):
        c = validate_config(config)
        epoch, edits = c.pop("epoch"), c.pop("edits")
        self._config = _start_settings(c, edits)
        self.reset()
        self._edits = edits
        self._replay(0)
        if epoch:
            self.step(epoch)

    # ----- configuration

    @classmethod
    def from_config(cls, config: dict) -> PlaygroundModel:
        """A fresh run with this configuration: same data, same first weights, same losses."""
        if not isinstance(config, dict):
            _fail("the config", "a dict", config)
        return cls(**config)

    @property
    def config(self) -> dict:
        """Settings, ``epoch`` and ``edits``: what rebuilds this state (a JSON-ready copy)."""
        final = self.settings  # after the edits still waiting for their epoch, if any
        for e in self._edits[self._done :]:
            if "setting" in e:
                final[e["setting"]] = e["to"]
        return {**final, "epoch": self.epoch, "edits": copy.deepcopy(self._edits)}

    @property
    def settings(self) -> dict:
        """The settings in force now, without the run's ``epoch`` and ``edits`` (a copy)."""
        return copy.deepcopy(self._config)

    def update(self, **changes) -> bool:
        """Change settings; return True when the run started again.

        Changing ``problem`` alone also switches to that problem's first data
        set when the current one does not fit it. A training setting changed
        after epoch 0 is recorded in ``edits``.
        """
        run = [k for k in RUN_KEYS if k in changes]
        if run:
            raise ValueError(
                f"{run[0]} is not a setting: train with step(), edit with set_weight() or "
                "set_bias(), or build from a whole config with from_config()"
            )
        new = {**self._config, **changes}
        if "problem" in changes and "dataset" not in changes:
            fits = CLASSIFICATION_DATASETS if new["problem"] == "classification" else ()
            fits = fits or REGRESSION_DATASETS
            if new["dataset"] not in fits:
                new["dataset"] = fits[0]
        new = validate_config(new)
        del new["epoch"], new["edits"]
        changed = {k for k in new if new[k] != self._config[k]}
        if changed & _REBUILD_KEYS:
            self._config = new
            self.reset()
            return True
        for key in TRAINING_KEYS:  # in this order, so that a new optimiser gets the new rate
            if key in changed:
                self._log({"epoch": self.epoch, "setting": key, "from": self._config[key],
                           "to": new[key]})  # fmt: skip
                self._set(key, new[key])
        self._config.update(new)
        return False

    def _set(self, key: str, value) -> None:
        """Put one training setting in force (a validated value)."""
        self._config[key] = value
        if key == "optimizer":
            self.optimizer = self._make_optimizer()
        elif key == "learning_rate":
            self.optimizer.lr = value

    # ----- the record of edits

    def _log(self, edit: dict) -> None:
        """Record an edit made by hand now (after ``self.epoch`` epochs).

        Edits waiting for a later epoch stay, except those of the same
        setting, which no longer follow. Several edits of one weight or one
        setting at the same epoch make one entry. At epoch 0 a setting change
        is no edit: the settings say it.
        """
        done, pending = self._edits[: self._done], self._edits[self._done :]
        kind = next(k for k in ("weight", "bias", "setting") if k in edit)
        if kind == "setting":
            pending = [e for e in pending if e.get("setting") != edit["setting"]]
        last = done[-1] if done else None
        if last and last["epoch"] == edit["epoch"] and last.get(kind) == edit[kind]:
            done.pop()
            if kind == "setting":
                edit = {**edit, "from": last["from"]}
        if kind == "setting" and edit["epoch"] == 0:
            done = [e for e in done if e.get("setting") != edit["setting"]]
        elif kind != "setting" or edit["from"] != edit["to"] or edit["setting"] == "optimizer":
            done.append(edit)  # (a new optimiser, even of the same kind, starts afresh)
        self._edits, self._done = done + pending, len(done)

    def _replay(self, upto: int) -> None:
        """Make the recorded edits of epochs up to ``upto`` that are not made yet."""
        while self._done < len(self._edits) and self._edits[self._done]["epoch"] <= upto:
            e = self._edits[self._done]
            k = self._done
            try:
                if "weight" in e:
                    self._set_weight(*e["weight"], e["value"])
                elif "bias" in e:
                    self._set_bias(*e["bias"], e["value"])
                else:
                    self._set(e["setting"], e["to"])
            except ValueError as err:
                raise ValueError(f"edits[{k}]: {err}") from None
            self._done += 1

    # ----- building

    def reset(self) -> None:
        """New data and fresh first weights from the seed; epoch 0; history with one entry."""
        c = self._config
        X, y = make_dataset(c["dataset"], c["n_points"], c["noise"], c["seed"], c["points"])
        self.X_train, self.y_train, self.X_test, self.y_test = split(X, y, c["train_ratio"])
        if len(X) == 0:
            self.X_train, self.X_test = np.zeros((0, 2)), np.zeros((0, 2))
        self.Z_train = feature_matrix(self.X_train, c["features"])
        self.Z_test = feature_matrix(self.X_test, c["features"])
        self.t_train = np.asarray(self.y_train, dtype=float).reshape(-1, 1)
        self.t_test = np.asarray(self.y_test, dtype=float).reshape(-1, 1)
        init = np.random.default_rng(c["seed"] + 1)
        sizes = self.layer_sizes
        act = ACTIVATIONS[c["activation"]]
        layers: list[nn.Module] = []
        for k in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[k], sizes[k + 1], rng=init))
            if k < len(sizes) - 2 and act is not None:
                layers.append(act())
        self.net = nn.Sequential(*layers)
        self.linears = [m for m in layers if isinstance(m, nn.Linear)]
        if c["problem"] == "classification":
            self.loss_fn: nn.Module = nn.BCEWithLogitsLoss()
        else:
            self.loss_fn = nn.MSELoss()
        self.optimizer = self._make_optimizer()
        self._shuffle = np.random.default_rng(c["seed"] + 2)
        self.epoch = 0
        self.history = {"epoch": [], "train": [], "test": []}
        self._edits: list[dict] = []
        self._done = 0  # how many of the edits are made; the rest wait for their epoch
        self._record()

    def _make_optimizer(self):
        c, params = self._config, self.net.parameters()
        if c["optimizer"] == "adam":
            return optim.Adam(params, lr=c["learning_rate"])
        momentum = 0.9 if c["optimizer"] == "momentum" else 0.0
        return optim.SGD(params, lr=c["learning_rate"], momentum=momentum)

    @property
    def layer_sizes(self) -> list[int]:
        """Neurons per node layer: [features, hidden..., 1]."""
        return [len(self._config["features"]), *self._config["hidden"], 1]

    # ----- losses and gradients

    def _data_loss(self, Z, t) -> float:
        if len(Z) == 0:
            return math.nan
        return float(self.loss_fn(self.net(Z), t))

    def penalty(self) -> float:
        """The regularisation term: (λ/2)·Σw² for L2, λ·Σ|w| for L1, 0 for none."""
        kind, lam = self._config["regularization"], self._config["regularization_rate"]
        if kind == "none" or lam == 0:
            return 0.0
        ws = [m.weight.data for m in self.linears]
        if kind == "L2":
            return 0.5 * lam * sum(float(np.sum(w * w)) for w in ws)
        return lam * sum(float(np.sum(np.abs(w))) for w in ws)

    def _add_penalty_grad(self) -> None:
        kind, lam = self._config["regularization"], self._config["regularization_rate"]
        if kind == "none" or lam == 0:
            return
        for m in self.linears:
            w = m.weight
            w.grad += lam * (w.data if kind == "L2" else np.sign(w.data))

    def _backward(self, Z, t, penalty: bool = True) -> float:
        loss = float(self.loss_fn(self.net(Z), t))
        self.net.zero_grad()
        self.net.backward(self.loss_fn.backward())
        if penalty:
            self._add_penalty_grad()
        return loss

    def _soft_threshold(self) -> None:
        """L1's proximal step: every weight moves lr·λ towards 0, stopping at exactly 0."""
        shrink = self._config["learning_rate"] * self._config["regularization_rate"]
        for m in self.linears:
            w = m.weight.data
            w[...] = np.sign(w) * np.maximum(np.abs(w) - shrink, 0.0)

    def objective(self) -> float:
        """What training minimises, on all training points: data loss + penalty."""
        self._require_data()
        return self._data_loss(self.Z_train, self.t_train) + self.penalty()

    def gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """d(objective)/d(weight) and d(objective)/d(bias) for every layer, full batch."""
        self._require_data()
        self._backward(self.Z_train, self.t_train)
        return [(m.weight.grad.copy(), m.bias.grad.copy()) for m in self.linears]

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(weight, bias) copies for every layer; weight has shape (to, from)."""
        return [(m.weight.data.copy(), m.bias.data.copy()) for m in self.linears]

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set layer ``layer``'s weight from neuron j to neuron i (``weight[i, j]``).

        Recorded in ``config["edits"]``, so ``from_config`` makes the same edit.
        """
        layer, i, j, value = self._set_weight(layer, i, j, value)
        self._log({"epoch": self.epoch, "weight": [layer, i, j], "value": value})

    def set_bias(self, layer: int, i: int, value: float) -> None:
        """Set the bias of neuron i of node layer ``layer + 1`` (recorded in ``edits``)."""
        layer, i, value = self._set_bias(layer, i, value)
        self._log({"epoch": self.epoch, "bias": [layer, i], "value": value})

    def _set_weight(self, layer, i, j, value):
        n = len(self.linears)
        layer = _int("layer", layer, 0, n - 1)
        w = self.linears[layer].weight.data
        i = _int(f"i (a neuron of node layer {layer + 1})", i, 0, w.shape[0] - 1)
        j = _int(f"j (a neuron of node layer {layer})", j, 0, w.shape[1] - 1)
        w[i, j] = value = _real("the weight", value, -1e6, 1e6)
        self._record(replace=True)
        return layer, i, j, value

    def _set_bias(self, layer, i, value):
        layer = _int("layer", layer, 0, len(self.linears) - 1)
        b = self.linears[layer].bias.data
        i = _int("i", i, 0, b.size - 1)
        b[i] = value = _real("the bias", value, -1e6, 1e6)
        self._record(replace=True)
        return layer, i, value

    # ----- training

    def _require_data(self) -> None:
        if len(self.Z_train) == 0:
            raise ValueError(
                "the custom data set has no points yet: add some with add_point(x1, x2, label)"
            )

    def step(self, n: int = 1) -> None:
        """Train ``n`` epochs: shuffle, then one optimiser step per mini-batch.

        Per mini-batch B: loss = mean over B of the data loss; gradients by
        backpropagation plus the penalty's; then the optimiser's update.
        """
        n = _int("n (epochs)", n, 0, 10**6)
        self._require_data()
        bs = self._config["batch_size"]
        Z, t = self.Z_train, self.t_train
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run shows nan
            for _ in range(n):
                self._epoch(Z, t, bs)

    def _epoch(self, Z, t, bs) -> None:
        order = self._shuffle.permutation(len(Z))
        l1 = self._config["regularization"] == "L1" and self._config["regularization_rate"] > 0
        for start in range(0, len(order), bs):
            batch = order[start : start + bs]
            self._backward(Z[batch], t[batch], penalty=not l1)
            self.optimizer.step()
            if l1:  # L1 by its proximal step, after the step on the data loss
                self._soft_threshold()
        self.epoch += 1
        self._record()
        self._replay(self.epoch)

    def _record(self, replace: bool = False) -> None:
        if replace and self.history["epoch"]:
            for k in self.history:
                self.history[k].pop()
        self.history["epoch"].append(self.epoch)
        self.history["train"].append(self._data_loss(self.Z_train, self.t_train))
        self.history["test"].append(self._data_loss(self.Z_test, self.t_test))

    def add_point(self, x1: float, x2: float, label) -> None:
        """Add a point to the custom data set (switching to it) and start again."""
        (point,) = _points([[x1, x2, label]], self._config["problem"])
        points = self._config["points"] if self._config["dataset"] == "custom" else []
        self.update(dataset="custom", points=[*points, point])

    def clear_points(self) -> None:
        """Remove every drawn point of the custom data set."""
        self.update(points=[])

    # ----- what is shown

    def predict(self, X) -> np.ndarray:
        """The network's answer at points X (n, 2): p(class 1), or the regression value."""
        out = self.net(feature_matrix(X, self._config["features"]))[:, 0]
        if self._config["problem"] == "classification":
            return 1.0 / (1.0 + np.exp(-np.clip(out, -500, 500)))
        return out

    def accuracy(self, which: str = "train") -> float | None:
        """Fraction of points on the right side of p = 0.5 (classification only)."""
        if self._config["problem"] != "classification":
            return None
        X, y = (self.X_train, self.y_train) if which == "train" else (self.X_test, self.y_test)
        if len(X) == 0:
            return None
        return float(np.mean((self.predict(X) > 0.5) == (np.asarray(y) == 1)))

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every node layer's output at points X: [features, hidden 1, ..., output score]."""
        h = feature_matrix(X, self._config["features"])
        outs, layers = [h], self.net.layers
        for k, module in enumerate(layers):
            h = module(h)
            if k == len(layers) - 1 or isinstance(layers[k + 1], nn.Linear):
                outs.append(h)
        return outs

    def _display(self, out_score):
        """The output neuron as drawn, in [-1, 1]: 2p - 1 (classification) or the value."""
        if self._config["problem"] == "classification":
            v = 2.0 / (1.0 + np.exp(-np.clip(out_score, -500, 500))) - 1.0
        else:
            v = out_score
        return np.sign(v) if self._config["discretize"] else v

    def surface(self, res: int = 50) -> np.ndarray:
        """The output over the square, res×res, row 0 at the top, values in about [-1, 1].

        Classification shows 2p - 1 (so -1 is sure class 0, +1 sure class 1);
        with ``discretize`` only the sign.
        """
        res = _int("res", res, 2, 400)
        score = self.layer_outputs(_grid_points(res))[-1][:, 0]
        return self._display(score).reshape(res, res)

    def neuron_grids(self, res: int = 16) -> list[np.ndarray]:
        """Each node layer's neurons over the square: arrays (neurons, res, res).

        Features are divided by their largest size on the square (x₁/R,
        x₁²/R², ...) so that all lie in [-1, 1]; hidden neurons show their
        activation; the output neuron is drawn as in ``surface``.
        """
        res = _int("res", res, 2, 400)
        outs = self.layer_outputs(_grid_points(res))
        scale = np.array([_FEATURE_SCALE[f] for f in self._config["features"]])
        outs[0] = outs[0] / scale
        outs[-1] = self._display(outs[-1])
        return [o.T.reshape(o.shape[1], res, res) for o in outs]

    def layer_stats(self, grads=None) -> list[dict]:
        """Per weight layer l: ‖dJ/dW‖ (Frobenius) and the statistics of node layer l + 1.

        ``mean`` and ``std`` are over every training point and neuron of the
        layer's output; ``dead`` is the fraction of its neurons that output 0
        for every training point (a dead ReLU never learns again).
        """
        grads = self.gradients() if grads is None else grads
        outs = self.layer_outputs(self.X_train)
        stats = []
        for k, (gw, _gb) in enumerate(grads):
            o = outs[k + 1]
            stats.append(
                {
                    "grad_norm": _finite(float(np.linalg.norm(gw))),
                    "mean": _finite(float(o.mean())),
                    "std": _finite(float(o.std())),
                    "dead": float(np.mean(np.all(o == 0.0, axis=0))),
                }
            )
        return stats

    def frame(self, surface_res: int = 50, neuron_res: int = 16) -> dict:
        """Everything the picture needs, as numbers: the widget sends this to the browser.

        Keys: ``epoch``, ``train_loss``, ``test_loss``, ``train_accuracy``,
        ``test_accuracy`` (None for regression), ``weights`` and ``grads``
        (per layer, nested lists [to][from]), ``biases`` and ``bias_grads``,
        ``stats`` (``layer_stats``), ``surface`` (res×res array) and
        ``neurons`` (``neuron_grids``). Without any training point the
        gradients and stats are zeros.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return self._frame(surface_res, neuron_res)

    def _frame(self, surface_res, neuron_res) -> dict:
        has_data = len(self.Z_train) > 0
        if has_data:
            grads = self.gradients()
            stats = self.layer_stats(grads)
        else:
            grads = [(np.zeros_like(w), np.zeros_like(b)) for w, b in self.weights()]
            stats = [{"grad_norm": 0.0, "mean": 0.0, "std": 0.0, "dead": 0.0} for _ in grads]
        ws = self.weights()
        return {
            "epoch": self.epoch,
            "train_loss": _finite(self.history["train"][-1]),
            "test_loss": _finite(self.history["test"][-1]),
            "train_accuracy": self.accuracy("train") if has_data else None,
            "test_accuracy": self.accuracy("test"),
            "weights": [_finite_list(w) for w, _ in ws],
            "biases": [_finite_list(b) for _, b in ws],
            "grads": [_finite_list(g) for g, _ in grads],
            "bias_grads": [_finite_list(g) for _, g in grads],
            "stats": stats,
            "surface": self.surface(surface_res),
            "neurons": self.neuron_grids(neuron_res),
        }

    # ----- code

    def to_code(self, epochs: int | None = None, weights: str = "initial") -> str:
        """Python source that builds this network and trains it as the playground does.

        With ``weights="initial"`` (the default) the network starts from the
        same seeded weights, so running the source for ``epochs`` epochs
        (default: this run's epoch count, or 100 at epoch 0) gives the
        playground's losses, as long as nothing was edited by hand
        (``config["edits"]`` is empty). ``weights="current"`` writes today's weights out as
        numbers instead. The source needs only numpy and nnlib.
        """
        _choice("weights", weights, ("initial", "current"))
        epochs = (self.epoch or 100) if epochs is None else _int("epochs", epochs, 0, 10**6)
        c = self._config
        names = ", ".join(FEATURE_LABELS[f] for f in c["features"])
        cols = ", ".join(_FEATURE_CODE[f] for f in c["features"])
        sizes = self.layer_sizes
        act = ACTIVATIONS[c["activation"]]
        layer_lines = []
        for k in range(len(sizes) - 1):
            line = f"    nn.Linear({sizes[k]}, {sizes[k + 1]}, rng=init),"
            if k < len(sizes) - 2 and act is not None:
                line += f" nn.{act.__name__}(),"
            layer_lines.append(line)
        if c["problem"] == "classification":
            loss_line = "loss_fn = nn.BCEWithLogitsLoss()  # p = sigmoid(output); binary CE"
        else:
            loss_line = "loss_fn = nn.MSELoss()  # mean squared error"
        opt = {
            "sgd": f"optim.SGD(model.parameters(), lr={c['learning_rate']!r})",
            "momentum": f"optim.SGD(model.parameters(), lr={c['learning_rate']!r}, momentum=0.9)",
            "adam": f"optim.Adam(model.parameters(), lr={c['learning_rate']!r})",
        }[c["optimizer"]]
        lam = c["regularization_rate"]
        prox_lines: list[str] = []
        if c["regularization"] == "none" or lam == 0:
            reg_lines = []
        elif c["regularization"] == "L2":
            reg_lines = [
                "        for w in weights:  # L2: d/dw of (λ/2)·w² is λ·w",
                f"            w.grad += {lam!r} * w.data",
            ]
        else:
            reg_lines = []
            shrink = c["learning_rate"] * lam
            prox_lines = [
                f"        for w in weights:  # L1's proximal step: lr·λ = {shrink!r} towards 0,",
                "            # stopping at exactly 0 (a soft threshold)",
                f"            w.data[...] = np.sign(w.data) * np.maximum(np.abs(w.data) - "
                f"{shrink!r}, 0.0)",
            ]
        data_args = f"n_points={c['n_points']}, noise={c['noise']!r}, seed={c['seed']}"
        if c["dataset"] == "custom":
            data_args += f", points={c['points']!r}"
        set_lines = []
        if weights == "current":
            set_lines.append("# Start from the playground's current weights.")
            for k, (w, b) in enumerate(self.weights()):
                set_lines.append(
                    f"model.layers[{self.net.layers.index(self.linears[k])}].weight.data[:] = "
                    f"np.array({w.tolist()!r})"
                )
                set_lines.append(
                    f"model.layers[{self.net.layers.index(self.linears[k])}].bias.data[:] = "
                    f"np.array({b.tolist()!r})"
                )
        lines = [
            '"""Generated by the nnlib playground (Playground.to_code()): this network and its',
            'training loop, in plain nnlib."""',
            "",
            "import numpy as np",
            "",
            "from nnlib import nn, optim",
            "from nnlib.playground.model import make_dataset, split",
            "",
            f"EPOCHS = {epochs}",
            "",
            f'# Data: "{c["dataset"]}", points in [-3, 3]²; '
            f"a fraction {c['train_ratio']!r} trains.",
            f'X, y = make_dataset("{c["dataset"]}", {data_args})',
            f"X_train, y_train, X_test, y_test = split(X, y, train_ratio={c['train_ratio']!r})",
            "",
            "",
            "def features(X):",
            f'    """The inputs the network sees: {names}."""',
            "    x1, x2 = X[:, 0], X[:, 1]",
            f"    return np.column_stack([{cols}])",
            "",
            "",
            "Z_train, Z_test = features(X_train), features(X_test)",
            "t_train = y_train.reshape(-1, 1).astype(float)",
            "t_test = y_test.reshape(-1, 1).astype(float)",
            "",
            f"init = np.random.default_rng({c['seed'] + 1})  # the playground's first weights",
            "model = nn.Sequential(",
            *layer_lines,
            ")",
            *set_lines,
            loss_line,
            f"optimizer = {opt}",
            "weights = [m.weight for m in model.layers if isinstance(m, nn.Linear)]",
            f"shuffle = np.random.default_rng({c['seed'] + 2})  # the order of the mini-batches",
            f"batch_size = {c['batch_size']}",
            "",
            "history = [loss_fn(model(Z_train), t_train)]",
            "for epoch in range(1, EPOCHS + 1):",
            "    order = shuffle.permutation(len(Z_train))",
            "    for start in range(0, len(order), batch_size):",
            "        batch = order[start : start + batch_size]",
            "        loss = loss_fn(model(Z_train[batch]), t_train[batch])",
            "        model.zero_grad()",
            "        model.backward(loss_fn.backward())",
            *reg_lines,
            "        optimizer.step()",
            *prox_lines,
            "    history.append(loss_fn(model(Z_train), t_train))",
            "",
            "train_loss = history[-1]",
            "test_loss = loss_fn(model(Z_test), t_test) if len(Z_test) else float('nan')",
            'print(f"epoch {EPOCHS}: train loss {train_loss:.4f}, test loss {test_loss:.4f}")',
            "",
        ]
        return "\n".join(lines)
