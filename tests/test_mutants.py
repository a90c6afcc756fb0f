"""Checks judged by wrong implementations: every mutant rejected with its slip named,
every correct alternative accepted, by the learner's check and by grading.

The catalogues live in tests/mutants/chNN.py; the table is printed at the end of the run.
"""

import importlib
import math
import pkgutil

import numpy as np
import pytest

import tests.mutants as catalogue
from nnlib.exercises import get
from tests.mutants import Alternative, Mutant

#: (exercise, "mutant" or "alternative", name) -> (rejected or accepted, slip named)
RESULTS: dict[tuple[str, str, str], tuple[bool, bool]] = {}


def _modules():
    for info in pkgutil.iter_modules(catalogue.__path__):
        yield importlib.import_module(f"tests.mutants.{info.name}")


def _entries(kind: str):
    found = []
    for module in _modules():
        for ex_id, items in getattr(module, kind).items():
            found += [pytest.param(ex_id, item, id=f"{ex_id}-{item.name}") for item in items]
    return found


def _answers(ex, source: str):
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    return [namespace.get(name, ...) for name in ex.answers]


def _verdicts(ex_id: str, source: str):
    ex = get(ex_id)
    public = ex.run(*_answers(ex, source))
    cases = ex.grading_cases()
    graded = ex.judge(cases, ex.results(_answers(ex, source), cases))
    return public, graded


@pytest.mark.parametrize("ex_id, mutant", _entries("MUTANTS"))
def test_mutant_is_rejected_with_its_slip_named(ex_id, mutant: Mutant):
    public, graded = _verdicts(ex_id, mutant.source)
    slips = (mutant.slip,) if isinstance(mutant.slip, str) else mutant.slip
    named = all(s in public.message for s in slips)
    RESULTS[(ex_id, "mutant", mutant.name)] = (public.passed is False, named)
    assert public.passed is False, f"the learner's check accepted {mutant.name!r}"
    assert graded.passed is False, f"grading accepted {mutant.name!r}"
    assert named, f"{mutant.name!r}: no {slips} in the feedback:\n{public.message}"


@pytest.mark.parametrize("ex_id, alternative", _entries("ALTERNATIVES"))
def test_correct_alternative_is_accepted(ex_id, alternative: Alternative):
    public, graded = _verdicts(ex_id, alternative.source)
    RESULTS[(ex_id, "alternative", alternative.name)] = (public.passed is True, True)
    assert public.passed is True, f"{alternative.name!r} rejected:\n{public.message}"
    assert graded.passed is True, f"{alternative.name!r} rejected by grading:\n{graded.message}"


def table() -> list[str]:
    """exercise | mutants rejected / total | slips named / total | alternatives accepted / total"""
    ids = sorted({key[0] for key in RESULTS})
    lines = [f"{'exercise':<9} {'mutants rejected':>17} {'slips named':>12} {'alternatives':>13}"]
    for ex_id in ids:
        mut = [v for k, v in RESULTS.items() if k[0] == ex_id and k[1] == "mutant"]
        alt = [v for k, v in RESULTS.items() if k[0] == ex_id and k[1] == "alternative"]
        rejected, named = sum(r for r, _ in mut), sum(n for _, n in mut)
        accepted = sum(r for r, _ in alt)
        lines.append(
            f"{ex_id:<9} {rejected:>8} / {len(mut):<6} {named:>5} / {len(mut):<4} "
            f"{accepted:>5} / {len(alt):<5}"
        )
    return lines
