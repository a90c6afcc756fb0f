"""Chapter 01: wrong and right answers to 01.2 (derivative) and 01.3 (best_step)."""

from tests.mutants import Alternative, Mutant


def _derivative(h: str, quotient: str = "(f(x + h) - f(x - h)) / (2 * h)", head: str = "") -> str:
    return f"{head}def derivative(f, x):\n    h = {h}\n    return {quotient}\n"


_H = "np.finfo(float).eps ** (1 / 3) * max(abs(x), 1.0)"


def _best(error: str, steps: str = "[10.0**-k for k in range(1, 16)]", pick: str = "min") -> str:
    return (
        "def best_step(f, f2, x):\n"
        f"    steps = {steps}\n"
        f"    return {pick}(steps, key=lambda h: {error})\n"
    )


_ERROR = "abs((f(x + h) - 2 * f(x) + f(x - h)) / h**2 - f2(x))"

MUTANTS = {
    "01.2": [
        Mutant("fixed step 1e-5", _derivative("1e-5"), "fixed h = 1e-5"),
        Mutant(
            "forward difference, central's step",
            _derivative(_H, "(f(x + h) - f(x)) / h"),
            "forward difference",
        ),
        Mutant(
            "forward difference with the √ε step",
            _derivative("np.finfo(float).eps ** 0.5 * max(abs(x), 1.0)", "(f(x + h) - f(x)) / h"),
            ("forward difference", "√ε · max(|x|, 1)"),
        ),
        Mutant(
            "max(x, 1) without abs",
            _derivative("np.finfo(float).eps ** (1 / 3) * max(x, 1.0)"),
            ("without abs", "negative x"),
        ),
        Mutant(
            "the forward step 1e-8, scaled, in the central difference",
            _derivative("1e-8 * max(abs(x), 1.0)"),
            "forward difference's default",
        ),
        Mutant("step not scaled", _derivative("np.finfo(float).eps ** (1 / 3)"), "not scaled"),
        Mutant(
            "central difference with the forward step √ε",
            _derivative("np.finfo(float).eps ** 0.5 * max(abs(x), 1.0)"),
            "the forward difference's step",
        ),
        Mutant(
            "eps ** 1 / 3 without brackets",
            _derivative("np.finfo(float).eps ** 1 / 3 * max(abs(x), 1.0)"),
            "eps ** (1 / 3)",
        ),
        Mutant("divides by h, not 2h", _derivative(_H, "(f(x + h) - f(x - h)) / h"), "not h"),
        Mutant(
            "`/ 2 * h` for `/ (2 * h)`",
            _derivative(_H, "(f(x + h) - f(x - h)) / 2 * h"),
            "`/ 2 * h` multiplies by h",
        ),
        Mutant("sign flipped", _derivative(_H, "(f(x - h) - f(x + h)) / (2 * h)"), "sign"),
        Mutant(
            "no max: h = 0 at x = 0",
            _derivative("np.finfo(float).eps ** (1 / 3) * abs(x)"),
            ("ZeroDivisionError", "max(|x|, 1) prevents"),
        ),
        Mutant(
            "∛ε·|x| without the max, 0 guarded",
            _derivative("np.finfo(float).eps ** (1 / 3) * (abs(x) if x != 0 else 1.0)"),
            "without the max",
        ),
        Mutant("returns the step", _derivative(_H, "h"), "the step h itself"),
        Mutant(
            "nnlib's derivative (a library shortcut)",
            _derivative(_H, "calculus.derivative(f, x, h)", head="from nnlib import calculus\n"),
            ("ShortcutRefused", "switched off"),
        ),
    ],
    "01.3": [
        Mutant("no abs", _best("(f(x + h) - 2 * f(x) + f(x - h)) / h**2 - f2(x)"), "abs()"),
        Mutant("max for min", _best(_ERROR, pick="max"), "not the maximum"),
        Mutant(
            "returns the smallest error",
            "def best_step(f, f2, x):\n"
            "    steps = [10.0**-k for k in range(1, 16)]\n"
            f"    return min({_ERROR} for h in steps)\n",
            "an error, not a step",
        ),
        Mutant(
            "returns k",
            "def best_step(f, f2, x):\n"
            "    return min(range(1, 16), key=lambda k: abs("
            "(f(x + 10.0**-k) - 2 * f(x) + f(x - 10.0**-k)) / 10.0**(-2 * k) - f2(x)))\n",
            "exponent k",
        ),
        Mutant(
            "returns the list position",
            "def best_step(f, f2, x):\n"
            "    steps = [10.0**-k for k in range(1, 16)]\n"
            f"    errors = [{_ERROR} for h in steps]\n"
            "    return errors.index(min(errors))\n",
            "position of the best step",
        ),
        Mutant(
            "compares with f2(h), not f2(x) (no named slip fits every case)",
            _best("abs((f(x + h) - 2 * f(x) + f(x - h)) / h**2 - f2(h))"),
            "compare the error of every step",
        ),
        Mutant(
            "range(2, 16) misses 1e-1",
            _best(_ERROR, steps="[10.0**-k for k in range(2, 16)]"),
            "biggest one, 1e-1",
        ),
        Mutant(
            "range(1, 15) misses 1e-15",
            _best(_ERROR, steps="[10.0**-k for k in range(1, 15)]"),
            "smallest one, 1e-15",
        ),
        Mutant(
            "divides by h", _best("abs((f(x + h) - 2 * f(x) + f(x - h)) / h - f2(x))"), "h², not h"
        ),
        Mutant(
            "first difference (section 4 copied)",
            _best("abs((f(x + h) - f(x)) / h - f2(x))"),
            "first difference",
        ),
        Mutant("+2f(x)", _best("abs((f(x + h) + 2 * f(x) + f(x - h)) / h**2 - f2(x))"), "- 2f(x)"),
        Mutant("the smallest step", "def best_step(f, f2, x):\n    return 1e-15\n", "smallest h"),
        Mutant(
            "a number that is not a step of the list",
            "def best_step(f, f2, x):\n    return 0.5\n",
            "not one of the steps",
        ),
        Mutant(
            "a fixed guess 1e-4",
            "def best_step(f, f2, x):\n    return 1e-4\n",
            "compare the error of every step",
        ),
    ],
}

ALTERNATIVES = {
    "01.2": [
        Alternative(
            "cube root by np.cbrt",
            "def derivative(f, x):\n"
            "    h = np.cbrt(np.finfo(float).eps) * max(abs(x), 1)\n"
            "    return (f(x + h) - f(x - h)) / h / 2",
        ),
        Alternative(
            "ε as 2**-52, math.pow",
            "def derivative(f, x):\n"
            "    h = math.pow(2.0**-52, 1 / 3) * max(math.fabs(x), 1.0)\n"
            "    return 0.5 * (f(x + h) - f(x - h)) / h",
        ),
        Alternative(
            "an exactly representable step (x + h) - x",
            "def derivative(f, x):\n"
            "    h = np.finfo(float).eps ** (1 / 3) * max(abs(x), 1.0)\n"
            "    up, down = x + h, x - h\n"
            "    return (f(up) - f(down)) / (up - down)",
        ),
        Alternative(
            "ε from np.spacing(1.0), an if for the scale",
            "def derivative(f, x):\n"
            "    scale = abs(x) if abs(x) > 1 else 1.0\n"
            "    h = np.spacing(1.0) ** (1 / 3) * scale\n"
            "    return (f(x + h) - f(x - h)) / (2 * h)",
        ),
    ],
    "01.3": [
        Alternative("min with a key", _best(_ERROR)),
        Alternative(
            "a loop, steps by repeated division",
            "def best_step(f, f2, x):\n"
            "    best, h = None, 0.1\n"
            "    for _ in range(15):\n"
            "        error = abs((f(x + h) + f(x - h) - 2 * f(x)) / (h * h) - f2(x))\n"
            "        if best is None or error < best[0]:\n"
            "            best = (error, h)\n"
            "        h /= 10\n"
            "    return best[1]\n",
        ),
        Alternative(
            "numpy argmin over np.logspace",
            "def best_step(f, f2, x):\n"
            "    steps = np.logspace(-1, -15, 15)\n"
            "    errors = [abs(((f(x + h) - f(x)) - (f(x) - f(x - h))) / h / h - f2(x))"
            " for h in steps]\n"
            "    return float(steps[int(np.argmin(errors))])\n",
        ),
        Alternative(
            "a dict of errors, sorted",
            "def best_step(f, f2, x):\n"
            "    errors = {10.0**-k: abs((f(x + 10.0**-k) - 2 * f(x) + f(x - 10.0**-k))"
            " / (10.0**-k) ** 2 - f2(x)) for k in range(1, 16)}\n"
            "    return sorted(errors, key=errors.get)[0]\n",
        ),
    ],
}
