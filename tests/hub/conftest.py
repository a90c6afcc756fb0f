"""A real JupyterHub on 127.0.0.1, for the tests of a class that gets the course by nbgitpuller.

What runs, all on loopback and all stopped at the end (also on failure):

- a git server (`git daemon`) serving a local copy of the course as
  ``git://127.0.0.1:PORT/how-neural-networks-learn``: the stand-in for
  GitHub, whose last path component names the folder nbgitpuller clones into,
  as GitHub's address does;
- JupyterHub with its own configurable-http-proxy, installed from the npm
  registry with `npm ci` from this folder's package-lock.json into a cache
  folder (``~/.cache/nnlib-hub``, or ``$NNLIB_HUB_CACHE``) the first time;
- one hub for all the tests (each has students of its own), with
  a shared-password authenticator (any user name, one password) and
  SimpleLocalProcessSpawner: each student's server is a process of this
  machine with its home in a throw-away folder;
- as each student's single-user server, this test environment itself
  (``jupyterhub-singleuser`` from the course's virtual environment: the
  packages of requirements.txt, nnlib and nbgitpuller), with the course's
  JupyterLab settings where binder/postBuild puts them for an image.

Chromium is Debian's, driven by Playwright, as in tests/browser. Without node,
npm or Chromium the tests skip on a laptop; with NNLIB_REQUIRE_HUB=1 or CI set
(as in .ci/run) they fail instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import links  # noqa: E402  (tools/links.py: the docs' link builder)

HERE = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts" / "hub"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "learn-backprop"  # the shared password every test student logs in with
COURSE = "how-neural-networks-learn"  # the clone folder: the repository's name, as on GitHub
GIT = {"GIT_AUTHOR_NAME": "Course", "GIT_AUTHOR_EMAIL": "course@example.invalid"}
GIT |= {"GIT_COMMITTER_NAME": "Course", "GIT_COMMITTER_EMAIL": "course@example.invalid"}


def required() -> bool:
    return os.environ.get("NNLIB_REQUIRE_HUB") == "1" or os.environ.get("CI", "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    if required():
        pytest.fail(f"{reason}; NNLIB_REQUIRE_HUB=1 or CI makes the JupyterHub tests mandatory")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(*args: str, cwd: Path) -> str:
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=dict(os.environ, **GIT), check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


def wait_for(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return  # 200: the hub itself answers (the proxy alone says 404 at first)
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not start; its log ({log}) ends:\n{tail}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the proxy and the browser -------------------------------------------------------------


@pytest.fixture(scope="session")
def proxy_command() -> str:
    """configurable-http-proxy, as pinned in package-lock.json, installed once into a cache."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        skip_or_fail("node and npm are not installed (apt install nodejs npm); the hub needs them")
    lock = (HERE / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("NNLIB_HUB_CACHE", Path.home() / ".cache" / "nnlib-hub"))
    prefix = cache / hashlib.sha256(lock).hexdigest()[:12]
    exe = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not exe.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, prefix / name)
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=prefix, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode != 0 or not exe.exists():
            skip_or_fail(f"`npm ci` of configurable-http-proxy failed:\n{done.stderr[-2000:]}")
    return str(exe)


@pytest.fixture(scope="package")
def browser(request):
    path = next(
        (p for p in map(shutil.which, ("/usr/bin/chromium", "chromium", "chromium-browser")) if p),
        None,
    )
    if path is None:
        skip_or_fail("Chromium is not installed (apt install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        skip_or_fail("playwright is not installed (requirements-dev.txt)")
    # the run's one Playwright (tests/conftest.py), shared with the browser tests
    p = request.getfixturevalue("playwright_session")
    b = p.chromium.launch(
        executable_path=path,
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


def docs_link(repo_url: str, notebook: str, root: Path = ROOT) -> str:
    """Chapter ``notebook``'s nbgitpuller path as ``root``/docs/instructors.md prints it, with
    its ``repo=`` pointing at ``repo_url`` (a local git server) instead of GitHub: the one
    difference, checked here. Both are built by tools/links.py's ``nbgitpuller_path``."""
    course = links.load_course(root)
    guide = (root / "docs" / "instructors.md").read_text(encoding="utf-8")
    printed = re.findall(rf"`(/hub/user-redirect/git-pull\?[^`]*{re.escape(notebook)})`", guide)
    assert printed == [links.nbgitpuller_url(course, notebook, hub="")], printed
    github = quote(links.repository_url(course), safe="")
    ours = links.nbgitpuller_path(repo_url, course["branch"], f"notebooks/{notebook}")
    assert ours == printed[0].replace(f"repo={github}&", f"repo={quote(repo_url, safe='')}&")
    return ours


# -- the course's git server ---------------------------------------------------------------


class GitServer:
    """`git daemon` on 127.0.0.1 serving every repository in one folder, read-only."""

    def __init__(self, base: Path):
        self.base = base
        self.port = free_port()
        base.mkdir(parents=True, exist_ok=True)
        self.log = base.parent / "git-daemon.log"
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(
            [
                "git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                f"--port={self.port}", f"--base-path={base}", str(base),
            ],
            stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def wait(self, name: str) -> None:
        deadline = time.monotonic() + 30
        while subprocess.run(["git", "ls-remote", self.url(name)], capture_output=True).returncode:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"git daemon does not serve {name}; see {self.log}")
            time.sleep(0.2)

    def close(self) -> None:
        stop(self.proc)
        self._log.close()


@pytest.fixture(scope="module")
def git_server(tmp_path_factory):
    server = GitServer(tmp_path_factory.mktemp("git") / "repos")
    try:
        yield server
    finally:
        server.close()


def course_files(root: Path = ROOT) -> list[str]:
    """The files a commit of this working tree would hold: tracked, and new ones not ignored."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=root)
    return sorted(f for f in set(listed.split("\0")) if f and (root / f).is_file())


def make_repository(
    server: GitServer, source: Path, files: list[str] | None = None, name: str = COURSE
) -> Path:
    """Commit ``files`` of ``source`` (default: all) as repository ``name``, branch main."""
    repo = server.base / name
    if files is None:
        files = [str(p.relative_to(source)) for p in source.rglob("*") if p.is_file()]
    for file in files:
        (repo / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / file, repo / file)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "The course", cwd=repo)
    server.wait(name)
    return repo


def class_image(base: Path, release: Path) -> tuple[list[str], dict[str, str]]:
    """A single-user environment as an image built from the class release would be: this
    environment's packages, and nnlib from ``release`` (no solutions).

    A virtual environment whose one .pth file names this environment's site-packages
    and the release: the editable install of the course's nnlib (whose import hook
    would find the repository's nnlib/solutions) is not processed there, as in
    tests/test_release.py. Jupyter's data, settings and JupyterLab's assets are
    this environment's. Returns the hub's ``Spawner.cmd`` and environment for it.
    """
    env = base / "class-image"
    venv.create(env, with_pip=False)
    site = Path(sysconfig.get_paths()["purelib"])
    (next(env.glob("lib/python3*/site-packages")) / "course.pth").write_text(
        f"{site}\n{release}\n"
    )
    prefix = Path(sys.prefix)
    return [str(env / "bin" / "python"), "-m", "jupyterhub.singleuser"], {
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "JUPYTERLAB_DIR": str(prefix / "share" / "jupyter" / "lab"),
        "JUPYTER_CONFIG_PATH": f"{{image}}{os.pathsep}{prefix / 'etc' / 'jupyter'}",
    }


# -- JupyterHub ----------------------------------------------------------------------------

CONFIG = """\
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = "{base}/proxy.pid"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = "{password}"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/home/{{username}}"
c.Spawner.cmd = {cmd!r}
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
# Stop a server quickly at the end (interrupt, then terminate, then kill).
c.LocalProcessSpawner.interrupt_timeout = 2
c.LocalProcessSpawner.term_timeout = 2


def per_user(spawner):
    # A student listed in per-user.json gets that single-user command and environment.
    import json, pathlib

    listed = pathlib.Path("{base}/per-user.json")
    mine = json.loads(listed.read_text()).get(spawner.user.name) if listed.exists() else None
    if mine:
        spawner.cmd = mine["cmd"]
        spawner.environment = {{**spawner.environment, **mine["environment"]}}


c.Spawner.pre_spawn_hook = per_user
"""


class Hub:
    """A running JupyterHub: ``url``, ``home(user)``, and the hub's log."""

    def __init__(self, base: Path, proxy: str):
        self.base = base
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.image = base / "image-etc-jupyter"  # where binder/postBuild puts the settings
        (self.image / "labconfig").mkdir(parents=True)
        shutil.copy(
            ROOT / "jupyter-config" / "labconfig" / "default_setting_overrides.json",
            self.image / "labconfig",
        )
        env = {"JUPYTER_CONFIG_PATH": str(self.image)}
        cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
        args = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        config = base / "jupyterhub_config.py"
        config.write_text(
            CONFIG.format(
                port=self.port, hub_port=free_port(), proxy_api_port=free_port(), base=base,
                proxy=proxy, password=PASSWORD, cmd=cmd, args=args, environment=env,
            )
        )  # fmt: skip
        self.log = base / "jupyterhub.log"
        self._log = open(self.log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=base, stdout=self._log, stderr=subprocess.STDOUT,
            env=dict(os.environ, CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(16)),
        )  # fmt: skip
        wait_for(f"{self.url}/hub/api", self.proc, self.log, "JupyterHub", timeout=90)

    def single_user(self, user: str, cmd: list[str], environment: dict[str, str]) -> None:
        """Give ``user`` (before their server first starts) another single-user command and
        environment; ``{image}`` in JUPYTER_CONFIG_PATH stands for the course's settings."""
        listed = self.base / "per-user.json"
        settings = json.loads(listed.read_text()) if listed.exists() else {}
        env = dict(environment)
        if "JUPYTER_CONFIG_PATH" in env:
            path = env["JUPYTER_CONFIG_PATH"]
            env["JUPYTER_CONFIG_PATH"] = path.replace("{image}", str(self.image))
        settings[user] = {"cmd": cmd, "environment": env}
        listed.write_text(json.dumps(settings))

    def home(self, user: str) -> Path:
        return self.base / "home" / user

    def close(self) -> None:
        stop(self.proc)
        self._log.close()


@pytest.fixture(scope="package")
def hub(tmp_path_factory, proxy_command):
    """One JupyterHub for every hub test (each test has students of its own), stopped
    when they are done, before the rest of the suite runs."""
    started = Hub(tmp_path_factory.mktemp("hub"), proxy_command)
    try:
        yield started
    finally:
        started.close()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(started.log, ARTIFACTS / "jupyterhub.log")
