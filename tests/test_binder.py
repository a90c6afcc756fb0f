"""What repo2docker would do with binder/, without Docker.

repo2docker (Binder, JupyterHub) installs binder/requirements.txt into a fresh
environment, runs binder/postBuild from the repository root, and starts
JupyterLab. This test does the same in a fresh virtual environment built from a
copy of the repository's tracked files, then runs every notebook with nbval.
"""

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    )
    return r


def _copy_repository(dest: Path) -> None:
    files = _run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


@pytest.mark.slow
def test_binder_environment_runs_every_notebook(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the repository's files")
    repo = tmp_path / "repo"
    repo.mkdir()
    _copy_repository(repo)
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    _run([py, "-m", "pip", "install", "-q", "-r", repo / "binder" / "requirements.txt"])
    env = dict(
        os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(env_dir)
    )
    _run(["bash", repo / "binder" / "postBuild"], cwd=repo, env=env)
    # The test harness itself (not part of the Binder image): pytest and nbval at our pins.
    dev = [
        line
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if line.startswith(("pytest==", "nbval=="))
    ]
    _run([py, "-m", "pip", "install", "-q", *dev])
    r = _run(
        [
            py,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval-lax",
            "--nbval-current-env",
            "notebooks",
        ],
        cwd=repo,
        env=dict(env, MPLBACKEND="Agg"),
    )
    assert " passed" in r.stdout and " failed" not in r.stdout
    # nnlib comes from the repository copy, installed by postBuild.
    where = _run([py, "-c", "import nnlib; print(nnlib.__file__)"], cwd=tmp_path).stdout
    assert str(repo) in where
