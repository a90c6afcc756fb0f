"""Exercise checks: accept the solution, reject a typical slip with a helpful hint."""

import pytest

from nnlib.exercises import CHECKS, Feedback, ch00_find_x


def test_ch00_accepts_the_solution():
    fb = ch00_find_x(-2.0)
    assert fb.passed is True and "slope" in fb.message


def test_ch00_explains_the_positive_root():
    fb = ch00_find_x(2)
    assert fb.passed is False and "slope there is +4" in fb.message


def test_ch00_says_not_done_yet_for_the_placeholder():
    fb = ch00_find_x(None)
    assert fb.passed is None and "Not done yet" in fb.message


@pytest.mark.parametrize("answer", ["-2", True, float("nan")])
def test_ch00_rejects_non_numbers(answer):
    fb = ch00_find_x(answer)
    assert fb.passed is False


def test_ch00_other_numbers_get_their_square():
    assert "f(1.5) = 2.25, not 4" in ch00_find_x(1.5).message


def test_feedback_renders_as_text_and_html():
    fb = Feedback(True, "a < b")
    assert str(fb) == "✅ a < b" and repr(fb) == str(fb)
    assert "a &lt; b" in fb._repr_html_()
    assert Feedback(None, "x").symbol == "✏️" and Feedback(False, "x").symbol == "❌"


def test_checks_are_registered_by_chapter():
    assert CHECKS["00.find_x"] is ch00_find_x
