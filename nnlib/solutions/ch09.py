"""Chapter 09's solutions, reference code and hidden cases (left out of a class release).

The hidden cases are inputs the learner's check never shows: other shapes, many more
steps, gradients that are all 0, tiny next to ε or huge, a norm exactly at the limit,
warm-ups of one step and steps far past the end. Their expected values come from the
reference functions below, written from the formulas (not from nnlib).
"""

from __future__ import annotations

import math

import numpy as np

from nnlib.chapters.ch09 import _adamw_case, _clip_case

SOLUTIONS = {
    "09.1": '''
def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """One AdamW update of the weights w (an array) with gradient g = ∂L/∂w.

    Adam with both bias corrections and ε added to √v̂, plus the decoupled weight
    decay: the weights also shrink by lr·weight_decay·w (w as it was before this
    step). m and v are the running averages from the previous step (zeros before
    the first), t is this step's number (1, 2, 3, ...). Returns (new w, new m, new v).
    """
    m = beta1 * m + (1 - beta1) * g  # running mean of the gradients (g alone: no decay)
    v = beta2 * v + (1 - beta2) * g**2  # running mean of their squares
    m_hat = m / (1 - beta1**t)  # both start at 0: undo that pull towards 0
    v_hat = v / (1 - beta2**t)
    adam = m_hat / (np.sqrt(v_hat) + eps)  # ε next to the corrected √v̂
    return w - lr * adam - lr * weight_decay * w, m, v
''',
    "09.2": '''
def clip_by_global_norm(grads, max_norm):
    """Scale the list of gradient arrays ``grads`` together so that their global norm,
    sqrt(sum of every entry squared), is at most max_norm.

    Returns (the clipped list, the global norm before clipping).
    """
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    if total <= max_norm:  # short enough already, and all-zero gradients (norm 0)
        return list(grads), total
    return [g * (max_norm / total) for g in grads], total
''',
    "09.3": '''
def warmup_cosine(step, base_lr, warmup_steps, total_steps):
    """The learning rate at ``step`` (0, 1, 2, ...): it rises in a straight line from 0
    to base_lr over the first warmup_steps steps, then glides down half a cosine from
    base_lr to 0 at total_steps, and stays 0 after that."""
    if step < warmup_steps:  # never true when warmup_steps is 0: no division by 0
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 → 1
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))
''',
    "09.4": "ratio = (1 - 0.8) / math.sqrt(1 - 0.99)  # m₁ = 0.2·g, √v₁ = 0.1·|g|",
}


# ------------------------------------------------------------------ references


def adamw_reference(case) -> list:
    """(w, m, v) after each step of AdamW (PyTorch's rule), from the formulas."""
    lr, b1, b2, eps, wd = (case[k] for k in ("lr", "beta1", "beta2", "eps", "weight_decay"))
    w = np.array(case["w"], dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    states = []
    for t, g in enumerate(case["grads"], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * wd * w
        states.append((w.copy(), m.copy(), v.copy()))
    return states


def clip_reference(grads, max_norm) -> tuple[list, float]:
    """(the clipped list, the global norm before clipping)."""
    total = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    scale = max_norm / total if total > max_norm else 1.0
    return [np.array(g, dtype=float) * scale for g in grads], total


def warmup_cosine_reference(step, base_lr, warmup_steps, total_steps) -> float:
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    if step >= total_steps:
        return 0.0
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))


# ---------------------------------------------------------------- hidden cases


def _hidden_adamw() -> list[dict]:
    g = np.random.default_rng(2024)
    cases = [
        # every gradient 0 (a dead layer): Adam's step is 0/(0 + ε) = 0, only the decay acts
        _adamw_case(g.normal(size=(2, 3)), [np.zeros((2, 3))] * 4, 0.01, 0.9, 0.999, 1e-8, 0.2),
        # gradients far below ε: where ε sits decides the step
        _adamw_case(
            g.normal(size=(5,)),
            [g.normal(size=5) * 1e-9 for _ in range(6)],
            0.01,
            0.9,
            0.999,
            1e-8,
            0.01,
        ),
        # huge gradients (g² ≈ 1e200): the step is still about lr per weight
        _adamw_case(
            g.normal(size=(3, 1)),
            [g.normal(size=(3, 1)) * 1e100 for _ in range(4)],
            0.003,
            0.9,
            0.999,
            1e-8,
            0.05,
        ),
        # thirty steps: the corrections change with t all the way
        _adamw_case(
            g.normal(size=(4,)),
            [g.normal(size=4) for _ in range(30)],
            0.02,
            0.85,
            0.995,
            1e-8,
            0.1,
        ),
        # β₁ = 0 (no momentum), a large decay, a three-dimensional weight
        _adamw_case(
            g.normal(size=(2, 3, 2)),
            [g.normal(size=(2, 3, 2)) for _ in range(5)],
            0.1,
            0.0,
            0.9,
            1e-8,
            1.0,
        ),
        # gradients that flip sign every step
        _adamw_case(
            g.normal(size=(3,)),
            [np.array([1.0, -2.0, 0.5]) * (-1) ** k for k in range(8)],
            0.05,
            0.9,
            0.99,
            1e-8,
            0.0,
        ),
    ]
    for case in cases:
        case["want"] = adamw_reference(case)
    return cases


def _hidden_clip() -> list[dict]:
    g = np.random.default_rng(77)
    arrays = [np.array([0.6, 0.8]), np.array([[0.0, 0.0]])]  # global norm exactly 1
    cases = [
        _clip_case(arrays, 1.0),  # at the limit: unchanged
        _clip_case([g.normal(size=(3, 4)) * 1e100, g.normal(size=4) * 1e99], 2.0),  # huge
        _clip_case(
            [
                g.normal(size=(2, 2, 3)),
                g.normal(size=(1,)),
                g.normal(size=(6, 1)),
                g.normal(size=(4,)) * 5,
                g.normal(size=(2, 5)),
                g.normal(size=3),
            ],
            0.25,
        ),
        _clip_case([np.zeros((4, 4)), np.zeros(4), np.zeros((2, 1))], 0.1),  # all zero
        # four arrays each of norm 0.9, below the limit alone, 1.8 together
        _clip_case(
            [np.full((9,), 0.3), np.array([0.9]), np.array([[0.0, 0.9]]), np.array([0.54, -0.72])],
            1.0,
        ),
        _clip_case([np.array([-3.0]), np.array([4.0, 0.0])], 10.0),  # below: unchanged
    ]
    for case in cases:
        case["want"] = clip_reference(case["grads"], case["max_norm"])
    return cases


def _hidden_warmup() -> list[dict]:
    settings = [
        (7, 0.05, 7, 31),  # the last warm-up step ends exactly at base_lr
        (0, 0.2, 1, 10),  # a one-step warm-up starts at 0
        (1, 0.2, 1, 10),
        (49, 0.003, 0, 50),  # no warm-up, the last step before the end
        (12, 0.1, 12, 13),  # a cosine part one step long
        (1_000_000, 0.1, 10, 100),  # far past the end
        (61_803, 0.7, 1_000, 100_000),
        (3, 0.4, 8, 8),  # the warm-up fills the whole run
        (5, 0.4, 8, 9),
    ]
    return [
        {
            "step": s,
            "base_lr": lr,
            "warmup_steps": w,
            "total_steps": t,
            "want": warmup_cosine_reference(s, lr, w, t),
        }
        for s, lr, w, t in settings
    ]


HIDDEN = {
    "09.1": _hidden_adamw(),
    "09.2": _hidden_clip(),
    "09.3": _hidden_warmup(),
}
