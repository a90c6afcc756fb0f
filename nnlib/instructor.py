"""Tools for instructors: solved and nbgrader versions of the chapters, and grading.

    python -m nnlib.instructor student notebooks/ [01 03] --out student/   # clean copies
    python -m nnlib.instructor solved notebooks/ [01 03] --out solved/     # solutions filled in
    python -m nnlib.instructor nbgrader notebooks/ [01 03] --out source/ps1/
    python -m nnlib.instructor grade submissions/ [--csv scores.csv] [--timeout 60]
    python -m nnlib.instructor sync notebooks/      # for authors: answer/check cells from nnlib

The notebooks in ``notebooks/`` are what a learner opens: they hold no
solution. Each exercise is an *answer cell* (metadata ``nnlib.exercise`` and
``nnlib.role = "answer"``, plus nbgrader's ``solution`` metadata) holding the
placeholder, followed by a *check cell* (``nnlib.role = "check"``). Our
solutions live in the chapters' companion modules (``nnlib.chapters.chNN``),
one source of truth from which this tool writes:

- ``student``: copies with outputs cleared (the notebooks are student versions already);
- ``solved``: every answer cell replaced by our solution, to read or to test;
- ``nbgrader``: nbgrader *source* notebooks, with each solution between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` and each check cell turned
  into an autograder test cell worth the exercise's points;
- ``grade``: runs each submission in a fresh kernel (a time limit per cell;
  a cell that runs too long is interrupted and the rest go on), then runs the
  chapter's checks itself on the names the learner defined. What a notebook
  displays is ignored. The chapter comes from the notebook's metadata
  (``metadata.nnlib.chapter``), never from its file name.

Every command refuses to write into an existing folder unless ``--force``
is given, and checks everything before it writes anything.
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import sys
from pathlib import Path

from nnlib.grading import GradingError
from nnlib.release import ReleaseError
from nnlib.sandbox import SandboxError

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
FEEDBACK_MIME = "application/vnd.nnlib.feedback+json"


class InstructorError(Exception):
    """A problem with the input, reported on one line and with nothing written."""


# ------------------------------------------------------------------- notebooks


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _set_source(cell, text: str) -> None:
    cell["source"] = text.rstrip("\n").splitlines(keepends=True)


def _load(path: Path) -> dict:
    if path.suffix != ".ipynb":
        raise InstructorError(f"{path}: not a notebook (.ipynb)")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InstructorError(f"{path}: cannot be read as a notebook ({e})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InstructorError(f"{path}: cannot be read as a notebook (no cells)")
    return nb


def chapter_of(nb: dict, where: str) -> str:
    """The chapter number a notebook declares in ``metadata.nnlib.chapter``."""
    chapter = nb.get("metadata", {}).get("nnlib", {}).get("chapter")
    if not (isinstance(chapter, str) and len(chapter) == 2 and chapter.isdigit()):
        raise InstructorError(
            f"{where}: no chapter in its metadata (metadata.nnlib.chapter, such as '01'); "
            "was it made from one of the course's notebooks?"
        )
    return chapter


def exercise_cells(nb: dict) -> dict[str, dict[str, int]]:
    """{exercise id: {"answer": cell index, "check": cell index}} for a notebook."""
    found: dict[str, dict[str, int]] = {}
    for index, cell in enumerate(nb["cells"]):
        meta = cell.get("metadata", {}).get("nnlib", {})
        if "exercise" in meta:
            found.setdefault(meta["exercise"], {})[meta.get("role", "?")] = index
    return found


def check_source(ex) -> str:
    return f'check("{ex.id}", {", ".join(ex.answers)})'


def _grade_id(ex_id: str, role: str) -> str:
    return f"ex{ex_id.replace('.', '_')}_{role}"


def answer_metadata(ex_id: str) -> dict:
    return {
        "nbgrader": {
            "grade": False, "grade_id": _grade_id(ex_id, "answer"), "locked": False,
            "schema_version": 3, "solution": True, "task": False,
        },
        "nnlib": {"exercise": ex_id, "role": "answer"},
    }  # fmt: skip


def _exercises_of(nb: dict, where: str):
    """The chapter's exercises, checked against the notebook's cells."""
    from nnlib.exercises import chapter_exercises

    chapter = chapter_of(nb, where)
    exercises = chapter_exercises(chapter)
    cells = exercise_cells(nb)
    for ex in exercises:
        roles = cells.get(ex.id, {})
        for role in ("answer", "check"):
            if role not in roles:
                raise InstructorError(f"{where}: exercise {ex.id} has no {role} cell")
        if roles["check"] < roles["answer"]:
            raise InstructorError(f"{where}: exercise {ex.id}'s check comes before its answer")
    extra = sorted(set(cells) - {ex.id for ex in exercises})
    if extra:
        raise InstructorError(f"{where}: cells name exercises nnlib does not know: {extra}")
    return chapter, exercises, cells


def _clean(nb: dict) -> dict:
    out = json.loads(json.dumps(nb))  # a deep copy
    for cell in out["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    out.get("metadata", {}).pop("widgets", None)
    return out


def student_version(nb: dict, name: str) -> dict:
    """A learner's copy: outputs cleared; refuses a notebook that holds a solution."""
    for index, cell in enumerate(nb["cells"]):
        if BEGIN in _source(cell):
            raise InstructorError(f"{name}, cell {index}: holds a solution ({BEGIN})")
    return _clean(nb)


def solved_version(nb: dict, name: str) -> dict:
    """Every answer cell replaced by our solution (outputs cleared)."""
    _, exercises, cells = _exercises_of(nb, name)
    out = _clean(nb)
    for ex in exercises:
        _set_source(out["cells"][cells[ex.id]["answer"]], ex.solution)
    return out


HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _functions(tree: ast.AST) -> dict[str, ast.FunctionDef]:
    """Every function and method of a module, by its qualified name (``Scalar.backward``)."""
    found: dict[str, ast.FunctionDef] = {}

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found[prefix + child.name] = child
                walk(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")

    walk(tree, "")
    return found


def solution_region(placeholder: str, solution: str) -> str:
    """The answer cell of an nbgrader source notebook: the placeholder as the learner gets
    it (signature, docstring, lines around it), with each ``raise NotImplementedError``
    replaced by our code for that function between nbgrader's solution markers; nbgrader
    turns each region back into a stub, so the signature and docstring survive.

    Where the placeholder has no such line (a value to fill in), the placeholder is kept
    as a comment above a region holding the whole solution.
    """
    lines = placeholder.rstrip("\n").splitlines()
    try:
        ours, theirs = ast.parse(solution), ast.parse(placeholder)
    except SyntaxError:
        ours = theirs = None
    solved = _functions(ours) if ours else {}
    regions = []
    for name, fn in (_functions(theirs) if theirs else {}).items():
        raises = [
            stmt for stmt in fn.body
            if isinstance(stmt, ast.Raise) and "NotImplementedError" in ast.unparse(stmt)
        ]  # fmt: skip
        if len(raises) != 1 or name not in solved:
            continue
        body = solved[name].body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # its docstring: the placeholder has it already
        if not body:
            continue
        code = solution.splitlines()[body[0].lineno - 1 : body[-1].end_lineno]
        regions.append((raises[0].lineno, raises[0].end_lineno, raises[0].col_offset, code))
    if regions and ours and theirs:  # our code outside those functions must be there too
        given = {ast.dump(stmt) for stmt in theirs.body}
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if any(not isinstance(st, defs) and ast.dump(st) not in given for st in ours.body):
            regions = []
    if not regions:
        commented = "\n".join("# " + line if line else "#" for line in lines)
        return f"{commented}\n{BEGIN}\n{solution.rstrip()}\n{END}\n"
    for start, end, col, code in sorted(regions, reverse=True):
        indent = " " * col
        lines[start - 1 : end] = [indent + BEGIN, *code, indent + END]
    return "\n".join(lines) + "\n"


def _hidden_block(ex) -> str:
    """nbgrader's hidden tests for ``ex``: its hidden cases, with their expected values."""
    import base64
    import pickle

    if ex.kind != "code" or not ex.hidden:
        return ""
    blob = base64.b64encode(pickle.dumps(ex.hidden)).decode()
    width = 88
    wrapped = "\n".join(f'    "{blob[i : i + width]}"' for i in range(0, len(blob), width))
    return (
        f"{HIDDEN_BEGIN}\n"
        "import base64 as _b64, pickle as _pickle\n"
        f"_hidden = _pickle.loads(_b64.b64decode(\n{wrapped}\n))\n"
        f'require("{ex.id}", {", ".join(ex.answers)}, hidden=_hidden)\n'
        f"{HIDDEN_END}\n"
    )


# Re-imported afresh in every test cell, so that patching nnlib in the notebook (say,
# `nnlib.exercises.require = lambda *a: None`) does not reach the test.
_FRESH_IMPORT = """\
import sys as _sys
for _name in [n for n in _sys.modules if n == "nnlib" or n.startswith("nnlib.")]:
    del _sys.modules[_name]
from nnlib.exercises import require
"""


def nbgrader_version(nb: dict, name: str) -> dict:
    """An nbgrader source notebook: our code between nbgrader's solution markers inside
    the placeholder (so the release keeps signatures and docstrings), each check a
    graded test cell with the hidden cases inside nbgrader's hidden-test markers, and
    no sentence offering solution() (students of an nbgrader class have none)."""
    from nnlib.release import drop_solution_prompts

    _, exercises, cells = _exercises_of(nb, name)
    out = _clean(nb)
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            _set_source(cell, drop_solution_prompts(_source(cell)))
    for ex in exercises:
        answer = out["cells"][cells[ex.id]["answer"]]
        _set_source(answer, solution_region(ex.placeholder, ex.solution))
        answer["metadata"].update(answer_metadata(ex.id))
        test = out["cells"][cells[ex.id]["check"]]
        _set_source(
            test,
            "# Autograded: passes only when the check says Correct.\n"
            + _FRESH_IMPORT
            + f'\nrequire("{ex.id}", {", ".join(ex.answers)})\n'
            + _hidden_block(ex),
        )
        test["metadata"]["nbgrader"] = {
            "grade": True, "grade_id": _grade_id(ex.id, "check"), "locked": True,
            "points": ex.points, "schema_version": 3, "solution": False, "task": False,
        }  # fmt: skip
    return out


def sync_version(nb: dict, name: str) -> dict:
    """For authors: answer and check cells rewritten from the companion (outputs kept)."""
    _, exercises, cells = _exercises_of(nb, name)
    out = json.loads(json.dumps(nb))
    for ex in exercises:
        answer = out["cells"][cells[ex.id]["answer"]]
        _set_source(answer, ex.placeholder)
        answer["metadata"].update(answer_metadata(ex.id))
        _set_source(out["cells"][cells[ex.id]["check"]], check_source(ex))
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


VERSIONS = {"student": student_version, "solved": solved_version, "nbgrader": nbgrader_version}


def write_versions(
    kind: str, src: Path, out: Path, chapters: list[str], force: bool
) -> list[Path]:
    """Write the ``kind`` version of the chosen chapters into ``out``; return the files."""
    make = VERSIONS[kind]
    notebooks = _select(src, chapters)
    if out.exists() and not force:
        raise InstructorError(f"{out} exists already; use --force to replace it")
    versions = [(p.name, make(_load(p), p.name)) for p in notebooks]  # all checked first
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for name, nb in versions:
        path = out / name
        _write(path, nb)
        written.append(path)
    return written


def _write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def sync_folder(src: Path) -> list[Path]:
    """Rewrite the answer and check cells of every notebook in place; return those changed."""
    changed = []
    for path in _select(src, []):
        nb = _load(path)
        if not nb.get("metadata", {}).get("nnlib"):
            continue
        new = sync_version(nb, path.name)
        if new != nb:
            _write(path, new)
            changed.append(path)
    return changed


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.instructor", description=__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    helps = {
        "student": "write clean copies for students (outputs cleared)",
        "solved": "write the chapters with our solutions filled in",
        "nbgrader": "write nbgrader source notebooks (solutions marked, graded check cells)",
    }
    for kind, text in helps.items():
        p = sub.add_parser(kind, help=text)
        p.add_argument("source", type=Path, help="the notebooks folder (or one notebook)")
        p.add_argument("chapters", nargs="*", help="chapter numbers or file names (default: all)")
        p.add_argument("--out", type=Path, required=True, help="folder to write (must not exist)")
        p.add_argument("--force", action="store_true", help="replace --out if it exists")
    gr = sub.add_parser("grade", help="grade a class's notebooks in a sandbox")
    gr.add_argument("folder", type=Path, help="SUBMISSIONS/<student>/<file>.ipynb, or nbgrader's")
    gr.add_argument("--chapter", required=True, help="the chapter assigned, such as 01")
    gr.add_argument("--csv", type=Path, help="write the gradebook to this CSV file")
    gr.add_argument("--feedback", type=Path, help="write one feedback file per student here")
    gr.add_argument("--timeout", type=float, default=120, help="seconds per notebook (120)")
    gr.add_argument(
        "--sandbox", default="auto", help="auto (default), bwrap, docker, podman, none"
    )
    gr.add_argument("--image", help="with docker/podman: an image of the course's environment")
    gr.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (1)")
    rel = sub.add_parser("release", help="write the course for a class: no solutions")
    rel.add_argument("--out", type=Path, required=True, help="folder to write (must not exist)")
    rel.add_argument("--no-hints", action="store_true", help="leave the hints out as well")
    rel.add_argument("--repository", help="owner/name of the class's repository (launch links)")
    rel.add_argument("--force", action="store_true", help="replace --out if it exists")
    sy = sub.add_parser("sync", help="authors: rewrite answer/check cells from nnlib")
    sy.add_argument("source", type=Path, help="the notebooks folder")
    args = parser.parse_args(argv)
    try:
        if args.command in VERSIONS:
            written = write_versions(
                args.command, args.source, args.out, args.chapters, args.force
            )
            for path in written:
                print(f"wrote {path}")
        elif args.command == "sync":
            for path in sync_folder(args.source):
                print(f"updated {path}")
        elif args.command == "release":
            from nnlib.release import write_release

            write_release(
                args.out, hints=not args.no_hints, force=args.force, repository=args.repository
            )
            print(f"wrote the class release to {args.out} (no solutions, no hidden cases"
                  + (", no hints)" if args.no_hints else ")"))  # fmt: skip
        else:
            from nnlib.grading import grade_folder

            if args.sandbox == "none":
                print("warning: --sandbox none runs every submission unconfined, as you: "
                      "only for work you trust", file=sys.stderr)  # fmt: skip
            rows, skipped = grade_folder(
                args.folder, args.chapter, csv_path=args.csv, feedback_dir=args.feedback,
                timeout=args.timeout, sandbox=args.sandbox, image=args.image, jobs=args.jobs,
            )  # fmt: skip
            print(f"graded {len(rows)} student(s); {len(skipped)} file(s) not graded")
            if args.csv:
                print(f"wrote {args.csv}")
    except (InstructorError, GradingError, ReleaseError, SandboxError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
