"""Chapter 09's additions to nnlib: clip_grad_norm_, Monitor, and fit's early stopping."""

import math

import numpy as np
import pytest

from nnlib import nn, optim
from nnlib.data import load_digits, make_moons, train_test_split
from nnlib.train import Monitor, fit


def _params(*grads):
    out = []
    for g in grads:
        p = nn.Parameter(np.zeros(np.shape(g)))
        p.grad = np.array(g, dtype=float)
        out.append(p)
    return out


def test_clip_grad_norm_scales_all_gradients_together():
    a, b = _params([3.0, 0.0], [[0.0], [4.0]])
    total = nn.clip_grad_norm_([a, b], max_norm=1.0)
    assert total == pytest.approx(5.0)
    assert math.hypot(*a.grad, *b.grad.ravel()) == pytest.approx(1.0, rel=1e-6)
    np.testing.assert_allclose(a.grad, [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.grad, [[0.0], [0.8]], rtol=1e-6)


def test_clip_grad_norm_leaves_short_gradients_and_zeros_alone():
    (a,) = _params([0.3, 0.4])
    assert nn.clip_grad_norm_([a], 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(a.grad, [0.3, 0.4])
    (z,) = _params(np.zeros(3))
    assert nn.clip_grad_norm_(z, 1.0) == 0.0  # a single Parameter is accepted too
    np.testing.assert_array_equal(z.grad, np.zeros(3))
    assert nn.clip_grad_norm_([], 1.0) == 0.0


def test_clip_grad_norm_other_norms_and_integer_gradients():
    a, b = _params([1.0, -6.0], [2.0])
    assert nn.clip_grad_norm_([a, b], 3.0, norm_type=math.inf) == 6.0
    assert np.abs(np.concatenate([a.grad, b.grad])).max() == pytest.approx(3.0, rel=1e-6)
    (c,) = _params([1.0, 1.0])
    assert nn.clip_grad_norm_([c], 1.0, norm_type=1) == pytest.approx(2.0)
    (d,) = _params([0.0])
    d.grad = np.array([3, 4])  # an integer array a learner might set
    nn.clip_grad_norm_([d], 1.0)
    np.testing.assert_allclose(d.grad, [0.6, 0.8], rtol=1e-6)


def test_clip_grad_norm_bad_input():
    (a,) = _params([1.0])
    with pytest.raises(TypeError, match="expects Parameters"):
        nn.clip_grad_norm_([np.ones(2)], 1.0)
    with pytest.raises(ValueError, match="max_norm must be positive, got 0"):
        nn.clip_grad_norm_([a], 0)
    with pytest.raises(TypeError, match="max_norm must be a number"):
        nn.clip_grad_norm_([a], True)
    with pytest.raises(ValueError, match="norm_type"):
        nn.clip_grad_norm_([a], 1.0, norm_type=-1)


def _small_net():
    return nn.Sequential(nn.Linear(2, 8, rng=1), nn.ReLU(), nn.Linear(8, 2, rng=2))


def test_monitor_records_gradient_norms_and_activations_during_fit():
    X, y = make_moons(64, rng=0)
    model = _small_net()
    mon = Monitor(model, probe=X[:20])
    assert mon.names == ["0: Linear(2, 8)", "1: ReLU()", "2: Linear(8, 2)"]
    assert list(mon.grad_norms) == ["0: Linear(2, 8)", "2: Linear(8, 2)"]
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
        epochs=3, batch_size=16, monitor=mon)  # fmt: skip
    assert all(len(v) == 3 * 4 for v in mon.grad_norms.values())  # 4 batches, 3 epochs
    assert all(len(v) == 3 for v in mon.activations.values())
    relu = mon.activations["1: ReLU()"][-1]
    hidden = model[1](model[0](X[:20]))
    assert relu["mean"] == pytest.approx(hidden.mean())
    assert relu["dead_fraction"] == pytest.approx(np.mean(np.all(hidden == 0, axis=0)))
    assert relu["zero_fraction"] == pytest.approx(np.mean(hidden == 0))
    text = mon.summary()
    assert "grad norm" in text and "1: ReLU()" in text


def test_monitor_gradient_norm_is_the_norm_of_all_the_layers_gradients():
    model = _small_net()
    loss_fn = nn.CrossEntropyLoss()
    X, y = make_moons(10, rng=1)
    loss_fn(model(X), y)
    model.zero_grad()
    model.backward(loss_fn.backward())
    now = Monitor(model).record_gradients()
    layer = model[0]
    expected = math.sqrt(np.sum(layer.weight.grad**2) + np.sum(layer.bias.grad**2))
    assert now["0: Linear(2, 8)"] == pytest.approx(expected)


def test_monitor_counts_dead_units_and_needs_inputs():
    layer = nn.Linear(2, 3, rng=0)
    layer.weight.data[:] = [[1.0, 1.0], [-1.0, -1.0], [0.0, 0.0]]
    layer.bias.data[:] = [0.0, -10.0, 0.0]
    mon = Monitor(nn.Sequential(layer, nn.ReLU()))
    stats = mon.record_activations(np.array([[1.0, 2.0], [0.5, 0.5]]))
    assert stats["1: ReLU()"]["dead_fraction"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="needs inputs"):
        mon.record_activations()
    with pytest.raises(TypeError, match="expects a Module"):
        Monitor("model")
    assert Monitor(nn.Linear(2, 2)).names == ["0: Linear(2, 2)"]


def test_fit_clips_gradients():
    X, y = make_moons(32, rng=0)
    model = _small_net()
    mon = Monitor(model)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
        epochs=1, batch_size=32, max_grad_norm=1e-3, monitor=mon)  # fmt: skip
    total = math.sqrt(sum(float(np.sum(p.grad**2)) for p in model.parameters()))
    assert total == pytest.approx(1e-3, rel=1e-3)  # clipped after the monitor saw it
    assert max(v[0] for v in mon.grad_norms.values()) > 1e-2


def test_fit_restores_the_best_weights_when_epochs_run_out():
    X, y = load_digits()
    Xtr, Xva, ytr, yva = train_test_split(X[:300], y[:300], 0.5, rng=0)
    model = nn.Sequential(nn.Linear(64, 64, rng=1), nn.ReLU(), nn.Linear(64, 10, rng=2))
    loss_fn = nn.CrossEntropyLoss()
    hist = fit(model, loss_fn, optim.Adam(model.parameters(), lr=0.05), Xtr, ytr,
               epochs=25, validation=(Xva, yva), patience=1000, rng=0)  # fmt: skip
    assert not hist.stopped_early and hist.epochs == 25
    assert hist.best_epoch < 24 and hist.restored_best
    assert loss_fn(model(Xva), yva) == pytest.approx(min(hist.val_loss))


def test_fit_patience_must_be_a_positive_integer():
    X, y = make_moons(16, rng=0)
    model = _small_net()
    with pytest.raises(ValueError, match="patience must be a positive integer, got 0"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
            validation=(X, y), patience=0)  # fmt: skip


def test_fit_progress_bar_shows_losses(capsys):
    X, y = make_moons(32, rng=0)
    model = _small_net()
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
        epochs=2, validation=(X, y), progress=True)  # fmt: skip
    assert "val_loss" in capsys.readouterr().err
