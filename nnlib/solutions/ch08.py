"""Chapter 08's solutions, reference code and hidden cases (left out of a class release).

The public cases' expected values in ``nnlib.chapters.ch08`` are literal numbers (or
nnlib's own ``optim.SGD``); tests/test_ch08.py asserts that they equal what the reference
code here computes.
"""

from __future__ import annotations

import numpy as np

from nnlib.chapters.ch08 import (
    _batch_case,
    _exact_case,
    _one_step_case,
    _sgd_case,
    _train_case,
    logistic_data,
    logistic_loss,
)

SOLUTIONS = {
    "08.1": '''
def sgd_step(params, grads, lr):
    """One step of gradient descent, in place: every array p in params becomes
    p - lr·g, with g the array at the same place in grads. Returns nothing."""
    for p, g in zip(params, grads):
        p -= lr * g  # changes the array itself, which the model also holds
''',
    "08.2": "edge_rate = 2 / 6  # f'(x) = 6x - 6, so x - 1 is multiplied by 1 - 6α each step",
    "08.3": '''
def minibatch_indices(n, batch_size, rng):
    """The mini-batches of one epoch over n examples, as a list of index arrays.

    Shuffle the indices 0 … n-1 with the generator rng, then cut them into
    consecutive batches of batch_size. The last batch holds what is left: it
    is smaller when batch_size does not divide n, and no batch is empty.
    """
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]
''',
    "08.4": '''
def train(X, y, epochs, lr, batch_size, seed):
    """Logistic regression by mini-batch gradient descent.

    X: (n, d) features; y: (n,) labels 0 or 1. Start from w = zeros(d), b = 0.
    Make rng = np.random.default_rng(seed) once, before the epochs. Every epoch,
    take order = rng.permutation(n) and cut it into mini-batches of batch_size
    (keep the last, smaller one); for each mini-batch, in that order:
        p = σ(X_b·w + b),  w ← w - lr·X_bᵀ(p - y_b)/m,  b ← b - lr·mean(p - y_b)
    where m is the batch's size. After each epoch, append the mean
    cross-entropy over the whole of X to losses, computed from z = X·w + b so
    that it stays finite when p rounds to 0 or 1. Return w, b, losses.
    """
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            p = 1 / (1 + np.exp(-(X[idx] @ w + b)))
            error = p - y[idx]  # ∂L/∂z for each example of the batch (before the mean)
            w = w - lr * X[idx].T @ error / len(idx)
            b = b - lr * np.mean(error)
        z = X @ w + b
        losses.append(np.mean(np.logaddexp(0, z) - y * z))  # = mean cross-entropy, stably
    return w, b, losses
''',
}


# ------------------------------------------------------------------ 08.1


def sgd_reference(params, grads, lr) -> list[np.ndarray]:
    """What one step of gradient descent makes of params: p - lr·g for each array."""
    return [
        np.asarray(p, float) - lr * np.asarray(g, float)
        for p, g in zip(params, grads, strict=True)
    ]


def _hidden_sgd() -> list[dict]:
    g = np.random.default_rng(8081)
    cases = []
    specs = [
        # a (2, 3, 4) array: a transposed or flattened gradient cannot fit
        ([(2, 3, 4), (4,)], 0.05, "a 3-D weight and a bias"),
        # non-square matrices only: g.T does not even broadcast
        ([(3, 5), (5, 2), (2,)], 0.2, "three arrays, none square"),
        # ten arrays: a loop that stops early or skips the last one shows
        ([(2,)] * 10, 0.7, "ten small arrays"),
        # one column vector of a thousand entries
        ([(1000, 1)], 0.001, "one long column"),
    ]
    for shapes, lr, note in specs:
        params = [g.normal(0, 1, s) for s in shapes]
        grads = [g.normal(0, 1, s) for s in shapes]
        cases.append(_sgd_case(params, grads, lr, note, want=sgd_reference(params, grads, lr)))
    # huge and tiny magnitudes side by side: p - lr·g stays finite and exact
    params = [np.array([1e300, -1e300, 1e-300]), np.array([[3.0, -2.0]])]
    grads = [np.array([1e300, 1e299, -1e-300]), np.array([[1e-8, 4.0]])]
    cases.append(
        _sgd_case(params, grads, 0.25, "numbers from 1e-300 to 1e300",
                  want=sgd_reference(params, grads, 0.25))
    )  # fmt: skip
    return cases


# ------------------------------------------------------------------ 08.3


def batch_sizes(n: int, batch_size: int) -> list[int]:
    """The sizes of one epoch's batches: full ones, then what is left (if anything)."""
    return [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])


def _hidden_batches() -> list[dict]:
    specs = [(1000, 7, 3), (3, 5, 4), (50, 49, 5), (2, 1, 6), (97, 10, 7), (256, 256, 8),
             (40, np.int64(6), 9)]  # fmt: skip
    return [_batch_case(n, bs, seed, want={"sizes": batch_sizes(n, int(bs))}) for n, bs, seed
            in specs]  # fmt: skip


# ------------------------------------------------------------------ 08.4


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))  # σ(z) without overflow warnings


def reference_train(X, y, epochs, lr, batch_size, seed, *, slip=None):
    """08.4's loop, and the slips the check recognises (``slip``):

    - "fresh rng": a new generator every epoch (the same order every epoch);
    - "drop last": the last, smaller batch skipped;
    - "choice": rng.choice(n, n, replace=False) instead of rng.permutation(n);
    - "batch_size": the mean's divisor is batch_size even on the short last batch;
    - "uphill", "no lr", "sum": w and b stepped up, without lr, by the sum not the mean;
    - "no sigmoid": p = z; "b frozen": b never updated.
    """
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b, losses = np.zeros(d), 0.0, []
    sign = -1.0 if slip == "uphill" else 1.0
    rate = 1.0 if slip == "no lr" else lr
    for _ in range(epochs):
        if slip == "fresh rng":
            rng = np.random.default_rng(seed)
        order = rng.choice(n, n, replace=False) if slip == "choice" else rng.permutation(n)
        stop = n - n % batch_size if slip == "drop last" else n
        for start in range(0, stop, batch_size):
            idx = order[start : start + batch_size]
            z = X[idx] @ w + b
            error = (z if slip == "no sigmoid" else _sigmoid(z)) - y[idx]
            m = {"batch_size": batch_size, "sum": 1}.get(slip, len(idx))
            w = w - sign * rate * X[idx].T @ error / m
            if slip != "b frozen":
                b = b - sign * rate * float(np.sum(error)) / m
        losses.append(logistic_loss(X, y, w, b))
    return w, b, losses


def _run(X, y, epochs, lr, batch_size, seed, slip=None) -> dict:
    w, b, losses = reference_train(X, y, epochs, lr, batch_size, seed, slip=slip)
    return {"w": w, "b": float(b), "losses": [float(v) for v in losses]}


ONE_STEP_SLIPS = ("uphill", "no lr", "sum", "no sigmoid", "b frozen")
EXACT_SLIPS = ("fresh rng", "drop last", "choice", "batch_size")


def one_step_want(X, y, lr) -> dict:
    """The expected result of one full-batch step (and the slips' results)."""
    n = len(X)
    want = _run(X, y, 1, lr, n, 0)
    want["slips"] = {s: _run(X, y, 1, lr, n, 0, s) for s in ONE_STEP_SLIPS}
    return want


def exact_want(X, y, epochs, lr, batch_size, seed) -> dict:
    """The expected result of a small run followed step by step (and the slips' results)."""
    want = _run(X, y, epochs, lr, batch_size, seed)
    want["slips"] = {s: _run(X, y, epochs, lr, batch_size, seed, s) for s in EXACT_SLIPS}
    return want


def best_logistic_loss(X, y) -> float:
    """The lowest mean cross-entropy a linear classifier reaches on (X, y): 50 steps of
    Newton's method from zero (exact to far better than the check's margin)."""
    A = np.c_[X, np.ones(len(X))]
    theta = np.zeros(A.shape[1])
    for _ in range(50):
        p = _sigmoid(A @ theta)
        hessian = A.T @ (A * (p * (1 - p))[:, None]) / len(A) + 1e-9 * np.eye(A.shape[1])
        theta -= np.linalg.solve(hessian, A.T @ (p - y) / len(A))
    return logistic_loss(X, y, theta[:-1], theta[-1])


def _hidden_train() -> list[dict]:
    cases = []
    g = np.random.default_rng(8400)
    # one full-batch step on other shapes and rates
    for n, d, lr in [(5, 2, 0.3), (9, 4, 0.05)]:
        X = g.normal(0, 2, (n, d)).round(2)
        y = (np.arange(n) % 2).astype(float)
        cases.append(_one_step_case(X, y, lr, want=one_step_want(X, y, lr)))
    # small runs followed step by step: short last batches of 2 and of 1, a batch larger
    # than the data, and batches of one example
    for n, d, epochs, lr, bs, seed in [(10, 3, 2, 0.3, 4, 7), (5, 1, 4, 0.8, 2, 1),
                                       (6, 2, 3, 0.4, 10, 2), (4, 2, 2, 0.5, 1, 3)]:  # fmt: skip
        X = g.normal(0, 1, (n, d)).round(2)
        y = np.array([0.0, 1.0] * n)[:n]
        cases.append(_exact_case(X, y, epochs, lr, bs, seed,
                                 want=exact_want(X, y, epochs, lr, bs, seed)))  # fmt: skip
    # features in the thousands: z reaches millions, σ(z) is exactly 0 or 1
    X = g.normal(0, 1000, (6, 3)).round(0)
    y = np.array([1.0, 1, 0, 0, 1, 0])
    cases.append(_exact_case(X, y, 3, 0.05, 4, 5, want=exact_want(X, y, 3, 0.05, 4, 5)))
    # real training on data sets the public cases do not use: other widths, one example per
    # step
    for data, epochs, lr, bs, seed in [
        ((21, 200, 6, 1.5), 20, 0.5, 25, 3),
        ((22, 120, 3, 1.0), 15, 0.02, 1, 4),
        ((33, 170, 5, 1.0), 40, 0.2, 32, 9),
    ]:
        X, y = logistic_data(*data)
        cases.append(_train_case(data, epochs, lr, bs, seed,
                                 want={"best": best_logistic_loss(X, y)}))  # fmt: skip
    return cases


HIDDEN = {
    "08.1": _hidden_sgd(),
    "08.3": _hidden_batches(),
    "08.4": _hidden_train(),
}
