"""Chapter 07's companion (nnlib.chapters.ch07): explorers and exercises."""

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from nnlib import nn
from nnlib.chapters import ch07
from nnlib.chapters.ch07 import (
    MAX_GRAPH_PX,
    NEURON_EXAMPLE,
    SCALAR_SKELETON,
    backprop_stepper,
    draw_graph,
    neuron_graph,
    stepper_readout,
    weight_nudge_explorer,
    weight_nudge_readout,
)
from nnlib.exercises import chapter_exercises, check, get
from nnlib.graph import render_svg, svg_size_px, to_dot

NOTEBOOK = next((Path(__file__).resolve().parent.parent / "notebooks").glob("07_*.ipynb"))


def test_neuron_graph_is_the_worked_example():
    L, v = neuron_graph()
    L.backward()
    assert (v["z"].data, v["a"].data, L.data) == (7.0, 7.0, 64.0)
    assert v["w"].grad == -32.0 and NEURON_EXAMPLE["target"] == 15.0


def test_stepper_reveals_gradients_in_reverse_topological_order():
    first = stepper_readout(0)
    assert first["revealed"] == [] and first["dot"].count("grad ?") == len(first["order"])
    assert first["order"][0] == "L" and set(first["order"][-3:]) >= {"w", "x"}
    r = stepper_readout(2)
    assert r["revealed"] == ["L", "a - target"]
    assert "1 × -16 = <b>-16</b>" in r["explanation"]
    assert r["dot"].count("grad ?") == len(r["order"]) - 2 and "penwidth=3" in r["dot"]
    last = stepper_readout(len(r["order"]))
    assert "grad ?" not in last["dot"]
    assert any("-16 × 2 = <b>-32</b>" in stepper_readout(k)["explanation"] for k in range(10))
    with pytest.raises(ValueError, match="step must be an integer from 0 to"):
        stepper_readout(99)


def test_backprop_stepper_redraws_on_each_step():
    ex = backprop_stepper()
    assert ex.sliders["step"].max == len(ex.result["order"])
    before = ex.readout.value
    ex.sliders["step"].value = 1
    assert ex.readout.value != before and "<svg" in ex.readout.value
    assert "∂L/∂L = 1" in ex.readout.value


def test_weight_nudge_prediction_against_truth():
    r = weight_nudge_readout(0.1)
    assert r["grad"] == -32.0 and r["predicted_change"] == pytest.approx(-3.2)
    assert r["actual_change"] == pytest.approx((7.2 - 15) ** 2 - 64)  # w = 3.1: z = 7.2
    big = weight_nudge_readout(1.0)
    assert abs(big["actual_change"] - big["predicted_change"]) > abs(
        r["actual_change"] - r["predicted_change"]
    )
    ex = weight_nudge_explorer()
    ex.sliders["dw"].value = -0.5
    dots = [line for line in ex.figure.axes[0].get_lines() if line.get_marker() in ("o", "s")]
    assert dots[0].get_xydata()[0] == pytest.approx([2.5, ex.result["new_L"]])
    assert "actual change" in ex.readout.value


# ------------------------------------------------------------------ drawn graphs and layout


def _unscaled_svg(dot: str) -> str:
    try:
        return render_svg(dot, max_width_px=None)  # nnlib.graph that scales wide pictures
    except TypeError:
        return render_svg(dot)


def test_drawn_graphs_say_what_they_show():
    L, _ = neuron_graph()
    L.backward()
    g = draw_graph(L, alt="after backward()")
    assert g.alt.startswith("after backward().") and "w = 3, gradient -32" in g.alt


def test_drawn_graphs_fit_the_notebook():
    L, _ = neuron_graph()
    L.backward()
    wide = _unscaled_svg(to_dot(L))  # left to right
    assert svg_size_px(wide)[0] > 2 * MAX_GRAPH_PX  # about 2,170 px: what the chapter avoids
    for svg in (draw_graph(L).svg, render_svg(stepper_readout(9)["dot"])):
        width, height = svg_size_px(svg)
        assert width <= MAX_GRAPH_PX and height <= 480  # slider + line + graph < 650 px


def test_stepper_slider_says_how_many_nodes_and_nudge_steps_can_be_felt():
    ex = backprop_stepper()
    assert ex.sliders["step"].description == "nodes done (of 9)"
    nudge = weight_nudge_explorer().sliders["dw"]
    assert 10 * nudge.step >= 0.5 and "Δw" in nudge.description


# ------------------------------------------------------------------------ exercises


def _scalar_namespace(*exercise_ids, edits=()):
    """The notebook's Scalar skeleton plus the given solutions (optionally with slips)."""
    ns = {"np": np, "math": math}
    exec(SCALAR_SKELETON, ns)
    for ex_id in exercise_ids:
        src = get(ex_id).solution
        for old, new in edits:
            assert old in src, old
            src = src.replace(old, new)
        exec(src, ns)
    return ns


def _answers(ex_id, ns):
    return [ns[name] for name in get(ex_id).answers]


def _placeholders(ex_id):
    ns = {"np": np, "math": math}
    exec(SCALAR_SKELETON, ns)
    exec(get(ex_id).placeholder, ns)
    return _answers(ex_id, ns)


SCALAR_EXERCISES = ["07.1", "07.2", "07.3", "07.4"]


def test_the_notebook_shows_the_skeleton_and_six_code_exercises():
    text = NOTEBOOK.read_text(encoding="utf-8")
    nb = json.loads(text)
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert any(SCALAR_SKELETON in s for s in sources)
    exercises = chapter_exercises("07")
    assert [e.id for e in exercises] == [f"07.{k}" for k in range(1, 7)]
    assert all(e.kind == "code" and len(e.hints) == 3 for e in exercises)


def test_the_companion_holds_no_solution():
    text = (Path(ch07.__file__)).read_text(encoding="utf-8")
    for ex in chapter_exercises("07"):
        body = ex.solution.split('"""\n', 2)[-1].strip()  # past the docstring
        assert body not in text and ex.solution.strip() not in text, ex.id
    assert "nnlib.solutions" not in text


@pytest.mark.parametrize("ex_id", SCALAR_EXERCISES)
def test_scalar_solutions_pass_and_placeholders_are_not_done(ex_id):
    assert check(ex_id, *_answers(ex_id, _scalar_namespace(ex_id))).passed is True
    fb = check(ex_id, *_placeholders(ex_id))
    assert fb.passed is None and "NotImplementedError" in fb.message


def test_each_scalar_function_is_checked_on_its_own():
    # 07.1 done, 07.2 not: Correct and Not done yet, side by side
    ns = _scalar_namespace("07.1")
    exec(get("07.2").placeholder, ns)
    assert check("07.1", *_answers("07.1", ns)).passed is True
    assert check("07.2", *_answers("07.2", ns)).passed is None
    # backward alone passes while +, * and tanh are still placeholders
    ns = _scalar_namespace("07.4")
    for ex_id in ("07.1", "07.2", "07.3"):
        exec(get(ex_id).placeholder, ns)
    assert check("07.4", ns["backward"]).passed is True
    # and the notebook's own Scalar is left as it was
    assert ns["Scalar"].__name__ == "Scalar" and "__add__" in vars(ns["Scalar"])


def test_the_check_leaves_the_learners_name_scalar_alone():
    ns = _scalar_namespace("07.1")
    before = ns["Scalar"]
    check("07.1", *_answers("07.1", ns))
    assert ns["Scalar"] is before
    bare = {"np": np, "math": math}
    exec(get("07.1").solution, bare)
    assert check("07.1", *_answers("07.1", bare)).passed is True and "Scalar" not in bare


def test_the_whole_scalar_works_end_to_end():
    from nnlib import Value

    ns = _scalar_namespace(*SCALAR_EXERCISES)
    S = ns["Scalar"]
    a, b, c = S(0.8), S(-0.6), S(1.5)
    L = ((a * b + c).tanh() * a - b) ** 2 * (-c).relu() + (c - a).relu() * b
    L.backward()
    va, vb, vc = Value(0.8), Value(-0.6), Value(1.5)
    VL = ((va * vb + vc).tanh() * va - vb) ** 2 * (-vc).relu() + (vc - va).relu() * vb
    VL.backward()
    assert np.allclose([a.grad, b.grad, c.grad], [va.grad, vb.grad, vc.grad], rtol=1e-12)


def test_a_second_backward_through_the_learners_scalar_gives_3b_as_the_chapter_warns():
    """Our Scalar solutions do not reset the inner nodes: a second backward() on
    L = a·b + c leaves a.grad = 3b (the notebook warns), where Value gives 2b."""
    from nnlib import Value

    Scalar = _scalar_namespace(*SCALAR_EXERCISES)["Scalar"]
    a, b, c = Scalar(2.0), Scalar(-3.0), Scalar(10.0)
    L = a * b + c
    L.backward()
    L.backward()
    assert a.grad == 3 * b.data
    va, vb, vc = Value(2.0), Value(-3.0), Value(10.0)
    VL = va * vb + vc
    VL.backward()
    VL.backward()
    assert va.grad == 2 * vb.data
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    assert any("**3b**" in "".join(cell["source"]) for cell in cells)


@pytest.mark.parametrize(
    "ex_id, edits, words",
    [
        (
            "07.1",
            [("self.grad += 1.0", "self.grad = 1.0"), ("other.grad += 1.0", "other.grad = 1.0")],
            "Use `+=`, not `=`",
        ),
        ("07.1", [("1.0 * out.grad", "1.0")], "ignores out.grad"),
        ("07.1", [("    out._backward = _backward\n", "")], "attach it"),
        ("07.1", [("return out", "return out.data")], "not a new Scalar"),
        ("07.1", [("(self, other), ", "(), ")], "_prev should hold its inputs"),
        ("07.1", [("self.data + other.data", "self.data - other.data")], "out.data is wrong"),
        (
            "07.2",
            [
                ("self.grad += other.data", "self.grad += self.data"),
                ("other.grad += self.data", "other.grad += other.data"),
            ],
            "swapped",
        ),
        (
            "07.2",
            [("other.data * out.grad", "out.grad"), ("self.data * out.grad", "out.grad")],
            "rule for +",
        ),
        ("07.2", [("self.grad +=", "self.grad ="), ("other.grad +=", "other.grad =")], "+="),
        (
            "07.2",
            [
                ("other.data * out.grad", "other.grad * out.grad"),
                ("self.data * out.grad", "self.grad * out.grad"),
            ],
            "not other.grad",
        ),
        ("07.2", [("other.data * out.grad", "other.grad * out.grad")], "not other.grad"),
        ("07.3", [("(1 - t**2)", "(1 - self.data**2)")], "not 1 - x²"),
        ("07.3", [("(1 - t**2)", "(1 - t)")], "you wrote 1 - t"),
        ("07.3", [("(1 - t**2)", "-(1 - t**2)")], "Check the sign"),
        ("07.3", [("self.grad +=", "self.grad =")], "already held"),
        (
            "07.3",
            [
                (
                    "math.tanh(self.data)",
                    "(math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)",
                )
            ],
            ("OverflowError", "line", "math.tanh(x) never overflows", "x = 400"),
        ),
        (
            "07.3",
            [("math.tanh(self.data)", "math.sinh(self.data) / math.cosh(self.data)")],
            ("OverflowError", "math range error", "line", "cosh", "Scalar(-800)"),
        ),
        (
            "07.3",
            [
                (
                    "math.tanh(self.data)",
                    "float((np.exp(2 * self.data) - 1) / (np.exp(2 * self.data) + 1))",
                )
            ],
            "overflows",
        ),
        ("07.4", [("    self.grad = 1.0\n", "")], "set self.grad = 1"),
        ("07.4", [("reversed(order)", "order")], "reverse it"),
        ("07.4", [("        elif node not in visited:", "        else:")], "ran twice"),
    ],
)
def test_scalar_slips_get_their_diagnosis(ex_id, edits, words):
    fb = check(ex_id, *_answers(ex_id, _scalar_namespace(ex_id, edits=edits)))
    words = (words,) if isinstance(words, str) else words
    assert fb.passed is False and all(w in fb.message for w in words), fb.message
    assert "Traceback" not in fb.message


RECURSIVE_BACKWARD = """
def backward(self):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)

    visit(self)
    self.grad = 1.0
    for node in reversed(order):
        node._backward()
"""

VISIT_ORDER_BACKWARD = """
def backward(self):
    self.grad = 1.0
    todo, seen = [self], set()
    while todo:
        node = todo.pop(0)
        if node not in seen:
            seen.add(node)
            node._backward()
            todo.extend(node._prev)
"""


@pytest.mark.parametrize(
    "source, words",
    [
        (RECURSIVE_BACKWARD, "5,000 nodes deep"),
        (RECURSIVE_BACKWARD, "Keep your own stack"),
        (VISIT_ORDER_BACKWARD, "topological order (each after its inputs) first"),
        (VISIT_ORDER_BACKWARD.replace("pop(0)", "pop()"), "in the order you reach the nodes"),
    ],
)
def test_recursive_and_unordered_backward_are_named(source, words):
    ns = _scalar_namespace()
    exec(source, ns)
    fb = check("07.4", ns["backward"])
    assert fb.passed is False and words in fb.message, fb.message


def test_a_recursive_backward_is_refused_even_with_a_raised_recursion_limit():
    import sys

    ns = _scalar_namespace()
    exec(RECURSIVE_BACKWARD, ns)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        fb = check("07.4", ns["backward"])
    finally:
        sys.setrecursionlimit(limit)
    assert fb.passed is False and "recurses" in fb.message, fb.message
    assert "a + a" not in fb.message  # it passes the small graphs and fails on the deep chain


def test_backward_order_is_checked_as_a_property_even_when_the_numbers_agree():
    """A walk that is not topological can still give right numbers on a graph; the order
    the probe records shows it."""
    from nnlib.chapters.ch07 import _order_problem

    program = [("leaf", 1.0), ("leaf", 2.0), ("*", 0, 1), ("tanh", 2), ("+", 3, 2)]
    case = {"program": program}
    assert _order_problem(case, {"order": [4, 3, 2], "root_grad": 1.0}) is None
    problem = _order_problem(case, {"order": [4, 2, 3], "root_grad": 1.0})
    assert "n2's _backward ran before that of n3, which uses n2" in problem


@pytest.mark.parametrize("ex_id", SCALAR_EXERCISES)
@pytest.mark.parametrize("answer", [True, "add", "Scalar"])
def test_scalar_checks_want_a_function(ex_id, answer):
    wrong_kind = answer if answer != "Scalar" else _scalar_namespace()["Scalar"]
    others = _answers(ex_id, _scalar_namespace(ex_id))[1:]
    fb = check(ex_id, wrong_kind, *others)
    assert fb.passed is False and "Expected a function" in fb.message


def test_backward_check_is_quick_on_the_deep_chain():
    # processor time: what the check computes, not the time it waited on a busy machine
    start = time.process_time()
    check("07.4", _scalar_namespace("07.4")["backward"])
    assert time.process_time() - start < 1.5


# ------------------------------------------------------------- 07.5 Linear backward


def _function(ex_id, name, source=None, edits=()):
    src = source if source is not None else get(ex_id).solution
    for old, new in edits:
        assert old in src, old
        src = src.replace(old, new)
    ns = {"np": np}
    exec(src, ns)
    return ns[name]


def test_linear_backward_solution_and_placeholder():
    fb = check("07.5", _function("07.5", "linear_backward"))
    assert fb.passed is True and "central differences" in fb.message
    placeholder = _function("07.5", "linear_backward", get("07.5").placeholder)
    assert check("07.5", placeholder).passed is None


@pytest.mark.parametrize(
    "edits, words",
    [
        ([("dY.sum(axis=0)", "dY.sum(axis=1)")], "wrong axis"),
        ([("dW = X.T @ dY", "dW = dY.T @ X")], "Transposed"),
        ([("dX = dY @ W.T  #", "dX = None  #")], "dX is None"),
        ([("return dX, dW, db", "return dW, db")], "return three arrays"),
        ([("return dX, dW, db", "return dW, db, dX")], "in another order"),
        ([("dW = X.T @ dY", "dW = X.T @ dY / len(X)")], "Don't divide by N"),
        ([("db = dY.sum(axis=0)", "db = dY")], "summed over the batch"),
        ([("dX = dY @ W.T  #", "dX = dY @ W  #")], "not dY·W"),
        ([("dX = dY @ W.T  #", "dX = 0 * X  #")], "all zeros"),
        # the chapter's layout (W as (out, in)) copied unchanged: caught on dX first
        (
            [("dX = dY @ W.T  #", "dX = dY @ W  #"), ("dW = X.T @ dY", "dW = dY.T @ X")],
            "(in, out)",
        ),
    ],
)
def test_linear_backward_slips(edits, words):
    fb = check("07.5", _function("07.5", "linear_backward", edits=edits))
    assert fb.passed is False and words in fb.message, fb.message
    assert "input:" in fb.message or "On the input" in fb.message


def test_linear_backward_in_the_chapters_layout_is_named():
    """A dW written for W of shape (out, in) has the wrong shape here: named as transposed."""
    fb = check(
        "07.5", _function("07.5", "linear_backward", edits=[("dW = X.T @ dY", "dW = dY.T @ X")])
    )
    assert fb.passed is False and "Transposed" in fb.message and "(in, out)" in fb.message
    assert "shape" in fb.message


def test_linear_backward_statement_asks_for_the_other_layout():
    ex = get("07.5")
    assert "Y = X·W + b" in ex.placeholder and "W (in, out)" in ex.placeholder
    cell = _statement_of("07.5")
    assert "X·W + b" in cell and "(in, out)" in cell


def _statement_of(ex_id):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    for k, c in enumerate(cells):
        if c["metadata"].get("nnlib", {}).get("exercise") == ex_id:
            return "".join(cells[k - 1]["source"])
    raise AssertionError(ex_id)


def test_linear_backward_refuses_what_is_not_a_function():
    fb = check("07.5", np.zeros((2, 2)))
    assert fb.passed is False and "Expected a function linear_backward" in fb.message


def test_linear_backward_that_returns_nan_or_strings_is_told_so():
    nan = _function(
        "07.5", "linear_backward", edits=[("return dX, dW, db", "return dX, dW * np.nan, db")]
    )
    fb = check("07.5", nan)
    assert fb.passed is False and "finite" in fb.message
    text = _function(
        "07.5", "linear_backward", edits=[("return dX, dW, db", "return 'dX', dW, db")]
    )
    fb = check("07.5", text)
    assert fb.passed is False and "dX" in fb.message


# ------------------------------------------------------ 07.6 softmax + cross-entropy


def test_cross_entropy_grad_solution_and_placeholder():
    fb = check("07.6", _function("07.6", "cross_entropy_grad"))
    assert fb.passed is True and "[0.5, -0.5, 0]" in fb.message
    placeholder = _function("07.6", "cross_entropy_grad", get("07.6").placeholder)
    assert check("07.6", placeholder).passed is None


def test_cross_entropy_grad_reference_is_pytorchs_weighted_loss():
    torch = pytest.importorskip("torch")
    from nnlib.solutions.ch07 import ce_reference

    for case in [*get("07.6").cases, *get("07.6").hidden]:
        logits, labels, weights = case["logits"], case["labels"], case["class_weights"]
        if np.abs(logits).max() > 1e300:  # torch's own log-softmax gives nan there
            continue
        z = torch.tensor(logits, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(
            z, torch.tensor(labels), weight=torch.tensor(weights)
        )
        loss.backward()
        assert np.allclose(z.grad.numpy(), ce_reference(logits, labels, weights))


def test_the_public_wants_written_out_are_the_references():
    from nnlib.chapters.ch07 import linear_reference, value_grads, value_reference
    from nnlib.solutions.ch07 import ce_reference

    for case in get("07.6").cases:
        want = ce_reference(case["logits"], case["labels"], case["class_weights"])
        assert np.array_equal(case["want"], want)
        assert np.all(np.isfinite(want))
    for ex_id in ("07.1", "07.2", "07.3"):
        for case in [*get(ex_id).cases, *get(ex_id).hidden]:
            assert np.array_equal(case["want"], value_reference(case))
    for case in get("07.4").cases:
        assert np.array_equal(case["want"], value_grads(case["program"]))
    for case in get("07.5").cases:
        reference = linear_reference(case["X"], case["W"], case["dY"])
        for got, want in zip(case["want"], reference, strict=True):
            assert np.array_equal(got, want)


RETURN = "return w[:, None] * (p - y) / w.sum()"


@pytest.mark.parametrize(
    "edits, words",
    [
        ([(RETURN, "return w[:, None] * (p - y) / n")], "You divided by N"),
        ([(RETURN, "return (p - y) / n")], "left out the weights"),
        ([(RETURN, "return w[:, None] * (p - y)")], "division is missing"),
        ([(RETURN, "return w[:, None] * (p - y) / class_weights.sum()")], "all the class weights"),
        ([(RETURN, "return class_weights * (p - y) / w.sum()")], "each column by its class"),
        ([(RETURN, "return class_weights * (p - y) / n")], "and divided by N"),
        ([(RETURN, "return w[:, None] * (y - p) / w.sum()")], "sign is flipped"),
        ([(RETURN, "return w[:, None] * (p - labels[:, None]) / w.sum()")], "label number"),
        (
            [("y[np.arange(n), labels] = 1.0", "y[np.arange(n), logits.argmax(axis=1)] = 1.0")],
            "predicted class",
        ),
        ([(RETURN, "return w[:, None] * p / w.sum()")], "left out y"),
        (
            [
                (
                    "p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)",
                    "p = np.exp(shifted)",
                )
            ],
            "p must be the softmax",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cross_entropy_grad_slips(edits, words):
    fb = check("07.6", _function("07.6", "cross_entropy_grad", edits=edits))
    assert fb.passed is False and words in fb.message, fb.message
    assert "class_weights = " in fb.message


NAIVE_CE = """
def cross_entropy_grad(logits, labels, class_weights):
    n = logits.shape[0]
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    y = np.zeros_like(p)
    y[np.arange(n), labels] = 1.0
    w = class_weights[labels]
    return w[:, None] * (p - y) / w.sum()
"""


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cross_entropy_grad_overflow_is_named():
    fb = check("07.6", _function("07.6", "cross_entropy_grad", NAIVE_CE))
    assert fb.passed is False and "e^z overflows" in fb.message
    assert "1000" in fb.message.split("expected")[0]  # the input shown has the big logits


LIBRARY_SHORTCUTS = {
    "F.cross_entropy_grad": """
def cross_entropy_grad(logits, labels, class_weights):
    w = class_weights[labels]
    return F.cross_entropy_grad(logits, labels) * len(labels) * w[:, None] / w.sum()
""",
    "F.softmax": """
def cross_entropy_grad(logits, labels, class_weights):
    w = class_weights[labels]
    return w[:, None] * (F.softmax(logits) - F.one_hot(labels, logits.shape[1])) / w.sum()
""",
    "F.log_softmax": """
def cross_entropy_grad(logits, labels, class_weights):
    w = class_weights[labels]
    p = np.exp(F.log_softmax(logits))
    return w[:, None] * (p - np.eye(logits.shape[1])[labels]) / w.sum()
""",
}


@pytest.mark.parametrize("name", list(LIBRARY_SHORTCUTS))
def test_cross_entropy_grad_refuses_the_librarys_shortcuts(name):
    from nnlib import functional as F

    ns = {"np": np, "F": F}
    exec(LIBRARY_SHORTCUTS[name], ns)
    fb = check("07.6", ns["cross_entropy_grad"])
    assert fb.passed is False and "switched off" in fb.message
    assert f"nnlib.functional.{name[2:]}" in fb.message
    # and the library works again afterwards
    assert np.allclose(F.softmax(np.zeros((1, 2))), 0.5)
    assert F.cross_entropy_grad(np.zeros((1, 2)), [0]).shape == (1, 2)


def test_the_plain_mean_of_the_chapter_is_not_the_answer():
    """Cell 39's (P - Y) / N, copied, fails on the first weighted batch."""
    source = """
def cross_entropy_grad(logits, labels, class_weights):
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return (p - np.eye(logits.shape[1])[labels]) / len(labels)
"""
    fb = check("07.6", _function("07.6", "cross_entropy_grad", source))
    assert fb.passed is False and "left out the weights" in fb.message


def test_cross_entropy_grad_wrong_shapes_and_kinds():
    flat = _function(
        "07.6", "cross_entropy_grad", edits=[(RETURN, f"return ({RETURN[7:]}).ravel()")]
    )
    fb = check("07.6", flat)
    assert fb.passed is False and "shape" in fb.message
    assert check("07.6", "cross_entropy_grad").passed is False
    two_args = _function("07.6", "cross_entropy_grad", NAIVE_CE.replace(", class_weights)", ")"))
    fb = check("07.6", two_args)
    assert fb.passed is False and "TypeError" in fb.message


# ------------------------------------------------------------------ chapter claims


def test_memory_count_of_the_chapter():
    wide = nn.Sequential(*[m for k in range(4) for m in (nn.Linear(1000, 1000, rng=k), nn.ReLU())])
    wide(np.zeros((32, 1000)))
    kept = sum(m._x.size for m in wide.layers)
    assert kept == 256_000


def test_pytorch_frees_the_graph_and_keeps_160000_numbers_for_the_wide_net():
    torch = pytest.importorskip("torch")
    x = torch.tensor(3.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 3 * 6.0  # 6 from the first graph, then 6 + 6 accumulated
    s = x + x
    s.backward()
    s.backward()  # nothing saved, so no error

    layers = []
    for _ in range(4):
        layers += [torch.nn.Linear(1000, 1000), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers)
    saved = {}

    def pack(t):
        saved[t.data_ptr()] = (t.numel(), tuple(t.shape))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(torch.randn(32, 1000)).sum()
    activations = sum(n for n, shape in saved.values() if shape == (32, 1000))
    assert activations == 160_000


# ------------------------------------------------------------- the payoff: training


def test_training_uses_the_learners_scalar_only_when_every_check_passes():
    assert ch07.unfinished(_scalar_namespace(*SCALAR_EXERCISES)) == []
    ns = _scalar_namespace("07.1", "07.4")
    for ex_id in ("07.2", "07.3"):
        exec(get(ex_id).placeholder, ns)
    assert ch07.unfinished(ns) == ["07.2", "07.3"]
    assert ch07.unfinished({}) == SCALAR_EXERCISES


def test_the_notebook_trains_with_the_learners_scalar_and_compares_with_value():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert "ch07.unfinished(globals())" in code and "Number = Value" in code
    assert "train(Number, " in code and "train(Value, " in code and "gap <= 1e-12" in code


def test_the_statements_quote_the_cases_they_describe():
    tanh_inputs = [c["a"] for c in get("07.3").cases if c["op"] == "tanh"]
    assert (min(tanh_inputs), max(tanh_inputs)) == (-800.0, 400.0)
    assert "from -800 to 400" in _statement_of("07.3")
    exponents = [c["n"] for c in get("07.2").cases if c["op"] == "**"]
    assert set(exponents) == {2, 3, -1, 0.5, 4}
    assert any(c["a"] == 0 for c in get("07.2").cases if c["op"] == "**")
    assert "and x = 0" in _statement_of("07.2")
    assert "n = 2, 3, -1, 0.5 and 4" in _statement_of("07.2")
    deep = max(len(c["program"]) for c in get("07.4").cases)
    assert deep == 5001 and "5,000 nodes deep" in _statement_of("07.4")
    assert "two\nrandom graphs" in _statement_of("07.4")
    logits = [c["logits"] for c in get("07.6").cases]
    assert max(np.abs(z).max() for z in logits) == 1e308
    assert any(np.ptp(z.max(axis=1)) >= 1000 for z in logits if len(z) > 1)
    assert "±1e308" in _statement_of("07.6")
