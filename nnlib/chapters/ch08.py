"""Chapter 08 (Gradient descent):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/08_*.ipynb``; it imports this module as ``ch08``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from nnlib.exercises import (
    AnswerError,
    Feedback,
    NotDone,
    as_array,
    as_number,
    call,
    close,
    correct,
    exercise,
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


# ------------------------------------------------------------------ exercises


def _describe_arrays(arrays) -> str:
    return "[" + ", ".join(f"array of shape {np.shape(a)}" for a in arrays) + "]"


def _sgd_cases():
    rng = np.random.default_rng(808)
    shapes = [[(3,)], [(2, 4), (4,)], [(1,)], [(5, 1), (1,), (3, 3)]]
    rates = [0.1, 0.5, 0.01, 0.3]
    cases = []
    for shape_list, lr in zip(shapes, rates, strict=True):
        params = [rng.normal(0, 1, s) for s in shape_list]
        grads = [rng.normal(0, 1, s) for s in shape_list]
        cases.append((params, grads, lr))
    return cases


def _nnlib_sgd_case():
    """A Linear layer's parameters and gradients after one backward pass, and what
    ``optim.SGD(..., lr=0.2).step()`` makes of them."""
    from nnlib import nn, optim

    layer = nn.Linear(3, 2, rng=8)
    loss_fn = nn.MSELoss()
    X = np.random.default_rng(9).normal(0, 1, (4, 3))
    loss_fn(layer(X), np.ones((4, 2)))
    layer.zero_grad()
    layer.backward(loss_fn.backward())
    params = [p.data.copy() for p in layer.parameters()]
    grads = [p.grad.copy() for p in layer.parameters()]
    optim.SGD(layer.parameters(), lr=0.2).step()
    return params, grads, 0.2, [p.data.copy() for p in layer.parameters()]


def _sgd_slip(params, grads, lr, got) -> str | None:
    variants = {
        "added the gradient": [p + lr * g for p, g in zip(params, grads, strict=True)],
        "forgot the learning rate": [p - g for p, g in zip(params, grads, strict=True)],
        "replaced the parameter by -lr·gradient": [-lr * g for g in grads],
        "replaced the parameter by the gradient": list(grads),
        "replaced the parameter by lr·gradient": [lr * g for g in grads],
    }
    words = {
        "added the gradient": (
            "Your step went uphill: that is p + lr·g. The gradient points towards higher loss, "
            "so subtract it: p -= lr * g."
        ),
        "forgot the learning rate": (
            "That is p - g: a step of the whole gradient. Multiply it by the learning rate."
        ),
        "replaced the parameter by -lr·gradient": (
            "That is -lr·g alone: the old value of the parameter is lost. The update changes "
            "p by -lr·g (p -= lr * g); it does not replace it."
        ),
        "replaced the parameter by the gradient": (
            "The parameter now holds the gradient itself. Update it instead: p -= lr * g."
        ),
        "replaced the parameter by lr·gradient": (
            "The parameter now holds lr·g. Update it instead: p -= lr * g."
        ),
    }
    for name, want in variants.items():
        if all(
            np.shape(a) == np.shape(b) and np.allclose(a, b)
            for a, b in zip(got, want, strict=True)
        ):
            return words[name]
    return None


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
    solution='''
def sgd_step(params, grads, lr):
    """One step of gradient descent, in place: every array p in params becomes
    p - lr·g, with g the array at the same place in grads. Returns nothing."""
    for p, g in zip(params, grads):
        p -= lr * g  # changes the array itself, which the model also holds
''',
    hints=(
        "Loop over the pairs with zip(params, grads); each pair is one parameter array and "
        "its gradient, of the same shape.",
        "The update is p ← p - lr·g. Write it so that it changes the array p itself: "
        "`p = p - lr * g` would only make a new array and point the name p at it.",
        "`p -= lr * g` (or `p[...] = p - lr * g`) inside `for p, g in zip(params, grads):` "
        "is the whole body.",
    ),
)
def check_sgd_step(sgd_step) -> Feedback:
    """sgd_step(params, grads, lr) moves every array against its gradient, in place, on
    random arrays of several shapes and on a Linear layer's parameters (against optim.SGD)."""
    if not callable(sgd_step):
        raise AnswerError(f"Expected a function sgd_step(params, grads, lr), got {sgd_step!r}.")
    cases = [
        (p, g, lr, [a - lr * b for a, b in zip(p, g, strict=True)]) for p, g, lr in _sgd_cases()
    ]
    cases.append(_nnlib_sgd_case())
    for number, (params, grads, lr, want) in enumerate(cases, start=1):
        arrays = [p.copy() for p in params]  # what the model holds
        passed = list(arrays)  # the list the learner gets
        gradients = [g.copy() for g in grads]
        source = " (a Linear(3, 2) layer's weight and bias)" if number == len(cases) else ""
        where = (
            f"case {number}: params = {_describe_arrays(params)}{source}, "
            f"grads of the same shapes, lr = {lr}"
        )
        try:
            returned = call(sgd_step, passed, gradients, lr, name="sgd_step")
        except NotDone:
            raise
        except Exception as e:  # the learner's code may raise anything: report it kindly
            return wrong(f"On {where} your code raised {type(e).__name__}: {e}")
        if not all(np.array_equal(g, h) for g, h in zip(gradients, grads, strict=True)):
            return wrong(
                f"On {where} your function changed the gradients. Leave grads as they are and "
                "change only the parameters."
            )
        got = [np.asarray(a) for a in arrays]
        if all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(got, want, strict=True)):
            continue
        unchanged = all(np.array_equal(a, p) for a, p in zip(got, params, strict=True))
        if unchanged and any(q is not a for q, a in zip(passed, arrays, strict=False)):
            return wrong(
                f"On {where} you put new arrays into the list (params[i] = ...), so the arrays "
                "the model holds did not change. Change each array itself: p -= lr * g."
            )
        if unchanged and returned is not None:
            return wrong(
                f"On {where} you returned new arrays but left the ones passed in unchanged. This "
                "exercise updates in place, as an optimiser's step() does: p -= lr * g."
            )
        if unchanged:
            return wrong(
                f"On {where} the parameters did not change. `p = p - lr * g` makes a new array "
                "and points the name p at it; `p -= lr * g` changes the array itself."
            )
        slip = _sgd_slip(params, grads, lr, got)
        first = next(
            i for i, (a, b) in enumerate(zip(got, want, strict=True)) if not np.allclose(a, b)
        )
        lines = [
            f"the first case that fails is\n  input:    {where}",
            f"  expected: params[{first}] = "
            + np.array2string(want[first], precision=4, max_line_width=90),
            f"  got:      params[{first}] = "
            + np.array2string(got[first], precision=4, max_line_width=90),
        ]
        if slip:
            lines.append(slip)
        return wrong("\n".join(lines))
    return correct(
        "Every array moved by -lr·g, in place, and on a Linear layer your step agrees with "
        "optim.SGD. That one line is what opt.step() does in every loop of this chapter."
    )


#: How close to 1/3 an answer to 08.2 must be: 0.333 passes, 0.338 (which diverges) does not.
EDGE_TOLERANCE = 5e-4


@exercise(
    "08.2",
    title="the edge of divergence on a new bowl",
    kind="value",
    answers="edge_rate",
    placeholder="edge_rate = ...  # your answer: a number",
    solution="edge_rate = 2 / 6  # f'(x) = 6x - 6, so x - 1 is multiplied by 1 - 6α each step",
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


_BATCH_CASES = [(10, 3), (12, 4), (7, 10), (1, 1), (100, 32), (5, 1), (64, 64), (33, 8)]


def _batch_sizes(n: int, batch_size: int) -> list[int]:
    return [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])


def _as_index_batches(got, where: str) -> list[np.ndarray]:
    if isinstance(got, np.ndarray) and got.ndim == 2:
        got = list(got)
    if isinstance(got, np.ndarray) and got.ndim == 1:
        raise AnswerError(
            f"On {where} expected a list of index arrays, got one array of shape {got.shape}: "
            "that is one order of the examples; cut it into slices of batch_size."
        )
    if not isinstance(got, list | tuple):
        raise AnswerError(
            f"On {where} expected a list of index arrays, got {type(got).__name__}: "
            "collect the batches in a list and return it."
        )
    out = []
    for batch in got:
        arr = np.asarray(batch)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise AnswerError(
                f"On {where} each batch should be a 1-D array of whole-number indices, got "
                f"{np.array2string(arr, threshold=8)} (dtype {arr.dtype})."
            )
        out.append(arr.astype(int))
    return out


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
    solution='''
def minibatch_indices(n, batch_size, rng):
    """The mini-batches of one epoch over n examples, as a list of index arrays.

    Shuffle the indices 0 … n-1 with the generator rng, then cut them into
    consecutive batches of batch_size. The last batch holds what is left: it
    is smaller when batch_size does not divide n, and no batch is empty.
    """
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]
''',
    hints=(
        "Two steps: a shuffled order of all n indices, then slices of it.",
        "rng.permutation(n) is the indices 0 … n-1 in a random order; every index appears "
        "exactly once.",
        "order[start : start + batch_size] for start in range(0, n, batch_size): the last "
        "slice simply stops at n.",
    ),
)
def check_minibatch_indices(minibatch_indices) -> Feedback:
    """minibatch_indices(n, batch_size, rng) covers every example once per epoch, in batches
    of the right sizes, shuffled by the generator it is given."""
    if not callable(minibatch_indices):
        raise AnswerError(
            "Expected a function minibatch_indices(n, batch_size, rng), "
            f"got {minibatch_indices!r}."
        )
    for n, batch_size in _BATCH_CASES:
        where = f"n = {n}, batch_size = {batch_size}, rng = np.random.default_rng(1)"
        got = _as_index_batches(
            call(minibatch_indices, n, batch_size, np.random.default_rng(1)), where
        )
        want_sizes = _batch_sizes(n, batch_size)
        sizes = [len(b) for b in got]
        seen = np.concatenate(got) if got else np.array([], dtype=int)
        counts = np.bincount(seen[(seen >= 0) & (seen < n)], minlength=n)
        report = (
            f"the first case that fails is\n  input:    {where}\n"
            f"  expected: batch sizes {want_sizes}, every index 0 … {n - 1} once\n"
            f"  got:      batch sizes {sizes}"
        )
        if np.any((seen < 0) | (seen >= n)):
            return wrong(f"{report}\nSome indices are outside 0 … {n - 1}.")
        if 0 in sizes:
            return wrong(f"{report}\nThere is an empty batch: stop the slices at n.")
        if sizes == want_sizes[:-1] and n % batch_size:
            return wrong(
                f"{report}\nThe last, smaller batch is missing, so {n % batch_size} examples "
                "are never seen this epoch. Keep it: the last slice simply stops at n."
            )
        if sizes != want_sizes:
            return wrong(
                f"{report}\nCut the shuffled order into consecutive slices of batch_size."
            )
        if np.any(counts != 1):
            return wrong(
                f"{report}\nSome indices appear twice and others never: that is drawing with "
                "replacement (rng.integers or rng.choice). Shuffle instead: rng.permutation(n)."
            )
        if n >= 10 and np.array_equal(seen, np.arange(n)):
            return wrong(
                f"On {where} the batches are in order 0, 1, 2, …: shuffle first "
                "(rng.permutation), so that each epoch sees the examples in a new order."
            )
    first, again = (
        _as_index_batches(call(minibatch_indices, 100, 32, np.random.default_rng(1)), "again")
        for _ in range(2)
    )
    if len(first) != len(again) or not all(
        np.array_equal(a, b) for a, b in zip(first, again, strict=True)
    ):
        return wrong(
            "Two calls with the same seed, np.random.default_rng(1), gave different batches: "
            "draw the order from the rng you are given (rng.permutation), not from np.random."
        )
    g = np.random.default_rng(2)
    one = np.concatenate(
        _as_index_batches(call(minibatch_indices, 100, 32, g), "n = 100, batch_size = 32")
    )
    two = np.concatenate(
        _as_index_batches(call(minibatch_indices, 100, 32, g), "n = 100, batch_size = 32")
    )
    if np.array_equal(one, two):
        return wrong(
            "Two epochs drawn from the same generator came out in the same order: use rng "
            "itself (rng.permutation(n)) rather than a new generator made from a fixed seed."
        )
    return correct(
        f"Right on {len(_BATCH_CASES)} cases, from 1 example to 100: every index once per "
        "epoch, the last batch smaller when it must be, a new order every epoch and the same "
        "order for the same seed. With n = 1,797 and batches of 32 that is 57 updates per epoch "
        "(56 full batches and one of 5)."
    )


# ---------------------------------------------------------------- 08.4 training loop

#: Each case: (seed, n, d, separation, epochs, lr, batch_size, training seed).
_TRAIN_CASES = [(11, 300, 4, 1.0, 20, 0.5, 16, 0), (12, 150, 2, 1.2, 25, 0.5, 32, 5)]
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
    """Mean binary cross-entropy of p = σ(X·w + b), computed without overflow:
    -[y·log p + (1 - y)·log(1 - p)] = log(1 + e^z) - y·z with z = X·w + b."""
    z = X @ w + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))  # σ(z) without overflow warnings


def best_logistic_loss(X, y) -> float:
    """The lowest mean cross-entropy a linear classifier reaches on (X, y): many full-batch
    steps of Newton's method (exact to far better than the check's margin)."""
    A = np.c_[X, np.ones(len(X))]
    theta = np.zeros(A.shape[1])
    for _ in range(50):
        p = _sigmoid(A @ theta)
        hessian = A.T @ (A * (p * (1 - p))[:, None]) / len(A) + 1e-9 * np.eye(A.shape[1])
        theta -= np.linalg.solve(hessian, A.T @ (p - y) / len(A))
    return logistic_loss(X, y, theta[:-1], theta[-1])


def _unpack(result, d: int, where: str):
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise AnswerError(
            f"On {where} train returned {type(result).__name__}"
            f"{f' of length {len(result)}' if isinstance(result, tuple | list) else ''}; "
            "expected the three things w, b, losses: end with `return w, b, losses`."
        )
    w, b, losses = result
    w = as_array(w, what="w")
    if w.size == d and w.shape != (d,):
        w = w.reshape(d)
    if w.shape != (d,):
        raise AnswerError(f"On {where} expected w of shape ({d},), one weight per feature, "
                          f"got shape {w.shape}.")  # fmt: skip
    b = as_number(b, "b, the bias (a number)")
    try:
        losses = [float(v) for v in losses]
    except (TypeError, ValueError):
        raise AnswerError(
            f"On {where} expected losses to be a list of numbers, got {losses!r:.80}."
        ) from None
    return w, b, losses


def _one_step_slip(w, b, want_w, want_b, no_sigmoid_w, no_sigmoid_b) -> str:
    """The likely slip behind a wrong first full-batch step (lr = 0.1, 6 examples)."""
    for what, got, want, no_sigmoid in (
        ("w", w, want_w, no_sigmoid_w),
        ("b", b, want_b, no_sigmoid_b),
    ):
        if close(got, want, rel=1e-7, abs_tol=1e-10):
            continue
        slips = [
            (-want, f"The step of {what} went uphill: subtract lr times the gradient."),
            (want / 0.1, f"That {what} is a step without the learning rate."),
            (
                want * 6,
                f"That {what} comes from the sum over the batch, not the mean: "
                "divide the gradient by the batch size m.",
            ),
            (
                no_sigmoid,
                "That is the step with p = z (no sigmoid): p = σ(z) = "
                "1 / (1 + e^(-z)), which is 0.5 at w = 0.",
            ),
            (
                0 * want,
                f"{what} never moved: update it inside the batch loop "
                f"({what} ← {what} - lr·gradient).",
            ),
        ]
        for value, words in slips:
            if close(got, value, rel=1e-7, abs_tol=1e-10):
                return words
        return f"{what} is not right: start from w = zeros(d), b = 0 and check its gradient."
    return ""


def _run_train(train, args):
    """(what train returned, seconds), or (a Feedback naming the exception, seconds)."""
    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"):
            result = call(train, *args, name="train")
    except NotDone:
        raise
    except Exception as e:  # the learner's code may raise anything: report it kindly
        result = wrong(f"{type(e).__name__}: {e}")
    return result, time.perf_counter() - start


def _raised(feedback: Feedback, where: str) -> Feedback:
    return wrong(f"On {where} your code raised {feedback.message}")


def _last(losses, k: int = 4) -> str:
    return ", ".join(f"{v:.4f}" for v in losses[-k:])


#: The small case 08.4's check follows step by step: (n, d, epochs, lr, batch_size, seed).
_EXACT_CASE = (7, 2, 3, 0.5, 3, 4)


def _reference_train(X, y, epochs, lr, batch_size, seed, *, slip=None):
    """08.4's loop, and the slips the check recognises: ``slip`` = "fresh rng" (a new
    generator every epoch), "drop last" (the last, smaller batch skipped), "choice"
    (rng.choice(n, n, replace=False) instead of rng.permutation(n))."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b, losses = np.zeros(d), 0.0, []
    for _ in range(epochs):
        if slip == "fresh rng":
            rng = np.random.default_rng(seed)
        order = rng.choice(n, n, replace=False) if slip == "choice" else rng.permutation(n)
        stop = n - n % batch_size if slip == "drop last" else n
        for start in range(0, stop, batch_size):
            idx = order[start : start + batch_size]
            error = _sigmoid(X[idx] @ w + b) - y[idx]
            w = w - lr * X[idx].T @ error / len(idx)
            b = b - lr * float(np.mean(error))
        losses.append(logistic_loss(X, y, w, b))
    return w, b, losses


def _check_exact_run(train) -> Feedback | None:
    """None when train follows the reference loop exactly on a small case (n = 7, batches
    of 3, 3 and 1, three epochs), else what differs and the likely slip."""
    n, d, epochs, lr, batch_size, seed = _EXACT_CASE
    g = np.random.default_rng(841)
    X = g.normal(0, 1, (n, d)).round(2)
    y = np.array([0.0, 1, 1, 0, 1, 0, 1])
    where = (
        f"X of shape ({n}, {d}), y = [0, 1, 1, 0, 1, 0, 1], epochs = {epochs}, lr = {lr}, "
        f"batch_size = {batch_size}, seed = {seed}"
    )
    result, _ = _run_train(train, (X, y, epochs, lr, batch_size, seed))
    if isinstance(result, Feedback):
        return _raised(result, where)
    w, b, losses = _unpack(result, d, where)

    def same(run) -> bool:
        rw, rb, rl = run
        return (
            len(losses) == len(rl)
            and close(w, rw, rel=1e-9, abs_tol=1e-9)
            and close(b, rb, rel=1e-9, abs_tol=1e-9)
            and close(np.asarray(losses), np.asarray(rl), rel=1e-9, abs_tol=1e-9)
        )

    want = _reference_train(X, y, epochs, lr, batch_size, seed)
    if same(want):
        return None
    slips = {
        "fresh rng": "Every epoch came out in the same order: make rng once, before the "
        "epochs, so that each epoch's rng.permutation(n) gives a new order.",
        "drop last": f"Examples were never used: with n = {n} and batch_size = {batch_size} "
        f"the last batch holds {n % batch_size} example(s). Keep the last, smaller batch.",
        "choice": "That order comes from rng.choice(n, n, replace=False), a valid shuffle but "
        "not the same draws: take order = rng.permutation(n), as the docstring says.",
    }
    why = next(
        (words for slip, words in slips.items() if same(_reference_train(
            X, y, epochs, lr, batch_size, seed, slip=slip))),
        "Follow the docstring step by step: rng made once, order = rng.permutation(n) each "
        "epoch, its consecutive slices as batches, one update per batch, the loss over all of "
        "X after each epoch.",
    )  # fmt: skip
    return wrong(
        "Your loop trains well, but does not follow the recipe exactly. The case that "
        f"differs is\n  input:    {where}\n"
        f"  expected: w = {np.array2string(want[0], precision=6)}, b = {want[1]:.6f}, "
        f"losses = {np.array2string(np.asarray(want[2]), precision=6)}\n"
        f"  got:      w = {np.array2string(w, precision=6)}, b = {b:.6f}, "
        f"losses = {np.array2string(np.asarray(losses), precision=6)}\n{why}"
    )


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
    cross-entropy over the whole of X to losses. Return w, b, losses.
    """
    raise NotImplementedError("write the body of train")
''',
    solution='''
def train(X, y, epochs, lr, batch_size, seed):
    """Logistic regression by mini-batch gradient descent.

    X: (n, d) features; y: (n,) labels 0 or 1. Start from w = zeros(d), b = 0.
    Make rng = np.random.default_rng(seed) once, before the epochs. Every epoch,
    take order = rng.permutation(n) and cut it into mini-batches of batch_size
    (keep the last, smaller one); for each mini-batch, in that order:
        p = σ(X_b·w + b),  w ← w - lr·X_bᵀ(p - y_b)/m,  b ← b - lr·mean(p - y_b)
    where m is the batch's size. After each epoch, append the mean
    cross-entropy over the whole of X to losses. Return w, b, losses.
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
            error = p - y[idx]  # the gradient of the cross-entropy with respect to z
            w = w - lr * X[idx].T @ error / len(idx)
            b = b - lr * np.mean(error)
        z = X @ w + b
        losses.append(np.mean(np.logaddexp(0, z) - y * z))  # = mean cross-entropy, stably
    return w, b, losses
''',
    hints=(
        "Three nested ideas: a loop over epochs; inside it, a shuffled order and a loop over "
        "its slices (your minibatch_indices from 08.3 does exactly this); inside that, "
        "forward (p), gradient, update. After the batches, one loss over all of X.",
        "For one batch: z = X[idx] @ w + b, p = 1 / (1 + np.exp(-z)), error = p - y[idx]; the "
        "gradients are X[idx].T @ error / len(idx) for w and np.mean(error) for b "
        "(chapter 06's p - y, averaged over the batch).",
        "The loss over all of X: z = X @ w + b and np.mean(np.logaddexp(0, z) - y * z), which "
        "is -mean(y·log p + (1 - y)·log(1 - p)) without log(0). Subtract lr times each gradient.",
    ),
)
def check_train(train) -> Feedback:
    """train(X, y, epochs, lr, batch_size, seed): one full-batch step is exactly right; on
    two data sets it has not seen it reaches within TRAIN_MARGIN of the best loss, fast,
    reproducibly for a seed; and a small run (n = 7, batch_size = 3, 3 epochs) matches the
    reference loop to 1e-9."""
    if not callable(train):
        raise AnswerError(
            f"Expected a function train(X, y, epochs, lr, batch_size, seed), got {train!r}."
        )
    # 1. One full-batch step from w = 0, b = 0: the order of the examples does not matter.
    g = np.random.default_rng(84)
    X = g.normal(0, 1, (6, 3)).round(2)
    y = np.array([0.0, 1, 1, 0, 1, 1])
    where = (
        "one full-batch step: X of shape (6, 3), y = [0, 1, 1, 0, 1, 1], epochs = 1, "
        "lr = 0.1, batch_size = 6, seed = 0"
    )
    result, _ = _run_train(train, (X, y, 1, 0.1, 6, 0))
    if isinstance(result, Feedback):
        return _raised(result, where)
    w, b, losses = _unpack(result, 3, where)
    error = 0.5 - y  # p = σ(0) = 0.5 for every example
    want_w, want_b = -0.1 * X.T @ error / 6, -0.1 * float(np.mean(error))
    if not (close(w, want_w, rel=1e-7, abs_tol=1e-10) and close(b, want_b, abs_tol=1e-10)):
        slip = _one_step_slip(w, b, want_w, want_b, 0.1 * X.T @ y / 6, 0.1 * float(np.mean(y)))
        return wrong(
            f"the first case that fails is\n  input:    {where}\n"
            f"  expected: w = {np.array2string(want_w, precision=5)}, b = {want_b:.5f}\n"
            f"  got:      w = {np.array2string(w, precision=5)}, b = {b:.5f}\n{slip}"
        )
    if len(losses) != 1 or not close(losses[0], logistic_loss(X, y, w, b), rel=1e-6):
        return wrong(
            f"On {where} w and b are right, but losses = {losses!r:.80}; expected one number, "
            f"the mean cross-entropy over all of X after the epoch: "
            f"{logistic_loss(X, y, w, b):.5f}."
        )
    # 2. Real training on data sets the learner has not seen.
    for seed, n, d, separation, epochs, lr, batch_size, train_seed in _TRAIN_CASES:
        X, y = logistic_data(seed, n, d, separation)
        where = (
            f"a data set you have not seen: X of shape ({n}, {d}), labels half 0 and half 1, "
            f"epochs = {epochs}, lr = {lr}, batch_size = {batch_size}, seed = {train_seed}"
        )
        result, seconds = _run_train(train, (X, y, epochs, lr, batch_size, train_seed))
        if isinstance(result, Feedback):
            return _raised(result, where)
        if isinstance(result, tuple | list) and len(result) == 3:
            curve = np.asarray(result[2], dtype=float).ravel()
            if not np.all(np.isfinite(curve)) or not np.all(np.isfinite(result[0])):
                return wrong(
                    f"On {where} the loss became NaN or infinite (last losses: "
                    f"{_last(curve)}): descent diverged. At this learning rate it should not: "
                    "check the sign of the update and the 1/m of the mean."
                )
        w, b, losses = _unpack(result, d, where)
        best = best_logistic_loss(X, y)
        target = best + TRAIN_MARGIN
        final = logistic_loss(X, y, w, b)
        report = (
            f"On {where}:\n  expected: final loss below {target:.4f} (the best a linear "
            f"classifier reaches is {best:.4f}), within {TRAIN_TIME_LIMIT:g} s\n"
            f"  got:      final loss {final:.4f} after {seconds:.2f} s; last losses: "
            f"{_last(losses)}"
        )
        if len(losses) != epochs:
            return wrong(f"{report}\nExpected {epochs} losses, one per epoch; got {len(losses)}.")
        if not close(losses[-1], final, rel=1e-6):
            return wrong(
                f"{report}\nYour last loss is {losses[-1]:.4f} but your w and b give "
                f"{final:.4f} over all of X: record the loss over the whole data set after "
                "each epoch, not the last batch's."
            )
        if seconds > TRAIN_TIME_LIMIT:
            return wrong(
                f"{report}\nToo slow: compute each batch with matrix products "
                "(X[idx] @ w) rather than a Python loop over examples."
            )
        if final >= target:
            if losses[-1] > losses[0] + 1e-9:
                why = "The loss grew: the steps go uphill (a flipped sign) or are too large."
            elif abs(losses[-1] - losses[0]) < 1e-6:
                why = "The loss did not move: are w and b updated inside the batch loop?"
            else:
                why = (
                    "It learns, but too slowly: does every epoch go through all the batches, "
                    "and is the gradient the batch's mean?"
                )
            return wrong(f"{report}\n{why}")
        again, _ = _run_train(train, (X, y, epochs, lr, batch_size, train_seed))
        other, _ = _run_train(train, (X, y, epochs, lr, batch_size, train_seed + 1))
        if isinstance(again, Feedback) or isinstance(other, Feedback):
            return _raised(again if isinstance(again, Feedback) else other, where)
        again, other = again[2], other[2]
        if not np.allclose(np.asarray(again, float), losses, rtol=1e-12, atol=0):
            return wrong(
                f"{report}\nTwo runs with the same seed gave different losses: draw the "
                "shuffles from rng = np.random.default_rng(seed), made once before the epochs."
            )
        if np.allclose(np.asarray(other, float), losses, rtol=1e-12, atol=0):
            return wrong(
                f"{report}\nSeeds {train_seed} and {train_seed + 1} gave exactly the same "
                "losses: shuffle every epoch with rng.permutation(n), and cut the shuffled "
                "order into batches of batch_size."
            )
    # 3. The exact recipe on a small case: a new order every epoch, every example used.
    exact = _check_exact_run(train)
    if exact is not None:
        return exact
    return correct(
        "One full-batch step is exact, a small run matches ours step by step, and on two data "
        "sets you had not seen your loop gets "
        f"within {TRAIN_MARGIN} of the best loss a linear classifier can reach, reproducibly "
        "for a seed. That is the whole of training: everything else is this loop with a bigger "
        "model."
    )
