"""The scalar engine: values, gradients against central differences, hostile input."""

import math
import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import Value


def test_syllabus_graph_gradients():
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    d = e + c
    L = d * f
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    L.backward()
    grads = {"a": a.grad, "b": b.grad, "c": c.grad, "d": d.grad, "e": e.grad, "f": f.grad}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0}


def test_using_a_value_twice_adds_both_paths():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    a2 = Value(3.0)
    (a2 * a2).backward()
    assert a2.grad == 6.0


def test_backward_twice_accumulates_on_leaves_like_pytorch():
    a, b = Value(2.0), Value(5.0)
    h = a * b
    L = h + 1
    L.backward()
    L.backward()
    assert (a.grad, b.grad) == (10.0, 4.0)
    assert h.grad == 1.0  # intermediate nodes describe the latest pass


def test_two_losses_sharing_a_node():
    a = Value(1.5)
    h = a * 2
    (h + 1).backward()
    (h * 3).backward()
    assert a.grad == 2 + 6  # d(L1 + L2)/da


def test_zero_grad_clears_the_whole_graph():
    a, b = Value(2.0), Value(3.0)
    L = a * b
    L.backward()
    L.zero_grad()
    assert (a.grad, b.grad, L.grad) == (0.0, 0.0, 0.0)


def test_reflected_operators_with_plain_numbers():
    v = Value(4.0)
    assert (2 * v).data == 8.0
    assert (1 - v).data == -3.0
    assert (1 + v).data == 5.0
    assert (8 / v).data == 2.0
    assert (v - 1).data == 3.0
    assert (-v).data == -4.0
    assert sum([v, v, v]).data == 12.0


def test_deep_chain_and_long_sum_do_not_recurse():
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    xs = [Value(float(i)) for i in range(100_000)]
    s = sum(xs)
    s.backward()
    assert s.data == sum(range(100_000)) and all(v.grad == 1.0 for v in xs[:100])
    assert sys.getrecursionlimit() == limit


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


UNARY = {
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0)),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "exp": (lambda v: v.exp(), math.exp),
    "square": (lambda v: v**2, lambda x: x**2),
    "cube": (lambda v: v**3, lambda x: x**3),
    "neg": (lambda v: -v, lambda x: -x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=60, deadline=None)
@given(x=st.floats(-5, 5).filter(lambda x: abs(x) > 1e-3))
def test_unary_gradients_match_central_differences(name, x):
    op, plain = UNARY[name]
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(plain(x), rel=1e-12, abs=1e-12)
    assert v.grad == pytest.approx(central(plain, x), rel=1e-5, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(x=st.floats(0.05, 50))
def test_log_and_fractional_power_gradients(x):
    for op, plain in [(lambda v: v.log(), math.log), (lambda v: v**0.5, math.sqrt)]:
        v = Value(x)
        op(v).backward()
        assert v.grad == pytest.approx(central(plain, x, h=1e-7 * x), rel=1e-5)


BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@pytest.mark.parametrize("op", sorted(BINARY))
@settings(max_examples=60, deadline=None)
@given(a=st.floats(-10, 10), b=st.floats(-10, 10).filter(lambda b: abs(b) > 0.1))
def test_binary_gradients_match_central_differences(op, a, b):
    f = BINARY[op]
    va, vb = Value(a), Value(b)
    f(va, vb).backward()
    assert va.grad == pytest.approx(central(lambda x: f(x, b), a), rel=1e-5, abs=1e-6)
    assert vb.grad == pytest.approx(central(lambda y: f(a, y), b), rel=1e-5, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=3, max_size=3))
def test_composite_expression(xs):
    def f(a, b, c):
        return ((a * b).tanh() + (c * c + 1).log() - (a / (1 + b * b))).sigmoid() * 3

    vs = [Value(x) for x in xs]
    f(*vs).backward()
    plain = [
        lambda t: f(Value(t), Value(xs[1]), Value(xs[2])).data,
        lambda t: f(Value(xs[0]), Value(t), Value(xs[2])).data,
        lambda t: f(Value(xs[0]), Value(xs[1]), Value(t)).data,
    ]
    for v, g, x in zip(vs, plain, xs, strict=True):
        assert v.grad == pytest.approx(central(g, x), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e308, 1e308])
def test_tanh_and_sigmoid_are_finite_at_extremes(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for op, expected in [("tanh", math.copysign(1.0, x)), ("sigmoid", 1.0 if x > 0 else 0.0)]:
            v = Value(x)
            out = getattr(v, op)()
            out.backward()
            assert out.data == expected
            assert v.grad == 0.0  # the true slope, about 1e-434 or smaller, rounds to 0


def test_relu_slope_at_zero_is_zero_like_pytorch():
    v = Value(0.0)
    v.relu().backward()
    assert v.grad == 0.0


def test_sqrt_of_zero_has_infinite_slope():
    v = Value(0.0)
    (v**0.5).backward()
    assert v.grad == math.inf
    w = Value(0.0)
    (w**0).backward()
    assert w.grad == 0.0


def test_clear_errors():
    with pytest.raises(ValueError, match=r"positive numbers, got Value\(data=0"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"got Value\(data=-2.*label='x'"):
        Value(-2.0, "x").log()
    with pytest.raises(ZeroDivisionError, match=r"divide .* by Value\(data=0.*label='z'"):
        Value(1.0) / Value(0.0, "z")
    with pytest.raises(ZeroDivisionError, match="negative power"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="fractional power"):
        Value(-4.0) ** 0.5
    with pytest.raises(TypeError, match=r"Value \*\* Value is not supported.*log\(\)\)\.exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="exponent must be an int or float"):
        Value(2.0) ** "3"
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(TypeError, match="real number"):
        Value(True)
    with pytest.raises(TypeError, match=r"unsupported operand for \+ with a Value: 'a'"):
        Value(1.0) + "a"
    with pytest.raises(OverflowError, match="larger than the largest float"):
        Value(1000.0).exp()


def test_numpy_numbers_are_accepted():
    np = pytest.importorskip("numpy")
    v = Value(np.float64(2.5)) * np.int64(2)
    assert v.data == 5.0 and type(v.data) is float


def test_repr_names_data_grad_and_label():
    v = Value(2.0, "w")
    assert repr(v) == "Value(data=2, grad=0, label='w')"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"
