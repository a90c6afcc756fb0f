"""What runs inside the grading sandbox: one submission, then the probes of its answers.

    python -m nnlib._grade_driver INBOX RESULTS

INBOX holds ``job.json`` ({"notebook": file name, "cell_timeout": seconds,
"exercises": [ids], "probe_after": {id: cell index}}), the notebook, and
``cases.pkl`` ({id: cases without their expected values}). The notebook's cells
run in a fresh kernel (errors allowed; a cell that runs too long is interrupted
and the rest go on); right after each exercise's check cell, one more cell
calls ``nnlib.exercises.write_probe`` on the names the notebook has defined by
then and writes ``RESULTS/<id>.json``. Nothing here is trusted by
the grader: it reads those files as plain data and judges them in its own
process, with expected values that never enter the sandbox.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

_PROBE = """\
import pickle as _nnlib_pickle
import nnlib.exercises as _nnlib_exercises
with open({cases!r}, "rb") as _nnlib_f:
    _nnlib_cases = _nnlib_pickle.load(_nnlib_f)[{id!r}]
_nnlib_exercises.write_probe({id!r}, globals(), _nnlib_cases, {out!r})
"""


def main(inbox: str, results: str) -> int:
    import nbformat
    from nbclient import NotebookClient

    inbox_path, results_path = Path(inbox), Path(results)
    job = json.loads((inbox_path / "job.json").read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = nbformat.reads((inbox_path / job["notebook"]).read_text(encoding="utf-8"), 4)
    cells = list(nb.cells)
    for cell in cells:
        if cell.get("cell_type") == "code":
            cell.outputs = []
    # Each exercise is probed right after its check cell (or its answer cell), so that a
    # later cell that reuses a name, crashes or never ends cannot take its answer away.
    after = job.get("probe_after", {})
    probes = []
    for ex_id in job["exercises"]:
        out = str(results_path / f"{ex_id}.json")
        source = _PROBE.format(cases=str(inbox_path / "cases.pkl"), id=ex_id, out=out)
        probes.append((int(after.get(ex_id, len(cells) - 1)), ex_id, source))
    for index, _, source in sorted(probes, key=lambda p: p[0], reverse=True):
        probe = nbformat.v4.new_code_cell(source)
        probe.metadata["nnlib_probe"] = True
        cells.insert(index + 1, probe)
    nb.cells = cells
    ours = {i for i, c in enumerate(cells) if c.get("metadata", {}).get("nnlib_probe")}
    status = {"errors": 0, "cells": len(cells) - len(ours)}

    class Client(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):  # keep no output: count errors
            if msg["header"]["msg_type"] == "error" and cell_index not in ours:
                status["errors"] += 1
            return None

    client = Client(
        nb, kernel_name="python3", timeout=int(job["cell_timeout"]), allow_errors=True,
        interrupt_on_timeout=True, resources={"metadata": {"path": "/tmp" if inbox.startswith(
            "/grade") else str(results_path.parent)}},
    )  # fmt: skip
    client.execute()
    (results_path / "status.json").write_text(json.dumps(status), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
