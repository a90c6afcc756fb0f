"""A live computation graph: move a leaf's slider, watch every node's data and grad change.

Chapter 02 uses it for a first graph, chapter 07 for the backward pass. Two
layers, as for every widget in the course:

- pure functions: ``build`` makes the graph of an expression from named leaf
  values; ``node_table`` lists every node's label, operation, data and grad;
  ``backward_steps`` replays the backward pass one node at a time, with the
  local rule used at each step; ``step_dot`` is the DOT text of one step;
- ``GraphView``, a thin ipywidgets shell: one slider per leaf, a "live" mode
  that redraws the whole graph after each change, and a "step" mode that walks
  the backward pass in reverse topological order, highlighting the node being
  processed and printing the rule, e.g. ``mul: a.grad += b.data × out.grad``.

>>> root = build(lambda a, b, c, f: (a * b + c) * f, {"a": 2, "b": -3, "c": 10, "f": -2})
>>> [(r["label"], r["data"], r["grad"]) for r in node_table(root) if r["op"] == ""]
[('a', 2.0, 6.0), ('b', -3.0, -4.0), ('c', 10.0, -2.0), ('f', -2.0, 4.0)]
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Mapping

import ipywidgets as widgets

from nnlib.engine import Value
from nnlib.graph import MAX_WIDTH_PX, render_svg, svg_size_px, to_dot

__all__ = [
    "MAX_WIDTH",
    "GraphView",
    "backward_steps",
    "build",
    "fit_svg",
    "graph_view",
    "leaf_names",
    "local_rule",
    "node_table",
    "shrinkable",
    "step_dot",
    "svg_width_px",
]

#: The widest picture a chapter shows, in CSS pixels.
MAX_WIDTH = MAX_WIDTH_PX


def _num(x: float) -> str:
    """A number as the graph prints it: 4 significant digits, minus sign '−'."""
    return f"{x:.4g}".replace("-", "−")


def leaf_names(fn: Callable) -> list[str]:
    """The names of ``fn``'s parameters: they name the leaves.

    >>> leaf_names(lambda a, b: a * b)
    ['a', 'b']
    """
    if not callable(fn):
        raise ValueError(f"expected a function of Values such as lambda a, b: a * b, got {fn!r}")
    params = inspect.signature(fn).parameters.values()
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not names:
        raise ValueError(f"expected a function with at least one named input, got {fn!r}")
    return names


def build(fn: Callable, values: Mapping[str, float]) -> Value:
    """Evaluate ``fn`` on leaves named after its parameters, run ``backward()``; return the root.

    Unlabelled results get labels: the root ``out`` and the others ``t1``,
    ``t2``, ... in topological order, so every node can be named in a rule.

    >>> root = build(lambda a, b: a * b, {"a": 2.0, "b": -3.0})
    >>> root.label, root.data, [v.grad for v in root._prev]
    ('out', -6.0, [-3.0, 2.0])
    """
    names = leaf_names(fn)
    if not isinstance(values, Mapping):
        raise ValueError(f"values must be a dict of leaf name → number, got {values!r}")
    missing = [n for n in names if n not in values]
    extra = [n for n in values if n not in names]
    if missing or extra:
        raise ValueError(
            f"values must give exactly the leaves {names}, got {sorted(values)}"
            + (f" (missing {missing})" if missing else "")
            + (f" (unknown {extra})" if extra else "")
        )
    leaves = []
    for n in names:
        v = values[n]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"the value of leaf {n!r} must be a finite number, got {v!r}")
        leaves.append(Value(float(v), n))
    root = fn(*leaves)
    if not isinstance(root, Value):
        raise ValueError(f"fn must return a Value, got {type(root).__name__}: {root!r}")
    order = root.topological_order()
    k = 0
    for node in order:
        if node is root:
            node.label = node.label or "out"
        elif not node.label:
            k += 1
            node.label = f"t{k}"
    root.backward()
    return root


def node_table(root: Value) -> list[dict]:
    """Every node in topological order: index, label, op, data, grad and input indices."""
    order = root.topological_order()
    index = {id(v): i for i, v in enumerate(order)}
    return [
        {
            "index": i,
            "label": v.label,
            "op": v._op,
            "data": v.data,
            "grad": v.grad,
            "inputs": [index[id(c)] for c in v._prev],
        }
        for i, v in enumerate(order)
    ]


_OP_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "neg": "neg"}


def local_rule(node: Value) -> str:
    """The chain rule at ``node`` in words: how its inputs' grads grow.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> out = a * b; out.label = "out"
    >>> local_rule(out)
    'mul: a.grad += b.data × out.grad;  b.grad += a.data × out.grad'
    """
    op, o = node._op, node.label or "out"
    a = node._a.label if node._a is not None else "?"
    b = node._b.label if node._b is not None else "?"
    if op == "+":
        return f"add: {a}.grad += 1 × {o}.grad;  {b}.grad += 1 × {o}.grad"
    if op == "-":
        return f"sub: {a}.grad += 1 × {o}.grad;  {b}.grad += −1 × {o}.grad"
    if op == "*":
        return f"mul: {a}.grad += {b}.data × {o}.grad;  {b}.grad += {a}.data × {o}.grad"
    if op == "/":
        return (
            f"div: {a}.grad += (1 / {b}.data) × {o}.grad;  "
            f"{b}.grad += (−{o}.data / {b}.data) × {o}.grad"
        )
    if op.startswith("**"):
        n = op[2:]
        return f"pow: {a}.grad += {n} × {a}.data^({n} − 1) × {o}.grad"
    if op == "neg":
        return f"neg: {a}.grad += −1 × {o}.grad"
    if op == "relu":
        return f"relu: {a}.grad += (1 if {a}.data > 0 else 0) × {o}.grad"
    if op == "tanh":
        return f"tanh: {a}.grad += (1 − {o}.data²) × {o}.grad"
    if op == "sigmoid":
        return f"sigmoid: {a}.grad += {o}.data × (1 − {o}.data) × {o}.grad"
    if op == "exp":
        return f"exp: {a}.grad += {o}.data × {o}.grad"
    if op == "log":
        return f"log: {a}.grad += (1 / {a}.data) × {o}.grad"
    return f"{op}: {a}.grad += (local slope) × {o}.grad"


def backward_steps(root: Value) -> list[dict]:
    """The backward pass, one node at a time, as a list of states.

    Step 0 seeds the output: out.grad = 1 (dout/dout). Each next step takes
    the next node in reverse topological order that has inputs and applies
    its local rule, ``input.grad += local slope × node.grad``. Each state:
    ``node`` (index in ``node_table`` order), ``rule`` (``local_rule``),
    ``detail`` (the same with numbers), ``grads`` (every node's grad after
    the step) and ``known`` (indices of nodes a gradient has reached).
    The last state's grads equal ``backward()``'s.

    >>> root = build(lambda a, b: a * b, {"a": 2.0, "b": -3.0})
    >>> [s["grads"] for s in backward_steps(root)]
    [[0.0, 0.0, 1.0], [-3.0, 2.0, 1.0]]
    """
    order = root.topological_order()
    index = {id(v): i for i, v in enumerate(order)}
    grads = [0.0] * len(order)
    r = index[id(root)]
    grads[r] = 1.0
    known = {r}
    o = root.label or "out"
    steps = [
        {
            "node": r,
            "rule": f"start: {o}.grad = 1, since ∂{o}/∂{o} = 1",
            "detail": f"{o}.grad = 1",
            "grads": list(grads),
            "known": sorted(known),
        }
    ]
    for node in reversed(order):
        if node._a is None:
            continue
        i = index[id(node)]
        parts = []
        for child, slope in ((node._a, node._da), (node._b, node._db)):
            if child is None:
                continue
            j = index[id(child)]
            add = slope * grads[i]
            grads[j] += add
            known.add(j)
            parts.append(
                f"{child.label}.grad += {_num(slope)} × {_num(grads[i])} = {_num(add)}"
                f" → {_num(grads[j])}"
            )
        steps.append(
            {
                "node": i,
                "rule": local_rule(node),
                "detail": ";  ".join(parts),
                "grads": list(grads),
                "known": sorted(known),
            }
        )
    return steps


def step_dot(root: Value, step: dict | None = None, rankdir: str = "LR") -> str:
    """DOT text of the graph: all grads (``step=None``) or as they stand at one step.

    At a step, nodes the gradient has not reached read "grad ?" and the node
    being processed has a thick border. (Sets the nodes' ``.grad`` to the
    step's values: ``build`` the graph again to get ``backward()``'s back.)
    """
    if step is None:
        return to_dot(root, rankdir=rankdir)
    order = root.topological_order()
    if len(step["grads"]) != len(order):
        raise ValueError(
            f"the step has {len(step['grads'])} grads but the graph has {len(order)} nodes"
        )
    for v, g in zip(order, step["grads"], strict=True):
        v.grad = g
    shown = [order[i] for i in step["known"]]
    return to_dot(root, show_grad=shown, rankdir=rankdir, highlight=[order[step["node"]]])


def svg_width_px(svg: str) -> float:
    """The width Graphviz gave the picture, in CSS pixels (1 pt = 4/3 px); 0 if it has none."""
    try:
        return svg_size_px(svg)[0]
    except ValueError:
        return 0.0


def shrinkable(svg: str) -> str:
    """The SVG made to shrink to the width it is given (never wider than its own width),
    keeping its proportions: a notebook column is narrower than 860 px beside the file
    browser, and a picture wider than its column is cut off at the right edge.

    >>> shrinkable('<svg width="600px" height="60px"><g/></svg>')
    '<svg style="max-width:100%;height:auto" width="600px" height="60px"><g/></svg>'
    """
    return re.sub(r"<svg\b", '<svg style="max-width:100%;height:auto"', svg, count=1)


def fit_svg(svg: str, max_px: float = MAX_WIDTH) -> str:
    """The same picture with width and height in px, scaled down to at most ``max_px`` wide.

    Graphviz writes a viewBox, so the browser scales the drawing with the size.

    >>> fit_svg('<svg width="900pt" height="90pt" viewBox="0 0 900 90">', 600)
    '<svg width="600px" height="60px" viewBox="0 0 900 90">'
    """
    m = re.search(r'<svg([^>]*)\swidth="([\d.]+)(pt|px)?"\s+height="([\d.]+)(pt|px)?"', svg)
    if not m:
        return svg
    to_px = lambda v, unit: float(v) * (4 / 3 if unit in (None, "pt") else 1)  # noqa: E731
    w, h = to_px(m.group(2), m.group(3)), to_px(m.group(4), m.group(5))
    k = min(1.0, max_px / w) if w > 0 else 1.0
    size = f'<svg{m.group(1)} width="{w * k:.0f}px" height="{h * k:.0f}px"'
    return svg[: m.start()] + size + svg[m.end() :]


# ipywidgets draws a slider's handle as <div role="slider"> with no accessible name (its
# description is a separate label), so a screen reader announces "slider" alone and axe-core
# reports it (aria-input-field-name, serious). This invisible helper, placed in the same box,
# gives each handle in the box its slider's description as aria-label, also after a redraw.
_SLIDER_NAMES_ESM = """
export default { render({ el }) {
  el.style.display = "none";
  const name = (box) => {
    for (const s of box.querySelectorAll(".widget-slider")) {
      const label = s.querySelector(".widget-label");
      const text = label ? label.textContent.trim() : "";
      for (const h of s.querySelectorAll("[role='slider']")) {
        if (text && h.getAttribute("aria-label") !== text) h.setAttribute("aria-label", text);
      }
    }
  };
  let observer = null;
  const attach = () => {
    const box = el.parentElement && el.parentElement.closest(".widget-box");
    if (!box) return requestAnimationFrame(attach);
    name(box);
    observer = new MutationObserver(() => name(box));
    observer.observe(box, { childList: true, subtree: true });
  };
  attach();
  return () => observer && observer.disconnect();
} };
"""


def _slider_names():
    """An invisible widget that names the slider handles of the box it sits in (or None)."""
    try:
        import anywidget
    except ImportError:  # the sliders still work; only their accessible names are missing
        return None

    class SliderNames(anywidget.AnyWidget):
        _esm = _SLIDER_NAMES_ESM

    return SliderNames()


class GraphView:
    """One slider per leaf; the graph redrawn with every node's data and grad.

    ``mode`` "live" shows the finished backward pass after each change;
    "step" walks it: ``next()`` and ``back()`` move one node, highlighted,
    with its rule and numbers in the readout. Tests set
    ``view.sliders["a"].value`` and read ``view.root``, ``view.step_index``,
    ``view.readout.value`` and ``view.svg``.
    """

    def __init__(self, fn: Callable, values: Mapping[str, float] | None = None, *, low=-4.0,
                 high=4.0, step=0.1):  # fmt: skip
        self.fn = fn
        names = leaf_names(fn)
        values = dict(values or {})
        start = {n: float(values.get(n, 1.0)) for n in names}
        build(fn, start)  # fails early, with a clear message, on bad input
        self.sliders = {
            n: widgets.FloatSlider(
                value=start[n], min=min(low, start[n]), max=max(high, start[n]), step=step,
                description=n, continuous_update=False, readout_format=".2f",
                style={"description_width": "2em"}, layout=widgets.Layout(width="260px"),
            )
            for n in names
        }  # fmt: skip
        self.mode = widgets.ToggleButtons(
            options=[("live", "live"), ("step through backward", "step")],
            value="live",
            tooltips=["every grad at once", "one node of the backward pass at a time"],
            style={"button_width": "auto"},
        )
        self.back_button = widgets.Button(description="◀ back", tooltip="one step back")
        self.next_button = widgets.Button(description="next ▶", tooltip="process the next node")
        self.readout = widgets.HTML()
        self.picture = widgets.HTML(layout=widgets.Layout(max_width=f"{MAX_WIDTH}px"))
        for s in self.sliders.values():
            s.observe(lambda _c: self.refresh(), names="value")
        self.mode.observe(lambda _c: self._restart(), names="value")
        self.next_button.on_click(lambda _b: self.next())
        self.back_button.on_click(lambda _b: self.back())
        self.step_index = 0
        self.widget = widgets.VBox(
            [
                widgets.HTML("<b>A computation graph: move a leaf, watch data and grad</b>"),
                widgets.HBox(list(self.sliders.values()), layout=widgets.Layout(flex_flow="wrap")),
                widgets.HBox([self.mode, self.back_button, self.next_button]),
                self.readout,
                self.picture,
                *filter(None, [_slider_names()]),
            ],
            layout=widgets.Layout(max_width=f"{MAX_WIDTH}px"),
        )
        self.refresh()

    @property
    def values(self) -> dict[str, float]:
        return {n: s.value for n, s in self.sliders.items()}

    def _restart(self) -> None:
        self.step_index = 0
        self.refresh()

    def next(self) -> None:
        """Process the next node of the backward pass (switches to step mode)."""
        if self.mode.value != "step":
            self.mode.value = "step"  # resets to step 0 and redraws
            return
        self.step_index = min(self.step_index + 1, len(self.steps) - 1)
        self.refresh()

    def back(self) -> None:
        """Undo the last step."""
        self.step_index = max(self.step_index - 1, 0)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the graph from the sliders and redraw."""
        self.root = build(self.fn, self.values)
        self.steps = backward_steps(self.root)
        table = node_table(self.root)
        stepping = self.mode.value == "step"
        self.back_button.disabled = not stepping or self.step_index == 0
        self.next_button.disabled = stepping and self.step_index == len(self.steps) - 1
        if stepping:
            self.step_index = min(self.step_index, len(self.steps) - 1)
            st = self.steps[self.step_index]
            dot = lambda rd: step_dot(self.root, st, rd)  # noqa: E731
            self.readout.value = (
                f"step {self.step_index} of {len(self.steps) - 1}, node "
                f"<b>{table[st['node']]['label']}</b>: <code>{st['rule']}</code><br>"
                f"<code>{st['detail']}</code>"
            )
        else:
            dot = lambda rd: step_dot(self.root, None, rd)  # noqa: E731
            leaves = ", ".join(
                f"∂{self.root.label}/∂{r['label']} = {_num(r['grad'])}"
                for r in table
                if not r["inputs"]
            )
            out = f"{self.root.label} = {_num(self.root.data)}"
            self.readout.value = f"{out};  {leaves}"
        svg = render_svg(dot("LR"))
        if svg_width_px(svg) > MAX_WIDTH:  # too wide left to right: try top to bottom
            tall = render_svg(dot("TB"))
            svg = min(svg, tall, key=svg_width_px)
        self.svg = svg = fit_svg(svg[svg.find("<svg") :], MAX_WIDTH)
        self.picture.value = (
            f'<div style="max-width:{MAX_WIDTH}px" role="img" '
            f'aria-label="computation graph of {self.root.label}">{shrinkable(svg)}</div>'
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def graph_view(fn: Callable, **values: float) -> GraphView:
    """A live graph of ``fn``'s expression, e.g. ``graph_view(lambda a, b: a * b, a=2, b=-3)``."""
    return GraphView(fn, values)
