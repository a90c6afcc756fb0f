"""The class release: the whole course without a solution or a hidden case in any file,
and still a course that installs, runs and checks.

The release is run by an interpreter that sees this environment's packages but not
the repository (a small virtual environment whose only link to this one is a .pth
file naming its site-packages: the editable install of nnlib, which would find the
repository's nnlib/solutions, is not processed there).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from nnlib.chapters import CHAPTERS
from nnlib.exercises import NO_SOLUTIONS, chapter_exercises
from nnlib.release import NO_HINTS, drop_solution_prompts, strip_hints, write_release

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = [ex for chapter in CHAPTERS for ex in chapter_exercises(chapter)]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "class"
    write_release(out)
    return out


@pytest.fixture(scope="module")
def python(tmp_path_factory) -> Path:
    """An interpreter with this environment's packages and without the editable nnlib."""
    env = tmp_path_factory.mktemp("env")
    venv.create(env, with_pip=False)
    site = Path(sysconfig.get_paths()["purelib"])
    (next(env.glob("lib/python3*/site-packages")) / "course-deps.pth").write_text(f"{site}\n")
    return env / "bin" / "python"


def _run(python: Path, code: str, cwd: Path, **env) -> str:
    done = subprocess.run(
        [str(python), "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(cwd), **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _solution_lines(text: str, placeholder: str) -> list[str]:
    """The lines of a solution that say something the placeholder does not."""
    given = {line.strip() for line in placeholder.splitlines()}
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= 12 and line not in given and not line.startswith(("#", '"""')):
            lines.append(line)
    return lines


def test_the_release_holds_no_solution_and_no_hidden_case(release):
    assert not (release / "nnlib" / "solutions").exists()
    texts = {
        p: p.read_text(encoding="utf-8", errors="replace")
        for p in release.rglob("*")
        if p.is_file() and p.suffix in (".py", ".ipynb", ".md", ".toml", ".txt", ".cfg", ".json")
    }
    assert len(texts) > 50
    texts.update({p: _text(p) for p in texts if p.suffix == ".ipynb"})
    checked = 0
    for ex in EXERCISES:
        for line in _solution_lines(ex.solution, ex.placeholder):
            if _also_in_public(line):
                continue
            checked += 1
            for path, text in texts.items():
                assert line not in text, f"{path.relative_to(release)} holds {ex.id}: {line}"
    assert checked > 100  # lines of our solutions looked for in every file
    for path, text in texts.items():
        assert not re.search(r"^HIDDEN\s*=", text, re.M), f"{path} holds hidden cases"


def _text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        return "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    return text


def _also_in_public(line: str, _cache: list = []) -> bool:  # noqa: B006 (a cache)
    """A line the course shows anyway, in a chapter's text, its public code or nnlib's
    library (a formula the chapter teaches may reappear in a solution): not a leak."""
    if not _cache:
        public = [
            *(ROOT / "nnlib").glob("*.py"),
            *(ROOT / "nnlib" / "chapters").glob("ch*.py"),
            *(ROOT / "notebooks").glob("*.ipynb"),
        ]
        _cache.append("\n".join(_text(p) for p in public))
    return line in _cache[0]


def test_in_the_release_solution_says_so_and_checks_still_work(release, python):
    out = _run(
        python,
        "import nnlib, nnlib.exercises as e\n"
        "print(nnlib.__file__)\n"
        "print(e.solution('07.4'))\n"
        "print(e.get('01.2').hidden)\n"
        "import numpy as np\n"
        "def derivative(f, x):\n"
        "    h = np.finfo(float).eps ** (1 / 3) * max(abs(x), 1.0)\n"
        "    return (f(x + h) - f(x - h)) / (2 * h)\n"
        "print(e.check('01.2', derivative).passed)\n"
        "print(e.check('01.2', ...).passed)\n",
        release,
    )
    first, said, hidden, passed, not_done = out.splitlines()[:5]
    assert first.startswith(str(release))
    assert said == NO_SOLUTIONS and hidden == "[]"
    assert (passed, not_done) == ("True", "None")


def test_no_hints_release_says_so_in_one_sentence(tmp_path, python):
    out = tmp_path / "class"
    write_release(out, hints=False)
    text = _run(python, "import nnlib.exercises as e\nprint(e.hint('05.1'))", out)
    assert NO_HINTS in text and "solution(" not in text


def test_release_notebooks_offer_no_solution_and_run(release, python):
    for notebook in (release / "notebooks").glob("*.ipynb"):
        assert "solution(" not in notebook.read_text(encoding="utf-8"), notebook.name
    done = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", "notebooks/01_limits.ipynb", "notebooks/03_the_neuron.ipynb"],
        cwd=release, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(release)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_release_has_no_tests_and_its_test_command_runs_the_chapters(release):
    assert not (release / "tests").exists()
    text = (release / "pyproject.toml").read_text(encoding="utf-8")
    assert 'testpaths = ["notebooks"]' in text and "fail_under = 0" in text
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert readme == (ROOT / "README.md").read_text(encoding="utf-8")  # the same commands


def test_release_builds_a_package_without_solutions(release, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(release)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    wheel = next(tmp_path.glob("nnlib-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "nnlib/chapters/ch07.py" in names
    assert not [n for n in names if n.startswith("nnlib/solutions")]


def test_strip_hints_keeps_the_code_valid():
    source = (ROOT / "nnlib" / "chapters" / "ch01.py").read_text(encoding="utf-8")
    stripped = strip_hints(source)
    compile(stripped, "ch01.py", "exec")
    assert stripped.count(NO_HINTS) == len(chapter_exercises("01"))


def test_solution_prompts_leave_the_rest_of_the_paragraph():
    text = (
        'Write each answer in its cell.\n`hint("05.1")` gives a hint (call it again), and\n'
        '`solution("05.1")` shows ours once you have tried. The checks run your code.\n\n'
        "- After the last hint, `solution(...)` shows ours.\n- **Done.** Next."
    )
    out = drop_solution_prompts(text)
    assert "solution(" not in out
    assert '`hint("05.1")` gives a hint (call it again).' in out and "The checks run" in out
    assert "- **Done.** Next." in out
