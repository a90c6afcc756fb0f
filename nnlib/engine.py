"""A scalar automatic-differentiation engine: the `Value`.

Chapter 02 builds a first computation graph with it; chapter 07 opens this
file and reads it line by line, so it is kept short.

The whole idea in three lines
-----------------------------
1. Every operation on Values makes a new Value that remembers its inputs and
   the *local derivative* of its result with respect to each input, worked
   out right away, while the numbers are at hand (the forward pass).
2. ``backward()`` lists the nodes so that each comes after everything it was
   made from (a topological order), and walks that list from the end.
3. At each node it applies the chain rule:
   ``input.grad += local_derivative * node.grad``.

Why it is fast: every operation here has one or two inputs, so a Value keeps
them in four fixed slots (``_a``, ``_b`` and their local derivatives ``_da``,
``_db``) rather than in closures, sets or tuples. Making a Value therefore
allocates one object and creates no reference cycle, and Python's garbage
collector, which otherwise walks the whole graph again and again while it is
being built, has almost nothing to do. That is most of the 10x over micrograd.

Gradients accumulate, as in PyTorch: a Value used twice receives both
contributions (``b = a + a`` gives ``a.grad == 2``), and calling
``backward()`` again adds to the leaves' ``.grad``. Set ``.grad = 0`` on
leaves yourself, or call ``zero_grad()`` on a model or optimiser, before each
new backward pass.
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["Value"]


class Value:
    """A number that remembers how it was computed.

    ``Value(data, label="")`` wraps a plain number. Arithmetic with other
    Values or plain numbers (``+ - * / **``, unary ``-``) and the methods
    ``relu() tanh() sigmoid() exp() log()`` return new Values; ``backward()``
    then fills ``.grad`` of every Value the result depends on with
    d(result)/d(that value).

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> L = a * b + 10
    >>> L.backward()
    >>> a.grad, b.grad          # dL/da = b, dL/db = a
    (-3.0, 2.0)
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db")  # noqa: RUF023

    def __init__(self, data, label="", _op="", _a=None, _da=0.0, _b=None, _db=0.0):
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = _op  # the operation that made this Value, e.g. "*" (for drawing)
        self._a, self._da = _a, _da  # first input and d(self)/d(_a), or None
        self._b, self._db = _b, _db  # second input and d(self)/d(_b), or None

    @property
    def _prev(self):
        """The Values this one was computed from (empty for a leaf)."""
        return tuple(v for v in (self._a, self._b) if v is not None)

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # ----- arithmetic: each line is the forward value and its local derivatives

    def __add__(self, other):
        if not isinstance(other, Value):
            other = _as_value(other, "+")
        return Value(self.data + other.data, "", "+", self, 1.0, other, 1.0)

    def __sub__(self, other):
        if not isinstance(other, Value):
            other = _as_value(other, "-")
        return Value(self.data - other.data, "", "-", self, 1.0, other, -1.0)

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = _as_value(other, "*")
        return Value(self.data * other.data, "", "*", self, other.data, other, self.data)

    def __truediv__(self, other):
        if not isinstance(other, Value):
            other = _as_value(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"cannot divide {self!r} by {other!r}: its data is zero")
        out = self.data / other.data
        return Value(out, "", "/", self, 1.0 / other.data, other, -out / other.data)

    def __pow__(self, n):
        if isinstance(n, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a plain int or float, "
                f"got {n!r}. For a**b with b a Value, write (b * a.log()).exp()."
            )
        if not isinstance(n, Real) or isinstance(n, bool):
            raise TypeError(f"the exponent must be an int or float, got {n!r}")
        x = self.data
        if x == 0.0 and n < 0:
            raise ZeroDivisionError(f"{self!r} ** {n}: zero to a negative power is undefined")
        if x < 0.0 and n != int(n):
            raise ValueError(f"{self!r} ** {n}: a negative number to a fractional power")
        if x == 0.0 and n < 1:  # the slope of x**n at 0 is 0 for n == 0, infinite for 0 < n < 1
            slope = 0.0 if n == 0 else math.inf
        else:
            slope = n * x ** (n - 1)
        return Value(x**n, "", f"**{n:g}", self, slope)

    def __neg__(self):
        return Value(-self.data, "", "neg", self, -1.0)

    def __radd__(self, other):  # 1 + v, and sum([...]) which starts from 0
        return _as_value(other, "+") + self

    def __rsub__(self, other):  # 1 - v
        return _as_value(other, "-") - self

    def __rmul__(self, other):  # 2 * v
        return _as_value(other, "*") * self

    def __rtruediv__(self, other):  # 1 / v
        return _as_value(other, "/") / self

    # ----- functions of one input

    def relu(self):
        """max(0, x); slope 1 for x > 0, else 0."""
        x = self.data
        return Value(x if x > 0.0 else 0.0, "", "relu", self, 1.0 if x > 0.0 else 0.0)

    def tanh(self):
        """tanh(x); slope 1 - tanh(x)**2. Finite for any x (tanh(1000) == 1.0)."""
        t = math.tanh(self.data)
        return Value(t, "", "tanh", self, 1.0 - t * t)

    def sigmoid(self):
        """1 / (1 + e**-x); slope s * (1 - s). Finite for any x, no overflow."""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # e**-x would overflow for x << 0; this form never does
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, "", "sigmoid", self, s * (1.0 - s))

    def exp(self):
        """e**x; its slope is itself."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp of {self!r} is larger than the largest float (about 1.8e308)"
            ) from None
        return Value(e, "", "exp", self, e)

    def log(self):
        """Natural logarithm ln(x) for x > 0; slope 1/x."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log is defined only for positive numbers, got {self!r}")
        return Value(math.log(x), "", "log", self, 1.0 / x)

    # ----- the backward pass

    def topological_order(self):
        """Every Value this one depends on, each listed after all of its inputs.

        Iterative depth-first search, so a chain a million operations deep
        does not hit Python's recursion limit.
        """
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                for child in (node._b, node._a):  # pushed b first so that a is listed first
                    if child is not None and child not in seen:
                        stack.append((child, False))
        return order

    def backward(self, gradient=1.0):
        """Fill ``.grad`` of every Value this one depends on: d(self)/d(value).

        Leaves (Values you made yourself) *accumulate*: their ``.grad`` grows
        by this pass's gradient, as in PyTorch. Intermediate nodes show the
        gradient of this pass only.
        """
        order = self.topological_order()
        for node in order:
            if node._a is not None:  # an intermediate node: start this pass from zero
                node.grad = 0.0
        self.grad += gradient
        for node in reversed(order):  # from the output back towards the inputs
            if node._a is not None:  # the chain rule, once per input
                node._a.grad += node._da * node.grad
            if node._b is not None:
                node._b.grad += node._db * node.grad

    def zero_grad(self):
        """Set ``.grad`` to 0 on this Value and every Value it depends on."""
        for node in self.topological_order():
            node.grad = 0.0


def _to_float(x):
    if isinstance(x, Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"Value expects a real number (int or float), got {x!r} ({type(x).__name__})")


def _as_value(x, op):
    if isinstance(x, Value):
        return x
    if isinstance(x, Real) and not isinstance(x, bool):
        return Value(float(x))
    raise TypeError(f"unsupported operand for {op} with a Value: {x!r} ({type(x).__name__})")
