"""Chapter 06's solutions, reference code and hidden cases (left out of a class release).

The public cases' expected values in ``nnlib.chapters.ch06`` come from nnlib's own losses;
tests/test_ch06.py checks that they equal what the references here give.
"""

from __future__ import annotations

import numpy as np

SOLUTIONS = {
    "06.1": '''
def cross_entropy(logits, targets):
    """Mean cross-entropy of a batch, from raw scores.

    logits: shape (batch, classes), one row of scores per example.
    targets: shape (batch,), the true class of each example (0 .. classes - 1).
    Returns one number, the mean over the batch of -log softmax(row)[true class],
    and stays finite, without warnings, for scores such as ±1000.
    """
    m = logits.max(axis=1, keepdims=True)  # each row's largest score
    log_sum_exp = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    true_scores = logits[np.arange(len(targets)), targets]
    return np.mean(log_sum_exp - true_scores)
''',
    "06.2": '''
def huber(pred, target, delta):
    """Mean Huber loss of the residuals r = pred - target (arrays of the same shape):
    ½·r² where |r| ≤ delta, and delta·(|r| - ½·delta) where |r| > delta."""
    r = np.abs(pred - target)
    per_example = np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))
    return np.mean(per_example)
''',
    "06.3": """
# Huber, δ = 5: 12, 14, 15, 17 within 5 of c pull with c - y, the 92 with -5:
# (c - 12) + (c - 14) + (c - 15) + (c - 17) - 5 = 0, so 4c = 63
# Lateness: between 15 and 17 the pulls are 3·(+1) + 2·(-3) < 0 (c too low), between
# 17 and 92 they are 4·(+1) + 1·(-3) > 0 (c too high): the balance is at 17
best_constants = (63 / 4, 17.0)
""",
    "06.4": "likelihood = math.exp(-20 * 0.35)  # the total NLL is 20 × 0.35 = 7",
}


# ------------------------------------------------------------------ references


def cross_entropy(logits, targets) -> float:
    """The reference for 06.1: log-sum-exp with each row's max shifted out, minus the true
    score, written as (log Σ e^(z - m)) - (z_true - m) so that huge equal scores cancel."""
    logits = np.asarray(logits, dtype=float)
    m = logits.max(axis=1, keepdims=True)
    shifted = logits - m
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_sum - shifted[np.arange(len(targets)), targets]))


def huber(pred, target, delta) -> float:
    """The reference for 06.2."""
    r = np.abs(np.asarray(pred, dtype=float) - np.asarray(target, dtype=float))
    with np.errstate(over="ignore"):
        return float(np.mean(np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta))))


# ------------------------------------------------------------------ hidden cases
#
# Inputs the learner's check never sees: one class, many classes, batches of one, scores of
# ±1e300 and 1e308 (finite, with the max shifted out), equal rows, integer scores, Huber on
# residuals far beyond delta, a tiny delta, 3-D arrays.


def _ce(logits, targets) -> dict:
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    return {"logits": logits, "targets": targets, "want": cross_entropy(logits, targets)}


def _hidden_cross_entropy() -> list[dict]:
    rng = np.random.default_rng(60601)
    return [
        _ce(rng.normal(scale=4.0, size=(5, 7)), rng.integers(0, 7, size=5)),
        _ce([[3.0], [-2.0]], [0, 0]),  # one class: probability 1, loss 0
        _ce([[1e300, -1e300], [-1e300, 1e300]], [1, 1]),
        _ce([[1e308, 0.0]], [1]),
        _ce([[0.0, -1e308, 5.0]], [1]),
        _ce([[7.0, 7.0, 7.0], [-500.0, -500.0, -500.0], [0.0, 0.0, 0.0]], [0, 1, 2]),
        _ce(np.c_[np.full(4, 2000.0), rng.normal(size=(4, 3))], [0, 1, 2, 3]),
        _ce(rng.normal(scale=2.0, size=(2, 40)), [39, 0]),
    ]


def _huber(pred, target, delta) -> dict:
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    return {"pred": pred, "target": target, "delta": delta, "want": huber(pred, target, delta)}


def _hidden_huber() -> list[dict]:
    rng = np.random.default_rng(60602)
    return [
        _huber(rng.normal(scale=5.0, size=9), rng.normal(size=9), 0.25),
        _huber([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 1.0),  # a perfect fit: 0
        _huber([1e300, -1e300], [-1e300, 1e300], 2.0),  # residuals of ±2e300
        _huber(rng.normal(scale=3.0, size=(2, 3, 4)), np.zeros((2, 3, 4)), 1.5),
        _huber([0.0, 10.0, -10.0, 0.001], [0.0, 0.0, 0.0, 0.0], 1e-3),
        _huber([5.0], [-5.0], 100.0),  # everything inside a wide band: half squared error
    ]


HIDDEN = {
    "06.1": _hidden_cross_entropy(),
    "06.2": _hidden_huber(),
}
