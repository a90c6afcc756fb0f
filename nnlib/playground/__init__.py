"""The playground: train a small network on 2-D data and watch every neuron learn.

Chapter 08 opens it; chapter 09 uses its optimiser and regularisation controls.
Two layers, as for every widget in the course:

- ``nnlib.playground.model``: the pure logic (data, network, training, and
  every number the picture shows), tested without a browser;
- ``nnlib.playground.widget``: ``Playground``, an anywidget that draws those
  numbers in the browser and sends the controls back.

>>> from nnlib.playground import Playground          # doctest: +SKIP
>>> Playground(dataset="spiral", hidden=[8, 8])      # doctest: +SKIP  (shows it)
"""

from nnlib.playground.model import DEFAULTS, PlaygroundModel, validate_config

__all__ = ["DEFAULTS", "Playground", "PlaygroundModel", "validate_config"]


def __getattr__(name):
    # The widget imports anywidget; load it only when asked for, so the pure
    # model works (and is tested) without it.
    if name == "Playground":
        from nnlib.playground.widget import Playground

        return Playground
    raise AttributeError(f"module 'nnlib.playground' has no attribute {name!r}")
