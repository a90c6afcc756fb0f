"""Check analytic gradients against numerical ones: the test every backward pass must pass.

Chapter 07 uses it on the hand-written backpropagation of an MLP. The
comparison uses the relative error

    |analytic - numeric| / max(|analytic|, |numeric|, tiny)

which is about 1e-7 or smaller for a correct gradient in float64 with central
differences, and near 1 when a gradient is wrong. For a whole array of
gradients the sizes |·| are vector lengths (norms), so that entries which are
zero up to rounding do not swamp the report. (A ReLU whose input sits within
eps of 0 makes the numerical slope wrong there: that is the check's limit,
not a bug in backward.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnlib.calculus import CENTRAL_H
from nnlib.engine import Value
from nnlib.nn import Module

__all__ = ["GradcheckResult", "gradcheck", "relative_error"]


def relative_error(analytic, numeric, tiny: float = 1e-12) -> np.ndarray:
    """|a - n| / max(|a|, |n|, tiny), element by element."""
    a, n = np.asarray(analytic, float), np.asarray(numeric, float)
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)


@dataclass
class GradcheckResult:
    """What ``gradcheck`` found: ``passed``, the worst ``max_relative_error``, and per input."""

    passed: bool
    max_relative_error: float
    details: list[dict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"gradcheck {verdict}: largest relative error {self.max_relative_error:.2e}"]
        for d in self.details:
            lines.append(f"  {d['name']}: relative error {d['max_relative_error']:.2e}")
        return "\n".join(lines)


def _array_relative_error(analytic, numeric, tiny: float = 1e-12) -> float:
    """‖a - n‖ / max(‖a‖, ‖n‖, tiny) for whole arrays."""
    a, n = np.ravel(analytic), np.ravel(numeric)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a), np.linalg.norm(n), tiny))


def _within(analytic, numeric, rtol, atol):
    a, n = np.asarray(analytic, float), np.asarray(numeric, float)
    return bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))


def _check_values(f, inputs, eps, rtol, atol):
    for v in inputs:
        v.grad = 0.0
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    out.backward()
    details, ok = [], True
    for i, v in enumerate(inputs):
        x0 = v.data
        v.data = x0 + eps
        up = f(*inputs).data
        v.data = x0 - eps
        down = f(*inputs).data
        v.data = x0
        numeric = (up - down) / (2 * eps)
        err = float(relative_error(v.grad, numeric))
        ok &= _within(v.grad, numeric, rtol, atol)
        name = v.label or f"input {i}"
        details.append(
            {"name": name, "analytic": v.grad, "numeric": numeric, "max_relative_error": err}
        )
    return details, ok


def _check_module(module, x, target, loss_fn, eps, rtol, atol):
    x = np.array(x, dtype=float)

    def loss_value():
        return loss_fn(module(x), target)

    loss_value()
    module.zero_grad()
    grad_x = module.backward(loss_fn.backward())
    named = [
        (f"{type(module).__name__} param {i} {p.shape}", p)
        for i, p in enumerate(module.parameters())
    ]
    details, ok = [], True
    arrays = [(name, p.data, p.grad.copy()) for name, p in named] + [("input", x, grad_x)]
    for name, arr, analytic in arrays:
        numeric = np.zeros_like(arr)
        flat, nflat = arr.reshape(-1), numeric.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            up = loss_value()
            flat[j] = old - eps
            down = loss_value()
            flat[j] = old
            nflat[j] = (up - down) / (2 * eps)
        err = _array_relative_error(analytic, numeric)
        ok &= _within(analytic, numeric, rtol, atol)
        details.append(
            {"name": name, "analytic": analytic, "numeric": numeric, "max_relative_error": err}
        )
    return details, ok


def gradcheck(
    f,
    inputs,
    eps: float = CENTRAL_H,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    *,
    target=None,
    loss_fn=None,
):
    """Compare backpropagated gradients with central differences.

    Two forms:

    - ``gradcheck(f, [a, b, ...])`` with ``f`` a function of ``Value``s returning a Value;
    - ``gradcheck(module, x, target=y, loss_fn=MSELoss())`` for an ``nnlib.nn`` module:
      every parameter and the input are checked through the loss.

    Passes when ``|analytic - numeric| <= atol + rtol·|numeric|`` everywhere.
    Returns a ``GradcheckResult`` (truthy when passed) that prints a report.
    """
    if isinstance(f, Module):
        if loss_fn is None or target is None:
            raise TypeError("gradcheck of a module needs target= and loss_fn=")
        details, ok = _check_module(f, inputs, target, loss_fn, eps, rtol, atol)
    else:
        inputs = list(inputs)
        if not inputs or not all(isinstance(v, Value) for v in inputs):
            raise TypeError("gradcheck(f, inputs) expects a non-empty list of Values as inputs")
        details, ok = _check_values(f, inputs, eps, rtol, atol)
    worst = max((d["max_relative_error"] for d in details), default=0.0)
    return GradcheckResult(bool(ok), worst, details)
