"""Exercises tested both ways, on every chapter.

- The learner's notebook (what ``notebooks/`` holds) runs to the end on a fresh
  kernel, and every exercise's check says "Not done yet".
- The solved notebook (``python -m nnlib.instructor solved``) runs to the end,
  and every check says "Correct".
- The answer and check cells are exactly what the chapter's companion module
  says they are (``python -m nnlib.instructor sync`` rewrites them), and every
  chapter from 01 on has at least two exercises in which the learner writes code.
"""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nnlib import instructor
from nnlib.exercises import FEEDBACK_MIME, chapter_exercises

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _run(nb: dict, where: Path) -> nbformat.NotebookNode:
    node = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(
        node, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(where)}}
    ).execute()
    return node


def _feedback(nb) -> dict[str, list]:
    """Every feedback each check cell displayed, by exercise."""
    found: dict[str, list] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FEEDBACK_MIME in data:
                fb = data[FEEDBACK_MIME]
                found.setdefault(fb["check"], []).append(fb["passed"])
    return found


def _chapter(path: Path) -> str:
    return path.name[:2]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_answer_and_check_cells_match_the_companion(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["nnlib"]["chapter"] == _chapter(path)
    assert instructor.sync_version(nb, path.name) == nb, (
        f"{path.name}: answer/check cells differ from nnlib.chapters.ch{_chapter(path)}; "
        "run `python -m nnlib.instructor sync notebooks/`"
    )
    text = path.read_text(encoding="utf-8")
    assert instructor.BEGIN not in text and "BEGIN SOLUTION" not in text
    for ex in chapter_exercises(_chapter(path)):
        assert ex.solution.strip() not in text, f"{path.name} holds the solution of {ex.id}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapters_have_code_writing_exercises(path):
    exercises = chapter_exercises(_chapter(path))
    assert exercises, f"chapter {_chapter(path)} has no exercises"
    if _chapter(path) != "00":
        assert 3 <= len(exercises) <= 6
        assert sum(ex.kind == "code" for ex in exercises) >= 2
    for ex in exercises:
        assert len(ex.hints) >= 2, f"{ex.id}: a ladder needs at least two hints"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_learner_notebook_runs_to_the_end_with_every_exercise_not_done(path):
    nb = _run(json.loads(path.read_text(encoding="utf-8")), path.parent)
    ids = [ex.id for ex in chapter_exercises(_chapter(path))]
    seen = _feedback(nb)
    for ex_id in ids:
        assert ex_id in seen, f"{path.name}: no feedback shown for {ex_id}"
        assert seen[ex_id][0] is None, f"{path.name}: {ex_id} is not 'not done yet' at first"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solved_notebook_passes_every_check(path):
    solved = instructor.solved_version(json.loads(path.read_text(encoding="utf-8")), path.name)
    nb = _run(solved, path.parent)
    seen = _feedback(nb)
    for ex in chapter_exercises(_chapter(path)):
        assert seen.get(ex.id, [None])[0] is True, f"{path.name}: {ex.id} fails when solved"
