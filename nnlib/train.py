"""Training loops: mini-batches, and ``fit`` with history, early stopping and monitoring.

Chapter 08 writes the training loop out by hand; chapter 09 switches to
``fit`` once every line of it has been explained. ``fit`` is that same loop
plus bookkeeping: per-epoch losses (and accuracy) on the training and
validation sets, early stopping with ``patience`` that puts the best weights
back, gradient clipping, a ``Monitor`` that records per-layer gradient norms
and activation statistics, and a progress bar you can turn off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nnlib.data import _generator
from nnlib.nn import Module, Sequential, clip_grad_norm_
from nnlib.optim import Optimizer

__all__ = ["History", "Monitor", "accuracy", "batches", "fit"]


def batches(X, y, batch_size: int = 32, shuffle: bool = True, rng=0):
    """Yield ``(X_batch, y_batch)`` pairs that cover the data once (one epoch).

    With ``shuffle`` the order is drawn from ``rng`` (a seed or a Generator:
    pass the same Generator every epoch to get a new order each time). The
    last batch is smaller when the data do not divide evenly.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    order = _generator(rng).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def accuracy(scores, y) -> float:
    """Fraction classified right: argmax of each row of scores, or score > 0 for one column."""
    scores, y = np.asarray(scores), np.asarray(y)
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
    else:
        predicted = (scores.reshape(len(scores)) > 0).astype(int)
    return float(np.mean(predicted == y.reshape(len(y))))


@dataclass
class History:
    """What happened during ``fit``, one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    restored_best: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


class Monitor:
    """What happens inside the network while it trains: per-layer gradient norms and
    activation statistics.

    Pass one to ``fit(..., monitor=Monitor(model, probe=X[:256]))``, or call its
    two methods from a loop of your own:

    - ``record_gradients()`` after each backward pass appends, for every layer
      with parameters, the norm of all its gradients together,
      sqrt(Σ g²) over its weight and bias, to ``grad_norms[name]``;
    - ``record_activations(X)`` (``fit`` calls it after every epoch, on
      ``probe``) runs X through the layers one at a time and appends, for every
      layer, the mean and standard deviation of its outputs, the fraction of
      outputs that are exactly 0, and the fraction of *dead* units: output
      columns that are 0 for every example (a ReLU that never fires).

    Rough rules for a layer's gradient norm: about 1e-3 to 1 is healthy;
    far below 1e-4 and that layer barely learns (vanishing); above 10 and the
    steps are likely too big (exploding). They depend on the layer's size
    and the loss, so compare layers with each other and over time.

    >>> from nnlib import nn
    >>> model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    >>> Monitor(model).names
    ['0: Linear(3, 4)', '1: ReLU()', '2: Linear(4, 2)']
    """

    def __init__(self, model: Module, probe=None):
        if not isinstance(model, Module):
            raise TypeError(f"Monitor expects a Module, got {type(model).__name__}")
        self.layers = list(model.layers) if isinstance(model, Sequential) else [model]
        self.names = [f"{i}: {layer!r}" for i, layer in enumerate(self.layers)]
        self.probe = None if probe is None else np.asarray(probe, dtype=float)
        self.grad_norms: dict[str, list[float]] = {
            n: [] for n, layer in zip(self.names, self.layers, strict=True) if layer.parameters()
        }
        self.activations: dict[str, list[dict[str, float]]] = {n: [] for n in self.names}

    def record_gradients(self) -> dict[str, float]:
        """Append (and return) each parameterised layer's gradient norm."""
        now = {}
        for name, layer in zip(self.names, self.layers, strict=True):
            if name in self.grad_norms:
                total = sum(float(np.sum(np.square(p.grad))) for p in layer.parameters())
                now[name] = math.sqrt(total)
                self.grad_norms[name].append(now[name])
        return now

    def record_activations(self, X=None) -> dict[str, dict[str, float]]:
        """Append (and return) each layer's output statistics on X (default: ``probe``)."""
        x = self.probe if X is None else np.asarray(X, dtype=float)
        if x is None:
            raise ValueError("record_activations needs inputs: pass X or give the Monitor a probe")
        now = {}
        for name, layer in zip(self.names, self.layers, strict=True):
            x = layer(x)
            zero = x == 0
            now[name] = {
                "mean": float(np.mean(x)),
                "std": float(np.std(x)),
                "zero_fraction": float(np.mean(zero)),
                "dead_fraction": float(np.mean(np.all(zero, axis=0))) if x.ndim == 2 else 0.0,
            }
            self.activations[name].append(now[name])
        return now

    def summary(self) -> str:
        """A small table of the latest gradient norm and activation statistics per layer."""
        lines = [f"{'layer':<22} {'grad norm':>10} {'mean':>9} {'std':>9} {'dead':>6}"]
        for name in self.names:
            g = self.grad_norms.get(name)
            a = self.activations[name][-1] if self.activations[name] else None
            grad = f"{g[-1]:10.2e}" if g else f"{'':>10}"
            stats = (
                f"{a['mean']:9.3f} {a['std']:9.3f} {a['dead_fraction']:6.0%}"
                if a
                else f"{'':>9} {'':>9} {'':>6}"
            )
            lines.append(f"{name[:22]:<22} {grad} {stats}")
        return "\n".join(lines)


def _progress(iterable, enabled):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm  # the notebook bar in Jupyter, a text bar elsewhere

    return tqdm(iterable, desc="epochs", leave=False)


def fit(
    model: Module,
    loss_fn: Module,
    optimizer: Optimizer,
    X,
    y,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    validation: tuple | None = None,
    patience: int | None = None,
    restore_best: bool = True,
    scheduler=None,
    max_grad_norm: float | None = None,
    monitor: Monitor | None = None,
    compute_accuracy: bool = False,
    rng=0,
    progress: bool = False,
) -> History:
    """Train ``model`` with mini-batches for up to ``epochs`` passes over (X, y).

    Each batch: forward, loss, ``zero_grad``, backward, (``monitor`` records the
    gradient norms; ``max_grad_norm`` clips them with ``clip_grad_norm_``),
    ``optimizer.step()``. After each epoch the losses over the whole training
    set (and ``validation=(X_val, y_val)`` if given) are recorded in the
    returned ``History``, and ``monitor`` records activation statistics on its
    probe. ``scheduler``, if given, steps once per epoch.

    Early stopping: with ``patience`` (which needs a validation set) training
    stops once the validation loss has gone that many epochs in a row without
    beating the best so far. With ``restore_best`` the model then gets the
    weights of its best epoch back, whether training stopped early or ran out
    of epochs (``History.best_epoch`` counts from 0). ``progress=True`` shows a
    tqdm bar with the latest losses.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if patience is not None and validation is None:
        raise ValueError("early stopping (patience=...) needs a validation set: validation=(X, y)")
    if patience is not None and (
        isinstance(patience, bool) or not isinstance(patience, int) or patience < 1
    ):
        raise ValueError(f"patience must be a positive integer, got {patience!r}")
    g = _generator(rng)
    history = History()
    best, best_weights, waited = math.inf, None, 0
    params = model.parameters()

    def evaluate(Xe, ye):
        scores = model(Xe)
        return loss_fn(scores, ye), accuracy(scores, ye) if compute_accuracy else None

    bar = _progress(range(epochs), progress)
    for epoch in bar:
        history.learning_rate.append(optimizer.lr)
        for Xb, yb in batches(X, y, batch_size, shuffle=True, rng=g):
            loss_fn(model(Xb), yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            if monitor is not None:
                monitor.record_gradients()
            if max_grad_norm is not None:
                clip_grad_norm_(params, max_grad_norm)
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        loss, acc = evaluate(X, y)
        history.train_loss.append(loss)
        if compute_accuracy:
            history.train_accuracy.append(acc)
        if monitor is not None and monitor.probe is not None:
            monitor.record_activations()
        if validation is None:
            if progress:
                bar.set_postfix(loss=f"{loss:.4f}")
            continue
        val_loss, val_acc = evaluate(*validation)
        history.val_loss.append(val_loss)
        if compute_accuracy:
            history.val_accuracy.append(val_acc)
        if progress:
            bar.set_postfix(loss=f"{loss:.4f}", val_loss=f"{val_loss:.4f}")
        if val_loss < best:
            best, history.best_epoch, waited = val_loss, epoch, 0
            best_weights = [p.data.copy() for p in params]
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    if patience is not None and restore_best and best_weights is not None:
        if history.best_epoch != history.epochs - 1:
            for p, w in zip(params, best_weights, strict=True):
                p.data[...] = w
            history.restored_best = True
    return history
