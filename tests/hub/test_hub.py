"""A class on a real JupyterHub: nbgitpuller links as docs/instructors.md prints them.

Two students, alice and bob, click chapter 01's nbgitpuller link on a hub on
127.0.0.1 (see conftest.py). The link is the docs' printed path with the hub's
address in front; its ``repo=`` points at the course's local git server instead
of GitHub, which is the only difference (the test checks that), and both are
built by tools/links.py's ``nbgitpuller_path``.

First click: the course is cloned into each student's home, JupyterLab opens on
chapter 01, and Run All reaches the end with every exercise "Not done yet".

Then alice answers exercises in the chapter itself and saves, and deletes
chapter 03 (to get a fresh copy); bob saves his own copy into ``my-work/``,
answers there, and keeps notes of his own in a file that the course is about to
add too. The course gains a commit that changes chapter 01 (its title, and the
very answer cell alice edited), changes chapter 02 and adds a file. Both click
the link again, and the test asserts what nbgitpuller's merge rules promise:
the new file and the changed chapters arrive, alice's answers survive in the
chapter the course also changed, bob's work is untouched, the deleted chapter
comes back, and nothing is lost. docs/instructors.md says what
a student sees in each case.
"""

from __future__ import annotations

import json
import re
import time

import nbformat
import pytest

from tests.hub.conftest import (
    ARTIFACTS,
    COURSE,
    ROOT,
    GitServer,
    course_files,
    docs_link,
    git,
    make_repository,
)
from tests.hub.students import Student, click_together

pytestmark = pytest.mark.slow

CHAPTER = "01_limits.ipynb"  # the fastest chapter with exercises (about 5 s on a fresh kernel)

# What the students write: alice's answers are correct, bob's one answer too.
ALICE_SLOPE = "slope = (2.1**3 - 2**3) / (2.1 - 2)  # alice: secant of x³ from 2 to 2.1"
ALICE_DERIVATIVE = '''def derivative(f, x):
    """alice: the central difference with h = ∛ε · max(|x|, 1)."""
    h = np.finfo(float).eps ** (1 / 3) * max(abs(x), 1)
    return (f(x + h) - f(x - h)) / (2 * h)'''
ANSWER_01_2 = {"exercise": "01.2", "role": "answer"}  # the answer cell's nnlib metadata
BOB_ERROR = "predicted_error = 3e-6 / 10**2  # bob: central differences are O(h²)"
CONFLICT = re.compile(rb"^(<<<<<<<|=======|>>>>>>>)( |$)", re.M)  # git's conflict markers
BOB_NOTES = "# bob's cheat sheet\n\nd/dx x² = 2x; the chain rule multiplies local slopes.\n"


def exercises(notebook) -> list[str]:
    return [
        c.metadata["nnlib"]["exercise"]
        for c in notebook.cells
        if c.metadata.get("nnlib", {}).get("role") == "check"
    ]


def tree(folder) -> dict[str, bytes]:
    """Every file under ``folder`` but git's own and Jupyter's checkpoints: path → bytes."""
    skip = {".git", ".ipynb_checkpoints"}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip & set(p.relative_to(folder).parts)
    }


def cell_sources(path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells]


@pytest.fixture(scope="module")
def course(git_server: GitServer):
    """The course's repository on the local git server (the stand-in for GitHub)."""
    return make_repository(git_server, ROOT, course_files())


@pytest.fixture(scope="module")
def link(git_server, course) -> str:
    return docs_link(git_server.url(COURSE), CHAPTER)


@pytest.fixture(scope="module")
def students(browser, hub):
    people = {name: Student(browser, hub, name) for name in ("alice", "bob")}
    try:
        yield people
    finally:
        for s in people.values():
            s.close()


@pytest.fixture(scope="module")
def first_clicks(students, link):
    """Each student clicks the link for the first time and runs the whole chapter."""
    seen = {}
    start = time.monotonic()
    transcripts = dict(zip(students, click_together(list(students.values()), link), strict=True))
    for s in students.values():
        opened = s.wait_for_tab(f"{COURSE}/notebooks/{CHAPTER}")
        s.wait_for_kernel(f"{COURSE}/notebooks/{CHAPTER}")
        seen[s.name] = {"transcript": transcripts[s.name], "tab": opened}
        seen[s.name]["seconds"] = time.monotonic() - start
    for s in students.values():
        seen[s.name]["verdicts"] = s.run_all()
        seen[s.name]["memory"] = s.processes()
        s.screenshot("1-first-click-run-all")
    return seen


def test_first_click_clones_the_course_and_opens_the_chapter(first_clicks, students, course):
    nb = nbformat.read(ROOT / "notebooks" / CHAPTER, as_version=4)
    expected = {ex: "Not done yet" for ex in exercises(nb)}
    assert len(expected) >= 3
    committed = set(git("ls-files", cwd=course).split())
    for name, seen in first_clicks.items():
        clone = students[name].home / COURSE
        assert "git clone" in seen["transcript"], seen["transcript"]
        assert (clone / ".git").is_dir(), f"{name}: no clone in {clone}"
        assert set(git("ls-files", cwd=clone).split()) == committed
        chapter = f"notebooks/{CHAPTER}"
        assert (clone / chapter).read_bytes() == (course / chapter).read_bytes()
        assert seen["tab"] == f"{COURSE}/{chapter}", f"{name}: JupyterLab opened {seen['tab']}"
        assert seen["verdicts"] == expected, f"{name}: after Run All {seen['verdicts']}"
        memory = seen["memory"]
        report = (
            f"{name}: from the link (both students at once) to an idle kernel on {CHAPTER} in "
            f"{seen['seconds']:.0f} s; "
            f"after Run All, the server holds {memory['server']:.0f} MiB, its kernel "
            f"{memory['kernels']:.0f} MiB"
        )
        print(report)
        with open(ARTIFACTS / "students.txt", "a") as f:
            f.write(report + "\n")
        assert memory["server"] > 0 and memory["kernels"] > 0, memory


def course_update(repo) -> dict[str, str]:
    """The course's next commit: chapter 01 (its title, and the answer cell of exercise 01.2,
    which alice edits) and chapter 02 changed, a file added. Returns what the new lines say."""
    revised = {
        "01 title": " (revised this term)",
        "01 answer cell": "# (revised this term: hint('01.2') has a new first rung)",
        "02 title": " (revised this term)",
    }

    def edit(name: str, change) -> None:
        path = repo / "notebooks" / name
        nb = json.loads(path.read_text(encoding="utf-8"))
        change(nb["cells"])
        # As JupyterLab and tools/links.py write notebooks, so the diff is only the edit.
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def retitle(cells) -> None:
        first = cells[0]["source"]
        assert first[0].startswith("# "), first[0]
        first[0] = first[0].rstrip("\n") + revised["01 title"] + "\n"

    def answer_cell(cells) -> None:
        (cell,) = [c for c in cells if c["metadata"].get("nnlib") == ANSWER_01_2]
        cell["source"][-1] += "\n"
        cell["source"].append(revised["01 answer cell"])

    edit(CHAPTER, retitle)
    edit(CHAPTER, answer_cell)
    edit("02_derivatives.ipynb", retitle)
    (repo / "CHEATSHEET.md").write_text("# Cheat sheet\n\nThe course's one-page summary.\n")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "Term update: chapters 01 and 02 revised, a cheat sheet", cwd=repo)
    return revised


def test_a_later_click_brings_the_update_and_keeps_students_work(
    first_clicks, students, course, link
):
    alice, bob = students["alice"], students["bob"]
    a_clone, b_clone = alice.home / COURSE, bob.home / COURSE

    # alice works in the chapter itself: two answers, run and checked, then Ctrl+S.
    verdicts = alice.answer("slope = ...", ALICE_SLOPE)
    verdicts = alice.answer("def derivative(f, x):", ALICE_DERIVATIVE)
    assert verdicts["01.1"] == verdicts["01.2"] == "Correct", verdicts
    alice.save()
    alice.screenshot("2-answers-saved")
    saved = cell_sources(a_clone / "notebooks" / CHAPTER)
    assert ALICE_SLOPE in saved and ALICE_DERIVATIVE in saved
    # ... and deletes chapter 03 in the file browser, to get a fresh copy on the next click.
    (a_clone / "notebooks" / "03_the_neuron.ipynb").unlink()

    # bob works in my-work/, as the README asks: File ▸ Save Notebook As…, then answers there.
    bob.save_as(f"{COURSE}/my-work/{CHAPTER}")
    bob.write("predicted_error = ...", BOB_ERROR)
    bob.save()
    assert BOB_ERROR in cell_sources(b_clone / "my-work" / CHAPTER)
    bob.screenshot("2-my-work-saved")
    # ... and keeps notes of his own in a file named like one the course is about to add.
    (b_clone / "CHEATSHEET.md").write_text(BOB_NOTES)

    before = {s.name: tree(s.home / COURSE) for s in (alice, bob)}
    upstream_before = tree(course)
    revised = course_update(course)
    upstream = tree(course)
    changed = {p for p in upstream if upstream_before.get(p) != upstream[p]}
    assert changed == {f"notebooks/{CHAPTER}", "notebooks/02_derivatives.ipynb", "CHEATSHEET.md"}

    click_together([alice, bob], link)
    for s in (alice, bob):
        assert s.wait_for_tab(f"{COURSE}/notebooks/{CHAPTER}") == f"{COURSE}/notebooks/{CHAPTER}"
        s.wait_for_kernel(f"{COURSE}/notebooks/{CHAPTER}")
        s.screenshot("3-second-click")
        (ARTIFACTS / f"{s.name}-nbgitpuller.txt").write_text("\n".join(s.transcripts))

    for s in (alice, bob):
        clone = s.home / COURSE
        after = tree(clone)
        # Nothing half-done: no merge in progress, no conflict markers, notebooks valid.
        assert not (clone / ".git" / "MERGE_HEAD").exists()
        assert git("status", "--porcelain", "--untracked-files=no", cwd=clone) == ""
        for path, data in after.items():
            assert not CONFLICT.search(data), f"{s.name}: conflict markers in {path}"
            if path.endswith(".ipynb"):
                nbformat.validate(nbformat.reads(data.decode(), as_version=4))
        # Nothing lost: every file the student had is still there (or, for a name the
        # course now uses too, renamed beside it with a time stamp).
        for path in before[s.name]:
            stem, _, ext = path.rpartition(".")
            renamed = [p for p in after if re.fullmatch(rf"{re.escape(stem)}__\d{{14}}\.{ext}", p)]
            assert path in after or renamed, f"{s.name}: {path} is gone"
        # The untouched chapters and the new file arrive as the course has them.
        for path in ("notebooks/02_derivatives.ipynb", "CHEATSHEET.md"):
            assert after[path] == upstream[path], f"{s.name}: {path} is not the course's new one"
        for path in upstream:
            if path not in (f"notebooks/{CHAPTER}", "CHEATSHEET.md"):
                assert after[path] == upstream[path], f"{s.name}: {path} differs from the course's"

    # alice: the chapter she edited and the course changed is merged. Her answers stay,
    # the course's change to her answer cell is dropped (her lines win), and the course's
    # change elsewhere in the chapter arrives. Chapter 03, which she deleted, is back.
    merged = cell_sources(a_clone / "notebooks" / CHAPTER)
    assert ALICE_SLOPE in merged and ALICE_DERIVATIVE in merged
    assert not any(revised["01 answer cell"] in c for c in merged)
    assert revised["01 title"] in merged[0]
    assert (a_clone / "notebooks" / "03_the_neuron.ipynb").exists()
    assert "checkout origin/main -- notebooks/03_the_neuron.ipynb" in alice.transcripts[-1]

    # bob: his copy in my-work/ is byte for byte what he saved; the chapter he had only run
    # is the course's new version; his own CHEATSHEET.md is renamed, not overwritten.
    b_after = tree(b_clone)
    mine = f"my-work/{CHAPTER}"
    assert b_after[mine] == before["bob"][mine]
    assert BOB_ERROR in cell_sources(b_clone / mine)
    assert b_after[f"notebooks/{CHAPTER}"] == upstream[f"notebooks/{CHAPTER}"]
    kept = [p for p in b_after if re.fullmatch(r"CHEATSHEET__\d{14}\.md", p)]
    assert len(kept) == 1 and b_after[kept[0]] == BOB_NOTES.encode(), sorted(b_after)
    assert "to avoid conflict with upstream" in bob.transcripts[-1]
