"""The exercise core: feedback in words, answers as learners write them, hints and solutions.

Each chapter's own checks are tested in tests/test_chNN.py.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from nnlib import exercises as ex
from nnlib.exercises import (
    FEEDBACK_MIME,
    AnswerError,
    Feedback,
    as_array,
    as_int,
    as_number,
    check,
    first_failure,
    hint,
    solution,
)

# ------------------------------------------------------------------ feedback


def test_feedback_says_its_verdict_in_words():
    assert str(Feedback(True, "fine")) == "✅ Correct: fine"
    assert str(Feedback(False, "no")) == "❌ Not quite: no"
    assert str(Feedback(None, "later")) == "✏️ Not done yet: later"


def test_feedback_html_has_the_word_escapes_text_and_hides_the_symbol_from_readers():
    html = Feedback(False, "a < b", "01.2")._repr_html_()
    assert "<b>Not quite</b>" in html and "a &lt; b" in html and "01.2" in html
    assert "aria-hidden='true'>❌" in html


def test_feedback_mime_bundle_is_machine_readable():
    bundle = Feedback(None, "x", "03.1")._repr_mimebundle_()
    assert bundle[FEEDBACK_MIME] == {"check": "03.1", "passed": None}
    assert bundle["text/plain"].startswith("✏️ Not done yet")


def test_assert_passed_raises_unless_correct():
    Feedback(True, "ok", "01.1").assert_passed()
    for passed in (False, None):
        with pytest.raises(AssertionError, match="exercise 01.1"):
            Feedback(passed, "no", "01.1").assert_passed()


# ------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "answer, value",
    [
        (3, 3.0),
        (-2.5, -2.5),
        (np.int64(3), 3.0),
        (np.int8(-3), -3.0),
        (np.uint16(7), 7.0),
        (np.float32(0.5), 0.5),
        (np.float16(0.25), 0.25),
        (np.longdouble(1.5), 1.5),
        (np.array(2.0), 2.0),
        (np.array([4.0]), 4.0),
        ([6], 6.0),
        (Fraction(1, 4), 0.25),
    ],
)
def test_as_number_accepts_every_real_number_a_learner_writes(answer, value):
    assert as_number(answer) == value


@pytest.mark.parametrize(
    "answer, words",
    [
        (True, "boolean"),
        (np.bool_(False), "boolean"),
        ("3", "text"),
        (float("nan"), "NaN"),
        (np.float64("nan"), "NaN"),
        (math.inf, "infinite"),
        (np.array([1.0, 2.0]), "shape (2,)"),
        (None, "None"),
        (1 + 2j, "1+2j"),
    ],
)
def test_as_number_rejects_the_rest_saying_what_came(answer, words):
    with pytest.raises(AnswerError, match="Expected a number") as info:
        as_number(answer)
    assert words in str(info.value)


def test_as_int():
    assert as_int(np.int64(3)) == 3 and as_int(3.0) == 3
    with pytest.raises(AnswerError, match="whole number"):
        as_int(3.5)


@pytest.mark.parametrize(
    "answer",
    [[4, 1], (4, 1), np.array([4, 1]), np.array([4.0, 1.0], dtype=np.float32), [np.int64(4), 1]],
)
def test_as_array_accepts_lists_tuples_and_arrays(answer):
    np.testing.assert_array_equal(as_array(answer, (2,)), [4.0, 1.0])


@pytest.mark.parametrize(
    "answer, words",
    [
        ("[4, 1]", "text"),
        ([True, False], "numbers"),
        ([[1, 2], [3]], "unequal"),
        ([1, 2, 3], "shape (2,), got shape (3,)"),
        ([1, float("nan")], "finite"),
        (["a", "b"], "numbers"),
    ],
)
def test_as_array_rejects_what_is_not_an_array_of_the_shape(answer, words):
    with pytest.raises(AnswerError) as info:
        as_array(answer, (2,))
    assert words in str(info.value)


# ------------------------------------------------------------ the learner's code


def test_first_failure_reports_input_expected_and_got():
    fb = first_failure(
        [1.0, 2.0, 3.0],
        run=lambda x: x * 2 if x < 2 else x * 3,
        expected=lambda x: x * 2,
        diagnose=lambda case, got, want: "tripled?",
    )
    assert fb.passed is False
    assert "input:    2\n" in fb.message and "expected: 4" in fb.message
    assert "got:      6" in fb.message and "tripled?" in fb.message


def test_first_failure_reports_exceptions_and_missing_returns():
    fb = first_failure([0.0], run=lambda x: 1 / x, expected=lambda x: 1.0)
    assert "ZeroDivisionError" in fb.message and "expected: 1" in fb.message
    fb = first_failure([1.0], run=lambda x: None, expected=lambda x: 1.0)
    assert "returned None" in fb.message and "return" in fb.message


def test_first_failure_compares_arrays_by_shape_and_value():
    ok = first_failure([2], run=lambda n: np.ones(n), expected=lambda n: np.ones(n))
    assert ok is None
    fb = first_failure([2], run=lambda n: np.ones(n + 1), expected=lambda n: np.ones(n))
    assert "shape (2,), got shape (3,)" in fb.message


def test_placeholder_code_is_not_done_yet_not_an_error():
    def best_step(f, fprime, x):
        raise NotImplementedError("write the body of best_step")

    fb = check("01.3", best_step)
    assert fb.passed is None and "`best_step` still raises NotImplementedError" in fb.message
    assert check("01.1", ...).passed is None


def test_check_counts_answers_and_names_unknown_exercises():
    fb = check("01.1", 1.0, 2.0)
    assert fb.passed is False and "takes 1 answer(s) (slope), got 2" in fb.message
    with pytest.raises(KeyError, match="no exercise '01.99'"):
        check("01.99", 1)
    with pytest.raises(ValueError, match="look like '07.3'"):
        check("1.1", 1)


def test_answers_of_the_wrong_kind_are_not_quite_with_a_reason():
    fb = check("01.1", "12.61")
    assert fb.passed is False and "remove the quotes" in fb.message
    assert check("01.1", np.float32(12.61)).passed is True


# ------------------------------------------------------------ hints, solutions


def test_hints_climb_a_ladder_and_then_point_to_the_solution():
    exercise = ex.get("01.2")
    exercise._hints_shown = 0
    first, second = repr(hint("01.2")), repr(hint("01.2"))
    assert first.startswith("Hint 1 of 3") and second.startswith("Hint 2 of 3")
    last = repr(hint("01.2"))
    assert "last hint" in last and "solution('01.2')" in last
    assert repr(hint("01.2")).startswith("Hint 3 of 3")  # stays on the last rung
    assert repr(hint("01.2", 1)).split(". ")[0] == first.split(". ")[0]
    assert "hint('01.2', 2) shows hint 2" in repr(hint("01.2", 1))
    assert "<b>Hint 1 of 3</b>" in hint("01.2", 1)._repr_html_()
    with pytest.raises(ValueError, match="hints 1 to 3"):
        hint("01.2", 4)


def test_solution_shows_the_code_to_read():
    shown = solution("01.2")
    assert "def derivative(f, x):" in repr(shown)
    assert "<pre>" in shown._repr_html_() and "Type it in yourself" in shown._repr_html_()


def test_exercise_registration_refuses_bad_ids_and_kinds():
    with pytest.raises(ValueError, match="look like"):
        ex.exercise("1", title="t", answers="a", placeholder="", solution="", hints=("h",))
    with pytest.raises(ValueError, match="kind"):
        ex.exercise(
            "99.1", title="t", answers="a", placeholder="", solution="", hints=("h",), kind="x"
        )
    with pytest.raises(ValueError, match="at least one hint"):
        ex.exercise("99.1", title="t", answers="a", placeholder="", solution="", hints=())


def test_load_chapter_refuses_bad_numbers():
    with pytest.raises(ValueError, match="'00' to '09'"):
        ex.load_chapter("1")


def test_a_diagnosis_that_fails_never_hides_the_report():
    def diagnose(case, got, want):
        raise TypeError("a result of a shape the diagnosis did not foresee")

    fb = first_failure([{"want": 1.0}], got=[2.0], diagnose=diagnose)
    assert fb.passed is False and "expected: 1" in fb.message and "TypeError" not in fb.message
