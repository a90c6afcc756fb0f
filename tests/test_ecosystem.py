"""The tools people already use on notebooks work on every chapter, as they type them.

- ``pytest --nbval-lax notebooks/`` (nbval's own instructions), with no extra options:
  the project's pytest settings must not break it (no coverage, no warning traps on it);
- ``jupyter nbconvert --to html --execute`` runs a chapter, and the HTML it writes has
  alt text on every image (nbconvert warns "Alternative text is missing" otherwise);
- papermill, which many CI set-ups use to run notebooks.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    env = dict(os.environ, MPLBACKEND="Agg", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, **kw)


def test_nbval_as_its_users_type_it(tmp_path):
    r = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "notebooks/",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "error" not in r.stdout.splitlines()[-1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbconvert_executes_and_every_image_has_alt_text(path, tmp_path):
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute"]
    cmd += ["--ExecutePreprocessor.kernel_name=python3", "--output-dir", str(tmp_path), str(path)]
    r = _run(cmd, cwd=path.parent)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "Alternative text is missing" not in r.stderr, r.stderr[-2000:]
    html = (tmp_path / f"{path.stem}.html").read_text(encoding="utf-8")
    assert "No description has been provided for this image" not in html


@pytest.mark.skipif(shutil.which("papermill", path=str(BIN)) is None, reason="papermill missing")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_runs_the_chapter(path, tmp_path):
    out = tmp_path / path.name
    r = _run(
        [str(BIN / "papermill"), str(path), str(out), "-k", "python3", "--cwd", str(path.parent)],
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr[-4000:]
    assert out.exists()
