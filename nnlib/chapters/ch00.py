"""Chapter 00 (Start here):
its explorer, and its exercise with its check and hints (our solution is in
``nnlib/solutions/ch00.py``).

The notebook is ``notebooks/00_*.ipynb``; it imports this module as ``ch00``.
"""

from __future__ import annotations

from nnlib.exercises import Feedback, as_number, close, correct, exercise, wrong
from nnlib.widgets import Explorer, slider


def square_readout(x: float) -> dict[str, float]:
    """f(x) = x² and its slope 2x at the point x (chapter 00's warm-up)."""
    return {"x": x, "y": x * x, "slope": 2 * x}


def square_explorer(x: float = 1.5) -> Explorer:
    """A slider for x, with f(x) = x² and the slope 2x read out as it moves."""
    return Explorer(
        {"x": slider("x", x, -3.0, 3.0, 0.1)},
        square_readout,
        lambda r: (
            f"<span style='font-size:1.2em'>x = {r['x']:.2f} &nbsp;→&nbsp; "
            f"f(x) = x² = <b>{r['y']:.2f}</b>, &nbsp; slope 2x = <b>{r['slope']:.2f}</b></span>"
        ),
        title="Move the slider: f(x) = x²",
    )


# ------------------------------------------------------------------ exercises


@exercise(
    "00.1",
    title="find x on the parabola",
    kind="value",
    answers="my_x",
    placeholder="my_x = ...  # your answer: a number such as 1.5",
    hints=(
        "Move the slider until the readout says f(x) = 4.00.",
        "There are two such places. Look at the slope readout at each: which one is negative?",
        "The parabola is symmetric: if f(2) = 4 then f(-2) = 4 too.",
    ),
)
def check_find_x(my_x) -> Feedback:
    """The x at which f(x) = x² equals 4 and the slope 2x is negative."""
    x = as_number(my_x, "a number such as 1.5")
    if close(x, -2.0):
        return correct("x = -2: f(-2) = 4 and the slope 2x = -4 is negative, so f falls there.")
    if close(x, 2.0):
        return wrong(
            "x = 2 gives f(x) = 4, but the slope there is +4. Which other x also gives 4?"
        )
    if close(x, 4.0):
        return wrong("4 is the value f(x) should have; we asked for the x that gives it.")
    if close(x, -4.0):
        return wrong(
            "-4 is the slope 2x at the right place, not the place itself: which x has slope -4?"
        )
    return wrong(f"f({x:g}) = {x * x:g}, not 4. Move the slider until the readout says 4.00.")
