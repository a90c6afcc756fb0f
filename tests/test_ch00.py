"""Chapter 00's companion (nnlib.chapters.ch00): explorers and exercises."""

import numpy as np
import pytest

from nnlib.chapters.ch00 import square_explorer, square_readout
from nnlib.exercises import check, get


def test_square_readout_is_the_function_and_its_slope():
    assert square_readout(-2.0) == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert square_readout(0.0)["slope"] == 0.0


def test_square_explorer_follows_its_slider():
    ex = square_explorer()
    assert ex.result == square_readout(1.5)
    ex.sliders["x"].value = -2.0
    assert ex.result == {"x": -2.0, "y": 4.0, "slope": -4.0}
    assert "<b>4.00</b>" in ex.readout.value and "<b>-4.00</b>" in ex.readout.value


# ------------------------------------------------------------ exercise 00.1


def _answer(source: str):
    ns = {"np": np}
    exec(source, ns)
    return ns["my_x"]


def test_00_1_accepts_the_solution_in_every_form():
    assert check("00.1", _answer(get("00.1").solution)).passed is True
    for x in (-2, -2.0, np.float32(-2), np.int64(-2), np.array(-2.0), [-2.0]):
        assert check("00.1", x).passed is True, repr(x)


def test_00_1_placeholder_is_not_done_yet():
    fb = check("00.1", _answer(get("00.1").placeholder))
    assert fb.passed is None and "Not done yet" in str(fb)


def test_00_1_names_the_slip():
    fb = check("00.1", 2.0)
    assert fb.passed is False and "slope there is +4" in fb.message
    fb = check("00.1", 1.5)
    assert fb.passed is False and "f(1.5) = 2.25, not 4" in fb.message
    fb = check("00.1", 4)
    assert fb.passed is False and "the value f(x) should have" in fb.message
    fb = check("00.1", -4.0)
    assert fb.passed is False and "slope 2x" in fb.message


@pytest.mark.parametrize(
    "answer, words",
    [("-2", "remove the quotes"), (True, "boolean"), (float("nan"), "NaN"), ([1, 2], "shape")],
)
def test_00_1_rejects_wrong_kinds_clearly(answer, words):
    fb = check("00.1", answer)
    assert fb.passed is False and words in fb.message


def test_00_1_hints_are_a_ladder_and_do_not_print_the_answer_early():
    ex = get("00.1")
    assert len(ex.hints) == 3
    assert "-2" not in ex.hints[0] and "-2" not in ex.hints[1]
