"""Chapter 08: wrong and right answers to 08.1 (sgd_step), 08.3 (minibatch_indices) and
08.4 (train). The common wrong numbers of the value exercise 08.2 are in tests/test_ch08.py."""

from tests.mutants import Alternative, Mutant


def _step(body: str) -> str:
    return f"def sgd_step(params, grads, lr):\n{body}\n"


def _batches(body: str) -> str:
    return f"def minibatch_indices(n, batch_size, rng):\n{body}\n"


_TRAIN = """
def train(X, y, epochs, lr, batch_size, seed):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            p = 1 / (1 + np.exp(-(X[idx] @ w + b)))
            error = p - y[idx]
            w = w - lr * X[idx].T @ error / len(idx)
            b = b - lr * np.mean(error)
        z = X @ w + b
        losses.append(np.mean(np.logaddexp(0, z) - y * z))
    return w, b, losses
"""


def _train(*changes: tuple[str, str]) -> str:
    source = _TRAIN
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new)
    return source


_ORDER = "        order = rng.permutation(n)"
_W = "w = w - lr * X[idx].T @ error / len(idx)"
_B = "b = b - lr * np.mean(error)"
_LOOP = "for start in range(0, n, batch_size):"

MUTANTS = {
    "08.1": [
        Mutant(
            "sign: steps uphill",
            _step("    for p, g in zip(params, grads):\n        p += lr * g"),
            "uphill",
        ),
        Mutant(
            "forgets the rate",
            _step("    for p, g in zip(params, grads):\n        p -= g"),
            "learning rate",
        ),
        Mutant(
            "= for -=: rebinds the name",
            _step("    for p, g in zip(params, grads):\n        p = p - lr * g"),
            "makes a new array",
        ),
        Mutant(
            "new arrays into the list",
            _step(
                "    for i in range(len(params)):\n        params[i] = params[i] - lr * grads[i]"
            ),
            "into the list",
        ),
        Mutant(
            "returns new arrays",
            _step("    return [p - lr * g for p, g in zip(params, grads)]"),
            "returned new arrays",
        ),
        Mutant(
            "replaces the parameter",
            _step("    for p, g in zip(params, grads):\n        p[...] = -lr * g"),
            "old value of the parameter is lost",
        ),
        Mutant(
            "transposed gradient",
            _step("    for p, g in zip(params, grads):\n        p -= lr * g.T"),
            "transposed",
        ),
        Mutant(
            "one number for the whole array",
            _step("    for p, g in zip(params, grads):\n        p -= lr * np.mean(g)"),
            "same amount",
        ),
        Mutant(
            "returns after the first pair",
            _step("    for p, g in zip(params, grads):\n        p -= lr * g\n        return"),
            "Only the first array",
        ),
        Mutant(
            "off by one: skips the last pair",
            _step("    for i in range(len(params) - 1):\n        params[i] -= lr * grads[i]"),
            "except the last",
        ),
        Mutant(
            "scales the gradient in place",
            _step("    for p, g in zip(params, grads):\n        g *= lr\n        p -= g"),
            "changed the gradients",
        ),
        Mutant(
            "steps twice",
            _step(
                "    for _ in range(2):\n        for p, g in zip(params, grads):\n"
                "            p -= lr * g"
            ),
            "twice",
        ),
        Mutant(
            "library shortcut: optim.SGD",
            "from nnlib import nn, optim\n\n"
            + _step(
                "    held = [nn.Parameter(p) for p in params]\n"
                "    for h, g in zip(held, grads):\n"
                "        h.grad = g\n"
                "    optim.SGD(held, lr=lr).step()\n"
                "    for p, h in zip(params, held):\n"
                "        p[...] = h.data"
            ),
            ("switched off", "sgd_step"),
        ),
    ],
    "08.3": [
        Mutant(
            "drops the last, smaller batch",
            _batches(
                "    order = rng.permutation(n)\n    return [order[s : s + batch_size] "
                "for s in range(0, n - batch_size + 1, batch_size)]"
            ),
            "last, smaller batch is missing",
        ),
        Mutant(
            "off by one: range(0, n - 1, ...)",
            _batches(
                "    order = rng.permutation(n)\n    return [order[s : s + batch_size] "
                "for s in range(0, n - 1, batch_size)]"
            ),
            "missing",
        ),
        Mutant(
            "off by one: slices one too long",
            _batches(
                "    order = rng.permutation(n)\n    return [order[s : s + batch_size + 1] "
                "for s in range(0, n, batch_size)]"
            ),
            "consecutive slices",
        ),
        Mutant(
            "one extra, empty batch",
            _batches(
                "    order = rng.permutation(n)\n    return [order[s : s + batch_size] "
                "for s in range(0, n + batch_size, batch_size)]"
            ),
            "empty batch",
        ),
        Mutant(
            "no shuffle",
            _batches(
                "    order = np.arange(n)\n    return [order[s : s + batch_size] "
                "for s in range(0, n, batch_size)]"
            ),
            "in order 0, 1, 2",
        ),
        Mutant(
            "a fresh generator every epoch",
            _batches(
                "    order = np.random.default_rng(0).permutation(n)\n"
                "    return [order[s : s + batch_size] for s in range(0, n, batch_size)]"
            ),
            "same order",
        ),
        Mutant(
            "numpy's global generator",
            _batches(
                "    order = np.random.permutation(n)\n"
                "    return [order[s : s + batch_size] for s in range(0, n, batch_size)]"
            ),
            "same seed",
        ),
        Mutant(
            "draws with replacement",
            _batches(
                "    return [rng.integers(0, n, min(batch_size, n - s)) "
                "for s in range(0, n, batch_size)]"
            ),
            "appear twice",
        ),
        Mutant(
            "shuffles inside each batch only",
            _batches(
                "    return [rng.permutation(np.arange(s, min(s + batch_size, n))) "
                "for s in range(0, n, batch_size)]"
            ),
            "shuffled inside",
        ),
        Mutant(
            "np.array_split into n // batch_size pieces",
            _batches("    return np.array_split(rng.permutation(n), max(1, n // batch_size))"),
            "array_split",
        ),
        Mutant(
            "returns the order, not batches",
            _batches("    return rng.permutation(n)"),
            "cut it into slices",
        ),
        Mutant(
            "library shortcut: nnlib.train.batches",
            "from nnlib.train import batches\n\n"
            + _batches(
                "    every = np.arange(n)\n"
                "    return [xb for xb, _ in batches(every, every, batch_size, rng=rng)]"
            ),
            ("switched off", "minibatch_indices"),
        ),
    ],
    "08.4": [
        Mutant(
            "sign: steps uphill",
            _train((_W, _W.replace("w - lr", "w + lr")), (_B, _B.replace("b - lr", "b + lr"))),
            "went uphill",
        ),
        Mutant(
            "forgets the rate",
            _train((_W, _W.replace("lr * ", "")), (_B, _B.replace("lr * ", ""))),
            "without the learning rate",
        ),
        Mutant(
            "sum, not the mean", _train((_W, _W.replace(" / len(idx)", ""))), "sum over the batch"
        ),
        Mutant(
            "no sigmoid",
            _train(("p = 1 / (1 + np.exp(-(X[idx] @ w + b)))", "p = X[idx] @ w + b")),
            "no sigmoid",
        ),
        Mutant("b never updated", _train((_B, "b = b")), "b never moved"),
        Mutant(
            "divides by batch_size on the short last batch",
            _train(
                (_W, _W.replace("len(idx)", "batch_size")),
                (_B, "b = b - lr * np.sum(error) / batch_size"),
            ),
            ("divided by batch_size", "len(idx)"),
        ),
        Mutant(
            "a fresh generator every epoch",
            _train((_ORDER, "        rng = np.random.default_rng(seed)\n" + _ORDER)),
            "make rng once, before the epochs",
        ),
        Mutant(
            "drops the last, smaller batch",
            _train((_LOOP, "for start in range(0, n - batch_size + 1, batch_size):")),
            "Examples were never used",
        ),
        Mutant("no shuffle", _train((_ORDER, "        order = np.arange(n)")), "Seeds 0 and 1"),
        Mutant(
            "numpy's global generator",
            _train((_ORDER, "        order = np.random.permutation(n)")),
            "same seed gave different losses",
        ),
        Mutant(
            "another valid shuffle, not the recipe's",
            _train((_ORDER, "        order = rng.choice(n, n, replace=False)")),
            "rng.choice",
        ),
        Mutant(
            "the last batch's loss",
            _train(
                (
                    "losses.append(np.mean(np.logaddexp(0, z) - y * z))",
                    "losses.append(np.mean(np.logaddexp(0, z[idx]) - y[idx] * z[idx]))",
                )
            ),
            "not the last batch's",
        ),
        Mutant(
            "one epoch only",
            _train((_LOOP, "for start in range(0, batch_size, batch_size):")),
            "too slowly",
        ),
        Mutant(
            "textbook loss: log(0) when p rounds to 0 or 1",
            _train(
                (
                    "losses.append(np.mean(np.logaddexp(0, z) - y * z))",
                    "p = 1 / (1 + np.exp(-z))\n"
                    "        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))",
                )
            ),
            "log(0)",
        ),
        Mutant(
            "sigmoid as e^z / (1 + e^z)",
            _train(
                (
                    "p = 1 / (1 + np.exp(-(X[idx] @ w + b)))",
                    "p = np.exp(X[idx] @ w + b) / (1 + np.exp(X[idx] @ w + b))",
                )
            ),
            "overflows",
        ),
        Mutant(
            "clipped p in the loss",
            _train(
                (
                    "losses.append(np.mean(np.logaddexp(0, z) - y * z))",
                    "p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)\n"
                    "        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))",
                )
            ),
            "clipping p",
        ),
        Mutant(
            "the loss summed over X, not its mean",
            _train(
                (
                    "losses.append(np.mean(np.logaddexp(0, z) - y * z))",
                    "losses.append(np.sum(np.logaddexp(0, z) - y * z))",
                )
            ),
            "the sum over the 6 examples",
        ),
        Mutant(
            "the loss recorded before the epoch's steps",
            _train(
                (
                    "order = rng.permutation(n)\n",
                    "order = rng.permutation(n)\n        w0, b0 = w, b\n",
                ),
                ("z = X @ w + b", "z = X @ w0 + b0"),
            ),
            "recorded before the epoch's steps",
        ),
        Mutant(
            "returns two things",
            _train(("return w, b, losses", "return w, b")),
            "return w, b, losses",
        ),
    ],
}

ALTERNATIVES = {
    "08.1": [
        Alternative(
            "index loop with -=",
            _step("    for i in range(len(params)):\n        params[i] -= lr * grads[i]"),
        ),
        Alternative(
            "np.subtract with out=",
            _step("    for p, g in zip(params, grads):\n        np.subtract(p, lr * g, out=p)"),
        ),
        Alternative(
            "slice assignment",
            _step("    for p, g in zip(params, grads):\n        p[...] = p - lr * g"),
        ),
        Alternative(
            "scaled copy, then -=",
            _step("    for p, g in zip(params, grads):\n        step = g * lr\n        p -= step"),
        ),
    ],
    "08.3": [
        Alternative(
            "shuffle in place, then a while loop",
            _batches(
                "    order = np.arange(n)\n    rng.shuffle(order)\n    out, start = [], 0\n"
                "    while start < n:\n        out.append(order[start : start + batch_size])\n"
                "        start += batch_size\n    return out"
            ),
        ),
        Alternative(
            "rng.choice without replacement",
            _batches(
                "    order = rng.choice(n, size=n, replace=False)\n"
                "    return [order[i : i + batch_size] for i in range(0, n, batch_size)]"
            ),
        ),
        Alternative(
            "np.array_split at multiples of batch_size",
            _batches(
                "    return np.array_split(rng.permutation(n), range(batch_size, n, batch_size))"
            ),
        ),
        Alternative(
            "argsort of random numbers",
            _batches(
                "    order = np.argsort(rng.random(n))\n"
                "    return [order[i : i + batch_size] for i in range(0, n, batch_size)]"
            ),
        ),
    ],
    "08.4": [
        Alternative(
            "tanh sigmoid, per-example mean",
            _train(
                (
                    "p = 1 / (1 + np.exp(-(X[idx] @ w + b)))",
                    "p = 0.5 * (1 + np.tanh((X[idx] @ w + b) / 2))",
                ),
                (_W, "w = w - lr * np.mean(X[idx] * error[:, None], axis=0)"),
                (_B, "b = b - lr * np.sum(error) / len(idx)"),
            ),
        ),
        Alternative(
            "nnlib's batches and functional",
            "from nnlib import functional as F\nfrom nnlib.train import batches\n"
            + _train(
                (_ORDER + "\n", ""),
                (
                    "        for start in range(0, n, batch_size):\n"
                    "            idx = order[start : start + batch_size]\n"
                    "            p = 1 / (1 + np.exp(-(X[idx] @ w + b)))\n"
                    "            error = p - y[idx]\n"
                    "            " + _W + "\n            " + _B + "\n",
                    "        for Xb, yb in batches(X, y, batch_size, rng=rng):\n"
                    "            error = F.sigmoid(Xb @ w + b) - yb\n"
                    "            w = w - lr * Xb.T @ error / len(yb)\n"
                    "            b = b - lr * error.mean()\n",
                ),
                (
                    "losses.append(np.mean(np.logaddexp(0, z) - y * z))",
                    "losses.append(F.binary_cross_entropy_with_logits(z, y))",
                ),
            ),
        ),
        Alternative(
            "one parameter vector with a column of ones",
            """
def train(X, y, epochs, lr, batch_size, seed):
    rng = np.random.default_rng(seed)
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(A.shape[1])
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(len(A))
        for batch in np.array_split(order, range(batch_size, len(A), batch_size)):
            p = 1 / (1 + np.exp(-A[batch] @ theta))
            theta -= lr * A[batch].T @ (p - y[batch]) / len(batch)
        z = A @ theta
        losses.append(float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-abs(z))))))
    return theta[:-1], theta[-1], losses
""",
        ),
    ],
}
