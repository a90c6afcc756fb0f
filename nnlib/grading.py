"""Grading a class's notebooks, treating every submission as hostile.

    python -m nnlib.instructor grade SUBMISSIONS --chapter NN [--csv FILE]
        [--feedback DIR] [--timeout S] [--sandbox auto|bwrap|docker|podman|none]
        [--image IMAGE] [--jobs N]

For each student, the newest notebook is run in a sandbox (``nnlib.sandbox``:
no network, its own processes, a release copy of nnlib without solutions or
hidden cases, its own scratch space, limits on time, memory and output).
After the notebook's cells, the sandbox runs each exercise's *probe*: the
student's functions and classes called on the public and hidden cases,
without their expected values, answering with plain data (numbers, arrays).
This process then judges that data itself, with the expected values that
never entered the sandbox. Nothing the notebook prints, displays or reports is
believed.

Layouts: ``SUBMISSIONS/<student>/<file>.ipynb``; nbgrader's
``submitted/<student>/<assignment>/<file>.ipynb``; a notebook directly in
SUBMISSIONS is its own student (named by its file). One row per student: the
newest candidate is graded, the others are named. Every file that looks like a
submission but is not graded is named too.
"""

from __future__ import annotations

import ast
import builtins
import csv
import json
import pickle
import queue
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nnlib import sandbox as sb
from nnlib.exercises import Exercise, Feedback, chapter_exercises, from_plain, without_wants

MAX_NOTEBOOK = 20 * 2**20  # bytes: a larger file is not read
MAX_RESULT = 20 * 2**20  # bytes of one exercise's results


class GradingError(Exception):
    """The class cannot be graded as asked; the message says why."""


@dataclass
class Submission:
    student: str
    path: Path
    others: list[Path] = field(default_factory=list)


@dataclass
class Row:
    """One student's grade."""

    student: str
    notebook: str
    chapter: str
    points: dict[str, int]
    feedback: dict[str, Feedback]
    total: int
    same_as_solution: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    problem: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(self.points.values())

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


# ------------------------------------------------------------------ finding work


def _student_of(rel: Path) -> str:
    parts = rel.parts
    if len(parts) == 1:
        return rel.name.split(".")[0]
    if parts[0] == "submitted" and len(parts) >= 3:  # a whole nbgrader course folder
        return parts[1]
    return parts[0]


def _load(path: Path) -> dict:
    """A notebook's JSON; GradingError naming why it cannot be read."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            raise GradingError(f"larger than {MAX_NOTEBOOK // 2**20} MB")
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GradingError(f"cannot be read as a notebook ({type(e).__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise GradingError("cannot be read as a notebook (no cells)")
    return nb


def find_submissions(folder: Path, exercises: list[Exercise]) -> tuple[list, list]:
    """([Submission], [(path, why it is not graded)]) for a folder of submissions."""
    if not folder.is_dir():
        raise GradingError(f"{folder}: no such folder")
    candidates: dict[str, list[tuple[tuple, Path]]] = {}
    skipped: list[tuple[Path, str]] = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(p.startswith(".") or p == "__pycache__" for p in rel.parts) or not path.is_file():
            continue
        lower = path.name.lower()
        if not lower.endswith(".ipynb"):
            why = "not a notebook"
            if ".ipynb" in lower:
                why += f" (its name ends in {path.name[lower.index('.ipynb') :]!r}: rename it"
                why += " to .ipynb to grade it)"
            skipped.append((rel, why))
            continue
        try:
            nb = _load(path)
        except GradingError as e:
            skipped.append((rel, str(e)))
            continue
        answers = len(answer_sources(nb, exercises))
        if not answers:
            skipped.append((rel, f"holds no answer to chapter {exercises[0].chapter}'s exercises"))
            continue
        key = (answers, path.stat().st_mtime, path.name)
        candidates.setdefault(_student_of(rel), []).append((key, rel))
    subs = []
    for student, found in sorted(candidates.items()):
        found.sort(reverse=True)  # the most answers, then the newest
        subs.append(Submission(student, found[0][1], [rel for _, rel in found[1:]]))
    return subs, skipped


# ------------------------------------------------------------- the answer cells


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _defines(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        names.add(n.id)
    return names


def answer_sources(nb: dict, exercises: list[Exercise]) -> dict[str, str]:
    """{exercise id: the source of its answer cell}: by cell metadata, else by the names
    the cell defines (when a student's tools deleted the metadata)."""
    found: dict[str, str] = {}
    code = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    for cell in code:
        meta = cell.get("metadata", {})
        meta = meta.get("nnlib", {}) if isinstance(meta, dict) else {}
        if isinstance(meta, dict) and meta.get("role") == "answer":
            found[str(meta.get("exercise"))] = _source(cell)
    for ex in exercises:
        if ex.id in found:
            continue
        for cell in reversed(code):
            text = _source(cell)
            if set(ex.answers) & _defines(text) and "check(" not in text:
                found[ex.id] = text
                break
    return {ex.id: found[ex.id] for ex in exercises if ex.id in found}


_KEEP = set(dir(builtins)) | {"np", "math", "self", "Scalar", "nn", "F"}


def _statements(source: str) -> list[str] | None:
    """Each top-level statement of ``source`` with names, docstrings and comments erased."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None

    class Erase(ast.NodeTransformer):
        def __init__(self):
            self.names: dict[str, str] = {}

        def _name(self, name: str) -> str:
            if name in _KEEP:
                return name
            return self.names.setdefault(name, f"v{len(self.names)}")

        def visit_Name(self, node):
            node.id = self._name(node.id)
            return node

        def visit_arg(self, node):
            node.arg = self._name(node.arg)
            node.annotation = None
            return node

        def _body(self, node):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
            return node

        def visit_FunctionDef(self, node):
            node.name = self._name(node.name)
            node.returns = None
            self._body(node)
            self.generic_visit(node)
            return node

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_ClassDef(self, node):
            node.name = self._name(node.name)
            self._body(node)
            self.generic_visit(node)
            return node

    out = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a bare string: a comment in disguise
        out.append(ast.dump(Erase().visit(stmt), include_attributes=False))
    return out


def same_as_solution(answer: str, solution: str | None) -> bool:
    """True when the answer holds every statement of our solution, up to names, comments,
    docstrings and layout (a copied solution, perhaps with its variables renamed)."""
    if not solution:
        return False
    theirs, ours = _statements(answer), _statements(solution)
    if not theirs or not ours:
        return False
    return all(stmt in theirs for stmt in ours)


# --------------------------------------------------------------------- grading


def probe_positions(nb: dict, clean: dict, exercises: list[Exercise]) -> dict[str, int]:
    """{exercise id: index of the cell (in ``clean``) after which its answers are probed}:
    its check cell, else its answer cell, else the last cell defining its names."""
    kept = [c for c in nb.get("cells", []) if isinstance(c, dict)
            and c.get("cell_type") in ("code", "markdown")]  # fmt: skip
    assert len(kept) == len(clean["cells"])
    where: dict[str, dict[str, int]] = {}
    for index, cell in enumerate(kept):
        meta = cell.get("metadata", {})
        meta = meta.get("nnlib", {}) if isinstance(meta, dict) else {}
        if isinstance(meta, dict) and meta.get("exercise"):
            where.setdefault(str(meta["exercise"]), {})[str(meta.get("role"))] = index
    positions = {}
    last = len(kept) - 1
    for ex in exercises:
        roles = where.get(ex.id, {})
        if "check" in roles or "answer" in roles:
            positions[ex.id] = roles.get("check", roles.get("answer"))
            continue
        defining = [i for i, c in enumerate(kept) if c.get("cell_type") == "code"
                    and set(ex.answers) & _defines(_source(c))]  # fmt: skip
        positions[ex.id] = defining[-1] if defining else last
    return positions


def _clean(nb: dict) -> dict:
    """The notebook as it runs in the sandbox: code and markdown only, no outputs."""
    cells = []
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown"):
            continue
        kept = {"cell_type": cell["cell_type"], "metadata": {}, "source": _source(cell)}
        if cell["cell_type"] == "code":
            kept.update(outputs=[], execution_count=None)
        cells.append(kept)
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip


@dataclass
class Grader:
    """Grades one chapter's submissions with one sandbox and one release copy of nnlib."""

    chapter: str
    kind: str
    limits: sb.Limits
    image: str | None = None
    library: Path | None = None
    exercises: list[Exercise] = field(default_factory=list)

    jobs: int = 1

    def __post_init__(self):
        self.exercises = chapter_exercises(self.chapter)
        self.cases = {ex.id: ex.grading_cases() for ex in self.exercises}
        self.uids: queue.SimpleQueue = queue.SimpleQueue()  # one user per sandbox at a time
        for slot in range(max(1, self.jobs)):
            self.uids.put(sb.UIDS + slot)

    def grade(self, sub: Submission, folder: Path) -> Row:
        total = sum(ex.points for ex in self.exercises)
        row = Row(sub.student, str(sub.path), self.chapter, {e.id: 0 for e in self.exercises},
                  {}, total, others=[str(p) for p in sub.others])  # fmt: skip
        try:
            nb = _load(folder / sub.path)
        except GradingError as e:
            row.problem = f"{sub.path}: {e}"
            return row
        declared = nb.get("metadata", {}).get("nnlib", {}) if isinstance(nb.get("metadata"),
                                                                        dict) else {}  # fmt: skip
        notes = []
        if isinstance(declared, dict) and declared.get("chapter") not in (None, self.chapter):
            notes.append(f"its metadata says chapter {declared.get('chapter')!r}; graded as "
                         f"{self.chapter}")  # fmt: skip
        sources = answer_sources(nb, self.exercises)
        row.same_as_solution = [
            ex.id for ex in self.exercises
            if ex.id in sources and same_as_solution(sources[ex.id], ex.solution)
        ]  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="nnlib-grade-") as tmp:
            work = Path(tmp)
            inbox, results = work / "in", work / "results"
            inbox.mkdir()
            results.mkdir()
            clean = _clean(nb)
            (inbox / "submission.ipynb").write_text(json.dumps(clean), encoding="utf-8")
            job = {
                "notebook": "submission.ipynb",
                "probe_after": probe_positions(nb, clean, self.exercises),
                # a cell that runs longer is interrupted and the rest go on; the sandbox
                # itself is killed at the notebook's limit
                "cell_timeout": int(max(5, min(60, self.limits.seconds / 4))),
                "exercises": [ex.id for ex in self.exercises],
            }
            (inbox / "job.json").write_text(json.dumps(job), encoding="utf-8")
            with open(inbox / "cases.pkl", "wb") as f:
                pickle.dump({k: without_wants(v) for k, v in self.cases.items()}, f)
            for p in (work, inbox, *inbox.iterdir()):
                p.chmod(0o755 if p.is_dir() else 0o644)
            inside = self.kind in ("bwrap", "docker", "podman")
            where_in = "/grade/in" if inside else str(inbox)
            where_out = "/grade/results" if inside else str(results)
            python = "python" if self.kind in ("docker", "podman") else sys.executable
            command = [python, "-m", "nnlib._grade_driver", where_in, where_out]
            uid = self.uids.get()
            try:
                run = sb.run(self.kind, command, library=self.library, inbox=inbox,
                             results=results, limits=self.limits, image=self.image,
                             uid=uid)  # fmt: skip
            finally:
                self.uids.put(uid)
            row.seconds = run.seconds
            if run.timed_out:
                notes.append(f"stopped after the time limit of {self.limits.seconds:g} s")
            for ex in self.exercises:
                fb = self._judge(ex, results / f"{ex.id}.json", run.timed_out)
                row.feedback[ex.id] = fb
                row.points[ex.id] = ex.points if fb.passed is True else 0
        if self.kind == "none":
            notes.append("NOT SANDBOXED (--sandbox none): graded as if trusted")
        row.problem = "; ".join(notes)
        return row

    def _judge(self, ex: Exercise, path: Path, timed_out: bool) -> Feedback:
        cases = self.cases[ex.id]
        if not path.is_file():
            why = "the time limit ran out first" if timed_out else "the notebook's kernel died"
            return Feedback(False, f"no result: {why}.", ex.id)
        try:
            if path.stat().st_size > MAX_RESULT:
                raise ValueError("too large")
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, list):
                raise ValueError("not a list")
            results = [from_plain(r) for r in raw]
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as e:
            return Feedback(False, f"its result could not be read ({e}).", ex.id)
        try:
            return ex.judge(cases, results)
        except Exception as e:  # a judge meeting data it never expected: no points, say so
            return Feedback(False, f"its result could not be judged ({type(e).__name__}).", ex.id)


def grade_folder(
    folder: Path,
    chapter: str,
    *,
    csv_path: Path | None = None,
    feedback_dir: Path | None = None,
    timeout: float = 120,
    sandbox: str = "auto",
    image: str | None = None,
    jobs: int = 1,
    say: Callable[[str], None] = print,
) -> tuple[list[Row], list[tuple[Path, str]]]:
    """Grade every student's newest notebook for ``chapter``; write the CSV row by row."""
    from nnlib.release import copy_library

    if not (isinstance(chapter, str) and len(chapter) == 2 and chapter.isdigit()):
        raise GradingError(f"--chapter takes a chapter number such as 01, got {chapter!r}")
    kind = sb.choose(sandbox, image)
    exercises = chapter_exercises(chapter)
    subs, skipped = find_submissions(Path(folder), exercises)
    if feedback_dir:
        feedback_dir.mkdir(parents=True, exist_ok=True)
    limits = sb.Limits(seconds=float(timeout))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="nnlib-release-") as lib:
        library = Path(lib)
        copy_library(library)
        library.chmod(0o755)
        grader = Grader(chapter, kind, limits, image, library, jobs=jobs)
        writer = _CsvWriter(csv_path, [ex.id for ex in exercises]) if csv_path else None
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                for row in pool.map(lambda s: grader.grade(s, Path(folder)), subs):
                    rows.append(row)
                    if writer:
                        writer.write(row)
                    if feedback_dir:
                        write_feedback(row, exercises, feedback_dir)
                    say(format_row(row))
        finally:
            if writer:
                writer.close()
    for path, why in skipped:
        say(f"not graded: {path}: {why}")
    return rows, skipped


# ---------------------------------------------------------------------- output

CSV_FIELDS = ("student", "notebook", "chapter")
CSV_TAIL = ("passed", "total", "score_percent", "same_as_solution", "also_submitted", "problem")


class _CsvWriter:
    """The gradebook, one row per student written (and flushed) as soon as it is graded."""

    def __init__(self, path: Path, ids: list[str]):
        self.file = open(path, "w", newline="", encoding="utf-8")
        self.csv = csv.writer(self.file)
        self.ids = ids
        self.csv.writerow([*CSV_FIELDS, *ids, *CSV_TAIL])
        self.file.flush()

    def write(self, row: Row) -> None:
        self.csv.writerow(
            [row.student, row.notebook, row.chapter, *(row.points.get(i, 0) for i in self.ids),
             row.passed, row.total, f"{row.percent:.1f}", " ".join(row.same_as_solution),
             " ".join(row.others), row.problem]
        )  # fmt: skip
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def format_row(row: Row) -> str:
    marks = " ".join(f"{i}:{p}" for i, p in row.points.items())
    line = f"{row.student}: {row.passed}/{row.total} ({row.percent:.0f}%)  [{marks}]"
    line += f"  {row.seconds:.1f} s  {row.notebook}"
    if row.same_as_solution:
        line += f"  same as our solution: {', '.join(row.same_as_solution)}"
    if row.others:
        line += f"  also submitted: {', '.join(row.others)}"
    if row.problem:
        line += f"  ({row.problem})"
    return line


def write_feedback(row: Row, exercises: list[Exercise], folder: Path) -> Path:
    """A readable feedback file for one student: each exercise's verdict and message."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in row.student) or "student"
    lines = [
        f"# Chapter {row.chapter}: feedback for {row.student}",
        "",
        f"Score: {row.passed} of {row.total} ({row.percent:.0f}%). Graded file: {row.notebook}.",
    ]
    if row.problem:
        lines += ["", f"Note: {row.problem}."]
    for ex in exercises:
        fb = row.feedback.get(ex.id)
        word = fb.word if fb else "Not graded"
        lines += ["", f"## Exercise {ex.id}: {ex.title}: {word}", ""]
        if fb:
            lines += ["```text", fb.message, "```"]
    path = folder / f"{safe}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
