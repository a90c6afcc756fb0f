"""docs/instructors.md as typed: every command block runs, in order, in a throw-away folder.

Each ```bash block is preceded by ``<!-- docs-test: NAME -->``. The blocks run in a
copy of the course (its tracked files, named as a clone is, with this environment as
its .venv) from a shell where that environment is active, as the page says; between
them the test does what the page tells the instructor to do by hand (collect the
students' notebooks), and then checks what the commands produced.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlib.exercises import get
from nnlib.instructor import exercise_cells, solved_version

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "instructors.md"
BLOCK = re.compile(r"<!-- docs-test: ([\w-]+) -->\n```bash\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    return BLOCK.findall(text)


def test_every_bash_block_is_marked():
    text = DOCS.read_text(encoding="utf-8")
    fenced = len(re.findall(r"^```bash$", text, re.M))
    assert fenced == len(blocks()), (
        "a ```bash block in docs/instructors.md has no docs-test marker"
    )


def _copy_course(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
        text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    (dest / ".venv").symlink_to(Path(sys.prefix))


def _run(block: str, name: str, cwd: Path) -> subprocess.CompletedProcess:
    script = "set -e\nsource .venv/bin/activate\n" + block
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # the environment comes from the page's own steps
    for who in ("AUTHOR", "COMMITTER"):  # an instructor's git knows who they are
        env.setdefault(f"GIT_{who}_NAME", "An Instructor")
        env.setdefault(f"GIT_{who}_EMAIL", "instructor@example.edu")
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, (
        f"block {name!r} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    return done


@pytest.mark.slow
def test_the_instructor_page_runs_as_typed(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git lists the course's files")
    course = tmp_path / "how-neural-networks-learn"
    course.mkdir()
    _copy_course(course)
    learner = json.loads((ROOT / "notebooks" / "01_limits.ipynb").read_text(encoding="utf-8"))
    solved = solved_version(learner, "01_limits.ipynb")
    outputs = {}
    for name, block in blocks():
        if name == "grade":  # "collect your students' notebooks into one folder"
            for student, nb in [("alice", solved), ("bob", learner)]:
                path = course / "submissions" / student / "01_limits.ipynb"
                path.parent.mkdir(parents=True)
                path.write_text(json.dumps(nb), encoding="utf-8")
        if name == "autograde":  # "collect the students' work into submitted/..."
            release = tmp_path / "nbgrader-course" / "release" / "ps1" / "01_limits.ipynb"
            handed_out = json.loads(release.read_text(encoding="utf-8"))
            filled = json.loads(json.dumps(handed_out))
            for ex_id, where in exercise_cells(filled).items():
                filled["cells"][where["answer"]]["source"] = get(ex_id).solution
            for student, nb in [("empty", handed_out), ("full", filled)]:
                path = tmp_path / "nbgrader-course" / "submitted" / student / "ps1"
                path.mkdir(parents=True)
                (path / "01_limits.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        outputs[name] = _run(block, name, course)

    # release: no solutions, links moved, a commit made
    release = tmp_path / "nn-class"
    assert not (release / "nnlib" / "solutions").exists()
    assert "my-uni/nn-class" in (release / "README.md").read_text(encoding="utf-8")
    assert (release / ".git").is_dir()
    # versions
    assert (tmp_path / "solved" / "07_backpropagation.ipynb").is_file()
    assert sorted(p.name for p in (tmp_path / "solved-13").iterdir()) == [
        "01_limits.ipynb", "03_the_neuron.ipynb"]  # fmt: skip
    # grade
    with (course / "scores.csv").open(encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert (rows["alice"]["passed"], rows["bob"]["passed"]) == ("4", "0")
    assert (course / "feedback" / "alice.md").is_file()
    # nbgrader: signatures kept, no solution offered, hidden tests hidden
    nbcourse = tmp_path / "nbgrader-course"
    handed = (nbcourse / "release" / "ps1" / "01_limits.ipynb").read_text(encoding="utf-8")
    assert "def derivative(f, x):" in handed and "BEGIN SOLUTION" not in handed
    assert "HIDDEN TESTS" not in handed and "solution(" not in handed
    assert "failed" in (outputs["nbgrader"].stdout + outputs["nbgrader"].stderr).lower()
    log = outputs["autograde"].stdout + outputs["autograde"].stderr
    assert "cannot be converted to" not in log  # no per-student warning about our output
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    unexpected = [w for w in warnings if "checksum" not in w and "TCP without encryption" not in w]
    assert not unexpected, unexpected
    with (nbcourse / "grades.csv").open(encoding="utf-8") as f:
        grades = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert grades == {"empty": 0.0, "full": 4.0}
