"""Grading speed: a class of chapter-01 submissions graded in the sandbox.

    python -m benchmarks.grading [--students 30] [--jobs 1] [--sandbox auto]

Makes a class (a third our solutions, a third the untouched notebook, a third
with one answer wrong), grades it with ``python -m nnlib.instructor grade``
exactly as an instructor would, and prints the seconds per notebook (median
and worst, sandbox start-up included) and the wall time for the class.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nnlib.instructor import exercise_cells, solved_version

ROOT = Path(__file__).resolve().parent.parent


def make_class(folder: Path, students: int) -> None:
    learner = json.loads((ROOT / "notebooks" / "01_limits.ipynb").read_text(encoding="utf-8"))
    solved = solved_version(learner, "01_limits.ipynb")
    slip = json.loads(json.dumps(solved))
    slip["cells"][exercise_cells(slip)["01.1"]["answer"]]["source"] = "slope = 12.0\n"
    for k in range(students):
        nb = (solved, learner, slip)[k % 3]
        path = folder / f"student{k:02d}" / "01_limits.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(nb), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        make_class(folder, args.students)
        scores = Path(tmp) / "scores.csv"
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "nnlib.instructor", "grade", str(folder), "--chapter", "01",
             "--csv", str(scores), "--jobs", str(args.jobs), "--sandbox", args.sandbox],
            capture_output=True, text=True,
        )  # fmt: skip
        wall = time.monotonic() - start
        if done.returncode != 0:
            print(done.stdout, done.stderr)
            return 1
        seconds = [
            float(line.split("]  ")[1].split(" s")[0])
            for line in done.stdout.splitlines()
            if line.startswith("student")
        ]
        with scores.open(encoding="utf-8") as f:
            passed = sorted(int(r["passed"]) for r in csv.DictReader(f))
    print(
        f"{args.students} notebooks, {args.jobs} at a time, sandbox {args.sandbox}: "
        f"median {statistics.median(seconds):.1f} s per notebook, worst {max(seconds):.1f} s; "
        f"the class in {wall:.0f} s; scores {passed[0]}..{passed[-1]} of 4"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
