"""Every chapter runs fast, and twice in the same kernel with the same numbers.

Cells tagged ``nbval-ignore-output`` (nbval's convention) print wall-clock
timings; their output is allowed to differ between runs, nothing else is.

nbval (configured in pyproject.toml) already runs each notebook once as part of
the suite; this adds what a learner who presses "Run All" twice relies on.
"""

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MAX_SECONDS = 15  # per run of a whole chapter, on a 2-core machine


def _visible_text(cell) -> list[str]:
    """What a learner reads in a cell's output: printed text, plain and HTML results.

    Widget outputs are left out: they carry a fresh model id each run. Printed
    text is joined into one string, since the kernel may split it into several
    messages differently from run to run.
    """
    printed = "".join(o["text"] for o in cell.get("outputs", []) if o["output_type"] == "stream")
    out = [printed]
    for o in cell.get("outputs", []):
        if o["output_type"] in ("execute_result", "display_data"):
            data = o["data"]
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            out.append(data.get("text/html") or data.get("text/plain", ""))
        elif o["output_type"] == "error":
            out.append(f"{o['ename']}: {o['evalue']}")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_twice_in_one_kernel_with_the_same_output(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    runs, times = [], []
    with client.setup_kernel():
        for _ in range(2):
            start = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    cell.outputs = []
                    client.execute_cell(cell, index)
            times.append(time.perf_counter() - start)
            runs.append([_visible_text(c) for c in nb.cells if c.cell_type == "code"])
    timed = [
        "nbval-ignore-output" in c.metadata.get("tags", [])
        for c in nb.cells
        if c.cell_type == "code"
    ]
    for first, second, is_timed in zip(*runs, timed, strict=True):
        if not is_timed:  # cells tagged nbval-ignore-output print timings, which vary
            assert first == second
    assert max(times) < MAX_SECONDS, f"{path.name} took {max(times):.1f} s (limit {MAX_SECONDS} s)"
    print(f"{path.name}: {times[0]:.1f} s, then {times[1]:.1f} s")
