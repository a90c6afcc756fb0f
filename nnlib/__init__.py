"""nnlib: the small, tested library behind the course "How neural networks learn".

Every chapter imports from here. Each module opens with a docstring naming
the chapter that introduces it:

- ``nnlib.calculus``: difference quotients and numerical gradients (01, 02, 07)
- ``nnlib.engine``: ``Value``, a scalar automatic-differentiation engine (02, 07)
- ``nnlib.graph``: computation graphs as DOT text and as drawn SVG (02, 07)
- ``nnlib.functional``: activations and losses on arrays, with derivatives (04, 06)
- ``nnlib.scalar``: neurons, layers and MLPs made of Values (07, 08)
- ``nnlib.nn``: array layers with hand-written backward passes (05, 07, 09)
- ``nnlib.optim``: SGD, momentum, RMSprop, Adam and learning-rate schedules (08, 09)
- ``nnlib.data``: XOR, moons, spirals, blobs, teacher-student, digits (03, 05, 08, 09)
- ``nnlib.train``: mini-batches and a fit loop with early stopping (08, 09)
- ``nnlib.gradcheck``: analytic against numerical gradients (07)
- ``nnlib.widgets``: the generic machinery of explorers (sliders, Explorer) (00 onwards)
- ``nnlib.exercises``: feedback, answers as learners write them, hints and solutions (00 onwards)
- ``nnlib.chapters.chNN``: one companion per chapter: its explorers and exercises
- ``nnlib.instructor``: solved, student and nbgrader versions, and grading
"""

from nnlib.engine import Value

__version__ = "0.1.0"

__all__ = ["Value", "__version__"]
