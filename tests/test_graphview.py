"""The live computation graph: pure functions checked by numbers, the shell by its state."""

import itertools
import math

import pytest

from nnlib.engine import Value
from nnlib.gradcheck import gradcheck
from nnlib.graphview import (
    MAX_WIDTH,
    GraphView,
    backward_steps,
    build,
    fit_svg,
    graph_view,
    leaf_names,
    local_rule,
    node_table,
    step_dot,
    svg_width_px,
)

EXPR = lambda a, b, c, f: (a * b + c) * f  # noqa: E731
VALUES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}


def test_build_labels_and_backpropagates():
    root = build(EXPR, VALUES)
    table = node_table(root)
    assert [r["label"] for r in table] == ["a", "b", "t1", "c", "t2", "f", "out"]
    assert root.data == -8.0
    grads = {r["label"]: r["grad"] for r in table}
    # out = (a·b + c)·f: d/da = b·f, d/db = a·f, d/dc = f, d/df = a·b + c
    assert grads == {"a": 6.0, "b": -4.0, "t1": -2.0, "c": -2.0, "t2": -2.0, "f": 4.0, "out": 1.0}
    assert table[2]["op"] == "*" and table[2]["inputs"] == [0, 1]


def test_gradients_agree_with_central_differences():
    f = lambda a, b, c, d: ((a * b).tanh() + c / d).sigmoid() * (a - d) ** 2  # noqa: E731
    vals = {"a": 0.3, "b": -1.2, "c": 2.0, "d": 1.5}
    root = build(f, vals)
    table = {r["label"]: r["grad"] for r in node_table(root)}
    leaves = [Value(v, k) for k, v in vals.items()]
    result = gradcheck(f, leaves)
    assert result.passed, str(result)
    for leaf in leaves:
        assert table[leaf.label] == pytest.approx(leaf.grad, rel=1e-12)


def test_backward_steps_walk_reverse_topological_order_to_the_engine_grads():
    root = build(EXPR, VALUES)
    steps = backward_steps(root)
    table = node_table(root)
    assert [table[s["node"]]["label"] for s in steps] == ["out", "out", "t2", "t1"]
    assert steps[0]["grads"][-1] == 1.0 and steps[0]["known"] == [6]
    assert steps[1]["rule"] == "mul: t2.grad += f.data × out.grad;  f.grad += t2.data × out.grad"
    assert steps[1]["detail"] == "t2.grad += −2 × 1 = −2 → −2;  f.grad += 4 × 1 = 4 → 4"
    assert steps[-1]["grads"] == [r["grad"] for r in table]
    assert steps[-1]["known"] == list(range(7))
    # each step only adds nodes to what is known
    for before, after in itertools.pairwise(steps):
        assert set(before["known"]) <= set(after["known"])


def test_a_value_used_twice_accumulates_in_the_steps():
    root = build(lambda a: a * a + a, {"a": 3.0})
    assert backward_steps(root)[-1]["grads"][0] == 7.0  # d/da (a² + a) = 2a + 1


@pytest.mark.parametrize(
    ("make", "rule"),
    [
        (lambda a, b: a + b, "add: a.grad += 1 × out.grad;  b.grad += 1 × out.grad"),
        (lambda a, b: a - b, "sub: a.grad += 1 × out.grad;  b.grad += −1 × out.grad"),
        (
            lambda a, b: a / b,
            "div: a.grad += (1 / b.data) × out.grad;  b.grad += (−out.data / b.data) × out.grad",
        ),
        (lambda a, b: a**3, "pow: a.grad += 3 × a.data^(3 − 1) × out.grad"),
        (lambda a, b: -a, "neg: a.grad += −1 × out.grad"),
        (lambda a, b: a.relu(), "relu: a.grad += (1 if a.data > 0 else 0) × out.grad"),
        (lambda a, b: a.tanh(), "tanh: a.grad += (1 − out.data²) × out.grad"),
        (lambda a, b: a.sigmoid(), "sigmoid: a.grad += out.data × (1 − out.data) × out.grad"),
        (lambda a, b: a.exp(), "exp: a.grad += out.data × out.grad"),
        (lambda a, b: a.log(), "log: a.grad += (1 / a.data) × out.grad"),
    ],
)
def test_local_rules(make, rule):
    a, b = Value(2.0, "a"), Value(4.0, "b")
    out = make(a, b)
    out.label = "out"
    assert local_rule(out) == rule


def test_step_dot_hides_unreached_grads_and_highlights_the_node():
    root = build(EXPR, VALUES)
    steps = backward_steps(root)
    first = step_dot(root, steps[0])
    assert first.count("grad ?") == 6 and "penwidth=3" in first
    last = step_dot(root, steps[-1])
    assert "grad ?" not in last and "grad -4.000" in last
    assert "grad ?" not in step_dot(build(EXPR, VALUES))
    with pytest.raises(ValueError, match="the step has 3 grads but the graph has 7 nodes"):
        step_dot(root, {"grads": [0, 0, 0], "known": [], "node": 0})


def test_svg_sizes():
    assert svg_width_px('<svg width="600pt" height="10pt">') == 800
    assert svg_width_px('<svg width="600px" height="10px">') == 600
    assert svg_width_px("<p>") == 0
    assert fit_svg('<svg width="300pt" height="30pt" viewBox="0 0 300 30">') == (
        '<svg width="400px" height="40px" viewBox="0 0 300 30">'
    )
    assert fit_svg("<p>no svg</p>") == "<p>no svg</p>"


def test_hostile_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="expected a function of Values"):
        leaf_names(3)
    with pytest.raises(ValueError, match="at least one named input"):
        leaf_names(lambda *args: 0)
    with pytest.raises(ValueError, match=r"exactly the leaves \['a', 'b'\].*missing \['b'\]"):
        build(lambda a, b: a * b, {"a": 1.0})
    with pytest.raises(ValueError, match=r"unknown \['z'\]"):
        build(lambda a: a, {"a": 1.0, "z": 2.0})
    with pytest.raises(ValueError, match="leaf 'a' must be a finite number, got nan"):
        build(lambda a: a, {"a": math.nan})
    with pytest.raises(ValueError, match="must return a Value, got float"):
        build(lambda a: 1.0, {"a": 1.0})
    with pytest.raises(ValueError, match="a dict of leaf name"):
        build(lambda a: a, [1.0])


def test_view_redraws_on_slider_change():
    view = graph_view(EXPR, **VALUES)
    assert set(view.sliders) == {"a", "b", "c", "f"}
    assert "out = −8" in view.readout.value and "∂out/∂a = 6" in view.readout.value
    before = view.svg
    view.sliders["a"].value = 1.0  # out = (1·-3 + 10)·-2 = -14
    assert view.root.data == -14.0
    assert "out = −14" in view.readout.value and view.svg != before
    assert "data &#45;14.00" in view.svg and svg_width_px(view.svg) <= MAX_WIDTH


def test_view_steps_through_the_backward_pass():
    view = GraphView(EXPR, VALUES)
    view.next()  # switches to step mode, at step 0
    assert view.mode.value == "step" and view.step_index == 0
    assert "start: out.grad = 1" in view.readout.value
    assert view.back_button.disabled
    view.next()
    assert view.step_index == 1 and "mul: t2.grad += f.data × out.grad" in view.readout.value
    for _ in range(10):
        view.next()
    assert view.step_index == 3 and view.next_button.disabled
    assert "grad ?" not in view.svg
    view.back()
    assert view.step_index == 2
    view.sliders["f"].value = 1.0  # the step stays, the numbers follow the new value
    assert view.step_index == 2 and "1 × 1 = 1" in view.readout.value
    view.mode.value = "live"
    assert view.step_index == 0 and "∂out/∂f = 4" in view.readout.value


def test_a_wide_graph_is_drawn_top_to_bottom_and_fits():
    def f(x1, x2, x3, x4, w1, w2, w3, w4, b):
        return (x1 * w1 + x2 * w2 + x3 * w3 + x4 * w4 + b).tanh()

    view = GraphView(f, {})
    assert svg_width_px(view.svg) <= MAX_WIDTH
    assert view._repr_mimebundle_()  # displays as a widget
