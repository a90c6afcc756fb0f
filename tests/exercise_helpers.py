"""Run an exercise's placeholder or solution source as a learner's answer cell would."""

import math

import numpy as np

from nnlib.exercises import get


def define(source: str, name: str):
    """Execute ``source`` (with np and math, as the chapters import them) and return ``name``."""
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    return namespace[name]


def solution_of(ex_id: str):
    """Our solution to ``ex_id``: its first answer (a function, class or value)."""
    ex = get(ex_id)
    return define(ex.solution, ex.answers[0])


def placeholder_of(ex_id: str):
    """What the learner starts with: the placeholder's function, or ``...`` for a value."""
    ex = get(ex_id)
    return define(ex.placeholder, ex.answers[0]) if ex.kind == "code" else ...
