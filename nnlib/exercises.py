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

How a code exercise is checked, in two halves that never share a process
when an instructor grades:

- its **probe** runs the learner's code on one case and returns plain data
  (numbers, arrays, lists, text: whatever the judge needs, such as the
  gradients *and* the order in which the nodes were visited);
- its **judge** compares those plain results with the cases' expected values
  (``case["want"]``) and writes the feedback, naming the slip.

A learner's ``check`` runs both in the notebook on the exercise's *public*
cases (in the chapter's module). The grader (``nnlib.instructor grade``) runs
the probe in a sandbox on the public and *hidden* cases without their
expected values, and the judge in its own process. Solutions and hidden cases
live in ``nnlib.solutions.chNN``, one file per chapter, which a class release
leaves out; without it ``solution(id)`` says so in one sentence.
"""

from __future__ import annotations

import contextlib
import functools
import html
import importlib
import json
import linecache
import math
import numbers
import os
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
    "Opaque",
    "Raised",
    "ShortcutRefused",
    "as_array",
    "as_int",
    "as_number",
    "call",
    "chapter_exercises",
    "check",
    "close",
    "correct",
    "exercise",
    "explain_raised",
    "first_failure",
    "from_plain",
    "hidden_cases",
    "hint",
    "is_placeholder",
    "never_raises",
    "probe_results",
    "refusing",
    "require",
    "solution",
    "to_plain",
    "write_probe",
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
        name = f" <span style='opacity:0.85'>(exercise {html.escape(self.check)})</span>"
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


# ------------------------------------------------- plain data across a boundary
#
# What a probe returns crosses from the learner's process to the judge's as
# JSON: numbers, text, lists, tuples, dicts and numpy arrays survive; anything
# else arrives as an ``Opaque`` stand-in that names its type. A learner's
# ``check`` makes the same round trip, so that the notebook and the grader
# judge exactly the same data.

_MAX_ITEMS = 2_000_000  # numbers in one result, at most
_MAX_TEXT = 10_000  # characters of one string, at most


class Opaque:
    """A value that was not plain data (a learner's object, a generator, ...), by name only."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other) -> bool:
        return isinstance(other, Opaque) and (self.type_name, self.text) == (
            other.type_name,
            other.text,
        )

    __hash__ = None


@dataclass(frozen=True)
class Raised:
    """The learner's code raised ``type``: ``message``, at ``line`` of their code."""

    type: str
    message: str
    line: int | None = None
    code: str = ""

    def describe(self) -> str:
        where = ""
        if self.line:
            code = f": `{self.code}`" if self.code else ""
            where = f" (line {self.line} of your code{code})"
        return f"{self.type}: {self.message}{where}"


def _float(x: float):
    return x if math.isfinite(x) else {"__float__": repr(x)}


def to_plain(x, _depth: int = 0, _budget: list | None = None):
    """``x`` as JSON-ready data; ``from_plain`` turns it back (see the section comment)."""
    budget = _budget if _budget is not None else [_MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or _depth > 30:
        return {"__object__": "too big", "repr": "a result too large or too deeply nested"}
    if x is None or type(x) in (bool, str, int):
        return x[:_MAX_TEXT] if isinstance(x, str) else x
    if type(x) is float:
        return _float(x)
    if isinstance(x, Raised):
        return {"__raised__": [x.type, x.message, x.line, x.code]}
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        budget[0] -= x.size
        if budget[0] < 0:
            return {"__object__": "too big", "repr": f"an array of shape {x.shape}"}
        flat = [_float(float(v)) if x.dtype.kind == "f" else v for v in x.ravel().tolist()]
        return {"__array__": flat, "shape": list(x.shape), "dtype": x.dtype.kind}
    if isinstance(x, np.generic) and x.dtype.kind in "biuf":
        return to_plain(x.item(), _depth + 1, budget)
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        try:
            return _float(float(x))
        except Exception:  # a hostile __float__
            pass
    if isinstance(x, complex):
        return {"__complex__": [_float(x.real), _float(x.imag)]}
    if type(x) in (list, tuple):
        items = [to_plain(v, _depth + 1, budget) for v in x]
        return items if type(x) is list else {"__tuple__": items}
    if type(x) is dict and all(type(k) is str for k in x):
        return {"__dict__": [[k, to_plain(v, _depth + 1, budget)] for k, v in x.items()]}
    try:
        text = repr(x)
    except Exception:
        text = "an object whose repr fails"
    return {"__object__": type(x).__name__, "repr": text[:200]}


def from_plain(x):
    """The value ``to_plain`` encoded (numpy arrays come back as arrays, objects as Opaque)."""
    if isinstance(x, list):
        return [from_plain(v) for v in x]
    if not isinstance(x, dict):
        return x
    if "__float__" in x:
        return float(x["__float__"])
    if "__array__" in x:
        dtype = {"b": bool, "i": np.int64, "u": np.uint64, "f": float}[x.get("dtype", "f")]
        flat = [from_plain(v) for v in x["__array__"]]
        return np.array(flat, dtype=dtype).reshape([int(n) for n in x["shape"]])
    if "__tuple__" in x:
        return tuple(from_plain(v) for v in x["__tuple__"])
    if "__dict__" in x:
        return {str(k): from_plain(v) for k, v in x["__dict__"]}
    if "__complex__" in x:
        re_, im = (from_plain(v) for v in x["__complex__"])
        return complex(re_, im)
    if "__raised__" in x:
        kind, message, line, code = x["__raised__"]
        return Raised(str(kind), str(message), line if isinstance(line, int) else None, str(code))
    if "__object__" in x:
        return Opaque(str(x["__object__"]), str(x.get("repr", "")))
    raise ValueError(f"not plain data: {sorted(x)[:3]}")


def round_trip(x):
    """``x`` as the judge sees it: through JSON and back."""
    return from_plain(json.loads(json.dumps(to_plain(x), allow_nan=False)))


_NNLIB_DIR = os.path.dirname(os.path.abspath(__file__))
# numpy's folder and the standard library's: frames there are not the learner's code
_LIBRARY_DIRS = tuple(os.path.dirname(os.path.abspath(m.__file__)) for m in (np, json))


def raised(e: BaseException) -> Raised:
    """What the learner's code raised, with the line of *their* code where it happened."""
    line, code = None, ""
    tb = e.__traceback__
    while tb is not None:
        name = os.path.abspath(tb.tb_frame.f_code.co_filename)
        ours = name.startswith(_NNLIB_DIR) or name.startswith(_LIBRARY_DIRS)
        if not ours and not name.startswith("<frozen"):
            line = tb.tb_lineno
            code = linecache.getline(tb.tb_frame.f_code.co_filename, line).strip()
        tb = tb.tb_next
    message = str(e)
    if isinstance(e, RecursionError):
        message = (
            "maximum recursion depth exceeded: a recursive function goes one Python call "
            "deeper per step, and Python stops at about 1,000. Keep your own stack (a list)."
        )
    return Raised(type(e).__name__, message[:500], line, code[:200])


class ShortcutRefused(Exception):
    """Raised when the learner's code calls what the exercise asks them to write."""


@contextlib.contextmanager
def refusing(targets: dict[str, str], *functions):
    """Switch off library functions while the learner's code runs.

    ``targets`` maps a dotted name ("nnlib.functional.softmax") to what the
    exercise asks for ("softmax"). Inside the block, calling one of them
    (through its module, or through a name the learner imported into their
    notebook) raises ``ShortcutRefused`` with one friendly sentence. The
    ``functions`` are the learner's, whose globals are searched for such names.
    """
    patched = []

    def refuse(dotted: str, what: str):
        def refused(*args, **kwargs):
            raise ShortcutRefused(
                f"this exercise asks you to write {what} yourself, so {dotted} is switched "
                "off while your code is checked."
            )

        return refused

    try:
        for dotted, what in targets.items():
            module_name, attr = dotted.rsplit(".", 1)
            module = importlib.import_module(module_name)
            original = getattr(module, attr)
            stand_in = refuse(dotted, what)
            patched.append((module.__dict__, attr, original))
            setattr(module, attr, stand_in)
            for fn in functions:
                spaces = [getattr(fn, "__globals__", None)]
                spaces += (
                    [getattr(m, "__globals__", None) for m in vars(fn).values()]
                    if (isinstance(fn, type))
                    else []
                )
                for space in spaces:
                    if not isinstance(space, dict):
                        continue
                    for name, value in list(space.items()):
                        if value is original:
                            patched.append((space, name, original))
                            space[name] = stand_in
        yield
    finally:
        for space, name, original in reversed(patched):
            space[name] = original


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
    run: Callable | None = None,
    expected: Callable | None = None,
    *,
    got: Sequence | None = None,
    agree: Callable | None = None,
    describe: Callable | None = None,
    diagnose: Callable | None = None,
) -> Feedback | None:
    """Feedback for the first case the learner's code gets wrong, or None when all agree.

    Either ``got`` holds the probe's results, one per case (how every code
    exercise is judged), or ``run(case)`` calls the learner's code here.
    ``expected(case)`` is what it should give (``case["want"]`` by default);
    ``agree(got, want)`` compares (numbers and arrays within 1e-6 relative by
    default). ``describe(case)`` writes the input for a person to read, and
    ``diagnose(case, got, want)`` may return a sentence naming the likely slip.
    The feedback lists input, expected and got; an exception the learner's
    code raised is reported with its type, message and line.
    """
    agree = agree or (lambda got, want: _agree(got, want))
    describe = describe or _short
    expected = expected or (lambda case: case["want"])
    cases = list(cases)
    if got is not None and len(got) != len(cases):
        return wrong(f"expected {len(cases)} results from your code, got {len(got)}.")
    for index, case in enumerate(cases):
        want = expected(case)
        if got is not None:
            result = got[index]
        else:
            try:
                result = run(case)
            except NotDone:
                raise
            except Exception as e:  # the learner's code may raise anything: report it kindly
                result = raised(e)
        if isinstance(result, Raised):
            if result.type == "nnlib.NotDone":
                raise NotDone(result.message)
            if result.type == "nnlib.AnswerError":
                raise AnswerError(result.message)
            return wrong(
                f"On the input {describe(case)} your code raised {result.describe()}\n"
                f"  expected: {_short(want)}"
            )
        if result is None and want is not None:
            return wrong(
                f"On the input {describe(case)} your code returned None: is a `return` missing?"
            )
        try:
            ok = agree(result, want)
        except (TypeError, ValueError, AnswerError) as e:
            ok, why = False, str(e)
        else:
            why = ""
        if not ok:
            hint_text = _safe_diagnosis(diagnose, case, result, want)
            lines = [
                f"the first case that fails is\n  input:    {describe(case)}",
                f"  expected: {_short(want)}",
                f"  got:      {_short(result)}",
            ]
            if why:
                lines.append(f"  ({why})")
            if hint_text:
                lines.append(hint_text)
            return wrong("\n".join(lines))
    return None


def never_raises(fn):
    """A diagnosis that cannot fail: if working out the slip raises, no slip is named."""

    @functools.wraps(fn)
    def safe(*args):
        try:
            with np.errstate(all="ignore"):
                return fn(*args)
        except Exception:  # a learner's result of any shape or kind must not crash a check
            return None

    return safe


def explain_raised(cases, results, explain):
    """The results, with each exception's message followed by ``explain(case, raised)``."""
    out = []
    for case, result in zip(cases, results, strict=True):
        if isinstance(result, Raised) and not result.type.startswith("nnlib."):
            extra = explain(case, result)
            if extra:
                result = replace(result, message=f"{result.message}\n  {extra}")
        out.append(result)
    return out


def _safe_diagnosis(diagnose, case, got, want) -> str | None:
    """The slip ``diagnose`` names, or None: a diagnosis meeting a result it did not foresee
    (any shape, any type, overflowing numbers) never turns feedback into a traceback."""
    if diagnose is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return diagnose(case, got, want)
    except Exception:
        return None


def _agree(got, want) -> bool:
    if isinstance(want, np.ndarray | list | tuple):
        g = as_array(got, np.shape(want), "the result")
        return close(g, want)
    if isinstance(want, numbers.Real):
        return close(as_number(got, "a number"), want)
    return got == want


# ------------------------------------------------------------------ registry

NOT_DONE_TYPE, ANSWER_ERROR_TYPE = "nnlib.NotDone", "nnlib.AnswerError"


@dataclass
class Exercise:
    """One exercise of a chapter.

    ``id`` is "chapter.number" ("07.3"); ``answers`` are the names the answer
    cell defines, in the order the check takes them; ``placeholder`` is the
    answer cell as the learner receives it (Python source); ``hints`` go from a
    nudge to nearly the answer; ``kind`` is "code" when the learner writes a
    function, class or method, and "value" when the answer is a number or array.

    A code exercise has a ``probe`` (``probe(*answers, case)`` runs the
    learner's code on one case and returns plain data), public ``cases`` (each
    a dict whose ``"want"`` the judge compares with), and ``check``, the judge:
    ``check(cases, results) -> Feedback``. A value exercise's ``check`` takes
    the values themselves. Our solution and the hidden cases come from
    ``nnlib.solutions.chNN`` when that file is there (``solution``, ``hidden``).
    """

    id: str
    title: str
    answers: tuple[str, ...]
    placeholder: str
    hints: tuple[str, ...]
    check: Callable[..., Feedback]
    kind: str = "code"
    points: int = 1
    probe: Callable | None = None
    cases: tuple = ()
    inline_solution: str | None = field(default=None, repr=False)
    _hints_shown: int = field(default=0, repr=False)

    @property
    def chapter(self) -> str:
        return self.id.split(".")[0]

    @property
    def solution(self) -> str | None:
        """Our solution's source, or None in a copy of the course without solutions."""
        if self.inline_solution is not None:
            return self.inline_solution
        private = _private(self.chapter)
        text = getattr(private, "SOLUTIONS", {}).get(self.id) if private else None
        return text.strip("\n") + "\n" if text else None

    @property
    def hidden(self) -> list:
        """The hidden cases (for grading), or [] without the solutions file."""
        private = _private(self.chapter)
        return list(getattr(private, "HIDDEN", {}).get(self.id, ())) if private else []

    def grading_cases(self) -> list:
        """The cases a grade is computed on: public then hidden (one pseudo-case for a value)."""
        if self.kind == "value":
            return [None]
        return [*self.cases, *self.hidden]

    # -- the two halves ------------------------------------------------------

    def results(self, answers: Sequence, cases: Sequence) -> list:
        """Run the learner's answers on ``cases`` (the probe half); plain data, one per case.

        Runs where the learner's code lives (the notebook, or the grader's
        sandbox). Placeholders, answers of the wrong kind and exceptions become
        ``Raised`` records, never tracebacks.
        """
        if any(is_placeholder(a) for a in answers):
            return [Raised(NOT_DONE_TYPE, "")] * len(cases)
        if self.kind == "value" or self.probe is None:
            return [round_trip(tuple(answers))] * len(cases)
        out = []
        for case in cases:
            try:
                result = self.probe(*answers, case)
            except NotDone as e:
                result = Raised(NOT_DONE_TYPE, str(e))
            except AnswerError as e:
                result = Raised(ANSWER_ERROR_TYPE, str(e))
            except Exception as e:  # the learner's code may raise anything
                result = raised(e)
            out.append(round_trip(result))
        return out

    def judge(self, cases: Sequence, results: Sequence) -> Feedback:
        """The verdict on plain ``results`` (the judge half): runs in the grader's process."""
        try:
            if len(results) != len(cases):
                fb = wrong(f"no result for {len(cases) - len(results)} of the cases.")
            elif not_done := next(
                (r for r in results if isinstance(r, Raised) and r.type == NOT_DONE_TYPE), None
            ):
                fb = NOT_DONE if not not_done.message else _not_done(not_done.message)
            elif self.kind == "value" or self.probe is None:
                values = results[0]
                if isinstance(values, Raised):
                    raise AnswerError(values.message)
                if not isinstance(values, tuple) or len(values) != len(self.answers):
                    raise AnswerError("the answers did not arrive as expected.")
                fb = self.check(*values)
            else:
                fb = self.check(list(cases), list(results))
        except NotDone as e:
            fb = _not_done(str(e))
        except AnswerError as e:
            fb = wrong(str(e))
        return replace(fb, check=self.id)

    def run(self, *answers) -> Feedback:
        """The learner's check: both halves, here, on the public cases."""
        if len(answers) != len(self.answers):
            names = ", ".join(self.answers)
            return replace(
                wrong(
                    f"check('{self.id}', ...) takes {len(self.answers)} answer(s) ({names}), "
                    f"got {len(answers)}."
                ),
                check=self.id,
            )
        cases = [None] if self.kind == "value" or self.probe is None else list(self.cases)
        if self.probe is None and self.kind == "code":  # a check not yet split in two
            return self._run_whole(answers)
        # the probe sees the cases as the grader's sandbox does: without expected values
        return self.judge(cases, self.results(answers, without_wants(cases)))

    def _run_whole(self, answers) -> Feedback:
        try:
            if any(is_placeholder(a) for a in answers):
                fb = NOT_DONE
            else:
                fb = self.check(*answers)
        except NotDone as e:
            fb = _not_done(str(e))
        except AnswerError as e:
            fb = wrong(str(e))
        return replace(fb, check=self.id)


def without_wants(cases: Sequence) -> list:
    """The cases as a probe receives them: every case's ``"want"`` left out."""
    return [
        {k: v for k, v in case.items() if k != "want"} if isinstance(case, dict) else case
        for case in cases
    ]


def _not_done(name: str) -> Feedback:
    return Feedback(
        None,
        f"`{name}` still raises NotImplementedError: write its body, run that cell, "
        "then run this check again.",
    )


EXERCISES: dict[str, Exercise] = {}

_ID = re.compile(r"^\d\d\.\d+$")


def exercise(
    id: str,
    *,
    title: str,
    answers: Sequence[str] | str,
    placeholder: str,
    hints: Sequence[str],
    kind: str = "code",
    points: int = 1,
    cases: Sequence = (),
    judge: Callable | None = None,
    solution: str | None = None,
):
    """Register exercise ``id``; decorates its check.

    For a value exercise, decorate the check: it takes the learner's values
    (already known not to be placeholders) and returns a ``Feedback``. For a
    code exercise, decorate the *probe* ``probe(*answers, case)`` and pass the
    public ``cases`` and the ``judge(cases, results)``. Either may raise
    ``AnswerError`` for an answer of the wrong kind, and the probe ``NotDone``
    (via ``call``) for code that still raises NotImplementedError. Solutions
    belong in ``nnlib.solutions.chNN.SOLUTIONS``, not here.
    """
    if not _ID.match(id):
        raise ValueError(f"exercise ids look like '07.3', got {id!r}")
    if kind not in ("code", "value"):
        raise ValueError(f"kind must be 'code' or 'value', got {kind!r}")
    if not hints:
        raise ValueError(f"exercise {id} needs at least one hint")
    if judge is not None and kind != "code":
        raise ValueError(f"exercise {id}: only code exercises have a probe and a judge")
    names = (answers,) if isinstance(answers, str) else tuple(answers)

    def deco(fn):
        if judge is None:
            check, probe = fn, None
        else:
            check, probe = judge, fn
        EXERCISES[id] = Exercise(
            id, title, names, placeholder.strip("\n") + "\n", tuple(hints), check, kind,
            points, probe, tuple(cases),
            None if solution is None else solution.strip("\n") + "\n",
        )  # fmt: skip
        return fn

    return deco


def _private(chapter: str):
    """``nnlib.solutions.chNN`` (solutions and hidden cases), or None where it is left out."""
    try:
        return importlib.import_module(f"nnlib.solutions.ch{chapter}")
    except ModuleNotFoundError as e:
        if e.name and (e.name == "nnlib.solutions" or e.name.startswith("nnlib.solutions.")):
            return None
        raise


def has_solutions() -> bool:
    """True in the full course, False in a class release (no ``nnlib.solutions``)."""
    try:
        importlib.import_module("nnlib.solutions")
    except ModuleNotFoundError:
        return False
    return True


def hidden_cases(id: str) -> list:
    """The hidden cases of exercise ``id`` (empty without the solutions file)."""
    return get(id).hidden


def probe_results(id: str, namespace: dict, cases: Sequence) -> list:
    """The grader's probe: run the answers found in ``namespace`` on ``cases``; plain data.

    Called inside the grading sandbox, after the learner's notebook ran;
    ``cases`` carry no expected values. Returns ``to_plain`` data.
    """
    ex = get(id)
    answers = [namespace.get(name, ...) for name in ex.answers]
    return [to_plain(r) for r in ex.results(answers, cases)]


def write_probe(id: str, namespace: dict, cases: Sequence, path: str) -> None:
    """``probe_results`` written to ``path`` as JSON (what the grading sandbox hands back)."""
    data = json.dumps(probe_results(id, namespace, cases), allow_nan=False)
    with open(path, "w", encoding="utf-8") as f:
        f.write(data)


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


def require(id: str, *answers, hidden: Sequence | None = None) -> None:
    """Like ``check``, but raise AssertionError unless the answer passes (graded cells).

    ``hidden``: more cases (with their expected values) to judge on as well, as
    nbgrader's hidden tests pass them. On success it prints one line and returns None,
    so that an autograder reads no score from the cell's output.
    """
    ex = get(id)
    fb = ex.run(*answers)
    if fb.passed is True and hidden and ex.kind == "code" and ex.probe is not None:
        fb = ex.judge(list(hidden), ex.results(answers, without_wants(list(hidden))))
    fb.assert_passed()
    print(f"{fb.word}: exercise {id}")


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
        more = " That was the last hint." + (
            f" solution('{id}') shows ours." if ex.solution is not None else ""
        )
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


NO_SOLUTIONS = (
    "Solutions are not part of this copy of the course: ask your instructor, or try the hints."
)


def solution(id: str) -> _Markdownish:
    """Our solution to exercise ``id``, to read (it is not run). Try the hints first!"""
    ex = get(id)
    if ex.solution is None:
        return _Markdownish(NO_SOLUTIONS, f"<p>{html.escape(NO_SOLUTIONS)}</p>")
    text = f"Our solution to exercise {id} ({ex.title}):\n\n{ex.solution}"
    return _Markdownish(
        text,
        f"<div style='border-left:4px solid #E69F00;padding:0.3em 0.8em'>"
        f"<b>Our solution to exercise {html.escape(id)}</b> ({html.escape(ex.title)}). "
        "Type it in yourself rather than pasting it: that is how it sticks."
        f"<pre>{html.escape(ex.solution)}</pre></div>",
    )
