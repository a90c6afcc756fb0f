"""What repo2docker would do with binder/, without Docker.

repo2docker (Binder, JupyterHub) installs binder/requirements.txt on top of its
own base environment, which already holds notebook and jupyterlab of its own
versions (REPO2DOCKER_BASE), runs binder/postBuild from the repository root, and
starts JupyterLab. This test does the same in a fresh virtual environment built
from the class release of the course: base versions first, then our
pins on top, `pip check` clean; then it runs every notebook with nbval and asks
the started JupyterLab whether the news pop-up is switched off.
"""

import json
import os
import socket
import subprocess
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What repo2docker's base environment holds before it reads binder/ (repo2docker 2025.x).
REPO2DOCKER_BASE = ["notebook==7.4.7", "jupyterlab==4.4.9"]


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, (
        f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    )
    return r


@pytest.mark.slow
def test_binder_environment_runs_every_notebook(tmp_path):
    # Binder is tested on the class release (python -m nnlib.instructor release): the same
    # binder/ and notebooks as this repository, nnlib without its solutions, so a class's
    # Binder links are what is tested; the repository's own differs only by nnlib/solutions.
    from nnlib.release import write_release

    repo = tmp_path / "repo"
    write_release(repo)
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    _run([py, "-m", "pip", "install", "-q", *REPO2DOCKER_BASE])
    _run([py, "-m", "pip", "install", "-q", "-r", repo / "binder" / "requirements.txt"])
    _run([py, "-m", "pip", "check"])  # our pins agree with each other and with the base
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
    said = _run([py, "-c", "from nnlib.exercises import solution; print(solution('07.4'))"],
                cwd=tmp_path).stdout  # fmt: skip
    assert "not part of this copy" in said
    for pin in [line for line in (repo / "binder" / "requirements.txt").read_text().split()]:
        if pin.startswith(("jupyterlab==", "notebook==")):  # ours won over the base's
            name, version = pin.split("==")
            got = _run([py, "-c", f"import {name}; print({name}.__version__)"]).stdout.strip()
            assert got == version, f"{name} {got} in the Binder environment, pinned {version}"
    assert _news_setting(bindir, repo, env, tmp_path) == "false"


def _news_setting(bindir: Path, repo: Path, env: dict, tmp_path: Path) -> str:
    """Start JupyterLab as Binder would and read the default of its "fetch news" setting."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        bindir / "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    home = dict(
        env,
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
    )
    home.pop("JUPYTER_CONFIG_PATH", None)
    proc = subprocess.Popen(
        cmd, cwd=repo, env=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:notification"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    return json.load(r)["schema"]["properties"]["fetchNews"]["default"]
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
