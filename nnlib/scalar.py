"""Neurons, layers and a multilayer perceptron built from scalar `Value`s.

Chapter 07 builds these by hand before switching to this file; chapter 08
trains them. Every weight is its own ``Value``, so ``backward()`` on a loss
reaches each one, and ``draw_dot`` can draw a whole (small) network.
"""

from __future__ import annotations

from nnlib.data import _generator
from nnlib.engine import Value

__all__ = ["MLP", "Layer", "Module", "Neuron"]


class Module:
    """Anything with parameters: ``parameters()`` lists them, ``zero_grad()`` clears them."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """z = b + w₁x₁ + … + wₙxₙ, then ReLU (or nothing, with ``nonlin=False``).

    Weights start uniform in [-1, 1] and the bias at 0, drawn from ``rng``.
    """

    def __init__(self, nin: int, nonlin: bool = True, rng=0):
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"a Neuron needs a positive number of inputs, got {nin!r}")
        g = _generator(rng)
        self.w = [Value(float(g.uniform(-1, 1)), label=f"w{i + 1}") for i in range(nin)]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"this Neuron expects {len(self.w)} inputs, got {len(x)}")
        z = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return z.relu() if self.nonlin else z

    def parameters(self):
        return [*self.w, self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)} inputs, {'ReLU' if self.nonlin else 'linear'})"


class Layer(Module):
    """``nout`` neurons that all read the same inputs."""

    def __init__(self, nin: int, nout: int, nonlin: bool = True, rng=0):
        g = _generator(rng)
        self.neurons = [Neuron(nin, nonlin, g) for _ in range(nout)]
        self.nonlin = nonlin

    def __call__(self, x) -> list[Value]:
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        kind = "ReLU" if self.nonlin else "linear"
        return f"Layer({len(self.neurons[0].w)} -> {len(self.neurons)}, {kind})"


class MLP(Module):
    """A multilayer perceptron: ReLU hidden layers, a linear output layer.

    ``MLP(2, [16, 16, 1])`` maps 2 inputs through two hidden layers of 16 to 1 output.
    """

    def __init__(self, nin: int, nouts: list[int], rng=0):
        g = _generator(rng)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1, rng=g)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        """The outputs for one example ``x`` (a list of numbers or Values): a single
        Value when the last layer has one neuron, else a list of Values."""
        x = [xi if isinstance(xi, Value) else Value(float(xi)) for xi in x]
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        sizes = [len(self.layers[0].neurons[0].w)] + [len(la.neurons) for la in self.layers]
        return f"MLP({' -> '.join(map(str, sizes))})"
