"""Optimisers and schedules: update rules by hand, both parameter kinds, bad settings."""

import math

import numpy as np
import pytest

from nnlib import Value, nn, optim


def test_sgd_on_the_bowl_reaches_minus_2():
    x = Value(0.0)
    opt = optim.SGD([x], lr=0.1)
    for _ in range(100):
        opt.zero_grad()
        ((x + 2) ** 2).backward()
        opt.step()
    assert x.data == pytest.approx(-2.0, abs=1e-8)


def test_first_sgd_step_by_hand():
    # x = 0 on y = (x + 2)²: slope 4; lr 0.1 moves x to -0.4
    x = Value(0.0)
    ((x + 2) ** 2).backward()
    optim.SGD([x], lr=0.1).step()
    assert x.data == pytest.approx(-0.4)


def test_momentum_by_hand():
    p = nn.Parameter([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad[:] = 1.0
    opt.step()  # v = 1
    assert p.data[0] == pytest.approx(0.9)
    opt.step()  # v = 0.9·1 + 1 = 1.9
    assert p.data[0] == pytest.approx(0.9 - 0.19)


def test_weight_decay_adds_lambda_w():
    p = nn.Parameter([2.0])
    optim.SGD([p], lr=0.5, weight_decay=0.1).step()  # grad 0 + 0.1·2
    assert p.data[0] == pytest.approx(2.0 - 0.5 * 0.2)


def test_adam_first_step_is_lr_in_the_gradient_direction():
    # With bias correction, Adam's first step is lr·g/|g| (up to eps): size lr whatever g is.
    for g in [1e-3, 5.0, -20.0]:
        p = nn.Parameter([0.0])
        p.grad[:] = g
        optim.Adam([p], lr=0.01).step()
        assert p.data[0] == pytest.approx(-0.01 * math.copysign(1, g), rel=1e-5)


def test_adam_by_hand_two_steps():
    v = Value(1.0)
    opt = optim.Adam([v], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    expected, m, s = 1.0, 0.0, 0.0
    for t, g in enumerate([0.5, -0.2], start=1):
        v.grad = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        expected -= 0.1 * (m / (1 - 0.9**t)) / (math.sqrt(s / (1 - 0.999**t)) + 1e-8)
        assert v.data == pytest.approx(expected, rel=1e-12)


def test_rmsprop_by_hand():
    p = nn.Parameter([1.0, -1.0])
    opt = optim.RMSprop([p], lr=0.01, alpha=0.9)
    p.grad[:] = [2.0, -0.5]
    opt.step()
    s = 0.1 * np.array([4.0, 0.25])
    np.testing.assert_allclose(
        p.data, [1.0, -1.0] - 0.01 * np.array([2.0, -0.5]) / (np.sqrt(s) + 1e-8)
    )


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.RMSprop])
def test_every_optimiser_trains_a_small_network(cls):
    from nnlib.data import make_blobs

    X, y = make_blobs(120, centers=3, cluster_std=0.5, rng=0)
    model = nn.Sequential(nn.Linear(2, 16, rng=1), nn.ReLU(), nn.Linear(16, 3, rng=2))
    loss_fn = nn.CrossEntropyLoss()
    opt = cls(model.parameters(), lr=0.05)
    first = loss_fn(model(X), y)
    for _ in range(60):
        loss_fn(model(X), y)
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
    assert loss_fn(model(X), y) < first / 4


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1", None, True])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ValueError, match="learning rate must be a positive finite number"):
        optim.SGD([Value(1.0)], lr=lr)


def test_other_bad_settings():
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \[0, 1\), got 1"):
        optim.SGD([Value(1.0)], lr=0.1, momentum=1)
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.Adam([Value(1.0)], betas=0.9)
    with pytest.raises(ValueError, match="beta2"):
        optim.Adam([Value(1.0)], betas=(0.9, 1.5))
    with pytest.raises(ValueError, match="eps"):
        optim.RMSprop([Value(1.0)], eps=0)
    with pytest.raises(ValueError, match="empty list of parameters"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="Values or Parameters, got float at 0"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(NotImplementedError):
        optim.Optimizer([Value(1.0)], lr=0.1).step()


def _lrs(schedule, n):
    out = [schedule.get_last_lr()[0]]
    for _ in range(n):
        schedule.step()
        out.append(schedule.optimizer.lr)
    return out


def test_schedules():
    def opt():
        return optim.SGD([Value(0.0)], lr=1.0)

    assert _lrs(optim.StepLR(opt(), step_size=2, gamma=0.5), 4) == [1, 1, 0.5, 0.5, 0.25]
    assert _lrs(optim.ExponentialLR(opt(), gamma=0.5), 2) == [1, 0.5, 0.25]
    cos = _lrs(optim.CosineAnnealingLR(opt(), T_max=4, eta_min=0.0), 4)
    np.testing.assert_allclose(
        cos, [1, (1 + math.sqrt(0.5)) / 2, 0.5, (1 - math.sqrt(0.5)) / 2, 0], atol=1e-12
    )
    warm = _lrs(optim.CosineAnnealingWarmRestarts(opt(), T_0=2, T_mult=2), 6)
    np.testing.assert_allclose(
        warm, [1, 0.5, 1, (1 + math.sqrt(0.5)) / 2, 0.5, (1 - math.sqrt(0.5)) / 2, 1], atol=1e-12
    )
    lin = _lrs(optim.LinearLR(opt(), start_factor=0.25, total_iters=3), 4)
    np.testing.assert_allclose(lin, [0.25, 0.5, 0.75, 1.0, 1.0])


def test_schedule_errors():
    with pytest.raises(TypeError, match="needs an Optimizer"):
        optim.StepLR("opt", step_size=1)
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        optim.StepLR(optim.SGD([Value(0.0)], lr=1.0), step_size=0)
    with pytest.raises(NotImplementedError):
        optim._Schedule(optim.SGD([Value(0.0)], lr=1.0))
