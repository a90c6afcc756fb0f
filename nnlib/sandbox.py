"""Sandboxes for grading: each submission runs where it can harm nothing but itself.

The grader (``nnlib.grading``) runs one command per submission inside a
sandbox that has

- no network (its own network namespace, loopback only);
- its own process namespace: every process the notebook starts dies with it;
- a read-only view of the system, of this Python environment and of a
  *release* copy of nnlib (no solutions, no hidden cases);
- one writable folder for results, and a size-limited ``/tmp`` as its scratch
  space; nothing else of the machine's files (no other submission, not the
  grader's folder, not the course's repository);
- limits on wall time (the whole sandbox is killed, not only interrupted),
  memory (address space), processes, open files and file size.

``bwrap`` (bubblewrap, Linux: ``apt install bubblewrap``) is used where it is
installed; Docker or Podman, with an image holding this course's environment,
elsewhere. ``none`` runs the command directly, with the same limits where the
platform has them, and is for trusted submissions only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

KINDS = ("bwrap", "docker", "podman", "none")
#: The user a root grader runs submissions as (nobody); parallel ones get UIDS + slot.
NOBODY = 65534
UIDS = 62000


class SandboxError(Exception):
    """No sandbox can be had; the message says how to get one."""


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    seconds: float = 120.0  # wall time for the whole notebook and its checks
    memory: int = 3 * 2**30  # bytes of address space per process
    processes: int = 256  # processes and threads of the sandbox's user
    file_size: int = 64 * 2**20  # bytes per file written
    scratch: int = 256 * 2**20  # bytes of /tmp
    output: int = 64 * 2**10  # bytes of the sandbox's own output kept for the report


@dataclass
class Run:
    """What happened to one sandboxed command."""

    returncode: int | None
    seconds: float
    timed_out: bool
    output: str


def available() -> list[str]:
    """The sandbox kinds that work on this machine, best first."""
    kinds = []
    if sys.platform.startswith("linux") and shutil.which("bwrap") and _bwrap_works():
        kinds.append("bwrap")
    for engine in ("docker", "podman"):
        if shutil.which(engine) and _engine_works(engine):
            kinds.append(engine)
    return kinds


def _bwrap_works() -> bool:
    try:
        r = subprocess.run(
            ["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _engine_works(engine: str) -> bool:
    try:
        r = subprocess.run([engine, "info"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


HOW_TO_GET_ONE = (
    "no sandbox is available to run untrusted submissions. On Linux install bubblewrap "
    "(Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap); "
    "elsewhere install Docker or Podman and pass --image with an image of the course's "
    "environment (built by repo2docker from binder/). To grade trusted work without a "
    "sandbox, pass --sandbox none."
)


def choose(kind: str, image: str | None = None) -> str:
    """The sandbox kind to use for ``kind`` ("auto" or one of KINDS), or SandboxError."""
    if kind not in ("auto", *KINDS):
        raise SandboxError(f"--sandbox must be auto, {', '.join(KINDS)}; got {kind!r}")
    if kind == "none":
        return "none"
    found = available()
    if kind == "auto":
        if "bwrap" in found:
            return "bwrap"
        engines = [k for k in found if k in ("docker", "podman")]
        if engines and image:
            return engines[0]
        raise SandboxError(HOW_TO_GET_ONE)
    if kind not in found:
        raise SandboxError(f"--sandbox {kind}: {kind} is not installed or not working here. "
                           + HOW_TO_GET_ONE)  # fmt: skip
    if kind in ("docker", "podman") and not image:
        raise SandboxError(f"--sandbox {kind} needs --image (the course's environment)")
    return kind


# ------------------------------------------------------------------ bubblewrap


def _prefixes() -> list[Path]:
    """The folders this Python needs: its environment and the installation it comes from."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    paths.add(Path(sysconfig.get_paths()["stdlib"]).resolve().parent)
    return sorted(p for p in paths if not str(p).startswith("/usr/"))


def _dirs_to(path: Path) -> list[str]:
    """bwrap arguments that create every parent of ``path`` as a traversable folder."""
    args = []
    for parent in reversed(path.parents):
        if str(parent) in ("/", "/usr"):
            continue
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(
    command: list[str],
    *,
    library: Path,
    inbox: Path,
    results: Path,
    limits: Limits,
    uid: int = NOBODY,
) -> list[str]:
    """The bwrap command line that runs ``command`` in the grading sandbox.

    Inside: ``/grade/in`` (read-only: the notebook and the cases, without their
    expected values), ``/grade/results`` (writable), ``/opt/course`` (read-only:
    the release copy of nnlib, first on PYTHONPATH), ``/tmp`` (a size-limited
    scratch space, also HOME and the working folder).
    """
    args = ["bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        p = Path("/") / name
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), f"/{name}"]
        elif p.is_dir():
            args += ["--ro-bind", str(p), f"/{name}"]
    args += ["--ro-bind", "/etc", "/etc"]
    # The scratch space first: an environment that lives under /tmp (a CI checkout, a
    # throw-away venv) is then bound on top of it rather than hidden by it.
    args += ["--perms", "1777", "--size", str(limits.scratch), "--tmpfs", "/tmp"]
    for prefix in _prefixes():
        args += [*_dirs_to(prefix), "--ro-bind", str(prefix), str(prefix)]
        # an nnlib installed into that environment (not editable) would bring its solutions
        for site in prefix.glob("lib/python3*/site-packages/nnlib"):
            args += ["--tmpfs", str(site)]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "0755", "--dir", "/grade", "--perms", "0755", "--dir", "/opt"]
    args += ["--ro-bind", str(inbox), "/grade/in", "--bind", str(results), "/grade/results"]
    args += ["--ro-bind", str(library), "/opt/course"]
    args += ["--chdir", "/tmp", "--clearenv"]
    for key, value in sandbox_environment("/opt/course", "/tmp").items():
        args += ["--setenv", key, value]
    if os.geteuid() == 0:  # never run a submission as root: drop to an unused user inside
        args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        args += ["--inh-caps=-all", "--bounding-set=-all", "--"]
    return args + command


def sandbox_environment(library: str, home: str) -> dict[str, str]:
    """The environment variables a submission sees (nothing of the grader's)."""
    bins = [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    path = os.pathsep.join(bins)
    return {
        "PATH": path,
        "HOME": home,
        "PYTHONPATH": library,
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "IPYTHONDIR": f"{home}/.ipython",
        "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter-runtime",
        "JUPYTER_PLATFORM_DIRS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }


# ------------------------------------------------------------ docker / podman


def engine_command(
    engine: str,
    command: list[str],
    *,
    image: str,
    library: Path,
    inbox: Path,
    results: Path,
    limits: Limits,
) -> list[str]:
    """The docker/podman command line that runs ``command`` in the same layout as bwrap."""
    args = [engine, "run", "--rm", "--network", "none", "--read-only", "--init"]
    args += ["--user", f"{NOBODY}:{NOBODY}", "--cap-drop", "ALL"]
    args += ["--security-opt", "no-new-privileges"]
    args += ["--memory", str(limits.memory), "--pids-limit", str(limits.processes)]
    args += ["--tmpfs", f"/tmp:rw,size={limits.scratch},mode=1777"]
    args += ["-v", f"{inbox}:/grade/in:ro", "-v", f"{results}:/grade/results:rw"]
    args += ["-v", f"{library}:/opt/course:ro", "-w", "/tmp"]
    for key, value in sandbox_environment("/opt/course", "/tmp").items():
        if key != "PATH":
            args += ["-e", f"{key}={value}"]
    return [*args, image, *command]


# ---------------------------------------------------------------------- running


def _limit(limits: Limits, kind: str):
    def apply():  # in the child, before bwrap starts: inherited by everything inside
        import resource

        def cap(what, value):
            try:
                resource.setrlimit(what, (value, value))
            except (ValueError, OSError):
                pass

        if kind in ("bwrap", "none"):
            cap(resource.RLIMIT_AS, limits.memory)
            cap(resource.RLIMIT_FSIZE, limits.file_size)
            cap(resource.RLIMIT_NOFILE, 1024)
            cap(resource.RLIMIT_CORE, 0)
            if os.geteuid() == 0:
                cap(resource.RLIMIT_NPROC, limits.processes)  # counted for the sandbox's user
            else:
                cap(resource.RLIMIT_NPROC, _own_processes() + limits.processes)

    return apply


def _own_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if entry.stat().st_uid == uid:
                count += len(list((entry / "task").iterdir()))  # threads count too
        except OSError:
            pass
    return count


def run(
    kind: str,
    command: list[str],
    *,
    library: Path,
    inbox: Path,
    results: Path,
    limits: Limits,
    image: str | None = None,
    uid: int = NOBODY,
) -> Run:
    """Run ``command`` in a sandbox of ``kind``; kill everything after ``limits.seconds``.

    ``uid``: the user a root grader runs the submission as; give each sandbox that runs
    at the same time its own, so that one's processes do not count against another's.
    """
    if kind == "bwrap":
        if os.geteuid() == 0:
            os.chown(results, uid, uid)
        full = bwrap_command(
            command, library=library, inbox=inbox, results=results, limits=limits, uid=uid
        )
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    elif kind in ("docker", "podman"):
        os.chmod(results, 0o777)
        full = engine_command(
            kind, command, image=image or "", library=library, inbox=inbox, results=results,
            limits=limits,
        )  # fmt: skip
        env = dict(os.environ)
    elif kind == "none":
        full = command
        env = {**os.environ, **sandbox_environment(str(library), str(results.parent / "home"))}
        (results.parent / "home").mkdir(exist_ok=True)
    else:
        raise SandboxError(f"unknown sandbox {kind!r}")
    log = results.parent / "sandbox-output.txt"
    start = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            full, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True, preexec_fn=_limit(limits, kind),
            cwd=str(results.parent),
        )  # fmt: skip
        timed_out = False
        try:
            proc.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc)
    seconds = time.monotonic() - start
    with open(log, "rb") as f:
        f.seek(max(0, log.stat().st_size - limits.output))
        output = f.read().decode("utf-8", "replace")
    return Run(proc.returncode, seconds, timed_out, output)


def _kill(proc: subprocess.Popen) -> None:
    """Kill the sandbox: its process group (bwrap's PID namespace dies with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
