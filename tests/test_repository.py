"""Checks of the repository itself: clean notebooks, pins, links, the README's promise."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

sys.path.insert(0, str(ROOT / "tools"))
import links  # noqa: E402


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no chapter"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them"
    assert "widgets" not in nb["metadata"], f"{path.name} carries saved widget state"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", (
        f"{path.name} lacks kernelspec python3: JupyterLab would ask learners to pick a kernel"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_file_name_is_numbered(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([\w.\-+]+)", line)
        assert m, f"{path.name}: '{line}' is not pinned with =="
        pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_are_pinned():
    assert _pins(ROOT / "requirements.txt")
    assert _pins(ROOT / "requirements-dev.txt")


def test_binder_requirements_equal_course_requirements():
    assert _pins(ROOT / "binder" / "requirements.txt") == _pins(ROOT / "requirements.txt")


def test_binder_files():
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.startswith("#!/bin/bash\n") and "\nset -e\n" in post
    assert "pip install --no-deps -e ." in post
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert "graphviz" in (ROOT / "binder" / "apt.txt").read_text().split()
    assert re.fullmatch(r"python-3\.1[1-9]\n?", (ROOT / "binder" / "runtime.txt").read_text())
    assert "-e" not in (ROOT / "binder" / "requirements.txt").read_text().split()


_MD_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HTML_LINK = re.compile(r"(?:href|src)=[\"']([^\"']+)[\"']")


def _relative_targets(text: str):
    for m in [*_MD_LINK.finditer(text), *_HTML_LINK.finditer(text)]:
        target = m.group(1)
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address, mailto: or an anchor in the same page
        yield target.split("#", 1)[0]


def _documents():
    yield ROOT / "README.md", (ROOT / "README.md").read_text(encoding="utf-8")
    extra = sorted((ROOT / "benchmarks").glob("*.md")) + sorted((ROOT / "docs").glob("*.md"))
    for md in sorted(ROOT.glob("*.md")) + extra:
        if md.name != "README.md" or md.parent != ROOT:
            yield md, md.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        yield path, text


def test_every_relative_link_points_at_a_file():
    broken = []
    checked = 0
    for path, text in _documents():
        for target in _relative_targets(text):
            checked += 1
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert checked >= 3, "found almost no links: is the link pattern broken?"
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_launch_links_and_chapter_tables_are_generated_from_course_toml():
    problems = links.update(ROOT, write=False)
    assert not problems, "run `python tools/links.py --write`:\n" + "\n".join(problems)


def test_every_notebook_is_in_course_toml():
    listed = {ch["file"] for ch in links.load_course()["chapter"]}
    unlisted = [p.name for p in NOTEBOOKS if p.name not in listed]
    assert not unlisted, f"add these chapters to course.toml: {unlisted}"


def test_launch_link_opens_the_chapter():
    course = links.load_course()
    url = links.binder_url(course, "02_derivatives.ipynb")
    assert url == (
        f"https://mybinder.org/v2/gh/{course['repository']}/{course['branch']}"
        "?urlpath=lab/tree/notebooks/02_derivatives.ipynb"
    )


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_has_exactly_two_setup_commands():
    course, test = readme_commands()
    assert "requirements.txt" in course and "jupyter lab notebooks/00_start_here.ipynb" in course
    assert "requirements-dev.txt" in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "README.md" in ci, ".ci/run must take its test command from the README"
    # The extraction in .ci/run must find the same line the README shows.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^# 2\. .*\n(.*)$", readme, re.M)
    assert m and m.group(1) == readme_commands()[1]


def test_version_is_exposed():
    import nnlib

    assert re.fullmatch(r"\d+\.\d+\.\d+", nnlib.__version__)
