"""nnlib: the small, tested library behind the course "How neural networks learn".

Every chapter imports from here. Each module opens with a docstring naming
the chapter that introduces it:

- ``nnlib.engine``: ``Value``, a scalar automatic-differentiation engine (02, 07)
- ``nnlib.graph``: computation graphs as DOT text and as drawn SVG (02, 07)
- ``nnlib.widgets``: the interactive explorers the chapters call (00 onwards)
"""

from nnlib.engine import Value

__version__ = "0.1.0"

__all__ = ["Value", "__version__"]
