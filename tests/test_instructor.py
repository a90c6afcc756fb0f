"""The instructor kit: student versions without solutions, grading, and clear refusals."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nnlib.exercises import CHECKS, FEEDBACK_MIME, ch00_find_x
from nnlib.instructor import (
    BEGIN,
    END,
    InstructorError,
    feedback_in,
    grade_folder,
    make_student_versions,
    strip_solutions,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "nnlib.instructor", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip


def _solution_lines(nb) -> set[str]:
    lines, inside = set(), False
    for cell in nb["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and any(ch.isalnum() for ch in line):  # not a lone bracket
                lines.add(line.strip())
    return lines


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("kit") / "student"
    make_student_versions(ROOT / "notebooks", out, [], force=False)
    return out


def test_every_chapter_has_marked_solutions_with_nbgrader_metadata():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        cells = [c for c in nb["cells"] if BEGIN in "".join(c["source"])]
        assert cells, f"{path.name} has no exercise solutions"
        ids = [c["metadata"]["nbgrader"]["grade_id"] for c in cells]
        assert len(set(ids)) == len(ids)
        for c in cells:
            meta = c["metadata"]["nbgrader"]
            assert (
                meta["solution"] is True and meta["grade"] is False and meta["schema_version"] == 3
            )
            assert c["metadata"]["jupyter"]["source_hidden"] is True  # folded: no spoilers


def test_no_solution_text_anywhere_in_the_student_version(student_dir):
    for path in NOTEBOOKS:
        solution = _solution_lines(json.loads(path.read_text()))
        student = json.loads((student_dir / path.name).read_text())
        text = "\n".join("".join(c["source"]) for c in student["cells"])
        leaked = [line for line in solution if line in text]
        assert not leaked, f"{path.name} leaks {leaked}"
        assert BEGIN not in text and END not in text
        assert 'raise NotImplementedError("your code here")' in text


def test_student_version_keeps_everything_else(student_dir):
    for path in NOTEBOOKS:
        original = json.loads(path.read_text())
        student = json.loads((student_dir / path.name).read_text())
        assert len(student["cells"]) == len(original["cells"])
        assert student["metadata"] == original["metadata"]
        for a, b in zip(original["cells"], student["cells"], strict=True):
            assert a["metadata"] == b["metadata"] and a["cell_type"] == b["cell_type"]
            if BEGIN not in "".join(a["source"]):
                assert a["source"] == b["source"]
            if b["cell_type"] == "code":
                assert b["outputs"] == [] and b["execution_count"] is None


@pytest.mark.slow
def test_student_notebooks_run_to_the_end_with_only_the_expected_errors(student_dir):
    for path in sorted(student_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb, kernel_name="python3", timeout=120, allow_errors=True,
            resources={"metadata": {"path": str(student_dir)}},
        ).execute()  # fmt: skip
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors and all(e["ename"] == "NotImplementedError" for e in errors), path.name
        feedback = feedback_in(nb)
        chapter_checks = {n for n in CHECKS if n.startswith(path.name[:2] + ".")}
        assert set(feedback) == chapter_checks, path.name
        assert all(passed is None for passed in feedback.values()), f"{path.name}: {feedback}"


@pytest.mark.slow
def test_grading_scores_originals_full_and_student_versions_zero(student_dir):
    originals = {name: g for name, g in grade_folder(ROOT / "notebooks")}
    students = {name: g for name, g in grade_folder(student_dir)}
    assert set(originals) == set(students) == {p.name for p in NOTEBOOKS}
    for name, g in originals.items():
        assert g.total >= 1 and g.passed == g.total and g.errors == 0, name
    for name, g in students.items():
        assert g.passed == 0 and g.total == originals[name].total, name


def test_grade_cli_prints_a_table_and_csv(tmp_path):
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "00_start_here.ipynb").write_text(
        (ROOT / "notebooks" / "00_start_here.ipynb").read_text()
    )
    r = _cli("grade", tmp_path, "--csv", tmp_path / "scores.csv")
    assert r.returncode == 0, r.stderr
    assert "alice/00_start_here.ipynb" in r.stdout and "100%" in r.stdout
    rows = (tmp_path / "scores.csv").read_text().splitlines()
    assert rows[0] == "notebook,chapter,passed,total,score_percent,errors"
    assert rows[1] == "alice/00_start_here.ipynb,00,1,1,100.0,0"


def test_strip_solutions_code_and_markdown():
    code = "x = None\n    ### BEGIN SOLUTION\n    x = 42\n    ### END SOLUTION\ncheck(x)\n"
    stub = '    # YOUR CODE HERE\n    raise NotImplementedError("your code here")\n'
    assert strip_solutions(code, "code", "nb") == "x = None\n" + stub + "check(x)\n"
    text = "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\n"
    assert strip_solutions(text, "markdown", "nb") == "Why?\nYOUR ANSWER HERE\n"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1\n", "is never closed"),
        ("x = 1\n### END SOLUTION\n", "without a '### BEGIN SOLUTION'"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "again before"),
    ],
)
def test_unbalanced_markers_are_refused_naming_notebook_and_cell(tmp_path, source, message):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("intro"), nbformat.v4.new_code_cell(source)]
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(nb, src / "07_broken.ipynb")
    r = _cli("student", src, "--out", tmp_path / "out")
    assert r.returncode == 2
    assert (
        r.stderr.count("\n") == 1 and "07_broken.ipynb, cell 1" in r.stderr and message in r.stderr
    )
    assert not (tmp_path / "out").exists()


def test_bad_inputs_give_one_line_and_write_nothing(tmp_path):
    out = tmp_path / "out"
    r = _cli("student", tmp_path / "missing", "--out", out)
    assert r.returncode == 2 and r.stderr == f"error: {tmp_path / 'missing'}: no such folder\n"
    (tmp_path / "notes.txt").write_text("not a notebook")
    r = _cli("student", tmp_path / "notes.txt", "--out", out)
    assert (
        r.returncode == 2 and "not a notebook (.ipynb)" in r.stderr and r.stderr.count("\n") == 1
    )
    (tmp_path / "fake.ipynb").write_text("{ not json")
    r = _cli("student", tmp_path / "fake.ipynb", "--out", out)
    assert r.returncode == 2 and "cannot be read as a notebook" in r.stderr
    assert not out.exists()
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = _cli("student", ROOT / "notebooks", "--out", out)
    assert r.returncode == 2 and "exists already; use --force" in r.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    r = _cli("grade", tmp_path / "missing")
    assert r.returncode == 2 and "no such folder" in r.stderr
    r = _cli("student", ROOT / "notebooks", "99", "--out", tmp_path / "other")
    assert (
        r.returncode == 2 and "no chapter '99'" in r.stderr and not (tmp_path / "other").exists()
    )


def test_chapters_can_be_chosen_and_force_replaces(tmp_path):
    out = tmp_path / "out"
    written = make_student_versions(ROOT / "notebooks", out, ["01", "02_derivatives.ipynb"], False)
    assert [p.name for p in written] == ["01_limits.ipynb", "02_derivatives.ipynb"]
    with pytest.raises(InstructorError, match="exists already"):
        make_student_versions(ROOT / "notebooks", out, ["03"], False)
    make_student_versions(ROOT / "notebooks", out, ["03"], True)
    assert [p.name for p in out.iterdir()] == ["03_the_neuron.ipynb"]


def test_feedback_carries_its_check_name_for_grading():
    fb = ch00_find_x(-2.0)
    assert fb.check == "00.find_x"
    bundle = fb._repr_mimebundle_()
    assert bundle[FEEDBACK_MIME] == {"check": "00.find_x", "passed": True}
    assert bundle["text/plain"].startswith("✅") and "<div" in bundle["text/html"]
