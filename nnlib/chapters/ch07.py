"""Chapter 07 (Backpropagation):
its explorers, and its exercises with their checks, hints and solutions.

The notebook is ``notebooks/07_*.ipynb``; it imports this module as ``ch07``.

Exercises: the learner builds a scalar autograd class ``Scalar`` one method at
a time (07.1 ``+``, 07.2 ``*``, 07.3 ``tanh``, 07.4 an iterative
``backward()``), each checked on its own against ``nnlib.engine.Value``;
then writes a ``Linear`` layer's backward pass in the other layout, Y = X·W + b
with W of shape (in, out) (07.5), and the gradient of softmax with a
class-weighted cross-entropy (07.6), checked against ``nnlib`` and central
differences. Our solutions are here; ``solution("07.4")`` shows one.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np

from nnlib import functional as F
from nnlib import nn
from nnlib.calculus import numerical_gradient
from nnlib.engine import Value
from nnlib.exercises import (
    AnswerError,
    Feedback,
    NotDone,
    as_array,
    call,
    close,
    correct,
    exercise,
    first_failure,
    wrong,
)
from nnlib.graph import MAX_WIDTH_PX, DrawnGraph, render_svg, to_dot
from nnlib.plots import COLORS, new_figure
from nnlib.widgets import Explorer, int_slider, slider

#: Chapter 07's worked example: one ReLU neuron and a squared error.
NEURON_EXAMPLE = {"x": 2.0, "w": 3.0, "b": 1.0, "target": 15.0}

#: Widest a drawn graph may be, in CSS pixels (the notebook's output column).
MAX_GRAPH_PX = MAX_WIDTH_PX


def neuron_graph(x=2.0, w=3.0, b=1.0, target=15.0):
    """L = (ReLU(w·x + b) - target)² as labelled Values; returns (L, the Values by name)."""
    vx, vw, vb = Value(x, "x"), Value(w, "w"), Value(b, "b")
    wx = vw * vx
    wx.label = "w·x"
    z = wx + vb
    z.label = "z"
    a = z.relu()
    a.label = "a"
    err = a - Value(target, "target")
    err.label = "a - target"
    L = err**2
    L.label = "L"
    return L, {"x": vx, "w": vw, "b": vb, "w·x": wx, "z": z, "a": a, "a - target": err, "L": L}


# ------------------------------------------------------------- drawn graphs


def compact_dot(dot: str) -> str:
    """DOT text from ``nnlib.graph.to_dot`` made compact: top to bottom, low boxes, tight ranks.

    A graph drawn left to right is one row of boxes and soon wider than the
    notebook (the worked neuron is 2,168 px); top to bottom with low boxes it
    is about 725 × 460 px.
    """
    dot = dot.replace("rankdir=LR", "rankdir=TB")
    if "ranksep=" in dot:
        dot = re.sub(r"ranksep=[0-9.]+", "ranksep=0.12", dot)
        dot = re.sub(r"nodesep=[0-9.]+", "nodesep=0.15", dot)
    else:
        dot = dot.replace("rankdir=TB", "rankdir=TB ranksep=0.12 nodesep=0.15", 1)
    return dot.replace("node [", "node [height=0.3 ", 1)


def draw_graph(root: Value, *, show_grad=True, highlight=()) -> DrawnGraph:
    """``draw_dot`` laid out to fit the notebook: top to bottom, compact, at most 860 px wide."""
    dot = to_dot(root, show_grad=show_grad, rankdir="TB", highlight=highlight)
    return DrawnGraph(compact_dot(dot))


# ---------------------------------------------------------------- explorers


def stepper_readout(step: int) -> dict:
    """Backpropagation of the worked neuron, shown up to ``step`` nodes.

    Nodes are revealed in reverse topological order (L first). Returns the
    order, the labels revealed, the DOT text with the other gradients hidden,
    and a sentence explaining the node revealed last.
    """
    L, _ = neuron_graph()
    L.backward()
    order = list(reversed(L.topological_order()))
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= len(order):
        raise ValueError(f"step must be an integer from 0 to {len(order)}, got {step!r}")
    revealed = order[:step]
    if step == 0:
        text = "Press → to start: L is where backpropagation begins."
    else:
        node = revealed[-1]
        name = node.label or f"the constant {node.data:g}"
        if node is L:
            text = "dL/dL = 1: nudging L by ε moves L by ε."
        else:
            terms = []
            for consumer in order[: order.index(node)]:
                for child, local in ((consumer._a, consumer._da), (consumer._b, consumer._db)):
                    if child is node:
                        terms.append(
                            f"dL/d({consumer.label}) × d({consumer.label})/d({name}) "
                            f"= {consumer.grad:g} × {local:g}"
                        )
            text = f"dL/d({name}) = " + " + ".join(terms) + f" = <b>{node.grad:g}</b>"
    dot = compact_dot(to_dot(L, show_grad=revealed, highlight=revealed[-1:], rankdir="TB"))
    return {
        "order": [n.label or f"{n.data:g}" for n in order],
        "revealed": [n.label or f"{n.data:g}" for n in revealed],
        "explanation": text,
        "dot": dot,
    }


def _fit_width(svg: str, label: str = "") -> str:
    """Let an SVG shrink to the width of the notebook instead of being cut off; ``label``
    becomes its text alternative (role="img" with an aria-label)."""
    head, sep, rest = svg.partition("<svg")
    tag, close_, body = rest.partition(">")
    tag = re.sub(r'\sheight="[^"]*"', "", tag)  # keep the width as a maximum, scale down to fit
    named = f' role="img" aria-label="{html.escape(label)}"' if label else ""
    return f'{head}{sep}{tag}{named} style="max-width: 100%; height: auto"{close_}{body}'


def _stepper_html(r: dict) -> str:
    # One line of explanation, then the graph: slider, text and graph fit in about 540 px.
    shown = ", ".join(r["revealed"]) or "none yet"
    label = (
        "Computation graph of L = (ReLU(w·x + b) - 15)², inputs at the top, L at the bottom; "
        f"gradients shown so far: {shown}."
    )
    return (
        f"<p style='margin:0.2em 0;min-height:1.4em'>{r['explanation']}</p>"
        f"{_fit_width(render_svg(r['dot']), label)}"
    )


def backprop_stepper() -> Explorer:
    """Step through backpropagation of L = (ReLU(w·x + b) - 15)², one node at a time."""
    n_nodes = len(neuron_graph()[0].topological_order())
    step = int_slider(
        f"nodes done (of {n_nodes})",
        0,
        0,
        n_nodes,
        tooltip="how many nodes have their gradient worked out, from L backwards",
    )
    return Explorer(
        {"step": step},
        stepper_readout,
        _stepper_html,
        title="Backpropagation, node by node from the output L at the bottom (thick: just done)",
    )


def weight_nudge_readout(dw: float) -> dict:
    """Nudge the worked neuron's weight by dw: the gradient's prediction against the truth."""
    L, v = neuron_graph()
    L.backward()
    new_L = neuron_graph(w=NEURON_EXAMPLE["w"] + dw)[0].data
    return {
        "dw": dw,
        "L": L.data,
        "grad": v["w"].grad,
        "predicted_change": v["w"].grad * dw,
        "actual_change": new_L - L.data,
        "new_L": new_L,
    }


def weight_nudge_explorer(dw: float = 0.1) -> Explorer:
    """Nudge the weight w: the predicted change (gradient × Δw) next to the actual change in L."""
    fig, ax = new_figure(6.4, 3.6)
    w0 = NEURON_EXAMPLE["w"]
    ws = np.linspace(w0 - 2, w0 + 2, 200)
    curve = [neuron_graph(w=float(w))[0].data for w in ws]
    ax.plot(ws, curve, color=COLORS["blue"], lw=2, label="L(w): the loss as w varies")
    (tangent,) = ax.plot(
        [], [], color=COLORS["black"], ls="--", lw=1.2, label="tangent: L + gradient·Δw"
    )
    (actual,) = ax.plot(
        [], [], "o", color=COLORS["blue"], ms=8, label="actual L after the nudge (circle)"
    )
    (predicted,) = ax.plot(
        [], [], "s", color=COLORS["vermillion"], ms=7, label="predicted by the gradient (square)"
    )
    ax.plot([w0], [neuron_graph()[0].data], "o", color=COLORS["black"], ms=6, label="start: w = 3")
    ax.set(xlim=(w0 - 2, w0 + 2), ylim=(0, 200), xlabel="weight w", ylabel="loss L")
    ax.legend(fontsize=8, loc="upper right")

    def draw(r):
        tangent.set_data(ws, r["L"] + r["grad"] * (ws - w0))
        actual.set_data([w0 + r["dw"]], [r["new_L"]])
        predicted.set_data([w0 + r["dw"]], [r["L"] + r["predicted_change"]])
        ax.set_title(
            f"Δw = {r['dw']:+.2f}: predicted {r['predicted_change']:+.2f}, "
            f"actual {r['actual_change']:+.2f}",
            fontsize=10,
        )

    return Explorer(
        {
            "dw": slider(
                "nudge Δw (added to w = 3)",
                dw,
                -1.5,
                1.5,
                0.05,
                tooltip="how far to move the weight w from 3 (w has no units)",
            )
        },
        weight_nudge_readout,
        lambda r: (
            f"gradient dL/dw = {r['grad']:g} &nbsp; predicted change "
            f"{r['grad']:g} × {r['dw']:+.2f} = <b>{r['predicted_change']:+.3f}</b> &nbsp; "
            f"actual change <b>{r['actual_change']:+.3f}</b>"
        ),
        figure=fig,
        draw=draw,
        title="The gradient predicts small nudges well, and big ones less so",
        alt=lambda r: (
            f"The loss L against the weight w, a curve falling from w = 1 to w = 5, with its "
            f"tangent at w = 3. Nudging w by {r['dw']:+.2f}: the gradient predicts a change of "
            f"{r['predicted_change']:+.2f} (square on the tangent); the loss actually changes "
            f"by {r['actual_change']:+.2f} (circle on the curve)."
        ),
    )


# ======================================================================= exercises
#
# 07.1-07.4: the learner's own Scalar. The notebook defines the skeleton
#
#     class Scalar:
#         def __init__(self, data, inputs=(), op=""):
#             self.data, self.grad = float(data), 0.0
#             self._prev, self._op = tuple(inputs), op
#             self._backward = lambda: None
#
# and each exercise adds one method (Scalar.__add__ = add, ...). Every check
# tests its own method alone: 07.1-07.3 make one node with the learner's
# operation, set its .grad and call its _backward() directly; 07.4 builds
# graphs whose nodes carry *our* _backward rules and runs only the learner's
# backward(). So 07.2 passes even while 07.1 is still a placeholder.


#: The skeleton the notebook gives (a teaching cell); the tests check that it is shown verbatim.
SCALAR_SKELETON = '''
class Scalar:
    """Your own Value: a number, its gradient, and how it was made."""

    def __init__(self, data, inputs=(), op=""):
        self.data = float(data)
        self.grad = 0.0  # dL/d(this Scalar); backward() fills it in
        self._prev = tuple(inputs)  # the Scalars this one was computed from
        self._op = op  # "+", "*", "tanh": which operation made it
        self._backward = lambda: None  # passes self.grad on to the inputs; a leaf has none

    def __repr__(self):
        return f"Scalar(data={self.data:.4g}, grad={self.grad:.4g})"
'''.strip()


def _is_class(Scalar) -> None:
    if not isinstance(Scalar, type):
        raise AnswerError(
            f"Expected the class Scalar itself, as in check('07.1', Scalar), got {Scalar!r}."
        )


def _method_missing(Scalar, attr: str, ex_id: str, name: str) -> Feedback | None:
    if getattr(Scalar, attr, None) is None:
        return Feedback(
            None,
            f"Scalar has no {attr} yet: run your answer cell of {ex_id} (the one that ends "
            f"with Scalar.{attr} = {name}), then this check. If you re-ran the cell that "
            "defines Scalar, run the answer cells after it again too.",
        )
    return None


class ScalarMistake(Exception):
    """A structural mistake in the learner's operation (no new Scalar, inputs not kept...)."""


def _inputs_of(node) -> list:
    prev = getattr(node, "_prev", None)
    if prev is None:
        raise ScalarMistake(
            "the new Scalar has no _prev: build it with Scalar(value, inputs, op)."
        )
    return list(prev)


def _one_node(Scalar, op: str, case: dict, name: str) -> np.ndarray:
    """Build one node with the learner's operation, set its grad, call its _backward.

    Returns [out.data, the inputs' grads...].
    """
    same = op == "tanh" or case.get("same", False)
    a = Scalar(case["a"])
    a.grad = case["pre"][0]
    inputs = [a]
    if op == "tanh":
        try:
            out = call(lambda: a.tanh(), name=name)
        except OverflowError as e:
            raise OverflowError(
                f"{e} (at x = {case['a']:g}, e^(2x) is too large for a float; math.tanh(x) "
                "never overflows)"
            ) from None
    else:
        b = a if same else Scalar(case["b"])
        if not same:
            b.grad = case["pre"][1]
            inputs.append(b)
        out = call(lambda: a + b if op == "+" else a * b, name=name)
    if not isinstance(out, Scalar):
        raise ScalarMistake(f"{name} returned {out!r}, not a new Scalar: is `return out` missing?")
    if any(out is v for v in inputs):
        raise ScalarMistake(f"{name} returned an input: it must make a new Scalar.")
    if [v.grad for v in inputs] != list(case["pre"][: len(inputs)]):
        raise ScalarMistake(
            f"{name} changed an input's .grad while computing the value: gradients are "
            "only added inside _backward, which backward() calls later."
        )
    if {id(v) for v in _inputs_of(out)} != {id(v) for v in inputs}:
        kept = "self" if op == "tanh" else "self and other"
        raise ScalarMistake(
            f"the new Scalar's _prev should hold its inputs ({kept}): pass them as the "
            "second argument, as in Scalar(value, (self, other), op)."
        )
    backward_fn = getattr(out, "_backward", None)
    if not callable(backward_fn):
        raise ScalarMistake(
            "the new Scalar has no _backward function: set out._backward = _backward."
        )
    out.grad = case["g"]
    call(backward_fn, name=f"the _backward inside {name}")
    return np.array([out.data, *(v.grad for v in inputs)])


def _reference(op: str, case: dict) -> np.ndarray:
    """The same node with nnlib.engine.Value: out.backward(g) adds g·local to each input."""
    same = op == "tanh" or case.get("same", False)
    a = Value(case["a"])
    a.grad = case["pre"][0]
    inputs = [a]
    if op == "tanh":
        out = a.tanh()
    else:
        b = a if same else Value(case["b"])
        if not same:
            b.grad = case["pre"][1]
            inputs.append(b)
        out = a + b if op == "+" else a * b
    out.backward(case["g"])
    return np.array([out.data, *(v.grad for v in inputs)])


def _assigned(op: str, case: dict) -> np.ndarray:
    """What the operation gives with `=` instead of `+=` in its _backward."""
    ref = _reference(op, {**case, "pre": (0.0, 0.0)})
    if case.get("same"):  # the second assignment overwrites the first: one contribution
        return np.array([ref[0], ref[1] / 2])
    return ref


def _describe_op(op: str, case: dict) -> str:
    pre = case["pre"]
    if op == "tanh" or case.get("same"):
        made = "out = a.tanh()" if op == "tanh" else f"out = a {op} a"
        text = f"a = Scalar({case['a']:g})"
        text += f"; a.grad = {pre[0]:g}" if pre[0] else ""
        shown = "[out.data, a.grad]"
    else:
        made = f"out = a {op} b"
        text = f"a = Scalar({case['a']:g}); b = Scalar({case['b']:g})"
        text += f"; a.grad, b.grad = {pre[0]:g}, {pre[1]:g}" if any(pre) else ""
        shown = "[out.data, a.grad, b.grad]"
    return f"{text}; {made}; out.grad = {case['g']:g}; out._backward()  →  {shown}"


def _op_cases(rng_seed: int) -> list[dict]:
    cases = [
        {"a": 2.0, "b": -3.0, "g": 1.0, "pre": (0.0, 0.0)},
        {"a": 0.5, "b": 4.0, "g": 0.7, "pre": (0.0, 0.0)},
        {"a": 3.0, "same": True, "g": 1.0, "pre": (0.0, 0.0)},
        {"a": 1.5, "b": -2.0, "g": -2.0, "pre": (0.25, -1.0)},
        {"a": -1.25, "same": True, "g": 0.5, "pre": (2.0, 0.0)},
    ]
    rng = np.random.default_rng(rng_seed)
    for _ in range(4):
        a, b, g = (round(float(v), 3) for v in rng.normal(0, 2, 3))
        pre = tuple(round(float(v), 3) for v in rng.normal(0, 1, 2))
        cases.append({"a": a, "b": b, "g": g, "pre": pre})
    return cases


def _check_op(Scalar, op: str, name: str, ex_id: str, slips, cases):
    """Run the learner's operation on every case; feedback for the first that fails, or None."""
    _is_class(Scalar)
    attr = {"+": "__add__", "*": "__mul__", "tanh": "tanh"}[op]
    missing = _method_missing(Scalar, attr, ex_id, name)
    if missing:
        return missing
    try:  # the plainest case first: a mistake of structure gets its own sentence
        _one_node(Scalar, op, cases[0], name)
    except ScalarMistake as e:
        return wrong(f"On the input {_describe_op(op, cases[0])}:\n{e}")
    except NotDone:
        raise
    except Exception:  # reported with its input by first_failure below
        pass

    def diagnose(case, got, want):
        try:
            g = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return None
        if g.shape != want.shape:
            return None
        special = slips(case, g, want)
        if special:
            return special
        if not close(g[0], want[0], rel=1e-9):
            return f"The value out.data is wrong: it should be {want[0]:.6g}."
        n_inputs = len(g) - 1
        if np.allclose(g[1:], case["pre"][:n_inputs], rtol=1e-12):
            return (
                "No input's .grad changed: does _backward add to them, and did you attach "
                "it with `out._backward = _backward`?"
            )
        if case["g"] != 1.0 and np.allclose(g, _reference(op, {**case, "g": 1.0}), rtol=1e-9):
            return (
                "Your _backward ignores out.grad: the chain rule multiplies the local "
                "derivative by out.grad, the gradient arriving from above."
            )
        if (any(case["pre"]) or case.get("same")) and np.allclose(
            g, _assigned(op, case), rtol=1e-9
        ):
            if case.get("same") and op != "tanh":
                where = "here a is both inputs"
            elif op == "tanh":
                where = "here a.grad already held a contribution from elsewhere"
            else:
                where = "here the inputs' .grad already held contributions from elsewhere"
            return (
                f"Use `+=`, not `=`: an input used in several places collects every "
                f"contribution ({where})."
            )
        return None

    return first_failure(
        cases,
        run=lambda case: _one_node(Scalar, op, case, name),
        expected=lambda case: _reference(op, case),
        agree=lambda got, want: close(
            as_array(got, np.shape(want), "the result"), want, rel=1e-9, abs_tol=1e-12
        ),
        describe=lambda case: _describe_op(op, case),
        diagnose=diagnose,
    )


@exercise(
    "07.1",
    title="your Scalar's +",
    answers="Scalar",
    placeholder='''
def add(self, other):
    """self + other as a new Scalar that remembers both inputs (other is a Scalar too).

    Its _backward passes the gradient on: d(a + b)/da = 1 and d(a + b)/db = 1,
    so each input's .grad grows by 1 × out.grad.
    """
    raise NotImplementedError("write the body of add")


Scalar.__add__ = add  # from now on, a + b calls add(a, b)
''',
    solution='''
def add(self, other):
    """self + other as a new Scalar that remembers both inputs (other is a Scalar too).

    Its _backward passes the gradient on: d(a + b)/da = 1 and d(a + b)/db = 1,
    so each input's .grad grows by 1 × out.grad.
    """
    out = Scalar(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += 1.0 * out.grad
        other.grad += 1.0 * out.grad

    out._backward = _backward
    return out


Scalar.__add__ = add  # from now on, a + b calls add(a, b)
''',
    hints=(
        "Three steps: make the result out = Scalar(self.data + other.data, (self, other), '+'); "
        "define a function _backward() inside add; attach it (out._backward = _backward) and "
        "return out.",
        "Inside _backward, out.grad is dL/d(out). The local derivative of a + b is 1 for "
        "each input, so each input's .grad grows by 1 × out.grad.",
        "Write `self.grad += out.grad` and `other.grad += out.grad` (plus, not equals): in "
        "b = a + a, a is both inputs and must receive both contributions, a.grad = 2.",
    ),
)
def check_add(Scalar) -> Feedback:
    """Scalar.__add__: the value, the inputs kept, and a _backward that adds out.grad to both."""
    cases = _op_cases(71)
    failure = _check_op(Scalar, "+", "add", "07.1", lambda case, got, want: None, cases)
    return failure or correct(
        f"Your + agrees with nnlib's Value on {len(cases)} cases, including a + a "
        "(a.grad = 2: both contributions add up) and inputs whose .grad already held something."
    )


def _mul_slips(case, got, want):
    if case.get("same"):
        return None
    a, b, g = case["a"], case["b"], case["g"]
    pa, pb = case["pre"]
    if np.allclose(got[1:], [pa + a * g, pb + b * g], rtol=1e-9):
        return (
            "The local derivatives are swapped: d(a·b)/da is b, the *other* input's value. "
            "So self.grad += other.data * out.grad, and the other way round."
        )
    if np.allclose(got[1:], [pa + g, pb + g], rtol=1e-9):
        return (
            "That is the rule for +. For a·b each input's local derivative is the other's value."
        )
    return None


@exercise(
    "07.2",
    title="your Scalar's *",
    answers="Scalar",
    placeholder='''
def mul(self, other):
    """self * other as a new Scalar that remembers both inputs (other is a Scalar too).

    Local derivatives: d(a·b)/da = b and d(a·b)/db = a.
    """
    raise NotImplementedError("write the body of mul")


Scalar.__mul__ = mul  # from now on, a * b calls mul(a, b)
''',
    solution='''
def mul(self, other):
    """self * other as a new Scalar that remembers both inputs (other is a Scalar too).

    Local derivatives: d(a·b)/da = b and d(a·b)/db = a.
    """
    out = Scalar(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad

    out._backward = _backward
    return out


Scalar.__mul__ = mul  # from now on, a * b calls mul(a, b)
''',
    hints=(
        "The same shape as add: make out, define _backward, attach it, return out. Only the "
        "value and the local derivatives change.",
        "Nudge a by ε and a·b moves by ε·b: the local derivative with respect to a is the "
        "other input's value, b (other.data), and with respect to b it is a.",
        "self.grad += other.data * out.grad and other.grad += self.data * out.grad. With += "
        "a * a gives a.grad = 2a, as d(a²)/da should.",
    ),
)
def check_mul(Scalar) -> Feedback:
    """Scalar.__mul__: value, inputs, and local derivatives b and a times out.grad, accumulated."""
    cases = _op_cases(72)
    failure = _check_op(Scalar, "*", "mul", "07.2", _mul_slips, cases)
    return failure or correct(
        f"Your * agrees with nnlib's Value on {len(cases)} cases, including a * a, where the two "
        "contributions a·g and a·g add up to 2a·g: the derivative of a² is 2a."
    )


def _tanh_cases(rng_seed: int) -> list[dict]:
    cases = [
        {"a": 0.5, "g": 1.0, "pre": (0.0,)},
        {"a": -1.2, "g": 0.7, "pre": (0.0,)},
        {"a": 0.0, "g": -2.0, "pre": (0.0,)},
        {"a": 0.8, "g": 1.5, "pre": (0.25,)},
    ]
    rng = np.random.default_rng(rng_seed)
    for _ in range(3):
        a, g, pre = (round(float(v), 3) for v in rng.normal(0, 1.5, 3))
        cases.append({"a": a, "g": g, "pre": (pre,)})
    cases += [{"a": 400.0, "g": 1.0, "pre": (0.0,)}, {"a": -30.0, "g": 1.0, "pre": (0.0,)}]
    return cases


def _tanh_slips(case, got, want):
    x, g, pre = case["a"], case["g"], case["pre"][0]
    if not np.all(np.isfinite(got)):
        return (
            f"At x = {x:g}, e^(2x) overflows. math.tanh(x) is finite for every x (tanh(400) "
            "is 1.0): use it, and write the slope from the output t."
        )
    if close(got[1], pre + (1 - x * x) * g, rel=1e-9):
        return "The slope of tanh is 1 - t² with t = tanh(x), the *output*, not 1 - x²."
    if close(got[1], pre - (1 - math.tanh(x) ** 2) * g, rel=1e-9):
        return "Check the sign: tanh rises everywhere, so its slope 1 - t² is positive."
    return None


@exercise(
    "07.3",
    title="your Scalar's tanh",
    answers="Scalar",
    placeholder='''
def tanh(self):
    """tanh(self) as a new Scalar with one input.

    Local derivative: d tanh(x)/dx = 1 - t², where t = tanh(x) is the output.
    """
    raise NotImplementedError("write the body of tanh")


Scalar.tanh = tanh  # from now on, a.tanh() calls tanh(a)
''',
    solution='''
def tanh(self):
    """tanh(self) as a new Scalar with one input.

    Local derivative: d tanh(x)/dx = 1 - t², where t = tanh(x) is the output.
    """
    t = math.tanh(self.data)
    out = Scalar(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


Scalar.tanh = tanh  # from now on, a.tanh() calls tanh(a)
''',
    hints=(
        "One input this time: out = Scalar(math.tanh(self.data), (self,), 'tanh'), then a "
        "_backward that adds to self.grad only.",
        "The slope of tanh at x is 1 - tanh(x)², which you can write from the output "
        "t = out.data: 1 - t². No need to compute tanh again.",
        "self.grad += (1 - t**2) * out.grad. Use math.tanh rather than (e^(2x) - 1) / "
        "(e^(2x) + 1): the check tries x = 400, where e^(2x) overflows.",
    ),
)
def check_tanh(Scalar) -> Feedback:
    """Scalar.tanh: the value, one input, local slope 1 - t² times out.grad, accumulated."""
    cases = _tanh_cases(73)
    failure = _check_op(Scalar, "tanh", "tanh", "07.3", _tanh_slips, cases)
    return failure or correct(
        f"Your tanh agrees with nnlib's Value on {len(cases)} inputs, from -30 to 400 (where "
        "the slope 1 - t² is exactly 0: a saturated tanh passes no gradient on)."
    )


# ----------------------------------------------------------------- 07.4 backward

# A program builds a graph: ("leaf", value) or (op, i[, j]) on earlier entries.


def _build(program, make_leaf, ops):
    nodes = []
    for step in program:
        if step[0] == "leaf":
            nodes.append(make_leaf(step[1]))
        else:
            nodes.append(ops[step[0]](*(nodes[i] for i in step[1:])))
    return nodes


def _value_ops():
    return {"+": lambda a, b: a + b, "*": lambda a, b: a * b, "tanh": lambda a: a.tanh()}


def _scalar_ops(Scalar, calls: list | None = None):
    """Our +, * and tanh on the learner's Scalar, with our _backward rules (which note in
    ``calls`` each time they run, to diagnose a wrong order)."""

    def node(data, inputs, op, locals_):
        out = Scalar(data, tuple(inputs), op)

        def _backward():
            if calls is not None:
                calls.append(out)
            for v, d in zip(inputs, locals_, strict=True):
                v.grad += d * out.grad

        out._backward = _backward
        return out

    def add(a, b):
        return node(a.data + b.data, (a, b), "+", (1.0, 1.0))

    def mul(a, b):
        return node(a.data * b.data, (a, b), "*", (b.data, a.data))

    def tanh(a):
        t = math.tanh(a.data)
        return node(t, (a,), "tanh", (1.0 - t * t,))

    return {"+": add, "*": mul, "tanh": tanh}


def _random_program(rng, n_leaves: int, n_ops: int):
    program = [("leaf", round(float(v), 2)) for v in rng.uniform(-1.5, 1.5, n_leaves)]
    for _ in range(n_ops):
        size = len(program)
        op = ["+", "*", "tanh"][int(rng.integers(3))]
        # Prefer recent nodes, so the graph is deep, and reuse old ones, so it has diamonds.
        i = int(size - 1 - rng.integers(min(size, 3)))
        j = int(rng.integers(size))
        program.append((op, i) if op == "tanh" else (op, i, j))
    return program


_NAMES = "abcdefgh"


def _program_text(program) -> str:
    if len(program) > 60:  # the deep chain
        return "x = Scalar(1.5); L = x + x + x + ... + x (5,001 terms: a chain 5,000 nodes deep)"
    names = []
    parts = []
    leaf = 0
    for k, step in enumerate(program):
        if step[0] == "leaf":
            names.append(_NAMES[leaf])
            parts.append(f"{_NAMES[leaf]} = {step[1]:g}")
            leaf += 1
        else:
            name = "L" if k == len(program) - 1 else f"n{k}"
            args = [names[i] for i in step[1:]]
            expr = f"tanh({args[0]})" if step[0] == "tanh" else f"{args[0]} {step[0]} {args[1]}"
            names.append(name)
            parts.append(f"{name} = {expr}")
    leaves = ", ".join(_NAMES[: sum(s[0] == "leaf" for s in program)])
    return "; ".join(parts) + f"; L.backward()  →  the grads of {leaves}"


def _deep_chain():
    return [("leaf", 1.5)] + [("+", k, 0) for k in range(5000)]


def _backward_cases() -> list:
    rng = np.random.default_rng(74)
    return [
        # a·b + c
        [("leaf", 2.0), ("leaf", -3.0), ("leaf", 10.0), ("*", 0, 1), ("+", 3, 2)],
        # L = a + a: a reaches L twice
        [("leaf", 3.0), ("+", 0, 0)],
        # c = a·b; s = tanh(c); t = s·s; L = t + c: c is used near L and far from it
        [("leaf", 0.5), ("leaf", -1.5), ("*", 0, 1), ("tanh", 2), ("*", 3, 3), ("+", 4, 2)],
        # (a·b + a)·tanh(a): a used three times
        [("leaf", 0.8), ("leaf", -0.6), ("*", 0, 1), ("+", 2, 0), ("tanh", 0), ("*", 3, 4)],
        _random_program(rng, 3, 12),
        _random_program(rng, 4, 20),
        _random_program(rng, 3, 30),
        _deep_chain(),
    ]


def _leaf_grads(nodes, program) -> np.ndarray:
    return np.array([n.grad for n, s in zip(nodes, program, strict=True) if s[0] == "leaf"])


def _value_grads(program) -> np.ndarray:
    nodes = _build(program, Value, _value_ops())
    nodes[-1].backward()
    return _leaf_grads(nodes, program)


_VISIT = (
    "A node's _backward ran before every node that uses it had added its share. Calling "
    "_backward in the order you reach the nodes from L is not enough: list the nodes in "
    "topological order (each after its inputs) first, then walk that list from the end."
)


def _backward_slip(Scalar, program) -> str | None:
    """Run the learner's backward() once more, watching which _backward runs when."""
    calls: list = []
    nodes = _build(program, Scalar, _scalar_ops(Scalar, calls))
    root = nodes[-1]
    try:
        root.backward()
    except Exception:  # already reported by first_failure
        return None
    if root.grad != 1.0 and not calls:
        return "Nothing happened: set self.grad = 1 and call each node's _backward()."
    if root.grad == 0.0:
        return "Every gradient is 0: set self.grad = 1 before walking back (dL/dL = 1)."
    counts: dict[int, int] = {}
    for node in calls:
        counts[id(node)] = counts.get(id(node), 0) + 1
    inner = [n for n, step in zip(nodes, program, strict=True) if step[0] != "leaf"]
    if any(counts.get(id(n), 0) > 1 for n in inner):
        return (
            "Some node's _backward ran twice, so its gradient was passed on twice: keep a set "
            "of the nodes already visited, and list each node once."
        )
    if any(counts.get(id(n), 0) == 0 for n in inner):
        return (
            "Some nodes' _backward never ran: your order must hold every node L depends on "
            "(follow each node's _prev, all the way to the leaves)."
        )
    when = {id(n): k for k, n in enumerate(calls)}
    edges = [(c, n) for n in inner for c in n._prev if id(c) in when]  # (input, consumer)
    if edges and all(when[id(c)] < when[id(n)] for c, n in edges):
        return (
            "You walk the topological order from the front: reverse it. Each node must pass "
            "its gradient on after every node that uses it has added its share."
        )
    if any(when[id(c)] < when[id(n)] for c, n in edges):
        return _VISIT
    return None


@exercise(
    "07.4",
    title="your Scalar's backward(), without recursion",
    answers="Scalar",
    placeholder='''
def backward(self):
    """Fill .grad of every Scalar that self depends on with d(self)/d(that Scalar).

    1. List the nodes in topological order (each after all of its inputs), with an
       explicit stack: no recursion, so a graph 5,000 nodes deep works.
    2. Set self.grad = 1 (dL/dL).
    3. Walk the list from the end, calling each node's _backward().
    """
    raise NotImplementedError("write the body of backward")


Scalar.backward = backward  # from now on, L.backward() calls backward(L)
''',
    solution='''
def backward(self):
    """Fill .grad of every Scalar that self depends on with d(self)/d(that Scalar).

    1. List the nodes in topological order (each after all of its inputs), with an
       explicit stack: no recursion, so a graph 5,000 nodes deep works.
    2. Set self.grad = 1 (dL/dL).
    3. Walk the list from the end, calling each node's _backward().
    """
    order, visited = [], set()
    stack = [(self, False)]  # (node, are its inputs listed already?)
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)  # after all of its inputs
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # come back to it once its inputs are done
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
    self.grad = 1.0
    for node in reversed(order):
        node._backward()


Scalar.backward = backward  # from now on, L.backward() calls backward(L)
''',
    hints=(
        "First the order. Keep a list `order`, a set `visited` and a stack (a Python list) "
        "that starts as [self]. A node may join `order` only after all of its inputs "
        "(node._prev) have joined it.",
        "Push pairs (node, inputs_listed). When you pop (node, False) for a node not yet "
        "visited: mark it visited, push (node, True) back, then push (child, False) for each "
        "child. When you pop (node, True), its inputs are all in `order`: append the node.",
        "Then self.grad = 1.0 and `for node in reversed(order): node._backward()`. Reversed "
        "matters: L first, so each node has collected every contribution before it passes "
        "its gradient on.",
    ),
)
def check_backward(Scalar) -> Feedback:
    """Scalar.backward on graphs built with our rules: small, with reuse, random, 5,000 deep."""
    _is_class(Scalar)
    missing = _method_missing(Scalar, "backward", "07.4", "backward")
    if missing:
        return missing
    cases = _backward_cases()
    ops = _scalar_ops(Scalar)

    def run(program):
        nodes = _build(program, Scalar, ops)
        try:
            call(nodes[-1].backward, name="backward")
        except RecursionError:
            raise RecursionError(
                "maximum recursion depth exceeded: a recursive topological sort goes one "
                "Python call deeper per node, and Python stops at about 1,000. Keep your own "
                "stack (a list) instead."
            ) from None
        return _leaf_grads(nodes, program)

    def diagnose(program, got, want):
        try:
            return _backward_slip(Scalar, program)
        except Exception:  # a diagnosis must never hide the report itself
            return None

    failure = first_failure(
        cases,
        run=run,
        expected=_value_grads,
        agree=lambda got, want: close(as_array(got, np.shape(want)), want, rel=1e-9),
        describe=_program_text,
        diagnose=diagnose,
    )
    if failure:
        return failure
    return correct(
        f"Your backward() matches nnlib's Value on {len(cases)} graphs: a·b + c, a + a "
        "(a.grad = 2), nodes reused near and far from L, three random graphs, and a chain "
        "5,000 nodes deep that a recursive version could not walk." + _whole_scalar_note(Scalar)
    )


def _whole_scalar_note(Scalar) -> str:
    """If the learner's +, * and tanh work too, run their whole Scalar end to end."""
    rng = np.random.default_rng(740)
    try:
        for _ in range(3):
            program = _random_program(rng, 3, 15)
            nodes = _build(program, Scalar, _value_ops())
            nodes[-1].backward()
            if not np.allclose(_leaf_grads(nodes, program), _value_grads(program), rtol=1e-9):
                return ""
    except Exception:  # add, mul or tanh not written yet: say nothing
        return ""
    return (
        " And with your own +, * and tanh, your whole Scalar gives nnlib's gradients on "
        "three random expressions: you have written an autograd engine."
    )


# ----------------------------------------------------------- 07.5 Linear backward

_PARTS = ("dX", "dW", "db")


def _linear_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    cases = [
        (np.array([[1.0, 2.0]]), np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[0.5, -0.5]])),
        (
            np.array([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.5]]),
            np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 1.0]]),  # (in, out) = (3, 2)
            np.array([[1.0, -1.0], [0.5, 2.0]]),
        ),
    ]
    rng = np.random.default_rng(75)
    for n, k, m in [(3, 2, 2), (4, 3, 5), (1, 4, 3), (5, 1, 2), (2, 3, 3), (6, 2, 4)]:
        X = rng.normal(size=(n, k)).round(2)
        W = rng.normal(size=(k, m)).round(2)  # (in, out)
        dY = rng.normal(size=(n, m)).round(2)
        cases.append((X, W, dY))
    return cases


def _linear_reference(X, W, dY):
    """nnlib's Linear stores Wᵀ (out, in): give it Wᵀ, and transpose its dW back."""
    layer = nn.Linear(W.shape[0], W.shape[1])
    layer.weight.data[:] = W.T
    layer.bias.data[:] = 0.0
    layer(X)
    layer.zero_grad()
    dX = layer.backward(dY)
    return dX, layer.weight.grad.T.copy(), layer.bias.grad.copy()


def _linear_numerical(X, W, dY):
    """Central differences of L = Σ (X W + b) ⊙ dY, whose gradient with respect to the
    output is exactly dY."""
    b = np.zeros(W.shape[1])
    return (
        numerical_gradient(lambda x: np.sum((x @ W + b) * dY), X),
        numerical_gradient(lambda w: np.sum((X @ w + b) * dY), W),
        numerical_gradient(lambda bb: np.sum((X @ W + bb) * dY), b),
    )


def _short_array(a) -> str:
    return np.array2string(np.asarray(a, dtype=float), precision=4, suppress_small=True)


def _linear_slip(part, X, W, dY, got) -> str | None:
    g = np.asarray(got, dtype=float) if got is not None else None
    n = X.shape[0]
    if g is None:
        return f"{part} is None: return all three, (dX, dW, db)."
    tries = {
        "dX": [
            (
                lambda: dY @ W,
                "dX = dY·Wᵀ, not dY·W: in this layout W has shape (in, out), and "
                "only Wᵀ turns dY's out columns into X's in columns "
                "(dL/dX[n, j] = Σᵢ dY[n, i]·W[j, i]).",
            ),
            (
                lambda: np.zeros_like(X),
                "dX is all zeros: it is the gradient the layer passes "
                "back to the layer before, dY·Wᵀ. Without it nothing earlier can learn.",
            ),
            (lambda: X, "That is X itself. dX is dL/dX = dY·Wᵀ."),
        ],
        "dW": [
            (
                lambda: dY.T @ X,
                "Transposed: that is the chapter's dW for W of shape (out, in). Here W "
                "has shape (in, out), so dW = Xᵀ·dY has that shape "
                "(dL/dW[j, i] = Σₙ X[n, j]·dY[n, i]).",
            ),
            (
                lambda: X.T @ dY / n,
                "Don't divide by N here: the 1/N of a mean loss is already "
                "inside dY. A layer sums its examples' contributions.",
            ),
            (lambda: X.T @ dY * 0, "dW is all zeros."),
        ],
        "db": [
            (
                lambda: dY.sum(axis=1),
                "db summed over the wrong axis: sum over the examples "
                "(axis 0), one number per output.",
            ),
            (
                lambda: dY,
                "db must be summed over the batch: every example uses the same b, so "
                "their gradients add up, one number per output.",
            ),
            (
                lambda: dY.mean(axis=0),
                "That is the mean over the batch; db is the sum (the "
                "1/N, if any, is already inside dY).",
            ),
        ],
    }
    for make, why in tries[part]:
        alt = np.asarray(make(), dtype=float)
        if alt.shape == g.shape and np.allclose(alt, g, rtol=1e-9, atol=1e-12):
            return why
    return None


@exercise(
    "07.5",
    title="a Linear layer's backward pass, in the other layout",
    answers="linear_backward",
    placeholder='''
def linear_backward(X, W, dY):
    """Gradients of a Linear layer Y = X·W + b, with W stored as (in, out), given dY = dL/dY.

    Shapes (rows are examples): X (N, in), W (in, out), dY (N, out).
    Returns (dX, dW, db) with the shapes of X, W and b (out,).
    """
    raise NotImplementedError("write the body of linear_backward")
''',
    solution='''
def linear_backward(X, W, dY):
    """Gradients of a Linear layer Y = X·W + b, with W stored as (in, out), given dY = dL/dY.

    Shapes (rows are examples): X (N, in), W (in, out), dY (N, out).
    Returns (dX, dW, db) with the shapes of X, W and b (out,).
    """
    dX = dY @ W.T  # (N, out)·(out, in) = (N, in): Σ over outputs of dY[n, i]·W[j, i]
    dW = X.T @ dY  # (in, N)·(N, out) = (in, out): Σ over examples of X[n, j]·dY[n, i]
    db = dY.sum(axis=0)  # every example uses the same b
    return dX, dW, db
''',
    hints=(
        "Start from the index form of this layout: Y[n, i] = Σⱼ X[n, j]·W[j, i] + b[i]. "
        "W[j, i] now connects input j to output i. Then let the shapes guide you: dW must "
        "have W's shape (in, out), dX must have X's shape (N, in), db must have shape (out,).",
        "dL/dW[j, i] = Σₙ dY[n, i]·X[n, j]: a sum over the examples n, so it is entry (j, i) "
        "of Xᵀ·dY. dL/dX[n, j] = Σᵢ dY[n, i]·W[j, i]: entry (n, j) of dY·Wᵀ.",
        "dX = dY @ W.T, dW = X.T @ dY, db = dY.sum(axis=0); return dX, dW, db.",
    ),
)
def check_linear_backward(linear_backward) -> Feedback:
    """linear_backward(X, W, dY) against nnlib.nn.Linear and central differences."""
    if not callable(linear_backward):
        raise AnswerError(
            f"Expected a function linear_backward(X, W, dY), got {linear_backward!r}."
        )
    cases = _linear_cases()
    worst = 0.0
    for X, W, dY in cases:
        inputs = (
            f"X = {_short_array(X)}, W = {_short_array(W)}, dY = {_short_array(dY)} "
            f"(N = {X.shape[0]}, in = {X.shape[1]}, out = {W.shape[1]})"
        )
        want = _linear_reference(X, W, dY)
        try:
            got = call(linear_backward, X.copy(), W.copy(), dY.copy(), name="linear_backward")
        except NotDone:
            raise
        except Exception as e:  # the learner's code may raise anything: report it kindly
            return wrong(
                f"On the input {inputs} your code raised {type(e).__name__}: {e}\n"
                "  (check the shapes: X (N, in), W (in, out), dY (N, out))"
            )
        if not isinstance(got, tuple | list) or len(got) != 3:
            return wrong(
                f"On the input {inputs} your code returned {_short_value(got)}: return three "
                "arrays, dX, dW, db, in that order."
            )
        if _same_arrays_other_order(got, want):
            return wrong(
                f"On the input {inputs} your three arrays are right but in another order: "
                "return dX, dW, db (in that order)."
            )
        for part, g, w in zip(_PARTS, got, want, strict=True):
            try:
                ok = g is not None and close(as_array(g, w.shape, part), w, rel=1e-9)
                why = ""
            except AnswerError as e:
                ok, why = False, str(e)
            if not ok:
                lines = [
                    f"the first case that fails is\n  input:    {inputs}",
                    f"  {part} expected: {_short_array(w)}",
                    f"  {part} got:      {_short_value(g)}",
                ]
                if why:
                    lines.append(f"  ({why})")
                slip = _linear_slip(part, X, W, dY, g) if g is None or _numeric(g) else None
                if slip:
                    lines.append(slip)
                return wrong("\n".join(lines))
        numeric = _linear_numerical(X, W, dY)
        for g, num in zip(got, numeric, strict=True):
            worst = max(worst, float(np.max(np.abs(np.asarray(g, dtype=float) - num))))
    return correct(
        f"dX, dW and db agree with nnlib.nn.Linear (given Wᵀ) on {len(cases)} cases of "
        f"different shapes, and with central differences to within {worst:.0e}. Three "
        "products of the same three arrays, in either layout: dW = Xᵀ·dY here is the "
        "chapter's δᵀ·X transposed, as W itself is."
    )


def _numeric(g) -> bool:
    try:
        np.asarray(g, dtype=float)
    except (TypeError, ValueError):
        return False
    return g is not None


def _same_arrays_other_order(got, want) -> bool:
    def arr(g):
        try:
            return np.asarray(g, dtype=float)
        except (TypeError, ValueError):
            return None

    got_arrays = [arr(g) for g in got]
    if any(g is None for g in got_arrays):
        return False

    def matches(g, w):
        return g.shape == w.shape and np.allclose(g, w, rtol=1e-9)

    in_order = all(matches(g, w) for g, w in zip(got_arrays, want, strict=True))
    found = all(any(matches(g, w) for g in got_arrays) for w in want)
    return found and not in_order


def _short_value(g) -> str:
    if isinstance(g, np.ndarray):
        return _short_array(g) + f" (shape {g.shape})"
    text = repr(g)
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------- 07.6 softmax + cross-entropy

# nnlib's own softmax and cross-entropy gradient, kept here so that the check can
# switch them off while the learner's function runs (and still use them itself).
_SOFTMAX, _ONE_HOT, _LOG_SOFTMAX = F.softmax, F.one_hot, F.log_softmax
_SHORTCUTS = ("softmax", "log_softmax", "softmax_backward", "cross_entropy_grad",
              "log_softmax_nll_grad")  # fmt: skip


class _NoShortcuts:
    """While active, nnlib.functional's softmax and cross-entropy gradients raise."""

    def __enter__(self):
        self._saved = {name: getattr(F, name) for name in _SHORTCUTS}

        def refuse(name):
            def refused(*args, **kwargs):
                raise RuntimeError(
                    f"write it with numpy: nnlib's F.{name} is switched off while the check "
                    "runs your function (the exercise is to write that computation yourself)"
                )

            return refused

        for name in _SHORTCUTS:
            setattr(F, name, refuse(name))
        return self

    def __exit__(self, *exc):
        for name, fn in self._saved.items():
            setattr(F, name, fn)
        return False


def _ce_weighted_reference(logits, labels, class_weights):
    c = logits.shape[1]
    w = class_weights[labels]
    return w[:, None] * (_SOFTMAX(logits) - _ONE_HOT(labels, c)) / w.sum()


def _ce_weighted_loss(logits, labels, class_weights):
    w = class_weights[labels]
    nll = -_LOG_SOFTMAX(logits)[np.arange(len(labels)), labels]
    return float(np.sum(w * nll) / w.sum())


def _ce_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    cases = [
        # weights all 1: the plain mean, and ŷ = [0.5, 0.5, 0] with true class 1
        (np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]), np.array([0, 2]), np.ones(3)),
        (np.array([[0.0, 0.0, -1000.0]]), np.array([1]), np.ones(3)),
        # class 1 counts twice, class 2 half
        (
            np.array([[1.0, -2.0, 0.5], [0.3, 0.3, 2.0], [-1.0, 0.0, 1.0]]),
            np.array([2, 0, 1]),
            np.array([1.0, 2.0, 0.5]),
        ),
        # every weight 3: the same gradient as weights 1
        (np.array([[0.5, -0.5], [1.0, 2.0], [0.0, 0.1]]), np.array([0, 1, 1]), np.full(2, 3.0)),
        (
            np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]]),
            np.array([2, 1]),
            np.array([0.2, 1.0, 5.0]),
        ),
    ]
    rng = np.random.default_rng(76)
    for n, c in [(4, 3), (2, 5), (5, 2), (6, 4)]:
        cases.append(
            (
                rng.normal(0, 3, (n, c)).round(2),
                rng.integers(0, c, n),
                rng.uniform(0.1, 4.0, c).round(2),
            )
        )
    return cases


def _ce_slip(logits, labels, class_weights, got, want) -> str | None:
    g = np.asarray(got, dtype=float)
    n, c = logits.shape
    if not np.all(np.isfinite(g)):
        return (
            "Your result holds nan or inf: e^1000 overflows. Subtract each row's largest "
            "logit before exp (softmax does not change), or start from log-softmax."
        )
    p = _SOFTMAX(logits)
    y = _ONE_HOT(labels, c)
    w = class_weights[labels]
    row = w[:, None] / w.sum()  # each row's factor
    tries = [
        (
            w[:, None] * (p - y) / n,
            "You divided by N. The weighted mean divides by the sum of the weights it used, "
            "Σₙ class_weights[labels[n]], so that the factors of the rows add up to 1.",
        ),
        (
            (p - y) / n,
            "You left out the weights: that is the plain mean. Row n is scaled by the "
            "weight of its own label, class_weights[labels[n]], then divided by the sum of "
            "those weights.",
        ),
        (
            w[:, None] * (p - y),
            "The division is missing: divide by the sum of the weights used, "
            "Σₙ class_weights[labels[n]].",
        ),
        (
            w[:, None] * (p - y) / class_weights.sum(),
            "You divided by the sum of all the class weights. Divide by the sum of the "
            "weights of the batch's labels, Σₙ class_weights[labels[n]] (a class can appear "
            "several times in a batch, or not at all).",
        ),
        (
            class_weights[None, :] * (p - y) / w.sum(),
            "You weighted each column by its class. The weight belongs to the example: row n "
            "is scaled by the weight of its true class, class_weights[labels[n]].",
        ),
        (
            class_weights[None, :] * (p - y) / n,
            "You weighted each column by its class and divided by N. Scale row n by "
            "class_weights[labels[n]] and divide by the sum of those weights.",
        ),
        (
            -want,
            "The sign is flipped: it is p - y, not y - p. Raising the true class's logit "
            "must lower the loss, so its entry is negative.",
        ),
        (
            row * (p - labels[:, None]),
            "You subtracted the label number itself. y is one-hot: "
            "subtract 1 only at each row's true class, 0 elsewhere.",
        ),
        (
            row * (p - _ONE_HOT(np.argmax(logits, axis=1), c)),
            "You used the predicted class (argmax of the logits), not the true label.",
        ),
        (row * p, "You left out y: subtract 1 at each row's true class."),
        (
            row * (np.exp(logits - logits.max(axis=1, keepdims=True)) - y),
            "p must be the softmax: divide each row's exponentials by their sum.",
        ),
    ]
    try:
        tries.append(
            (
                row * (p - y.T),
                "The one-hot matrix is transposed: one row per example, with its 1 in the "
                "column of that example's label.",
            )
        )
    except ValueError:  # shapes that cannot be broadcast
        pass
    for alt, why in tries:
        if alt.shape == g.shape and np.allclose(alt, g, rtol=1e-9, atol=1e-12):
            return why
    return None


def _describe_ce(case) -> str:
    logits, labels, class_weights = case
    return (
        f"logits = {_short_array(logits)}, labels = {labels.tolist()}, "
        f"class_weights = {class_weights.tolist()}"
    )


@exercise(
    "07.6",
    title="the gradient of softmax with a class-weighted cross-entropy",
    answers="cross_entropy_grad",
    placeholder='''
def cross_entropy_grad(logits, labels, class_weights):
    """dL/dlogits for the class-weighted mean of the cross-entropy:

        L = Σₙ wₙ·ℓₙ / Σₙ wₙ   with   ℓₙ = -log softmax(logits)[n, labels[n]]
                                and    wₙ = class_weights[labels[n]]

    logits: (N, C) scores, one row per example; labels: (N,) true classes;
    class_weights: (C,) one weight per class. Returns an (N, C) array.
    Write it with numpy; it must stay finite for logits of ±1000.
    """
    raise NotImplementedError("write the body of cross_entropy_grad")
''',
    solution='''
def cross_entropy_grad(logits, labels, class_weights):
    """dL/dlogits for the class-weighted mean of the cross-entropy:

        L = Σₙ wₙ·ℓₙ / Σₙ wₙ   with   ℓₙ = -log softmax(logits)[n, labels[n]]
                                and    wₙ = class_weights[labels[n]]

    logits: (N, C) scores, one row per example; labels: (N,) true classes;
    class_weights: (C,) one weight per class. Returns an (N, C) array.
    Write it with numpy; it must stay finite for logits of ±1000.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)  # every exponent ≤ 0: no overflow
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    y = np.zeros_like(p)
    y[np.arange(n), labels] = 1.0  # one-hot rows
    w = class_weights[labels]  # each example's weight: that of its true class
    return w[:, None] * (p - y) / w.sum()  # row n: wₙ/Σw times dℓₙ/dz = p - y
''',
    hints=(
        "L is a sum of the examples' losses, each with its own factor wₙ / Σw. Example n's "
        "loss ℓₙ depends only on row n of the logits, and its gradient there is p - y "
        "(section 4). So row n of the answer is (wₙ / Σw)·(pₙ - yₙ).",
        "For a stable softmax subtract each row's max first: "
        "shifted = logits - logits.max(axis=1, keepdims=True), then exp and divide by the "
        "row sums. For y: start from zeros and set y[np.arange(N), labels] = 1. Each "
        "example's weight is w = class_weights[labels], one number per row.",
        "Return w[:, None] * (p - y) / w.sum(). With every weight 1 this is (p - y) / N, "
        "the plain mean of the chapter.",
    ),
)
def check_cross_entropy_grad(cross_entropy_grad) -> Feedback:
    """cross_entropy_grad(logits, labels, class_weights) against our weighted (p - y) and
    central differences, with nnlib's softmax switched off while the learner's code runs."""
    if not callable(cross_entropy_grad):
        raise AnswerError(
            "Expected a function cross_entropy_grad(logits, labels, class_weights), "
            f"got {cross_entropy_grad!r}."
        )
    cases = _ce_cases()

    def run(case):
        with _NoShortcuts():
            return call(cross_entropy_grad, *(a.copy() for a in case), name="cross_entropy_grad")

    def diagnose(case, got, want):
        try:
            return _ce_slip(*case, got, want)
        except (TypeError, ValueError):
            return None

    failure = first_failure(
        cases,
        run=run,
        expected=lambda case: _ce_weighted_reference(*case),
        agree=lambda got, want: close(as_array(got, want.shape), want, rel=1e-9, abs_tol=1e-12),
        describe=_describe_ce,
        diagnose=diagnose,
    )
    if failure:
        return failure
    worst = 0.0
    for logits, labels, weights in [cases[0], cases[2], cases[3], *cases[5:]]:  # moderate
        num = numerical_gradient(
            lambda z, labels=labels, weights=weights: _ce_weighted_loss(z, labels, weights),
            logits,
        )
        got = np.asarray(run((logits, labels, weights)), dtype=float)
        worst = max(worst, float(np.max(np.abs(got - num))))
    return correct(
        f"Row n is (wₙ / Σw)·(pₙ - yₙ): right on {len(cases)} batches (logits of ±1000 "
        f"included) and within {worst:.0e} of central differences. With every weight 1 it "
        "is the chapter's (p - y)/N; for ŷ = [0.5, 0.5, 0] and true class 1 you return "
        "[0.5, -0.5, 0]. PyTorch's CrossEntropyLoss(weight=...) computes this weighted mean."
    )
