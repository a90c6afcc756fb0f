"""Chapter 01: wrong and right answers to 01.2 (derivative) and 01.3 (best_step)."""

from tests.mutants import Alternative, Mutant

MUTANTS = {
    "01.2": [
        Mutant(
            "fixed step 1e-5",
            "def derivative(f, x):\n    h = 1e-5\n    return (f(x + h) - f(x - h)) / (2 * h)",
            "fixed h = 1e-5",
        ),
        Mutant(
            "forward difference",
            "def derivative(f, x):\n"
            "    h = np.finfo(float).eps ** (1 / 3) * max(abs(x), 1.0)\n"
            "    return (f(x + h) - f(x)) / h",
            "forward difference",
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
    ],
}
