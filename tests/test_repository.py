"""Checks of the repository itself: clean notebooks, pins, links, the README's promise."""

import json
import re
import shutil
import subprocess
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


def _stated_minutes(nb: dict) -> int:
    """The time a chapter states in its opening cell ("about 45 minutes", "about 2 hours")."""
    text = "".join(nb["cells"][0]["source"])
    found = re.search(r"\*\*Time:\*\* about (\d+) (minutes|hours?)", text)
    assert found, "the opening cell states no time ('**Time:** about N minutes')"
    return int(found[1]) * (60 if found[2].startswith("hour") else 1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_time_agrees_with_course_toml(path):
    listed = {ch["file"]: ch["minutes"] for ch in links.load_course()["chapter"]}
    stated = _stated_minutes(json.loads(path.read_text(encoding="utf-8")))
    assert stated == listed[path.name], (
        f"{path.name} says about {stated} minutes; course.toml (and so the README) says "
        f"{listed[path.name]}"
    )


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


def test_readme_has_exactly_three_setup_commands():
    course, test, website = readme_commands()
    assert "requirements.txt" in course and "jupyter lab notebooks/00_start_here.ipynb" in course
    assert "site/requirements.txt" in website and "tools/build_site.py" in website
    # The course's Jupyter settings: serve the repository root, no news pop-up.
    assert "JUPYTER_CONFIG_PATH=jupyter-config " in course
    assert "requirements-dev.txt" in test and "pytest" in test and "--cov=nnlib" in test


def test_jupyter_config_serves_the_root_and_keeps_news_away():
    config = ROOT / "jupyter-config"
    server = json.loads((config / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["root_dir"] == "."
    overrides = json.loads((config / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert (
        "jupyter-config/labconfig/default_setting_overrides.json"
        in (ROOT / "binder" / "postBuild").read_text()
    )


# What JupyterLab writes for an ipykernel "python3" kernel (tools/nbmeta.py asks a kernel).
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_metadata_is_complete(path):
    """Incomplete metadata is rewritten by JupyterLab on opening: the chapter shows as
    modified, and autosave writes into the tracked file. (The browser test checks the
    effect; this checks the cause, fast.)"""
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    fix = "run `.venv/bin/python tools/nbmeta.py notebooks/`"
    assert meta.get("kernelspec") == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }, fix
    info = dict(meta.get("language_info", {}))
    version = info.pop("version", "")
    assert info == LANGUAGE_INFO, fix
    assert re.fullmatch(r"3\.\d+\.\d+", version), f"language_info.version {version!r}: {fix}"


def test_nbmeta_writes_what_the_kernel_reports(tmp_path):
    import nbmeta

    wanted = nbmeta.kernel_metadata()
    assert {k: v for k, v in wanted["language_info"].items() if k != "version"} == LANGUAGE_INFO
    nb = tmp_path / "00_x.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {"nnlib": {"chapter": "00"}},
                              "nbformat": 4, "nbformat_minor": 5}))  # fmt: skip
    assert nbmeta.main(["--check", str(tmp_path)]) == 1
    assert nbmeta.main([str(tmp_path)]) == 0
    meta = json.loads(nb.read_text())["metadata"]
    assert meta["nnlib"] == {"chapter": "00"} and meta["kernelspec"]["name"] == "python3"
    assert nbmeta.main(["--check", str(nb)]) == 0


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_updating_the_course_keeps_the_learners_work(tmp_path):
    """The README's "Updating the course", step by step, in a throw-away clone."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Updating the course", 1)[1]
    command = re.search(r"```bash\n(.*?)\n```", section, re.S).group(1).strip()
    assert command == "git checkout -- notebooks && git pull"
    upstream, learner = tmp_path / "upstream", tmp_path / "learner"
    (upstream / "notebooks").mkdir(parents=True)
    (upstream / "my-work").mkdir()
    shutil.copy(ROOT / "my-work" / ".gitignore", upstream / "my-work" / ".gitignore")
    (upstream / "notebooks" / "00_start.ipynb").write_text('{"v": 1}\n')
    ident = ["-c", "user.name=course", "-c", "user.email=course@example.org"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], [*ident, "commit", "-qm", "v1"]):
        assert _git(*args, cwd=upstream).returncode == 0
    assert _git("clone", "-q", str(upstream), str(learner), cwd=tmp_path).returncode == 0
    # The learner works in a copy, and JupyterLab also saved outputs into the original.
    (learner / "my-work" / "00_start.ipynb").write_text('{"v": 1, "answer": 42}\n')
    (learner / "notebooks" / "00_start.ipynb").write_text('{"v": 1, "outputs": "autosaved"}\n')
    # The course moves on: chapter 00 fixed, chapter 01 added.
    (upstream / "notebooks" / "00_start.ipynb").write_text('{"v": 2}\n')
    (upstream / "notebooks" / "01_next.ipynb").write_text('{"v": 1}\n')
    for args in (["add", "-A"], [*ident, "commit", "-qm", "v2"]):
        assert _git(*args, cwd=upstream).returncode == 0
    # A plain pull refuses (the learner's autosaved original is in the way) ...
    assert _git("pull", "-q", cwd=learner).returncode != 0
    # ... the README's command works:
    r = subprocess.run(["bash", "-c", command], cwd=learner, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (learner / "notebooks" / "00_start.ipynb").read_text() == '{"v": 2}\n'
    assert (learner / "notebooks" / "01_next.ipynb").exists()
    assert json.loads((learner / "my-work" / "00_start.ipynb").read_text())["answer"] == 42
    assert _git("status", "--porcelain", cwd=learner).stdout == ""  # my-work/ is ignored


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
