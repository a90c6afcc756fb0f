"""Scalar networks from Values; gradcheck on Value functions."""

import pytest

from nnlib import Value, optim
from nnlib.gradcheck import gradcheck, relative_error
from nnlib.scalar import MLP, Layer, Neuron


def test_neuron_computes_bias_plus_weighted_sum():
    n = Neuron(3, nonlin=False, rng=0)
    for w, v in zip(n.w, [0.5, -1.0, 2.0], strict=True):
        w.data = v
    n.b.data = 1.0
    assert n([2.0, 3.0, 1.0]).data == 1.0  # the syllabus's z = 1
    relu = Neuron(1, rng=0)
    relu.w[0].data, relu.b.data = 2.0, 1.0
    assert relu([3.0]).data == 7.0  # x = 3, w = 2, b = 1: z = 7, ReLU(7) = 7


def test_mlp_shapes_parameters_and_zero_grad():
    model = MLP(2, [16, 16, 1], rng=0)
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    out = model([1.0, -2.0])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())
    assert len(MLP(3, [4, 2], rng=0)([1.0, 2.0, 3.0])) == 2
    assert repr(model) == "MLP(2 -> 16 -> 16 -> 1)"
    assert repr(model.layers[0]) == "Layer(2 -> 16, ReLU)"
    assert repr(model.layers[2].neurons[0]) == "Neuron(16 inputs, linear)"
    assert len(Layer(2, 3, rng=0)([1.0, 1.0])) == 3


def test_mlp_is_seeded():
    a = [p.data for p in MLP(2, [4, 1], rng=3).parameters()]
    b = [p.data for p in MLP(2, [4, 1], rng=3).parameters()]
    assert a == b and a != [p.data for p in MLP(2, [4, 1], rng=4).parameters()]


def test_mlp_learns_xor():
    model = MLP(2, [8, 1], rng=1)
    opt = optim.SGD(model.parameters(), lr=0.05)
    data = [([0.0, 0.0], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], 1.0), ([1.0, 1.0], 0.0)]
    for _ in range(300):
        loss = sum((model(x) - t) ** 2 for x, t in data)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 0.01


def test_gradcheck_of_value_functions():
    a, b = Value(0.7, "a"), Value(-1.3, "b")
    result = gradcheck(lambda a, b: (a * b).tanh() + (a / (b * b + 1)).exp(), [a, b])
    assert result and result.max_relative_error < 1e-7
    assert "a: relative error" in str(result)


def test_gradcheck_catches_a_wrong_gradient():
    class Broken(Value):
        __slots__ = ()

        def relu(self):  # the classic slip: forgetting that the slope is 0 for x < 0
            out = super().relu()
            out._da = 1.0
            return out

    x = Broken(-2.0, "x")
    result = gradcheck(lambda x: x.relu() * 3, [x])
    assert not result
    assert "FAILED" in str(result)


def test_gradcheck_bad_calls():
    with pytest.raises(TypeError, match="non-empty list of Values"):
        gradcheck(lambda a: a, [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 1.0, [Value(1.0)])
    from nnlib import nn

    with pytest.raises(TypeError, match="needs target= and loss_fn="):
        gradcheck(nn.Linear(2, 2), [[1.0, 2.0]])
    assert relative_error(1.0, 1.0) == 0.0 and relative_error(0.0, 0.0) == 0.0


def test_neuron_errors():
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        Neuron(2, rng=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive number of inputs"):
        Neuron(0)
