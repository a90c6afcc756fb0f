"""A real JupyterLab in headless Chromium, for the browser tests.

The server runs from this test environment on a free loopback port, with no
token, over a throw-away copy of notebooks/ and throw-away settings, runtime
and workspace folders, so that neither a learner's own Jupyter set-up nor the
repository's files are touched. It is stopped at the end, also on failure.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's Python
package; `playwright install` is never used. Without Chromium the tests skip,
unless NNLIB_REQUIRE_BROWSER=1 (as in CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LATENCIES: list[tuple[str, str, list[float]]] = []  # (chapter, widget, seconds per key press)
#: (chapter, widget, px from the top of its first slider to the bottom of its lowest picture)
LAYOUT: list[tuple[str, str, float]] = []


def pytest_terminal_summary(terminalreporter):
    """Print axe-core's serious and critical findings per chapter, if the browser tests ran."""
    from tests.browser.test_chapters import AXE_REPORT

    if not AXE_REPORT:
        return
    tr = terminalreporter
    tr.section("accessibility (axe-core): serious and critical violations")
    tr.write_line(f"{'chapter':<26} {'where':<16} {'rule':<32} {'nodes':>5}")
    for chapter, where, rule, nodes in AXE_REPORT:
        tr.write_line(f"{chapter:<26} {where:<16} {rule:<32} {nodes:>5}")
    tr.write_line("(failures count only inside the course's outputs; details in test-artifacts)")


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        reason = "Chromium is not installed (apt install chromium); browser tests need it"
        if os.environ.get("NNLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and NNLIB_REQUIRE_BROWSER=1 makes them mandatory")
        pytest.skip(reason)
    try:
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("NNLIB_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed (requirements-dev.txt)")
        pytest.skip("playwright is not installed (requirements-dev.txt)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings: Path) -> None:
    files = {
        # (No news pop-up: the repository's jupyter-config/ says so, as it does for learners.)
        # Keep every cell in the page, so that counting widgets counts them all.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, content in files.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory, chromium_path):
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "course"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    settings = base / "settings"
    _write_settings(settings)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        # The course's own Jupyter settings, as the README's command passes them.
        JUPYTER_CONFIG_PATH=str(ROOT / "jupyter-config"),
        MPLBACKEND="Agg",
    )
    port = _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "server.log", "w")  # closed in the finally below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not start; see {base / 'server.log'}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path, playwright_session):
    b = playwright_session.chromium.launch(
        executable_path=chromium_path,
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    )  # fmt: skip
    try:
        yield b
    finally:
        b.close()
