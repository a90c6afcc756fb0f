"""Chapter 06: wrong and right answers to 06.1 (cross-entropy from logits) and 06.2 (Huber)."""

from tests.mutants import Alternative, Mutant


def _ce(body: str) -> str:
    return "def cross_entropy(logits, targets):\n" + body


def _huber(body: str) -> str:
    return "def huber(pred, target, delta):\n" + body


_M = "    m = logits.max(axis=1, keepdims=True)\n"
_LSE = _M + "    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))\n"
_TRUE = "logits[np.arange(len(targets)), targets]"
_R = "    r = np.abs(pred - target)\n"

MUTANTS = {
    "06.1": [
        Mutant(
            "no shift",
            _ce(
                "    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n"
                "    return -np.mean(np.log(p[np.arange(len(targets)), targets]))\n"
            ),
            ("overflow encountered in exp", "e^1000 overflows"),
        ),
        Mutant(
            "shifted softmax, then its log",
            _ce(
                "    z = logits - logits.max(axis=1, keepdims=True)\n"
                "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
                "    return -np.mean(np.log(p[np.arange(len(targets)), targets]))\n"
            ),
            ("divide by zero", "a probability that rounded to 0"),
        ),
        Mutant(
            "one max for the whole batch",
            _ce(
                "    m = logits.max()\n    lse = m + np.log(np.exp(logits - m).sum(axis=1))\n"
                f"    return np.mean(lse - {_TRUE})\n"
            ),
            ("one max m for the whole batch", "each row's own max"),
        ),
        Mutant(
            "max subtracted, not added back",
            _ce(
                _M + "    lse = np.log(np.exp(logits - m).sum(axis=1))\n"
                f"    return np.mean(lse - {_TRUE})\n"
            ),
            "not added back",
        ),
        Mutant(
            "sum over the batch",
            _ce(_LSE + f"    return np.sum(lse - {_TRUE})\n"),
            "sum over the batch",
        ),
        Mutant("sign", _ce(_LSE + f"    return np.mean({_TRUE} - lse)\n"), "Wrong sign"),
        Mutant(
            "whole rows picked by logits[targets]",
            _ce(_LSE + "    return np.mean(lse - logits[targets])\n"),
            "picks whole rows",
        ),
        Mutant(
            "mean, not sum, inside the log",
            _ce(
                _M + "    lse = m[:, 0] + np.log(np.exp(logits - m).mean(axis=1))\n"
                f"    return np.mean(lse - {_TRUE})\n"
            ),
            "mean of the e^(zⱼ - m) inside the log",
        ),
        Mutant(
            "probability clipped (section 4's clamp)",
            _ce(
                "    z = logits - logits.max(axis=1, keepdims=True)\n"
                "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
                "    p_true = np.clip(p[np.arange(len(targets)), targets], 1e-12, 1.0)\n"
                "    return -np.mean(np.log(p_true))\n"
            ),
            ("looks capped at 27.63", "no probability is ever formed"),
        ),
        Mutant(
            "log base 10",
            _ce(_LSE + f"    return np.mean(lse - {_TRUE}) / np.log(10)\n"),
            "log base 10",
        ),
        Mutant(
            "no true score",
            _ce(_LSE + "    return np.mean(lse)\n"),
            "subtract each example's true-class score",
        ),
        Mutant(
            "a column per target",
            _ce(_LSE + "    return np.mean(lse[:, None] - logits[:, targets])\n"),
            "logits[np.arange(N), targets]",
        ),
        Mutant(
            "one loss per example",
            _ce(_LSE + f"    return lse - {_TRUE}\n"),
            "return their mean",
        ),
        Mutant(
            "mean over the whole table",
            _ce(
                _M
                + "    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))\n"
                "    onehot = np.eye(logits.shape[1])[targets]\n"
                "    return -np.mean(onehot * logp)\n"
            ),
            "divides by N·C",
        ),
        Mutant(
            "softmax down the columns",
            _ce(
                "    m = logits.max(axis=0)\n    lse = m +"
                " np.log(np.exp(logits - m).sum(axis=0))\n"
                f"    return np.mean(lse[targets] - {_TRUE})\n"
            ),
            "axis=0",
        ),
        Mutant(
            "max without keepdims",
            _ce(
                "    m = logits.max(axis=1)\n    lse = m +"
                " np.log(np.exp(logits - m).sum(axis=1))\n"
                f"    return np.mean(lse - {_TRUE})\n"
            ),
            "keepdims=True",
        ),
        Mutant(
            "the library's cross-entropy",
            _ce(
                "    from nnlib import functional as F\n"
                "    return F.cross_entropy(logits, targets)\n"
            ),
            ("ShortcutRefused", "write cross-entropy yourself"),
        ),
        Mutant(
            "the library's log-softmax",
            _ce(
                "    from nnlib.functional import log_softmax\n"
                "    return -np.mean(log_softmax(logits)[np.arange(len(targets)), targets])\n"
            ),
            ("ShortcutRefused", "log-softmax"),
        ),
    ],
    "06.2": [
        Mutant(
            "no half",
            _huber(
                _R + "    return np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta)))\n"
            ),
            "with the half",
        ),
        Mutant(
            "no shift",
            _huber(_R + "    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * r))\n"),
            "not delta·|r|",
        ),
        Mutant(
            "delta subtracted in full",
            _huber(
                _R + "    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - delta)))\n"
            ),
            "Subtract ½·delta",
        ),
        Mutant(
            "½·delta not multiplied by delta",
            _huber(
                _R
                + "    return np.mean(np.where(r <= delta, 0.5 * r**2, delta * r - 0.5 * delta))\n"
            ),
            "multiplied by delta too",
        ),
        Mutant(
            "signed residual in the linear piece",
            _huber(
                "    r = pred - target\n"
                "    return np.mean(np.where(np.abs(r) <= delta, 0.5 * r**2, "
                "delta * (r - 0.5 * delta)))\n"
            ),
            "Use |r| in the linear part",
        ),
        Mutant(
            "signed residual in the condition",
            _huber(
                "    r = pred - target\n"
                "    return np.mean(np.where(r <= delta, 0.5 * r**2, "
                "delta * (np.abs(r) - 0.5 * delta)))\n"
            ),
            "far below -delta",
        ),
        Mutant(
            "sum",
            _huber(
                _R + "    return np.sum(np.where(r <= delta, 0.5 * r**2, delta *"
                " (r - 0.5 * delta)))\n"
            ),
            "the sum over the examples",
        ),
        Mutant(
            "branches swapped",
            _huber(
                _R + "    return np.mean(np.where(r <= delta, delta * (r - 0.5 *"
                " delta), 0.5 * r**2))\n"
            ),
            "branches are swapped",
        ),
        Mutant(
            "r² compared with delta",
            _huber(
                _R + "    return np.mean(np.where(r**2 <= delta, 0.5 * r**2,"
                " delta * (r - 0.5 * delta)))\n"
            ),
            "not r² with delta",
        ),
        Mutant(
            "a 0/1 mask multiplied in",
            _huber(
                _R + "    inside = (r <= delta).astype(float)\n"
                "    return np.mean(inside * 0.5 * r**2 + (1 - inside) *"
                " delta * (r - 0.5 * delta))\n"
            ),
            "inf × 0 is NaN",
        ),
        Mutant(
            "an if on the whole array",
            _huber(
                _R + "    if r <= delta:\n        return np.mean(0.5 * r**2)\n"
                "    return np.mean(delta * (r - 0.5 * delta))\n"
            ),
            ("`if` cannot turn many answers into one", "np.where"),
        ),
        Mutant(
            "one loss per example",
            _huber(
                _R + "    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))\n"
            ),
            "Return one number",
        ),
        Mutant(
            "the library's Huber",
            _huber(
                "    from nnlib import nn\n    return nn.HuberLoss(delta=delta)(pred, target)\n"
            ),
            ("ShortcutRefused", "write the Huber loss yourself"),
        ),
    ],
}

ALTERNATIVES = {
    "06.1": [
        Alternative(
            "log-softmax, then pick",
            _ce(
                _M + "    z = logits - m\n"
                "    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))\n"
                "    return -log_p[np.arange(len(targets)), targets].mean()\n"
            ),
        ),
        Alternative(
            "np.logaddexp.reduce",
            _ce(f"    return np.mean(np.logaddexp.reduce(logits, axis=1) - {_TRUE})\n"),
        ),
        Alternative(
            "a loop with math, one example at a time",
            _ce(
                "    total = 0.0\n    for row, t in zip(logits, targets):\n"
                "        m = max(row)\n"
                "        total += m + math.log(sum(math.exp(z - m) for z in row)) - row[t]\n"
                "    return total / len(targets)\n"
            ),
        ),
        Alternative(
            "take_along_axis",
            _ce(
                "    m = np.max(logits, axis=1)[:, None]\n"
                "    lse = np.log(np.sum(np.exp(logits - m), axis=1)) + m.ravel()\n"
                "    true = np.take_along_axis(logits, targets[:, None], axis=1).ravel()\n"
                "    return float(np.mean(lse - true))\n"
            ),
        ),
    ],
    "06.2": [
        Alternative(
            "strict inequality",
            _huber(
                _R + "    return np.mean(np.where(r < delta, 0.5 * r**2, delta *"
                " (r - 0.5 * delta)))\n"
            ),
        ),
        Alternative(
            "clip: ½q² + delta·(|r| - q) with q = min(|r|, delta)",
            _huber(
                _R + "    q = np.minimum(r, delta)\n    return np.mean(0.5 * q**2"
                " + delta * (r - q))\n"
            ),
        ),
        Alternative(
            "boolean indexing",
            _huber(
                _R + "    loss = 0.5 * r**2\n    far = r > delta\n"
                "    loss[far] = delta * (r[far] - 0.5 * delta)\n    return loss.mean()\n"
            ),
        ),
        Alternative(
            "a loop with math",
            _huber(
                "    total, n = 0.0, 0\n"
                "    for p, t in zip(np.ravel(pred), np.ravel(target)):\n"
                "        a = abs(p - t)\n"
                "        total += 0.5 * a * a if a <= delta else delta * (a - delta / 2)\n"
                "        n += 1\n    return total / n\n"
            ),
        ),
    ],
}
