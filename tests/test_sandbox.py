"""The grading sandbox's limits, each tried directly with a small hostile command.

(tests/test_grading.py grades a whole hostile class through it.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnlib import sandbox as sb


@pytest.fixture
def box(tmp_path):
    if "bwrap" not in sb.available():
        if os.environ.get("CI") or os.environ.get("NNLIB_REQUIRE_SANDBOX") == "1":
            pytest.fail("bubblewrap is needed (apt install bubblewrap); CI installs it")
        pytest.skip("bubblewrap (bwrap) is not installed")
    inbox, results, library = tmp_path / "in", tmp_path / "results", tmp_path / "lib"
    for d in (inbox, results, library):
        d.mkdir()
    for d in (tmp_path, inbox, library):
        d.chmod(0o755)
    secret = tmp_path / "secret.txt"
    secret.write_text("the answers")

    def run(code: str, seconds: float = 30, **limits) -> tuple[sb.Run, Path]:
        (inbox / "main.py").write_text(textwrap.dedent(code))
        (inbox / "main.py").chmod(0o644)
        got = sb.run(
            "bwrap", [sys.executable, "/grade/in/main.py"], library=library, inbox=inbox,
            results=results, limits=sb.Limits(seconds=seconds, **limits),
        )  # fmt: skip
        return got, results

    run.secret = secret
    return run


def test_no_network(box):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        got, _ = box(f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2)
                print("CONNECTED")
            except OSError as e:
                print("refused", type(e).__name__)
        """)
    assert "refused" in got.output and "CONNECTED" not in got.output


def test_files_outside_the_scratch_space_are_out_of_reach(box):
    got, results = box(f"""
        import os
        try:
            import nnlib.solutions
            print("SOLUTIONS", nnlib.solutions.__file__)
        except ImportError:
            print("no nnlib here but the release copy (none in this test)")
        for path in [{str(box.secret)!r}, "/root", "{Path.cwd()}"]:
            print(path, os.path.exists(path))
        for target in ["/opt/course/x", "/usr/x", "{sys.prefix}/x", "/grade/in/x"]:
            try:
                open(target, "w")
                print("WROTE", target)
            except OSError:
                pass
        open("/grade/results/ok", "w").write("fine")
        open("/tmp/scratch", "w").write("fine")
        print("uid", os.getuid())
    """)
    assert f"{box.secret} False" in got.output
    assert "WROTE" not in got.output and "SOLUTIONS" not in got.output
    assert (results / "ok").read_text() == "fine"
    if os.geteuid() == 0:
        assert "uid 0" not in got.output  # a root grader runs submissions as another user


def test_every_process_dies_with_the_sandbox(box):
    marker = f"nnlib-sandbox-test-{os.getpid()}"
    got, _ = box(f"""
        import os, subprocess
        subprocess.Popen(["sh", "-c", "sleep 60 # {marker}"], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            os.execvp("sh", ["sh", "-c", "sleep 60 # {marker}"])
        print("started")
    """)
    time.sleep(1)
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    assert "started" in got.output and left == ""


def test_wall_time_kills_what_ignores_interrupts(box):
    start = time.monotonic()
    got, _ = box("""
        import signal, time
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            time.sleep(0.1)
    """, seconds=2)  # fmt: skip
    assert got.timed_out and time.monotonic() - start < 15


def test_memory_processes_and_file_size_are_limited(box):
    got, results = box("""
        import os, sys
        print("x" * 10**7)  # a flood of output first: only its tail is kept
        sys.stdout.flush()
        try:
            hog = bytearray(8 * 2**30)
            print("GOT 8 GiB")
        except MemoryError:
            print("memory refused")
        started = 0
        for _ in range(2000):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                import time
                time.sleep(30)
                os._exit(0)
            started += 1
        print("processes", started)
        try:
            with open("/grade/results/big", "wb") as f:
                f.write(b"0" * 2**27)
            print("WROTE 128 MiB")
        except OSError as e:
            print("file refused", e.errno)
    """, processes=64, file_size=2**25)  # fmt: skip
    assert "memory refused" in got.output and "GOT" not in got.output
    count = int(got.output.split("processes ")[1].split()[0])
    assert count < 64
    assert "WROTE" not in got.output and (results / "big").stat().st_size <= 2**25
    assert len(got.output) <= sb.Limits().output  # only the tail of a flood is kept
