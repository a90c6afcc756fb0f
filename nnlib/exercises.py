"""Checks for the chapters' exercises: what is right, and what to look at when not.

Chapter 00 shows how they work. Each check takes your answer and returns a
``Feedback``, which a notebook shows as a coloured box:

- ✅ correct, with a sentence on why;
- ❌ not yet, with a hint that points at the likely slip;
- ✏️ not done yet, when the answer is still the placeholder ``None``.

Checks are registered by name (``"00.find_x"``) in ``CHECKS`` so that tools
can run every check of a chapter.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["CHECKS", "FEEDBACK_MIME", "Feedback", "register"]


FEEDBACK_MIME = "application/vnd.nnlib.feedback+json"


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``passed`` is True, False, or None (not attempted).

    ``check`` names the exercise (``"01.best_h"``); a notebook shows the
    feedback as a coloured box and also records it under the MIME type
    ``application/vnd.nnlib.feedback+json``, which ``nnlib.instructor grade`` reads.
    """

    passed: bool | None
    message: str
    check: str = ""

    @property
    def symbol(self) -> str:
        return {True: "✅", False: "❌", None: "✏️"}[self.passed]

    def __str__(self) -> str:
        return f"{self.symbol} {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": str(self),
            "text/html": self._repr_html_(),
            FEEDBACK_MIME: {"check": self.check, "passed": self.passed},
        }

    def _repr_html_(self) -> str:
        colour = {True: "#e3f4e8", False: "#fde8e4", None: "#eef2f7"}[self.passed]
        return (
            f"<div style='background:{colour};padding:0.5em 0.8em;border-radius:4px'>"
            f"{self.symbol} {html.escape(self.message)}</div>"
        )


def correct(message: str) -> Feedback:
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    return Feedback(False, message)


NOT_DONE = Feedback(None, "Not done yet: replace None with your answer and run the cell again.")

CHECKS: dict[str, Callable[..., Feedback]] = {}


def register(name: str):
    """Add a check to ``CHECKS`` under ``name`` (``"chapter.exercise"``); its
    feedback then carries that name."""

    def deco(fn):
        @functools.wraps(fn)
        def check(*args, **kwargs) -> Feedback:
            return dataclasses.replace(fn(*args, **kwargs), check=name)

        CHECKS[name] = check
        return check

    return deco


def _is_number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _expect_number(answer) -> Feedback | None:
    """The feedback for a placeholder or a non-number, or None when ``answer`` is a number."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a number, got {answer!r}.")
    return None


# ----------------------------------------------------------------- chapter 00


@register("00.find_x")
def ch00_find_x(answer) -> Feedback:
    """Chapter 00: the x at which f(x) = x² equals 4 and the slope is negative."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a number such as 1.5, got {answer!r}.")
    if math.isclose(answer, -2.0, abs_tol=1e-9):
        return correct("x = -2: f(-2) = 4 and the slope 2x = -4 is negative, so f falls there.")
    if math.isclose(answer, 2.0, abs_tol=1e-9):
        return wrong(
            "x = 2 gives f(x) = 4, but the slope there is +4. Which other x also gives 4?"
        )
    return wrong(
        f"f({answer:g}) = {answer * answer:g}, not 4. Move the slider until the readout says 4.00."
    )


# ----------------------------------------------------------------- chapter 01


def _close(a, b, rel=1e-6, abs_tol=1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


@register("01.secant_slope")
def ch01_secant_slope(answer) -> Feedback:
    """Chapter 01: the secant slope of f(x) = x³ from x = 2 to x = 2.1."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 12.61, rel=1e-4):
        return correct(
            "(2.1³ - 2³) / 0.1 = (9.261 - 8) / 0.1 = 12.61: a bit more than the true slope 12, "
            "because the curve keeps getting steeper between 2 and 2.1."
        )
    if _close(answer, 12.0, rel=1e-4):
        return wrong(
            "12 is the derivative 3x² at x = 2, the limit. We asked for the secant with h = 0.1."
        )
    if _close(answer, 1.261, rel=1e-4):
        return wrong(
            "1.261 is the rise f(2.1) - f(2). A slope is rise over run: divide by h = 0.1."
        )
    if _close(answer, 12.01, rel=1e-4):
        return wrong("12.01 is the central quotient (from 1.9 to 2.1). Use the points 2 and 2.1.")
    return wrong("Compute (f(2.1) - f(2)) / 0.1 with f(x) = x³.")


def _probe(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:  # the learner's code may raise anything; report it kindly
        return None, f"{type(e).__name__}: {e}"


@register("01.central_difference")
def ch01_central_difference(fn) -> Feedback:
    """Chapter 01: a function central(f, x, h) returning (f(x + h) - f(x - h)) / (2h)."""
    if fn is None:
        return NOT_DONE
    if not callable(fn):
        return wrong(f"Expected a function central(f, x, h), got {fn!r}.")
    cases = [(lambda x: x**3, 2.0, 0.1), (math.sin, 1.0, 1e-3), (math.exp, 0.0, 0.5)]
    for f, x, h in cases:
        got, error = _probe(fn, f, x, h)
        if error:
            return wrong(f"Calling your function with h = {h} raised {error}.")
        want = (f(x + h) - f(x - h)) / (2 * h)
        if not _is_number(got):
            return wrong(f"Your function should return a number, it returned {got!r}.")
        if _close(got, want):
            continue
        if _close(got, 2 * want):
            return wrong("Off by a factor of 2: the two points are 2h apart, so divide by 2h.")
        if _close(got, (f(x + h) - f(x)) / h):
            return wrong("That is the forward difference. Use f(x + h) and f(x - h).")
        return wrong(f"For f(x) = x³ at x = 2, h = 0.1 we expect 12.01; yours gave {got!r}.")
    return correct(
        "Your central difference matches (f(x + h) - f(x - h)) / 2h on three functions."
    )


def _forward_error_exp(h: float) -> float:
    return abs((math.exp(h) - 1.0) / h - 1.0)


@register("01.best_h")
def ch01_best_h(answer) -> Feedback:
    """Chapter 01: the power of ten h with the smallest forward-difference error for eˣ at 0."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer) or answer <= 0:
        return wrong(f"Expected a positive step such as 1e-5, got {answer!r}.")
    best = min(_forward_error_exp(10.0**-k) for k in range(1, 16))
    err = _forward_error_exp(answer)
    if err <= 10 * best:
        return correct(
            f"h = {answer:.0e} gives an error of {err:.1e}, within a factor of 10 of the best "
            f"({best:.1e}). Around 1e-8 = √(machine epsilon) the two errors balance."
        )
    if answer < 1e-9:
        return wrong(f"At h = {answer:.0e} round-off dominates (error {err:.1e}): try a larger h.")
    return wrong(f"At h = {answer:.0e} the secant still bends away (error {err:.1e}): go smaller.")


@register("01.error_ratio")
def ch01_error_ratio(answer) -> Feedback:
    """Chapter 01: how much the central-difference error shrinks when h shrinks tenfold."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a number such as 10, got {answer!r}.")
    if 80 <= answer <= 120:
        return correct("About 100: the central error is of order h², and (1/10)² = 1/100.")
    if 8 <= answer <= 12:
        return wrong(
            "10 is the forward difference's factor (error of order h). Central is better."
        )
    return wrong("Measure it: compute the central error for h = 1e-2 and h = 1e-3 and divide.")


# ----------------------------------------------------------------- chapter 02


@register("02.product_rule")
def ch02_product_rule(answer) -> Feedback:
    """Chapter 02: the derivative of x²·sin(x) at x = 1."""
    if (early := _expect_number(answer)) is not None:
        return early
    s, c = math.sin(1.0), math.cos(1.0)
    if _close(answer, 2 * s + c, rel=1e-3):
        return correct(f"(x²)'·sin x + x²·(sin x)' = 2·sin 1 + cos 1 = {2 * s + c:.4f}.")
    if _close(answer, 2 * c, rel=1e-3):
        return wrong(
            "That multiplies the two derivatives (2x · cos x). The product rule adds two terms."
        )
    if _close(answer, 2 * s, rel=1e-3) or _close(answer, c, rel=1e-3):
        return wrong("Only one term of the product rule: (fg)' = f'·g + f·g'. Add the other one.")
    return wrong(
        "Use (fg)' = f'·g + f·g' with f = x², g = sin x, at x = 1; "
        "check with nnlib.calculus.derivative."
    )


def _pair(answer):
    try:
        a, b = answer
        return (float(a), float(b)) if _is_number(a) and _is_number(b) else None
    except (TypeError, ValueError):
        return None


@register("02.gradient")
def ch02_gradient(answer) -> Feedback:
    """Chapter 02: the gradient of f(x, y) = x²·y at (1, 2), as (∂f/∂x, ∂f/∂y)."""
    if answer is None:
        return NOT_DONE
    pair = _pair(answer)
    if pair is None:
        return wrong(f"Expected a pair of numbers (df_dx, df_dy), got {answer!r}.")
    if _close(pair[0], 4.0) and _close(pair[1], 1.0):
        return correct("∂f/∂x = 2xy = 4 and ∂f/∂y = x² = 1: (4, 1).")
    if _close(pair[0], 1.0) and _close(pair[1], 4.0):
        return wrong("The right numbers in the wrong order: ∂f/∂x comes first.")
    if _close(pair[0], 2.0):
        return wrong("∂f/∂x treats y as a constant but keeps it: 2x·y, not 2x.")
    return wrong("Differentiate with respect to one variable at a time, holding the other fixed.")


@register("02.chain")
def ch02_chain(answer) -> Feedback:
    """Chapter 02: dM/da for M = d² in the chapter's graph (a = 2, b = -3, c = 10)."""
    if (early := _expect_number(answer)) is not None:
        return early
    # M = d², d = e + c, e = a·b: dM/da = 2d · 1 · b = 2·4·(-3)
    if _close(answer, -24.0):
        return correct("dM/dd = 2d = 8, dd/de = 1, de/da = b = -3: 8 · 1 · (-3) = -24.")
    if _close(answer, -3.0):
        return wrong(
            "-3 is only the local derivative de/da = b. Multiply by everything downstream."
        )
    if _close(answer, 8.0):
        return wrong("8 is dM/dd. Keep going back through d = e + c and e = a·b.")
    if _close(answer, 24.0):
        return wrong("Check the sign: b = -3.")
    return wrong("Chain rule: dM/da = dM/dd · dd/de · de/da. Check by nudging a in code.")


@register("02.local_vs_gradient")
def ch02_local_vs_gradient(answer) -> Feedback:
    """Chapter 02: (local derivative de/db, gradient dL/db) in the chapter's graph."""
    if answer is None:
        return NOT_DONE
    pair = _pair(answer)
    if pair is None:
        return wrong(f"Expected a pair (local, gradient), got {answer!r}.")
    if _close(pair[0], 2.0) and _close(pair[1], -4.0):
        return correct("de/db = a = 2 looks only at e = a·b; dL/db = dL/de · de/db = -2 · 2 = -4.")
    if _close(pair[0], -4.0) and _close(pair[1], 2.0):
        return wrong(
            "Swapped: the local derivative is the small one-step number, e = a·b gives de/db = a."
        )
    if _close(pair[0], pair[1]):
        return wrong("They differ: the gradient multiplies the local derivative by dL/de = -2.")
    return wrong(
        "Local: how e moves when b moves (e = a·b). Gradient: how L moves (nudge b and see)."
    )


# ----------------------------------------------------------------- chapter 03


@register("03.neuron_output")
def ch03_neuron_output(answer) -> Feedback:
    """Chapter 03: (z, ReLU(z)) for inputs [1, -2, 3], weights [0.4, 0.5, -1], bias 2."""
    if answer is None:
        return NOT_DONE
    pair = _pair(answer)
    if pair is None:
        return wrong(f"Expected a pair (z, relu_of_z), got {answer!r}.")
    z, a = pair
    if _close(z, -1.6) and _close(a, 0.0):
        return correct("z = 0.4 - 1 - 3 + 2 = -1.6, and ReLU turns any negative z into 0.")
    if _close(z, -3.6):
        return wrong("z = -3.6 leaves out the bias: add b = 2.")
    if _close(z, -1.6):
        return wrong("z is right; ReLU(z) = max(0, z), so for a negative z it is 0.")
    return wrong("Multiply each input by its weight, add them up, then add the bias.")


@register("03.loan_boundary")
def ch03_loan_boundary(answer) -> Feedback:
    """Chapter 03: the credit score on the loan neuron's boundary at income 100."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 50.0):
        return correct("Set z = 0: 2·score = 150 - 0.5·100, so score = 75 - 25 = 50.")
    if _close(answer, 75.0):
        return wrong("75 is the boundary at income 0. Subtract 0.25 × income.")
    if _close(answer, 100.0):
        return wrong("Solve 0.5·income + 2·score - 150 = 0 for score: divide by 2 at the end.")
    return wrong("On the boundary z = 0: solve 0.5·100 + 2·score - 150 = 0 for score.")


def _gate_hits(weights, targets):
    w1, w2, b = weights
    return [
        int(w1 * x1 + w2 * x2 + b > 0) for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]
    ] == targets


@register("03.and_gate")
def ch03_and_gate(answer) -> Feedback:
    """Chapter 03: weights (w1, w2, b) with which one neuron (z > 0) computes AND."""
    if answer is None:
        return NOT_DONE
    try:
        w1, w2, b = (float(v) for v in answer)
    except (TypeError, ValueError):
        return wrong(f"Expected three numbers (w1, w2, b), got {answer!r}.")
    if _gate_hits((w1, w2, b), [0, 0, 0, 1]):
        return correct(
            f"z = {w1:g}·x1 + {w2:g}·x2 + {b:g} is positive only at (1, 1): that is AND."
        )
    if _gate_hits((w1, w2, b), [0, 1, 1, 1]):
        return wrong("That neuron computes OR: (0, 1) and (1, 0) also get z > 0. Lower the bias.")
    outputs = [int(w1 * x1 + w2 * x2 + b > 0) for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    return wrong(
        f"Your neuron outputs {outputs} for (0,0), (0,1), (1,0), (1,1); AND is [0, 0, 0, 1]."
    )


@register("03.xor_best")
def ch03_xor_best(answer) -> Feedback:
    """Chapter 03: the largest fraction of the four XOR points one straight line gets right."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 0.75) or _close(answer, 3.0):
        return correct(
            "3 of 4 (75%): any line that gets three right must put the fourth on the wrong side."
        )
    if _close(answer, 1.0) or _close(answer, 4.0):
        return wrong(
            "If some line got all four, XOR would be linearly separable. Try the search again."
        )
    if _close(answer, 0.5) or _close(answer, 2.0):
        return wrong("A line can do better than half: put three points on their correct sides.")
    return wrong("Give the best fraction (such as 0.5) or the count of points out of 4.")


# ----------------------------------------------------------------- chapter 04

#: The two linear layers of chapter 04's collapse exercise.
CH04_W1 = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]
CH04_B1 = [1.0, 0.0, -2.0]
CH04_W2 = [[2.0, 0.0, 1.0], [-1.0, 1.0, 0.5]]
CH04_B2 = [0.5, -1.0]


@register("04.sigmoid_slope")
def ch04_sigmoid_slope(answer) -> Feedback:
    """Chapter 04: the slope of the sigmoid at z = 2."""
    if (early := _expect_number(answer)) is not None:
        return early
    s = 1 / (1 + math.exp(-2))
    if _close(answer, s * (1 - s), rel=1e-3):
        return correct(f"σ(2) = {s:.4f}, so σ'(2) = σ(2)(1 - σ(2)) = {s * (1 - s):.4f}.")
    if _close(answer, 0.25, rel=1e-3):
        return wrong("0.25 is the slope at z = 0, the steepest point. At z = 2 it is flatter.")
    if _close(answer, s, rel=1e-3):
        return wrong("That is σ(2), the value. The slope is σ(2)·(1 - σ(2)).")
    return wrong("Use σ'(z) = σ(z)·(1 - σ(z)) with σ(2) = 1 / (1 + e⁻²).")


def _array(x, shape):
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    return a if a.shape == shape else None


@register("04.collapse")
def ch04_collapse(answer) -> Feedback:
    """Chapter 04: the one linear layer (W, b) equal to layer 2 after layer 1."""
    if answer is None:
        return NOT_DONE
    try:
        W, b = answer
    except (TypeError, ValueError):
        return wrong(f"Expected a pair (W, b), got {answer!r}.")
    W, b = _array(W, (2, 2)), _array(b, (2,))
    if W is None or b is None:
        return wrong("W should be a 2×2 matrix and b a vector of 2 numbers.")
    W1, b1, W2, b2 = (np.array(m) for m in (CH04_W1, CH04_B1, CH04_W2, CH04_B2))
    W_ok, b_ok = np.allclose(W, W2 @ W1), np.allclose(b, W2 @ b1 + b2)
    if W_ok and b_ok:
        return correct("W = W2·W1 and b = W2·b1 + b2: two linear layers are one linear layer.")
    if not W_ok and np.allclose(W, (W2 @ W1).T):
        return wrong("That is W transposed: W2·W1 has one row per output of layer 2.")
    if W_ok and np.allclose(b, b2):
        return wrong("W is right. The first bias also passes through W2: b = W2·b1 + b2.")
    if W_ok:
        return wrong("W is right; check b = W2·b1 + b2.")
    return wrong("Substitute: W2(W1x + b1) + b2 = (W2·W1)x + (W2·b1 + b2).")


@register("04.softmax")
def ch04_softmax(answer) -> Feedback:
    """Chapter 04: softmax of the scores [1, 2, 3]."""
    if answer is None:
        return NOT_DONE
    p = _array(answer, (3,))
    if p is None:
        return wrong(f"Expected three probabilities, got {answer!r}.")
    e = np.exp([1.0, 2.0, 3.0])
    want = e / e.sum()
    if np.allclose(p, want, atol=1e-3):
        return correct(
            f"e^s / Σe^s = {np.round(want, 3).tolist()}: the largest score gets the most."
        )
    if np.allclose(p, np.array([1, 2, 3]) / 6, atol=1e-3):
        return wrong("That divides the scores by their sum. Softmax exponentiates them first.")
    if not math.isclose(float(p.sum()), 1.0, abs_tol=1e-3):
        return wrong(f"Your numbers sum to {p.sum():.3f}; probabilities must sum to 1.")
    return wrong("Compute e¹, e², e³ and divide each by their sum.")


_PLACES = {  # place: (accepted names, hint when another name is given)
    "hidden": (
        {"relu", "leaky relu", "leaky_relu", "elu", "gelu"},
        "Hidden layers want a cheap slope that does not saturate.",
    ),
    "binary_output": ({"sigmoid"}, "One output that must be a probability between 0 and 1."),
    "multiclass_output": ({"softmax"}, "Several outputs: probabilities that sum to 1."),
    "regression_output": (
        {"none", "identity", "linear"},
        "A price can be any number: don't squash it.",
    ),
}


@register("04.which_activation")
def ch04_which_activation(answer) -> Feedback:
    """Chapter 04: an activation for each place in a network, as a dict of names."""
    if answer is None:
        return NOT_DONE
    if not isinstance(answer, dict) or set(answer) != set(_PLACES):
        return wrong(f"Expected a dict with the keys {sorted(_PLACES)}.")
    for place, (accepted, hint) in _PLACES.items():
        if str(answer[place]).strip().lower() not in accepted:
            return wrong(f"{place}: {answer[place]!r} is not the usual choice. {hint}")
    return correct("ReLU inside; sigmoid, softmax or nothing at the output, by what it must mean.")


# ----------------------------------------------------------------- chapter 05


def _shape(x):
    try:
        return tuple(int(v) for v in x)
    except (TypeError, ValueError):
        return None


@register("05.shapes")
def ch05_shapes(answer) -> Feedback:
    """Chapter 05: (output shape, weight shape) for 32 digit images through Linear(64, 16)."""
    if answer is None:
        return NOT_DONE
    try:
        out, weight = (_shape(a) for a in answer)
    except (TypeError, ValueError):
        return wrong(f"Expected a pair of shapes such as ((2, 3), (3, 4)), got {answer!r}.")
    if out == (32, 16) and weight == (16, 64):
        return correct(
            "One row per image, one column per neuron: (32, 16). "
            "The weight has one row per neuron: (16, 64)."
        )
    if out == (16, 32):
        return wrong("The batch stays the first axis: 32 images in, 32 rows out.")
    if out == (32, 16) and weight == (64, 16):
        return wrong(
            "The output is right. nnlib, like PyTorch, stores one row of weights "
            "per neuron: (out, in)."
        )
    return wrong("Start from X of shape (32, 64); Linear(64, 16) computes X @ W.T + b.")


@register("05.xor_hidden")
def ch05_xor_hidden(answer) -> Feedback:
    """Chapter 05: the hidden values (h1, h2) of the working XOR network for input (1, 1)."""
    if answer is None:
        return NOT_DONE
    pair = _pair(answer)
    if pair is None:
        return wrong(f"Expected a pair (h1, h2), got {answer!r}.")
    if _close(pair[0], 2.0) and _close(pair[1], 1.0):
        return correct(
            "h1 = ReLU(1 + 1) = 2 and h2 = ReLU(1 + 1 - 1) = 1; then y = 2 - 2·1 = 0: class 0."
        )
    if _close(pair[0], 1.5) and _close(pair[1], 0.5):
        return wrong(
            "Those are the hidden values of the popular (broken) network. Use biases 0 and -1."
        )
    return wrong("h1 = ReLU(x1 + x2), h2 = ReLU(x1 + x2 - 1) at x1 = x2 = 1.")


@register("05.fix_xor")
def ch05_fix_xor(answer) -> Feedback:
    """Chapter 05: an output weight v2 making h1 + v2·h2 - 0.25 > 0 compute XOR
    with the popular hidden layer h1 = ReLU(x1 + x2 - 0.5), h2 = ReLU(x1 + x2 - 1.5)."""
    if (early := _expect_number(answer)) is not None:
        return early
    outputs = []
    for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        h1, h2 = max(0.0, x1 + x2 - 0.5), max(0.0, x1 + x2 - 1.5)
        outputs.append(int(h1 + answer * h2 - 0.25 > 0))
    if outputs == [0, 1, 1, 0]:
        return correct(
            f"With v2 = {answer:g}, (1, 1) gives 1.5 {answer:+g}·0.5 - 0.25 ≤ 0: class 0. Fixed."
        )
    if _close(answer, -2.0):
        return wrong(
            "-2 is the published weight: (1, 1) then gives 0.25 > 0, class 1. Go further."
        )
    return wrong(
        f"Your network outputs {outputs} for (0,0), (0,1), (1,0), (1,1); XOR is [0, 1, 1, 0]."
    )


@register("05.parameters")
def ch05_parameters(answer) -> Feedback:
    """Chapter 05: the number of parameters of a 64-32-10 network (weights and biases)."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a whole number, got {answer!r}.")
    if answer == 64 * 32 + 32 + 32 * 10 + 10:
        return correct("64·32 + 32 weights and biases, then 32·10 + 10: 2,410 parameters.")
    if answer == 64 * 32 + 32 * 10:
        return wrong("2,368 counts the weights only; every neuron also has a bias.")
    return wrong("Each Linear(n_in, n_out) has n_in·n_out weights and n_out biases.")


# ----------------------------------------------------------------- chapter 06


@register("06.mse")
def ch06_mse(answer) -> Feedback:
    """Chapter 06: the MSE of predictions [4, 1] for targets [3, 5]."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 8.5):
        return correct("Errors 1 and -4, squared 1 and 16, mean (1 + 16) / 2 = 8.5.")
    if _close(answer, 17.0):
        return wrong("17 is the sum of squared errors. MSE takes the mean: divide by 2.")
    if _close(answer, 2.5):
        return wrong("2.5 is the mean absolute error. Square the errors before averaging.")
    if _close(answer, 4.5):
        return wrong("Square each error before averaging, not the average error.")
    return wrong("Subtract, square, then average: ((4 - 3)² + (1 - 5)²) / 2.")


@register("06.bce")
def ch06_bce(answer) -> Feedback:
    """Chapter 06: the binary cross-entropy of p = 0.8 for a true class 1."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, -math.log(0.8), rel=1e-3):
        return correct(
            f"-ln(0.8) = {-math.log(0.8):.4f}: a fairly confident right answer costs little."
        )
    if _close(answer, math.log(0.8), rel=1e-3):
        return wrong("Mind the minus sign: a loss is never negative, -ln(0.8) > 0.")
    if _close(answer, -math.log10(0.8), rel=1e-3):
        return wrong("That uses log base 10. Cross-entropy uses the natural log, ln.")
    if _close(answer, -math.log(0.2), rel=1e-3):
        return wrong("-ln(0.2) would be the loss for a true class 0. The class here is 1.")
    return wrong("For a true class 1 the loss is -ln(p).")


@register("06.categorical")
def ch06_categorical(answer) -> Feedback:
    """Chapter 06: cross-entropy of probabilities [0.1, 0.2, 0.7] when the true class is 2."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, -math.log(0.7), rel=1e-3):
        return correct(f"Only the true class counts: -ln(0.7) = {-math.log(0.7):.4f}.")
    if _close(answer, -math.log(0.2), rel=1e-3):
        return wrong("Classes count from 0: class 2 is the third entry, 0.7.")
    if _close(answer, -sum(math.log(p) for p in (0.1, 0.2, 0.7)), rel=1e-3):
        return wrong("With a one-hot target only the true class's term survives: -ln(p_true).")
    return wrong("Take -ln of the probability given to the true class.")


@register("06.logit_gradient")
def ch06_logit_gradient(answer) -> Feedback:
    """Chapter 06: d(loss)/dz for BCE with logits at z = -4, true class 1."""
    if (early := _expect_number(answer)) is not None:
        return early
    s = 1 / (1 + math.exp(4))
    if _close(answer, s - 1, rel=1e-3):
        return correct(
            f"σ(-4) - 1 = {s - 1:.4f}: a strong push upwards, as a confident mistake deserves."
        )
    if _close(answer, 2 * (s - 1) * s * (1 - s), rel=1e-3):
        return wrong(
            "That is the squared-error gradient through the sigmoid. Cross-entropy's is σ(z) - y."
        )
    if _close(answer, 1 - s, rel=1e-3):
        return wrong("Check the sign: the loss falls as z grows, so the slope is negative.")
    return wrong("For sigmoid plus cross-entropy, dL/dz = σ(z) - y.")


# ----------------------------------------------------------------- chapter 07


@register("07.chain_rule")
def ch07_chain_rule(answer) -> Feedback:
    """Chapter 07: dL/dw for x = 1, w = 2, b = 0.5, ReLU, L = (a - 4)²."""
    if (early := _expect_number(answer)) is not None:
        return early
    # z = 2.5, a = 2.5, dL/da = 2(2.5 - 4) = -3, da/dz = 1, dz/dw = x = 1
    if _close(answer, -3.0):
        return correct(
            "z = a = 2.5; dL/da = 2(2.5 - 4) = -3; times da/dz = 1 and dz/dw = x = 1: -3."
        )
    if _close(answer, 3.0):
        return wrong("Check the sign: a = 2.5 is below the target 4, so raising w lowers L.")
    if _close(answer, -1.5):
        return wrong("The derivative of (a - 4)² is 2(a - 4): don't drop the 2.")
    if _close(answer, 2.25):
        return wrong("2.25 is the loss (2.5 - 4)². We asked for its slope with respect to w.")
    return wrong("Multiply along the path: dL/da · da/dz · dz/dw.")


@register("07.update")
def ch07_update(answer) -> Feedback:
    """Chapter 07: w after one gradient step, w = 2, dL/dw = -3, learning rate 0.1."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 2.3):
        return correct("w ← w - lr·dL/dw = 2 - 0.1·(-3) = 2.3: a negative slope means step up.")
    if _close(answer, 1.7):
        return wrong("That adds the gradient. Gradient descent subtracts it: w - lr·dL/dw.")
    if _close(answer, 5.0):
        return wrong("Multiply the gradient by the learning rate 0.1 before subtracting.")
    return wrong("Use w ← w - lr · dL/dw.")


@register("07.accumulation")
def ch07_accumulation(answer) -> Feedback:
    """Chapter 07: dc/da for c = a·a + a at a = 3."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 7.0):
        return correct(
            "a reaches c by three paths (both factors of a·a, and the + a): "
            "3 + 3 + 1 = 7 = 2a + 1."
        )
    if _close(answer, 4.0) or _close(answer, 6.0):
        return wrong("Some paths are missing: gradients from every use of a add up.")
    if _close(answer, 3.0):
        return wrong("Only one path counted. a is used three times; add all three contributions.")
    return wrong("Differentiate a² + a, or add the gradient of each place a is used.")


@register("07.weight_gradient")
def ch07_weight_gradient(answer) -> Feedback:
    """Chapter 07: dL/dW of a Linear layer for input X = [[1, 2]] and dL/dZ = [[0.5, -0.5]]."""
    if answer is None:
        return NOT_DONE
    W = _array(answer, (2, 2))
    if W is None:
        return wrong("Expected a 2×2 matrix: one row per output neuron, one column per input.")
    want = np.array([[0.5, -0.5]]).T @ np.array([[1.0, 2.0]])
    if np.allclose(W, want):
        return correct(
            "dL/dW = (dL/dZ)ᵀ · X = [[0.5, 1], [-0.5, -1]]: "
            "each weight's input times its neuron's gradient."
        )
    if np.allclose(W, want.T):
        return wrong("Transposed: with W of shape (out, in), dL/dW = (dL/dZ)ᵀ · X.")
    return wrong("Each weight W[j, k] gets dL/dZ[j] × X[k].")


# ----------------------------------------------------------------- chapter 08


@register("08.one_step")
def ch08_one_step(answer) -> Feedback:
    """Chapter 08: x after one step of gradient descent on (x + 2)² from x = 0 with lr = 0.1."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, -0.4):
        return correct(
            "The slope at 0 is 2(0 + 2) = 4, so x ← 0 - 0.1·4 = -0.4: downhill, towards -2."
        )
    if _close(answer, 0.4):
        return wrong("That steps uphill. Subtract the gradient: x - lr·f'(x).")
    if _close(answer, -4.0):
        return wrong("Multiply the slope by the learning rate 0.1 first.")
    return wrong("Compute f'(0) = 2(0 + 2), then x ← x - 0.1·f'(0).")


@register("08.divergence")
def ch08_divergence(answer) -> Feedback:
    """Chapter 08: the smallest learning rate at which descent on (x + 2)² stops converging."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 1.0):
        return correct(
            "Each step multiplies the distance to -2 by 1 - 2·lr; "
            "at lr = 1 that is -1: it bounces for ever."
        )
    if _close(answer, 0.5):
        return wrong(
            "At lr = 0.5 the factor 1 - 2·lr is 0: one step lands exactly on the minimum."
        )
    if _close(answer, 2.0):
        return wrong("Find where |1 - 2·lr| reaches 1: that happens before lr = 2.")
    return wrong("Write the step as (x + 2) ← (1 - 2·lr)(x + 2) and ask when |1 - 2·lr| ≥ 1.")


@register("08.valley_rate")
def ch08_valley_rate(answer) -> Feedback:
    """Chapter 08: the learning rate above which descent on x² + 10y² diverges."""
    if (early := _expect_number(answer)) is not None:
        return early
    if _close(answer, 0.1):
        return correct("In y each step multiplies by 1 - 20·lr, so lr must stay below 2/20 = 0.1.")
    if _close(answer, 1.0):
        return wrong(
            "1 is the limit for the x direction (factor 1 - 2·lr). "
            "The steep y direction is stricter."
        )
    if _close(answer, 0.05):
        return wrong("At 0.05 the y factor 1 - 20·lr is 0: the fastest rate, not the edge.")
    return wrong("y's gradient is 20y, so y ← (1 - 20·lr)·y. When is |1 - 20·lr| ≥ 1?")


@register("08.updates_per_epoch")
def ch08_updates_per_epoch(answer) -> Feedback:
    """Chapter 08: parameter updates in one epoch over 1,797 examples with batches of 32."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a whole number, got {answer!r}.")
    if answer == 57:
        return correct("1,797 / 32 = 56.2: 56 full batches and one of 5, so 57 updates.")
    if answer == 56:
        return wrong("The last 5 examples still form a (small) batch: count it.")
    if answer in (1797, 1):
        return wrong(
            "That is stochastic (batch 1) or full-batch descent. Here each batch holds 32."
        )
    return wrong("Divide 1,797 by 32 and round up.")
