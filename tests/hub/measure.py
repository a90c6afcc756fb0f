"""What one student costs a hub: a chapter's kernel, measured while it runs top to bottom.

    python -m tests.hub.measure 09         # chapter 09, as docs/instructors.md quotes it

Runs the chapter in a fresh kernel of this environment (nbclient, as Run All
does), samples the kernel process's resident memory (RSS) every 50 ms and
reads its CPU time (user + system) when the last cell is done. A student's
single-user server (JupyterLab) adds to that; the hub test measures it
(tests/hub/test_hub.py). Prints one line per figure.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Cost:
    chapter: str
    seconds: float  # wall clock, Run All
    cpu_seconds: float  # the kernel's (and its children's) user + system time, the whole run
    peak_rss_mib: float  # the kernel's largest resident memory while it ran
    idle_rss_mib: float  # the kernel's resident memory once the chapter is done

    def lines(self) -> list[str]:
        return [
            f"chapter {self.chapter}: Run All took {self.seconds:.1f} s",
            f"kernel CPU time: {self.cpu_seconds:.1f} s "
            f"(an average of {self.cpu_seconds / self.seconds:.2f} cores while it ran)",
            f"kernel memory: peak {self.peak_rss_mib:.0f} MiB, "
            f"{self.idle_rss_mib:.0f} MiB when done",
        ]


def measure(chapter: str) -> Cost:
    import nbformat
    import psutil
    from nbclient import NotebookClient

    (path,) = sorted((ROOT / "notebooks").glob(f"{chapter}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}}
    )
    peak = 0
    stop = threading.Event()
    with client.setup_kernel():
        kernel = psutil.Process(client.km.provisioner.process.pid)

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                try:
                    peak = max(peak, kernel.memory_info().rss)
                except psutil.Error:
                    return
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        cpu = kernel.cpu_times()
        idle = kernel.memory_info().rss
        peak = max(peak, idle)
    used = cpu.user + cpu.system + cpu.children_user + cpu.children_system
    return Cost(chapter, seconds, used, peak / 2**20, idle / 2**20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", default="09", help="chapter number, such as 09")
    args = parser.parse_args(argv)
    for line in measure(args.chapter).lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
