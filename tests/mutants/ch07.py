"""Chapter 07: wrong and right answers to every code exercise.

07.1-07.4 are the functions of the learner's own Scalar (``Scalar`` in them means the
class the check builds); 07.5 a Linear layer's backward pass in the (in, out) layout;
07.6 the gradient of softmax with a class-weighted cross-entropy.
"""

from tests.mutants import Alternative, Mutant


def _edit(source: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert old in source, old
        source = source.replace(old, new)
    return source


# ---------------------------------------------------------------- 07.1 + and -

ADD = """
def add(self, other):
    out = Scalar(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += out.grad
        other.grad += out.grad

    out._backward = _backward
    return out
"""

NEG = """
def neg(self):
    out = Scalar(-self.data, (self,), "neg")

    def _backward():
        self.grad += -out.grad

    out._backward = _backward
    return out
"""

SUB = """
def sub(self, other):
    return self + (-other)
"""

SUB_DIRECT = """
def sub(self, other):
    out = Scalar(self.data - other.data, (self, other), "-")

    def _backward():
        self.grad += out.grad
        other.grad -= out.grad

    out._backward = _backward
    return out
"""


def _07_1(add=ADD, neg=NEG, sub=SUB) -> str:
    return add + neg + sub


# ---------------------------------------------------------------- 07.2 * and **

MUL = """
def mul(self, other):
    out = Scalar(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out
"""

POWER = """
def power(self, n):
    out = Scalar(self.data**n, (self,), f"**{n}")

    def _backward():
        self.grad += n * self.data ** (n - 1) * out.grad

    out._backward = _backward
    return out
"""


def _07_2(mul=MUL, power=POWER) -> str:
    return mul + power


# ---------------------------------------------------------------- 07.3 tanh and relu

TANH = """
def tanh(self):
    t = math.tanh(self.data)
    out = Scalar(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out
"""

RELU = """
def relu(self):
    out = Scalar(max(self.data, 0.0), (self,), "relu")

    def _backward():
        self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

    out._backward = _backward
    return out
"""


def _07_3(tanh=TANH, relu=RELU) -> str:
    return tanh + relu


# ---------------------------------------------------------------- 07.4 backward

BACKWARD = """
def backward(self):
    order, visited = [], set()
    stack = [(self, False)]
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
"""

RECURSIVE = """
def backward(self):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)

    visit(self)
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
"""

# ---------------------------------------------------------------- 07.5 linear_backward

LINEAR = """
def linear_backward(X, W, dY):
    dX = dY @ W.T
    dW = X.T @ dY
    db = dY.sum(axis=0)
    return dX, dW, db
"""

# ---------------------------------------------------------------- 07.6 cross_entropy_grad

CE = """
def cross_entropy_grad(logits, labels, class_weights):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    y = np.zeros_like(p)
    y[np.arange(n), labels] = 1.0
    w = class_weights[labels]
    return w[:, None] * (p - y) / w.sum()
"""

SHIFT = "shifted = logits - logits.max(axis=1, keepdims=True)"
RETURN = "return w[:, None] * (p - y) / w.sum()"
P_LINE = "p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)"


MUTANTS = {
    "07.1": [
        Mutant(
            "= for += in add",
            _07_1(
                add=_edit(ADD, ("self.grad +=", "self.grad ="), ("other.grad +=", "other.grad ="))
            ),
            "Use `+=`, not `=`",
        ),
        Mutant(
            "add ignores out.grad",
            _07_1(
                add=_edit(
                    ADD,
                    ("+= out.grad\n        other", "+= 1.0\n        other"),
                    ("other.grad += out.grad", "other.grad += 1.0"),
                )
            ),
            "ignores out.grad",
        ),
        Mutant(
            "_backward never attached",
            _07_1(add=_edit(ADD, ("    out._backward = _backward\n", ""))),
            "attach it with `out._backward = _backward`",
        ),
        Mutant(
            "returns the number",
            _07_1(add=_edit(ADD, ("return out", "return out.data"))),
            "not a new Scalar",
        ),
        Mutant(
            "inputs not kept",
            _07_1(add=_edit(ADD, ("(self, other), ", "(), "))),
            "_prev should hold its inputs",
        ),
        Mutant(
            "updates self in place",
            _07_1(add="def add(self, other):\n    self.data += other.data\n    return self\n"),
            "returned one of its inputs",
        ),
        Mutant(
            "gradient added during the forward pass",
            _07_1(
                add=_edit(
                    ADD,
                    ('"+")\n', '"+")\n    self.grad += 1.0\n    other.grad += 1.0\n'),
                )
            ),
            "changed an input's .grad while computing the value",
        ),
        Mutant(
            "neg with slope +1",
            _07_1(neg=_edit(NEG, ("self.grad += -out.grad", "self.grad += out.grad"))),
            "local derivative of -a is -1",
        ),
        Mutant(
            "sub with the rule of +",
            _07_1(sub=_edit(SUB_DIRECT, ("other.grad -= out.grad", "other.grad += out.grad"))),
            "rule for +",
        ),
        Mutant(
            "sub forgets other",
            _07_1(sub=_edit(SUB_DIRECT, ("        other.grad -= out.grad\n", ""))),
            "b's .grad never changed",
        ),
        Mutant(
            "sub with the signs swapped",
            _07_1(
                sub=_edit(
                    SUB_DIRECT,
                    ("self.grad += out.grad", "self.grad -= out.grad"),
                    ("other.grad -= out.grad", "other.grad += out.grad"),
                )
            ),
            "signs are swapped",
        ),
        Mutant(
            "add through nnlib's Value",
            _07_1(
                add="from nnlib import Value\n\n\ndef add(self, other):\n"
                "    v = Value(self.data) + Value(other.data)\n"
                "    return Scalar(v.data, (self, other), '+')\n"
            ),
            ("ShortcutRefused", "switched off"),
        ),
        Mutant(
            "_backward called, not attached",
            _07_1(add=_edit(ADD, ("out._backward = _backward", "out._backward = _backward()"))),
            "without the parentheses",
        ),
        Mutant(
            "add forgets other",
            _07_1(add=_edit(ADD, ("        other.grad += out.grad\n", ""))),
            "b's .grad never changed",
        ),
        Mutant(
            "out.data for out.grad",
            _07_1(
                add=_edit(
                    ADD,
                    ("self.grad += out.grad", "self.grad += out.data"),
                    ("other.grad += out.grad", "other.grad += out.data"),
                )
            ),
            "You multiplied by out.data",
        ),
    ],
    "07.2": [
        Mutant(
            "local derivatives swapped",
            _07_2(
                mul=_edit(
                    MUL,
                    ("self.grad += other.data", "self.grad += self.data"),
                    ("other.grad += self.data", "other.grad += other.data"),
                )
            ),
            "swapped",
        ),
        Mutant(
            "the rule of +",
            _07_2(
                mul=_edit(
                    MUL,
                    ("other.data * out.grad", "out.grad"),
                    ("self.data * out.grad", "out.grad"),
                )
            ),
            "rule for +",
        ),
        Mutant(
            "= for +=",
            _07_2(
                mul=_edit(MUL, ("self.grad +=", "self.grad ="), ("other.grad +=", "other.grad ="))
            ),
            "Use `+=`, not `=`",
        ),
        Mutant(
            ".grad for .data in both lines",
            _07_2(
                mul=_edit(
                    MUL,
                    ("other.data * out.grad", "other.grad * out.grad"),
                    ("self.data * out.grad", "self.grad * out.grad"),
                )
            ),
            "not other.grad",
        ),
        Mutant(
            ".grad for .data in one line",
            _07_2(mul=_edit(MUL, ("other.data * out.grad", "other.grad * out.grad"))),
            "not other.grad",
        ),
        Mutant(
            "ignores out.grad",
            _07_2(
                mul=_edit(
                    MUL,
                    ("other.data * out.grad", "other.data"),
                    ("self.data * out.grad", "self.data"),
                )
            ),
            "ignores out.grad",
        ),
        Mutant(
            "value is the sum",
            _07_2(mul=_edit(MUL, ("self.data * other.data", "self.data + other.data"))),
            "out.data is wrong",
        ),
        Mutant(
            "power keeps the exponent",
            _07_2(power=_edit(POWER, ("self.data ** (n - 1)", "self.data**n"))),
            "the power drops by one",
        ),
        Mutant(
            "power forgets the factor n",
            _07_2(power=_edit(POWER, ("n * self.data ** (n - 1)", "self.data ** (n - 1)"))),
            "the factor n",
        ),
        Mutant(
            "power with n - 1 in front",
            _07_2(power=_edit(POWER, ("n * self.data", "(n - 1) * self.data"))),
            "not n - 1",
        ),
        Mutant(
            "exponent treated as a Scalar",
            _07_2(power=_edit(POWER, ("self.data**n", "self.data**n.data"))),
            ("AttributeError", "line"),
        ),
        Mutant(
            "the exponent n kept in _prev",
            _07_2(power=_edit(POWER, ("(self,)", "(self, n)"))),
            "which is not a Scalar",
        ),
        Mutant(
            "x ** n - 1 without parentheses",
            _07_2(power=_edit(POWER, ("n * self.data ** (n - 1)", "n * self.data ** n - 1"))),
            "binds tighter",
        ),
        Mutant(
            "slope as n·out.data / x",
            _07_2(power=_edit(POWER, ("n * self.data ** (n - 1)", "n * out.data / self.data"))),
            ("ZeroDivisionError", "At x = 0"),
        ),
        Mutant(
            "mul forgets other",
            _07_2(mul=_edit(MUL, ("        other.grad += self.data * out.grad\n", ""))),
            "b's .grad never changed",
        ),
    ],
    "07.3": [
        Mutant(
            "1 - x² for 1 - t²",
            _07_3(tanh=_edit(TANH, ("(1 - t**2)", "(1 - self.data**2)"))),
            "not 1 - x²",
        ),
        Mutant(
            "1 - t for 1 - t²",
            _07_3(tanh=_edit(TANH, ("(1 - t**2)", "(1 - t)"))),
            "you wrote 1 - t",
        ),
        Mutant("sign", _07_3(tanh=_edit(TANH, ("(1 - t**2)", "-(1 - t**2)"))), "Check the sign"),
        Mutant(
            "tanh taken twice",
            _07_3(tanh=_edit(TANH, ("(1 - t**2)", "(1 - math.tanh(t) ** 2)"))),
            "tanh twice",
        ),
        Mutant(
            "= for +=", _07_3(tanh=_edit(TANH, ("self.grad +=", "self.grad ="))), "already held"
        ),
        Mutant(
            "ignores out.grad",
            _07_3(tanh=_edit(TANH, ("(1 - t**2) * out.grad", "(1 - t**2)"))),
            "ignores out.grad",
        ),
        Mutant(
            "tanh from e^(2x)",
            _07_3(
                tanh=_edit(
                    TANH,
                    (
                        "math.tanh(self.data)",
                        "(math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)",
                    ),
                )
            ),
            ("OverflowError", "math.tanh(x) never overflows"),
        ),
        Mutant(
            "tanh from sinh / cosh",
            _07_3(
                tanh=_edit(
                    TANH, ("math.tanh(self.data)", "math.sinh(self.data) / math.cosh(self.data)")
                )
            ),
            ("OverflowError", "math range error", "line"),
        ),
        Mutant(
            "tanh from np.exp",
            _07_3(
                tanh=_edit(
                    TANH,
                    (
                        "math.tanh(self.data)",
                        "float((np.exp(2 * self.data) - 1) / (np.exp(2 * self.data) + 1))",
                    ),
                )
            ),
            "overflows",
        ),
        Mutant(
            "relu without its gate",
            _07_3(relu=_edit(RELU, ("(1.0 if self.data > 0 else 0.0) * ", ""))),
            "only where x > 0",
        ),
        Mutant(
            "relu's value as its slope",
            _07_3(relu=_edit(RELU, ("(1.0 if self.data > 0 else 0.0)", "out.data"))),
            "ReLU's value, not its slope",
        ),
        Mutant(
            "relu gate reversed",
            _07_3(relu=_edit(RELU, ("self.data > 0 else", "self.data < 0 else"))),
            "wrong way round",
        ),
        Mutant(
            "(1 - t)² for 1 - t²",
            _07_3(tanh=_edit(TANH, ("(1 - t**2)", "(1 - t) ** 2"))),
            "square t alone",
        ),
        Mutant(
            "slope from 1 / cosh²",
            _07_3(tanh=_edit(TANH, ("(1 - t**2)", "(1 / math.cosh(self.data) ** 2)"))),
            ("OverflowError", "write the slope from the output t"),
        ),
    ],
    "07.4": [
        Mutant("no seed", _edit(BACKWARD, ("    self.grad = 1.0\n", "")), "set self.grad = 1"),
        Mutant("order not reversed", _edit(BACKWARD, ("reversed(order)", "order")), "reverse it"),
        Mutant(
            "each node listed when first reached, then reversed",
            """
def backward(self):
    order, visited = [], set()
    stack = [self]
    while stack:
        node = stack.pop()
        if node not in visited:
            visited.add(node)
            order.append(node)
            stack.extend(node._prev)
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
""",
            "not a topological order",
        ),
        Mutant(
            "no visited set",
            _edit(BACKWARD, ("        elif node not in visited:", "        else:")),
            "ran twice",
        ),
        Mutant("recursive sort", RECURSIVE, "recurses"),
        Mutant(
            "recursive sort with the limit raised",
            "import sys\nsys.setrecursionlimit(100_000)\n" + RECURSIVE,
            "recurses",
        ),
        Mutant(
            "breadth-first, in the order reached",
            """
def backward(self):
    self.grad = 1.0
    todo, seen = [self], set()
    while todo:
        node = todo.pop(0)
        if node not in seen:
            seen.add(node)
            node._backward()
            todo.extend(node._prev)
""",
            "in the order you reach the nodes",
        ),
        Mutant(
            "depth-first, in the order reached",
            """
def backward(self):
    self.grad = 1.0
    todo, seen = [self], set()
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            node._backward()
            todo.extend(node._prev)
""",
            "in the order you reach the nodes",
        ),
        Mutant(
            "sorted by distance from L",
            """
def backward(self):
    level, frontier = {self: 0}, [self]
    while frontier:
        nxt = []
        for node in frontier:
            for child in node._prev:
                if child not in level:
                    level[child] = level[node] + 1
                    nxt.append(child)
        frontier = nxt
    self.grad = 1.0
    for node in sorted(level, key=level.get):
        node._backward()
""",
            "which uses",
        ),
        Mutant(
            "follows only the first input",
            _edit(BACKWARD, ("for child in node._prev:", "for child in node._prev[:1]:")),
            "never ran",
        ),
        Mutant(
            "recursive, passing on before collecting",
            """
def backward(self):
    self.grad = 1.0

    def walk(node):
        node._backward()
        for child in node._prev:
            walk(child)

    walk(self)
""",
            "ran twice",
        ),
        Mutant(
            "seed set after walking back",
            _edit(
                BACKWARD,
                ("    self.grad = 1.0\n", ""),
                ("        node._backward()\n", "        node._backward()\n    self.grad = 1.0\n"),
            ),
            "after walking back",
        ),
        Mutant(
            "gradients zeroed after use",
            _edit(
                BACKWARD,
                (
                    "        node._backward()\n",
                    "        node._backward()\n        node.grad = 0.0\n",
                ),
            ),
            "set the gradients back to 0 after using them",
        ),
    ],
    "07.5": [
        Mutant(
            "db over the wrong axis",
            _edit(LINEAR, ("dY.sum(axis=0)", "dY.sum(axis=1)")),
            "wrong axis",
        ),
        Mutant("dW transposed", _edit(LINEAR, ("dW = X.T @ dY", "dW = dY.T @ X")), "Transposed"),
        Mutant(
            "dX without the transpose", _edit(LINEAR, ("dX = dY @ W.T", "dX = dY @ W")), "not dY·W"
        ),
        Mutant(
            "another order",
            _edit(LINEAR, ("return dX, dW, db", "return dW, db, dX")),
            "in another order",
        ),
        Mutant(
            "dW divided by N",
            _edit(LINEAR, ("dW = X.T @ dY", "dW = X.T @ dY / len(X)")),
            "Don't divide by N",
        ),
        Mutant(
            "db not summed",
            _edit(LINEAR, ("db = dY.sum(axis=0)", "db = dY")),
            "summed over the batch",
        ),
        Mutant(
            "db the mean",
            _edit(LINEAR, ("dY.sum(axis=0)", "dY.mean(axis=0)")),
            "mean over the batch",
        ),
        Mutant("dX all zeros", _edit(LINEAR, ("dX = dY @ W.T", "dX = 0 * X")), "all zeros"),
        Mutant(
            "two arrays",
            _edit(LINEAR, ("return dX, dW, db", "return dW, db")),
            "return three arrays",
        ),
        Mutant(
            "= for += over the examples",
            """
def linear_backward(X, W, dY):
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[1])
    for n in range(len(X)):
        dW = np.outer(X[n], dY[n])
        db = dY[n]
    return dY @ W.T, dW, db
""",
            "last example's contribution",
        ),
        Mutant(
            "nnlib's Linear",
            """
from nnlib import nn


def linear_backward(X, W, dY):
    layer = nn.Linear(W.shape[0], W.shape[1])
    layer.weight.data[:] = W.T
    layer(X)
    dX = layer.backward(dY)
    return dX, layer.weight.grad.T, layer.bias.grad
""",
            ("ShortcutRefused", "switched off"),
        ),
        Mutant(
            "db with keepdims",
            _edit(LINEAR, ("dY.sum(axis=0)", "dY.sum(axis=0, keepdims=True)")),
            "keepdims",
        ),
        Mutant(
            "db summed over everything",
            _edit(LINEAR, ("dY.sum(axis=0)", "np.sum(dY)")),
            "single number",
        ),
        Mutant(
            "dX transposed",
            _edit(LINEAR, ("dX = dY @ W.T", "dX = W @ dY.T")),
            "dX is transposed",
        ),
        Mutant(
            "every gradient divided by N",
            _edit(
                LINEAR,
                ("dX = dY @ W.T", "dX = dY @ W.T / len(X)"),
                ("dW = X.T @ dY", "dW = X.T @ dY / len(X)"),
                ("dY.sum(axis=0)", "dY.mean(axis=0)"),
            ),
            "Don't divide by N",
        ),
    ],
    "07.6": [
        Mutant("no shift", _edit(CE, (SHIFT, "shifted = logits")), "e^z overflows"),
        Mutant(
            "one shift for the whole batch",
            _edit(CE, (SHIFT, "shifted = logits - logits.max()")),
            "for the whole batch",
        ),
        Mutant(
            "shift by the column max",
            _edit(CE, (SHIFT, "shifted = logits - logits.max(axis=0, keepdims=True)")),
            "each column's max",
        ),
        Mutant(
            "shift by the row mean",
            _edit(CE, (SHIFT, "shifted = logits - logits.mean(axis=1, keepdims=True)")),
            "row's mean",
        ),
        Mutant(
            "softmax over axis 0",
            _edit(
                CE,
                (SHIFT, "shifted = logits - logits.max(axis=0, keepdims=True)"),
                (P_LINE, "p = np.exp(shifted) / np.exp(shifted).sum(axis=0, keepdims=True)"),
            ),
            "axis 0",
        ),
        Mutant(
            "divided by N",
            _edit(CE, (RETURN, "return w[:, None] * (p - y) / n")),
            "You divided by N",
        ),
        Mutant("no weights", _edit(CE, (RETURN, "return (p - y) / n")), "left out the weights"),
        Mutant(
            "no division",
            _edit(CE, (RETURN, "return w[:, None] * (p - y)")),
            "division is missing",
        ),
        Mutant(
            "all the class weights",
            _edit(CE, (RETURN, "return w[:, None] * (p - y) / class_weights.sum()")),
            "all the class weights",
        ),
        Mutant(
            "weights by column",
            _edit(CE, (RETURN, "return class_weights * (p - y) / w.sum()")),
            "each column by its class",
        ),
        Mutant(
            "sign flipped",
            _edit(CE, (RETURN, "return w[:, None] * (y - p) / w.sum()")),
            "sign is flipped",
        ),
        Mutant(
            "predicted class",
            _edit(
                CE,
                ("y[np.arange(n), labels] = 1.0", "y[np.arange(n), logits.argmax(axis=1)] = 1.0"),
            ),
            "predicted class",
        ),
        Mutant(
            "nnlib's softmax",
            """
from nnlib import functional as F


def cross_entropy_grad(logits, labels, class_weights):
    w = class_weights[labels]
    return w[:, None] * (F.softmax(logits) - F.one_hot(labels, logits.shape[1])) / w.sum()
""",
            ("ShortcutRefused", "nnlib.functional.softmax is switched off"),
        ),
        Mutant(
            "weights not a column",
            _edit(CE, (RETURN, "return w * (p - y) / w.sum()")),
            ("ValueError", "w[:, None]"),
        ),
        Mutant(
            "max without keepdims",
            _edit(CE, (SHIFT, "shifted = logits - logits.max(axis=1)")),
            ("ValueError", "keepdims=True"),
        ),
        Mutant(
            "one-hot by whole columns",
            _edit(CE, ("y[np.arange(n), labels] = 1.0", "y[:, labels] = 1.0")),
            "every row of each label's column",
        ),
        Mutant(
            "softmax over the whole batch",
            _edit(CE, (P_LINE, "p = np.exp(shifted) / np.sum(np.exp(shifted))")),
            "sum over the whole batch",
        ),
        Mutant(
            "divided by N as well",
            _edit(CE, (RETURN, "return w[:, None] * (p - y) / w.sum() / n")),
            "divided by N as well",
        ),
    ],
}


ALTERNATIVES = {
    "07.1": [
        Alternative("as in the chapter", _07_1()),
        Alternative("sub written directly", _07_1(sub=SUB_DIRECT)),
        Alternative(
            "type(self), neg through our mul",
            _07_1(
                add=_edit(ADD, ("Scalar(", "type(self)(")),
                neg="def neg(self):\n    return self * Scalar(-1.0)\n",
            ),
        ),
    ],
    "07.2": [
        Alternative("as in the chapter", _07_2()),
        Alternative(
            "slopes worked out in the forward pass",
            _07_2(
                mul="""
def mul(self, other):
    da, db = other.data, self.data
    out = Scalar(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad = self.grad + da * out.grad
        other.grad = other.grad + db * out.grad

    out._backward = _backward
    return out
""",
                power=_edit(POWER, ("self.data**n", "math.pow(self.data, n)")),
            ),
        ),
        Alternative(
            "power's slope stored first",
            _07_2(
                power="""
def power(self, n):
    x = self.data
    slope = n * x ** (n - 1) if n != 0 else 0.0
    out = type(self)(x**n, (self,), "**")

    def _backward():
        self.grad += slope * out.grad

    out._backward = _backward
    return out
"""
            ),
        ),
    ],
    "07.3": [
        Alternative("as in the chapter", _07_3()),
        Alternative(
            "a tanh that cannot overflow, written with e^(-2|x|)",
            _07_3(
                tanh=_edit(
                    TANH,
                    (
                        "t = math.tanh(self.data)",
                        "e = math.exp(-2 * abs(self.data))\n"
                        "    t = math.copysign((1 - e) / (1 + e), self.data)",
                    ),
                )
            ),
        ),
        Alternative(
            "numpy's tanh, relu's gate read from the output",
            _07_3(
                tanh=_edit(TANH, ("math.tanh(self.data)", "float(np.tanh(self.data))")),
                relu=_edit(RELU, ("(1.0 if self.data > 0 else 0.0)", "float(out.data > 0)")),
            ),
        ),
    ],
    "07.4": [
        Alternative("as in the chapter", BACKWARD),
        Alternative(
            "Kahn's algorithm: a node goes once all its users are done",
            """
def backward(self):
    users, seen, stack = {}, {self}, [self]
    while stack:
        node = stack.pop()
        for child in node._prev:
            users[child] = users.get(child, 0) + 1
            if child not in seen:
                seen.add(child)
                stack.append(child)
    self.grad = 1.0
    ready = [self]
    while ready:
        node = ready.pop()
        node._backward()
        for child in set(node._prev):
            users[child] -= node._prev.count(child)
            if users[child] == 0:
                ready.append(child)
""",
        ),
        Alternative(
            "depth-first with an iterator per node, inner grads zeroed first",
            """
def backward(self):
    order, seen = [], {self}
    stack = [(self, iter(self._prev))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            order.append(node)
        elif child not in seen:
            seen.add(child)
            stack.append((child, iter(child._prev)))
    for node in order:
        if node._prev:
            node.grad = 0.0
    self.grad = 1.0
    for node in order[::-1]:
        node._backward()
""",
        ),
    ],
    "07.5": [
        Alternative("as in the chapter", LINEAR),
        Alternative(
            "loops over the examples",
            """
def linear_backward(X, W, dY):
    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[1])
    for n in range(X.shape[0]):
        dX[n] = W @ dY[n]
        dW += np.outer(X[n], dY[n])
        db += dY[n]
    return dX, dW, db
""",
        ),
        Alternative(
            "einsum",
            """
def linear_backward(X, W, dY):
    return (
        np.einsum("ni,ji->nj", dY, W),
        np.einsum("nj,ni->ji", X, dY),
        np.einsum("ni->i", dY),
    )
""",
        ),
        Alternative(
            "a list, np.dot",
            """
def linear_backward(X, W, dY):
    return [np.dot(dY, W.T), np.dot(X.T, dY), np.sum(dY, axis=0)]
""",
        ),
    ],
    "07.6": [
        Alternative("as in the chapter", CE),
        Alternative(
            "from log-softmax",
            """
def cross_entropy_grad(logits, labels, class_weights):
    m = logits.max(axis=1, keepdims=True)
    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    grad = np.exp(log_p)
    grad[np.arange(len(labels)), labels] -= 1.0
    w = class_weights[labels]
    return grad * (w / w.sum())[:, None]
""",
        ),
        Alternative(
            "one row at a time",
            """
def cross_entropy_grad(logits, labels, class_weights):
    out = np.zeros(logits.shape)
    total = sum(class_weights[k] for k in labels)
    for n, z in enumerate(logits):
        e = np.exp(z - np.max(z))
        p = e / np.sum(e)
        p[labels[n]] -= 1.0
        out[n] = class_weights[labels[n]] / total * p
    return out
""",
        ),
        Alternative(
            "one-hot from np.eye",
            _edit(
                CE,
                (
                    "y = np.zeros_like(p)\n    y[np.arange(n), labels] = 1.0",
                    "y = np.eye(logits.shape[1])[labels]",
                ),
            ),
        ),
    ],
}
