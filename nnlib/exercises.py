"""The machinery of the exercises: feedback, answers as learners write them, hints.

Chapter 00 shows how exercises work. Each chapter's own exercises (their
checks, hints and solutions) live in that chapter's companion module,
``nnlib.chapters.chNN``; this module holds what they share:

- ``Feedback``: what a check returns. A notebook shows it as a box that says
  **Correct**, **Not quite** or **Not done yet** in words (with a symbol
  beside the word), and records it under the MIME type
  ``application/vnd.nnlib.feedback+json`` for tools.
- ``Exercise`` and ``exercise(...)``: one exercise's id (``"01.2"``), the
  names its answer cell defines, the placeholder the learner starts from, our
  solution, a ladder of hints, and its check.
- ``check(id, *answers)``, ``hint(id)``, ``solution(id)``: what a notebook calls.
- ``as_number``, ``as_array``, ``first_failure``: helpers for checks, so that
  every real number or array a learner produces is accepted and every failing
  case is reported as input, expected and got.

A placeholder is ``...`` (Ellipsis) for a value, or a function whose body
still says ``raise NotImplementedError``; either gives "Not done yet", never
an error, so that Run All reaches the end of a chapter.
"""

from __future__ import annotations

import html
import importlib
import math
import numbers
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

__all__ = [
    "EXERCISES",
    "FEEDBACK_MIME",
    "NOT_DONE",
    "AnswerError",
    "Exercise",
    "Feedback",
    "NotDone",
    "as_array",
    "as_int",
    "as_number",
    "call",
    "chapter_exercises",
    "check",
    "close",
    "correct",
    "exercise",
    "first_failure",
    "hint",
    "is_placeholder",
    "require",
    "solution",
    "wrong",
]


FEEDBACK_MIME = "application/vnd.nnlib.feedback+json"

_LOOK = {
    True: ("✅", "Correct", "#e3f4e8", "#1b5e20"),
    False: ("❌", "Not quite", "#fde8e4", "#8a1c00"),
    None: ("✏️", "Not done yet", "#eef2f7", "#1f3a5f"),
}


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``passed`` is True, False, or None (not attempted yet).

    ``check`` names the exercise (``"01.2"``). Shown in a notebook it is a box
    led by a word (Correct / Not quite / Not done yet), so that it reads the
    same without colour and without an emoji font.

    >>> Feedback(True, "12.61 is the secant slope.", "01.1")
    ✅ Correct: 12.61 is the secant slope.
    """

    passed: bool | None
    message: str
    check: str = ""

    @property
    def symbol(self) -> str:
        return _LOOK[self.passed][0]

    @property
    def word(self) -> str:
        return _LOOK[self.passed][1]

    def __str__(self) -> str:
        return f"{self.symbol} {self.word}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": str(self),
            "text/html": self._repr_html_(),
            FEEDBACK_MIME: {"check": self.check, "passed": self.passed},
        }

    def _repr_html_(self) -> str:
        symbol, word, background, ink = _LOOK[self.passed]
        name = f" <span style='opacity:0.7'>(exercise {html.escape(self.check)})</span>"
        return (
            f"<div role='status' style='background:{background};color:{ink};"
            f"padding:0.5em 0.8em;border-radius:4px;white-space:pre-wrap'>"
            f"<span aria-hidden='true'>{symbol}</span> <b>{word}</b>"
            f"{name if self.check else ''}: {html.escape(self.message)}</div>"
        )

    def assert_passed(self) -> Feedback:
        """Raise AssertionError unless the check passed (what graded cells call)."""
        if self.passed is not True:
            raise AssertionError(f"exercise {self.check}: {self.word}: {self.message}")
        return self


def correct(message: str) -> Feedback:
    """A passing feedback."""
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    """A failing feedback; the message names the likely slip."""
    return Feedback(False, message)


NOT_DONE = Feedback(None, "replace the placeholder with your answer, then run this cell again.")


class NotDone(Exception):
    """Raised inside a check when the learner's code is still the placeholder."""


class AnswerError(ValueError):
    """An answer of the wrong kind or shape; the message says what was expected and what came."""


# --------------------------------------------------------------- placeholders


def is_placeholder(answer) -> bool:
    """True for the placeholders the answer cells start with: ``...`` and ``None``."""
    return answer is ... or answer is None


# ------------------------------------------------- answers as learners write them


def _describe(x) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def as_number(answer, what: str = "a number") -> float:
    """The answer as a finite float, accepting every real number a learner may produce.

    Python ints and floats, fractions, numpy scalars of every dtype and 0-d
    arrays (and 1-element lists or arrays) are accepted; booleans, NaN,
    infinities, strings and anything else raise ``AnswerError`` naming what
    was expected and what came.

    >>> as_number(np.float32(0.5)), as_number(np.int64(3)), as_number(np.array(2.0))
    (0.5, 3.0, 2.0)
    """
    x = answer
    if isinstance(x, np.ndarray | list | tuple):
        arr = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
        if arr.size == 1 and arr.ndim <= 1:
            x = arr.reshape(()).item() if isinstance(x, np.ndarray) else arr.reshape(-1)[0]
        else:
            raise AnswerError(f"Expected {what}, got {_describe(answer)} (shape {arr.shape}).")
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, bool) or isinstance(x, np.bool_):
        raise AnswerError(f"Expected {what}, got the boolean {answer!r}.")
    if isinstance(x, str):
        raise AnswerError(f"Expected {what}, got the text {answer!r}: remove the quotes.")
    if not isinstance(x, numbers.Real):
        raise AnswerError(f"Expected {what}, got {_describe(answer)}.")
    value = float(x)
    if math.isnan(value):
        raise AnswerError(f"Expected {what}, got NaN (not a number): check for 0/0 or inf - inf.")
    if math.isinf(value):
        raise AnswerError(f"Expected {what}, got {value} (infinite): something overflowed.")
    return value


def as_int(answer, what: str = "a whole number") -> int:
    """The answer as an int; 3.0 and np.int64(3) are fine, 3.5 is not."""
    value = as_number(answer, what)
    if value != int(value):
        raise AnswerError(f"Expected {what}, got {value:g}.")
    return int(value)


def as_array(answer, shape: tuple[int, ...] | None = None, what: str = "an array") -> np.ndarray:
    """The answer as a float array (of ``shape`` when given), finite.

    Lists, tuples, nested lists and numpy arrays of any real dtype are
    accepted; strings, booleans, ragged lists, NaN and the wrong shape raise
    ``AnswerError``.

    >>> as_array([4, 1], (2,))
    array([4., 1.])
    """
    if isinstance(answer, str):
        raise AnswerError(f"Expected {what}, got the text {answer!r}.")
    try:
        arr = np.asarray(answer)
    except ValueError:
        raise AnswerError(
            f"Expected {what}, got {_describe(answer)} (rows of unequal length)."
        ) from None
    if arr.dtype == bool or arr.dtype.kind not in "biuf":
        raise AnswerError(f"Expected {what} of numbers, got {_describe(answer)}.")
    arr = arr.astype(float)
    if shape is not None and arr.shape != tuple(shape):
        raise AnswerError(f"Expected {what} of shape {tuple(shape)}, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise AnswerError(f"Expected finite numbers in {what}, got {_describe(answer)}.")
    return arr


def close(a, b, rel: float = 1e-6, abs_tol: float = 1e-9) -> bool:
    """True when the numbers (or arrays) a and b agree within the tolerances."""
    return bool(np.allclose(a, b, rtol=rel, atol=abs_tol))


# ------------------------------------------------------------ the learner's code


def call(fn, *args, name: str | None = None):
    """Call the learner's function; NotImplementedError (the placeholder) becomes NotDone.

    Any other exception propagates to ``first_failure``, which reports it.
    """
    try:
        return fn(*args)
    except NotImplementedError as e:
        raise NotDone(name or getattr(fn, "__name__", "your function")) from e


def _short(x) -> str:
    if isinstance(x, float):
        return f"{x:.10g}"
    if isinstance(x, np.ndarray):
        return np.array2string(x, precision=6, suppress_small=True, max_line_width=90)
    if callable(x) and getattr(x, "__name__", "") not in ("", "<lambda>"):
        return x.__name__
    return _describe(x)


def first_failure(
    cases: Iterable,
    run: Callable,
    expected: Callable,
    *,
    agree: Callable | None = None,
    describe: Callable | None = None,
    diagnose: Callable | None = None,
) -> Feedback | None:
    """Run the learner's code on every case; feedback for the first that fails, or None.

    ``run(case)`` calls the learner's code; ``expected(case)`` is what it should
    give; ``agree(got, want)`` compares (numbers and arrays within 1e-6 relative
    by default). ``describe(case)`` writes the input for a person to read, and
    ``diagnose(case, got, want)`` may return a sentence naming the likely slip.
    The feedback lists input, expected and got.
    """
    agree = agree or (lambda got, want: _agree(got, want))
    describe = describe or _short
    for case in cases:
        want = expected(case)
        try:
            got = run(case)
        except NotDone:
            raise
        except Exception as e:  # the learner's code may raise anything: report it kindly
            return wrong(
                f"On the input {describe(case)} your code raised "
                f"{type(e).__name__}: {e}\n  expected: {_short(want)}"
            )
        if got is None and want is not None:
            return wrong(
                f"On the input {describe(case)} your code returned None: is a `return` missing?"
            )
        try:
            ok = agree(got, want)
        except (TypeError, ValueError, AnswerError) as e:
            ok, why = False, str(e)
        else:
            why = ""
        if not ok:
            hint_text = diagnose(case, got, want) if diagnose else None
            lines = [
                f"the first case that fails is\n  input:    {describe(case)}",
                f"  expected: {_short(want)}",
                f"  got:      {_short(got)}",
            ]
            if why:
                lines.append(f"  ({why})")
            if hint_text:
                lines.append(hint_text)
            return wrong("\n".join(lines))
    return None


def _agree(got, want) -> bool:
    if isinstance(want, np.ndarray | list | tuple):
        g = as_array(got, np.shape(want), "the result")
        return close(g, want)
    if isinstance(want, numbers.Real):
        return close(as_number(got, "a number"), want)
    return got == want


# ------------------------------------------------------------------ registry


@dataclass
class Exercise:
    """One exercise of a chapter.

    ``id`` is "chapter.number" ("07.3"); ``answers`` are the names the answer
    cell defines, in the order the check takes them; ``placeholder`` is the
    answer cell as the learner receives it and ``solution`` is ours (both
    Python source); ``hints`` go from a nudge to nearly the answer; ``kind``
    is "code" when the learner writes a function, class or method, and
    "value" when the answer is a number or array.
    """

    id: str
    title: str
    answers: tuple[str, ...]
    placeholder: str
    solution: str
    hints: tuple[str, ...]
    check: Callable[..., Feedback]
    kind: str = "code"
    points: int = 1
    _hints_shown: int = field(default=0, repr=False)

    @property
    def chapter(self) -> str:
        return self.id.split(".")[0]

    def run(self, *answers) -> Feedback:
        """The check on these answers, with placeholders and slips turned into feedback."""
        if len(answers) != len(self.answers):
            names = ", ".join(self.answers)
            return replace(
                wrong(
                    f"check('{self.id}', ...) takes {len(self.answers)} answer(s) ({names}), "
                    f"got {len(answers)}."
                ),
                check=self.id,
            )
        try:
            if any(is_placeholder(a) for a in answers):
                fb = NOT_DONE
            else:
                fb = self.check(*answers)
        except NotDone as e:
            fb = Feedback(
                None,
                f"`{e}` still raises NotImplementedError: write its body, run that cell, "
                "then run this check again.",
            )
        except AnswerError as e:
            fb = wrong(str(e))
        return replace(fb, check=self.id)


EXERCISES: dict[str, Exercise] = {}

_ID = re.compile(r"^\d\d\.\d+$")


def exercise(
    id: str,
    *,
    title: str,
    answers: Sequence[str] | str,
    placeholder: str,
    solution: str,
    hints: Sequence[str],
    kind: str = "code",
    points: int = 1,
):
    """Register the decorated function as the check of exercise ``id``.

    The function takes the learner's answers (already known not to be
    placeholders) and returns a ``Feedback``; it may raise ``AnswerError``
    for an answer of the wrong kind and ``NotDone`` (via ``call``) for code
    that still raises NotImplementedError.
    """
    if not _ID.match(id):
        raise ValueError(f"exercise ids look like '07.3', got {id!r}")
    if kind not in ("code", "value"):
        raise ValueError(f"kind must be 'code' or 'value', got {kind!r}")
    if not hints:
        raise ValueError(f"exercise {id} needs at least one hint")
    names = (answers,) if isinstance(answers, str) else tuple(answers)

    def deco(fn):
        EXERCISES[id] = Exercise(
            id, title, names, placeholder.strip("\n") + "\n", solution.strip("\n") + "\n",
            tuple(hints), fn, kind, points,
        )  # fmt: skip
        return fn

    return deco


def load_chapter(chapter: str) -> None:
    """Import a chapter's companion module so that its exercises are registered."""
    if not re.fullmatch(r"\d\d", chapter):
        raise ValueError(f"chapters are numbered '00' to '09', got {chapter!r}")
    importlib.import_module(f"nnlib.chapters.ch{chapter}")


def get(id: str) -> Exercise:
    """The exercise with this id, importing its chapter's companion if needed."""
    if not isinstance(id, str) or not _ID.match(id):
        raise ValueError(f"exercise ids look like '07.3', got {id!r}")
    if id not in EXERCISES:
        try:
            load_chapter(id[:2])
        except ModuleNotFoundError:
            pass
    if id not in EXERCISES:
        known = ", ".join(sorted(e for e in EXERCISES if e.startswith(id[:3]))) or "none"
        raise KeyError(f"no exercise {id!r}; chapter {id[:2]} has: {known}")
    return EXERCISES[id]


def chapter_exercises(chapter: str) -> list[Exercise]:
    """The exercises of one chapter, in order."""
    load_chapter(chapter)
    found = [e for e in EXERCISES.values() if e.chapter == chapter]
    return sorted(found, key=lambda e: int(e.id.split(".")[1]))


# --------------------------------------------------- what a notebook calls


def check(id: str, *answers) -> Feedback:
    """Check your answer to exercise ``id`` and say what is right or what to look at.

    >>> check("00.1", ...)
    ✏️ Not done yet: replace the placeholder with your answer, then run this cell again.
    """
    return get(id).run(*answers)


def require(id: str, *answers) -> Feedback:
    """Like ``check``, but raise AssertionError unless the answer passes (graded cells)."""
    from IPython.display import display

    fb = check(id, *answers)
    display(fb)
    return fb.assert_passed()


class _Markdownish:
    """Text shown as HTML in a notebook and as plain text elsewhere."""

    def __init__(self, text: str, html_text: str):
        self.text, self.html = text, html_text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html


def hint(id: str, level: int | None = None) -> _Markdownish:
    """The next hint for exercise ``id`` (or hint number ``level``), from a nudge to nearly
    the answer. Call it again for the next one; ``solution(id)`` shows ours."""
    ex = get(id)
    total = len(ex.hints)
    explicit = level is not None
    if level is None:
        ex._hints_shown = min(ex._hints_shown + 1, total)
        level = ex._hints_shown
    if not isinstance(level, int) or not 1 <= level <= total:
        raise ValueError(f"exercise {id} has hints 1 to {total}, got {level!r}")
    if level == total:
        more = f" That was the last hint; solution('{id}') shows ours."
    elif explicit:
        more = f" hint('{id}', {level + 1}) shows hint {level + 1}."
    else:
        more = f" Call hint('{id}') again for hint {level + 1}."
    text = f"Hint {level} of {total} for exercise {id}: {ex.hints[level - 1]}{more}"
    body = html.escape(ex.hints[level - 1]).replace("`", "")
    return _Markdownish(
        text,
        f"<div style='border-left:4px solid #56B4E9;padding:0.3em 0.8em'>"
        f"<b>Hint {level} of {total}</b> (exercise {html.escape(id)}): {body}"
        f"<br><i>{html.escape(more.strip())}</i></div>",
    )


def solution(id: str) -> _Markdownish:
    """Our solution to exercise ``id``, to read (it is not run). Try the hints first!"""
    ex = get(id)
    text = f"Our solution to exercise {id} ({ex.title}):\n\n{ex.solution}"
    return _Markdownish(
        text,
        f"<div style='border-left:4px solid #E69F00;padding:0.3em 0.8em'>"
        f"<b>Our solution to exercise {html.escape(id)}</b> ({html.escape(ex.title)}). "
        "Type it in yourself rather than pasting it: that is how it sticks."
        f"<pre>{html.escape(ex.solution)}</pre></div>",
    )
