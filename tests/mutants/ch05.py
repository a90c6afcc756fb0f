"""Chapter 05: wrong and right answers to 05.1 (dense, examples as columns), 05.2 (forward
through any number of layers) and 05.3 (count_parameters)."""

from tests.mutants import Alternative, Mutant


def _dense(body: str) -> str:
    return "def dense(X, W, b):\n" + body


def _forward(body: str) -> str:
    return "def forward(X, layers, activation):\n" + body


def _count(body: str) -> str:
    return "def count_parameters(sizes):\n" + body


_LOOP = "    h = X\n    for W, b in layers{part}:\n        h = {step}\n    return h{tail}\n"
_LAST = " @ layers[-1][0].T + layers[-1][1]"

MUTANTS = {
    "05.1": [
        Mutant("bias on the batch axis", _dense("    return W @ X + b\n"), "LAST axis"),
        Mutant("b.T as a column", _dense("    return W @ X + b.T\n"), "b.T changes nothing"),
        Mutant(
            "row layout of section 2, transposed inputs",
            _dense("    return X.T @ W.T + b\n"),
            "one row per example, the layout of section 2",
        ),
        Mutant(
            "section 2's formula copied",
            _dense("    return X @ W.T + b\n"),
            ("left matrix has 5 column(s)", "W @ X: (4, 3) @ (3, 5)"),
        ),
        Mutant(
            "X transposed instead",
            _dense("    return W @ X.T + b[:, None]\n"),
            ("right one 5 row(s)", "W @ X: (4, 3) @ (3, 5)"),
        ),
        Mutant(
            "* for the matrix product",
            _dense("    return W * X + b[:, None]\n"),
            ("`*` multiplies matching entries", "W @ X: (4, 3) @ (3, 5)"),
        ),
        Mutant(
            "row layout with a column bias",
            _dense("    return X.T @ W.T + b[:, None]\n"),
            ("Your product is (5, 4)", "W @ X is (4, 3) @ (3, 5) → (4, 5)"),
        ),
        Mutant("no bias", _dense("    return W @ X\n"), "The bias is missing"),
        Mutant("bias subtracted", _dense("    return W @ X - b[:, None]\n"), "wrong sign"),
        Mutant(
            "ReLU on the layer",
            _dense("    return np.maximum(W @ X + b[:, None], 0)\n"),
            "has a ReLU on it",
        ),
        Mutant(
            "W.T whenever it runs",
            _dense(
                "    A = W.T if W.shape[0] == W.shape[1] else W\n    return A @ X + b[:, None]\n"
            ),
            "pairs inputs with the wrong weights",
        ),
        Mutant(
            "wrong axis only where shapes allow",
            _dense(
                "    c = b if X.shape[1] == W.shape[0] else b[:, None]\n    return W @ X + c\n"
            ),
            "b went along the wrong axis",
        ),
        Mutant(
            "the first example only",
            _dense("    return W @ X[:, 0] + b\n"),
            "the first example's column only",
        ),
        Mutant(
            "a loop that stops one example early",
            _dense(
                "    Z = np.zeros((W.shape[0], X.shape[1]))\n"
                "    for n in range(X.shape[1] - 1):\n"
                "        Z[:, n] = W @ X[:, n] + b\n"
                "    return Z\n"
            ),
            "are still 0",
        ),
    ],
    "05.2": [
        Mutant(
            "activation after the last layer",
            _forward(_LOOP.format(part="", step="activation(h @ W.T + b)", tail="")),
            "after the last layer too",
        ),
        Mutant(
            "no activation",
            _forward(_LOOP.format(part="", step="h @ W.T + b", tail="")),
            "The activation is missing",
        ),
        Mutant(
            "activation condition off by one",
            _forward(
                "    h = X\n    for k, (W, b) in enumerate(layers):\n        h = h @ W.T + b\n"
                "        if k < len(layers) - 2:\n            h = activation(h)\n    return h\n"
            ),
            "check the condition that decides when",
        ),
        Mutant(
            "the last layer skipped",
            _forward(_LOOP.format(part="[:-1]", step="activation(h @ W.T + b)", tail="")),
            "first 1 of the 2 layers",
        ),
        Mutant(
            "ReLU written in place of the activation",
            _forward(_LOOP.format(part="[:-1]", step="np.maximum(h @ W.T + b, 0)", tail=_LAST)),
            "this case passes activation = tanh",
        ),
        Mutant(
            "two layers, as in section 2",
            _forward(
                "    (W1, b1), (W2, b2) = layers[0], layers[-1]\n"
                "    return activation(X @ W1.T + b1) @ W2.T + b2\n"
            ),
            "the list holds 3 layer(s)",
        ),
        Mutant(
            "activation before each layer",
            _forward(_LOOP.format(part="", step="activation(h) @ W.T + b", tail="")),
            "before each layer instead of after",
        ),
        Mutant(
            "bias after the activation",
            _forward(_LOOP.format(part="[:-1]", step="activation(h @ W.T) + b", tail=_LAST)),
            "b before the activation",
        ),
        Mutant(
            "W not transposed",
            _forward(_LOOP.format(part="[:-1]", step="activation(h @ W + b)", tail=_LAST)),
            "h @ W.T + b",
        ),
        Mutant(
            "every layer reads X",
            _forward(
                "    h = X\n    for W, b in layers[:-1]:\n        h = activation(X @ W.T + b)\n"
                f"    return h{_LAST}\n"
            ),
            "reads the previous layer's output h",
        ),
        Mutant(
            "activation once at the end",
            _forward(_LOOP.format(part="", step="h @ W.T + b", tail="")).replace(
                "return h", "return activation(h)"
            ),
            "ran once, at the very end",
        ),
        Mutant(
            "every layer's output returned",
            _forward(
                "    outs, h = [], X\n    for k, (W, b) in enumerate(layers):\n"
                "        h = h @ W.T + b\n"
                "        if k < len(layers) - 1:\n            h = activation(h)\n"
                "        outs.append(h)\n    return outs\n"
            ),
            "return only the last layer's",
        ),
        Mutant(
            "result transposed",
            _forward(_LOOP.format(part="[:-1]", step="activation(h @ W.T + b)", tail=_LAST))
            .replace("return h", "return (h")
            .replace(_LAST + "\n", _LAST + ").T\n"),
            "transposed",
        ),
    ],
    "05.3": [
        Mutant(
            "weights only",
            _count("    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))\n"),
            "weights only",
        ),
        Mutant(
            "biases per input",
            _count("    return sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:]))\n"),
            "not to its inputs",
        ),
        Mutant(
            "biases on the input layer",
            _count(
                "    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))\n"
                "    return weights + sum(sizes)\n"
            ),
            "input layer has no biases",
        ),
        Mutant("product of all sizes", _count("    return int(np.prod(sizes))\n"), "neighbouring"),
        Mutant(
            "loop stops one layer early",
            _count(
                "    total = 0\n    for i in range(len(sizes) - 2):\n"
                "        total += sizes[i] * sizes[i + 1] + sizes[i + 1]\n    return total\n"
            ),
            "leaves one layer out",
        ),
        Mutant(
            "one bias per layer",
            _count("    return sum(a * b + 1 for a, b in zip(sizes[:-1], sizes[1:]))\n"),
            "one bias per neuron",
        ),
        Mutant(
            "biases of the output layer only",
            _count("    return sum(a * b for a, b in zip(sizes, sizes[1:])) + sizes[-1]\n"),
            "hidden layers have biases too",
        ),
        Mutant(
            "three sizes assumed",
            _count(
                "    n_in, n_hidden, n_out = sizes\n"
                "    return n_in * n_hidden + n_hidden + n_hidden * n_out + n_out\n"
            ),
            "any number of layers",
        ),
        Mutant("the example's number", _count("    return 2410\n"), "first case that fails"),
    ],
}

ALTERNATIVES = {
    "05.1": [
        Alternative("row layout, transposed back", _dense("    return (X.T @ W.T + b).T\n")),
        Alternative(
            "loops",
            _dense(
                "    Z = np.zeros((W.shape[0], X.shape[1]))\n"
                "    for j in range(W.shape[0]):\n"
                "        for n in range(X.shape[1]):\n"
                "            Z[j, n] = sum(W[j, k] * X[k, n] for k in range(W.shape[1])) + b[j]\n"
                "    return Z\n"
            ),
        ),
        Alternative(
            "einsum and reshape",
            _dense('    return np.einsum("oi,in->on", W, X) + b.reshape(-1, 1)\n'),
        ),
        Alternative(
            "np.dot and an outer product",
            _dense("    return np.dot(W, X) + np.outer(b, np.ones(X.shape[1]))\n"),
        ),
    ],
    "05.2": [
        Alternative(
            "loop with enumerate",
            _forward(
                "    h = X\n    for k, (W, b) in enumerate(layers):\n        h = h @ W.T + b\n"
                "        if k != len(layers) - 1:\n            h = activation(h)\n    return h\n"
            ),
        ),
        Alternative(
            "recursion",
            _forward(
                "    W, b = layers[0]\n    z = X @ W.T + b\n"
                "    if len(layers) == 1:\n        return z\n"
                "    return forward(activation(z), layers[1:], activation)\n"
            ),
        ),
        Alternative(
            "column layout inside",
            _forward(
                "    h = X.T\n    for W, b in layers[:-1]:\n"
                "        h = activation(W @ h + b[:, None])\n"
                "    W, b = layers[-1]\n    return (W @ h + b[:, None]).T\n"
            ),
        ),
        Alternative(
            "einsum and a while loop",
            _forward(
                "    h, k = X, 0\n    while k < len(layers):\n        W, b = layers[k]\n"
                '        h = np.einsum("ni,oi->no", h, W) + b\n        k += 1\n'
                "        if k < len(layers):\n            h = activation(h)\n    return h\n"
            ),
        ),
    ],
    "05.3": [
        Alternative(
            "index loop",
            _count(
                "    total = 0\n    for i in range(len(sizes) - 1):\n"
                "        total += (sizes[i] + 1) * sizes[i + 1]\n    return total\n"
            ),
        ),
        Alternative(
            "numpy dot",
            _count("    return int(np.dot(sizes[:-1], sizes[1:]) + sum(sizes[1:]))\n"),
        ),
        Alternative(
            "recursion",
            _count(
                "    if len(sizes) < 2:\n        return 0\n"
                "    return sizes[0] * sizes[1] + sizes[1] + count_parameters(sizes[1:])\n"
            ),
        ),
    ],
}
