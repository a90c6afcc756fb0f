"""The instructor kit: solved and nbgrader versions from one source; grading not fooled."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlib import instructor
from nnlib.exercises import chapter_exercises
from nnlib.instructor import (
    BEGIN,
    END,
    InstructorError,
    nbgrader_version,
    solved_version,
    student_version,
    write_versions,
)

ROOT = Path(__file__).resolve().parent.parent
CH01 = ROOT / "notebooks" / "01_limits.ipynb"


def _cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "nnlib.instructor", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, **kwargs,
    )  # fmt: skip


def _nb(path=CH01) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell) -> str:
    return "".join(cell["source"])


def _write(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# ----------------------------------------------------------------- versions


def test_solved_version_fills_every_answer_cell_and_changes_nothing_else():
    nb = _nb()
    solved = solved_version(nb, CH01.name)
    cells = instructor.exercise_cells(nb)
    answers = {where["answer"]: ex_id for ex_id, where in cells.items()}
    for index, (before, after) in enumerate(zip(nb["cells"], solved["cells"], strict=True)):
        if index in answers:
            ex = instructor._exercises_of(nb, "x")[1]
            want = next(e.solution for e in ex if e.id == answers[index])
            assert _src(after) == want.rstrip("\n")
        else:
            assert _src(after) == _src(before)


def test_nbgrader_version_marks_solutions_and_grades_checks():
    nb = nbgrader_version(_nb(), CH01.name)
    exercises = chapter_exercises("01")
    cells = instructor.exercise_cells(nb)
    grade_ids = []
    for ex in exercises:
        answer, test = nb["cells"][cells[ex.id]["answer"]], nb["cells"][cells[ex.id]["check"]]
        assert BEGIN in _src(answer) and END in _src(answer)
        assert answer["metadata"]["nbgrader"]["solution"] is True
        meta = test["metadata"]["nbgrader"]
        assert meta["grade"] is True and meta["locked"] is True and meta["points"] == ex.points
        assert f'require("{ex.id}"' in _src(test)
        grade_ids += [answer["metadata"]["nbgrader"]["grade_id"], meta["grade_id"]]
    assert len(set(grade_ids)) == len(grade_ids)


def test_student_version_clears_outputs_and_refuses_solutions():
    nb = _nb()
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb["cells"][1]["execution_count"] = 3
    out = student_version(nb, "x.ipynb")
    assert out["cells"][1]["outputs"] == [] and out["cells"][1]["execution_count"] is None
    nb["cells"][1]["source"] = [f"{BEGIN}\n", "x = 1\n", f"{END}\n"]
    with pytest.raises(InstructorError, match="x.ipynb, cell 1: holds a solution"):
        student_version(nb, "x.ipynb")


def test_versions_refuse_mismatched_notebooks_naming_the_problem():
    nb = _nb()
    del nb["metadata"]["nnlib"]
    with pytest.raises(InstructorError, match="no chapter in its metadata"):
        solved_version(nb, "a.ipynb")
    nb = _nb()
    cells = instructor.exercise_cells(nb)
    del nb["cells"][cells["01.3"]["check"]]["metadata"]["nnlib"]
    with pytest.raises(InstructorError, match="exercise 01.3 has no check cell"):
        solved_version(nb, "a.ipynb")


def test_cli_writes_chapters_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "solved"
    done = _cli("solved", "notebooks", "01", "--out", out)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["01_limits.ipynb"]
    again = _cli("solved", "notebooks", "01", "--out", out)
    assert again.returncode == 2 and "exists already; use --force" in again.stderr
    assert _cli("nbgrader", "notebooks", "01", "--out", out, "--force").returncode == 0
    assert BEGIN in (out / "01_limits.ipynb").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["student", "no-such-folder", "--out", "{tmp}/o"], "no such folder"),
        (["solved", "notebooks", "42", "--out", "{tmp}/o"], "no chapter '42'"),
        (["grade", "{tmp}/nothing-here", "--chapter", "01"], "no such folder"),
        (["grade", "{tmp}", "--chapter", "1"], "chapter number such as 01"),
        (["release", "--out", "{tmp}/o", "--repository", "not a repo"], "owner/name"),
    ],
)
def test_bad_inputs_give_one_line_and_write_nothing(tmp_path, args, message):
    done = _cli(*[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert not (tmp_path / "o").exists()


def test_write_versions_checks_everything_before_writing(tmp_path):
    src = tmp_path / "src"
    shutil.copy(CH01, _write(src / "00_broken.ipynb", {"cells": [], "metadata": {}}).parent)
    with pytest.raises(InstructorError, match="00_broken.ipynb: no chapter"):
        write_versions("solved", src, tmp_path / "out", [], force=False)
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------- nbgrader
# The whole nbgrader flow (generate, validate, autograde, export) runs as the instructor
# page types it, in tests/test_instructor_docs.py.


def test_nbgrader_answer_cells_keep_signature_and_docstring():
    from nnlib.exercises import get
    from nnlib.instructor import solution_region

    ex = get("01.2")
    cell = solution_region(ex.placeholder, ex.solution)
    head = ex.placeholder.split("raise NotImplementedError")[0]
    assert cell.startswith(head.rstrip(" "))  # signature and docstring as handed out
    body = cell.split(BEGIN)[1].split(END)[0]
    assert "return" in body and "NotImplementedError" not in cell
    value = solution_region("slope = ...  # a number\n", "slope = 12.61\n")
    assert value == f"# slope = ...  # a number\n{BEGIN}\nslope = 12.61\n{END}\n"


def test_nbgrader_tests_hold_hidden_cases_between_the_markers():
    nb = nbgrader_version(_nb(), CH01.name)
    cells = instructor.exercise_cells(nb)
    test = _src(nb["cells"][cells["01.2"]["check"]])
    assert "### BEGIN HIDDEN TESTS" in test and "### END HIDDEN TESTS" in test
    assert "del _sys.modules[_name]" in test  # a fresh nnlib, whatever the notebook patched
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            assert "solution(" not in _src(cell)


@pytest.mark.slow
def test_an_nbgrader_test_cell_survives_a_patched_require(tmp_path):
    """A notebook that replaces require (the one-line trick) still fails the graded cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    source = nbgrader_version(_nb(), CH01.name)
    test = _src(source["cells"][instructor.exercise_cells(source)["01.2"]["check"]])
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import nnlib.exercises\n"
            "nnlib.exercises.require = lambda *a, **k: None\n"
            "def derivative(f, x):\n    return 0.0\n"
        ),
        nbformat.v4.new_code_cell(test),
    ]
    client = NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    with pytest.raises(CellExecutionError, match="AssertionError"):
        client.execute()
