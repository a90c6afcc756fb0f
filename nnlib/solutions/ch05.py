"""Chapter 05's solutions, reference code and hidden cases (left out of a class release).

The public cases' expected values in ``nnlib.chapters.ch05`` come from nnlib's own layers
or are literals; tests/test_ch05.py checks that they equal what the references here give.
"""

from __future__ import annotations

import itertools

import numpy as np

from nnlib.chapters.ch05 import leaky_relu, relu

SOLUTIONS = {
    "05.1": '''
def dense(X, W, b):
    """The weighted sums of one layer for a batch stored one example per COLUMN.

    X: shape (inputs, batch), example n is the column X[:, n].
    W: shape (outputs, inputs), one row of weights per neuron (as in nn.Linear).
    b: shape (outputs,), one bias per neuron.
    Returns shape (outputs, batch): column n holds every neuron's z for example n.
    """
    return W @ X + b[:, None]  # b as a column: added to every example's column
''',
    "05.2": '''
def forward(X, layers, activation):
    """A fully connected network of any depth on a batch X of shape (batch, inputs).

    layers: a list of (W, b) pairs, first layer first; each W has shape (outputs, inputs)
    as in nn.Linear, each b shape (outputs,).
    activation: a function applied to every entry, such as np.tanh, after every layer
    except the last, which returns its weighted sums as they are (raw scores).
    Returns the last layer's output, shape (batch, outputs of the last layer).
    """
    h = X
    for W, b in layers[:-1]:
        h = activation(h @ W.T + b)
    W, b = layers[-1]
    return h @ W.T + b
''',
    "05.3": '''
def count_parameters(sizes):
    """The number of weights and biases of a fully connected network with these layer sizes,
    e.g. sizes = [64, 32, 10]: 64 inputs, a hidden layer of 32 units, 10 outputs."""
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_in * n_out + n_out  # W is (n_out, n_in); b is (n_out,)
    return total
''',
    "05.4": "v2_largest = -2.5  # (1, 1): 1.5 + 0.5·v2 - 0.25 ≤ 0 exactly when v2 ≤ -2.5",
}


# ------------------------------------------------------------------ references


def dense(X, W, b):
    """The reference for 05.1: examples as columns."""
    return W @ X + b[:, None]


def forward(X, layers, activation):
    """The reference for 05.2."""
    h = X
    for k, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if k < len(layers) - 1:
            h = activation(h)
    return h


def count_parameters(sizes) -> int:
    """The reference for 05.3."""
    return sum(a * b + b for a, b in itertools.pairwise(sizes))


# ------------------------------------------------------------------ hidden cases
#
# Inputs the learner's check never sees: other shapes (tall, wide, one by one), numbers that
# are not whole, activations that are neither ReLU nor tanh, deeper networks.


def _hidden_dense() -> list[dict]:
    rng = np.random.default_rng(50501)
    cases = []
    for i, n, o in [(6, 7, 5), (1, 1, 1), (3, 4, 4), (4, 4, 4), (2, 6, 3), (7, 2, 9)]:
        X, W, b = rng.normal(size=(i, n)), rng.normal(size=(o, i)), rng.normal(size=o)
        cases.append({"X": X, "W": W, "b": b, "want": dense(X, W, b)})
    return cases


def _hidden_forward() -> list[dict]:
    rng = np.random.default_rng(50502)
    cases = []
    for n, sizes, activation in [
        (6, (3, 7, 2), np.abs),
        (2, (4, 4, 4, 4, 4, 4), np.tanh),  # five square layers: transpositions all run
        (1, (1, 1), relu),
        (3, (5, 2, 6, 1), np.sin),
        (7, (2, 8, 3), leaky_relu),
        (4, (3, 3, 3), relu),
    ]:
        layers = [
            (rng.normal(size=(o, i)), rng.normal(size=o)) for i, o in itertools.pairwise(sizes)
        ]
        X = rng.normal(size=(n, sizes[0]))
        cases.append(
            {
                "X": X,
                "layers": layers,
                "activation": activation,
                "want": forward(X, layers, activation),
            }
        )
    return cases


def _hidden_count() -> list[dict]:
    sizes = [[10, 1], [3, 3, 3, 3, 3, 3], [1000, 1], [5, 100, 5], [1], [2, 1, 1, 1, 2]]
    return [{"sizes": s, "want": count_parameters(s)} for s in sizes]


HIDDEN = {
    "05.1": _hidden_dense(),
    "05.2": _hidden_forward(),
    "05.3": _hidden_count(),
}
