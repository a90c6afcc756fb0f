"""Checks for the chapters' exercises: what is right, and what to look at when not.

Chapter 00 shows how they work. Each check takes your answer and returns a
``Feedback``, which a notebook shows as a coloured box:

- ✅ correct, with a sentence on why;
- ❌ not yet, with a hint that points at the likely slip;
- ✏️ not done yet, when the answer is still the placeholder ``None``.

Checks are registered by name (``"00.find_x"``) in ``CHECKS`` so that tools
can run every check of a chapter.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CHECKS", "Feedback", "ch00_find_x"]


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``passed`` is True, False, or None (not attempted)."""

    passed: bool | None
    message: str

    @property
    def symbol(self) -> str:
        return {True: "✅", False: "❌", None: "✏️"}[self.passed]

    def __str__(self) -> str:
        return f"{self.symbol} {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {True: "#e3f4e8", False: "#fde8e4", None: "#eef2f7"}[self.passed]
        return (
            f"<div style='background:{colour};padding:0.5em 0.8em;border-radius:4px'>"
            f"{self.symbol} {html.escape(self.message)}</div>"
        )


def correct(message: str) -> Feedback:
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    return Feedback(False, message)


NOT_DONE = Feedback(None, "Not done yet: replace None with your answer and run the cell again.")

CHECKS: dict[str, Callable[..., Feedback]] = {}


def register(name: str):
    """Add a check to ``CHECKS`` under ``name`` (``"chapter.exercise"``)."""

    def deco(fn):
        CHECKS[name] = fn
        return fn

    return deco


def _is_number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


# ----------------------------------------------------------------- chapter 00


@register("00.find_x")
def ch00_find_x(answer) -> Feedback:
    """Chapter 00: the x at which f(x) = x² equals 4 and the slope is negative."""
    if answer is None:
        return NOT_DONE
    if not _is_number(answer):
        return wrong(f"Expected a number such as 1.5, got {answer!r}.")
    if math.isclose(answer, -2.0, abs_tol=1e-9):
        return correct("x = -2: f(-2) = 4 and the slope 2x = -4 is negative, so f falls there.")
    if math.isclose(answer, 2.0, abs_tol=1e-9):
        return wrong(
            "x = 2 gives f(x) = 4, but the slope there is +4. Which other x also gives 4?"
        )
    return wrong(
        f"f({answer:g}) = {answer * answer:g}, not 4. Move the slider until the readout says 4.00."
    )
