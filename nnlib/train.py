"""Training loops: mini-batches, and ``fit`` with history and early stopping.

Chapter 08 writes the training loop out by hand; chapter 09 switches to
``fit`` once every line of it has been explained. ``fit`` is that same loop
plus bookkeeping: per-epoch losses (and accuracy) on the training and
validation sets, early stopping with ``patience``, and a progress bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nnlib.data import _generator
from nnlib.nn import Module
from nnlib.optim import Optimizer

__all__ = ["History", "accuracy", "batches", "fit"]


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

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


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
    compute_accuracy: bool = False,
    rng=0,
    progress: bool = False,
) -> History:
    """Train ``model`` with mini-batches for up to ``epochs`` passes over (X, y).

    Each batch: forward, loss, ``zero_grad``, backward, ``optimizer.step()``.
    After each epoch the losses over the whole training set (and
    ``validation=(X_val, y_val)`` if given) are recorded in the returned
    ``History``. With ``patience`` (which needs a validation set) training
    stops once the validation loss has not improved for that many epochs, and
    with ``restore_best`` the weights of the best epoch are put back.
    ``scheduler``, if given, steps once per epoch.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if patience is not None and validation is None:
        raise ValueError("early stopping (patience=...) needs a validation set: validation=(X, y)")
    g = _generator(rng)
    history = History()
    best, best_weights, waited = math.inf, None, 0
    params = model.parameters()

    def evaluate(Xe, ye):
        scores = model(Xe)
        return loss_fn(scores, ye), accuracy(scores, ye) if compute_accuracy else None

    for epoch in _progress(range(epochs), progress):
        history.learning_rate.append(optimizer.lr)
        for Xb, yb in batches(X, y, batch_size, shuffle=True, rng=g):
            loss_fn(model(Xb), yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        loss, acc = evaluate(X, y)
        history.train_loss.append(loss)
        if compute_accuracy:
            history.train_accuracy.append(acc)
        if validation is None:
            continue
        val_loss, val_acc = evaluate(*validation)
        history.val_loss.append(val_loss)
        if compute_accuracy:
            history.val_accuracy.append(val_acc)
        if val_loss < best:
            best, history.best_epoch, waited = val_loss, epoch, 0
            best_weights = [p.data.copy() for p in params]
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    if history.stopped_early and restore_best and best_weights is not None:
        for p, w in zip(params, best_weights, strict=True):
            p.data[...] = w
    return history
