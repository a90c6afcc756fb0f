"""Chapter 09's nnlib additions against PyTorch, where PyTorch is installed (optional oracle).

Install it to run these: `pip install torch==2.13.0`. Compared in float64.
"""

import math

import numpy as np
import pytest

from nnlib import nn, optim
from nnlib.data import load_digits, train_test_split
from nnlib.exercises import get

torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional oracle)")


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_matches(max_norm, norm_type):
    g = np.random.default_rng(0)
    grads = [g.normal(size=(4, 3)) * 2, g.normal(size=3), g.normal(size=(2, 2, 2))]
    ours = []
    theirs = []
    for grad in grads:
        p = nn.Parameter(np.zeros_like(grad))
        p.grad = grad.copy()
        ours.append(p)
        tp = torch.zeros(grad.shape, dtype=torch.float64, requires_grad=True)
        tp.grad = torch.tensor(grad)
        theirs.append(tp)
    total = nn.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert total == pytest.approx(t_total.item(), rel=1e-12)
    for p, tp in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_warmup_cosine_solution_matches_torch_schedulers():
    ns = {"np": np, "math": math}
    exec(get("09.3").solution, ns)
    warmup_cosine = ns["warmup_cosine"]
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    warm = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / 10 if s < 10 else 1.0)
    rates = []
    for _ in range(10):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        warm.step()
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
    for _ in range(45):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        cos.step()
    ours = [warmup_cosine(s, 0.1, 10, 50) for s in range(50)]
    np.testing.assert_allclose(ours, rates[:50], atol=1e-12)


def test_capstone_loss_curve_matches_torch():
    """The chapter's capstone, shortened: same weights, batches and Adam, same curve."""
    X, y = load_digits()
    Xtr, _, ytr, _ = train_test_split(X, y, 0.2, rng=0)
    model = nn.Sequential(
        nn.Linear(64, 32, init="he_normal", rng=10), nn.ReLU(), nn.Linear(32, 10, rng=11)
    )
    twin = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).double()
    with torch.no_grad():
        for tp, p in zip(twin.parameters(), model.parameters(), strict=True):
            tp.copy_(torch.from_numpy(p.data))
    loss_fn, t_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    adam = optim.Adam(model.parameters(), lr=0.01)
    t_adam = torch.optim.Adam(twin.parameters(), lr=0.01)
    g = np.random.default_rng(0)
    ours, theirs = [], []
    for _ in range(3):
        order = g.permutation(len(Xtr))
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            ours.append(loss_fn(model(Xtr[idx]), ytr[idx]))
            adam.zero_grad()
            model.backward(loss_fn.backward())
            adam.step()
            loss = t_loss_fn(twin(torch.from_numpy(Xtr[idx])), torch.from_numpy(ytr[idx]))
            t_adam.zero_grad()
            loss.backward()
            t_adam.step()
            theirs.append(loss.item())
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def _capstone_batches():
    """The chapter's capstone (section 8), as the notebook runs it: the initial weights,
    the shuffles of every epoch it trained, and nnlib's loss on every mini-batch."""
    X, y = load_digits()
    X_rest, _, y_rest, _ = train_test_split(X, y, test_size=0.2, rng=0)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.2, rng=1)
    model = nn.Sequential(
        nn.Linear(64, 64, init="he_normal", rng=10), nn.ReLU(), nn.Linear(64, 10, rng=11)
    )
    model[2].weight.data *= 0.1
    model[2].bias.data[:] = 0.0
    initial = [p.data.copy() for p in model.parameters()]
    loss_fn, adam = nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.02)
    shuffle = np.random.default_rng(0)
    losses, orders, best, waited = [], [], math.inf, 0
    for _ in range(100):
        order = shuffle.permutation(len(X_train))
        orders.append(order)
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            losses.append(loss_fn(model(X_train[batch]), y_train[batch]))
            adam.zero_grad()
            model.backward(loss_fn.backward())
            adam.step()
        val = loss_fn(model(X_val), y_val)
        best, waited = (val, 0) if val < best else (best, waited + 1)
        if waited == 5:
            break
    return X_train, y_train, initial, orders, np.array(losses)


def test_stored_capstone_losses_are_pytorchs():
    """The PyTorch losses shipped with nnlib (drawn in chapter 09 for every learner) are
    what PyTorch computes for the capstone's weights and batches, and nnlib agrees."""
    from nnlib.chapters.ch09 import pytorch_capstone_losses

    stored, version = pytorch_capstone_losses()
    X_train, y_train, initial, orders, ours = _capstone_batches()
    torch.set_num_threads(1)
    twin = torch.nn.Sequential(
        torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
    ).double()
    with torch.no_grad():
        for tp, w in zip(twin.parameters(), initial, strict=True):
            tp.copy_(torch.from_numpy(w))
    t_adam, t_loss_fn = torch.optim.Adam(twin.parameters(), lr=0.02), torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X_train), torch.from_numpy(y_train)
    theirs = []
    for order in orders:
        for start in range(0, len(order), 64):
            batch = torch.from_numpy(order[start : start + 64])
            loss = t_loss_fn(twin(X_t[batch]), y_t[batch])
            t_adam.zero_grad()
            loss.backward()
            t_adam.step()
            theirs.append(loss.item())
    assert version.startswith("2.") and len(stored) == len(theirs) == len(ours)
    np.testing.assert_allclose(theirs, stored, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours, stored, rtol=0, atol=1e-10)
