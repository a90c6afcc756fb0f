"""Chapter 02's companion (nnlib.chapters.ch02): explorers and exercises."""

import math

import numpy as np
import pytest

from nnlib.chapters.ch02 import (
    _G_CASES,
    _GRAPH_CASES,
    _NUDGING_CASES,
    SURFACES,
    _graph_inputs,
    build_graph,
    gradient_explorer,
    gradient_readout,
    graph_gradients_by_value,
    nudge_explorer,
    nudge_readout,
)
from nnlib.exercises import check, get
from nnlib.solutions import ch02 as reference


def test_build_graph_is_the_syllabus_graph():
    L, inputs = build_graph()
    L.backward()
    assert L.data == -8.0
    assert {k: v.grad for k, v in inputs.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_nudge_readout_matches_gradients():
    r = nudge_readout(db=1.0)
    assert r["rows"]["b"] == {"nudge": 1.0, "new_L": -12.0, "ratio": -4.0, "gradient": -4.0}
    assert r["rows"]["a"]["ratio"] is None  # not nudged
    assert r["together"] == -12.0 == r["predicted"]


def test_nudge_explorer_follows_each_slider():
    ex = nudge_explorer()
    assert set(ex.sliders) == {"da", "db", "dc", "df"}
    ex.sliders["da"].value = 0.5
    ex.sliders["df"].value = -0.25
    rows = ex.result["rows"]
    assert rows["a"]["ratio"] == pytest.approx(6.0)
    assert rows["f"]["ratio"] == pytest.approx(4.0)
    # a and f multiply: nudging both is not exactly linear
    exact = (2.5 * -3 + 10) * -2.25
    assert ex.result["together"] == pytest.approx(exact)
    assert ex.result["predicted"] == pytest.approx(-8 + 6 * 0.5 + 4 * -0.25)
    assert "<b>6.000</b>" in ex.readout.value


def test_gradient_readout_agrees_with_numerical_gradient():
    for name in SURFACES:
        r = gradient_readout(name, 0.7, -1.1)
        assert r["grad"] == pytest.approx(r["numeric"], abs=1e-6), name
    assert gradient_readout("bowl: x² + 3y²", 1.0, 1.0)["grad"] == (2.0, 6.0)
    with pytest.raises(ValueError, match="surface must be one of"):
        gradient_readout("cone", 0.0, 0.0)


def test_gradient_explorer_moves_point_and_switches_surface():
    ex = gradient_explorer()
    ex.sliders["x"].value = -1.0
    ex.sliders["y"].value = 0.5
    assert ex.result["grad"] == pytest.approx((-2.0, 3.0))
    ax = ex.figure.axes[0]
    point = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert tuple(point.get_xydata()[0]) == (-1.0, 0.5)
    before = ex.image.value
    ex.sliders["surface"].value = "saddle: x² - y²"
    assert ex.result["grad"] == pytest.approx((-2.0, -1.0))
    assert ex.image.value != before and "saddle" in ax.get_title()


# ------------------------------------------------------------ exercises 02.1-02.4


def _answers(ex_id: str, source: str):
    ns = {"np": np, "math": math}
    exec(source, ns)
    return [ns[name] for name in get(ex_id).answers]


@pytest.mark.parametrize("ex_id", ["02.1", "02.2", "02.3", "02.4"])
def test_solution_passes_and_placeholder_is_not_done(ex_id):
    ex = get(ex_id)
    assert check(ex_id, *_answers(ex_id, ex.solution)).passed is True
    fb = check(ex_id, *_answers(ex_id, ex.placeholder))
    assert fb.passed is None and "Not done yet" in str(fb)
    assert len(ex.hints) == 3


def test_chapter_02_has_three_code_exercises():
    kinds = [get(f"02.{k}").kind for k in range(1, 5)]
    assert kinds == ["code", "code", "code", "value"]


# 02.1: the gradient of g(x, y) = x²·y + sin(x·y)


def _right_g(x, y):
    return 2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y)


@pytest.mark.parametrize(
    "returns",
    [
        lambda x, y: _right_g(x, y),
        lambda x, y: list(_right_g(x, y)),
        lambda x, y: np.array(_right_g(x, y)),
        lambda x, y: np.array(_right_g(x, y), dtype=np.float32).astype(float),
    ],
)
def test_02_1_accepts_pairs_as_written(returns):
    assert check("02.1", returns).passed is True


@pytest.mark.parametrize(
    "slip, words",
    [
        (lambda x, y: _right_g(x, y)[::-1], "wrong order"),
        (
            lambda x, y: (2 * x * y + math.cos(x * y), x * x + math.cos(x * y)),
            "chain-rule factor is missing",
        ),
        (
            lambda x, y: (2 * x + y * math.cos(x * y), x * x + x * math.cos(x * y)),
            "keeps y",
        ),
        (
            lambda x, y: (2 * x * y - y * math.cos(x * y), x * x - x * math.cos(x * y)),
            "sign",
        ),
        (lambda x, y: (_right_g(x, y)[0], x * x), "∂g/∂x is right"),
        (lambda x, y: (2 * x * y, _right_g(x, y)[1]), "∂g/∂y is right"),
    ],
)
def test_02_1_names_the_slip(slip, words):
    fb = check("02.1", slip)
    assert fb.passed is False and words in fb.message
    assert "input:" in fb.message and "expected:" in fb.message and "got:" in fb.message


def test_02_1_tries_points_it_does_not_show():
    # right only at the point the statement could suggest, (1, 2): hard-coding fails
    fb = check("02.1", lambda x, y: _right_g(1.0, 2.0))
    assert fb.passed is False and "(0, 0)" in fb.message


@pytest.mark.parametrize(
    "returns, words",
    [
        (lambda x, y: "3.17", "Expected a pair"),
        (lambda x, y: (1.0, 2.0, 3.0), "shape (2,)"),
        (lambda x, y: (float("nan"), 0.0), "finite"),
        (lambda x, y: None, "`return` missing"),
        (lambda x, y: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_02_1_explains_wrong_kinds(returns, words):
    fb = check("02.1", returns)
    assert fb.passed is False and words in fb.message


def test_02_1_rejects_a_non_function():
    assert "Expected a function" in check("02.1", (3.17, 0.58)).message


# 02.2: every gradient of L = (a·b + b)·c, where b is used twice


def _right_graph(a, b, c):
    return {"a": c * b, "b": c * a + c, "c": a * b + b, "d": c, "e": c}


def test_02_2_reference_is_value_backward():
    assert graph_gradients_by_value(2.0, -3.0, 10.0) == {
        "a": -30.0, "b": 30.0, "c": -9.0, "d": 10.0, "e": 10.0,
    }  # fmt: skip
    assert graph_gradients_by_value(-1.0, 2.0, 3.0)["b"] == 0.0  # b's two paths cancel
    rng = np.random.default_rng(0)
    for a, b, c in rng.uniform(-5, 5, size=(20, 3)):
        want = _right_graph(a, b, c)
        got = graph_gradients_by_value(a, b, c)
        assert all(got[k] == pytest.approx(want[k]) for k in want)


def test_02_2_cannot_be_copied_from_section_7():
    """The worked graph of sections 5-8 has no reused value; this one does."""
    ex = get("02.2")
    assert "graph_gradients(a, b, c)" in ex.placeholder and "e + b" in ex.placeholder
    cases = _graph_inputs()
    assert len(cases) >= 14 and len(set(cases)) == len(cases)
    assert [(c["a"], c["b"], c["c"]) for c in _GRAPH_CASES] == cases
    assert cases[:4] == [(2.0, -3.0, 10.0), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (-1.0, 2.0, 3.0)]


def test_02_2_accepts_numpy_numbers_and_extra_keys():
    assert check("02.2", lambda *v: {k: np.float64(x) for k, x in _right_graph(*v).items()})
    assert check("02.2", lambda *v: {**_right_graph(*v), "L": 1.0})


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda g, a, b, c: {**g, "b": c * a}, "only b's path through e"),
        (lambda g, a, b, c: {**g, "b": c}, "only b's direct path"),
        (lambda g, a, b, c: {**g, "a": c * a, "b": c * b + c}, "swapped in e = a·b"),
        (lambda g, a, b, c: {**g, "a": c * a, "b": c * b}, "swapped in e = a·b"),
        (lambda g, a, b, c: {**g, "a": b}, "local derivative ∂e/∂a = b"),
        (lambda g, a, b, c: {**g, "e": 1.0}, "local derivative ∂d/∂e = 1"),
        (lambda g, a, b, c: {**g, "b": a + 1}, "local derivatives only"),
        (lambda g, a, b, c: {**g, "c": a * b}, "the + b is missing"),
        (lambda g, a, b, c: {**g, "d": -c, "e": -c}, "sign of ∂L/∂d"),
        (lambda g, a, b, c: {**g, "b": -(c * a + c)}, "sign of ∂L/∂b"),
        (lambda g, a, b, c: {**g, "e": 2 * c}, "Wrong: ∂L/∂e"),
    ],
)
def test_02_2_names_the_slip(change, words):
    fb = check("02.2", lambda a, b, c: change(_right_graph(a, b, c), a, b, c))
    assert fb.passed is False and words in fb.message, fb.message
    assert "a, b, c = 2, -3, 10" in fb.message  # the worked numbers come first
    assert "expected: {'a': -30.0, 'b': 30.0" in fb.message and "got:" in fb.message


def test_02_2_names_the_sum_when_one_path_is_overwritten():
    def overwrites(a, b, c):
        g = _right_graph(a, b, c)
        g["b"] = c * 1.0  # first path
        g["b"] = c * a  # second path replaces it instead of adding
        return g

    fb = check("02.2", overwrites)
    assert fb.passed is False and "SUM" in fb.message and "overwrite" in fb.message


def test_02_2_hard_coded_numbers_fail_on_unseen_inputs():
    fb = check("02.2", lambda a, b, c: _right_graph(2.0, -3.0, 10.0))
    assert fb.passed is False and "a, b, c = 0, 0, 0" in fb.message


@pytest.mark.parametrize(
    "returns, words",
    [
        (lambda a, b, c: (-30, 30, -9, 10, 10), "Expected a dict"),
        (lambda a, b, c: {"a": 1.0}, "no key 'b'"),
        (lambda a, b, c: {"dL/da": 1.0, "dL/db": 2.0}, "no key 'a' (its keys: 'dL/da', 'dL/db')"),
        (lambda a, b, c: {**_right_graph(a, b, c), "c": "x"}, "for 'c'"),
        (lambda a, b, c: {**_right_graph(a, b, c), "c": True}, "boolean"),
        (lambda a, b, c: {**_right_graph(a, b, c), "c": float("nan")}, "NaN"),
        (lambda a, b, c: {**_right_graph(a, b, c), "c": [1.0, 2.0]}, "shape (2,)"),
    ],
)
def test_02_2_explains_wrong_kinds(returns, words):
    fb = check("02.2", returns)
    assert fb.passed is False and words in fb.message, fb.message


def test_02_2_rejects_a_non_function_and_the_old_signature():
    assert "Expected a function" in check("02.2", {"a": -30.0}).message
    fb = check("02.2", lambda a, b, c, f: {})
    assert fb.passed is False and "TypeError" in fb.message


# 02.3: a numerical gradient of a function of an array


def _central(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def test_02_3_accepts_a_vectorised_version():
    assert check("02.3", _central).passed is True


def test_02_3_names_the_forward_difference():
    def forward(f, x, h=1e-5):
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[i] = h
            grad[i] = (f(x + e) - f(x)) / h
        return grad

    fb = check("02.3", forward)
    assert fb.passed is False and "forward difference" in fb.message


def test_02_3_names_the_missing_2():
    fb = check("02.3", lambda f, x, h=1e-5: 2 * _central(f, x, h))
    assert fb.passed is False and "divides by 2h" in fb.message


def test_02_3_names_the_integer_trap():
    def in_place_on_a_copy(f, x, h=1e-5):
        x = x.copy()  # keeps an integer dtype
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            up = f(x)
            x[i] = old - h
            down = f(x)
            x[i] = old
            grad[i] = (up - down) / (2 * h)
        return grad

    fb = check("02.3", in_place_on_a_copy)
    assert fb.passed is False and "(integers)" in fb.message and "float copy" in fb.message


def test_02_3_catches_a_changed_caller_array():
    def changes_x(f, x, h=1e-5):
        grad = _central(f, x, h)
        if x.dtype.kind == "f":
            x += 1e-3  # the caller's array, changed in place
        return grad

    fb = check("02.3", changes_x)
    assert fb.passed is False and "changed the caller's x" in fb.message
    assert "gradients are right" in fb.message


def test_02_3_explains_wrong_shapes():
    fb = check("02.3", lambda f, x, h=1e-5: _central(f, x, h).ravel())
    assert fb.passed is False and "same shape as x" in fb.message
    fb = check("02.3", lambda f, x, h=1e-5: float(np.sum(_central(f, x, h))))
    assert fb.passed is False and "shape" in fb.message


def test_02_3_rejects_a_non_function():
    assert "Expected a function" in check("02.3", np.zeros(3)).message


# 02.4: dM/da for M = d²


@pytest.mark.parametrize("answer", [-24, -24.0, np.float32(-24), np.int64(-24), [-24.0]])
def test_02_4_accepts_numbers_as_written(answer):
    assert check("02.4", answer).passed is True


@pytest.mark.parametrize(
    "answer, words",
    [
        (-3.0, "local derivative"),
        (8.0, "∂M/∂d"),
        (24.0, "sign"),
        (-12.0, "factor 2"),
        (16.0, "with respect to a is b = -3"),
        (6.0, "old output"),
        (1.0, "Chain rule"),
        ("-24", "remove the quotes"),
        (True, "boolean"),
        (float("nan"), "NaN"),
        ((1, 2), "shape"),
    ],
)
def test_02_4_names_the_slip(answer, words):
    fb = check("02.4", answer)
    assert fb.passed is False and words in fb.message


def test_02_3_names_an_entry_not_put_back():
    def forgets_to_restore(f, x, h=1e-5):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + h
            up = f(x)
            x[i] = old - h
            grad[i] = (up - f(x)) / (2 * h)  # x[i] is never put back
        return grad

    fb = check("02.3", forgets_to_restore)
    assert fb.passed is False and "left the caller's x changed" in fb.message
    assert "forward difference" not in fb.message


# ------------------------------------------------ public cases, reference and grading


def test_public_expected_values_equal_the_reference():
    for case in _G_CASES:
        assert case["want"] == reference.gradient_g(case["x"], case["y"])
    for case in _GRAPH_CASES:
        want = reference.graph_gradients(case["a"], case["b"], case["c"])
        assert case["want"] == pytest.approx(want, abs=1e-12)
    for case in _NUDGING_CASES:
        assert case["want"].shape == np.shape(case["x"])
        want = reference_nudging(case["f"], case["x"])
        assert np.allclose(case["want"], want, rtol=1e-6, atol=1e-7), case["name"]


def reference_nudging(f, x):
    ns = {"np": np, "math": math}
    exec(get("02.3").solution, ns)
    return ns["gradient_by_nudging"](f, x)


def test_hidden_cases_hold_what_the_public_ones_cannot():
    hidden = get("02.3").hidden
    shapes = [np.shape(c["x"]) for c in hidden]
    assert (2, 2, 3) in shapes and any(len(s) == 2 and s[0] != s[1] for s in shapes)
    assert any(np.asarray(c["x"]).dtype.kind == "i" and np.ndim(c["x"]) > 1 for c in hidden)
    for case in hidden:  # the rules and the nudging agree on every hidden case
        assert np.allclose(case["want"], reference_nudging(case["f"], case["x"]), rtol=1e-6)
    assert len(get("02.1").hidden) >= 4 and len(get("02.2").hidden) >= 4


@pytest.mark.parametrize(
    "ex_id, source, words",
    [
        (
            "02.1",
            "from nnlib.calculus import numerical_gradient\n"
            "def gradient_g(x, y):\n"
            "    return tuple(numerical_gradient(lambda p: p[0]**2*p[1] + math.sin(p[0]*p[1]),"
            " [x, y]))",
            "nnlib.calculus.numerical_gradient is switched off",
        ),
        (
            "02.2",
            "from nnlib import Value\n"
            "def graph_gradients(a, b, c):\n"
            "    va, vb, vc = Value(a), Value(b), Value(c)\n"
            "    e = va * vb; d = e + vb; L = d * vc; L.backward()\n"
            "    return {'a': va.grad, 'b': vb.grad, 'c': vc.grad, 'd': d.grad, 'e': e.grad}",
            "not Value",
        ),
        (
            "02.3",
            "from nnlib.calculus import numerical_gradient\n"
            "def gradient_by_nudging(f, x, h=1e-5):\n"
            "    return numerical_gradient(f, x, h)",
            "write gradient_by_nudging yourself",
        ),
    ],
)
def test_library_shortcuts_are_refused(ex_id, source, words):
    fb = check(ex_id, *_answers(ex_id, source))
    assert fb.passed is False and "ShortcutRefused" in fb.message and words in fb.message
    assert "Traceback" not in fb.message


def test_02_3_names_an_entry_never_put_back_on_a_copy():
    def never_restores(f, x, h=1e-5):
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += h
            up = f(x)
            x[i] -= 2 * h
            grad[i] = (up - f(x)) / (2 * h)
        return grad

    fb = check("02.3", never_restores)
    assert fb.passed is False and "never put back" in fb.message
    assert "forward difference" not in fb.message


def test_every_judge_runs_on_plain_data_only():
    """The judges see results after a JSON round trip: a dict, a tuple, an array."""
    ex = get("02.3")
    cases = ex.grading_cases()
    results = ex.results([reference_nudging], cases)
    assert all(isinstance(r, dict) and isinstance(r["gradient"], np.ndarray) for r in results)
    assert ex.judge(cases, results).passed is True


def test_gradient_explorer_alt_text_says_what_is_drawn():
    from nnlib.chapters.ch02 import gradient_explorer

    explorer = gradient_explorer("bowl: x² + 3y²", 1.5, 1.0)
    alt = explorer.alt_text()
    assert "(3.00, 6.00)" in alt and "drawn shorter" in alt and "uphill" in alt
    explorer.sliders["surface"].value = "saddle: x² - y²"
    explorer.sliders["x"].value, explorer.sliders["y"].value = 0.0, 0.0
    assert "(0, 0): flat, no arrow" in explorer.alt_text()
