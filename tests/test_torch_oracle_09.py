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
