"""Wrong implementations learners really write (mutants) and correct ones in other styles.

One module per chapter, ``tests/mutants/chNN.py``, holding ``MUTANTS`` and
``ALTERNATIVES``: {exercise id: [Mutant(...) or Alternative(...), ...]}.
tests/test_mutants.py runs every one of them through the learner's check and
through grading (public and hidden cases), and prints the table.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    """A wrong answer: ``source`` defines the answer names (as an answer cell would);
    the check must reject it and its message must contain every string of ``slip``."""

    name: str
    source: str
    slip: tuple[str, ...] | str


@dataclass(frozen=True)
class Alternative:
    """A correct answer in another style; the check must accept it."""

    name: str
    source: str
