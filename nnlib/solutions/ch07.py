"""Chapter 07's solutions, reference code and hidden cases (left out of a class release)."""

from __future__ import annotations

import numpy as np

from nnlib import functional as F
from nnlib.chapters.ch07 import (
    _backward_case,
    _op_case,
    _random_program,
    ce_case,
    chain_program,
    linear_case,
    linear_reference,
    value_grads,
    value_reference,
)

SOLUTIONS = {
    "07.1": '''
def add(self, other):
    """self + other as a new Scalar that remembers both inputs (other is a Scalar too).

    Its _backward passes the gradient on. The local derivative of a + b is 1 with
    respect to a and 1 with respect to b, so each input's .grad grows by 1 × out.grad.
    """
    out = Scalar(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += 1.0 * out.grad
        other.grad += 1.0 * out.grad

    out._backward = _backward
    return out


def neg(self):
    """-self as a new Scalar with one input. Local derivative: -1."""
    out = Scalar(-self.data, (self,), "neg")

    def _backward():
        self.grad += -1.0 * out.grad

    out._backward = _backward
    return out


def sub(self, other):
    """self - other as a new Scalar. Local derivatives: 1 with respect to self, -1 with
    respect to other. (Built from add and neg, or directly: both are right.)"""
    return self + (-other)
''',
    "07.2": '''
def mul(self, other):
    """self * other as a new Scalar that remembers both inputs (other is a Scalar too).

    Local derivatives: b with respect to a, and a with respect to b.
    """
    out = Scalar(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


def power(self, n):
    """self ** n as a new Scalar with one input; n is a plain number (int or float),
    not a Scalar. Local derivative: n·x^(n-1), with x = self.data."""
    out = Scalar(self.data**n, (self,), f"**{n}")

    def _backward():
        self.grad += n * self.data ** (n - 1) * out.grad

    out._backward = _backward
    return out
''',
    "07.3": '''
def tanh(self):
    """tanh(self) as a new Scalar with one input.

    Local derivative: 1 - t², where t = tanh(x) is the output.
    """
    t = math.tanh(self.data)
    out = Scalar(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def relu(self):
    """max(self, 0) as a new Scalar with one input.

    Local derivative: 1 where x > 0, and 0 elsewhere.
    """
    out = Scalar(max(self.data, 0.0), (self,), "relu")

    def _backward():
        self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

    out._backward = _backward
    return out
''',
    "07.4": '''
def backward(self):
    """Fill .grad of every Scalar that self depends on with ∂self/∂(that Scalar).

    1. List the nodes in topological order (each after all of its inputs), with an
       explicit stack: no recursion, so a graph 5,000 nodes deep works.
    2. Set self.grad = 1 (∂L/∂L).
    3. Walk the list from the end, calling each node's _backward().
    """
    order, visited = [], set()
    stack = [(self, False)]  # (node, are its inputs listed already?)
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)  # after all of its inputs
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # come back to it once its inputs are done
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
''',
    "07.5": '''
def linear_backward(X, W, dY):
    """Gradients of a Linear layer Y = X·W + b, with W stored as (in, out), given dY = ∂L/∂Y.

    Shapes (rows are examples): X (N, in), W (in, out), dY (N, out).
    Returns (dX, dW, db) with the shapes of X, W and b (out,).
    """
    dX = dY @ W.T  # (N, out)·(out, in) = (N, in): Σ over outputs of dY[n, i]·W[j, i]
    dW = X.T @ dY  # (in, N)·(N, out) = (in, out): Σ over examples of X[n, j]·dY[n, i]
    db = dY.sum(axis=0)  # every example uses the same b
    return dX, dW, db
''',
    "07.6": '''
def cross_entropy_grad(logits, labels, class_weights):
    """∂L/∂logits for the class-weighted mean of the cross-entropy:

        L = Σₙ wₙ·ℓₙ / Σₙ wₙ   with   ℓₙ = -log softmax(logits)[n, labels[n]]
                                and    wₙ = class_weights[labels[n]]

    logits: (N, C) scores, one row per example; labels: (N,) true classes;
    class_weights: (C,) one weight per class. Returns an (N, C) array.
    Write it with numpy; it must stay finite for any finite logits, even ±1e308.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)  # every exponent ≤ 0: no overflow
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    y = np.zeros_like(p)
    y[np.arange(n), labels] = 1.0  # one-hot rows
    w = class_weights[labels]  # each example's weight: that of its true class
    return w[:, None] * (p - y) / w.sum()  # row n: wₙ/Σw times ∂ℓₙ/∂z = p - y
''',
}


# ------------------------------------------------------------------ reference code


def ce_reference(logits, labels, class_weights) -> np.ndarray:
    """07.6: row n of ∂L/∂logits is (wₙ / Σw)·(pₙ - yₙ), with wₙ = class_weights[labels[n]]."""
    with np.errstate(over="ignore"):  # ±1e308: the shifted logits may be -inf, exp gives 0
        p = F.softmax(logits)
    w = class_weights[labels]
    return w[:, None] * (p - F.one_hot(labels, logits.shape[1])) / w.sum()


# ------------------------------------------------------------------ hidden cases


def _hidden_ops(op: str) -> list[dict]:
    if op == "neg":
        cases = [
            _op_case(op, 1e300, g=-0.5, pre=(2.0,)),
            _op_case(op, -7.0, g=3.0),
            _op_case(op, 0.0, g=1.5, pre=(-0.25,)),
            _op_case(op, 2.5, g=-1.0),
        ]
    elif op == "**":
        cases = [
            _op_case(op, 0.5, 3, g=2.0, pre=(1.0,)),
            _op_case(op, 9.0, -0.5, g=-1.0),
            _op_case(op, -3.0, 2, g=0.5),
            _op_case(op, 1.5, 1, g=4.0, pre=(-2.0,)),
            _op_case(op, 2.0, 10),
            _op_case(op, 0.0, 2, g=3.0),
        ]
    elif op == "relu":
        cases = [
            _op_case(op, -1e-9, g=5.0, pre=(1.0,)),
            _op_case(op, 1e-9, g=5.0, pre=(1.0,)),
            _op_case(op, -400.0, g=-2.0),
            _op_case(op, 250.0, g=-0.5, pre=(0.5,)),
            _op_case(op, 7.0, g=0.0),
        ]
    elif op == "tanh":
        cases = [
            _op_case(op, -400.0, g=0.5),
            _op_case(op, 720.0, g=-1.0, pre=(0.5,)),  # e^720 and cosh(720) overflow
            _op_case(op, 20.0),  # tanh(20) rounds to 1.0: slope exactly 0
            _op_case(op, 1e-8, g=3.0, pre=(-2.0,)),
            _op_case(op, -0.3, g=0.25, pre=(1.5,)),
            _op_case(op, 1.7, g=-4.0),
        ]
    else:
        cases = [
            _op_case(op, 1e-3, 1e3, g=-0.5, pre=(3.0, -3.0)),
            _op_case(op, -2.5, same=True, g=-3.0, pre=(0.75, 0.0)),
            _op_case(op, 0.0, 7.0, g=2.0, pre=(1.0, 0.0)),
            _op_case(op, 1e150, -1e150, g=1e-3),
            _op_case(op, 4.0, -0.25, g=0.0, pre=(-1.0, 2.0)),
            _op_case(op, -6.0, 0.5, g=1.25, pre=(0.0, 0.5)),
        ]
    for case in cases:
        case["want"] = value_reference(case)
    return cases


def _ladder(n: int):
    """a → n1 → n2 → ...; each rung also uses the node two rungs back, so nodes are reached
    along paths of many different lengths (a breadth-first walk gets the order wrong)."""
    program = [("leaf", 0.7), ("leaf", -0.4), ("*", 0, 1), ("+", 2, 0)]
    for _ in range(n):
        k = len(program)
        program.append(("tanh", k - 1) if k % 3 == 0 else ("*" if k % 2 else "+", k - 1, k - 2))
    return program


def _hidden_backward() -> list[dict]:
    rng = np.random.default_rng(740)
    cases = [
        # L = (a·b)·tanh(a·b) + a·b with the operands the other way round
        _backward_case(
            [("leaf", 0.9), ("leaf", 1.2), ("*", 0, 1), ("tanh", 2), ("*", 3, 2), ("+", 2, 4)]
        ),
        _backward_case(_ladder(25)),
        _backward_case(_random_program(rng, 5, 40)),
        _backward_case(_random_program(rng, 2, 25)),
        _backward_case(
            chain_program(3000, shortcut=True),
            "x = Scalar(1.5); s = x + x; then 3,000 more additions of x; L = (that sum) · s: "
            "s is reached along a path of length 1 and one of length 3,000",
        ),
        # one leaf used by every node: a fan of uses
        _backward_case([("leaf", 0.5)] + [("*" if k % 2 else "+", k, 0) for k in range(12)]),
    ]
    for case in cases:
        case["want"] = value_grads(case["program"])
    return cases


def _hidden_linear() -> list[dict]:
    rng = np.random.default_rng(750)
    shapes = [(7, 5, 1), (1, 1, 1), (3, 6, 2), (8, 2, 7), (2, 4, 4)]
    cases = []
    for n, k, m in shapes:
        X = rng.normal(size=(n, k)).round(3)
        W = rng.normal(size=(k, m)).round(3)
        dY = rng.normal(size=(n, m)).round(3)
        cases.append(linear_case(X, W, dY))
    big = linear_case([[1e6, -2e6, 3.0]], [[1e-3, 2.0], [0.5, -1e-3], [4.0, 1.0]], [[2.0, -1.0]])
    cases.append(big)
    for case in cases:
        case["want"] = linear_reference(case["X"], case["W"], case["dY"])
    return cases


def _hidden_ce() -> list[dict]:
    rng = np.random.default_rng(760)
    inputs = [
        # rows thousands apart, one class absent from the batch
        ([[-3000.0, -2999.0, -3001.0, -3000.5], [2000.0, 2001.0, 1999.0, 2000.0]], [1, 3],
         [0.5, 1.5, 2.0, 3.0]),
        ([[7.0, 7.0, 7.0, 7.0, 7.0]], [4], [1.0, 1.0, 1.0, 1.0, 2.0]),  # one all-equal row
        ([[-1e308, 0.0, 1e308], [5.0, -1e308, -1e308], [-1e308, -1e308, -1e308]], [0, 0, 2],
         [0.3, 1.0, 2.5]),
        ([[0.0, 800.0], [800.0, 0.0], [-800.0, 0.0]], [0, 0, 1], [1.0, 4.0]),
    ]  # fmt: skip
    for n, c in [(7, 3), (3, 7)]:
        inputs.append(
            (rng.normal(0, 5, (n, c)).round(3), rng.integers(0, c, n), rng.uniform(0.2, 3, c))
        )
    cases = [ce_case(*args) for args in inputs]
    for case in cases:
        case["want"] = ce_reference(case["logits"], case["labels"], case["class_weights"])
    return cases


HIDDEN = {
    "07.1": _hidden_ops("+") + _hidden_ops("neg") + _hidden_ops("-"),
    "07.2": _hidden_ops("*") + _hidden_ops("**"),
    "07.3": _hidden_ops("tanh") + _hidden_ops("relu"),
    "07.4": _hidden_backward(),
    "07.5": _hidden_linear(),
    "07.6": _hidden_ce(),
}
