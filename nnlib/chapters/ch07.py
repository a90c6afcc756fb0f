"""Chapter 07 (Backpropagation): its explorers, and its exercises with their checks and hints.

The notebook is ``notebooks/07_*.ipynb``; it imports this module as ``ch07``.

Exercises: the learner builds a scalar autograd class ``Scalar`` one group of
operations at a time (07.1 ``+``, unary ``-`` and ``-``; 07.2 ``*`` and ``**``
with a number exponent; 07.3 ``tanh`` and ``relu``; 07.4 an iterative
``backward()``), each checked on its own against ``nnlib.engine.Value``, then
trains a neuron and a small MLP with it (``unfinished`` says whether it can);
then writes a ``Linear`` layer's backward pass in the other layout,
Y = X·W + b with W of shape (in, out) (07.5), and the gradient of softmax with
a class-weighted cross-entropy (07.6), checked against ``nnlib`` and central
differences. Solutions and hidden cases: ``nnlib/solutions/ch07.py``.
"""

from __future__ import annotations

import contextlib
import html
import math
import operator
import re
import sys
import warnings

import numpy as np

from nnlib import functional as F
from nnlib import nn
from nnlib.calculus import numerical_gradient
from nnlib.engine import Value
from nnlib.exercises import (
    AnswerError,
    Feedback,
    Opaque,
    Raised,
    as_array,
    call,
    close,
    correct,
    exercise,
    first_failure,
    refusing,
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
    notebook (the worked neuron, with its gradients, is about 2,190 px); top to
    bottom with low boxes it is about 795 × 460 px.
    """
    dot = dot.replace("rankdir=LR", "rankdir=TB")
    if "ranksep=" in dot:
        dot = re.sub(r"ranksep=[0-9.]+", "ranksep=0.12", dot)
        dot = re.sub(r"nodesep=[0-9.]+", "nodesep=0.15", dot)
    else:
        dot = dot.replace("rankdir=TB", "rankdir=TB ranksep=0.12 nodesep=0.15", 1)
    return dot.replace("node [", "node [height=0.3 ", 1)


def draw_graph(root: Value, *, show_grad=True, highlight=(), alt: str = "") -> DrawnGraph:
    """``draw_dot`` laid out to fit the notebook: top to bottom, compact, at most 860 px wide.

    ``alt`` is added to the picture's text alternative (what it shows, in words)."""
    dot = to_dot(root, show_grad=show_grad, rankdir="TB", highlight=highlight)
    nodes = sorted(root.topological_order(), key=lambda v: v.label)
    described = "; ".join(
        f"{v.label or 'a constant'} = {v.data:g}" + (f", gradient {v.grad:g}" if show_grad else "")
        for v in nodes
    )
    text = f"Computation graph, inputs at the top and the output at the bottom: {described}."
    return DrawnGraph(compact_dot(dot), alt=f"{alt}. {text}" if alt else text)


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
            text = "∂L/∂L = 1: nudging L by ε moves L by ε."
        else:
            terms = []
            for consumer in order[: order.index(node)]:
                for child, local in ((consumer._a, consumer._da), (consumer._b, consumer._db)):
                    if child is node:
                        terms.append(
                            f"∂L/∂({consumer.label}) × local derivative "
                            f"= {consumer.grad:g} × {local:g}"
                        )
            text = f"∂L/∂({name}) = " + " + ".join(terms) + f" = <b>{node.grad:g}</b>"
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
            f"gradient ∂L/∂w = {r['grad']:g} &nbsp; predicted change "
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
# 07.1-07.4: the learner's own Scalar. The notebook gives the skeleton below; each
# operation of the class hands its work to a function the learner writes in an
# answer cell (add, mul, tanh, backward), so that an answer cell defines one
# function and nothing else.
#
# Each check tests its own functions alone, in a class of its own: a fresh copy
# of the skeleton whose other operations are ours. The name ``Scalar`` in the
# learner's code means that class while the check runs. 07.1-07.3 build one node
# with the learner's operation, set its .grad and walk back from it with our own
# loop; 07.4 builds graphs whose nodes carry *our* _backward rules (which note
# when they run) and calls only the learner's backward().
#
# Every check is two halves (nnlib.exercises): a probe runs the learner's code on
# one case and returns plain data (values, gradients, the order in which the
# nodes' _backward ran, what the new node looks like); a judge compares those with
# the case's "want" and names the slip. Solutions and hidden cases live in
# nnlib/solutions/ch07.py.

#: The skeleton the notebook gives (a teaching cell); the tests check that it is shown verbatim.
SCALAR_SKELETON = '''
class Scalar:
    """Your own Value: a number, its gradient, and how it was made."""

    def __init__(self, data, inputs=(), op=""):
        self.data = float(data)
        self.grad = 0.0  # ∂L/∂(this Scalar); backward() fills it in
        self._prev = tuple(inputs)  # the Scalars this one was computed from
        self._op = op  # "+", "*", "tanh", ...: which operation made it
        self._backward = lambda: None  # passes self.grad on to the inputs; a leaf has none

    def __repr__(self):
        return f"Scalar(data={self.data:.4g}, grad={self.grad:.4g})"

    # Each operation hands its work to a function that you write below.
    def __add__(self, other):  # a + b runs add(a, b): exercise 07.1
        return add(self, other)

    def __neg__(self):  # -a runs neg(a): exercise 07.1
        return neg(self)

    def __sub__(self, other):  # a - b runs sub(a, b): exercise 07.1
        return sub(self, other)

    def __mul__(self, other):  # a * b runs mul(a, b): exercise 07.2
        return mul(self, other)

    def __pow__(self, n):  # a ** n runs power(a, n), n a plain number: exercise 07.2
        return power(self, n)

    def tanh(self):  # a.tanh() runs tanh(a): exercise 07.3
        return tanh(self)

    def relu(self):  # a.relu() runs relu(a): exercise 07.3
        return relu(self)

    def backward(self):  # L.backward() runs backward(L): exercise 07.4
        return backward(self)
'''.strip()


def _no_backward():
    return None


class _ScalarBase:
    """The skeleton's data part, for the checks' own copies of the class."""

    def __init__(self, data, inputs=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(inputs)
        self._op = op
        self._backward = _no_backward

    def __repr__(self):
        return f"Scalar(data={self.data:.4g}, grad={self.grad:.4g})"


def _node(cls, data, inputs, op, locals_, calls=None, guard=None):
    """A node made by *our* rule: its _backward adds local derivative × out.grad to each input
    (and notes its index in ``calls`` when it runs)."""
    out = cls(data, (), op)
    out._prev = guard.inputs(inputs) if guard is not None else tuple(inputs)

    def _backward():
        if calls is not None:
            calls.append(out._k)
            out._used = out.grad  # the gradient this node passed on
        for v, d in zip(inputs, locals_, strict=True):
            v.grad += d * out.grad

    out._backward = _backward
    return out


def _our_methods(calls=None, guard=None) -> dict:
    """Our operations as methods of a checking class (the ones the exercise is not about)."""

    def add(self, other):
        return _node(type(self), self.data + other.data, (self, other), "+", (1.0, 1.0),
                     calls, guard)  # fmt: skip

    def mul(self, other):
        return _node(type(self), self.data * other.data, (self, other), "*",
                     (other.data, self.data), calls, guard)  # fmt: skip

    def neg(self):
        return _node(type(self), -self.data, (self,), "neg", (-1.0,), calls, guard)

    def sub(self, other):
        return _node(type(self), self.data - other.data, (self, other), "-", (1.0, -1.0),
                     calls, guard)  # fmt: skip

    def power(self, n):
        x = self.data
        return _node(type(self), x**n, (self,), f"**{n:g}", (n * x ** (n - 1),), calls, guard)

    def tanh(self):
        t = math.tanh(self.data)
        return _node(type(self), t, (self,), "tanh", (1.0 - t * t,), calls, guard)

    def relu(self):
        x = self.data
        return _node(type(self), max(x, 0.0), (self,), "relu", (float(x > 0),), calls, guard)

    return {"__add__": add, "__neg__": neg, "__sub__": sub, "__mul__": mul, "__pow__": power,
            "tanh": tanh, "relu": relu}  # fmt: skip


#: Which method of the class each answer function becomes.
_METHOD = {"add": "__add__", "neg": "__neg__", "sub": "__sub__", "mul": "__mul__",
           "power": "__pow__", "tanh": "tanh", "relu": "relu", "backward": "backward"}  # fmt: skip


def _checking_class(answers: dict, calls=None, guard=None) -> type:
    """A fresh Scalar class: our operations, with the learner's functions in their places."""
    methods = _our_methods(calls, guard)
    methods.update({_METHOD[name]: fn for name, fn in answers.items()})
    return type("Scalar", (_ScalarBase,), methods)


_MISSING = object()


@contextlib.contextmanager
def _scalar_means(cls, functions):
    """While the block runs, the name ``Scalar`` in the learner's code means ``cls``."""
    saved = []
    for fn in functions:
        space = getattr(fn, "__globals__", None)
        if isinstance(space, dict) and not any(space is s for s, _ in saved):
            saved.append((space, space.get("Scalar", _MISSING)))
            space["Scalar"] = cls
    try:
        yield
    finally:
        for space, old in reversed(saved):
            if old is _MISSING:
                space.pop("Scalar", None)
            else:
                space["Scalar"] = old


@contextlib.contextmanager
def _quiet():
    """Overflow and 0/0 in the learner's numpy code give inf and nan, judged as such."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _callable(fn, what: str) -> None:
    if isinstance(fn, type) or not callable(fn):
        raise AnswerError(f"Expected a function {what}, got {_short_repr(fn)}.")


def _short_repr(x) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


#: While the learner's Scalar code runs, nnlib's own Value is switched off.
_VALUE_OFF = {"nnlib.engine.Value": "this operation of your Scalar"}

# ------------------------------------------------------- 07.1-07.3 one operation


def _apply_tanh(a):
    return a.tanh()


def _apply_relu(a):
    return a.relu()


#: op -> (answer function, number of Scalar inputs, how to apply it)
_OPS = {
    "+": ("add", 2, operator.add),
    "neg": ("neg", 1, operator.neg),
    "-": ("sub", 2, operator.sub),
    "*": ("mul", 2, operator.mul),
    "**": ("power", 1, operator.pow),  # a ** n, n a plain number
    "tanh": ("tanh", 1, _apply_tanh),
    "relu": ("relu", 1, _apply_relu),
}


def _op_case(op: str, a: float, b: float | None = None, g: float = 1.0, pre=(0.0, 0.0),
             same: bool = False, want=None) -> dict:  # fmt: skip
    """One case of 07.1-07.3: a node out = op(a[, b]); out.grad = g; inputs' grads start at pre.

    For ``**``, ``b`` is the exponent n, a plain number (int or float)."""
    case = {"op": op, "a": float(a), "g": float(g), "pre": tuple(float(p) for p in pre)}
    if _OPS[op][1] == 2:
        case.update(b=float(a if same else b), same=bool(same))
    elif op == "**":
        case["n"] = b
    if want is not None:
        case["want"] = want
    return case


def value_reference(case: dict) -> np.ndarray:
    """[out.data, the inputs' grads] for one case of 07.1-07.3, with nnlib's Value."""
    a = Value(case["a"])
    a.grad = case["pre"][0]
    inputs = [a]
    op = case["op"]
    if op == "**":
        out = a ** case["n"]
    elif _OPS[op][1] == 1:
        out = _OPS[op][2](a)
    else:
        b = a if case.get("same") else Value(case["b"])
        if b is not a:
            b.grad = case["pre"][1]
            inputs.append(b)
        out = _OPS[op][2](a, b)
    out.backward(case["g"])
    return np.array([out.data, *(v.grad for v in inputs)])


def _reaches(out, inputs) -> bool:
    seen, stack = set(), [out]
    while stack and len(seen) < 10_000:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack += list(getattr(node, "_prev", ()) or ())
    return all(id(v) in seen for v in inputs)


def _probe_op(answers: dict, case: dict):
    """Run the learner's operation on one case; what came out, as plain data."""
    op = case["op"]
    name, arity, apply = _OPS[op]
    for fn_name, fn in answers.items():
        _callable(fn, f"{fn_name}(...)")
    cls = _checking_class(answers)
    functions = list(answers.values())
    with _scalar_means(cls, functions), refusing(_VALUE_OFF, *functions), _quiet():
        a = cls(case["a"])
        a.grad = case["pre"][0]
        inputs = [a]
        if arity == 2:
            b = a if case.get("same") else cls(case["b"])
            if b is not a:
                b.grad = case["pre"][1]
                inputs.append(b)
            out = call(apply, a, b, name=name)
        elif op == "**":
            out = call(apply, a, case["n"], name=name)
        else:
            out = call(apply, a, name=name)
        seen = {
            "returned": None if isinstance(out, _ScalarBase) else _short_repr(out),
            "is_input": any(out is v for v in inputs),
            "grads_before": [float(v.grad) for v in inputs],
        }
        if seen["returned"] is not None or seen["is_input"]:
            return seen
        seen["reaches"] = _reaches(out, inputs)
        seen["attached"] = getattr(out, "_backward", None) is not _no_backward
        if not seen["reaches"]:
            return seen
        try:
            data = float(out.data)
        except (TypeError, ValueError):
            got = _short_repr(out.data)
            raise AnswerError(f"out.data should be a number, got {got}.") from None
        out.grad = case["g"]
        _walk_back_from(out, inputs, name)
        seen["values"] = np.array([data, *(float(v.grad) for v in inputs)])
    return seen


def _walk_back_from(out, leaves, name: str) -> None:
    """Call every _backward from ``out`` down to the inputs, each after its consumers."""
    order, seen, stack = [], {id(v) for v in leaves}, [(out, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack += [(c, False) for c in getattr(node, "_prev", ()) if id(c) not in seen]
    for node in reversed(order):
        if not isinstance(node, _ScalarBase):
            why = " (n is a plain number: its _prev is (self,))" if name == "power" else ""
            raise AnswerError(
                f"In {name}, the new Scalar's _prev holds {_short_repr(node)}, which is not a "
                f"Scalar: _prev lists only the Scalars it was computed from{why}."
            )
        fn = getattr(node, "_backward", None)
        if fn is None:
            raise AnswerError(
                f"In {name}, out._backward is None: `out._backward = _backward()` calls the "
                "function at once and stores what it returns (None). Attach the function "
                "itself, without the parentheses: out._backward = _backward."
            )
        if not callable(fn):
            raise AnswerError("a Scalar your operation made has no _backward function.")
        call(fn, name=f"the _backward inside {name}")


def _describe_op(case) -> str:
    op, pre = case["op"], case["pre"]
    if _OPS[op][1] == 1 or case.get("same"):
        made = {"neg": "out = -a", "**": f"out = a ** {case.get('n')!r}"}.get(
            op, f"out = a.{op}()"
        )
        made = f"out = a {op} a" if _OPS[op][1] == 2 else made
        text = f"a = Scalar({case['a']:g})"
        text += f"; a.grad = {pre[0]:g}" if pre[0] else ""
        shown = "[out.data, a.grad]"
    else:
        made = f"out = a {op} b"
        text = f"a = Scalar({case['a']:g}); b = Scalar({case['b']:g})"
        text += f"; a.grad, b.grad = {pre[0]:g}, {pre[1]:g}" if any(pre) else ""
        shown = "[out.data, a.grad, b.grad]"
    return f"{text}; {made}; out.grad = {case['g']:g}; then backward from out  →  {shown}"


def _structure_problem(case: dict, seen: dict) -> str | None:
    """What is wrong with the node itself (not its numbers), from the probe's observations."""
    name = _OPS[case["op"]][0]
    if seen.get("returned") is not None:
        return f"{name} returned {seen['returned']}, not a new Scalar: is `return out` missing?"
    if seen.get("is_input"):
        return f"{name} returned one of its inputs: it must make a new Scalar."
    n_inputs = len(seen["grads_before"])
    if list(seen["grads_before"]) != list(case["pre"][:n_inputs]):
        return (
            f"{name} changed an input's .grad while computing the value: gradients are only "
            "added inside _backward, which backward() calls later."
        )
    if not seen.get("reaches"):
        kept = "self" if _OPS[case["op"]][1] == 1 else "self and other"
        return (
            f"the new Scalar's _prev should hold its inputs ({kept}): pass them as the second "
            "argument, as in Scalar(value, (self, other), op)."
        )
    return None


def _local(case: dict) -> tuple[float, ...]:
    """The local derivatives of the case's operation, one per input (plain numbers)."""
    a, op = case["a"], case["op"]
    if op == "+":
        return (1.0, 1.0)
    if op == "-":
        return (1.0, -1.0)
    if op == "neg":
        return (-1.0,)
    if op == "*":
        return (case["b"], a)
    if op == "**":
        n = case["n"]
        return (n * a ** (n - 1),)
    if op == "relu":
        return (float(a > 0),)
    t = math.tanh(a)
    return (1.0 - t * t,)


def _with_locals(case: dict, locals_, *, assign=False, g=None) -> np.ndarray:
    """[out.data, grads] if the inputs received ``locals_`` × g (``assign``: `=`, not `+=`)."""
    ref = value_reference(case)
    g = case["g"] if g is None else g
    pre = case["pre"]
    if case.get("same"):
        if assign:  # the second assignment overwrites the first
            return np.array([ref[0], locals_[-1] * g])
        return np.array([ref[0], pre[0] + sum(locals_) * g])
    grads = [(0.0 if assign else p) + d * g for p, d in zip(pre, locals_, strict=False)]
    return np.array([ref[0], *grads])


def _op_slip(case: dict, seen: dict, got, want) -> str | None:
    """The likely slip of a wrong result of 07.1-07.3, from plain numbers only."""
    g = np.asarray(got, dtype=float)
    if g.shape != np.shape(want):
        return None
    op, x, grad = case["op"], case["a"], case["g"]
    pre = case["pre"]

    def same(alt) -> bool:
        alt = np.asarray(alt, dtype=float)
        return alt.shape == g.shape and bool(np.allclose(alt, g, rtol=1e-9, atol=1e-12))

    if not np.all(np.isfinite(g)):
        if op == "tanh":
            return (
                f"At x = {x:g}, e^(2x) or e^(-2x) overflows and inf / inf is nan. math.tanh(x) "
                "is finite for every x (tanh(400) is 1.0): use it, and write the slope from "
                "the output t."
            )
        return "Your result holds nan or inf."
    if not close(g[0], want[0], rel=1e-9):
        return f"The value out.data is wrong: it should be {want[0]:.6g}."
    n_inputs = len(g) - 1
    unchanged = bool(np.allclose(g[1:], pre[:n_inputs], rtol=1e-12))
    if unchanged and not seen.get("attached", True):
        return (
            "No input's .grad changed: out has no _backward of its own. Define _backward "
            "inside your function and attach it with `out._backward = _backward`."
        )
    if op == "*" and not case.get("same"):
        a, b = case["a"], case["b"]
        pa, pb = pre
        # .grad where .data belongs: in one line or both (the self line runs first)
        both_a = pa + pb * grad
        variants = [
            [both_a, pb + both_a * grad],
            [both_a, pb + a * grad],
            [pa + b * grad, pb + (pa + b * grad) * grad],
        ]
        if any(same([g[0], *v]) for v in variants) or (
            seen.get("attached") and np.allclose(g[1:], pre[:n_inputs], rtol=1e-12)
        ):
            return (
                "You multiplied by a .grad where the local derivative is a value: the local "
                "derivative of a·b with respect to a is b's value (other.data), not other.grad. "
                "So self.grad += other.data * out.grad, and other.grad += self.data * out.grad."
            )
    if op == "*" and not case.get("same"):
        if same(_with_locals(case, (case["a"], case["b"]))):
            return (
                "The local derivatives are swapped: the local derivative of a·b with respect "
                "to a is b, the *other* input's value. So self.grad += other.data * out.grad, "
                "and the other way round."
            )
        if same(_with_locals(case, (1.0, 1.0))):
            return (
                "That is the rule for +. For a·b each input's local derivative is the other "
                "input's value."
            )
    if op == "neg" and same(_with_locals(case, (1.0,))):
        return (
            "Check the sign: -a falls when a rises, so the local derivative of -a is -1 and "
            "a.grad must fall by out.grad (self.grad -= out.grad, or += -1 × out.grad)."
        )
    if op == "-" and not case.get("same"):
        if same(_with_locals(case, (1.0, 1.0))):
            return (
                "That is the rule for +. In a - b, b's local derivative is -1: b.grad must "
                "fall by out.grad."
            )
        if same(_with_locals(case, (-1.0, 1.0))):
            return (
                "The signs are swapped: a - b grows with a (local derivative 1) and falls "
                "with b (local derivative -1)."
            )
        if same(_with_locals(case, (1.0, 0.0))):
            return "b's .grad never changed: in a - b its local derivative is -1."
    if op == "**":
        n = case["n"]
        if same(_with_locals(case, (n * x**n,))):
            return f"The slope of x^n is n·x^(n-1): the power drops by one (here {n!r} - 1)."
        if same(_with_locals(case, (x ** (n - 1),))):
            return f"The slope of x^n is n·x^(n-1): the factor n (here {n!r}) is missing."
        if same(_with_locals(case, ((n - 1) * x ** (n - 1),))):
            return "The slope of x^n is n·x^(n-1): the factor in front is n, not n - 1."
        if same(_with_locals(case, (n * x ** (n - 1) * x,))):
            return f"The slope of x^n is n·x^(n-1), not n·x^n (here n = {n!r})."
    if op == "relu":
        if same(_with_locals(case, (1.0,))):
            return (
                "ReLU's local derivative is 1 only where x > 0 and 0 elsewhere: here "
                f"x = {x:g}, so nothing passes back (a.grad must not change)."
            )
        if same(_with_locals(case, (max(x, 0.0),))):
            return (
                "That is ReLU's value, not its slope: the local derivative is 1 where x > 0 "
                "and 0 elsewhere."
            )
        if same(_with_locals(case, (float(x < 0),))):
            return "The gate is the wrong way round: the gradient passes where x > 0."
    if op == "tanh":
        t = math.tanh(x)
        if same(_with_locals(case, (1.0 - x * x,))):
            return "The slope of tanh is 1 - t² with t = tanh(x), the *output*, not 1 - x²."
        if same(_with_locals(case, (1.0 - t,))):
            return "The slope of tanh is 1 - t², t squared: you wrote 1 - t."
        if same(_with_locals(case, (-(1.0 - t * t),))):
            return "Check the sign: tanh rises everywhere, so its slope 1 - t² is positive."
        if same(_with_locals(case, (1.0 - math.tanh(t) ** 2,))):
            return "You took tanh twice: t is already tanh(x), so the slope is 1 - t²."
    if op == "**" and (
        same(_with_locals(case, (case["n"] * x ** case["n"] - 1,)))
        or same([want[0], pre[0] + case["n"] * x ** case["n"] - grad])
    ):
        return (
            "x ** n - 1 is (x^n) - 1: Python's ** binds tighter than -. Write "
            "n * x ** (n - 1), with the parentheses."
        )
    if op == "tanh" and same(_with_locals(case, ((1.0 - math.tanh(x)) ** 2,))):
        return "(1 - t)² is not 1 - t²: square t alone, (1 - t**2)."
    local = _local(case)
    if n_inputs == 2 and not case.get("same"):
        for k, who in ((1, "b"), (0, "a")):
            kept = tuple(0.0 if i == k else d for i, d in enumerate(local))
            if local[k] != 0 and same(_with_locals(case, kept)):
                return (
                    f"{who}'s .grad never changed: _backward must add local derivative × "
                    "out.grad to both inputs, self.grad and other.grad."
                )
    if want[0] != grad and same(_with_locals(case, local, g=want[0])):
        return (
            "You multiplied by out.data, the value of out. The chain rule multiplies the local "
            "derivative by out.grad, the gradient ∂L/∂out arriving from above."
        )
    if unchanged:
        return (
            "Your _backward ran, but no input's .grad changed: it must add local derivative × "
            "out.grad to each input's .grad (self.grad += ...)."
        )
    if grad != 1.0 and same(_with_locals(case, _local(case), g=1.0)):
        return (
            "Your _backward ignores out.grad: the chain rule multiplies the local derivative "
            "by out.grad, the gradient ∂L/∂out arriving from above."
        )
    if (any(pre) or case.get("same")) and same(_with_locals(case, _local(case), assign=True)):
        if case.get("same"):
            where = "here a is both inputs"
        elif n_inputs == 1:
            where = "here a.grad already held a contribution from elsewhere"
        else:
            where = "here the inputs' .grad already held contributions from elsewhere"
        return (
            "Use `+=`, not `=`: an input used in several places collects every contribution "
            f"({where})."
        )
    return None


def _judge_op(cases, results, finale: str) -> Feedback:
    for case, seen in zip(cases, results, strict=True):
        got = seen
        if isinstance(seen, dict):
            problem = _structure_problem(case, seen)
            if problem:
                return wrong(f"On the input {_describe_op(case)}:\n{problem}")
            got = seen.get("values")
        elif isinstance(seen, Raised) and seen.type == "OverflowError":
            return wrong(
                f"On the input {_describe_op(case)} your code raised {seen.describe()}\n"
                f"  expected: {_short_array(case['want'])}\n"
                f"At x = {case['a']:g}, e^x or cosh(x) is larger than the largest float "
                "(about 1.8e308). math.tanh(x) never overflows (tanh(400) is 1.0): use it for "
                "the value, and write the slope from the output t = out.data as 1 - t²."
            )
        elif (
            isinstance(seen, Raised)
            and seen.type == "ZeroDivisionError"
            and case["op"] == "**"
            and case["a"] == 0
        ):
            return wrong(
                f"On the input {_describe_op(case)} your code raised {seen.describe()}\n"
                f"  expected: {_short_array(case['want'])}\n"
                "At x = 0, a slope written as n·out.data / x divides by 0. Write it as "
                "n·x^(n-1), n * self.data ** (n - 1), which is finite there (0 for n = 3)."
            )
        failure = first_failure(
            [case],
            got=[got],
            agree=lambda got, want: close(
                as_array(got, np.shape(want), "the result"), want, rel=1e-9, abs_tol=1e-12
            ),
            describe=_describe_op,
            diagnose=lambda c, g, w, seen=seen: _safe(
                _op_slip, c, seen if isinstance(seen, dict) else {}, g, w
            ),
        )
        if failure:
            return failure
    return correct(finale.format(n=len(cases)))


def _safe(fn, *args):
    """A diagnosis never hides the report itself: any trouble in it means no diagnosis."""
    try:
        return fn(*args)
    except Exception:
        return None


def _public_op_cases(op: str, seed: int) -> list[dict]:
    if _OPS[op][1] == 2:
        cases = [
            _op_case(op, 2.0, -3.0),
            _op_case(op, 0.5, 4.0, g=0.7),
            _op_case(op, 3.0, same=True),
            _op_case(op, 1.5, -2.0, g=-2.0, pre=(0.25, -1.0)),
            _op_case(op, -1.25, same=True, g=0.5, pre=(2.0, 0.0)),
        ]
        rng = np.random.default_rng(seed)
        for _ in range(3):
            a, b, g = (round(float(v), 3) for v in rng.normal(0, 2, 3))
            pre = tuple(round(float(v), 3) for v in rng.normal(0, 1, 2))
            cases.append(_op_case(op, a, b, g=g, pre=pre))
    elif op == "neg":
        cases = [
            _op_case(op, 2.0),
            _op_case(op, -1.5, g=0.7),
            _op_case(op, 0.25, g=-2.0, pre=(1.0,)),
        ]
    elif op == "**":
        cases = [
            _op_case(op, -1.5, 3, g=0.5),
            _op_case(op, 3.0, 2),
            _op_case(op, 2.0, -1, pre=(0.5,)),
            _op_case(op, 4.0, 0.5, g=2.0),
            _op_case(op, -2.0, 4, g=-0.25, pre=(1.0,)),
            _op_case(op, 0.0, 3, g=2.0),  # x = 0: a slope written as n·x^n / x divides by 0
        ]
    elif op == "relu":
        cases = [
            _op_case(op, 1.5),
            _op_case(op, -2.0, g=0.7),
            _op_case(op, 3.0, g=-2.0, pre=(0.5,)),
            _op_case(op, -0.5, g=1.5, pre=(-1.0,)),
            _op_case(op, 1e-3, g=2.0),
        ]
    else:
        cases = [
            _op_case(op, 0.5),
            _op_case(op, -1.2, g=0.7),
            _op_case(op, 0.0, g=-2.0),
            _op_case(op, 0.8, g=1.5, pre=(0.25,)),
            _op_case(op, 2.5, g=-0.5, pre=(-1.0,)),
            _op_case(op, 400.0),
            _op_case(op, -30.0),
            _op_case(op, -800.0, g=0.5),
        ]
    for case in cases:
        case["want"] = value_reference(case)  # nnlib's Value: the library, not a solution
    return cases


def _op_probe(*names: str):
    """The probe of an exercise whose answers are the functions ``names``."""

    def probe(*args):
        *functions, case = args
        return _probe_op(dict(zip(names, functions, strict=True)), case)

    probe.__name__ = f"probe_{'_'.join(names)}"
    return probe


def judge_add_sub(cases, results) -> Feedback:
    """add, neg and sub: the value, the inputs kept, the local derivatives (1 and 1; -1;
    1 and -1) times out.grad, accumulated with +=."""
    return _judge_op(
        cases,
        results,
        "Your add, neg and sub agree with nnlib's Value on {n} cases, including a + a "
        "(a.grad = 2: both contributions add up), a - a (they cancel: 0) and inputs whose "
        ".grad already held something.",
    )


exercise(
    "07.1",
    title="your Scalar's + and −",
    answers=("add", "neg", "sub"),
    placeholder='''
def add(self, other):
    """self + other as a new Scalar that remembers both inputs (other is a Scalar too).

    Its _backward passes the gradient on. The local derivative of a + b is 1 with
    respect to a and 1 with respect to b, so each input's .grad grows by 1 × out.grad.
    """
    raise NotImplementedError("write the body of add")


def neg(self):
    """-self as a new Scalar with one input. Local derivative: -1."""
    raise NotImplementedError("write the body of neg")


def sub(self, other):
    """self - other as a new Scalar. Local derivatives: 1 with respect to self, -1 with
    respect to other. (Built from add and neg, or directly: both are right.)"""
    raise NotImplementedError("write the body of sub")
''',
    hints=(
        "Three steps in add: make the result out = Scalar(self.data + other.data, "
        "(self, other), '+'); define a function _backward() inside add; attach it "
        "(out._backward = _backward) and return out. neg and sub have the same shape.",
        "Inside _backward, out.grad is ∂L/∂out. The local derivative of a + b is 1 for each "
        "input, so each input's .grad grows by 1 × out.grad. For -a the local derivative is "
        "-1; for a - b it is 1 for a and -1 for b.",
        "Write `self.grad += out.grad` and `other.grad += out.grad` (plus, not equals): in "
        "b = a + a, a is both inputs and must receive both contributions, a.grad = 2. "
        "sub can simply return self + (-other).",
    ),
    cases=[
        *_public_op_cases("+", 71),
        *_public_op_cases("neg", 0),
        *_public_op_cases("-", 711),
    ],
    judge=judge_add_sub,
)(_op_probe("add", "neg", "sub"))


def judge_mul_power(cases, results) -> Feedback:
    """mul and power: value, inputs, local derivatives (b and a; n·x^(n-1)) times out.grad."""
    return _judge_op(
        cases,
        results,
        "Your mul and power agree with nnlib's Value on {n} cases, including a * a, where "
        "the two contributions a·g and a·g add up to 2a·g (the derivative of a² is 2a), "
        "and exponents 2, 3, -1, 0.5 and 4 (with x = 0 among the inputs).",
    )


exercise(
    "07.2",
    title="your Scalar's * and **",
    answers=("mul", "power"),
    placeholder='''
def mul(self, other):
    """self * other as a new Scalar that remembers both inputs (other is a Scalar too).

    Local derivatives: b with respect to a, and a with respect to b.
    """
    raise NotImplementedError("write the body of mul")


def power(self, n):
    """self ** n as a new Scalar with one input; n is a plain number (int or float),
    not a Scalar. Local derivative: n·x^(n-1), with x = self.data."""
    raise NotImplementedError("write the body of power")
''',
    hints=(
        "The same shape as add: make out, define _backward, attach it, return out. Only the "
        "value and the local derivatives change. power has one Scalar input, self: n is a "
        "plain number and gets no gradient.",
        "Nudge a by ε and a·b moves by ε·b: the local derivative with respect to a is the "
        "other input's value, b (other.data), and with respect to b it is a. For x^n it is "
        "n·x^(n-1) (chapter 02's power rule).",
        "self.grad += other.data * out.grad and other.grad += self.data * out.grad. In power: "
        "out = Scalar(self.data**n, (self,), f'**{n}') and "
        "self.grad += n * self.data ** (n - 1) * out.grad.",
    ),
    cases=[*_public_op_cases("*", 72), *_public_op_cases("**", 0)],
    judge=judge_mul_power,
)(_op_probe("mul", "power"))


def judge_tanh_relu(cases, results) -> Feedback:
    """tanh and relu: the value, one input, local slope (1 - t²; 1 or 0) times out.grad."""
    return _judge_op(
        cases,
        results,
        "Your tanh and relu agree with nnlib's Value on {n} inputs, tanh from -800 to 400 "
        "(where the slope 1 - t² is exactly 0: a saturated tanh passes no gradient on), and "
        "relu on both sides of 0 (a ReLU that is off passes nothing back).",
    )


exercise(
    "07.3",
    title="your Scalar's tanh and relu",
    answers=("tanh", "relu"),
    placeholder='''
def tanh(self):
    """tanh(self) as a new Scalar with one input.

    Local derivative: 1 - t², where t = tanh(x) is the output.
    """
    raise NotImplementedError("write the body of tanh")


def relu(self):
    """max(self, 0) as a new Scalar with one input.

    Local derivative: 1 where x > 0, and 0 elsewhere.
    """
    raise NotImplementedError("write the body of relu")
''',
    hints=(
        "One input this time: out = Scalar(math.tanh(self.data), (self,), 'tanh'), then a "
        "_backward that adds to self.grad only. relu has the same shape.",
        "The slope of tanh at x is 1 - tanh(x)², which you can write from the output "
        "t = out.data: 1 - t². ReLU's slope is a gate: 1 where x > 0, else 0.",
        "self.grad += (1 - t**2) * out.grad. Use math.tanh rather than (e^(2x) - 1) / "
        "(e^(2x) + 1) or sinh/cosh: the check tries x = -800, where e^(2x) and cosh(x) "
        "overflow. In relu: self.grad += (1.0 if self.data > 0 else 0.0) * out.grad.",
    ),
    cases=[*_public_op_cases("tanh", 0), *_public_op_cases("relu", 0)],
    judge=judge_tanh_relu,
)(_op_probe("tanh", "relu"))


# ----------------------------------------------------------------- 07.4 backward

# A program builds a graph: ("leaf", value) or (op, i[, j]) on earlier entries.


class _TooDeep(BaseException):
    """The learner's backward() went too many Python calls deep: it recurses."""


#: How many Python calls below the check a backward() may go; recursion on a graph
#: deeper than this is reported (an iterative walk stays a handful of calls deep).
_MAX_CALL_DEPTH = 60


class _DepthGuard:
    """Watches how deep the Python call stack is whenever a node's _prev is read."""

    def __init__(self):
        self.base = None
        self.inputs = type("_Prev", (_Prev,), {"__slots__": (), "_guard": self})

    def look(self) -> None:
        if self.base is None:
            return
        frame = sys._getframe(2)
        for _ in range(_MAX_CALL_DEPTH):
            if frame is None or frame is self.base:
                return
            frame = frame.f_back
        if frame is None or frame is self.base:
            return
        raise _TooDeep


class _Prev(tuple):
    """A node's inputs, which note the depth of the call stack each time they are read
    (each guard makes its own subclass, holding the guard as ``_guard``)."""

    __slots__ = ()
    _guard: _DepthGuard

    def __iter__(self):
        self._guard.look()
        return super().__iter__()

    def __getitem__(self, k):
        self._guard.look()
        return super().__getitem__(k)

    def __len__(self):
        self._guard.look()
        return super().__len__()


def _build(program, make_leaf, ops):
    nodes = []
    for step in program:
        if step[0] == "leaf":
            node = make_leaf(step[1])
        else:
            node = ops[step[0]](*(nodes[i] for i in step[1:]))
        nodes.append(node)
    return nodes


def _value_ops():
    return {"+": operator.add, "*": operator.mul, "tanh": _apply_tanh}


def value_grads(program) -> np.ndarray:
    """The leaves' gradients of a program's last node, by nnlib's Value."""
    nodes = _build(program, Value, _value_ops())
    nodes[-1].backward()
    return np.array([n.grad for n, s in zip(nodes, program, strict=True) if s[0] == "leaf"])


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


_NAMES = "abcdefghijklmnop"


def _node_names(program) -> list[str]:
    names, leaf = [], 0
    for k, step in enumerate(program):
        if step[0] == "leaf":
            names.append(_NAMES[leaf] if leaf < len(_NAMES) else f"x{leaf}")
            leaf += 1
        else:
            names.append("L" if k == len(program) - 1 else f"n{k}")
    return names


def _program_text(case) -> str:
    program = case["program"]
    if len(program) > 60:  # a deep chain
        return case.get("text", f"a graph of {len(program):,} nodes")
    names = _node_names(program)
    parts = []
    for name, step in zip(names, program, strict=True):
        if step[0] == "leaf":
            parts.append(f"{name} = {step[1]:g}")
        else:
            args = [names[i] for i in step[1:]]
            expr = f"tanh({args[0]})" if step[0] == "tanh" else f"{args[0]} {step[0]} {args[1]}"
            parts.append(f"{name} = {expr}")
    leaves = ", ".join(n for n, s in zip(names, program, strict=True) if s[0] == "leaf")
    return "; ".join(parts) + f"; L.backward()  →  the grads of {leaves}"


def chain_program(depth: int, shortcut: bool = False):
    """x + x + ... (``depth`` additions); with ``shortcut`` L also uses the first sum directly,
    so that node is reached along a path of length 1 and one of length ``depth``."""
    program = [("leaf", 1.5), ("+", 0, 0)] + [("+", k, 0) for k in range(1, depth)]
    if shortcut:
        program.append(("*", len(program) - 1, 1))
    return program


def _backward_case(program, text: str | None = None, want=None) -> dict:
    case = {"program": program}
    if text:
        case["text"] = text
    if want is not None:
        case["want"] = want
    return case


def _public_backward_cases() -> list[dict]:
    rng = np.random.default_rng(74)
    programs = [
        # a·b + c
        [("leaf", 2.0), ("leaf", -3.0), ("leaf", 10.0), ("*", 0, 1), ("+", 3, 2)],
        # L = a + a: a reaches L twice
        [("leaf", 3.0), ("+", 0, 0)],
        # c = a·b; s = tanh(c); t = s·s; L = t + c: c is used near L and far from it
        [("leaf", 0.5), ("leaf", -1.5), ("*", 0, 1), ("tanh", 2), ("*", 3, 3), ("+", 4, 2)],
        # the same graph with L's operands the other way round: L = c + t
        [("leaf", 0.5), ("leaf", -1.5), ("*", 0, 1), ("tanh", 2), ("*", 3, 3), ("+", 2, 4)],
        # (a·b + a)·tanh(a): a used three times
        [("leaf", 0.8), ("leaf", -0.6), ("*", 0, 1), ("+", 2, 0), ("tanh", 0), ("*", 3, 4)],
        _random_program(rng, 3, 12),
        _random_program(rng, 4, 20),
    ]
    cases = [_backward_case(p) for p in programs]
    cases.append(
        _backward_case(
            chain_program(5000),
            "x = Scalar(1.5); L = x + x + x + ... + x (5,001 terms: a chain 5,000 nodes deep)",
        )
    )
    for case in cases:
        case["want"] = value_grads(case["program"])
    return cases


def probe_backward(backward, case):
    """Run the learner's backward() on a graph built with our rules: the leaves' grads, the
    order in which the nodes' _backward ran (their indices), and L.grad afterwards."""
    _callable(backward, "backward(self)")
    calls: list[int] = []
    guard = _DepthGuard()
    cls = _checking_class({"backward": backward}, calls, guard)
    program = case["program"]
    with _scalar_means(cls, [backward]), refusing(_VALUE_OFF, backward), _quiet():
        ops = {"+": cls.__add__, "*": cls.__mul__, "tanh": cls.tanh}
        nodes = _build(program, cls, ops)
        for k, node in enumerate(nodes):
            node._k = k
        root = nodes[-1]
        guard.base = sys._getframe()
        try:
            call(root.backward, name="backward")
        except _TooDeep:
            return {"recursive": True}
        finally:
            guard.base = None
    leaves = [float(n.grad) for n, s in zip(nodes, program, strict=True) if s[0] == "leaf"]
    return {
        "grads": np.array(leaves),
        "order": list(calls),
        "root_grad": float(root.grad),
        "root_used": getattr(root, "_used", None),
    }


_VISIT = (
    "Calling _backward in the order you reach the nodes from L is not enough: list the "
    "nodes in topological order (each after its inputs) first, then walk that list from "
    "the end."
)


def _needed(program) -> list[int]:
    """The indices of the nodes L (the last one) depends on, L included."""
    found, stack = set(), [len(program) - 1]
    while stack:
        k = stack.pop()
        if k not in found:
            found.add(k)
            if program[k][0] != "leaf":
                stack += list(program[k][1:])
    return sorted(found)


def _order_problem(case: dict, seen: dict) -> str | None:
    """What is wrong with the order in which the _backward functions ran (plain data)."""
    program, order = case["program"], list(seen.get("order", []))
    inner = [k for k in _needed(program) if program[k][0] != "leaf"]
    if not order and seen.get("root_grad") != 1.0:
        return "Nothing happened: set self.grad = 1 and call each node's _backward()."
    used = seen.get("root_used")
    if seen.get("root_grad") == 0.0 and used == 1.0:
        return (
            "Every gradient is 0 afterwards, although L passed on ∂L/∂L = 1: your backward() "
            "set the gradients back to 0 after using them. The leaves' .grad are the answer: "
            "leave them (to start afresh, zero them before walking back, not after)."
        )
    if seen.get("root_grad") == 0.0:
        return "Every gradient is 0: set self.grad = 1 before walking back (∂L/∂L = 1)."
    if used == 0.0 and seen.get("root_grad") == 1.0:
        return (
            "You set self.grad = 1 after walking back: L's _backward had already passed on "
            "L.grad while it was still 0. Set it first, then walk the order from the end."
        )
    counts = {k: 0 for k in inner}
    for k in order:
        counts[k] = counts.get(k, 0) + 1
    if any(n > 1 for n in counts.values()):
        return (
            "Some node's _backward ran twice, so its gradient was passed on twice: keep a set "
            "of the nodes already visited, and list each node once."
        )
    if any(n == 0 for n in counts.values()):
        return (
            "Some nodes' _backward never ran: your order must hold every node L depends on "
            "(follow each node's _prev, all the way to the leaves)."
        )
    when = {k: t for t, k in enumerate(order)}
    names = _node_names(program)
    edges = [(i, j) for j in inner for i in set(program[j][1:]) if i in when]  # (input, user)
    late = [(i, j) for i, j in edges if when[i] < when[j]]
    if edges and len(late) == len(edges):
        return (
            "Your walk goes from the inputs towards L: each node passed its gradient on "
            "before the nodes that use it had added their share. Walk a topological list (each "
            "node appended after all of its inputs) from the end: reverse it. A list made in "
            "the order you first reach the nodes from L puts each node before its inputs: that "
            "is not a topological order, reversed or not."
        )
    if late:
        i, j = late[0]
        return (
            f"{names[i]}'s _backward ran before that of {names[j]}, which uses {names[i]}: "
            f"{names[i]} passed its gradient on before it had collected {names[j]}'s share. "
            + _VISIT
        )
    return None


def judge_backward(cases, results) -> Feedback:
    """backward() on graphs built with our rules: right gradients, every node's _backward
    after all of its consumers', once each, and no recursion."""
    for case, seen in zip(cases, results, strict=True):
        if isinstance(seen, dict) and seen.get("recursive"):
            return wrong(
                f"On the input {_program_text(case)}:\nyour backward() went more than "
                f"{_MAX_CALL_DEPTH} Python calls deep: it recurses, one call deeper per node. "
                "Python stops at its recursion limit (about 1,000 calls; raising it with "
                "sys.setrecursionlimit can crash the interpreter on deeper graphs), and graphs "
                "5,000 nodes deep are common. Keep your own stack (a list) instead."
            )
        got = seen.get("grads") if isinstance(seen, dict) else seen
        problem = _safe(_order_problem, case, seen) if isinstance(seen, dict) else None
        failure = first_failure(
            [case],
            got=[got],
            agree=lambda got, want: close(as_array(got, np.shape(want)), want, rel=1e-9),
            describe=_program_text,
            diagnose=lambda c, g, w, p=problem: p,
        )
        if failure:
            return failure
        if problem:
            return wrong(
                f"On the input {_program_text(case)}:\nthe gradients came out right here, but "
                f"the order is not: {problem}"
            )
    return correct(
        f"Your backward() matches nnlib's Value on {len(cases)} graphs (a·b + c, a + a with "
        "a.grad = 2, nodes reused near and far from L, with the operands in both orders, "
        "random graphs, and a chain 5,000 nodes deep), and on every one each node's "
        "_backward ran once, after all the nodes that use it, with no recursion."
    )


exercise(
    "07.4",
    title="your Scalar's backward(), without recursion",
    answers="backward",
    placeholder='''
def backward(self):
    """Fill .grad of every Scalar that self depends on with ∂self/∂(that Scalar).

    1. List the nodes in topological order (each after all of its inputs), with an
       explicit stack: no recursion, so a graph 5,000 nodes deep works.
    2. Set self.grad = 1 (∂L/∂L).
    3. Walk the list from the end, calling each node's _backward().
    """
    raise NotImplementedError("write the body of backward")
''',
    hints=(
        "First the order. Keep a list `order`, a set `visited` and a stack (a Python list) "
        "that starts with self. A node may join `order` only after all of its inputs "
        "(node._prev) have joined it.",
        "Push pairs (node, inputs_listed). When you pop (node, False) for a node not yet "
        "visited: mark it visited, push (node, True) back, then push (child, False) for each "
        "child. When you pop (node, True), its inputs are all in `order`: append the node.",
        "Then self.grad = 1.0 and `for node in reversed(order): node._backward()`. Reversed "
        "matters: L first, so each node has collected every contribution before it passes "
        "its gradient on.",
    ),
    cases=_public_backward_cases(),
    judge=judge_backward,
)(probe_backward)


# ----------------------------------------------------------- 07.5 Linear backward

_PARTS = ("dX", "dW", "db")


def linear_case(X, W, dY, want=None) -> dict:
    case = {"X": np.asarray(X, float), "W": np.asarray(W, float), "dY": np.asarray(dY, float)}
    if want is not None:
        case["want"] = want
    return case


def linear_reference(X, W, dY):
    """nnlib's Linear stores Wᵀ (out, in): give it Wᵀ, and transpose its dW back."""
    layer = nn.Linear(W.shape[0], W.shape[1])
    layer.weight.data[:] = W.T
    layer.bias.data[:] = 0.0
    layer(X)
    layer.zero_grad()
    dX = layer.backward(dY)
    return dX, layer.weight.grad.T.copy(), layer.bias.grad.copy()


def _public_linear_cases() -> list[dict]:
    cases = [
        linear_case([[1.0, 2.0]], [[0.5, -1.0], [2.0, 0.0]], [[0.5, -0.5]]),
        linear_case(
            [[1.0, 0.0, 2.0], [-1.0, 1.0, 0.5]],
            [[1.0, 0.0], [2.0, -1.0], [0.0, 1.0]],  # (in, out) = (3, 2)
            [[1.0, -1.0], [0.5, 2.0]],
        ),
    ]
    rng = np.random.default_rng(75)
    for n, k, m in [(3, 2, 2), (4, 3, 5), (1, 4, 3), (5, 1, 2), (2, 3, 3), (6, 2, 4)]:
        X = rng.normal(size=(n, k)).round(2)
        W = rng.normal(size=(k, m)).round(2)  # (in, out)
        dY = rng.normal(size=(n, m)).round(2)
        cases.append(linear_case(X, W, dY))
    for case in cases:  # nnlib.nn.Linear: the library, not a solution
        case["want"] = linear_reference(case["X"], case["W"], case["dY"])
    return cases


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
    try:
        return np.array2string(np.asarray(a, dtype=float), precision=4, suppress_small=True)
    except (TypeError, ValueError):
        return _short_repr(a)


def _describe_linear(case) -> str:
    X, W, dY = case["X"], case["W"], case["dY"]
    return (
        f"X = {_short_array(X)}, W = {_short_array(W)}, dY = {_short_array(dY)} "
        f"(N = {X.shape[0]}, in = {X.shape[1]}, out = {W.shape[1]})"
    )


def _as_float_array(g):
    if g is None or isinstance(g, str | Raised | Opaque):
        return None
    try:
        arr = np.asarray(g, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def _linear_slip(part, case, got) -> str | None:
    X, W, dY = case["X"], case["W"], case["dY"]
    g = _as_float_array(got)
    n = X.shape[0]
    if got is None:
        return f"{part} is None: return all three, (dX, dW, db)."
    if g is None:
        return None
    tries = {
        "dX": [
            (
                lambda: dY @ W,
                "dX = dY·Wᵀ, not dY·W: in this layout W has shape (in, out), and only Wᵀ turns "
                "dY's out columns into X's in columns (∂L/∂X[n, j] = Σᵢ dY[n, i]·W[j, i]).",
            ),
            (
                lambda: np.zeros_like(X),
                "dX is all zeros: it is the gradient the layer passes back to the layer "
                "before, dY·Wᵀ. Without it nothing earlier can learn.",
            ),
            (lambda: X, "That is X itself. dX is ∂L/∂X = dY·Wᵀ."),
            (
                lambda: dY @ W.T / n,
                "Don't divide by N here: the 1/N of a mean loss is already inside dY.",
            ),
        ],
        "dW": [
            (
                lambda: dY.T @ X,
                "Transposed: that is the chapter's dW for W of shape (out, in). Here W has "
                "shape (in, out), so dW = Xᵀ·dY has that shape "
                "(∂L/∂W[j, i] = Σₙ X[n, j]·dY[n, i]).",
            ),
            (
                lambda: X.T @ dY / n,
                "Don't divide by N here: the 1/N of a mean loss is already inside dY. A layer "
                "sums its examples' contributions.",
            ),
            (lambda: X.T @ dY * 0, "dW is all zeros."),
            (
                lambda: X[-1:].T @ dY[-1:],
                "dW holds the last example's contribution only: `=` where `+=` belongs in a "
                "loop over the examples? Every example adds its share, Xᵀ·dY sums them all.",
            ),
        ],
        "db": [
            (
                lambda: dY.sum(axis=1),
                "db summed over the wrong axis: sum over the examples (axis 0), one number "
                "per output.",
            ),
            (
                lambda: dY,
                "db must be summed over the batch: every example uses the same b, so their "
                "gradients add up, one number per output.",
            ),
            (
                lambda: dY.mean(axis=0),
                "That is the mean over the batch; db is the sum (the 1/N, if any, is already "
                "inside dY).",
            ),
            (
                lambda: dY[-1],
                "db holds the last example's gradient only: every example uses the same b, "
                "so their gradients add up (`+=` in a loop, or dY.sum(axis=0)).",
            ),
        ],
    }
    right = {"dX": dY @ W.T, "dW": X.T @ dY, "db": dY.sum(axis=0)}[part]
    if part == "dX" and g.shape == right.T.shape != right.shape and np.allclose(g.T, right):
        return "dX is transposed: it must have X's shape (N, in). dX = dY·Wᵀ, not W·dYᵀ."
    if part == "db" and g.shape == (1, right.size) and np.allclose(g.ravel(), right):
        if n == 1:  # dY itself and a sum with keepdims look the same here
            return (
                "db must be summed over the batch into one number per output, shape (out,): "
                "dY.sum(axis=0). dY itself, or a sum with keepdims=True, has shape (1, out)."
            )
        return (
            "db has the right numbers but shape (1, out): sum without keepdims, "
            "dY.sum(axis=0), one number per output."
        )
    if part == "db" and g.ndim == 0:
        return (
            "db is a single number: you summed over every axis. Sum over the examples only, "
            "dY.sum(axis=0): one number per output."
        )
    for make, why in tries[part]:
        try:
            alt = np.asarray(make(), dtype=float)
        except ValueError:  # this slip is impossible for these shapes (e.g. dY·W, W not square)
            continue
        if alt.shape == g.shape and np.allclose(alt, g, rtol=1e-9, atol=1e-12):
            return why
    return None


def _same_arrays_other_order(got, want) -> bool:
    arrays = [_as_float_array(g) for g in got]
    if any(g is None for g in arrays):
        return False

    def matches(g, w):
        return g.shape == w.shape and np.allclose(g, w, rtol=1e-9)

    in_order = all(matches(g, w) for g, w in zip(arrays, want, strict=True))
    found = all(any(matches(g, w) for g in arrays) for w in want)
    return found and not in_order


def judge_linear_backward(cases, results) -> Feedback:
    """linear_backward(X, W, dY) against nnlib.nn.Linear (given Wᵀ) and central differences."""
    worst = 0.0
    for case, got in zip(cases, results, strict=True):
        want = case["want"]
        inputs = _describe_linear(case)
        if isinstance(got, Raised):
            failure = first_failure([case], got=[got], describe=_describe_linear)
            return replace_message(
                failure, "\n  (check the shapes: X (N, in), W (in, out), dY (N, out))"
            )
        if not isinstance(got, tuple | list) or len(got) != 3:
            return wrong(
                f"On the input {inputs} your code returned {_short_repr(got)}: return three "
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
                slip = _safe(_linear_slip, part, case, g)
                if slip:
                    lines.append(slip)
                return wrong("\n".join(lines))
        numeric = _linear_numerical(case["X"], case["W"], case["dY"])
        for g, num in zip(got, numeric, strict=True):
            worst = max(worst, float(np.max(np.abs(np.asarray(g, dtype=float) - num))))
    return correct(
        f"dX, dW and db agree with nnlib.nn.Linear (given Wᵀ) on {len(cases)} cases of "
        f"different shapes, and with central differences to within {worst:.0e}. The "
        "same two products and one sum in either layout: dW = Xᵀ·dY here is the "
        "chapter's δᵀ·X transposed, as W itself is."
    )


def replace_message(fb: Feedback, more: str) -> Feedback:
    return Feedback(fb.passed, fb.message + more, fb.check)


def _short_value(g) -> str:
    if isinstance(g, np.ndarray):
        return _short_array(g) + f" (shape {g.shape})"
    return _short_repr(g)


@exercise(
    "07.5",
    title="a Linear layer's backward pass, in the other layout",
    answers="linear_backward",
    placeholder='''
def linear_backward(X, W, dY):
    """Gradients of a Linear layer Y = X·W + b, with W stored as (in, out), given dY = ∂L/∂Y.

    Shapes (rows are examples): X (N, in), W (in, out), dY (N, out).
    Returns (dX, dW, db) with the shapes of X, W and b (out,).
    """
    raise NotImplementedError("write the body of linear_backward")
''',
    hints=(
        "Start from the index form of this layout: Y[n, i] = Σⱼ X[n, j]·W[j, i] + b[i]. "
        "W[j, i] now connects input j to output i. Then let the shapes guide you: dW must "
        "have W's shape (in, out), dX must have X's shape (N, in), db must have shape (out,).",
        "∂L/∂W[j, i] = Σₙ dY[n, i]·X[n, j]: a sum over the examples n, so it is entry (j, i) "
        "of Xᵀ·dY. ∂L/∂X[n, j] = Σᵢ dY[n, i]·W[j, i]: entry (n, j) of dY·Wᵀ.",
        "dX = dY @ W.T, dW = X.T @ dY, db = dY.sum(axis=0); return dX, dW, db.",
    ),
    cases=_public_linear_cases(),
    judge=judge_linear_backward,
)
def probe_linear_backward(linear_backward, case):
    """The learner's linear_backward(X, W, dY) on one case, nnlib's Linear switched off."""
    _callable(linear_backward, "linear_backward(X, W, dY)")
    with refusing({"nnlib.nn.Linear": "a Linear layer's backward pass"}, linear_backward):
        with _quiet():
            args = (case["X"].copy(), case["W"].copy(), case["dY"].copy())
            return call(linear_backward, *args, name="linear_backward")


# --------------------------------------------------- 07.6 softmax + cross-entropy

#: What 07.6 asks the learner to write, switched off while their function runs.
_CE_SHORTCUTS = {
    f"nnlib.functional.{name}": "the gradient of softmax with cross-entropy"
    for name in ("softmax", "log_softmax", "softmax_backward", "cross_entropy_grad",
                 "log_softmax_nll_grad", "log_softmax_backward")
}  # fmt: skip


def ce_loss(logits, labels, class_weights) -> float:
    """The class-weighted mean of the cross-entropy, L = Σₙ wₙ·ℓₙ / Σₙ wₙ (nnlib's log-softmax)."""
    w = class_weights[labels]
    nll = -F.log_softmax(logits)[np.arange(len(labels)), labels]
    return float(np.sum(w * nll) / w.sum())


def ce_case(logits, labels, class_weights, want=None) -> dict:
    case = {
        "logits": np.asarray(logits, dtype=float),
        "labels": np.asarray(labels, dtype=np.int64),
        "class_weights": np.asarray(class_weights, dtype=float),
    }
    if want is not None:
        case["want"] = np.asarray(want, dtype=float)
    return case


def _softmax_rows(z, axis=1):
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _ce_candidates(case) -> list[tuple[np.ndarray | None, str]]:
    """The gradients the usual slips give on one batch, each with the sentence that names
    it (always in the same order; None where a slip makes no sense for this batch)."""
    logits, labels, class_weights = case["logits"], case["labels"], case["class_weights"]
    want = case["want"]
    n, c = logits.shape
    with _quiet():
        p = F.softmax(logits)
        y = F.one_hot(labels, c)
        w = class_weights[labels]
        row = w[:, None] / w.sum()  # each row's factor
        e_naive = np.exp(logits)
        e_global = np.exp(logits - logits.max())
        e_col = np.exp(logits - logits.max(axis=0, keepdims=True))
        e_mean = np.exp(logits - logits.mean(axis=1, keepdims=True))
        tries = [
            (
                row * (e_naive / e_naive.sum(axis=1, keepdims=True) - y),
                "Your result holds nan or inf: e^z overflows for large logits (e^710 is "
                "already inf, and inf / inf is nan). Subtract each row's largest logit before "
                "exp (softmax does not change), or start from log-softmax.",
            ),
            (
                row * (e_global / e_global.sum(axis=1, keepdims=True) - y),
                "You subtracted one number for the whole batch (the largest logit of all the "
                "rows). A row far below it underflows to all zeros and 0/0 is nan: subtract "
                "each row's own max, logits.max(axis=1, keepdims=True).",
            ),
            (
                row * (e_col / e_col.sum(axis=1, keepdims=True) - y),
                "You subtracted each column's max (axis=0). The shift must be per row, per "
                "example: logits.max(axis=1, keepdims=True).",
            ),
            (
                row * (e_mean / e_mean.sum(axis=1, keepdims=True) - y),
                "Subtracting each row's mean is not enough: a row whose logits differ by "
                "thousands still overflows. Subtract each row's max.",
            ),
            (
                row * (_softmax_rows(logits, axis=0) - y),
                "Your softmax runs over axis 0, down the columns (across the examples). Each "
                "example's probabilities are its own row: normalise over axis=1.",
            ),
            (
                w[:, None] * (p - y) / n,
                "You divided by N. The weighted mean divides by the sum of the weights it "
                "used, Σₙ class_weights[labels[n]], so that the factors of the rows add up to 1.",
            ),
            (
                (p - y) / n,
                "You left out the weights: that is the plain mean. Row n is scaled by the "
                "weight of its own label, class_weights[labels[n]], then divided by the sum "
                "of those weights.",
            ),
            (
                w[:, None] * (p - y),
                "The division is missing: divide by the sum of the weights used, "
                "Σₙ class_weights[labels[n]].",
            ),
            (
                w[:, None] * (p - y) / class_weights.sum(),
                "You divided by the sum of all the class weights. Divide by the sum of the "
                "weights of the batch's labels, Σₙ class_weights[labels[n]] (a class can "
                "appear several times in a batch, or not at all).",
            ),
            (
                class_weights[None, :] * (p - y) / w.sum(),
                "You weighted each column by its class. The weight belongs to the example: "
                "row n is scaled by the weight of its true class, class_weights[labels[n]].",
            ),
            (
                class_weights[None, :] * (p - y) / n,
                "You weighted each column by its class and divided by N. Scale row n by "
                "class_weights[labels[n]] and divide by the sum of those weights.",
            ),
            (
                -np.asarray(want),
                "The sign is flipped: it is p - y, not y - p. Raising the true class's logit "
                "must lower the loss, so its entry is negative.",
            ),
            (
                row * (p - labels[:, None]),
                "You subtracted the label number itself. y is one-hot: subtract 1 only at "
                "each row's true class, 0 elsewhere.",
            ),
            (
                row * (p - F.one_hot(np.argmax(logits, axis=1), c)),
                "You used the predicted class (argmax of the logits), not the true label.",
            ),
            (row * p, "You left out y: subtract 1 at each row's true class."),
            (
                row * (np.exp(logits - logits.max(axis=1, keepdims=True)) - y),
                "p must be the softmax: divide each row's exponentials by their sum.",
            ),
        ]
        tries.append(
            (
                row * (p - y.T) if n == c else None,
                "The one-hot matrix is transposed: one row per example, with its 1 in the "
                "column of that example's label.",
            )
        )
        y_cols = np.zeros_like(p)
        y_cols[:, labels] = 1.0
        e_row = np.exp(logits - logits.max(axis=1, keepdims=True))
        tries += [
            (
                row * (p - y_cols),
                "y[:, labels] = 1 puts a 1 in every row of each label's column. Each row gets "
                "one 1, at its own label: y[np.arange(N), labels] = 1.",
            ),
            (
                row * (e_row / e_row.sum() - y),
                "Your softmax divides by the sum over the whole batch. Each row is divided by "
                "its own sum: .sum(axis=1, keepdims=True).",
            ),
            (
                row * (p - y) / n,
                "You divided by N as well as by the sum of the weights. The weighted mean "
                "divides by Σₙ class_weights[labels[n]] only.",
            ),
            (
                (w[:, None] * p - y) / w.sum(),
                "The weight multiplies p only: it scales the whole row p - y, "
                "w[:, None] * (p - y).",
            ),
        ]
    return tries


def _matches(alt, got) -> bool:
    if alt is None or not isinstance(got, np.ndarray) or alt.shape != got.shape:
        return False
    return bool(np.allclose(alt, got.astype(float), rtol=1e-9, atol=1e-12, equal_nan=True))


def _ce_slip(case, got, want, others=()) -> str | None:
    """The slip behind a wrong gradient: preferably one that explains the learner's result
    on every batch (``others``: the other (case, result) pairs), else on this one."""
    g = np.asarray(got, dtype=float)
    here = _ce_candidates(case)
    found = [k for k, (alt, _) in enumerate(here) if _matches(alt, g)]
    for k in found:
        if all(_matches(_ce_candidates(c)[k][0], r) for c, r in others):
            return here[k][1]
    if found:
        return here[found[0]][1]
    if not np.all(np.isfinite(g)):
        return (
            "Your result holds nan or inf: look for e^z of a large logit (overflow) or 0/0 "
            "(a row whose exponentials all underflowed). Subtract each row's own max first."
        )
    return None


def _describe_ce(case) -> str:
    return (
        f"logits = {_short_array(case['logits'])}, labels = {case['labels'].tolist()}, "
        f"class_weights = {case['class_weights'].tolist()}"
    )


def _ce_agree(got, want) -> bool:
    g = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else got
    if isinstance(g, np.ndarray) and g.shape == want.shape and not np.all(np.isfinite(g)):
        return False  # nan or inf: reported with the numbers and its diagnosis, not as a shape
    return close(as_array(got, want.shape, "the gradient"), want, rel=1e-9, abs_tol=1e-12)


def judge_cross_entropy_grad(cases, results) -> Feedback:
    """cross_entropy_grad against the weighted (p - y) and central differences."""
    computed = [(c, r) for c, r in zip(cases, results, strict=True) if isinstance(r, np.ndarray)]
    failure = first_failure(
        cases,
        got=results,
        agree=_ce_agree,
        describe=_describe_ce,
        diagnose=lambda case, got, want: _safe(_ce_slip, case, got, want, computed),
    )
    if failure:
        first = next(
            (r for c, r in zip(cases, results, strict=True) if not _safe(_ce_agree, r, c["want"])),
            None,
        )
        if isinstance(first, Raised) and "broadcast" in first.message:
            return replace_message(
                failure,
                "\nnumpy could not line up an array with the (N, C) logits. The usual causes: "
                "a per-row max or sum taken without keepdims=True, of shape (N,) instead of "
                "(N, 1); the examples' weights not made a column, w[:, None]; or "
                "class_weights (one per class) used where one weight per example, "
                "class_weights[labels], belongs.",
            )
        return failure
    worst = 0.0
    for case, got in zip(cases, results, strict=True):
        logits = case["logits"]
        if np.abs(logits).max() > 50:  # central differences only where they are accurate
            continue
        num = numerical_gradient(
            lambda z, c=case: ce_loss(z, c["labels"], c["class_weights"]), logits
        )
        worst = max(worst, float(np.max(np.abs(np.asarray(got, dtype=float) - num))))
    return correct(
        f"Row n is (wₙ / Σw)·(pₙ - yₙ): right on {len(cases)} batches (rows thousands apart, "
        f"all-equal rows and logits of ±1e308 included) and within {worst:.0e} of central "
        "differences. With every weight 1 it is the chapter's (p - y)/N; for p = [0.5, 0.5, 0] "
        "and true class 1 you return [0.5, -0.5, 0]. PyTorch's CrossEntropyLoss(weight=...) "
        "computes this weighted mean."
    )


def _public_ce_inputs() -> list[tuple]:
    inputs = [
        # every weight 1: the plain mean; an all-equal row
        ([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]], [0, 2], [1.0, 1.0, 1.0]),
        # p = [0.5, 0.5, 0] with true class 1: the chapter's worked example
        ([[0.0, 0.0, -1000.0]], [1], [1.0, 1.0, 1.0]),
        # class 1 counts twice, class 2 half
        ([[1.0, -2.0, 0.5], [0.3, 0.3, 2.0], [-1.0, 0.0, 1.0]], [2, 0, 1], [1.0, 2.0, 0.5]),
        # every weight 3: the same gradient as weights 1
        ([[0.5, -0.5], [1.0, 2.0], [0.0, 0.1]], [0, 1, 1], [3.0, 3.0]),
        ([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]], [2, 1], [0.2, 1.0, 5.0]),
        # rows thousands apart, and an all-equal row
        ([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0], [3.0, 3.0, 3.0]], [0, 2, 1],
         [1.0, 2.0, 0.5]),
        # the largest floats there are
        ([[1e308, -1e308], [-1e308, 1e308], [1e308, 1e308]], [1, 1, 0], [1.0, 2.0]),
    ]  # fmt: skip
    rng = np.random.default_rng(76)
    for n, c in [(4, 3), (2, 5), (5, 2), (6, 4)]:
        inputs.append(
            (
                rng.normal(0, 3, (n, c)).round(2).tolist(),
                rng.integers(0, c, n).tolist(),
                rng.uniform(0.1, 4.0, c).round(2).tolist(),
            )
        )
    return inputs


#: Each public batch's expected gradient, written out (nnlib/solutions/ch07.py computes them;
#: tests/test_ch07.py checks that the two agree).
_CE_WANTS = [
    [
        [-0.17049943055701605, 0.12121648535235696, 0.04928294520465909],
        [0.16666666666666666, 0.16666666666666666, -0.33333333333333337],
    ],
    [
        [0.5, -0.5, 0.0],
    ],
    [
        [0.08624984230694654, 0.004294126795653432, -0.09054396910259997],
        [-0.24748625563334903, 0.03822803008093669, 0.2092582255524123],
        [0.05144604181164598, -0.4315837308258299, 0.3801376890141839],
    ],
    [
        [-0.08964714045666504, 0.08964714045666504],
        [0.08964714045666504, -0.08964714045666504],
        [0.15834027084035332, -0.15834027084035332],
    ],
    [
        [0.8333333333333334, 0.0, -0.8333333333333334],
        [0.0, 0.0, 0.0],
    ],
    [
        [-0.09564544120719377, 0.06992242030137076, 0.02572302090582299],
        [0.03496121015068538, 0.012861510452911494, -0.04782272060359689],
        [0.19047619047619047, -0.380952380952381, 0.19047619047619047],
    ],
    [
        [0.4, -0.4],
        [0.0, 0.0],
        [-0.1, 0.1],
    ],
    [
        [-0.31551705786094725, 0.2870264529139799, 0.028490604946967344],
        [-0.26702610299380997, 0.26692812580254444, 9.79771912654886e-05],
        [0.002402101226302643, 0.02674490172016735, -0.029147002946469998],
        [-0.3150594534794812, 0.005448372457849502, 0.3096110810216317],
    ],
    [
        [
            -0.849506543744429,
            0.39203449325631584,
            0.0001315129213361933,
            0.4554790985958181,
            0.001861438970958748,
        ],
        [
            0.012601148496419776,
            0.01285570858192359,
            -0.04631737026246807,
            0.01752779594055919,
            0.003332717243565497,
        ],
    ],
    [
        [0.1786050484340405, -0.1786050484340405],
        [0.15103055613948949, -0.15103055613948946],
        [-0.2221996242405996, 0.2221996242405996],
        [0.17867061414406246, -0.1786706141440625],
        [0.0002976911210681915, -0.0002976911210681992],
    ],
    [
        [0.060259385588813275, 0.0005704432080266662, -0.0609101805263477, 8.035172950777137e-05],
        [-0.1848236253677071, 0.0017516370919010758, 0.1813721198835727, 0.001699868392233298],
        [0.010761852912004119, -0.03018861405117816, 0.00039693122250096996, 0.019029829916673072],
        [4.259467368096653e-06, 0.00020420902905994093, -0.06003138714457526, 0.05982291864814724],
        [-0.1490066738390706, 0.01180649856445147, 0.13681779890487683, 0.00038237636974230174],
        [-0.24309934156310922, 0.009493544906895995, 0.0007051195501736309, 0.2329006771060396],
    ],
]


def _public_ce_cases() -> list[dict]:
    pairs = zip(_public_ce_inputs(), _CE_WANTS, strict=True)
    return [ce_case(*args, want=want) for args, want in pairs]


@exercise(
    "07.6",
    title="the gradient of softmax with a class-weighted cross-entropy",
    answers="cross_entropy_grad",
    placeholder='''
def cross_entropy_grad(logits, labels, class_weights):
    """∂L/∂logits for the class-weighted mean of the cross-entropy:

        L = Σₙ wₙ·ℓₙ / Σₙ wₙ   with   ℓₙ = -log softmax(logits)[n, labels[n]]
                                and    wₙ = class_weights[labels[n]]

    logits: (N, C) scores, one row per example; labels: (N,) true classes;
    class_weights: (C,) one weight per class. Returns an (N, C) array.
    Write it with numpy; it must stay finite for any finite logits, even ±1e308.
    """
    raise NotImplementedError("write the body of cross_entropy_grad")
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
    cases=_public_ce_cases(),
    judge=judge_cross_entropy_grad,
)
def probe_cross_entropy_grad(cross_entropy_grad, case):
    """The learner's cross_entropy_grad on one batch, nnlib's softmax and its kin switched off."""
    _callable(cross_entropy_grad, "cross_entropy_grad(logits, labels, class_weights)")
    args = (case["logits"].copy(), case["labels"].copy(), case["class_weights"].copy())
    with refusing(_CE_SHORTCUTS, cross_entropy_grad), _quiet():
        return call(cross_entropy_grad, *args, name="cross_entropy_grad")


# ------------------------------------------------------------ the payoff: training


def unfinished(namespace: dict) -> list[str]:
    """The exercises among 07.1-07.4 whose check does not say Correct yet, for the
    answers found in ``namespace`` (a notebook's ``globals()``): the training cells use
    the learner's Scalar only when this is empty."""
    from nnlib.exercises import get

    missing = []
    for ex_id in ("07.1", "07.2", "07.3", "07.4"):
        ex = get(ex_id)
        if ex.run(*(namespace.get(name, ...) for name in ex.answers)).passed is not True:
            missing.append(ex_id)
    return missing
