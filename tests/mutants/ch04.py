"""Chapter 04: wrong and right answers to 04.1 (sigmoid and its slope), 04.2 (softmax with
a temperature) and 04.3 (collapse, row layout)."""

from tests.mutants import Alternative, Mutant

_SIG = (
    "def sigmoid(z):\n"
    "    z = np.asarray(z, dtype=float)\n"
    "    e = np.exp(-np.abs(z))\n"
    "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"
)
_PRIME = "def sigmoid_prime(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"


def _prime(body: str) -> str:
    return _SIG + "\ndef sigmoid_prime(z):\n" + body


def _sig(body: str) -> str:
    return "def sigmoid(z):\n" + body + "\n" + _PRIME


def _softmax(body: str) -> str:
    return "def softmax(z, temperature=1.0):\n" + body


def _collapse(body: str) -> str:
    return "def collapse(W1, b1, W2, b2):\n" + body


MUTANTS = {
    "04.1": [
        Mutant("textbook formula", _sig("    return 1 / (1 + np.exp(-z))\n"), "overflow"),
        Mutant(
            "np.where with e^-z in both branches",
            _sig(
                "    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n"
            ),
            ("overflow", "both of its branches"),
        ),
        Mutant(
            "textbook formula with numpy's warnings switched off",
            _sig("    with np.errstate(over='ignore'):\n        return 1 / (1 + np.exp(-z))\n"),
            "switches numpy's warnings off",
        ),
        Mutant(
            "clipped too tightly",
            _sig("    return 1 / (1 + np.exp(-np.clip(z, -10, 10)))\n"),
            ("Right near 0", "clipped"),
        ),
        Mutant("σ(-z): the exponent's sign", _sig("    return 1 / (1 + np.exp(z))\n"), "σ(-z)"),
        Mutant(
            "branches swapped",
            _sig(
                "    e = np.exp(-np.abs(z))\n"
                "    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))\n"
            ),
            ("σ(-z)", "branches"),
        ),
        Mutant(
            "e^-|z| alone",
            _sig("    return np.exp(-np.abs(z))\n"),
            "e^-|z| alone",
        ),
        Mutant("slope is the value", _prime("    return sigmoid(z)\n"), "That is σ(z), the value"),
        Mutant("tanh's slope pattern", _prime("    return 1 - sigmoid(z) ** 2\n"), "tanh"),
        Mutant(
            "slope with a minus sign",
            _prime("    return -sigmoid(z) * (1 - sigmoid(z))\n"),
            "slope is positive",
        ),
        Mutant("slope from z, not σ(z)", _prime("    return z * (1 - z)\n"), "not z"),
        Mutant(
            "textbook slope",
            _prime("    return np.exp(-z) / (1 + np.exp(-z)) ** 2\n"),
            ("sigmoid_prime(z)", "overflow"),
        ),
        Mutant(
            "nnlib's sigmoid",
            "from nnlib import functional as F\n"
            "def sigmoid(z):\n    return F.sigmoid(z)\n"
            "def sigmoid_prime(z):\n    return F.sigmoid_derivative(z)\n",
            "switched off",
        ),
        Mutant(
            "PyTorch's sigmoid",
            "import torch\n"
            "def sigmoid(z):\n    return torch.sigmoid(torch.as_tensor(z)).numpy()\n" + _PRIME,
            "switched off",
        ),
    ],
    "04.2": [
        Mutant(
            "textbook formula",
            _softmax("    e = np.exp(z / temperature)\n    return e / e.sum()\n"),
            "overflow",
        ),
        Mutant(
            "shift only when the scores are large",
            _softmax(
                "    s = z / temperature\n    if s.max() > 0:\n        s = s - s.max()\n"
                "    e = np.exp(s)\n    return e / e.sum()\n"
            ),
            ("underflow", "0/0"),
        ),
        Mutant(
            "shift by the smallest score",
            _softmax(
                "    s = z / temperature\n    e = np.exp(s - s.min())\n    return e / e.sum()\n"
            ),
            "overflow",
        ),
        Mutant(
            "shift by the mean",
            _softmax(
                "    s = z / temperature\n    e = np.exp(s - s.mean())\n    return e / e.sum()\n"
            ),
            "overflow",
        ),
        Mutant(
            "clip the scores",
            _softmax(
                "    s = np.clip(z / temperature, -700, 700)\n"
                "    e = np.exp(s)\n    return e / e.sum()\n"
            ),
            "gaps between the scores",
        ),
        Mutant(
            "temperature missing",
            _softmax("    e = np.exp(z - z.max())\n    return e / e.sum()\n"),
            "temperature is missing",
        ),
        Mutant(
            "multiplies by T",
            _softmax(
                "    s = z * temperature\n    e = np.exp(s - s.max())\n    return e / e.sum()\n"
            ),
            "multiplies the scores by T",
        ),
        Mutant(
            "divides by T twice",
            _softmax(
                "    s = z / temperature\n    e = np.exp((s - s.max()) / temperature)\n"
                "    return e / e.sum()\n"
            ),
            "twice",
        ),
        Mutant(
            "max minus the scores",
            _softmax(
                "    s = z / temperature\n    e = np.exp(s.max() - s)\n    return e / e.sum()\n"
            ),
            "softmax(-z)",
        ),
        Mutant(
            "not normalised",
            _softmax("    s = z / temperature\n    return np.exp(s - s.max())\n"),
            "sum to 1",
        ),
        Mutant(
            "nnlib's softmax",
            "from nnlib.functional import softmax as library_softmax\n"
            + _softmax("    return library_softmax(z, temperature=temperature)\n"),
            "switched off",
        ),
    ],
    "04.3": [
        Mutant(
            "section 1's order (column layout)",
            _collapse("    return W2 @ W1, W2 @ b1 + b2\n"),
            "order of section 1",
        ),
        Mutant("first bias dropped", _collapse("    return W1 @ W2, b2\n"), "first bias also"),
        Mutant("second bias dropped", _collapse("    return W1 @ W2, b1 @ W2\n"), "own bias"),
        Mutant(
            "bias in the column layout",
            _collapse("    return W1 @ W2, W2 @ b1 + b2\n"),
            "bias is a row too",
        ),
        Mutant("W transposed", _collapse("    return (W1 @ W2).T, b1 @ W2 + b2\n"), "transposed"),
        Mutant(
            "element by element",
            _collapse("    return W1 * W2, b1 * W2 + b2\n"),
            "element by element",
        ),
        Mutant("biases added", _collapse("    return W1 @ W2, b1 + b2\n"), "before b2 is added"),
        Mutant(
            "b2 inside the product",
            _collapse("    return W1 @ W2, (b1 + b2) @ W2\n"),
            "after the product",
        ),
        Mutant(
            "b1 through the wrong matrix",
            _collapse("    return W1 @ W2, b1 @ W1 + b2\n"),
            "not W1",
        ),
        Mutant("W alone", _collapse("    return W1 @ W2\n"), "Expected a pair"),
    ],
}

ALTERNATIVES = {
    "04.1": [
        Alternative(
            "tanh form",
            "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))\n"
            + _PRIME,
        ),
        Alternative(
            "clipped exponent",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))\n" + _PRIME,
        ),
        Alternative(
            "log-sum-exp, slope from e^-|z|",
            "def sigmoid(z):\n    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))\n"
            "def sigmoid_prime(z):\n    e = np.exp(-np.abs(z))\n    return e / (1 + e) ** 2\n",
        ),
        Alternative(
            "element by element with math",
            "def _one(v):\n"
            "    if v >= 0:\n        return 1 / (1 + math.exp(-v))\n"
            "    e = math.exp(v)\n    return e / (1 + e)\n"
            "def sigmoid(z):\n    return np.vectorize(_one, otypes=[float])(z)\n" + _PRIME,
        ),
    ],
    "04.2": [
        Alternative(
            "shift, then divide by T",
            _softmax("    e = np.exp((z - np.max(z)) / temperature)\n    return e / np.sum(e)\n"),
        ),
        Alternative(
            "log-sum-exp",
            _softmax(
                "    s = np.asarray(z, dtype=float) / temperature\n    m = s.max()\n"
                "    log_p = (s - m) - np.log(np.sum(np.exp(s - m)))\n    return np.exp(log_p)\n"
            ),
        ),
        Alternative(
            "a loop with math.exp",
            _softmax(
                "    s = [v / temperature for v in z]\n    m = max(s)\n"
                "    e = [math.exp(v - m) for v in s]\n    total = sum(e)\n"
                "    return np.array([v / total for v in e])\n"
            ),
        ),
    ],
    "04.3": [
        Alternative("lists", _collapse("    return (W1 @ W2).tolist(), list(b1 @ W2 + b2)\n")),
        Alternative("np.dot", _collapse("    return np.dot(W1, W2), np.dot(b1, W2) + b2\n")),
        Alternative(
            "transposes (the other layout and back)",
            _collapse("    return (W2.T @ W1.T).T, W2.T @ b1 + b2\n"),
        ),
        Alternative(
            "run the two layers on the identity and on zero",
            _collapse(
                "    n = W1.shape[0]\n"
                "    b = (np.zeros(n) @ W1 + b1) @ W2 + b2\n"
                "    W = (np.eye(n) @ W1 + b1) @ W2 + b2 - b\n"
                "    return W, b\n"
            ),
        ),
        Alternative(
            "einsum", _collapse("    return np.einsum('ij,jk->ik', W1, W2), b1 @ W2 + b2\n")
        ),
    ],
}
