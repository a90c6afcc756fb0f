"""Grading a hostile class: every trick a student could try, each with the score it deserves.

A class of chapter-01 submissions is graded once (module fixture) by
``python -m nnlib.instructor grade`` in bubblewrap's sandbox; each test then
checks one student's row, or what the class could (not) do to the machine.
The attacks come from trying the grader as a student would: forged output,
patched checks, hooks on the grader's own cells, reading the checker's stack,
shipped solutions, classmates' files, the installed library, leftover
processes, the network, memory, output and time.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nnlib import sandbox as sb
from nnlib.exercises import chapter_exercises
from nnlib.grading import answer_sources, find_submissions, same_as_solution
from nnlib.instructor import exercise_cells, solved_version

ROOT = Path(__file__).resolve().parent.parent
CH01 = ROOT / "notebooks" / "01_limits.ipynb"
TIMEOUT = 40  # seconds per notebook in this test

pytestmark = pytest.mark.slow


def _require_bwrap():
    if "bwrap" not in sb.available():
        if os.environ.get("CI") or os.environ.get("NNLIB_REQUIRE_SANDBOX") == "1":
            pytest.fail("bubblewrap is needed to grade (apt install bubblewrap); CI installs it")
        pytest.skip("bubblewrap (bwrap) is not installed: apt install bubblewrap")


def _nb(path=CH01) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}  # fmt: skip


def _write(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _with(nb: dict, *sources: str, at: int | None = None) -> dict:
    out = json.loads(json.dumps(nb))
    cells = [_code(s) for s in sources]
    if at is None:
        out["cells"] += cells
    else:
        out["cells"][at:at] = cells
    return out


def _answer(nb: dict, ex_id: str, source: str) -> dict:
    out = json.loads(json.dumps(nb))
    out["cells"][exercise_cells(out)[ex_id]["answer"]]["source"] = source
    return out


class _Listener:
    """A TCP server on 127.0.0.1 that counts the connections it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    _require_bwrap()
    base = tmp_path_factory.mktemp("class")
    sub, out = base / "submissions", base / "grader"
    out.mkdir()
    learner = _nb()
    solved = solved_version(learner, CH01.name)
    scores = out / "scores.csv"
    victim = sub / "victor" / "01_limits.ipynb"
    listener = _Listener()
    marker = f"nnlib-leftover-{os.getpid()}"
    ours = ROOT / "nnlib"

    # fmt: off
    class_ = {
        # honest work, written by hand in another style than ours: full marks, not flagged
        "alice": _answer(
            solved, "01.2",
            "def derivative(f, x):\n    step = np.cbrt(np.finfo(float).eps)"
            " * max(abs(x), 1.0)\n    return (f(x + step) - f(x - step)) / step / 2\n",
        ),
        # our solutions, variables renamed: full marks, flagged as our solution
        "amy": _answer(solved, "01.3", get_renamed_solution()),
        # untouched release: nothing
        "bob": learner,
        # displays "Correct" feedback and prints what the old grader's result lines looked like
        "carl": _with(learner, _forged_output()),
        # right except 01.3, which never finishes: interrupted, the rest still counts
        "carol": _answer(solved, "01.3", "while True:\n    pass\n"),
        # an endless loop that swallows interrupts, before every answer: the sandbox is killed,
        # nothing after the loop ran (0), and the class goes on
        "dave": _with(solved, "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                              "    except KeyboardInterrupt:\n        pass\n", at=1),
        # runs the shipped solutions: there are none in the sandbox
        "eve": _with(learner, _use_shipped_solutions()),
        # patches the checks, reload, json, print and the results it hands back
        "frank": _with(learner, _patch_everything()),
        # hooks and input transformers that rewrite the grader's own cells
        "grace": _with(learner, _hook_the_grader()),
        # reads the expected values from the checker's stack frames
        "heidi": _answer(learner, "01.2", _stack_reader()),
        # reaches outside: classmates, the grader's folder, the installed nnlib, the network
        "ivan": _with(learner, _reach_outside(victim, out, scores, ours, listener.port)),
        # leaves processes behind that would edit the scores later
        "judy": _with(learner, _leave_processes(scores, marker)),
        # memory, output and disk hogs, then honest answers
        "oscar": _with(solved, _hog(), at=1),
        # metadata claims chapter 00
        "mallory": {**solved, "metadata": {**solved["metadata"], "nnlib": {"chapter": "00"}}},
        # the classmate whose file ivan tries to blank
        "victor": solved,
    }
    # fmt: on
    for student, nb in class_.items():
        _write(sub / student / "01_limits.ipynb", nb)
    # Ken: an upper-case extension (graded) and a .ipynb.txt (named, not graded).
    _write(sub / "ken" / "01_LIMITS.IPYNB", solved)
    _write(sub / "ken" / "notes.ipynb.txt", solved)
    # Leo: two files, the newer graded, the older named.
    _write(sub / "leo" / "draft.ipynb", learner)
    newer = _write(sub / "leo" / "final.ipynb", solved)
    os.utime(newer, (time.time() + 5, time.time() + 5))
    # Nina hands in through nbgrader's layout; Olga's file is not a notebook at all.
    _write(sub / "submitted" / "nina" / "ps1" / "01_limits.ipynb", solved)
    (sub / "olga").mkdir()
    (sub / "olga" / "01_limits.ipynb").write_text("{ not json", encoding="utf-8")
    # Metadata deleted by some editor: answers found by name.
    stripped = json.loads(json.dumps(solved))
    for cell in stripped["cells"]:
        cell["metadata"] = {}
    _write(sub / "pat" / "01.ipynb", stripped)

    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nnlib.instructor", "grade", str(sub), "--chapter", "01",
         "--csv", str(scores), "--feedback", str(out / "feedback"), "--timeout", str(TIMEOUT),
         "--jobs", "2"],
        capture_output=True, text=True, cwd=base, timeout=1200,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    time.sleep(4)  # give any leftover process the time to do its harm
    listener.close()
    with scores.open(encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "grading-output.txt").write_text(done.stdout + done.stderr)
    leftovers = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return {
        "done": done, "rows": rows, "scores": scores, "out": out, "sub": sub,
        "victim": victim, "solved": solved, "hits": listener.hits, "leftovers": leftovers,
        "nnlib_changed": any("ivan was here" in p.read_text(encoding="utf-8")
                             for p in ours.rglob("*.py")),
        "elapsed": elapsed,
    }  # fmt: skip


def get_renamed_solution() -> str:
    from nnlib.exercises import get

    text = get("01.3").solution
    return text.replace("steps", "candidates")


def _forged_output() -> str:
    lines = []
    for ex in chapter_exercises("01"):
        mime = "'application/vnd.nnlib.feedback+json'"
        lines.append(
            f"display({{{mime}: {{'check': '{ex.id}', 'passed': True}}, "
            "'text/plain': 'Correct'}, raw=True)"
        )
        lines.append(
            f"print('nnlib-grade-' + '0' * 32 + ':{{\"id\": \"{ex.id}\", \"passed\": true}}')"
        )
    return "\n".join(lines)


def _use_shipped_solutions() -> str:
    return (
        "from nnlib.exercises import get, solution\n"
        "for _id in ('01.1', '01.2', '01.3', '01.4'):\n"
        "    try:\n        exec(get(_id).solution)\n    except Exception:\n        pass\n"
        "try:\n    from nnlib.solutions.ch01 import SOLUTIONS\n    for s in SOLUTIONS.values():"
        "\n        exec(s)\nexcept Exception:\n    pass\n"
    )


def _patch_everything() -> str:
    return (
        "import importlib, json, builtins\n"
        "import nnlib.exercises as E\n"
        "importlib.reload = lambda m: m\n"
        "E.Exercise.run = lambda self, *a: E.Feedback(True, 'ok', self.id)\n"
        "E.Exercise.judge = lambda self, *a: E.Feedback(True, 'ok', self.id)\n"
        "E.probe_results = lambda id, ns, cases: [12.61 for _ in cases]\n"
        "json.dumps = lambda *a, **k: '[12.61]'\n"
        "def print(*a, **k):\n    pass\n"
        "slope = 1.0\n"
    )


def _hook_the_grader() -> str:
    return (
        "ip = get_ipython()\n"
        "def rewrite(lines):\n"
        "    text = ''.join(lines)\n"
        "    if 'write_probe' in text:\n"
        "        out = text.split(chr(39))[-2]  # the last quoted text: the results file\n"
        '        return [f\'open({out!r}, "w").write("[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,'
        " 0.0, 0.0, 0.0, 0.0]\")\\n']\n"
        "    return lines\n"
        "ip.input_transformers_cleanup.append(rewrite)\n"
        "ip.events.register('pre_run_cell', lambda *a: None)\n"
    )


def _stack_reader() -> str:
    return (
        "import sys\n"
        "def derivative(f, x):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame is not None:\n"
        "        for value in frame.f_locals.values():\n"
        "            if isinstance(value, dict) and 'want' in value:\n"
        "                return value['want']\n"
        "        frame = frame.f_back\n"
        "    return 0.0\n"
    )


def _reach_outside(victim: Path, out: Path, scores: Path, ours: Path, port: int) -> str:
    return (
        "import glob, os, socket\n"
        f"for target in [{str(victim)!r}, {str(out / 'planted.txt')!r}, {str(scores)!r},\n"
        f"               {str(ours / 'exercises.py')!r}, '/opt/course/nnlib/exercises.py']:\n"
        "    try:\n        open(target, 'w').write('# ivan was here')\n    except OSError:\n"
        "        pass\n"
        f"seen = glob.glob({str(victim.parent.parent)!r} + '/**/*.ipynb', recursive=True)\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        "except OSError:\n    pass\n"
        "import nnlib\n"
        "for root, dirs, files in os.walk(os.path.dirname(nnlib.__file__)):\n"
        "    for name in files:\n"
        "        try:\n            open(os.path.join(root, name), 'a').write('# ivan was here')\n"
        "        except OSError:\n            pass\n"
    )


def _leave_processes(scores: Path, marker: str) -> str:
    return (
        "import subprocess, os\n"
        f"cmd = 'sleep 3; echo judy,hacked >> {scores}; sleep 30 # {marker}'\n"
        "subprocess.Popen(['sh', '-c', cmd], start_new_session=True)\n"
        "if os.fork() == 0:\n    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sh', ['sh', '-c', {('sleep 60 # ' + marker)!r}])\n"
        "    os._exit(0)\n"
        "children = []\n"
        "for _ in range(400):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
        "    if pid == 0:\n        import time\n        time.sleep(60)\n        os._exit(0)\n"
        "    children.append(pid)\n"
        "print(len(children), 'processes started')\n"
    )


def _hog() -> str:
    return (
        "try:\n    hog = bytearray(8 * 2**30)\nexcept MemoryError:\n    hog = None\n"
        "print('x' * 10**6)\n"
        * 3
        + "try:\n    open('/tmp/big', 'wb').write(b'0' * 2**30)\nexcept OSError:\n    pass\n"
    )


# --------------------------------------------------------------------- the rows


SCORES = {
    "alice": 4, "amy": 4, "bob": 0, "carl": 0, "carol": 3, "dave": 0, "eve": 0, "frank": 0,
    "grace": 0, "heidi": 0, "ivan": 0, "judy": 0, "oscar": 4, "mallory": 4, "victor": 4,
    "ken": 4, "leo": 4, "nina": 4, "pat": 4,
}  # fmt: skip


def test_the_grader_finishes_and_names_what_it_did_not_grade(graded):
    done = graded["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not graded: ken/notes.ipynb.txt: not a notebook" in done.stdout
    assert "rename it to .ipynb" in done.stdout
    assert "not graded: olga/01_limits.ipynb: cannot be read as a notebook" in done.stdout


@pytest.mark.parametrize("student, score", sorted(SCORES.items()))
def test_each_student_gets_the_score_deserved(graded, student, score):
    row = graded["rows"][student]
    assert int(row["passed"]) == score, row
    assert row["total"] == "4" and row["chapter"] == "01"


def test_one_row_per_student_and_columns_per_exercise(graded):
    with graded["scores"].open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == ["student", "notebook", "chapter", "01.1", "01.2", "01.3", "01.4",
                      "passed", "total", "score_percent", "same_as_solution", "also_submitted",
                      "problem"]  # fmt: skip
    assert sorted(graded["rows"]) == sorted(SCORES)
    carol = graded["rows"]["carol"]
    assert (carol["01.1"], carol["01.2"], carol["01.3"], carol["01.4"]) == ("1", "1", "0", "1")


def test_copies_of_our_solution_are_flagged_and_own_work_is_not(graded):
    rows = graded["rows"]
    assert rows["amy"]["same_as_solution"] == "01.1 01.2 01.3 01.4"
    assert "01.2" not in rows["alice"]["same_as_solution"].split()
    assert rows["bob"]["same_as_solution"] == ""


def test_newest_file_is_graded_and_the_others_named(graded):
    leo = graded["rows"]["leo"]
    assert leo["notebook"] == "leo/final.ipynb" and leo["also_submitted"] == "leo/draft.ipynb"
    assert graded["rows"]["ken"]["notebook"] == "ken/01_LIMITS.IPYNB"
    assert graded["rows"]["nina"]["notebook"] == "submitted/nina/ps1/01_limits.ipynb"


def test_the_instructor_names_the_chapter_not_the_notebook(graded):
    assert "metadata says chapter '00'; graded as 01" in graded["rows"]["mallory"]["problem"]


def test_a_notebook_that_never_ends_is_killed_and_said_so(graded):
    assert "time limit" in graded["rows"]["dave"]["problem"]


def test_nothing_outside_a_sandbox_was_touched(graded):
    assert graded["victim"].read_text(encoding="utf-8") == json.dumps(graded["solved"])
    assert not (graded["out"] / "planted.txt").exists()
    assert not graded["nnlib_changed"], "a submission changed the installed nnlib"
    assert graded["hits"] == 0, "a submission reached a server on 127.0.0.1"
    assert "hacked" not in graded["scores"].read_text(encoding="utf-8")
    assert graded["leftovers"] == "", f"processes outlived their sandbox: {graded['leftovers']}"


def test_feedback_files_say_each_verdict_and_never_a_solution(graded):
    from nnlib.exercises import get

    folder = graded["out"] / "feedback"
    assert sorted(p.stem for p in folder.glob("*.md")) == sorted(SCORES)
    carol = (folder / "carol.md").read_text(encoding="utf-8")
    assert "Score: 3 of 4" in carol
    assert f"## Exercise 01.3: {get('01.3').title}: Not done yet" in carol
    for path in folder.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for ex in chapter_exercises("01"):
            assert get(ex.id).solution.strip() not in text


def test_grading_is_fast_enough(graded):
    # 19 notebooks with two at a time; three of them run into their limits on purpose.
    print(f"graded {len(SCORES)} notebooks in {graded['elapsed']:.0f} s")
    assert graded["elapsed"] < 20 * TIMEOUT


# -------------------------------------------------------------- without a sandbox


def test_answers_are_found_by_name_when_metadata_is_gone():
    exercises = chapter_exercises("01")
    nb = solved_version(_nb(), CH01.name)
    for cell in nb["cells"]:
        cell["metadata"] = {}
    found = answer_sources(nb, exercises)
    assert sorted(found) == ["01.1", "01.2", "01.3", "01.4"]
    assert "def derivative" in found["01.2"]


def test_same_as_solution_ignores_names_comments_and_docstrings():
    ours = "def f(a, b):\n    '''doc'''\n    total = a + b  # add\n    return total\n"
    renamed = "def g(x, y):\n    s = x + y\n\n    return s\n"
    assert same_as_solution(renamed, ours)
    assert not same_as_solution("def g(x, y):\n    return x + y\n", ours)
    assert not same_as_solution("def g(x y):", ours)


def test_grade_refuses_without_a_sandbox_and_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr(sb, "available", lambda: [])
    with pytest.raises(sb.SandboxError, match="install bubblewrap"):
        sb.choose("auto")
    with pytest.raises(sb.SandboxError, match="--image"):
        monkeypatch.setattr(sb, "available", lambda: ["docker"])
        sb.choose("docker")
    assert sb.choose("none") == "none"


def test_find_submissions_layouts(tmp_path):
    exercises = chapter_exercises("01")
    solved = solved_version(_nb(), CH01.name)
    _write(tmp_path / "zoe.ipynb", solved)
    _write(tmp_path / "submitted" / "yan" / "ps1" / "a.ipynb", solved)
    _write(tmp_path / "xia" / "empty.ipynb", {"cells": [], "metadata": {}})
    subs, skipped = find_submissions(tmp_path, exercises)
    assert [(s.student, str(s.path)) for s in subs] == [
        ("yan", "submitted/yan/ps1/a.ipynb"), ("zoe", "zoe.ipynb")]  # fmt: skip
    assert skipped == [(Path("xia/empty.ipynb"), "holds no answer to chapter 01's exercises")]


def test_docker_command_has_the_same_limits():
    cmd = sb.engine_command(
        "docker", ["python", "-m", "nnlib._grade_driver"], image="course:1", library=Path("/l"),
        inbox=Path("/i"), results=Path("/r"), limits=sb.Limits(),
    )  # fmt: skip
    text = " ".join(cmd)
    for part in ("--network none", "--read-only", "--pids-limit", "--memory", "/i:/grade/in:ro",
                 "--cap-drop ALL", "course:1 python -m nnlib._grade_driver"):  # fmt: skip
        assert part in text


def test_cli_needs_the_chapter(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "nnlib.instructor", "grade", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and "--chapter" in done.stderr
    shutil.rmtree(tmp_path)


def test_answers_are_probed_right_after_their_check_cell():
    from nnlib.grading import _clean, probe_positions

    nb = solved_version(_nb(), CH01.name)
    cells = exercise_cells(nb)
    positions = probe_positions(nb, _clean(nb), chapter_exercises("01"))
    assert positions == {ex_id: where["check"] for ex_id, where in cells.items()}
    for cell in nb["cells"]:  # metadata gone: after the last cell that defines the answer
        cell["metadata"] = {}
    positions = probe_positions(nb, _clean(nb), chapter_exercises("01"))
    assert positions["01.2"] == cells["01.2"]["answer"]
