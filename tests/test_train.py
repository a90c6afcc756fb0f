"""Mini-batches and fit: coverage of the data, history, early stopping."""

import numpy as np
import pytest

from nnlib import nn, optim
from nnlib.data import load_digits, make_moons, train_test_split
from nnlib.train import accuracy, batches, fit


def test_batches_cover_every_example_once():
    X, y = np.arange(10).reshape(10, 1), np.arange(10)
    seen = [yb for _, yb in batches(X, y, batch_size=4, rng=0)]
    assert [len(b) for b in seen] == [4, 4, 2]
    assert sorted(np.concatenate(seen).tolist()) == list(range(10))
    in_order = [yb.tolist() for _, yb in batches(X, y, batch_size=5, shuffle=False)]
    assert in_order == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    for Xb, yb in batches(X, y, 3, rng=1):
        np.testing.assert_array_equal(Xb[:, 0], yb)


def test_batches_bad_input():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        list(batches(np.zeros((3, 1)), np.zeros(3), 0))
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        list(batches(np.zeros((3, 1)), np.zeros(2)))


def test_accuracy_for_multiclass_and_binary_scores():
    assert accuracy([[2.0, 1.0], [0.0, 3.0]], [0, 0]) == 0.5
    assert accuracy([[1.0], [-1.0]], [1, 0]) == 1.0
    assert accuracy([-2.0, 3.0], [1, 1]) == 0.5


def test_fit_learns_moons():
    X, y = make_moons(200, noise=0.1, rng=0)
    Xtr, Xva, ytr, yva = train_test_split(X, y, 0.25, rng=0)
    model = nn.Sequential(nn.Linear(2, 16, rng=1), nn.Tanh(), nn.Linear(16, 2, rng=2))
    opt = optim.Adam(model.parameters(), lr=0.05)
    hist = fit(
        model, nn.CrossEntropyLoss(), opt, Xtr, ytr,
        epochs=40, batch_size=16, validation=(Xva, yva), compute_accuracy=True, rng=0,
    )  # fmt: skip
    assert hist.epochs == 40 and len(hist.val_loss) == 40
    assert hist.train_loss[-1] < hist.train_loss[0] / 3
    assert hist.val_accuracy[-1] >= 0.95
    assert hist.learning_rate == [0.05] * 40


def test_fit_is_reproducible():
    def run():
        X, y = make_moons(64, rng=0)
        model = nn.Sequential(nn.Linear(2, 8, rng=1), nn.ReLU(), nn.Linear(8, 2, rng=2))
        return fit(
            model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y, epochs=3
        )

    assert run().train_loss == run().train_loss


def test_early_stopping_restores_the_best_weights():
    X, y = load_digits()
    Xtr, Xva, ytr, yva = train_test_split(X[:300], y[:300], 0.5, rng=0)
    model = nn.Sequential(nn.Linear(64, 64, rng=1), nn.ReLU(), nn.Linear(64, 10, rng=2))
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=0.05)  # too high: it overfits quickly
    hist = fit(model, loss_fn, opt, Xtr, ytr, epochs=200, validation=(Xva, yva), patience=5, rng=0)
    assert hist.stopped_early and hist.epochs < 200
    assert hist.epochs == hist.best_epoch + 1 + 5
    assert loss_fn(model(Xva), yva) == pytest.approx(min(hist.val_loss))


def test_fit_with_scheduler_and_progress_bar(capsys):
    X, y = make_moons(32, rng=0)
    model = nn.Sequential(nn.Linear(2, 4, rng=1), nn.ReLU(), nn.Linear(4, 2, rng=2))
    opt = optim.SGD(model.parameters(), lr=0.1)
    hist = fit(
        model, nn.CrossEntropyLoss(), opt, X, y,
        epochs=3, scheduler=optim.StepLR(opt, 1, gamma=0.5), progress=True,
    )  # fmt: skip
    assert hist.learning_rate == [0.1, 0.05, 0.025]


def test_fit_bad_arguments():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="needs a validation set"):
        fit(model, nn.MSELoss(), opt, np.zeros((4, 2)), np.zeros((4, 2)), patience=3)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit(model, nn.MSELoss(), opt, np.zeros((4, 2)), np.zeros((4, 2)), epochs=0)
