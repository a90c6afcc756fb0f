"""The class release on a real JupyterHub, then grading what the students did there.

The class's repository is what ``python -m nnlib.instructor release --repository
my-university/nn-class-2026`` writes, committed and served by the local git
server as ``nn-class-2026``. The hub's single-user environment is this
environment's packages with nnlib from the release (conftest.class_image), as an
image built from the class's repository would be: no solutions anywhere a
student can reach, in the clone or in the kernel.

carol and dave click chapter 01's link as the release's own docs/instructors.md
prints it (for the class's repository). carol runs the chapter (every exercise
"Not done yet"), asks for a solution (the release says it has none), answers
two exercises in the chapter and saves; dave saves a copy into ``my-work/`` and
answers one exercise there. Then the instructor collects the chapter from every
home with the snippet in docs/instructors.md ("JupyterHub"), run as printed but
for the homes' folder, and grades with ``python -m nnlib.instructor grade``.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

import nbformat
import pytest

from nnlib.exercises import NO_SOLUTIONS
from tests.hub.conftest import ROOT, VENV_BIN, class_image, docs_link, make_repository
from tests.hub.students import Student, click_together
from tests.hub.test_hub import ALICE_DERIVATIVE, ALICE_SLOPE, BOB_ERROR, CHAPTER, exercises

pytestmark = pytest.mark.slow

CLASS = "nn-class-2026"  # the class's repository: my-university/nn-class-2026
COLLECT = re.compile(r"<!-- hub-test: collect -->\n```sh\n(.*?)```", re.S)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / CLASS
    done = subprocess.run(
        [
            sys.executable, "-m", "nnlib.instructor", "release", "--out", str(out),
            "--repository", f"my-university/{CLASS}",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def collect_snippet() -> str:
    (block,) = COLLECT.findall((ROOT / "docs" / "instructors.md").read_text(encoding="utf-8"))
    return block


def test_a_class_on_the_release_then_grading(release, git_server, hub, browser, tmp_path):
    assert not (release / "nnlib" / "solutions").exists()
    make_repository(git_server, release, name=CLASS)
    cmd, environment = class_image(tmp_path, release)
    for student in ("carol", "dave"):
        hub.single_user(student, cmd, environment)
    link = docs_link(git_server.url(CLASS), CHAPTER, root=release)
    assert f"urlpath=lab%2Ftree%2F{CLASS}%2Fnotebooks" in link

    carol, dave = Student(browser, hub, "carol"), Student(browser, hub, "dave")
    try:
        for s, transcript in zip((carol, dave), click_together([carol, dave], link), strict=True):
            assert "git clone" in transcript
            assert s.wait_for_tab(f"{CLASS}/notebooks/{CHAPTER}") == f"{CLASS}/notebooks/{CHAPTER}"
            assert not (s.home / CLASS / "nnlib" / "solutions").exists()

        # carol: the release's chapter runs to the end, nothing done yet; no solution to be had.
        carol.wait_for_kernel(f"{CLASS}/notebooks/{CHAPTER}")
        nb = nbformat.read(release / "notebooks" / CHAPTER, as_version=4)
        assert carol.run_all() == {ex: "Not done yet" for ex in exercises(nb)}
        said = carol.ask('solution("01.2")')
        assert NO_SOLUTIONS in said, said
        carol.answer("slope = ...", ALICE_SLOPE)
        verdicts = carol.answer("def derivative(f, x):", ALICE_DERIVATIVE)
        assert verdicts["01.1"] == verdicts["01.2"] == "Correct", verdicts
        carol.save()
        carol.screenshot("release-answers-saved")

        # dave: his own copy in my-work/, one answer typed and saved.
        dave.save_as(f"{CLASS}/my-work/{CHAPTER}")
        dave.write("predicted_error = ...", BOB_ERROR)
        dave.save()
    finally:
        carol.close()
        dave.close()

    # The instructor collects chapter 01 from every home, as docs/instructors.md prints it.
    block = collect_snippet()
    first, rest = block.split("\n", 1)
    assert first == "HOMES=/home COURSE=how-neural-networks-learn CHAPTER=01_limits.ipynb", first
    script = f"HOMES={hub.base / 'home'} COURSE={CLASS} CHAPTER={CHAPTER}\n{rest}"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
        env=dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"), timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    collected = sorted(
        str(p.relative_to(tmp_path / "submissions"))
        for p in (tmp_path / "submissions").rglob("*.ipynb")
    )
    assert collected == [
        f"carol/notebooks_{CHAPTER}", f"dave/my-work_{CHAPTER}", f"dave/notebooks_{CHAPTER}",
    ], collected  # fmt: skip
    with open(tmp_path / "scores.csv", encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    print(done.stdout)
    assert set(rows) == {"carol", "dave"}
    carol_row, dave_row = rows["carol"], rows["dave"]
    assert (carol_row["01.1"], carol_row["01.2"], carol_row["passed"]) == ("1", "1", "2"), (
        carol_row
    )
    # dave's answered copy in my-work/ is graded; the untouched chapter is named beside it.
    assert dave_row["notebook"].endswith(f"my-work_{CHAPTER}"), dave_row
    assert (dave_row["01.4"], dave_row["passed"]) == ("1", "1"), dave_row
    assert f"notebooks_{CHAPTER}" in dave_row["also_submitted"], dave_row
