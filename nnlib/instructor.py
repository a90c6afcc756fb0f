"""Tools for instructors: student versions of the chapters, and grading them.

    python -m nnlib.instructor student notebooks/ --out student/          # every chapter
    python -m nnlib.instructor student notebooks/ 01 03 --out student/    # chapters 01 and 03
    python -m nnlib.instructor grade submissions/ [--csv scores.csv]

``student`` copies each chapter with our solutions removed, following
nbgrader's convention: in code cells, the lines between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` become a stub that raises
``NotImplementedError("your code here")``; in Markdown cells they become
"YOUR ANSWER HERE". Outputs are cleared; everything else is unchanged. It
refuses to write into an existing folder unless ``--force`` is given, and
refuses a notebook whose markers do not pair up, naming the notebook and cell.

``grade`` runs every notebook found under a folder (one per student, or a
folder per student) in a fresh kernel, collects what each exercise check
reported, and prints one row per notebook: checks passed out of the checks
the chapter has. With ``--csv FILE`` it also writes the table as CSV.

Chapter 00 introduces the exercise checks; docs/instructors.md explains the
whole workflow, including nbgrader and nbgitpuller.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = ["# YOUR CODE HERE\n", 'raise NotImplementedError("your code here")\n']
MARKDOWN_STUB = "YOUR ANSWER HERE\n"
FEEDBACK_MIME = "application/vnd.nnlib.feedback+json"


class InstructorError(Exception):
    """A problem with the input, reported on one line and with nothing written."""


# --------------------------------------------------------------- student versions


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def strip_solutions(source: str, cell_type: str, where: str) -> str:
    """Replace every BEGIN/END SOLUTION region of one cell's source with the stub."""
    out: list[str] = []
    inside = False
    for line in source.splitlines(keepends=True):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise InstructorError(f"{where}: '{BEGIN}' again before '{END}'")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if cell_type == "code":
                out += [indent + stub for stub in CODE_STUB]
            else:
                out.append(MARKDOWN_STUB)
        elif marker == END:
            if not inside:
                raise InstructorError(f"{where}: '{END}' without a '{BEGIN}' before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise InstructorError(f"{where}: '{BEGIN}' is never closed by '{END}'")
    return "".join(out)


def _load(path: Path) -> dict:
    if path.suffix != ".ipynb":
        raise InstructorError(f"{path}: not a notebook (.ipynb)")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InstructorError(f"{path}: cannot be read as a notebook ({e})") from None
    if not isinstance(nb, dict) or "cells" not in nb:
        raise InstructorError(f"{path}: cannot be read as a notebook (no cells)")
    return nb


def student_version(nb: dict, name: str) -> dict:
    """A student copy of a notebook: solutions stubbed, outputs cleared."""
    out = json.loads(json.dumps(nb))  # a deep copy
    for index, cell in enumerate(out["cells"]):
        where = f"{name}, cell {index} (id {cell.get('id', '?')})"
        source = _source(cell)
        if BEGIN in source or END in source:
            cell["source"] = strip_solutions(source, cell["cell_type"], where).splitlines(
                keepends=True
            )
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    out.get("metadata", {}).pop("widgets", None)
    return out


def _select(src: Path, chapters: list[str]) -> list[Path]:
    if not src.exists():
        raise InstructorError(f"{src}: no such folder")
    if src.is_file():
        return [src]
    notebooks = sorted(src.glob("*.ipynb"))
    if not notebooks:
        raise InstructorError(f"{src}: holds no notebooks")
    if not chapters:
        return notebooks
    chosen = []
    for wanted in chapters:
        matches = [p for p in notebooks if p.name == wanted or p.name.startswith(f"{wanted}_")]
        if not matches:
            raise InstructorError(f"no chapter '{wanted}' in {src}")
        chosen += matches
    return chosen


def make_student_versions(src: Path, out: Path, chapters: list[str], force: bool) -> list[Path]:
    """Write student versions of the chosen chapters into ``out``; return the files written."""
    notebooks = _select(src, chapters)
    if out.exists() and not force:
        raise InstructorError(f"{out} exists already; use --force to replace it")
    # Check everything before writing anything.
    versions = [(p.name, student_version(_load(p), p.name)) for p in notebooks]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for name, nb in versions:
        path = out / name
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


# ----------------------------------------------------------------------- grading


@dataclass
class Grade:
    notebook: str
    chapter: str
    passed: int
    total: int
    errors: int

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0


def feedback_in(nb) -> dict[str, bool | None]:
    """The last result each exercise check displayed in an executed notebook."""
    results: dict[str, bool | None] = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FEEDBACK_MIME in data:
                fb = data[FEEDBACK_MIME]
                results[fb["check"]] = fb["passed"]
    return results


def grade_notebook(path: Path, timeout: int = 120) -> Grade:
    """Run one notebook in a fresh kernel (errors allowed) and count the checks it passed."""
    import nbformat
    from nbclient import NotebookClient

    from nnlib.exercises import CHECKS

    _load(path)  # a clear error for files that are not notebooks
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        # Run in a scratch folder so that a student's notebook cannot write next to the others.
        NotebookClient(
            nb, kernel_name="python3", timeout=timeout, allow_errors=True,
            resources={"metadata": {"path": tmp}},
        ).execute()  # fmt: skip
    chapter = path.name[:2]
    checks = sorted(name for name in CHECKS if name.startswith(f"{chapter}."))
    results = feedback_in(nb)
    errors = sum(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    return Grade(
        path.name, chapter, sum(results.get(c) is True for c in checks), len(checks), errors
    )


def grade_folder(folder: Path, timeout: int = 120) -> list[tuple[str, Grade]]:
    if not folder.is_dir():
        raise InstructorError(f"{folder}: no such folder")
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise InstructorError(f"{folder}: holds no notebooks")
    return [(str(p.relative_to(folder)), grade_notebook(p, timeout)) for p in notebooks]


def format_table(rows: list[tuple[str, Grade]]) -> str:
    width = max(len("notebook"), *(len(name) for name, _ in rows))
    lines = [f"{'notebook':<{width}}  chapter  passed  total  score  errors"]
    for name, g in rows:
        score = f"{g.percent:>4.0f}%"
        lines.append(
            f"{name:<{width}}  {g.chapter:>7}  {g.passed:>6}  {g.total:>5}  {score}  {g.errors:>6}"
        )
    return "\n".join(lines)


def write_csv(rows: list[tuple[str, Grade]], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["notebook", "chapter", "passed", "total", "score_percent", "errors"])
        for name, g in rows:
            w.writerow([name, g.chapter, g.passed, g.total, f"{g.percent:.1f}", g.errors])


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.instructor", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    st = sub.add_parser("student", help="write student versions (solutions removed)")
    st.add_argument("source", type=Path, help="the notebooks folder (or one notebook)")
    st.add_argument("chapters", nargs="*", help="chapter numbers or file names (default: all)")
    st.add_argument("--out", type=Path, required=True, help="folder to write (must not exist)")
    st.add_argument("--force", action="store_true", help="replace --out if it exists")
    gr = sub.add_parser("grade", help="run completed notebooks and score their exercises")
    gr.add_argument(
        "folder", type=Path, help="folder of completed notebooks (searched recursively)"
    )
    gr.add_argument("--csv", type=Path, help="also write the table as CSV to this file")
    gr.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    args = parser.parse_args(argv)
    try:
        if args.command == "student":
            written = make_student_versions(args.source, args.out, args.chapters, args.force)
            for path in written:
                print(f"wrote {path}")
        else:
            rows = grade_folder(args.folder, args.timeout)
            print(format_table(rows))
            if args.csv:
                write_csv(rows, args.csv)
                print(f"wrote {args.csv}")
    except InstructorError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
