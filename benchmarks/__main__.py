"""Speed of nnlib against the libraries learners compare it with, as ratios from one run.

    python -m benchmarks            # the full run (about 4 minutes; micrograd is slow)
    python -m benchmarks --quick    # 10 micrograd steps instead of 100
    python -m benchmarks.playground # only the playground's steps per second (also run last here)

Needs micrograd (requirements-dev.txt) for the first row and PyTorch
(`pip install torch==2.13.0`, optional) for the second; a row whose library
is missing says so instead of a number.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time

import numpy as np

import nnlib
from benchmarks import playground
from nnlib import nn, optim
from nnlib.calculus import numerical_gradient
from nnlib.data import load_digits, make_moons
from nnlib.scalar import MLP


def _timed(fn):
    gc.collect()  # start each contender with no garbage left by the other
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


# ----------------------------------------------------- 1. micrograd's demo loop


def demo_loop(value_cls, model, X, y, steps):
    """micrograd's demo: max-margin loss plus L2, SGD with a decaying rate, full batch."""
    params = model.parameters()
    losses = []
    for k in range(steps):
        inputs = [[value_cls(float(a)) for a in row] for row in X]
        scores = [model(x) for x in inputs]
        margins = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(margins) * (1.0 / len(margins))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        losses.append(total.data)
    return losses


def bench_micrograd(steps):
    try:
        from micrograd.engine import Value as MicroValue
        from micrograd.nn import MLP as MicroMLP
    except ImportError:
        return None, "micrograd not installed"
    X, labels = make_moons(100, noise=0.1, rng=1)
    y = [float(2 * v - 1) for v in labels]  # labels as -1 / +1
    random.seed(1337)
    theirs = MicroMLP(2, [16, 16, 1])
    ours = MLP(2, [16, 16, 1], rng=0)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        p.data = float(q.data)  # the same initial weights
    t_theirs, l_theirs = _timed(lambda: demo_loop(MicroValue, theirs, X, y, steps))
    t_ours, l_ours = _timed(lambda: demo_loop(nnlib.Value, ours, X, y, steps))
    diff = max(abs(a - b) for a, b in zip(l_ours, l_theirs, strict=True))
    note = (
        f"{steps} steps; {t_theirs / steps:.3f} vs {t_ours / steps:.3f} s/step; "
        f"max loss difference {diff:.1e}"
    )
    return (t_theirs, t_ours), note


# ------------------------------------------------------- 2. a digits epoch


def _nnlib_epoch_runner():
    X, y = load_digits()
    model = nn.Sequential(
        nn.Linear(64, 128, rng=1),
        nn.ReLU(),
        nn.Linear(128, 64, rng=2),
        nn.ReLU(),
        nn.Linear(64, 10, rng=3),
    )
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    g = np.random.default_rng(0)

    def epoch():
        order = g.permutation(len(X))
        for start in range(0, len(X), 32):
            idx = order[start : start + 32]
            loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            model.backward(loss_fn.backward())
            opt.step()

    return epoch


def _torch_epoch_runner(torch):
    X, y = load_digits()
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 10),
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        order = torch.randperm(len(X))
        for start in range(0, len(X), 32):
            idx = order[start : start + 32]
            loss = loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    return epoch


def _median_epoch(epoch, repeats):
    epoch()  # warm up
    return statistics.median(_timed(epoch)[0] for _ in range(repeats))


def bench_digits(repeats):
    try:
        import torch
    except ImportError:
        return None, "PyTorch not installed"
    t_ours = _median_epoch(_nnlib_epoch_runner(), repeats)
    t_theirs = _median_epoch(_torch_epoch_runner(torch), repeats)
    note = (
        f"median of {repeats} epochs; {t_theirs * 1e3:.0f} vs {t_ours * 1e3:.0f} ms/epoch; "
        f"torch {torch.__version__}, float32, {torch.get_num_threads()} threads"
    )
    return (t_theirs, t_ours), note


# ------------------------------------------- 3. backprop versus nudging


def bench_backprop():
    X, y = load_digits()
    X, y = X[:32], y[:32]
    model = nn.Sequential(nn.Linear(64, 32, rng=1), nn.ReLU(), nn.Linear(32, 10, rng=2))
    loss_fn = nn.CrossEntropyLoss()
    params = model.parameters()
    n_params = sum(p.data.size for p in params)

    def backprop():
        loss_fn(model(X), y)
        model.zero_grad()
        model.backward(loss_fn.backward())
        return [p.grad.copy() for p in params]

    def numerical():
        grads = []
        for p in params:
            original = p.data

            def loss_at(w, p=p):
                p.data = w
                return loss_fn(model(X), y)

            grads.append(numerical_gradient(loss_at, original))
            p.data = original
        return grads

    t_back = statistics.median(_timed(backprop)[0] for _ in range(20))
    t_num, g_num = _timed(numerical)
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(backprop(), g_num, strict=True))
    note = (
        f"{n_params:,} parameters, batch 32: {t_num:.2f} s vs {t_back * 1e3:.2f} ms; "
        f"largest gradient difference {worst:.1e}"
    )
    return (t_num, t_back), note


def main(argv=None):
    parser = argparse.ArgumentParser(description="nnlib speed, as ratios")
    parser.add_argument("--quick", action="store_true", help="10 micrograd steps, 5 epochs")
    args = parser.parse_args(argv)
    steps, repeats = (10, 5) if args.quick else (100, 15)

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"numpy {np.__version__}, nnlib {nnlib.__version__}\n")
    rows = [
        ("micrograd demo loop: micrograd / nnlib", "5x or more", *bench_micrograd(steps)),
        (
            "digits epoch (64-128-64-10, Adam, batch 32): PyTorch / nnlib",
            "2x or more",
            *bench_digits(repeats),
        ),
        ("gradient of a loss: numerical / backprop", "(chapter 07)", *bench_backprop()),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'comparison':<{width}}  {'ratio':>8}  {'goal':<11}  details")
    for name, goal, times, note in rows:
        ratio = f"{times[0] / times[1]:8.1f}" if times else "       -"
        print(f"{name:<{width}}  {ratio}  {goal:<11}  {note}")
    print()
    playground.main()  # absolute rates, not ratios: the course's goal is 10 drawn steps/s


if __name__ == "__main__":
    main()
