"""Chapter 02: wrong and right answers to 02.1 (gradient_g), 02.2 (graph_gradients) and
02.3 (gradient_by_nudging)."""

from tests.mutants import Alternative, Mutant


def _g(dx: str, dy: str, head: str = "") -> str:
    return f"{head}def gradient_g(x, y):\n    return ({dx}, {dy})\n"


_DX = "2 * x * y + y * math.cos(x * y)"
_DY = "x**2 + x * math.cos(x * y)"


def _graph(**changes: str) -> str:
    body = {
        "a": "c * b",
        "b": "c * a + c",
        "c": "a * b + b",
        "d": "c",
        "e": "c",
        **changes,
    }
    items = ", ".join(f'"{k}": {v}' for k, v in body.items())
    return f"def graph_gradients(a, b, c):\n    return {{{items}}}\n"


def _nudging(loop: str, head: str = "    x = np.array(x, dtype=float)\n") -> str:
    return (
        "def gradient_by_nudging(f, x, h=1e-5):\n"
        f"{head}"
        "    grad = np.zeros(np.shape(x))\n"
        "    for i in np.ndindex(np.shape(x)):\n"
        f"{loop}"
        "    return grad\n"
    )


_RESTORED = (
    "        old = x[i]\n"
    "        x[i] = old + h\n"
    "        up = f(x)\n"
    "        x[i] = old - h\n"
    "        down = f(x)\n"
    "        x[i] = old\n"
)

MUTANTS = {
    "02.1": [
        Mutant("wrong order", _g(_DY, _DX), "wrong order"),
        Mutant(
            "chain-rule factor missing",
            _g("2 * x * y + math.cos(x * y)", "x**2 + math.cos(x * y)"),
            "chain-rule factor is missing",
        ),
        Mutant("y dropped from x²·y", _g("2 * x + y * math.cos(x * y)", _DY), "keeps y"),
        Mutant(
            "-cos for the slope of sin",
            _g("2 * x * y - y * math.cos(x * y)", "x**2 - x * math.cos(x * y)"),
            "sign",
        ),
        Mutant(
            "sin for the slope of sin",
            _g("2 * x * y + y * math.sin(x * y)", "x**2 + x * math.sin(x * y)"),
            "not sin",
        ),
        Mutant(
            "∂g/∂y as if x varied", _g(_DX, "2 * x * y + x * math.cos(x * y)"), "holds x fixed"
        ),
        Mutant(
            "chain-rule factors swapped (x for y)",
            _g("2 * x * y + x * math.cos(x * y)", "x**2 + y * math.cos(x * y)"),
            "factors are swapped",
        ),
        Mutant(
            "x·y as the chain factor in ∂g/∂x (at (0, 1.5) it looks like sin for cos)",
            _g("2 * x * y + x * y * math.cos(x * y)", _DY),
            "∂g/∂y is right",
        ),
        Mutant("∂g/∂y without its sin term", _g(_DX, "x**2"), "∂g/∂x is right"),
        Mutant("∂g/∂x without its x²·y term", _g("y * math.cos(x * y)", _DY), "∂g/∂y is right"),
        Mutant(
            "nnlib's numerical_gradient (a library shortcut)",
            "from nnlib.calculus import numerical_gradient\n"
            "def gradient_g(x, y):\n"
            "    g = lambda p: p[0] ** 2 * p[1] + math.sin(p[0] * p[1])\n"
            "    return tuple(numerical_gradient(g, [x, y]))\n",
            ("ShortcutRefused", "switched off"),
        ),
    ],
    "02.2": [
        Mutant("b: `=` overwrites the direct path", _graph(b="c * a"), ("only b's path", "SUM")),
        Mutant("b: only the direct path", _graph(b="c"), ("only b's direct path", "SUM")),
        Mutant(
            "the worked numbers returned whatever the inputs",
            _graph(a="-30.0", b="30.0", c="-9.0", d="10.0", e="10.0"),
            "whatever the inputs",
        ),
        Mutant(
            "every gradient wrong (started from ∂L/∂L = 2)",
            _graph(a="2 * c * b", b="2 * (c * a + c)", c="2 * (a * b + b)", d="2 * c", e="2 * c"),
            "Every gradient is wrong",
        ),
        Mutant("b: the two paths multiplied", _graph(b="c * a * c"), ("multiplies", "ADD")),
        Mutant("a and b swapped in e = a·b", _graph(a="c * a", b="c * b + c"), "swapped"),
        Mutant("∂L/∂a is the local derivative b", _graph(a="b"), "local derivative ∂e/∂a = b"),
        Mutant("∂L/∂e is the local derivative 1", _graph(e="1.0"), "local derivative ∂d/∂e = 1"),
        Mutant("∂L/∂b from local derivatives only", _graph(b="a + 1"), "local derivatives only"),
        Mutant("∂L/∂c without the + b", _graph(c="a * b"), "the + b is missing"),
        Mutant("∂L/∂d = d", _graph(d="a * b + b"), "the *other* factor, c"),
        Mutant("∂L/∂c = c", _graph(c="c"), "the *other* factor, d"),
        Mutant("signs of ∂L/∂d and ∂L/∂e", _graph(d="-c", e="-c"), "sign of ∂L/∂d"),
        Mutant(
            "Value and backward() (a shortcut the exercise rules out)",
            "from nnlib import Value\n"
            "def graph_gradients(a, b, c):\n"
            "    va, vb, vc = Value(a), Value(b), Value(c)\n"
            "    e = va * vb\n"
            "    d = e + vb\n"
            "    L = d * vc\n"
            "    L.backward()\n"
            "    return {'a': va.grad, 'b': vb.grad, 'c': vc.grad, 'd': d.grad, 'e': e.grad}\n",
            ("ShortcutRefused", "not Value"),
        ),
    ],
    "02.3": [
        Mutant(
            "no division by 2h",
            _nudging(_RESTORED + "        grad[i] = up - down\n"),
            "divide it by 2h",
        ),
        Mutant(
            "down-nudge back at x (+= h, then -= h)",
            _nudging(
                "        x[i] += h\n"
                "        up = f(x)\n"
                "        x[i] -= h\n"
                "        down = f(x)\n"
                "        grad[i] = (up - down) / (2 * h)\n"
            ),
            "Half the gradient",
        ),
        Mutant(
            "divides by h²",
            _nudging(_RESTORED + "        grad[i] = (up - down) / h**2\n"),
            "not by h²",
        ),
        Mutant(
            "gradient array of x's integer type (np.zeros_like(x))",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    grad = np.zeros_like(x)\n"
            "    x = np.array(x, dtype=float)\n"
            "    for i in np.ndindex(x.shape):\n"
            f"{_RESTORED}"
            "        grad[i] = (up - down) / (2 * h)\n"
            "    return grad\n",
            "whole numbers",
        ),
        Mutant(
            "forward difference",
            _nudging(_RESTORED + "        grad[i] = (up - f(x)) / h\n"),
            "forward difference",
        ),
        Mutant(
            "divides by h, not 2h",
            _nudging(_RESTORED + "        grad[i] = (up - down) / h\n"),
            "divides by 2h",
        ),
        Mutant(
            "`/ 2 * h`",
            _nudging(_RESTORED + "        grad[i] = (up - down) / 2 * h\n"),
            "`/ 2 * h`",
        ),
        Mutant(
            "down minus up",
            _nudging(_RESTORED + "        grad[i] = (down - up) / (2 * h)\n"),
            "sign",
        ),
        Mutant(
            "every entry nudged at once",
            _nudging("        grad[i] = (f(x + h) - f(x - h)) / (2 * h)\n"),
            "all of x at once",
        ),
        Mutant(
            "x[i] never put back (on a copy)",
            _nudging(
                "        x[i] += h\n"
                "        up = f(x)\n"
                "        x[i] -= 2 * h\n"
                "        grad[i] = (up - f(x)) / (2 * h)\n"
            ),
            "never put back",
        ),
        Mutant(
            "x[i] never put back (the caller's x)",
            _nudging(
                "        x[i] = x[i] + h\n"
                "        up = f(x)\n"
                "        x[i] = x[i] - 2 * h\n"
                "        grad[i] = (up - f(x)) / (2 * h)\n",
                head="",
            ),
            "left the caller's x changed",
        ),
        Mutant(
            "x.copy() keeps integers",
            _nudging(
                _RESTORED + "        grad[i] = (up - down) / (2 * h)\n", head="    x = x.copy()\n"
            ),
            ("integers", "float copy"),
        ),
        Mutant(
            "floats nudged in place: += h, -= 2h, += h drifts",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    if x.dtype.kind != 'f':\n"
            "        x = x.astype(float)  # a copy for integers only\n"
            "    grad = np.zeros(x.shape)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        x[i] += h\n"
            "        up = f(x)\n"
            "        x[i] -= 2 * h\n"
            "        down = f(x)\n"
            "        x[i] += h  # back where it was? not always, to the last bit\n"
            "        grad[i] = (up - down) / (2 * h)\n"
            "    return grad\n",
            "changed the caller's x",
        ),
        Mutant(
            "a loop over rows only",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    x = np.array(x, dtype=float)\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in range(len(x)):\n"
            "        old = x[i].copy()\n"
            "        x[i] = old + h\n"
            "        up = f(x)\n"
            "        x[i] = old - h\n"
            "        down = f(x)\n"
            "        x[i] = old\n"
            "        grad[i] = (up - down) / (2 * h)\n"
            "    return grad\n",
            "np.ndindex",
        ),
        Mutant(
            "a flat gradient",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    x = np.array(x, dtype=float)\n"
            "    flat = x.reshape(-1)\n"
            "    grad = []\n"
            "    for k in range(flat.size):\n"
            "        old = flat[k]\n"
            "        flat[k] = old + h\n"
            "        up = f(x)\n"
            "        flat[k] = old - h\n"
            "        down = f(x)\n"
            "        flat[k] = old\n"
            "        grad.append((up - down) / (2 * h))\n"
            "    return np.array(grad)\n",
            "same shape as x",
        ),
        Mutant(
            "nnlib's numerical_gradient (a library shortcut)",
            "from nnlib.calculus import numerical_gradient\n"
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    return numerical_gradient(f, x, h)\n",
            ("ShortcutRefused", "switched off"),
        ),
    ],
}

ALTERNATIVES = {
    "02.1": [
        Alternative("a tuple, math", _g(_DX, _DY)),
        Alternative(
            "a numpy array, the cosine computed once",
            "def gradient_g(x, y):\n"
            "    c = np.cos(x * y)\n"
            "    return np.array([2 * x * y + c * y, x * x + c * x])\n",
        ),
        Alternative(
            "a list, by the product rule written out",
            "def gradient_g(x, y):\n"
            "    d_x2y_dx, d_x2y_dy = 2 * x * y, x**2\n"
            "    outer = math.cos(x * y)\n"
            "    return [d_x2y_dx + outer * y, d_x2y_dy + outer * x]\n",
        ),
    ],
    "02.2": [
        Alternative("closed forms", _graph()),
        Alternative(
            "accumulating with +=, as backward() does",
            "def graph_gradients(a, b, c):\n"
            "    e = a * b\n"
            "    d = e + b\n"
            "    grad = {'a': 0.0, 'b': 0.0, 'c': 0.0, 'd': 0.0, 'e': 0.0}\n"
            "    grad['d'] += c\n"
            "    grad['c'] += d\n"
            "    grad['e'] += grad['d']\n"
            "    grad['b'] += grad['d']\n"
            "    grad['a'] += grad['e'] * b\n"
            "    grad['b'] += grad['e'] * a\n"
            "    return grad\n",
        ),
        Alternative(
            "a tiny backward pass over a list of operations",
            "def graph_gradients(a, b, c):\n"
            "    value = {'a': a, 'b': b, 'c': c}\n"
            "    ops = [('e', '*', 'a', 'b'), ('d', '+', 'e', 'b'), ('L', '*', 'd', 'c')]\n"
            "    for out, op, x, y in ops:\n"
            "        value[out] = value[x] * value[y] if op == '*' else value[x] + value[y]\n"
            "    grad = dict.fromkeys(value, 0.0)\n"
            "    grad['L'] = 1.0\n"
            "    for out, op, x, y in reversed(ops):\n"
            "        grad[x] += grad[out] * (value[y] if op == '*' else 1.0)\n"
            "        grad[y] += grad[out] * (value[x] if op == '*' else 1.0)\n"
            "    return {k: grad[k] for k in 'abcde'}\n",
        ),
    ],
    "02.3": [
        Alternative(
            "nudge, evaluate, restore",
            _nudging(_RESTORED + "        grad[i] = (up - down) / (2 * h)\n"),
        ),
        Alternative(
            "a unit array per entry, no mutation",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    x = np.asarray(x, dtype=float)\n"
            "    grad = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n"
            "        e = np.zeros_like(x)\n"
            "        e[i] = h\n"
            "        grad[i] = (f(x + e) - f(x - e)) / (2 * h)\n"
            "    return grad\n",
        ),
        Alternative(
            "a flat view, reshaped back",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    work = np.array(x, dtype=float)\n"
            "    flat = work.reshape(-1)\n"
            "    out = np.empty(flat.size)\n"
            "    for k in range(flat.size):\n"
            "        keep = flat[k]\n"
            "        flat[k] = keep + h\n"
            "        up = f(work)\n"
            "        flat[k] = keep - h\n"
            "        down = f(work)\n"
            "        flat[k] = keep\n"
            "        out[k] = (up - down) / (2 * h)\n"
            "    return out.reshape(np.shape(x))\n",
        ),
        Alternative(
            "np.nditer with a multi-index, copies per nudge",
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    base = np.array(x, dtype=float)\n"
            "    grad = np.zeros(base.shape)\n"
            "    it = np.nditer(base, flags=['multi_index'])\n"
            "    for _ in it:\n"
            "        i = it.multi_index\n"
            "        up, down = base.copy(), base.copy()\n"
            "        up[i] += h\n"
            "        down[i] -= h\n"
            "        grad[i] = (f(up) - f(down)) / (2 * h)\n"
            "    return grad\n",
        ),
    ],
}
