"""nnlib against PyTorch, where PyTorch is installed (an optional oracle, never required).

Install it to run these: `pip install torch==2.13.0`. Everything is compared in
float64 to 1e-6 or better.
"""

import math

import numpy as np
import pytest

from nnlib import Value, nn, optim
from nnlib import functional as F

torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional oracle)")

T = torch.float64


def t(x, grad=False):
    return torch.tensor(np.asarray(x, dtype=float), dtype=T, requires_grad=grad)


def test_value_expression_matches_autograd():
    xs = [0.7, -1.3, 2.1]
    a, b, c = (Value(x) for x in xs)
    out = (
        ((a * b).tanh() + (c**2 + 1).log() - a / (1 + b * b)).sigmoid() * 3
        - (-c).exp()
        + (a - c).relu()
    )
    out.backward()
    ta, tb, tc = (t(x, True) for x in xs)
    tout = ((ta * tb).tanh() + (tc**2 + 1).log() - ta / (1 + tb * tb)).sigmoid() * 3 - (-tc).exp()
    tout = tout + (ta - tc).relu()
    tout.backward()
    assert out.data == pytest.approx(tout.item(), abs=1e-12)
    for v, tv in zip((a, b, c), (ta, tb, tc), strict=True):
        assert v.grad == pytest.approx(tv.grad.item(), abs=1e-10)


LAYERS = [
    (lambda: nn.ReLU(), lambda: torch.nn.ReLU()),
    (lambda: nn.LeakyReLU(0.01), lambda: torch.nn.LeakyReLU(0.01)),
    (lambda: nn.ELU(1.0), lambda: torch.nn.ELU(1.0)),
    (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid()),
    (lambda: nn.Tanh(), lambda: torch.nn.Tanh()),
    (lambda: nn.Softmax(), lambda: torch.nn.Softmax(dim=-1)),
]


@pytest.mark.parametrize(
    "make", LAYERS, ids=["ReLU", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Softmax"]
)
def test_activation_layers_match(make):
    g = np.random.default_rng(0)
    x, up = g.normal(size=(5, 4)) * 3, g.normal(size=(5, 4))
    ours, theirs = make[0](), make[1]()
    tx = t(x, True)
    ty = theirs(tx)
    ty.backward(t(up))
    np.testing.assert_allclose(ours(x), ty.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.backward(up), tx.grad.numpy(), atol=1e-12)


def test_linear_matches():
    g = np.random.default_rng(1)
    ours = nn.Linear(4, 3, rng=0)
    theirs = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        theirs.weight.copy_(t(ours.weight.data))
        theirs.bias.copy_(t(ours.bias.data))
    x, up = g.normal(size=(6, 4)), g.normal(size=(6, 3))
    tx = t(x, True)
    theirs(tx).backward(t(up))
    np.testing.assert_allclose(ours(x), theirs(tx).detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.backward(up), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.bias.grad, theirs.bias.grad.numpy(), atol=1e-12)


def _targets(g, kind):
    if kind == "indices":
        return g.integers(0, 4, 6), lambda y: torch.tensor(y)
    if kind == "binary":
        return g.integers(0, 2, (6, 4)).astype(float), t
    if kind == "probs":
        return F.softmax(g.normal(size=(6, 4))), t
    return g.normal(size=(6, 4)), t


LOSSES = [
    ("mse", lambda: nn.MSELoss(), lambda: torch.nn.MSELoss(), "real"),
    ("mse-sum", lambda: nn.MSELoss("sum"), lambda: torch.nn.MSELoss(reduction="sum"), "real"),
    ("l1", lambda: nn.L1Loss(), lambda: torch.nn.L1Loss(), "real"),
    ("huber", lambda: nn.HuberLoss(delta=0.7), lambda: torch.nn.HuberLoss(delta=0.7), "real"),
    ("ce-indices", lambda: nn.CrossEntropyLoss(), lambda: torch.nn.CrossEntropyLoss(), "indices"),
    ("ce-probs", lambda: nn.CrossEntropyLoss(), lambda: torch.nn.CrossEntropyLoss(), "probs"),
    ("bce-logits", lambda: nn.BCEWithLogitsLoss(), lambda: torch.nn.BCEWithLogitsLoss(), "binary"),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "kind"), LOSSES, ids=[x[0] for x in LOSSES])
def test_losses_match(name, ours, theirs, kind):
    g = np.random.default_rng(2)
    x = g.normal(size=(6, 4)) * 2
    y, to_torch = _targets(g, kind)
    loss = ours()
    value = loss(x, y)
    tx = t(x, True)
    tloss = theirs()(tx, to_torch(y))
    tloss.backward()
    assert value == pytest.approx(tloss.item(), abs=1e-12)
    np.testing.assert_allclose(loss.backward(), tx.grad.numpy(), atol=1e-12)


def test_binary_cross_entropy_clamps_like_pytorch():
    p, y = np.array([0.0, 1.0, 0.3, 1.0]), np.array([1.0, 0.0, 1.0, 1.0])
    expected = torch.nn.functional.binary_cross_entropy(t(p), t(y)).item()
    assert F.binary_cross_entropy(p, y) == pytest.approx(expected, abs=1e-12)


def _steps(ours_cls, theirs_cls, kwargs, n=6):
    g = np.random.default_rng(3)
    w0 = g.normal(size=(3, 2))
    grads = [g.normal(size=(3, 2)) for _ in range(n)]
    p = nn.Parameter(w0)
    v = Value(float(w0[0, 0]))
    ours, ours_scalar = ours_cls([p], **kwargs), ours_cls([v], **kwargs)
    tp = t(w0, True)
    theirs = theirs_cls([tp], **kwargs)
    for grad in grads:
        p.grad = grad.copy()
        v.grad = float(grad[0, 0])
        tp.grad = t(grad)
        ours.step()
        ours_scalar.step()
        theirs.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), atol=1e-10)
    assert v.data == pytest.approx(tp[0, 0].item(), abs=1e-10)


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"),
    [
        (optim.SGD, torch.optim.SGD, {"lr": 0.1}),
        (optim.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
        (optim.RMSprop, torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}),
        (optim.Adam, torch.optim.Adam, {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8}),
    ],
    ids=["sgd", "sgd-momentum-wd", "rmsprop", "adam"],
)
def test_optimiser_steps_match(ours, theirs, kwargs):
    _steps(ours, theirs, kwargs)


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"),
    [
        (optim.StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}),
        (optim.ExponentialLR, torch.optim.lr_scheduler.ExponentialLR, {"gamma": 0.9}),
        (
            optim.CosineAnnealingLR,
            torch.optim.lr_scheduler.CosineAnnealingLR,
            {"T_max": 7, "eta_min": 0.01},
        ),
        (
            optim.CosineAnnealingWarmRestarts,
            torch.optim.lr_scheduler.CosineAnnealingWarmRestarts,
            {"T_0": 3, "T_mult": 2},
        ),
        (
            optim.LinearLR,
            torch.optim.lr_scheduler.LinearLR,
            {"start_factor": 0.1, "total_iters": 4},
        ),
    ],
    ids=["step", "exponential", "cosine", "warm-restarts", "linear-warmup"],
)
def test_schedules_match(ours, theirs, kwargs):
    o = optim.SGD([Value(0.0)], lr=0.5)
    tp = t([0.0], True)
    to = torch.optim.SGD([tp], lr=0.5)
    s, ts = ours(o, **kwargs), theirs(to, **kwargs)
    for _ in range(12):
        assert o.lr == pytest.approx(ts.get_last_lr()[0], abs=1e-12)
        tp.grad = t([0.0])
        to.step()
        s.step()
        ts.step()
    assert math.isfinite(o.lr)
