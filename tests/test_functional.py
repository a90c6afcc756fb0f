"""Activations and losses: values, derivatives against central differences, hostile input."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import functional as F
from nnlib.calculus import numerical_gradient

finite = st.floats(-6, 6, allow_nan=False)
vectors = arrays(np.float64, st.integers(1, 6), elements=finite)

ACTIVATIONS = {
    "relu": (F.relu, F.relu_derivative),
    "leaky_relu": (F.leaky_relu, F.leaky_relu_derivative),
    "elu": (F.elu, F.elu_derivative),
    "sigmoid": (F.sigmoid, F.sigmoid_derivative),
    "tanh": (F.tanh, F.tanh_derivative),
    "gelu": (F.gelu, F.gelu_derivative),
    "silu": (F.silu, F.silu_derivative),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@settings(max_examples=50, deadline=None)
@given(x=vectors.filter(lambda v: np.all(np.abs(v) > 1e-3)))
def test_activation_derivatives_match_central_differences(name, x):
    f, df = ACTIVATIONS[name]
    numeric = (f(x + 1e-6) - f(x - 1e-6)) / 2e-6
    np.testing.assert_allclose(df(x), numeric, rtol=1e-5, atol=1e-7)


def test_known_values():
    assert F.sigmoid_derivative(0.0) == 0.25
    assert F.tanh_derivative(0.0) == 1.0
    assert F.leaky_relu(-2.0) == pytest.approx(-0.02)
    assert F.elu(-1e3) == pytest.approx(-1.0)
    np.testing.assert_allclose(F.softmax([2.0, 1.0, 0.1]), [0.659, 0.242, 0.099], atol=5e-4)


HOSTILE = np.array([-1000.0, -745.0, -30.0, 0.0, 30.0, 745.0, 1000.0])


def test_hostile_inputs_are_finite_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f, df in ACTIVATIONS.values():
            assert np.all(np.isfinite(f(HOSTILE))) and np.all(np.isfinite(df(HOSTILE)))
        assert F.sigmoid(-1000.0) == 0.0 and F.sigmoid(1000.0) == 1.0
        np.testing.assert_array_equal(F.softmax([1000.0, 0.0]), [1.0, 0.0])
        np.testing.assert_allclose(F.log_softmax([1000.0, 0.0]), [0.0, -1000.0])
        assert F.binary_cross_entropy([0.0, 1.0], [1.0, 0.0]) == 100.0
        assert F.binary_cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
        assert np.all(np.isfinite(F.binary_cross_entropy_grad([0.0, 1.0], [1.0, 0.0])))
        assert F.binary_cross_entropy_with_logits([1000.0], [0.0]) == 1000.0
        assert F.binary_cross_entropy_with_logits([-1000.0], [0.0]) == 0.0
        assert F.cross_entropy([[1000.0, 0.0]], [1]) == 1000.0


@settings(max_examples=50, deadline=None)
@given(x=arrays(np.float64, (3, 4), elements=finite), t=st.floats(0.2, 5))
def test_softmax_rows_sum_to_one_and_temperature(x, t):
    s = F.softmax(x, temperature=t)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0)
    np.testing.assert_allclose(s, F.softmax(x / t))
    np.testing.assert_allclose(F.softmax(x, axis=0).sum(axis=0), 1.0)


def test_temperature_flattens_and_sharpens():
    x = [2.0, 1.0, 0.1]
    assert (
        F.softmax(x, temperature=5.0).max()
        < F.softmax(x).max()
        < F.softmax(x, temperature=0.2).max()
    )
    with pytest.raises(ValueError, match="positive number, got 0"):
        F.softmax(x, temperature=0)


@settings(max_examples=40, deadline=None)
@given(x=arrays(np.float64, 5, elements=finite), g=arrays(np.float64, 5, elements=finite))
def test_softmax_and_log_softmax_backward(x, g):
    numeric = numerical_gradient(lambda v: float(np.sum(g * F.softmax(v))), x)
    np.testing.assert_allclose(F.softmax_backward(F.softmax(x), g), numeric, atol=1e-7)
    numeric = numerical_gradient(lambda v: float(np.sum(g * F.log_softmax(v))), x)
    np.testing.assert_allclose(F.log_softmax_backward(F.log_softmax(x), g), numeric, atol=1e-6)


def test_house_price_example():
    true, pred = [200e3, 300e3, 250e3], [210e3, 280e3, 255e3]
    assert F.mse(pred, true) == 175_000_000.0
    assert F.mae(pred, true) == pytest.approx(35e3 / 3)
    assert F.mse(pred, true, reduction="sum") == 525_000_000.0
    np.testing.assert_array_equal(F.mse(pred, true, reduction="none"), [1e8, 4e8, 25e6])


def test_cross_entropy_worked_values():
    assert F.binary_cross_entropy([0.5], [1.0]) == pytest.approx(0.693, abs=5e-4)
    assert F.binary_cross_entropy([0.1], [1.0]) == pytest.approx(2.303, abs=5e-4)
    probs = np.full(10, 0.6 / 9)
    probs[7] = 0.4
    assert F.nll_loss(np.log(probs), 7) == pytest.approx(0.916, abs=5e-4)
    probs = np.full(10, 0.1 / 9)
    probs[7] = 0.9
    assert F.nll_loss(np.log(probs), 7) == pytest.approx(0.105, abs=5e-4)


def test_cross_entropy_gradient_of_the_syllabus():
    # logits whose softmax is [0.5, 0.5, 0]: dL/dz = ŷ - y = [0.5, -0.5, 0]
    z = np.array([[0.0, 0.0, -1000.0]])
    np.testing.assert_allclose(F.cross_entropy_grad(z, [1]), [[0.5, -0.5, 0.0]])


def test_huber_is_squared_then_linear():
    assert F.huber([0.5], [0.0]) == 0.125
    assert F.huber([3.0], [0.0]) == 2.5
    assert F.huber([3.0], [0.0], delta=2.0) == 4.0
    with pytest.raises(ValueError, match="delta must be a positive number"):
        F.huber([1.0], [0.0], delta=-1)


LOSSES = {
    "mse": (F.mse, F.mse_grad),
    "mae": (F.mae, F.mae_grad),
    "huber": (F.huber, F.huber_grad),
    "bce_logits": (F.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits_grad),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@settings(max_examples=30, deadline=None)
@given(
    x=arrays(np.float64, (2, 3), elements=finite), y=arrays(np.float64, (2, 3), elements=finite)
)
def test_loss_gradients_match_central_differences(name, reduction, x, y):
    loss, grad = LOSSES[name]
    if name == "bce_logits":
        y = (y > 0).astype(float)
    if name in ("mae", "huber") and (
        np.any(np.abs(x - y) < 1e-3) or np.any(np.abs(np.abs(x - y) - 1) < 1e-3)
    ):
        return  # kinks: the derivative is one-sided there
    numeric = numerical_gradient(lambda v: loss(v, y, reduction=reduction), x)
    np.testing.assert_allclose(grad(x, y, reduction=reduction), numeric, rtol=1e-5, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(p=arrays(np.float64, 4, elements=st.floats(0.01, 0.99)), y=arrays(np.bool_, 4))
def test_binary_cross_entropy_gradient(p, y):
    y = y.astype(float)
    numeric = numerical_gradient(lambda v: F.binary_cross_entropy(v, y), p, h=1e-7)
    np.testing.assert_allclose(F.binary_cross_entropy_grad(p, y), numeric, rtol=1e-4)


@settings(max_examples=30, deadline=None)
@given(
    z=arrays(np.float64, (3, 4), elements=finite),
    labels=arrays(np.int64, 3, elements=st.integers(0, 3)),
)
def test_cross_entropy_gradient_indices_and_one_hot(z, labels):
    numeric = numerical_gradient(lambda v: F.cross_entropy(v, labels), z)
    np.testing.assert_allclose(F.cross_entropy_grad(z, labels), numeric, atol=1e-7)
    oh = F.one_hot(labels, 4)
    assert F.cross_entropy(z, oh) == pytest.approx(F.cross_entropy(z, labels))
    np.testing.assert_allclose(F.cross_entropy_grad(z, oh), F.cross_entropy_grad(z, labels))


def test_soft_targets_gradient():
    z = np.array([[0.3, -1.0, 2.0]])
    y = np.array([[0.2, 0.3, 0.1]])  # deliberately not summing to 1
    numeric = numerical_gradient(lambda v: F.cross_entropy(v, y), z)
    np.testing.assert_allclose(F.cross_entropy_grad(z, y), numeric, atol=1e-8)


def test_single_example_cross_entropy():
    assert F.cross_entropy([2.0, 1.0, 0.1], 0) == pytest.approx(-np.log(0.659), abs=1e-3)
    assert F.cross_entropy_grad([0.0, 0.0], 1).shape == (2,)


def test_shape_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(2,\)"):
        F.mse([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match=r"class indices of shape \(2,\) or as one-hot rows"):
        F.cross_entropy(np.zeros((2, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"shape \(C,\) or \(N, C\), got \(1, 2, 3\)"):
        F.cross_entropy(np.zeros((1, 2, 3)), [0])
    with pytest.raises(ValueError, match=r"0\.\.2, got values from 0 to 3"):
        F.one_hot([0, 3], 3)
    with pytest.raises(TypeError, match="integer class labels"):
        F.one_hot([0.5], 3)
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        F.binary_cross_entropy([1.5], [1.0])
    with pytest.raises(ValueError, match="reduction must be"):
        F.mse([1.0], [1.0], reduction="avg")


def test_gelu_and_silu_known_values_and_minimums():
    assert F.gelu(0.0) == 0.0 and F.silu(0.0) == 0.0
    assert F.gelu_derivative(0.0) == 0.5 and F.silu_derivative(0.0) == 0.5
    assert F.gelu(1.0) == pytest.approx(0.8413447460685429)  # 1 · Φ(1)
    assert F.silu(1.0) == pytest.approx(1 / (1 + np.exp(-1.0)))
    z = np.linspace(-4, 4, 800_001)
    assert F.gelu(z).min() == pytest.approx(-0.16997, abs=1e-5)
    assert F.silu(z).min() == pytest.approx(-0.27846, abs=1e-5)
    assert F.gelu(-1000.0) == 0.0 and F.gelu(1000.0) == 1000.0
    assert F.silu(-1000.0) == 0.0 and F.silu(1000.0) == 1000.0


def test_gelu_and_silu_agree_with_torch():
    torch = pytest.importorskip("torch")
    x = np.concatenate([np.linspace(-8, 8, 161), HOSTILE])
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    for ours, ours_d, theirs in [
        (F.gelu, F.gelu_derivative, torch.nn.functional.gelu),
        (F.silu, F.silu_derivative, torch.nn.functional.silu),
    ]:
        t.grad = None
        out = theirs(t)
        out.sum().backward()
        np.testing.assert_allclose(ours(x), out.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ours_d(x), t.grad.numpy(), rtol=1e-10, atol=1e-15)
