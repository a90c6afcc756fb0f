"""Chapter 09: wrong and right answers to 09.1 (adamw_step), 09.2 (clip_by_global_norm)
and 09.3 (warmup_cosine). 09.4 is a value; its wrong numbers are in tests/test_ch09.py."""

from tests.mutants import Alternative, Mutant


def _adamw(body: str) -> str:
    return (
        "def adamw_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, "
        "weight_decay=0.01):\n" + body
    )


_M = "    m = beta1 * m + (1 - beta1) * g\n"
_V = "    v = beta2 * v + (1 - beta2) * g**2\n"
_HATS = "    m_hat = m / (1 - beta1**t)\n    v_hat = v / (1 - beta2**t)\n"
_STEP = "    adam = m_hat / (np.sqrt(v_hat) + eps)\n"
_RETURN = "    return w - lr * adam - lr * weight_decay * w, m, v\n"

MUTANTS = {
    "09.1": [
        Mutant(
            "(m, v, w) returned: the next step is handed them in the wrong places",
            _adamw(
                _M
                + _V
                + _HATS
                + _STEP
                + "    return m, v, w - lr * adam - lr * weight_decay * w\n"
            ),
            ("square root of a negative", "(w, m, v) in that order"),
        ),
        Mutant(
            "no bias correction",
            _adamw(_M + _V + "    adam = m / (np.sqrt(v) + eps)\n" + _RETURN),
            "without bias correction",
        ),
        Mutant(
            "only m corrected",
            _adamw(_M + _V + "    adam = m / (1 - beta1**t) / (np.sqrt(v) + eps)\n" + _RETURN),
            "Only m was corrected",
        ),
        Mutant(
            "L2 in the gradient (Adam, not AdamW)",
            _adamw(
                "    g = g + weight_decay * w\n"
                + _M
                + _V
                + _HATS
                + _STEP
                + "    return w - lr * adam, m, v\n"
            ),
            "Adam with L2 regularisation",
        ),
        Mutant(
            "ε inside the root",
            _adamw(_M + _V + _HATS + "    adam = m_hat / np.sqrt(v_hat + eps)\n" + _RETURN),
            "inside the square root",
        ),
        Mutant(
            "β₁ for v too",
            _adamw(_M + "    v = beta1 * v + (1 - beta1) * g**2\n" + _HATS + _STEP + _RETURN),
            "two betas",
        ),
        Mutant(
            "betas swapped",
            _adamw(
                "    m = beta2 * m + (1 - beta2) * g\n    v = beta1 * v + (1 - beta1) * g**2\n"
                + _HATS
                + _STEP
                + _RETURN
            ),
            "swapped",
        ),
        Mutant(
            "t counted from 0",
            _adamw(
                _M + _V + "    m_hat = m / (1 - beta1 ** (t - 1))\n"
                "    v_hat = v / (1 - beta2 ** (t - 1))\n" + _STEP + _RETURN
            ),
            ("FloatingPointError", "t is already 1"),
        ),
        Mutant(
            "t + 1",
            _adamw(
                _M + _V + "    m_hat = m / (1 - beta1 ** (t + 1))\n"
                "    v_hat = v / (1 - beta2 ** (t + 1))\n" + _STEP + _RETURN
            ),
            "The corrections use t + 1",
        ),
        Mutant(
            "decay without lr",
            _adamw(
                _M + _V + _HATS + _STEP + "    return w - lr * adam - weight_decay * w, m, v\n"
            ),
            "the learning rate scales it too",
        ),
        Mutant(
            "decay added",
            _adamw(
                _M
                + _V
                + _HATS
                + _STEP
                + "    return w - lr * adam + lr * weight_decay * w, m, v\n"
            ),
            "shrinks the weights towards 0",
        ),
        Mutant(
            "decay from the new weights",
            _adamw(
                _M + _V + _HATS + _STEP + "    w = w - lr * adam\n"
                "    return w - lr * weight_decay * w, m, v\n"
            ),
            "before this step",
        ),
        Mutant(
            "returns m̂ and v̂",
            _adamw(
                _M
                + _V
                + _HATS
                + _STEP
                + "    return w - lr * adam - lr * weight_decay * w, m_hat, v_hat\n"
            ),
            "you returned m̂ and v̂",
        ),
        Mutant(
            "returns the update, not the weights",
            _adamw(_M + _V + _HATS + _STEP + "    return lr * adam, m, v\n"),
            "the update",
        ),
        Mutant(
            "no ε",
            _adamw(_M + _V + _HATS + "    adam = m_hat / np.sqrt(v_hat)\n" + _RETURN),
            "ε",
        ),
        Mutant(
            "no square root",
            _adamw(_M + _V + _HATS + "    adam = m_hat / (v_hat + eps)\n" + _RETURN),
            "not by its square root",
        ),
        Mutant(
            "m and v restarted every step",
            _adamw(
                "    m = (1 - beta1) * g\n    v = (1 - beta2) * g**2\n" + _HATS + _STEP + _RETURN
            ),
            "restarted from 0",
        ),
        Mutant(
            "the Adam paper's ε",
            _adamw(
                _M + _V + "    adam = np.sqrt(1 - beta2**t) / (1 - beta1**t) * m "
                "/ (np.sqrt(v) + eps)\n" + _RETURN
            ),
            "Adam paper's efficient form",
        ),
        Mutant(
            "nnlib's Adam (a library shortcut)",
            _adamw(
                "    from nnlib import nn, optim\n"
                "    p = nn.Parameter(w * (1 - lr * weight_decay))\n"
                "    opt = optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)\n"
                "    p.grad = g\n    opt.step()\n    return p.data, m, v\n"
            ),
            "switched off",
        ),
    ],
    "09.2": [
        Mutant(
            "(norm, list) returned",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    if total > max_norm:\n"
            "        grads = [g * (max_norm / total) for g in grads]\n"
            "    return total, grads\n",
            "other way round",
        ),
        Mutant(
            "each array by its own norm",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    out = []\n"
            "    for g in grads:\n"
            "        n = np.linalg.norm(g)\n"
            "        out.append(g * max_norm / n if n > max_norm else g)\n"
            "    return out, total\n",
            "its own norm",
        ),
        Mutant(
            "always scales (also up)",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    if total == 0:\n"
            "        return grads, total\n"
            "    return [g * max_norm / total for g in grads], total\n",
            "never scales up",
        ),
        Mutant(
            "returns the norm after clipping",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    if total > max_norm:\n"
            "        return [g * max_norm / total for g in grads], max_norm\n"
            "    return grads, total\n",
            "after clipping",
        ),
        Mutant(
            "no square root",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = sum(np.sum(g**2) for g in grads)\n"
            "    if np.sqrt(total) > max_norm:\n"
            "        return [g * max_norm / np.sqrt(total) for g in grads], total\n"
            "    return grads, total\n",
            "square root",
        ),
        Mutant(
            "divides by a zero norm",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    return [g * min(1.0, max_norm / total) for g in grads], total\n",
            ("raised FloatingPointError", "all 0"),
        ),
        Mutant(
            "clipping by value",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    return [np.clip(g, -max_norm, max_norm) for g in grads], total\n",
            "clipping by value",
        ),
        Mutant(
            "adds the arrays' norms",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = sum(np.linalg.norm(g) for g in grads)\n"
            "    if total > max_norm:\n"
            "        return [g * (max_norm / total) for g in grads], total\n"
            "    return grads, total\n",
            "arrays' own norms",
        ),
        Mutant(
            "mean of the squares",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.mean(g**2) for g in grads))\n"
            "    if total > max_norm:\n"
            "        return [g * (max_norm / total) for g in grads], total\n"
            "    return grads, total\n",
            "averages the squares",
        ),
        Mutant(
            "L1 norm",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = sum(np.sum(np.abs(g)) for g in grads)\n"
            "    if total > max_norm:\n"
            "        return [g * (max_norm / total) for g in grads], total\n"
            "    return grads, total\n",
            "L1 norm",
        ),
        Mutant(
            "factor upside down",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    if total > max_norm:\n"
            "        return [g * (total / max_norm) for g in grads], total\n"
            "    return grads, total\n",
            "upside down",
        ),
        Mutant(
            "only the first array scaled",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g**2) for g in grads))\n"
            "    if total > max_norm:\n"
            "        grads[0] = grads[0] * (max_norm / total)\n"
            "    return grads, total\n",
            "Only some of the arrays",
        ),
        Mutant(
            "the first array's norm only",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.linalg.norm(grads[0])\n"
            "    if total > max_norm:\n"
            "        return [g * (max_norm / total) for g in grads], total\n"
            "    return grads, total\n",
            "first array's alone",
        ),
        Mutant(
            "nnlib's clip_grad_norm_ (a library shortcut)",
            "from nnlib import nn\n"
            "def clip_by_global_norm(grads, max_norm):\n"
            "    params = [nn.Parameter(np.zeros_like(g)) for g in grads]\n"
            "    for p, g in zip(params, grads):\n"
            "        p.grad = g.copy()\n"
            "    total = nn.clip_grad_norm_(params, max_norm)\n"
            "    return [p.grad for p in params], total\n",
            "switched off",
        ),
    ],
    "09.3": [
        Mutant(
            "a warm-up one step ahead (max(step, 1))",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * max(step, 1) / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            "one step ahead",
        ),
        Mutant(
            "warm-up from step + 1",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * (step + 1) / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            "(step + 1)",
        ),
        Mutant(
            "no end: the cosine rises again",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            "rises again",
        ),
        Mutant(
            "cosine measured from step 0",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))\n",
            "where the warm-up ends",
        ),
        Mutant(
            "no factor 1/2",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * (1 + math.cos(math.pi * p))\n",
            "factor 1/2",
        ),
        Mutant(
            "<= divides by a zero warm-up",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    if step <= warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            ("ZeroDivisionError", "warmup_steps=0", "no warm-up"),
        ),
        Mutant(
            "whole-number division in the warm-up",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * (step // warmup_steps)\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            "whole-number division",
        ),
        Mutant(
            "cos without π",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 + math.cos(p))\n",
            "cos needs π",
        ),
        Mutant(
            "a linear decay",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * (1 - p)\n",
            "linear decay",
        ),
        Mutant(
            "progress over total_steps",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / total_steps\n"
            "    return base_lr * 0.5 * (1 + math.cos(math.pi * p))\n",
            "not by total_steps",
        ),
        Mutant(
            "cosine upside down",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * 0.5 * (1 - math.cos(math.pi * p))\n",
            "upside down",
        ),
        Mutant(
            "nnlib's schedulers (a library shortcut)",
            "from nnlib import nn, optim\n"
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    opt = optim.SGD([nn.Parameter([0.0])], lr=base_lr)\n"
            "    T = total_steps - warmup_steps\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    return optim.CosineAnnealingLR(opt, T_max=T).lr_at(step - warmup_steps)\n",
            "switched off",
        ),
    ],
}

ALTERNATIVES = {
    "09.1": [
        Alternative(
            "decay first, then Adam's step",
            _adamw(
                "    w = w * (1 - lr * weight_decay)\n"
                + _M
                + _V
                + _HATS
                + "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n"
            ),
        ),
        Alternative(
            "corrections folded into the learning rate (as nnlib.optim.Adam)",
            _adamw(
                "    m = m + (1 - beta1) * (g - m)\n    v = v + (1 - beta2) * (g * g - v)\n"
                "    c1, c2 = 1 - beta1**t, 1 - beta2**t\n"
                "    step = (lr / c1) * m / (np.sqrt(v) / math.sqrt(c2) + eps)\n"
                "    return w - step - lr * weight_decay * w, m, v\n"
            ),
        ),
        Alternative(
            "one weight at a time, with math",
            _adamw(
                "    w, g = np.array(w, dtype=float), np.asarray(g, dtype=float)\n"
                "    m, v = np.array(m, dtype=float), np.array(v, dtype=float)\n"
                "    new = w.copy()\n"
                "    for i in np.ndindex(w.shape):\n"
                "        m[i] = beta1 * m[i] + (1 - beta1) * g[i]\n"
                "        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]\n"
                "        mh, vh = m[i] / (1 - beta1**t), v[i] / (1 - beta2**t)\n"
                "        new[i] = w[i] - lr * (mh / (math.sqrt(vh) + eps) + weight_decay * w[i])\n"
                "    return new, m, v\n"
            ),
        ),
    ],
    "09.2": [
        Alternative(
            "one long vector",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))\n"
            "    scale = min(1.0, max_norm / total) if total > 0 else 1.0\n"
            "    return [g * scale for g in grads], total\n",
        ),
        Alternative(
            "loops and math.sqrt",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    squares = 0.0\n"
            "    for g in grads:\n"
            "        for x in np.ravel(g):\n"
            "            squares += float(x) * float(x)\n"
            "    total = math.sqrt(squares)\n"
            "    if total > max_norm:\n"
            "        grads = [g * (max_norm / total) for g in grads]\n"
            "    return grads, total\n",
        ),
        Alternative(
            "norm of the norms, PyTorch's + 1e-6",
            "def clip_by_global_norm(grads, max_norm):\n"
            "    total = np.linalg.norm([np.linalg.norm(g) for g in grads])\n"
            "    scale = max_norm / (total + 1e-6)\n"
            "    return [g * min(scale, 1.0) for g in grads], total\n",
        ),
    ],
    "09.3": [
        Alternative(
            "clamped progress and numpy",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step < warmup_steps:\n"
            "        return base_lr * step / warmup_steps\n"
            "    p = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))\n"
            "    return float(base_lr * (1 + np.cos(np.pi * p)) / 2)\n",
        ),
        Alternative(
            "cos² of half the angle",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if warmup_steps > 0 and step < warmup_steps:\n"
            "        return base_lr * (step / warmup_steps)\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    p = (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr * math.cos(math.pi * p / 2) ** 2\n",
        ),
        Alternative(
            "np.interp for the warm-up",
            "def warmup_cosine(step, base_lr, warmup_steps, total_steps):\n"
            "    if step >= total_steps:\n"
            "        return 0.0\n"
            "    if step < warmup_steps:\n"
            "        return float(np.interp(step, [0, warmup_steps], [0.0, base_lr]))\n"
            "    angle = math.pi * (step - warmup_steps) / (total_steps - warmup_steps)\n"
            "    return base_lr / 2 + base_lr / 2 * math.cos(angle)\n",
        ),
    ],
}
