"""Every exercise as grading sees it: a probe that runs the learner's code on cases and
a judge that needs only plain results; solutions and hidden cases in nnlib.solutions.

These hold for every chapter; each chapter's own slips are in tests/test_chNN.py.
"""

import pickle

import pytest

from nnlib.chapters import CHAPTERS
from nnlib.exercises import NOT_DONE_TYPE, Raised, chapter_exercises, get, round_trip
from tests.exercise_helpers import define

ALL = [ex.id for chapter in CHAPTERS for ex in chapter_exercises(chapter)]
SPLIT = [i for i in ALL if get(i).kind == "value" or get(i).probe is not None]


def _answers(ex):
    namespace = {}
    import math

    import numpy as np

    namespace.update(np=np, math=math)
    exec(ex.solution, namespace)
    return [namespace[name] for name in ex.answers]


@pytest.mark.parametrize("ex_id", ALL)
def test_every_solution_lives_in_nnlib_solutions(ex_id):
    ex = get(ex_id)
    assert ex_id in SPLIT, f"{ex_id}'s check is not split into a probe and a judge"
    assert ex.inline_solution is None, f"{ex_id}: move the solution to nnlib/solutions"
    assert ex.solution and ex.solution.strip()


@pytest.mark.parametrize("ex_id", SPLIT)
def test_our_solution_passes_public_and_hidden_cases(ex_id):
    ex = get(ex_id)
    cases = ex.grading_cases()
    fb = ex.judge(cases, ex.results(_answers(ex), cases))
    assert fb.passed is True, fb.message


@pytest.mark.parametrize("ex_id", [i for i in SPLIT if get(i).kind == "code"])
def test_code_exercises_have_public_and_hidden_cases_that_reach_a_sandbox(ex_id):
    ex = get(ex_id)
    assert ex.cases, f"{ex_id} has no public cases"
    assert ex.hidden, f"{ex_id} has no hidden cases"
    for case in [*ex.cases, *ex.hidden]:
        assert "want" in case, f"{ex_id}: every case carries its expected value"
        # What the grader sends into the sandbox: the case without its expected value.
        sent = pickle.loads(pickle.dumps({k: v for k, v in case.items() if k != "want"}))
        assert "want" not in sent


@pytest.mark.parametrize("ex_id", [i for i in SPLIT if get(i).kind == "code"])
def test_the_placeholder_is_not_done_on_every_case(ex_id):
    ex = get(ex_id)
    placeholder = define(ex.placeholder, ex.answers[0])
    answers = [placeholder] + [...] * (len(ex.answers) - 1)
    results = ex.results(answers, ex.grading_cases())
    assert all(isinstance(r, Raised) and r.type == NOT_DONE_TYPE for r in results)
    assert ex.judge(ex.grading_cases(), results).passed is None


def test_plain_data_survives_the_boundary():
    import numpy as np

    value = {"a": (1, 2.5, float("inf")), "b": np.eye(2), "c": [True, None, "x"], "d": 3 + 4j}
    back = round_trip(value)
    assert back["a"] == (1, 2.5, float("inf")) and back["c"] == [True, None, "x"]
    assert np.array_equal(back["b"], np.eye(2)) and back["d"] == 3 + 4j
    assert repr(round_trip(object())).startswith("<object object")
