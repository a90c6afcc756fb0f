"""Chapter 04 (Activation functions):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/04_*.ipynb``; it imports this module as ``ch04``.
"""

from __future__ import annotations

import warnings

import numpy as np
from matplotlib.lines import Line2D

from nnlib import functional as F
from nnlib.exercises import (
    AnswerError,
    Feedback,
    as_array,
    as_number,
    call,
    close,
    correct,
    exercise,
    first_failure,
    wrong,
)
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, log_slider, slider, value_slope_table

#: The activations chapter 04 compares: (function, derivative) on arrays.
ACTIVATION_FUNCTIONS = {
    "ReLU": (F.relu, F.relu_derivative),
    "leaky ReLU (0.01)": (F.leaky_relu, F.leaky_relu_derivative),
    "ELU": (F.elu, F.elu_derivative),
    "sigmoid": (F.sigmoid, F.sigmoid_derivative),
    "tanh": (F.tanh, F.tanh_derivative),
}


def activation_readout(z: float) -> dict[str, tuple[float, float]]:
    """Each activation's value and slope at z."""
    return {name: (float(f(z)), float(df(z))) for name, (f, df) in ACTIVATION_FUNCTIONS.items()}


def activation_panels(width: float = 8.6, height: float = 4.0):
    """Five small plots, one per activation, value (solid) and slope (dashed), on a 2×3 grid.

    The sixth cell holds the legend. Returns the figure and the five axes.
    """
    fig, grid = new_figure(width, height, ncols=3, nrows=2)
    axes = list(grid.ravel())
    zs = np.linspace(-5, 5, 401)
    for ax, (name, (f, df)) in zip(axes, ACTIVATION_FUNCTIONS.items(), strict=False):
        ax.plot(zs, f(zs), color=COLORS["blue"], lw=2, label="value f(z)")
        ax.plot(zs, df(zs), color=COLORS["orange"], lw=1.8, ls="--", label="slope f'(z)")
        ax.set(xlim=(-5, 5), ylim=(-1.5, 3.0), title=name)
        ax.title.set_fontsize(10)
    for ax in (axes[2], axes[3], axes[4]):  # the lowest plot of each column
        ax.set_xlabel("z (the neuron's weighted sum)")
    for ax in (axes[0], axes[3]):
        ax.set_ylabel("f(z) and f'(z)")
    legend_ax = axes[5]
    legend_ax.axis("off")
    legend_ax.legend(*axes[0].get_legend_handles_labels(), loc="center", fontsize=9)
    return fig, axes[:5]


def activation_explorer(z: float = 0.5) -> Explorer:
    """A slider over z: every activation's value (solid) and slope (dashed) read off at z."""
    fig, axes = activation_panels()
    markers = []
    for ax in axes:
        (value_dot,) = ax.plot([], [], "o", color=COLORS["blue"], ms=7)
        (slope_dot,) = ax.plot([], [], "s", color=COLORS["orange"], ms=6)
        line = ax.axvline(z, color=COLORS["grey"], lw=1, ls=":")
        markers.append((value_dot, slope_dot, line))
    fig.axes[5].get_legend().remove()
    legend_handles = [  # each entry drawn as on the plots: the curve with the marker at z
        Line2D([], [], color=COLORS["blue"], lw=2, marker="o", ms=7, label="value f(z), dot"),
        Line2D([], [], color=COLORS["orange"], lw=1.8, ls="--", marker="s", ms=6,
               label="slope f'(z), square"),
        Line2D([], [], color=COLORS["grey"], lw=1, ls=":", label="your z"),
    ]  # fmt: skip
    fig.axes[5].legend(handles=legend_handles, loc="center", fontsize=9)

    def draw(r):
        for (value_dot, slope_dot, line), (value, slope) in zip(markers, r.values(), strict=True):
            value_dot.set_data([zslider.value], [value])
            slope_dot.set_data([zslider.value], [slope])
            line.set_xdata([zslider.value, zslider.value])

    def render(r):
        return value_slope_table(r, "activation", "value at z", "slope at z", fmt=".3f")

    zslider = slider("z", z, -5.0, 5.0, 0.1)
    zslider.tooltip = "the neuron's weighted sum z = w·x + b (a plain number, no unit)"
    return Explorer(
        {"z": zslider},
        activation_readout,
        render,
        figure=fig,
        draw=draw,
        title="Slide z: where does each activation flatten out (slope near 0)?",
    )


def softmax_readout(temperature: float, s1: float, s2: float, s3: float) -> dict:
    """Softmax of three scores at a temperature, with the largest probability."""
    probs = F.softmax(np.array([s1, s2, s3]), temperature=temperature)
    return {"scores": (s1, s2, s3), "temperature": temperature, "probs": probs}


def softmax_explorer(temperature: float = 1.0, scores=(2.0, 1.0, 0.1)) -> Explorer:
    """Sliders for three scores and the temperature; bars show the softmax probabilities."""
    fig, ax = new_figure(5.6, 3.4)
    labels = ["class A", "class B", "class C"]
    bars = ax.bar(
        labels, [1 / 3] * 3, color=[COLORS["blue"], COLORS["orange"], COLORS["green"]],
        edgecolor="k",
    )  # fmt: skip
    texts = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
    ax.axhline(1 / 3, color=COLORS["grey"], lw=1, ls=":", label="uniform: 1/3 each")
    ax.set(ylim=(0, 1.3), yticks=np.linspace(0, 1, 6), ylabel="probability")
    ax.legend(fontsize=8, loc="upper left")

    def draw(r):
        for bar, text, p in zip(bars, texts, r["probs"], strict=True):
            bar.set_height(p)
            text.set_position((bar.get_x() + bar.get_width() / 2, p + 0.01))
            text.set_text(f"{p:.3f}")
        ax.set_title(f"softmax(scores / T) with T = {r['temperature']:.2f}", fontsize=10)

    temperature_slider = log_slider("temperature T", temperature, -1, 1, step=0.1)
    temperature_slider.readout_format = ".2f"  # 0.32, not 3.2e-1
    sliders = {
        "temperature": temperature_slider,
        "s1": slider("score of class A", scores[0], -3.0, 3.0, 0.1),
        "s2": slider("score of class B", scores[1], -3.0, 3.0, 0.1),
        "s3": slider("score of class C", scores[2], -3.0, 3.0, 0.1),
    }
    sliders[
        "temperature"
    ].tooltip = (
        "scores are divided by T before softmax; each arrow press multiplies T by about 1.26"
    )
    for name in ("s1", "s2", "s3"):
        sliders[name].tooltip = "a raw score (logit) from the last layer: any number, no unit"
    return Explorer(
        sliders,
        softmax_readout,
        lambda r: (
            "probabilities "
            + ", ".join(f"<b>{p:.3f}</b>" for p in r["probs"])
            + f" &nbsp; (sum {r['probs'].sum():.3f})"
        ),
        figure=fig,
        draw=draw,
        title="Scores to probabilities: low T sharpens, high T flattens",
    )


# ------------------------------------------------------------------ exercises


def _run_strict(fn, *args, name: str):
    """Call the learner's code with numpy's warnings turned into errors (underflow to 0 is
    fine: e^-1000 is 0 in floats). An overflow or nan comes back as FloatingPointError
    whose message says what happened."""
    try:
        with np.errstate(all="raise", under="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")
            return call(fn, *args, name=name)
    except (FloatingPointError, RuntimeWarning, OverflowError) as e:
        raise FloatingPointError(
            f"{e}. e^z is larger than the largest float (about 1.8e308) once z > 709, so "
            "never compute e to the power of a large positive number (and np.where computes "
            "both of its branches for every element before it chooses)"
        ) from e


def _describe_z(z) -> str:
    return np.array2string(np.asarray(z), precision=4, separator=", ", max_line_width=80)


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_slope(z):
    e = np.exp(-np.abs(z))
    return e / (1 + e) ** 2  # = σ(z)(1 - σ(z)), accurate even where σ(z) rounds to 1


def _sigmoid_cases():
    rng = np.random.default_rng(404)
    return [
        np.array([-2.0, -0.5, 0.5, 2.0]),
        np.array([0.0]),
        rng.normal(scale=3.0, size=8).round(3),
        rng.normal(scale=8.0, size=(2, 3)).round(3),  # a 2-D array keeps its shape
        np.array([-1000.0, 1000.0]),
        np.array([1e308, -1e308]),
        np.array([-745.5, -30.0, 0.0, 30.0, 745.5]),
    ]


@exercise(
    "04.1",
    title="a sigmoid that never overflows, and its slope",
    answers=("sigmoid", "sigmoid_prime"),
    placeholder='''
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for every number in the numpy array z, with no overflow
    warning for any z: sigmoid(np.array([-1000.0, 0.0, 1000.0])) is [0, 0.5, 1]."""
    raise NotImplementedError("write the body of sigmoid")


def sigmoid_prime(z):
    """The slope σ'(z) = σ(z)·(1 - σ(z)) for every number in the numpy array z."""
    raise NotImplementedError("write the body of sigmoid_prime")
''',
    solution='''
def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for every number in the numpy array z, with no overflow."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # e^-|z| lies between 0 and 1: it cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """The slope σ'(z) = σ(z)·(1 - σ(z)) for every number in the numpy array z."""
    s = sigmoid(z)
    return s * (1 - s)
''',
    hints=(
        "1 / (1 + np.exp(-z)) is right on paper, but np.exp(1000) overflows: for z = -1000 it "
        "computes e^1000. Find a form that only ever takes e to a power ≤ 0.",
        "For z < 0, multiply top and bottom by e^z: σ(z) = e^z / (1 + e^z), where e^z is "
        "tiny, not huge. So with e = np.exp(-np.abs(z)): σ = 1 / (1 + e) where z ≥ 0, "
        "e / (1 + e) where z < 0.",
        "np.where(z >= 0, 1 / (1 + e), e / (1 + e)) computes both branches for every "
        "element before choosing, which is why e must be np.exp(-np.abs(z)) and not "
        "np.exp(-z). sigmoid_prime is then s = sigmoid(z); return s * (1 - s).",
    ),
)
def check_sigmoid(sigmoid, sigmoid_prime) -> Feedback:
    """sigmoid and sigmoid_prime on unseen arrays and on ±1000, ±1e308 and 0, run with
    numpy's warnings turned into errors: an overflow is reported as the failing case."""
    for fn, name in ((sigmoid, "sigmoid"), (sigmoid_prime, "sigmoid_prime")):
        if not callable(fn):
            raise AnswerError(f"Expected a function {name}(z), got {fn!r}.")
    cases = [("sigmoid", z) for z in _sigmoid_cases()]
    cases += [("sigmoid_prime", z) for z in _sigmoid_cases()]
    functions = {"sigmoid": sigmoid, "sigmoid_prime": sigmoid_prime}
    reference = {"sigmoid": _sigmoid, "sigmoid_prime": _sigmoid_slope}

    def agree(got, want):
        g = as_array(got, want.shape, "the result (one number per z, same shape as z)")
        return close(g, want, rel=1e-6, abs_tol=1e-12)

    def diagnose(case, got, want):
        name, z = case
        try:
            g = np.asarray(got, dtype=float).reshape(want.shape)
        except (TypeError, ValueError):
            return None
        s = _sigmoid(z)
        if name == "sigmoid":
            slips = [
                (_sigmoid(-z), "That is σ(-z): the exponent is -z, so large z gives "
                 "σ close to 1."),
                (np.exp(-np.abs(z)), "That is e^-|z| alone: σ is 1 / (1 + e) for z ≥ 0 and "
                 "e / (1 + e) for z < 0."),
            ]  # fmt: skip
        else:
            slips = [
                (s, "That is σ(z), the value. The slope is σ(z)·(1 - σ(z))."),
                (1 - s**2, "1 - σ² is the pattern of tanh's slope; the sigmoid's is σ(1 - σ)."),
                (s * (1 + s), "A sign: σ'(z) = σ(z)·(1 - σ(z))."),
                (-s * (1 - s), "A sign: the sigmoid rises everywhere, so its slope is positive."),
            ]  # fmt: skip
        for value, why in slips:
            if not close(value, want, abs_tol=1e-12) and close(g, value, abs_tol=1e-12):
                return why
        return None

    failure = first_failure(
        cases,
        run=lambda case: _run_strict(functions[case[0]], case[1].copy(), name=case[0]),
        expected=lambda case: reference[case[0]](case[1]),
        agree=agree,
        describe=lambda case: f"{case[0]}(z) with z = {_describe_z(case[1])}",
        diagnose=diagnose,
    )
    return failure or correct(
        "Right everywhere, and not one warning, even at z = ±1e308: only e to powers ≤ 0 "
        "were taken. σ'(0) = 0.25 is the steepest the sigmoid gets; at z = ±30 the slope "
        "is below 1e-13, which is saturation."
    )


def _softmax(z, t):
    s = np.asarray(z, dtype=float) / t
    e = np.exp(s - s.max())
    return e / e.sum()


def _softmax_cases():
    rng = np.random.default_rng(44)
    cases = [
        (np.array([1.0, 2.0, 3.0]), 1.0),
        (np.array([0.5, -1.0, 2.0, 0.0]), 0.5),
        (np.array([3.0, 1.0]), 4.0),
        (np.array([5.0]), 2.0),  # one class: probability 1
    ]
    for t in (0.1, 1.0, 3.0, 10.0):
        cases.append((rng.normal(scale=3.0, size=5).round(3), t))
    cases += [
        (np.array([1000.0, 0.0]), 1.0),
        (np.array([-1000.0, -1000.0, -999.0]), 1.0),
        (np.array([1000.0, 999.0, 0.0]), 0.01),  # z / T reaches 100000
    ]
    return cases


@exercise(
    "04.2",
    title="a stable softmax with a temperature",
    answers="softmax",
    placeholder='''
def softmax(z, temperature=1.0):
    """Probabilities e^(zᵢ/T) / Σⱼ e^(zⱼ/T) for a 1-D numpy array of scores z and a
    temperature T > 0, with no overflow for scores such as [1000, 0]."""
    raise NotImplementedError("write the body of softmax")
''',
    solution='''
def softmax(z, temperature=1.0):
    """Probabilities e^(zᵢ/T) / Σⱼ e^(zⱼ/T), with no overflow."""
    s = np.asarray(z, dtype=float) / temperature
    e = np.exp(s - s.max())  # every exponent is ≤ 0 now
    return e / e.sum()
''',
    hints=(
        "Three steps: divide the scores by T, exponentiate, divide by the sum.",
        "Before exponentiating, subtract the largest (already divided) score from every "
        "score: the factor e^-max cancels between top and bottom, and every exponent is ≤ 0.",
        "s = np.asarray(z, dtype=float) / temperature; e = np.exp(s - s.max()); "
        "return e / e.sum().",
    ),
)
def check_softmax(softmax) -> Feedback:
    """softmax(z, temperature) on unseen scores and temperatures 0.01 to 10, including
    [1000, 0], run with numpy's warnings turned into errors."""
    if not callable(softmax):
        raise AnswerError(f"Expected a function softmax(z, temperature=1.0), got {softmax!r}.")

    def agree(got, want):
        return close(as_array(got, want.shape, "the probabilities"), want, abs_tol=1e-12)

    def diagnose(case, got, want):
        z, t = case
        try:
            g = np.asarray(got, dtype=float).reshape(want.shape)
        except (TypeError, ValueError):
            return None
        slips = [
            (_softmax(z * t, 1.0), "That multiplies the scores by T; divide them: z / T."),
            (_softmax(z, 1.0), "The temperature is missing (or applied after exp, where "
             "it cancels): divide the scores by T before exponentiating."),
            (np.exp(z / t - np.max(z / t)), "These don't sum to 1: divide by their sum."),
            (np.exp(z / t), "These don't sum to 1: divide by their sum."),
        ]  # fmt: skip
        if np.all(z != 0) and z.sum() != 0:
            slips.append((z / z.sum(), "Exponentiate first: softmax uses e^(z/T), not z."))
        for value, why in slips:
            if not close(value, want) and close(g, value):
                return why
        if not close(g.sum(), 1.0):
            return f"Your numbers sum to {g.sum():.4g}; probabilities must sum to 1."
        return None

    def describe(case):
        z, t = case
        return f"z = {_describe_z(z)}, temperature = {t:g}"

    failure = first_failure(
        _softmax_cases(),
        run=lambda case: _run_strict(softmax, case[0].copy(), case[1], name="softmax"),
        expected=lambda case: _softmax(*case),
        agree=agree,
        describe=describe,
        diagnose=diagnose,
    )
    return failure or correct(
        "Right for temperatures from 0.01 to 10 and for scores of ±1000, without a warning. "
        "Subtracting the maximum is the standard trick; chapter 06 meets it again in "
        "the loss, as log-sum-exp."
    )


class _Layer(tuple):
    """A pair (W, b) that prints as a person reads it."""

    def __new__(cls, W, b):
        return super().__new__(cls, (W, b))

    def __repr__(self) -> str:
        return f"W = {self[0].tolist()}, b = {self[1].tolist()}"


def _collapse_cases():
    """Layers in the row layout: W1 has shape (inputs, hidden), W2 (hidden, outputs)."""
    rng = np.random.default_rng(4040)
    cases = []
    for n, h, m in [(2, 2, 2), (3, 4, 2), (2, 5, 3), (4, 3, 1), (1, 1, 1)]:
        W1, b1 = rng.integers(-3, 4, size=(n, h)).astype(float), rng.integers(-3, 4, size=h)
        W2, b2 = rng.integers(-3, 4, size=(h, m)).astype(float), rng.integers(-3, 4, size=m)
        cases.append((W1, b1.astype(float), W2, b2.astype(float)))
    return cases


@exercise(
    "04.3",
    title="two linear layers are one, with one input per row",
    answers="collapse",
    placeholder='''
def collapse(W1, b1, W2, b2):
    """The one linear layer (W, b) that computes the same as layer 1 (h = x @ W1 + b1)
    followed by layer 2 (h @ W2 + b2), with no activation between them, where each
    input x is a row. Return the pair (W, b) such that x @ W + b gives the same result."""
    raise NotImplementedError("write the body of collapse")
''',
    solution='''
def collapse(W1, b1, W2, b2):
    """The one linear layer (W, b), in the row layout, equal to layer 2 after layer 1."""
    return W1 @ W2, b1 @ W2 + b2
''',
    hints=(
        "Substitute h = x @ W1 + b1 into h @ W2 + b2 and multiply out. Keep every product "
        "in its order: A @ B and B @ A are different matrices.",
        "(x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2).",
        "x sits on the left now, so layer 1's matrix comes first: W = W1 @ W2, the reverse "
        "of section 1's W2 @ W1. The first bias passes through W2 the same way: "
        "b = b1 @ W2 + b2.",
    ),
)
def check_collapse(collapse) -> Feedback:
    """collapse(W1, b1, W2, b2) in the row layout (x @ W1 + b1, then h @ W2 + b2) on unseen
    layers of several shapes (square and not)."""
    if not callable(collapse):
        raise AnswerError(f"Expected a function collapse(W1, b1, W2, b2), got {collapse!r}.")

    def expected(case):
        W1, b1, W2, b2 = case
        return _Layer(W1 @ W2, b1 @ W2 + b2)

    def pair(got, want):
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise AnswerError(f"Expected a pair (W, b), got {type(got).__name__}.")
        W = as_array(got[0], want[0].shape, "W (one row per input number, one column per output)")
        b = as_array(got[1], want[1].shape, "b (one number per output)")
        return W, b

    def agree(got, want):
        W, b = pair(got, want)
        return close(W, want[0]) and close(b, want[1])

    def diagnose(case, got, want):
        W1, b1, W2, b2 = case
        try:
            W, b = (np.asarray(g, dtype=float) for g in got)
        except (TypeError, ValueError):
            return None
        if W.shape == want[0].shape and not close(W, want[0]):
            if W2.shape[1] == W1.shape[0] and close(W, W2 @ W1):
                return (
                    "W2 @ W1 is the order of section 1, where x was a column on the right. "
                    "Here x is a row on the left, so layer 1's matrix comes first: W1 @ W2."
                )
            if close(W, want[0].T):
                return (
                    "That W is transposed (rows and columns swapped): one row per input "
                    "number, one column per output."
                )
            return "W = W1 @ W2."
        if W.shape == want[0].T.shape and W.shape != want[0].shape:
            return (
                "That W has the shape of (W1 @ W2) turned on its side: one row per input "
                "number and one column per output, please."
            )
        if b.shape == want[1].shape and close(W, want[0]):
            if close(b, b2):
                return "W is right. The first bias also passes through W2: b = b1 @ W2 + b2."
            if close(b, b1 @ W2):
                return "W is right. Add layer 2's own bias: b = b1 @ W2 + b2."
            if W2.shape[0] == W2.shape[1] and close(b, W2 @ b1 + b2):
                return "W is right. In this layout the bias is a row too: b = b1 @ W2 + b2."
            return "W is right; b is b1 @ W2 + b2."
        return None

    def describe(case):
        W1, b1, W2, b2 = case
        return (
            f"W1 of shape {W1.shape}, W2 of shape {W2.shape}:\n"
            f"    W1 = {W1.tolist()}, b1 = {b1.tolist()},\n"
            f"    W2 = {W2.tolist()}, b2 = {b2.tolist()}"
        )

    failure = first_failure(
        _collapse_cases(),
        run=lambda case: call(collapse, *case, name="collapse"),
        expected=expected,
        agree=agree,
        describe=describe,
        diagnose=diagnose,
    )
    return failure or correct(
        "W = W1 @ W2 and b = b1 @ W2 + b2, for every shape: the same collapse as section 1, "
        "with the products in the other order because x now sits on the left. Two linear "
        "layers are one linear layer in either layout: without an activation between them, "
        "depth buys nothing."
    )


@exercise(
    "04.4",
    title="what a chain of sigmoids does to a gradient",
    kind="value",
    answers="factor",
    placeholder="factor = ...  # your answer: a number",
    solution="factor = (2 * 0.25) ** 8",
    hints=(
        "Each neuron of the chain multiplies the gradient by its weight times its "
        "activation's slope: w · σ'(z).",
        "Every neuron sits at z = 0, where σ'(0) = 0.25, and every weight is 2: each neuron "
        "contributes 2 · 0.25.",
        "Eight neurons: (2 · 0.25)⁸ = 0.5⁸.",
    ),
)
def check_factor(factor) -> Feedback:
    """The gradient factor through 8 sigmoid neurons in a chain, each with weight 2, at z = 0."""
    f = as_number(factor)
    want = 0.5**8
    if close(f, want, rel=1e-3):
        return correct(
            f"(2 · 0.25)⁸ = 0.5⁸ ≈ {want:.4f}: each neuron halves the gradient. The slopes "
            f"alone would give 0.25⁸ ≈ {0.25**8:.1e}; the weights of 2 made it "
            f"{2**8} times larger. Weights of 4 would keep it at 1."
        )
    slips = [
        (0.25**8, "That is the slopes alone, 0.25⁸. Each neuron also multiplies by its "
         "weight: the factor per neuron is w · σ'(z)."),
        (2.0**8, "That is the weights alone. Each neuron also multiplies by its slope, "
         "σ'(0) = 0.25."),
        (0.5 * 8, "The factors multiply, they don't add: 0.5 · 0.5 · … (8 times)."),
        (0.5**7, "Count the neurons: 8 factors, not 7."),
        (0.5**9, "Count the neurons: 8 factors, not 9."),
        (2 * 0.25**8, "The weight appears once per neuron: (2 · 0.25)⁸."),
    ]  # fmt: skip
    for value, why in slips:
        if close(f, value, rel=1e-3):
            return wrong(why)
    return wrong("Multiply one factor w · σ'(0) per neuron, for all eight neurons.")
