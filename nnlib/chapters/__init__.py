"""One companion module per chapter: its explorers, its exercises' checks, hints and solutions.

``nnlib.chapters.ch05`` belongs to ``notebooks/05_forward_pass.ipynb``, and so
on: a change to chapter 05 opens files named 05. A notebook imports its
companion in its first code cell (``from nnlib.chapters import ch05``) and
calls ``ch05.some_explorer()``; exercises are checked with
``nnlib.exercises.check("05.2", ...)``, which imports the companion by itself.

The generic machinery lives in ``nnlib.widgets`` (Explorer, sliders) and
``nnlib.exercises`` (Feedback, answers, hints and solutions).
"""

CHAPTERS = ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09")
