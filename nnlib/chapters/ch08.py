"""Chapter 08 (Gradient descent):
its explorers, the pieces section 5's network is built from (the learner's own where they
work, nnlib's stand-ins elsewhere: ``own_pieces``), and its exercises with their probes,
checks and hints (solutions and hidden cases: ``nnlib.solutions.ch08``).

The notebook is ``notebooks/08_*.ipynb``; it imports this module as ``ch08``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from nnlib import functional as F
from nnlib import nn, optim
from nnlib.exercises import (
    ANSWER_ERROR_TYPE,
    NOT_DONE_TYPE,
    AnswerError,
    Feedback,
    NotDone,
    Opaque,
    Raised,
    as_array,
    as_number,
    call,
    close,
    correct,
    exercise,
    refusing,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider

# ------------------------------------------------------------------ the 1-D bowl


def bowl_descent(lr: float, steps: int, start: float = 0.0) -> dict:
    """Gradient descent on f(x) = (x + 2)² from ``start``: the path of x and f(x).

    Each step is x ← x - lr·2(x + 2), so the distance to the minimum -2 is
    multiplied by (1 - 2·lr) every step: it shrinks for 0 < lr < 1,
    flips sign for lr > 0.5, stays the same size at lr = 1, and grows beyond.
    """
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    xs = [float(start)]
    for _ in range(int(steps)):
        x = xs[-1]
        xs.append(x - lr * 2 * (x + 2))
    xs = np.array(xs)
    return {"lr": lr, "xs": xs, "fs": (xs + 2) ** 2, "factor": 1 - 2 * lr}


def describe_rate(lr: float) -> str:
    """What descent on (x + 2)² does at this learning rate, in words (the factor is 1 - 2·lr)."""
    factor = 1 - 2 * lr
    if math.isclose(factor, -1.0, abs_tol=1e-9):
        return "exactly at the edge: bounces between two points for ever"
    if math.isclose(factor, 0.0, abs_tol=1e-9):
        return "lands on the minimum in one step"
    if factor < -1:
        return "diverges: every step lands further away"
    if factor < 0:
        return "overshoots and zig-zags, but converges"
    if factor >= 0.85:
        return "small steps: it crawls"
    return "converges without overshooting"


def bowl_explorer(lr: float = 0.1, steps: int = 10) -> Explorer:
    """Learning-rate and step sliders for gradient descent on the bowl (x + 2)², from x = 0."""
    fig, (ax, ax2) = new_figure(8.6, 3.3, ncols=2)
    grid = np.linspace(-6, 2, 300)
    ax.plot(grid, (grid + 2) ** 2, color=COLORS["blue"], lw=2, label="f(x) = (x + 2)²")
    (path,) = ax.plot([], [], "o-", color=COLORS["vermillion"], ms=5, lw=1, label="descent path")
    ax.set(xlim=(-6, 2), ylim=(-1, 20), xlabel="x", ylabel="f(x)")
    ax.legend(fontsize=8, loc="upper right")
    (curve,) = ax2.semilogy([], [], "o-", color=COLORS["vermillion"], ms=4)
    ax2.set(xlabel="step", ylabel="f(x) (log scale)")
    ax2.set_title("loss after each step", fontsize=10)
    fig.alt = (
        "Left: the curve (x + 2)² with the path of gradient descent from x = 0; "
        "right: the loss after each step on a log scale."
    )

    def draw(r):
        path.set_data(r["xs"], r["fs"])
        steps_ = np.arange(len(r["fs"]))
        shown = np.maximum(r["fs"], 1e-30)
        curve.set_data(steps_, shown)
        ax2.set_xlim(0, max(1, len(steps_) - 1))
        ax2.set_ylim(max(1e-30, shown.min() / 10), max(10.0, shown.max() * 10))
        ax.set_title(f"α = {r['lr']:.2f}: {describe_rate(r['lr'])}", fontsize=10)

    return Explorer(
        {
            "lr": slider("learning rate α", lr, 0.05, 1.2, 0.05),
            "steps": int_slider("steps taken", steps, 0, 50),
        },
        bowl_descent,
        lambda r: (
            f"after {len(r['xs']) - 1} steps x = <b>{r['xs'][-1]:.4g}</b>, "
            f"f(x) = {r['fs'][-1]:.3g}; "
            f"each step multiplies the distance to -2 by 1 - 2α = <b>{r['factor']:+.2f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="Gradient descent on (x + 2)², starting at x = 0",
    )


# ------------------------------------------------------------ the narrow valley

#: The valley's curvatures: f(x, y) = x² + 100·y² has f'' = 2 along x and 200 along y.
VALLEY_START = (-4.0, 0.5)


def valley(x, y):
    """A long narrow valley: f(x, y) = x² + 100·y², minimum at the origin."""
    return x**2 + 100 * y**2


def valley_descent(lr: float, steps: int, start=VALLEY_START) -> dict:
    """Gradient descent on the valley x² + 100y²: the path, the loss per step, and the
    factors 1 - 2·lr (along x) and 1 - 200·lr (along y) that each step multiplies by."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    p = np.array(start, dtype=float)
    path = [p.copy()]
    for _ in range(int(steps)):
        p = p - lr * np.array([2 * p[0], 200 * p[1]])
        path.append(p.copy())
    path = np.array(path)
    return {
        "lr": lr,
        "path": path,
        "losses": valley(path[:, 0], path[:, 1]),
        "x_factor": 1 - 2 * lr,
        "y_factor": 1 - 200 * lr,
    }


def valley_explorer(lr: float = 0.009, steps: int = 50) -> Explorer:
    """Learning-rate and step sliders on a 2-D loss surface, with the descent path drawn."""
    fig, ax = new_figure(6.4, 3.4)
    gx, gy = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-0.8, 0.8, 200))
    cs = ax.contour(
        gx, gy, valley(gx, gy), levels=[1, 4, 9, 16, 25, 36, 49], cmap="viridis", linewidths=1
    )
    ax.clabel(cs, fontsize=7)
    (path,) = ax.plot([], [], "o-", color=COLORS["vermillion"], ms=3, lw=1, label="descent path")
    ax.plot([0], [0], "*", color=COLORS["black"], ms=12, label="minimum")
    ax.set(xlim=(-5, 5), ylim=(-0.8, 0.8), xlabel="x", ylabel="y (axis stretched)")
    ax.legend(fontsize=8, loc="upper right")
    fig.alt = "Contours of the valley x² + 100y² with the path of gradient descent from (-4, 0.5)."

    def draw(r):
        path.set_data(r["path"][:, 0], r["path"][:, 1])
        ax.set_title(
            f"x² + 100y², α = {r['lr']:.4f}: loss {r['losses'][-1]:.3g} "
            f"after {len(r['losses']) - 1} steps",
            fontsize=10,
        )

    steps_slider = int_slider("steps taken", steps, 0, 300)
    steps_slider.step = 10
    return Explorer(
        {
            "lr": slider("learning rate α", lr, 0.001, 0.012, 0.0005, readout_format=".4f"),
            "steps": steps_slider,
        },
        valley_descent,
        lambda r: (
            f"loss {r['losses'][0]:.3g} → <b>{r['losses'][-1]:.3g}</b>; x = {r['path'][-1, 0]:.3f}"
            f", y = {r['path'][-1, 1]:.3g}. Each step multiplies x by 1 - 2α = "
            f"<b>{r['x_factor']:.3f}</b> and y by 1 - 200α = <b>{r['y_factor']:+.2f}</b>: "
            "y diverges above α = 0.01, and below that x crawls."
        ),
        figure=fig,
        draw=draw,
        title="A narrow valley: one rate must suit both directions",
    )


# --------------------------------------------- section 5: a network from your own pieces


def nnlib_linear_backward(X, W, dY):
    """nnlib's Linear backward in the (in, out) layout of exercise 07.5, Y = X·W + b:
    (dX, dW, db) = (∂L/∂X, ∂L/∂W, ∂L/∂b), from ``nnlib.nn.Linear`` (which stores its own
    weight the other way round, as (out, in))."""
    W = np.asarray(W, dtype=float)
    layer = nn.Linear(W.shape[0], W.shape[1])
    layer.weight.data = W.T.copy()
    layer(X)
    layer.zero_grad()
    dX = layer.backward(dY)
    return dX, layer.weight.grad.T.copy(), layer.bias.grad.copy()


def nnlib_cross_entropy_grad(logits, labels, class_weights):
    """nnlib's ∂L/∂logits for the mean cross-entropy (``functional.cross_entropy_grad``).

    It weights every class alike, so it stands in for exercise 07.6 only with equal
    class weights, which is how section 5 calls it."""
    weights = np.asarray(class_weights, dtype=float)
    if not np.all(weights == weights[0]):
        raise ValueError("nnlib's stand-in weights every class alike; pass equal weights")
    return F.cross_entropy_grad(logits, labels)


def nnlib_sgd_step(params, grads, lr):
    """nnlib's ``optim.SGD`` step on plain arrays, in place (what exercise 08.1 writes)."""
    held = []
    for p, g in zip(params, grads, strict=True):
        parameter = nn.Parameter(np.zeros(1))
        parameter.data, parameter.grad = p, np.asarray(g, dtype=float)  # the array itself
        held.append(parameter)
    optim.SGD(held, lr=lr).step()


def _try_linear_backward(fn):
    g = np.random.default_rng(5)
    X, W, dY = g.normal(0, 1, (4, 3)), g.normal(0, 1, (3, 2)), g.normal(0, 1, (4, 2))
    got, want = fn(X, W, dY), nnlib_linear_backward(X, W, dY)
    return len(got) == 3 and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b) for a, b in zip(got, want, strict=True)
    )


def _try_cross_entropy_grad(fn):
    g = np.random.default_rng(6)
    logits, labels = g.normal(0, 3, (5, 2)), np.array([0, 1, 1, 0, 1])
    got = fn(logits, labels, np.ones(2))
    want = nnlib_cross_entropy_grad(logits, labels, np.ones(2))
    return np.shape(got) == want.shape and np.allclose(got, want)


def _try_sgd_step(fn):
    g = np.random.default_rng(7)
    params = [g.normal(0, 1, (3, 2)), g.normal(0, 1, 2)]
    grads = [g.normal(0, 1, (3, 2)), g.normal(0, 1, 2)]
    mine, ours = [p.copy() for p in params], [p.copy() for p in params]
    fn(mine, grads, 0.1)
    nnlib_sgd_step(ours, grads, 0.1)
    return all(np.allclose(a, b) for a, b in zip(mine, ours, strict=True))


#: The pieces section 5 assembles: name -> (the exercise that writes it, nnlib's stand-in,
#: a small test against the stand-in).
PIECES = {
    "linear_backward": ("07.5", nnlib_linear_backward, _try_linear_backward),
    "cross_entropy_grad": ("07.6", nnlib_cross_entropy_grad, _try_cross_entropy_grad),
    "sgd_step": ("08.1", nnlib_sgd_step, _try_sgd_step),
}


def own_pieces(namespace: dict) -> tuple[dict, str]:
    """The functions section 5 trains with: each of ``PIECES`` from ``namespace`` (the
    notebook's names) when it is defined and agrees with nnlib's on a small test, else
    nnlib's stand-in; and a report that says, piece by piece, whose is used and why."""
    chosen, lines = {}, []
    for name, (ex_id, stand_in, agrees) in PIECES.items():
        fn = namespace.get(name)
        if not callable(fn):
            why = f"nnlib's: yours is not written yet (exercise {ex_id})"
        else:
            try:
                with np.errstate(all="ignore"):
                    ok = bool(agrees(fn))
            except NotImplementedError:  # the placeholder: the same words as no function at all
                why = f"nnlib's: yours is not written yet (exercise {ex_id})"
            except Exception as e:  # the learner's code may raise anything
                why = f"nnlib's: yours raised {type(e).__name__}: {e} (check('{ex_id}', {name}))"
            else:
                why = (
                    "yours"
                    if ok
                    else f"nnlib's: yours disagrees with nnlib's on a small test "
                    f"(check('{ex_id}', {name}) shows where)"
                )
        chosen[name] = fn if why == "yours" else stand_in
        lines.append(f"{name:<19} {why}")
    return chosen, "\n".join(lines)


# ------------------------------------------------------------------ exercises
#
# Each code exercise has public cases (dicts; "want" is what the judge compares with), a
# probe that runs the learner's code on one case and returns plain data, and a judge that
# reads only that data (in the grader's process when an instructor grades). The public
# cases' expected values are literal numbers or come from nnlib's own library code;
# solutions, reference code and hidden cases are in nnlib/solutions/ch08.py.


def _raised_feedback(got: Raised, where: str) -> Feedback:
    """Feedback for a probe that raised: not done, the wrong kind of answer, or an error."""
    if got.type == NOT_DONE_TYPE:
        raise NotDone(got.message)
    if got.type == ANSWER_ERROR_TYPE:
        raise AnswerError(got.message)
    return wrong(f"On {where}, your code raised {got.describe()}")


def _unexpected(where: str, got) -> Feedback:
    return wrong(f"On {where}, the check could not read what your code did ({got!r:.80}).")


# ---------------------------------------------------------------- 08.1 sgd_step


def _describe_arrays(arrays) -> str:
    return "[" + ", ".join(f"array of shape {np.shape(a)}" for a in arrays) + "]"


def _sgd_case(params, grads, lr, note: str = "", want=None) -> dict:
    """One case of 08.1: parameter arrays, their gradients, a rate (and the arrays after)."""
    case = {
        "params": [np.array(p, dtype=float) for p in params],
        "grads": [np.array(g, dtype=float) for g in grads],
        "lr": float(lr),
        "note": note,
    }
    if want is not None:
        case["want"] = [np.array(p, dtype=float) for p in want]
    return case


def _by_optim_sgd(params, grads, lr) -> list[np.ndarray]:
    """What nnlib's optim.SGD makes of these arrays in one step (the public expected values)."""
    held = []
    for p, g in zip(params, grads, strict=True):
        parameter = nn.Parameter(p)
        parameter.grad = np.array(g, dtype=float)
        held.append(parameter)
    optim.SGD(held, lr=lr).step()
    return [parameter.data for parameter in held]


def _public_sgd_cases() -> list[dict]:
    g = np.random.default_rng(808)
    # three arrays first, so that a loop that stops early shows where it stops
    shapes = [[(5, 1), (1,), (3, 3)], [(2, 4), (4,)], [(3,)], [(1,)]]
    cases = []
    for shape_list, lr in zip(shapes, [0.3, 0.5, 0.1, 0.01], strict=True):
        params = [g.normal(0, 1, s) for s in shape_list]
        grads = [g.normal(0, 1, s) for s in shape_list]
        cases.append(_sgd_case(params, grads, lr, want=_by_optim_sgd(params, grads, lr)))
    # A Linear layer's weight and bias and their gradients after one backward pass.
    layer = nn.Linear(3, 2, rng=8)
    loss_fn = nn.MSELoss()
    loss_fn(layer(np.random.default_rng(9).normal(0, 1, (4, 3))), np.ones((4, 2)))
    layer.zero_grad()
    layer.backward(loss_fn.backward())
    params = [p.data.copy() for p in layer.parameters()]
    grads = [p.grad.copy() for p in layer.parameters()]
    note = "a Linear(3, 2) layer's weight and bias"
    cases.append(_sgd_case(params, grads, 0.2, note, want=_by_optim_sgd(params, grads, 0.2)))
    return cases


def _sgd_where(number: int, case) -> str:
    note = f" ({case['note']})" if case.get("note") else ""
    return (
        f"case {number}: params = {_describe_arrays(case['params'])}{note}, "
        f"grads of the same shapes, lr = {case['lr']:g}"
    )


def _same_arrays(got, want) -> bool:
    return len(got) == len(want) and all(
        np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-10, atol=1e-12)
        for a, b in zip(got, want, strict=True)
    )


def _sgd_slip(params, grads, lr, got) -> str | None:
    """The slip behind arrays that moved, but not to p - lr·g (computed from the inputs)."""
    moved = [p - lr * g for p, g in zip(params, grads, strict=True)]
    variants = [
        (
            [p + lr * g for p, g in zip(params, grads, strict=True)],
            "Your step went uphill: that is p + lr·g. The gradient ∂L/∂p points towards higher "
            "loss, so subtract it: p -= lr * g.",
        ),
        (
            [p - g for p, g in zip(params, grads, strict=True)],
            "That is p - g: a step of the whole gradient. Multiply it by the learning rate.",
        ),
        (
            [-lr * g for g in grads],
            "That is -lr·g alone: the old value of the parameter is lost. The update changes "
            "p by -lr·g (p -= lr * g); it does not replace it.",
        ),
        (
            [np.array(g) for g in grads],
            "The parameter now holds the gradient itself. Update it instead: p -= lr * g.",
        ),
        (
            [lr * g for g in grads],
            "The parameter now holds lr·g. Update it instead: p -= lr * g.",
        ),
        (
            [
                p - lr * g.T if g.T.shape == p.shape else p + 1
                for p, g in zip(params, grads, strict=True)
            ],
            "That step used the transposed gradient g.T: a gradient has its parameter's own "
            "shape, so subtract lr * g as it is.",
        ),
        (
            [p - lr * np.mean(g) for p, g in zip(params, grads, strict=True)],
            "Every entry moved by the same amount: lr times the mean of the gradient. Each "
            "entry has its own ∂L/∂p: subtract lr * g entry by entry.",
        ),
        (
            [p - 2 * lr * g for p, g in zip(params, grads, strict=True)],
            "Each array moved twice as far as it should: did the step run twice, "
            "or is the gradient doubled?",
        ),
        (
            [moved[0], *params[1:]],
            "Only the first array moved: does your loop return (or break) after the first "
            "pair? Every array in params takes its step.",
        ),
        (
            [*moved[:-1], params[-1]],
            "Every array moved except the last: the loop stops one pair early. Loop over "
            "zip(params, grads).",
        ),
    ]
    for want, words in variants:
        if _same_arrays(got, want):
            return words
    return None


def judge_sgd_step(cases, results) -> Feedback:
    """Every array moved by -lr·g, in place, the gradients untouched, on arrays of several
    shapes (none only square) and on a Linear layer's parameters (against optim.SGD)."""
    for number, (case, got) in enumerate(zip(cases, results, strict=True), start=1):
        where = _sgd_where(number, case)
        if isinstance(got, Raised):
            feedback = _raised_feedback(got, where)
            if "broadcast" in got.message:
                feedback = wrong(
                    f"{feedback.message}\nA gradient has its parameter's own shape: subtract "
                    "lr * g as it is, not transposed (g.T), each g from its own parameter's pair."
                )
            return feedback
        if not isinstance(got, dict) or "params" not in got:
            return _unexpected(where, got)
        if got["grads_changed"]:
            return wrong(
                f"On {where}, your function changed the gradients. Leave grads as they are and "
                "change only the parameters."
            )
        params, want, after = case["params"], case["want"], got["params"]
        if _same_arrays(after, want):
            continue
        unchanged = _same_arrays(after, params)
        if unchanged and got["rebound"]:
            return wrong(
                f"On {where}, you put new arrays into the list (params[i] = ...) or changed the "
                "list itself, so the arrays the model holds did not change. Change each array "
                "itself: p -= lr * g."
            )
        if unchanged and got["returned"] is not None:
            return wrong(
                f"On {where}, you returned new arrays but left the ones passed in unchanged. This "
                "exercise updates in place, as an optimiser's step() does: p -= lr * g."
            )
        if unchanged:
            return wrong(
                f"On {where}, the parameters did not change. `p = p - lr * g` makes a new array "
                "and points the name p at it; `p -= lr * g` changes the array itself."
            )
        slip = _sgd_slip(params, case["grads"], case["lr"], after)
        first = next(
            i
            for i, (a, b) in enumerate(zip(after, want, strict=True))
            if np.shape(a) != np.shape(b) or not np.allclose(a, b, rtol=1e-10, atol=1e-12)
        )
        lines = [
            f"the first case that fails is\n  input:    {where}",
            f"  expected: params[{first}] = "
            + np.array2string(want[first], precision=4, max_line_width=90, threshold=12),
            f"  got:      params[{first}] = "
            + np.array2string(np.asarray(after[first]), precision=4, max_line_width=90,
                              threshold=12),
        ]  # fmt: skip
        if slip:
            lines.append(slip)
        return wrong("\n".join(lines))
    return correct(
        f"On all {len(cases)} cases every array moved by -lr·g, in place, and on a Linear "
        "layer your step agrees with optim.SGD. That one line is what opt.step() does in "
        "every loop of this chapter."
    )


@exercise(
    "08.1",
    title="one step of gradient descent",
    answers="sgd_step",
    placeholder='''
def sgd_step(params, grads, lr):
    """One step of gradient descent, in place: every array p in params becomes
    p - lr·g, with g the array at the same place in grads. Returns nothing."""
    raise NotImplementedError("write the body of sgd_step")
''',
    hints=(
        "Loop over the pairs with zip(params, grads); each pair is one parameter array and "
        "its gradient ∂L/∂p, of the same shape.",
        "The update is p ← p - lr·∂L/∂p. Write it so that it changes the array p itself: "
        "`p = p - lr * g` would only make a new array and point the name p at it.",
        "`p -= lr * g` (or `p[...] = p - lr * g`) inside `for p, g in zip(params, grads):` "
        "is the whole body.",
    ),
    cases=_public_sgd_cases(),
    judge=judge_sgd_step,
)
def probe_sgd_step(sgd_step, case):
    """The learner's sgd_step on one case: the arrays the model holds afterwards, whether the
    gradients changed, whether the list's items were replaced, and what came back."""
    if not callable(sgd_step):
        raise AnswerError(f"Expected a function sgd_step(params, grads, lr), got {sgd_step!r}.")
    held = [p.copy() for p in case["params"]]  # the arrays a model holds
    passed = list(held)  # the list the learner gets
    grads = [g.copy() for g in case["grads"]]
    with refusing({"nnlib.optim.SGD": "sgd_step"}, sgd_step):
        returned = call(sgd_step, passed, grads, case["lr"], name="sgd_step")
    return {
        "params": held,
        "grads_changed": len(grads) != len(case["grads"])
        or not all(np.array_equal(g, h) for g, h in zip(grads, case["grads"], strict=False)),
        "rebound": len(passed) != len(held)
        or any(q is not a for q, a in zip(passed, held, strict=True)),
        "returned": None if returned is None else type(returned).__name__,
    }


# ---------------------------------------------------------------- 08.2 edge of divergence

#: How close to 1/3 an answer to 08.2 must be: 0.333 passes, 0.338 (which diverges) does not.
EDGE_TOLERANCE = 5e-4


@exercise(
    "08.2",
    title="the edge of divergence on a new bowl",
    kind="value",
    answers="edge_rate",
    placeholder="edge_rate = ...  # your answer: a number",
    hints=(
        "Do what section 2 did for (x + 2)²: write one step of descent for this f, and see what "
        "it does to the distance from the minimum.",
        "f'(x) = 6x - 6 = 6(x - 1), so the minimum is at x = 1 and one step turns x - 1 into "
        "(1 - 6α)(x - 1).",
        "Descent stops converging once |1 - 6α| reaches 1. For a positive α, when is 1 - 6α = -1?",
    ),
)
def check_edge_rate(edge_rate) -> Feedback:
    """The smallest learning rate at which descent on 3x² - 6x + 5 no longer converges: 1/3."""
    a = as_number(edge_rate, "a learning rate (a number)")
    if abs(a - 1 / 3) < EDGE_TOLERANCE:
        return correct(
            "f'(x) = 6(x - 1), so each step multiplies the distance x - 1 by 1 - 6α. "
            "It reaches -1 at α = 2/6 = 1/3: at that rate descent bounces for ever, above it "
            "diverges. The rule: α < 2 / f'', and f'' = 6 here."
        )
    slips = {
        1 / 6: "At α = 1/6 the factor 1 - 6α is 0: one step lands on the minimum. That is the "
        "best rate, not the edge; descent still converges above it (with zig-zags).",
        1.0: "1 is the edge for (x + 2)², whose f'' is 2. This bowl is three times as steep "
        "(f'' = 6), so its edge is lower.",
        2 / 3: "That is 2/3: you divided by the 3 in front of x², but the slope is 6x - 6. "
        "Differentiate first: the factor is 1 - 6α.",
        2.0: "2 is 2 / f'' with f'' = 1. Here f'(x) = 6x - 6, so f'' = 6.",
        0.5: "At α = 1/2 the factor 1 - 6α is -2: descent already diverges. The edge is lower.",
        6.0: "6 is f'' itself, the curvature. The edge is 2 / f'': where 1 - 6α reaches -1.",
        3.0: "3 is the coefficient of x². The curvature is f'' = 2·3 = 6, and the edge is "
        "2 / f''.",
        1 / 12: "1/12 is 1 / (2f''). Write one step: the distance to the minimum is multiplied "
        "by 1 - 6α, and the edge is where that factor reaches -1.",
    }
    for value, words in slips.items():
        if close(a, value, rel=0.015, abs_tol=0):
            return wrong(words)
    if a <= 0:
        return wrong("A learning rate is positive. Find the α > 0 where 1 - 6α = -1.")
    if 0.33 <= a < 1 / 3:
        return wrong(
            f"Nearly: {a!r} is just below the edge, where descent still converges (slowly, "
            "zig-zagging). Give it exactly: 1/3 (you may type 1 / 3)."
        )
    if a > 1 / 3:
        return wrong(
            f"At α = {a!r} the factor 1 - 6α is {1 - 6 * a:.4g}, beyond -1: every bounce lands "
            "further out, descent already diverges. The edge is lower: where is 1 - 6α = -1?"
        )
    return wrong(
        f"{a!r} is not it: there the factor 1 - 6α is {1 - 6 * a:.4g}, between -1 and 1, so "
        "descent still converges. Write one step: x ← x - α(6x - 6); then "
        "x - 1 ← (1 - 6α)(x - 1). When does |1 - 6α| reach 1?"
    )


# ---------------------------------------------------------------- 08.3 minibatch_indices


def _batch_case(n: int, batch_size: int, seed: int, want=None) -> dict:
    """One case of 08.3: n examples, a batch size, a generator's seed (and the batch sizes)."""
    case = {"n": n, "batch_size": batch_size, "seed": seed}
    if want is not None:
        case["want"] = want
    return case


#: n, batch_size, seed and the sizes of one epoch's batches.
_BATCH_CASES = [
    _batch_case(10, 3, 1, want={"sizes": [3, 3, 3, 1]}),
    _batch_case(12, 4, 1, want={"sizes": [4, 4, 4]}),
    _batch_case(7, 10, 1, want={"sizes": [7]}),
    _batch_case(1, 1, 1, want={"sizes": [1]}),
    _batch_case(100, 32, 1, want={"sizes": [32, 32, 32, 4]}),
    _batch_case(5, 1, 1, want={"sizes": [1, 1, 1, 1, 1]}),
    _batch_case(64, 64, 1, want={"sizes": [64]}),
    _batch_case(33, 8, 2, want={"sizes": [8, 8, 8, 8, 1]}),
]


def _batches_where(case) -> str:
    return (
        f"n = {case['n']}, batch_size = {case['batch_size']}, "
        f"rng = np.random.default_rng({case['seed']})"
    )


def _as_index_batches(got, where: str) -> list[np.ndarray]:
    """The learner's batches as a list of 1-D integer arrays, or AnswerError saying why not."""
    if isinstance(got, np.ndarray) and got.ndim == 2:
        got = list(got)
    if isinstance(got, np.ndarray) and got.ndim == 1:
        raise AnswerError(
            f"On {where}, expected a list of index arrays, got one array of shape {got.shape}: "
            "that is one order of the examples; cut it into slices of batch_size."
        )
    if not isinstance(got, list | tuple):
        raise AnswerError(
            f"On {where}, expected a list of index arrays, got {type(got).__name__}: "
            "collect the batches in a list and return it."
        )
    out = []
    for batch in got:
        arr = np.asarray(batch)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            floats = arr.ndim == 1 and arr.dtype.kind == "f"
            raise AnswerError(
                f"On {where}, each batch should be a 1-D array of whole-number indices, got "
                f"{np.array2string(arr, threshold=8)} (dtype {arr.dtype})."
                + (
                    " Numpy cannot index X[idx] with floats: rng.permutation(n) gives integers"
                    " (or convert with .astype(int))."
                    if floats
                    else ""
                )
            )
        out.append(arr.astype(np.int64))
    return out


def _batches_failure(case, got) -> str | None:
    """What is wrong with one epoch's batches (plain data), or None."""
    n, batch_size, want_sizes = case["n"], case["batch_size"], case["want"]["sizes"]
    batches = got["first"]
    sizes = [len(b) for b in batches]
    seen = np.concatenate(batches) if batches else np.array([], dtype=np.int64)
    report = (
        f"the first case that fails is\n  input:    {_batches_where(case)}\n"
        f"  expected: batch sizes {want_sizes}, every index 0 … {n - 1} once\n"
        f"  got:      batch sizes {sizes}"
    )
    if np.any((seen < 0) | (seen >= n)):
        return f"{report}\nSome indices are outside 0 … {n - 1}."
    if 0 in sizes:
        return f"{report}\nThere is an empty batch: stop the slices at n."
    if n % batch_size and sizes == want_sizes[:-1]:
        rest = n % batch_size
        missed = "1 example is" if rest == 1 else f"{rest} examples are"
        return (
            f"{report}\nThe last, smaller batch is missing, so {missed} never seen this "
            "epoch. Keep it: the last slice simply stops at n."
        )
    if len(sizes) > 1 and sum(sizes) == n and sizes != want_sizes and max(sizes) - min(sizes) <= 1:
        return (
            f"{report}\nThe batches are not batch_size long: np.array_split spreads what is "
            f"left over all the batches. Cut consecutive slices of exactly {batch_size}; only "
            "the last may be shorter."
        )
    if sizes != want_sizes:
        return f"{report}\nCut the shuffled order into consecutive slices of batch_size."
    counts = np.bincount(seen, minlength=n)
    if np.any(counts != 1):
        return (
            f"{report}\nSome indices appear twice and others never: that is drawing with "
            "replacement (rng.integers or rng.choice). Shuffle instead: rng.permutation(n)."
        )
    if n >= 10 and np.array_equal(seen, np.arange(n)):
        return (
            f"On {_batches_where(case)}, the batches are in order 0, 1, 2, …: shuffle first "
            "(rng.permutation), so that each epoch sees the examples in a new order."
        )
    inside = np.concatenate([np.sort(b) for b in batches])
    if n >= 10 and len(batches) > 1 and np.array_equal(inside, np.arange(n)):
        return (
            f"On {_batches_where(case)}, each batch is shuffled inside, but batch 1 always holds "
            f"examples 0 … {batch_size - 1}, batch 2 the next ones, and so on: shuffle all n "
            "indices first, then cut the shuffled order into batches."
        )
    again = got["again"]
    if len(again) != len(batches) or not all(
        np.array_equal(a, b) for a, b in zip(batches, again, strict=True)
    ):
        return (
            f"On {_batches_where(case)}, two calls with generators made from the same seed "
            "gave different batches: draw the order from the rng you are given "
            "(rng.permutation), not from np.random."
        )
    if n >= 10 and np.array_equal(seen, np.concatenate(got["second"]) if got["second"] else []):
        return (
            f"On {_batches_where(case)}, two epochs drawn one after the other from the same "
            "generator came out in the same order: use rng itself (rng.permutation(n)) rather "
            "than a new generator made from a fixed seed."
        )
    return None


def judge_minibatch_indices(cases, results) -> Feedback:
    """Every index once per epoch, in batches of batch_size (the last one shorter when it must
    be), shuffled by the generator given: the same batches for the same seed, a new order
    for the next epoch."""
    for case, got in zip(cases, results, strict=True):
        if isinstance(got, Raised):
            return _raised_feedback(got, _batches_where(case))
        if not isinstance(got, dict) or "first" not in got:
            return _unexpected(_batches_where(case), got)
        failure = _batches_failure(case, got)
        if failure:
            return wrong(failure)
    sizes = [c["n"] for c in cases]
    return correct(
        f"Right on {len(cases)} cases, from {min(sizes)} to {max(sizes)} examples: every "
        "index once per epoch, the last batch smaller when it must be, a new order every epoch "
        "and the same order for the same seed. With n = 1,797 and batches of 32 that is 57 "
        "updates per epoch (56 full batches and one of 5)."
    )


@exercise(
    "08.3",
    title="the mini-batches of one epoch",
    answers="minibatch_indices",
    placeholder='''
def minibatch_indices(n, batch_size, rng):
    """The mini-batches of one epoch over n examples, as a list of index arrays.

    Shuffle the indices 0 … n-1 with the generator rng, then cut them into
    consecutive batches of batch_size. The last batch holds what is left: it
    is smaller when batch_size does not divide n, and no batch is empty.
    """
    raise NotImplementedError("write the body of minibatch_indices")
''',
    hints=(
        "Two steps: a shuffled order of all n indices, then slices of it.",
        "rng.permutation(n) is the indices 0 … n-1 in a random order; every index appears "
        "exactly once.",
        "order[start : start + batch_size] for start in range(0, n, batch_size): the last "
        "slice simply stops at n.",
    ),
    cases=_BATCH_CASES,
    judge=judge_minibatch_indices,
)
def probe_minibatch_indices(minibatch_indices, case):
    """The learner's batches for one epoch, the next epoch from the same generator, and one
    epoch from a fresh generator with the same seed; nnlib's own batches switched off."""
    if not callable(minibatch_indices):
        raise AnswerError(
            "Expected a function minibatch_indices(n, batch_size, rng), "
            f"got {minibatch_indices!r}."
        )
    n, batch_size, seed = case["n"], case["batch_size"], case["seed"]
    where = _batches_where(case)
    rng = np.random.default_rng(seed)
    with refusing({"nnlib.train.batches": "minibatch_indices"}, minibatch_indices):
        first = _as_index_batches(call(minibatch_indices, n, batch_size, rng), where)
        second = _as_index_batches(call(minibatch_indices, n, batch_size, rng), where)
        again = call(minibatch_indices, n, batch_size, np.random.default_rng(seed))
        again = _as_index_batches(again, where)
    return {"first": first, "second": second, "again": again}


# ---------------------------------------------------------------- 08.4 training loop

TRAIN_TIME_LIMIT = 2.0  # seconds per training run
TRAIN_MARGIN = 0.02  # how far above the best reachable loss the final loss may be


def logistic_data(seed: int, n: int, d: int, separation: float):
    """Two overlapping Gaussian classes in d dimensions (labels 0 and 1, half each)."""
    g = np.random.default_rng(seed)
    y = g.permutation(np.arange(n) % 2).astype(float)
    direction = g.normal(0, 1, d)
    direction *= separation / np.linalg.norm(direction)
    X = g.normal(0, 1, (n, d)) + np.outer(2 * y - 1, direction) + g.normal(0, 1, d)
    return X, y


def logistic_loss(X, y, w, b) -> float:
    """Mean binary cross-entropy of p = σ(X·w + b), computed without overflow
    (nnlib.functional.binary_cross_entropy_with_logits)."""
    return float(F.binary_cross_entropy_with_logits(X @ w + b, y))


def _one_step_case(X, y, lr: float, want=None) -> dict:
    """One full-batch step from w = 0, b = 0 (epochs 1, batch_size n, seed 0)."""
    case = {"kind": "one step", "X": np.array(X, float), "y": np.array(y, float),
            "epochs": 1, "lr": float(lr), "batch_size": len(X), "seed": 0}  # fmt: skip
    if want is not None:
        case["want"] = want
    return case


def _exact_case(X, y, epochs: int, lr: float, batch_size: int, seed: int, want=None) -> dict:
    """A small run that must follow the docstring's recipe step by step."""
    case = {"kind": "exact", "X": np.array(X, float), "y": np.array(y, float),
            "epochs": epochs, "lr": float(lr), "batch_size": batch_size, "seed": seed}  # fmt: skip
    if want is not None:
        case["want"] = want
    return case


def _train_case(data, epochs: int, lr: float, batch_size: int, seed: int, want=None) -> dict:
    """Real training on logistic_data(*data), a data set the learner has not seen."""
    case = {"kind": "train", "data": tuple(data), "epochs": epochs, "lr": float(lr),
            "batch_size": batch_size, "seed": seed}  # fmt: skip
    if want is not None:
        case["want"] = want
    return case


def _train_inputs(case):
    """(X, y) of a case of 08.4."""
    if case["kind"] == "train":
        return logistic_data(*case["data"])
    return case["X"], case["y"]


def _train_where(case) -> str:
    X, y = _train_inputs(case)
    args = (
        f"epochs = {case['epochs']}, lr = {case['lr']:g}, batch_size = {case['batch_size']}, "
        f"seed = {case['seed']}"
    )
    if case["kind"] == "train":
        n, d = X.shape
        return (
            f"a data set you have not seen: X of shape ({n}, {d}), labels half 0 and half 1, "
            + args
        )
    labels = ", ".join(f"{v:g}" for v in y)
    shape = f"X of shape {X.shape}, y = [{labels}], " + args
    return f"one full-batch step: {shape}" if case["kind"] == "one step" else shape


def _unpack(result, d: int, where: str):
    """w (d,), b, losses from what train returned, or AnswerError saying what came instead."""
    if not isinstance(result, tuple | list) or len(result) != 3:
        length = f" of length {len(result)}" if isinstance(result, tuple | list) else ""
        kind = type(result).__name__ if not isinstance(result, Opaque) else result.type_name
        raise AnswerError(
            f"On {where}, train returned {kind}{length}; expected the three things w, b, "
            "losses: end with `return w, b, losses`."
        )
    w, b, losses = result
    w = as_array(w, what="w")
    if w.size == d and w.shape != (d,):
        w = w.reshape(d)
    if w.shape != (d,):
        raise AnswerError(f"On {where}, expected w of shape ({d},), one weight per feature, "
                          f"got shape {w.shape}.")  # fmt: skip
    b = as_number(b, "b, the bias (a number)")
    try:
        losses = [float(v) for v in np.asarray(losses, dtype=float).ravel()]
    except (TypeError, ValueError):
        raise AnswerError(
            f"On {where}, expected losses to be a list of numbers, got {losses!r:.80}."
        ) from None
    return w, b, losses


def _not_finite(result) -> bool:
    """True when what train returned holds NaN or infinity (in w, b or losses)."""
    if not isinstance(result, tuple | list) or len(result) != 3:
        return False
    try:
        return not all(np.all(np.isfinite(np.asarray(part, dtype=float))) for part in result)
    except (TypeError, ValueError):
        return False


def _last(losses, k: int = 4) -> str:
    return ", ".join(f"{v:.4f}" for v in losses[-k:])


def _same_run(w, b, losses, run, tol: float = 1e-9) -> bool:
    return (
        len(losses) == len(run["losses"])
        and close(w, np.asarray(run["w"]), rel=tol, abs_tol=tol)
        and close(b, run["b"], rel=tol, abs_tol=tol)
        and close(np.asarray(losses), np.asarray(run["losses"]), rel=tol, abs_tol=tol)
    )


def _one_step_failure(case, got) -> str | None:
    """One full-batch step from zero, exactly; the slip named for w and for b separately."""
    where = _train_where(case)
    X, _ = _train_inputs(case)
    w, b, losses = _unpack(got["result"], X.shape[1], where)
    want = case["want"]
    slips = want["slips"]
    words = {
        "uphill": "The step of {what} went uphill: subtract lr times the gradient ∂L/∂{what}.",
        "no lr": "That {what} is a step without the learning rate.",
        "sum": "That {what} comes from the sum over the batch, not the mean: divide the "
        "gradient by the batch size m.",
        "no sigmoid": "That is the step with p = z (no sigmoid): p = σ(z) = 1 / (1 + e^(-z)), "
        "which is 0.5 at w = 0.",
        "b frozen": "{what} never moved: update it inside the batch loop "
        "({what} ← {what} - lr·∂L/∂{what}).",
    }
    for what, value, right in (("w", w, want["w"]), ("b", b, want["b"])):
        if close(value, right, rel=1e-7, abs_tol=1e-10):
            continue
        slip = next(
            (
                words[name].format(what=what)
                for name, run in slips.items()
                if close(value, run[what], rel=1e-7, abs_tol=1e-10)
                and (name != "b frozen" or what == "b")
            ),
            f"{what} is not right: start from w = zeros(d), b = 0 and check its gradient "
            f"∂L/∂{what} = {'Xᵀ(p - y)/m' if what == 'w' else 'mean(p - y)'}.",
        )
        return (
            f"the first case that fails is\n  input:    {where}\n"
            f"  expected: w = {np.array2string(np.asarray(want['w']), precision=5)}, "
            f"b = {want['b']:.5f}\n"
            f"  got:      w = {np.array2string(w, precision=5)}, b = {b:.5f}\n{slip}"
        )
    if len(losses) != 1 or not close(losses[0], want["losses"][0], rel=1e-6):
        why = ""
        if len(losses) == 1 and close(losses[0], math.log(2), rel=1e-9):
            why = (
                "\nThat is ln 2 = 0.69315, the loss at w = 0, b = 0: it was recorded before the "
                "epoch's steps. Append the loss after the batches of each epoch."
            )
        elif len(losses) == 1 and close(losses[0], len(X) * want["losses"][0], rel=1e-6):
            why = f"\nThat is the sum over the {len(X)} examples: take the mean."
        return (
            f"On {where}, w and b are right, but losses = {losses!r:.80}; expected one number, "
            f"the mean cross-entropy over all of X after the epoch: {want['losses'][0]:.5f}." + why
        )
    return None


def _training_failure(case, got) -> str | None:
    """Real training: finite, one loss per epoch, the last one over all of X, fast enough,
    within TRAIN_MARGIN of the best loss, reproducible for a seed, shuffled by it."""
    where = _train_where(case)
    X, y = _train_inputs(case)
    result, seconds = got["result"], got["seconds"]
    if isinstance(result, tuple | list) and len(result) == 3:
        try:
            curve = np.asarray(result[2], dtype=float).ravel()
            finite = np.all(np.isfinite(curve)) and np.all(
                np.isfinite(np.asarray(result[0], float))
            )
        except (TypeError, ValueError):
            finite = True  # _unpack names what is wrong
        if not finite:
            return (
                f"On {where}, the loss became NaN or infinite (last losses: {_last(curve)}): "
                "descent diverged. At this learning rate it should not: check the sign of the "
                "update and the 1/m of the mean."
            )  # fmt: skip
    w, b, losses = _unpack(result, X.shape[1], where)
    best = case["want"]["best"]
    target = best + TRAIN_MARGIN
    final = logistic_loss(X, y, w, b)
    report = (
        f"On {where}:\n  expected: final loss below {target:.4f} (the best a linear "
        f"classifier reaches is {best:.4f}), within {TRAIN_TIME_LIMIT:g} s\n"
        f"  got:      final loss {final:.4f} after {seconds:.2f} s; last losses: {_last(losses)}"
    )
    epochs = case["epochs"]
    if len(losses) != epochs:
        return f"{report}\nExpected {epochs} losses, one per epoch; got {len(losses)}."
    if not close(losses[-1], final, rel=1e-6):
        return (
            f"{report}\nYour last loss is {losses[-1]:.4f} but your w and b give {final:.4f} "
            "over all of X: record the loss over the whole data set after each epoch, not the "
            "last batch's."
        )
    if seconds > TRAIN_TIME_LIMIT:
        return (
            f"{report}\nToo slow: compute each batch with matrix products (X[idx] @ w) rather "
            "than a Python loop over examples."
        )
    if final >= target:
        if losses[-1] > losses[0] + 1e-9:
            why = "The loss grew: the steps go uphill (a flipped sign) or are too large."
        elif abs(losses[-1] - losses[0]) < 1e-6:
            why = "The loss did not move: are w and b updated inside the batch loop?"
        else:
            why = (
                "It learns, but too slowly: does every epoch go through all the batches, and "
                "is the gradient the batch's mean?"
            )
        return f"{report}\n{why}"
    again, other = got["again"], got["other"]
    try:
        same = np.allclose(np.asarray(again, float), losses, rtol=1e-12, atol=0)
        moved = not np.allclose(np.asarray(other, float), losses, rtol=1e-12, atol=0)
    except (TypeError, ValueError):
        same = moved = False
    if not same:
        return (
            f"{report}\nTwo runs with the same seed gave different losses: draw the shuffles "
            "from rng = np.random.default_rng(seed), made once before the epochs."
        )
    if not moved:
        return (
            f"{report}\nSeeds {case['seed']} and {case['seed'] + 1} gave exactly the same "
            "losses: shuffle every epoch with rng.permutation(n), and cut the shuffled order "
            "into batches of batch_size."
        )
    return None


_EXACT_SLIP_WORDS = {
    "fresh rng": "Every epoch came out in the same order: make rng once, before the epochs, "
    "so that each epoch's rng.permutation(n) gives a new order.",
    "drop last": "Examples were never used: with n = {n} and batch_size = {bs} the last batch "
    "holds {rest} example(s). Keep the last, smaller batch.",
    "choice": "That order comes from rng.choice(n, n, replace=False), a valid shuffle but not "
    "the same draws: take order = rng.permutation(n), as the docstring says.",
    "batch_size": "The last batch holds only {rest} example(s), but its gradient was divided "
    "by batch_size = {bs}: the mean divides by the batch's own size m = len(idx), which is "
    "smaller for the last batch.",
}


def _exact_failure(case, got) -> str | None:
    """A small run compared with the reference to 1e-9, slips recognised from want["slips"]."""
    where = _train_where(case)
    X, _ = _train_inputs(case)
    if _not_finite(got["result"]):
        return (
            f"On {where}, your w, b or losses hold NaN or infinity. Where z = X·w + b reaches "
            "hundreds, σ(z) rounds to exactly 0 or 1: then log(p) or log(1 - p) is log(0), and "
            "e^z overflows. Take p = 1 / (1 + np.exp(-z)) and compute the loss from z: "
            "np.mean(np.logaddexp(0, z) - y * z)."
        )
    w, b, losses = _unpack(got["result"], X.shape[1], where)
    want = case["want"]
    if _same_run(w, b, losses, want):
        return None
    n, bs = len(X), case["batch_size"]
    if _same_run(w, b, want["losses"], want) and len(losses) == len(want["losses"]):
        return (
            f"On {where}, w and b are right, but the losses are not: expected "
            f"{np.array2string(np.asarray(want['losses']), precision=6)}, got "
            f"{np.array2string(np.asarray(losses), precision=6)}. Record the mean cross-entropy "
            "over all of X after each epoch, computed from z = X·w + b "
            "(np.logaddexp(0, z) - y * z): clipping p changes it where p rounds to 0 or 1."
        )
    why = next(
        (
            _EXACT_SLIP_WORDS[name].format(n=n, bs=bs, rest=n % bs)
            for name, run in want.get("slips", {}).items()
            if name in _EXACT_SLIP_WORDS and _same_run(w, b, losses, run)
        ),
        "Follow the docstring step by step: rng made once, order = rng.permutation(n) each "
        "epoch, its consecutive slices as batches, one update per batch, the loss over all of "
        "X after each epoch.",
    )
    return (
        "Your loop trains well, but does not follow the recipe exactly. The case that "
        f"differs is\n  input:    {where}\n"
        f"  expected: w = {np.array2string(np.asarray(want['w']), precision=6)}, "
        f"b = {want['b']:.6f}, "
        f"losses = {np.array2string(np.asarray(want['losses']), precision=6)}\n"
        f"  got:      w = {np.array2string(w, precision=6)}, b = {b:.6f}, "
        f"losses = {np.array2string(np.asarray(losses), precision=6)}\n{why}"
    )


def judge_train(cases, results) -> Feedback:
    """train(X, y, epochs, lr, batch_size, seed): one full-batch step is exactly right; on
    data sets it has not seen it reaches within TRAIN_MARGIN of the best loss, fast,
    reproducibly for a seed; and a small run (n = 7, batches of 3, 3 and 1, 3 epochs)
    matches the reference loop to 1e-9."""
    check_of = {"one step": _one_step_failure, "train": _training_failure,
                "exact": _exact_failure}  # fmt: skip
    for case, got in zip(cases, results, strict=True):
        if isinstance(got, Raised):
            return _raised_feedback(got, _train_where(case))
        if not isinstance(got, dict) or "result" not in got:
            return _unexpected(_train_where(case), got)
        failure = check_of[case["kind"]](case, got)
        if failure:
            return wrong(failure)
    trained = sum(c["kind"] == "train" for c in cases)
    return correct(
        "One full-batch step is exact, a small run matches ours step by step, and on "
        f"{trained} data sets you had not seen your loop gets within {TRAIN_MARGIN} of the "
        "best loss a linear classifier can reach, reproducibly for a seed. That is the whole "
        "of training: everything else is this loop with a bigger model."
    )


def _exact_inputs():
    g = np.random.default_rng(841)
    return g.normal(0, 1, (7, 2)).round(2), np.array([0.0, 1, 1, 0, 1, 0, 1])


def _public_train_cases() -> list[dict]:
    X1 = np.random.default_rng(84).normal(0, 1, (6, 3)).round(2)
    X7, y7 = _exact_inputs()
    return [
        _one_step_case(X1, [0.0, 1, 1, 0, 1, 1], 0.1, want=_ONE_STEP_WANT),
        _train_case((11, 300, 4, 1.0), 20, 0.1, 16, 0, want={"best": _TRAIN_BEST[0]}),
        _train_case((12, 150, 2, 1.2), 40, 0.5, 32, 5, want={"best": _TRAIN_BEST[1]}),
        _exact_case(X7, y7, 3, 0.5, 3, 4, want=_EXACT_WANT),
        # features in the hundreds: σ(z) rounds to 0 or 1, and a loss from log(p) is not finite
        _exact_case(_HUGE_X, [1.0, 0, 1, 0, 0], 2, 0.1, 2, 0, want=_HUGE_WANT),
    ]


#: Expected values of the public cases, from the reference loop in nnlib/solutions/ch08.py
#: (tests/test_ch08.py asserts that they agree with it).
_ONE_STEP_WANT = {
    "w": [0.003083333333333336, -0.017249999999999998, 0.010833333333333334],
    "b": 0.016666666666666666,
    "losses": [0.6862155628995983],
    "slips": {  # what each slip gives on this case
        "uphill": {
            "w": [-0.003083333333333336, 0.017249999999999998, -0.010833333333333334],
            "b": -0.016666666666666666,
        },
        "no lr": {"w": [0.030833333333333362, -0.1725, 0.10833333333333335], "b": 1 / 6},
        "sum": {"w": [0.018500000000000016, -0.1035, 0.065], "b": 0.1},
        "no sigmoid": {
            "w": [-0.0006666666666666673, -0.042666666666666665, -0.026500000000000006],
            "b": 0.06666666666666667,
        },
        "b frozen": {
            "w": [0.003083333333333336, -0.017249999999999998, 0.010833333333333334],
            "b": 0.0,
        },
    },
}
_EXACT_WANT = {
    "w": [0.8326195342351549, 0.6240297523241903],
    "b": 0.6228958471249825,
    "losses": [0.5487044208272917, 0.46340622144309257, 0.40542186480251313],
    "slips": {
        "fresh rng": {
            "w": [0.8445230622919175, 0.6455300767104346],
            "b": 0.6079664220585606,
            "losses": [0.5487044208272917, 0.462261215936532, 0.40377043233684784],
        },
        "drop last": {
            "w": [0.7855144031661185, 0.26990108797811274],
            "b": 0.12079588730840946,
            "losses": [0.5911125538970936, 0.5260319205473646, 0.4759667322875765],
        },
        "choice": {
            "w": [0.90737623897176, 0.5339682048747695],
            "b": 0.6392636433623076,
            "losses": [0.5516625007474667, 0.45236118117657875, 0.3960764541051323],
        },
        "batch_size": {
            "w": [0.8026850976213128, 0.40093894881536335],
            "b": 0.3078915975828996,
            "losses": [0.5759911105260326, 0.501114449794726, 0.4453718955393033],
        },
    },
}
_HUGE_X = [[300.0, -200.0], [-150.0, 400.0], [250.0, 120.0], [-380.0, -90.0], [60.0, -310.0]]
_HUGE_WANT = {"w": [16.75, 16.25], "b": 0.0, "losses": [190.51, 797.5]}
#: The lowest mean cross-entropy a linear classifier reaches on each public data set.
_TRAIN_BEST = (0.33630229221099256, 0.30524635849611303)


@exercise(
    "08.4",
    title="a training loop",
    answers="train",
    placeholder='''
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
    raise NotImplementedError("write the body of train")
''',
    hints=(
        "Three nested ideas: a loop over epochs; inside it, a shuffled order and a loop over "
        "its slices (your minibatch_indices from 08.3 does exactly this); inside that, "
        "forward (p), gradient, update. After the batches, one loss over all of X.",
        "For one batch: z = X[idx] @ w + b, p = 1 / (1 + np.exp(-z)), error = p - y[idx]; the "
        "gradients are ∂L/∂w = X[idx].T @ error / len(idx) and ∂L/∂b = np.mean(error) "
        "(chapter 06's p - y, averaged over the batch).",
        "The loss over all of X: z = X @ w + b and np.mean(np.logaddexp(0, z) - y * z), which "
        "is -mean(y·log p + (1 - y)·log(1 - p)) without log(0). Subtract lr times each gradient.",
    ),
    cases=_public_train_cases(),
    judge=judge_train,
)
def probe_train(train, case):
    """The learner's train on one case: what it returned and how long it took; on a training
    case also the losses of a second run with the same seed and of a run with the next seed."""
    if not callable(train):
        raise AnswerError(
            f"Expected a function train(X, y, epochs, lr, batch_size, seed), got {train!r}."
        )
    X, y = _train_inputs(case)
    args = [case["epochs"], case["lr"], case["batch_size"], case["seed"]]
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        result = call(train, X.copy(), y.copy(), *args, name="train")
    out = {"result": result, "seconds": time.perf_counter() - start}
    if case["kind"] == "train":
        runs = []
        for seed in (case["seed"], case["seed"] + 1):
            with np.errstate(all="ignore"):
                again = call(train, X.copy(), y.copy(), *args[:-1], seed, name="train")
            runs.append(again[2] if isinstance(again, tuple | list) and len(again) == 3 else None)
        out["again"], out["other"] = runs
    return out
