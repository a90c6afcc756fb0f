"""Chapter 03: wrong and right answers to 03.1 (neuron) and 03.2 (line_weights)."""

from tests.mutants import Alternative, Mutant


def _neuron(body: str) -> str:
    return "def neuron(x, w, b, activation):\n" + body


_CHECK = (
    "    if len(x) != len(w):\n"
    "        raise ValueError(f'x has {len(x)} numbers but w has {len(w)}')\n"
)


def _line(body: str) -> str:
    return "def line_weights(p, q, positive):\n" + body


_ORIENT = (
    "    if w1 * positive[0] + w2 * positive[1] + b < 0:\n"
    "        w1, w2, b = -w1, -w2, -b\n"
    "    return (w1, w2, b)\n"
)

MUTANTS = {
    "03.1": [
        Mutant(
            "bias missing",
            _neuron(_CHECK + "    return activation(sum(wi * xi for wi, xi in zip(w, x)))\n"),
            "bias is missing",
        ),
        Mutant(
            "bias outside the activation",
            _neuron(_CHECK + "    return activation(sum(wi * xi for wi, xi in zip(w, x))) + b\n"),
            "bias goes inside",
        ),
        Mutant(
            "no activation",
            _neuron(_CHECK + "    return sum(wi * xi for wi, xi in zip(w, x)) + b\n"),
            "That is z",
        ),
        Mutant(
            "activation on each product",
            _neuron(_CHECK + "    return sum(activation(wi * xi) for wi, xi in zip(w, x)) + b\n"),
            "applied once",
        ),
        Mutant(
            "bias subtracted",
            _neuron(_CHECK + "    return activation(sum(wi * xi for wi, xi in zip(w, x)) - b)\n"),
            "not w·x - b",
        ),
        Mutant(
            "= for += in the loop",
            _neuron(
                _CHECK + "    z = b\n    for i in range(len(x)):\n        z = w[i] * x[i] + b\n"
                "    return activation(z)\n"
            ),
            "`z += …`",
        ),
        Mutant(
            "off by one: the last input skipped",
            _neuron(
                _CHECK + "    z = b\n    for i in range(len(x) - 1):\n        z += w[i] * x[i]\n"
                "    return activation(z)\n"
            ),
            "last input is left out",
        ),
        Mutant(
            "no length check: zip drops the extra",
            _neuron("    return activation(sum(wi * xi for wi, xi in zip(w, x)) + b)\n"),
            "zip stops quietly",
        ),
        Mutant(
            "no length check: numpy broadcasts",
            _neuron("    return activation(float(np.sum(np.asarray(w) * np.asarray(x))) + b)\n"),
            "broadcast",
        ),
        Mutant(
            "ReLU written in, the activation ignored",
            _neuron(_CHECK + "    return max(0.0, sum(wi * xi for wi, xi in zip(w, x)) + b)\n"),
            ("That is ReLU(z)", "activation(z)"),
        ),
        Mutant(
            "the wrong kind of error",
            _neuron(
                "    assert len(x) == len(w), 'lengths differ'\n"
                "    return activation(sum(wi * xi for wi, xi in zip(w, x)) + b)\n"
            ),
            ("raised AssertionError", "raise ValueError"),
        ),
        Mutant(
            "a ValueError that does not say the lengths",
            _neuron(
                "    if len(x) != len(w):\n        raise ValueError('x and w differ')\n"
                "    return activation(sum(wi * xi for wi, xi in zip(w, x)) + b)\n"
            ),
            "both lengths",
        ),
    ],
    "03.2": [
        Mutant(
            "never turned towards positive",
            _line(
                "    w1, w2 = -(q[1] - p[1]), q[0] - p[0]\n"
                "    return (w1, w2, -(w1 * p[0] + w2 * p[1]))\n"
            ),
            "wrong way",
        ),
        Mutant(
            "the other perpendicular, never turned",
            _line(
                "    w1, w2 = q[1] - p[1], -(q[0] - p[0])\n"
                "    return (w1, w2, -(w1 * p[0] + w2 * p[1]))\n"
            ),
            "wrong way",
        ),
        Mutant(
            "turned by z without the bias",
            _line(
                "    w1, w2 = -(q[1] - p[1]), q[0] - p[0]\n"
                "    b = -(w1 * p[0] + w2 * p[1])\n"
                "    if w1 * positive[0] + w2 * positive[1] < 0:\n"
                "        w1, w2, b = -w1, -w2, -b\n"
                "    return (w1, w2, b)\n"
            ),
            "wrong way",
        ),
        Mutant(
            "w along the line",
            _line(
                "    w1, w2 = q[0] - p[0], q[1] - p[1]\n    b = -(w1 * p[0] + w2 * p[1])\n"
                + _ORIENT
            ),
            "points along the line",
        ),
        Mutant(
            "bias with the wrong sign",
            _line(
                "    w1, w2 = -(q[1] - p[1]), q[0] - p[0]\n    b = w1 * p[0] + w2 * p[1]\n"
                + _ORIENT
            ),
            "bias is off",
        ),
        Mutant(
            "w turned towards positive, b left as it was",
            _line(
                "    w1, w2 = -(q[1] - p[1]), q[0] - p[0]\n"
                "    b = -(w1 * p[0] + w2 * p[1])\n"
                "    if w1 * positive[0] + w2 * positive[1] + b < 0:\n"
                "        w1, w2 = -w1, -w2\n"
                "    return (w1, w2, b)\n"
            ),
            ("bias is off", "negate b with them"),
        ),
        Mutant(
            "bias through positive instead of p",
            _line(
                "    w1, w2 = -(q[1] - p[1]), q[0] - p[0]\n"
                "    b = -(w1 * positive[0] + w2 * positive[1]) + 1\n" + _ORIENT
            ),
            "bias is off",
        ),
        Mutant(
            "a half-done swap: (-d1, d2)",
            _line(
                "    w1, w2 = -(q[0] - p[0]), q[1] - p[1]\n    b = -(w1 * p[0] + w2 * p[1])\n"
                + _ORIENT
            ),
            "not through q",
        ),
        Mutant(
            "slope and intercept",
            _line("    m = (q[1] - p[1]) / (q[0] - p[0])\n    return (m, p[1] - m * p[0])\n"),
            "not enough",
        ),
        Mutant(
            "weights from the slope: vertical lines divide by 0",
            _line(
                "    m = (q[1] - p[1]) / (q[0] - p[0])\n"
                "    w1, w2, b = -m, 1.0, -(p[1] - m * p[0])\n" + _ORIENT
            ),
            ("ZeroDivisionError", "vertical"),
        ),
        Mutant(
            "weights from a numpy slope: inf on vertical lines",
            _line(
                "    m = np.float64(q[1] - p[1]) / (q[0] - p[0])\n"
                "    w1, w2, b = -m, 1.0, -(p[1] - m * p[0])\n" + _ORIENT
            ),
            "vertical",
        ),
    ],
}

ALTERNATIVES = {
    "03.1": [
        Alternative(
            "numpy dot", _neuron(_CHECK + "    return activation(float(np.dot(w, x)) + b)\n")
        ),
        Alternative(
            "index loop with +=",
            _neuron(
                _CHECK + "    z = b\n    for i in range(len(w)):\n        z += w[i] * x[i]\n"
                "    return activation(z)\n"
            ),
        ),
        Alternative(
            "@ on arrays, strict zip check",
            _neuron(
                "    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)\n"
                "    if x.shape != w.shape:\n"
                "        raise ValueError(f'{len(x)} inputs, {len(w)} weights')\n"
                "    return activation(w @ x + b)\n"
            ),
        ),
        Alternative(
            "math.fsum",
            _neuron(
                _CHECK + "    return activation(math.fsum(a * c for a, c in zip(w, x)) + b)\n"
            ),
        ),
    ],
    "03.2": [
        Alternative(
            "cross product, sign by np.sign",
            _line(
                "    w1, w2 = p[1] - q[1], q[0] - p[0]\n"
                "    b = p[0] * q[1] - q[0] * p[1]\n"
                "    s = np.sign(w1 * positive[0] + w2 * positive[1] + b)\n"
                "    return (s * w1, s * w2, s * b)\n"
            ),
        ),
        Alternative(
            "unit normal with numpy",
            _line(
                "    p, q, s = (np.asarray(v, dtype=float) for v in (p, q, positive))\n"
                "    d = q - p\n"
                "    n = np.array([-d[1], d[0]]) / np.linalg.norm(d)\n"
                "    if n @ (s - p) < 0:\n"
                "        n = -n\n"
                "    return (n[0], n[1], -n @ p)\n"
            ),
        ),
        Alternative(
            "the other perpendicular, then turned, bias from q",
            _line(
                "    w1, w2 = q[1] - p[1], p[0] - q[0]\n"
                "    b = -(w1 * q[0] + w2 * q[1])\n" + _ORIENT
            ),
        ),
    ],
}
