"""Computation graphs: DOT text, and SVG with or without a system Graphviz."""

import html
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nnlib import Value
from nnlib.chapters.ch02 import build_graph
from nnlib.graph import (
    MAX_WIDTH_PX,
    DrawnGraph,
    draw_dot,
    graphviz_backend,
    render_svg,
    svg_size_px,
    to_dot,
)

ROOT = Path(__file__).resolve().parent.parent


def path_without_dot() -> str:
    """This process's PATH with every folder that holds a `dot` program removed."""
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    keep = [d for d in keep if not os.path.exists(os.path.join(d, "dot"))]
    return os.pathsep.join(keep)


def syllabus_graph():
    """L = (a·b + c)·f with a = 2, b = -3, c = 10, f = -2 (chapter 02's graph)."""
    return build_graph()[0]


def test_to_dot_shows_label_data_and_grad():
    L = syllabus_graph()
    L.backward()
    dot = to_dot(L)
    assert "rankdir=LR" in dot
    assert "{ a | data 2.000 | grad 6.000 }" in dot
    assert "{ b | data -3.000 | grad -4.000 }" in dot
    assert "{ L | data -8.000 | grad 1.000 }" in dot
    # 7 values, 3 operations; each operation has 2 inputs and 1 output
    assert dot.count("shape=record") == 7
    assert dot.count("shape=ellipse") == 3
    assert dot.count("->") == 9


def test_to_dot_is_deterministic_and_can_hide_grads():
    assert to_dot(syllabus_graph()) == to_dot(syllabus_graph())
    assert "grad" not in to_dot(syllabus_graph(), show_grad=False)


def test_to_dot_escapes_record_characters():
    v = Value(1.0, label="{x|y}<z>")
    assert r"\{x\|y\}\<z\>" in to_dot(v)


def test_to_dot_rejects_non_values():
    with pytest.raises(TypeError, match="expects a Value, got float"):
        to_dot(1.0)


def test_draw_dot_returns_svg_for_jupyter():
    g = draw_dot(syllabus_graph())
    assert isinstance(g, DrawnGraph)
    svg = g._repr_svg_()
    assert "<svg" in svg and "data -8.000" in html.unescape(svg)
    assert "edges" in repr(g)


def test_save(tmp_path):
    out = tmp_path / "g.svg"
    draw_dot(syllabus_graph()).save(out)
    assert out.read_text().lstrip().startswith("<?xml")


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz here")
def test_system_graphviz_is_preferred_when_installed():
    assert graphviz_backend() == "system"


def test_wasm_graphviz_draws_when_dot_is_hidden(monkeypatch):
    monkeypatch.setenv("PATH", path_without_dot())
    assert graphviz_backend() == "wasm"
    svg = render_svg(to_dot(syllabus_graph()))
    assert "<svg" in svg and "data 4.000" in svg


def test_500_nodes_draw_in_under_a_second():
    x = Value(0.5, "x")
    y = x
    for i in range(166):  # each step adds a constant, an operation and a result: 3 nodes
        y = y * 0.99 if i % 2 else y + 0.01
    y.backward()
    render_svg("digraph { a -> b }")  # warm up (the wasm build compiles once)
    t = time.perf_counter()
    svg = draw_dot(y).svg
    elapsed = time.perf_counter() - t
    assert svg.count('<g id="node') == 1 + 3 * 166  # 499 nodes
    assert elapsed < 1.0, f"drawing 499 nodes took {elapsed:.2f} s"


def test_graph_in_a_fresh_process_without_dot():
    """What a learner without Graphviz gets: a new Python, `dot` nowhere on PATH."""
    code = (
        "from nnlib import Value; from nnlib.graph import draw_dot, graphviz_backend;"
        "a = Value(2.0, 'a'); L = a * a; L.backward();"
        "print(graphviz_backend()); print(draw_dot(L)._repr_svg_()[:400])"
    )
    env = dict(os.environ, PATH=path_without_dot())
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("wasm\n") and "<svg" in r.stdout


def test_chapter_00_draws_its_graph_without_dot():
    """Run chapter 00 in a kernel that cannot see `dot`: the graph cell still shows an SVG."""
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {}})
    env = dict(os.environ, PATH=path_without_dot(), MPLBACKEND="Agg")
    client.execute(env=env, cwd=str(ROOT / "notebooks"))
    graph_cells = [c for c in nb.cells if c.cell_type == "code" and "draw_dot(L)" in c.source]
    assert graph_cells, "chapter 00 no longer draws a graph"
    outputs = graph_cells[0].outputs
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Graphviz used: wasm" in printed
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert svgs and "<svg" in svgs[0]


def test_to_dot_can_reveal_some_gradients_and_highlight():
    L = syllabus_graph()
    L.backward()
    dot = to_dot(L, show_grad=[L], highlight=[L])
    assert "{ L | data -8.000 | grad 1.000 }" in dot
    assert dot.count("grad ?") == 6
    assert dot.count("penwidth=3") == 1


def _neuron():
    """A neuron with two inputs, o = tanh(x1·w1 + x2·w2 + b): 1,700 px wide left to right."""
    x1, x2, w1, w2 = (Value(v, n) for v, n in [(2, "x1"), (0, "x2"), (-3, "w1"), (1, "w2")])
    b = Value(6.88, "b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    return o


@pytest.mark.parametrize("build", [syllabus_graph, _neuron], ids=["chapter 02", "neuron"])
def test_drawn_graphs_fit_860_px_at_full_size(build):
    L = build()
    wide = svg_size_px(render_svg(to_dot(L), max_width_px=None))[0]
    assert wide > MAX_WIDTH_PX, "the test needs a graph too wide to draw left to right"
    g = draw_dot(L)
    assert svg_size_px(g.svg)[0] <= MAX_WIDTH_PX
    assert "rankdir=TB" in g.source  # drawn top to bottom instead, not shrunk
    assert 'width="' in g.svg and "pt" in g.svg.split("<svg", 1)[1].split(">", 1)[0]


def test_small_graphs_stay_left_to_right():
    a = Value(2.0, "a")
    g = draw_dot(a * a)
    assert "rankdir=LR" in g.source and svg_size_px(g.svg)[0] <= MAX_WIDTH_PX


def test_huge_graphs_are_scaled_to_fit():
    y = x = Value(0.5, "x")
    for _ in range(30):
        y = (y * x).tanh()
    svg = draw_dot(y).svg
    assert svg_size_px(svg)[0] == pytest.approx(MAX_WIDTH_PX, abs=1)
    assert "viewBox" in svg  # scaled by the browser, the drawing itself is unchanged
    assert svg_size_px(render_svg(to_dot(y)))[0] <= MAX_WIDTH_PX  # render_svg fits too


def test_graph_shows_with_alt_text():
    data = draw_dot(syllabus_graph())._repr_mimebundle_()
    assert data["text/html"].startswith('<img src="data:image/svg+xml;base64,')
    assert 'alt="Computation graph: 7 values' in data["text/html"]
    assert "<svg" in data["image/svg+xml"] and data["text/plain"].startswith("Computation")
    with pytest.raises(ValueError, match="no width and height"):
        svg_size_px("<svg></svg>")
