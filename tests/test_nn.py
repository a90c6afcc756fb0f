"""numpy layers: hand-written backward passes against numerical gradients; shapes; errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import nn
from nnlib.gradcheck import gradcheck

LOSSES = {
    "mse": (nn.MSELoss, lambda g, shape: g.normal(size=shape)),
    "l1": (nn.L1Loss, lambda g, shape: g.normal(size=shape)),
    "huber": (nn.HuberLoss, lambda g, shape: g.normal(size=shape)),
    "ce": (nn.CrossEntropyLoss, lambda g, shape: g.integers(0, shape[1], shape[0])),
    "bce": (nn.BCEWithLogitsLoss, lambda g, shape: g.integers(0, 2, shape).astype(float)),
}
ACTIVATIONS = [nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Sigmoid, nn.Tanh]


@pytest.mark.parametrize("act", ACTIVATIONS, ids=lambda a: a.__name__)
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_mlp_gradients_pass_gradcheck(act, loss):
    g = np.random.default_rng(7)
    model = nn.Sequential(nn.Linear(3, 5, rng=1), act(), nn.Linear(5, 4, rng=2))
    loss_cls, make_target = LOSSES[loss]
    x = g.normal(size=(6, 3))
    result = gradcheck(model, x, target=make_target(g, (6, 4)), loss_fn=loss_cls())
    assert result, str(result)
    assert result.max_relative_error < 1e-5


def test_softmax_layer_and_three_layer_mlp():
    g = np.random.default_rng(3)
    model = nn.Sequential(
        nn.Linear(4, 8, rng=1),
        nn.ReLU(),
        nn.Linear(8, 6, rng=2),
        nn.ReLU(),
        nn.Linear(6, 3, rng=3),
        nn.Softmax(),
    )
    x = g.normal(size=(5, 4))
    result = gradcheck(model, x, target=g.normal(size=(5, 3)), loss_fn=nn.MSELoss())
    assert result, str(result)
    assert "gradcheck passed" in str(result)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.integers(0, 10**6))
def test_linear_backward_any_shape(n_in, n_out, batch, seed):
    g = np.random.default_rng(seed)
    layer = nn.Linear(n_in, n_out, rng=seed)
    result = gradcheck(
        layer,
        g.normal(size=(batch, n_in)),
        target=g.normal(size=(batch, n_out)),
        loss_fn=nn.MSELoss(),
    )
    assert result, str(result)


def test_linear_matches_its_formula_and_accumulates():
    layer = nn.Linear(3, 2, rng=0)
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(layer(x), x @ layer.weight.data.T + layer.bias.data)
    g = np.array([[1.0, -1.0]])
    layer(x)
    layer.backward(g)
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * g.T @ x)
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()


def test_single_example_without_batch_axis():
    layer = nn.Linear(3, 2, rng=0)
    x = np.array([1.0, -2.0, 0.5])
    out = layer(x)
    assert out.shape == (2,)
    dx = layer.backward(np.ones(2))
    assert dx.shape == (3,)
    np.testing.assert_allclose(layer.weight.grad, np.outer(np.ones(2), x))


def test_shape_errors_name_expected_and_given():
    with pytest.raises(
        ValueError, match=r"Linear\(3, 4\) expects input with 3 features, got shape \(5, 2\)"
    ):
        nn.Linear(3, 4)(np.zeros((5, 2)))
    layer = nn.Linear(3, 4)
    layer(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"gradient of shape \(5, 4\), got \(5, 3\)"):
        layer.backward(np.zeros((5, 3)))
    with pytest.raises(RuntimeError, match="ReLU.backward called before forward"):
        nn.ReLU().backward(np.zeros(3))
    with pytest.raises(RuntimeError, match="MSELoss.backward called before forward"):
        nn.MSELoss().backward()
    with pytest.raises(TypeError, match="Sequential expects Modules, got 3 at position 1"):
        nn.Sequential(nn.ReLU(), 3)
    with pytest.raises(ValueError, match="fan_in must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="init must be"):
        nn.Linear(2, 3, init="zeros")
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum'"):
        nn.MSELoss(reduction="none")


def test_parameters_and_repr():
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1, bias=False))
    shapes = [p.shape for p in model.parameters()]
    assert shapes == [(3, 2), (3,), (1, 3)]
    assert len(model) == 3 and isinstance(model[1], nn.Tanh)
    assert "(0): Linear(2, 3)" in repr(model)
    assert repr(model.parameters()[0]) == "Parameter(weight, shape=(3, 2))"
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"


def test_default_init_is_pytorch_like_and_seeded():
    a, b = nn.Linear(100, 50, rng=3), nn.Linear(100, 50, rng=3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert np.abs(a.weight.data).max() <= 0.1
    assert not np.array_equal(a.weight.data, nn.Linear(100, 50, rng=4).weight.data)


@pytest.mark.parametrize(
    ("init", "std"),
    [
        ("he_normal", np.sqrt(2 / 400)),
        ("he_uniform", np.sqrt(2 / 400)),
        ("xavier_normal", np.sqrt(2 / 700)),
        ("xavier_uniform", np.sqrt(2 / 700)),
    ],
)
def test_initialiser_spread(init, std):
    layer = nn.Linear(400, 300, init=init, rng=0)
    assert layer.weight.data.std() == pytest.approx(std, rel=0.02)
    assert not layer.bias.data.any()


def test_he_keeps_relu_activations_from_vanishing():
    g = np.random.default_rng(0)
    x = g.normal(size=(256, 200))
    for _ in range(10):
        x = np.maximum(nn.Linear(200, 200, init="he_normal", rng=g)(x), 0)
    assert 0.3 < np.sqrt(np.mean(x**2)) < 3


def test_loss_modules_return_floats_and_gradients():
    loss = nn.CrossEntropyLoss()
    value = loss(np.array([[0.0, 0.0, -1000.0]]), np.array([1]))
    assert isinstance(value, float) and value == pytest.approx(np.log(2))
    np.testing.assert_allclose(loss.backward(), [[0.5, -0.5, 0.0]])
    np.testing.assert_allclose(loss.backward(2.0), [[1.0, -1.0, 0.0]])


def test_module_base_class_errors():
    with pytest.raises(NotImplementedError, match="Module has no forward pass"):
        nn.Module()(1)
    with pytest.raises(NotImplementedError, match="Module has no backward pass"):
        nn.Module().backward(1)
    assert repr(nn.Module()) == "Module()"
