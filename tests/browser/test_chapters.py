"""Every chapter, in real JupyterLab: runs clean, renders its widgets and figures, responds.

For each notebook in notebooks/ (found, not listed): open it, Run All, wait
for the kernel to finish, and check what a learner would see: no error
output, every slider and drop-down the notebook creates on the page, every
figure and graph drawn, and each explorer's picture or readout changing when
one of its sliders is moved with the keyboard. Key-press-to-update latency is
measured for every explorer and printed as a table at the end of the run.

What to expect is learnt by running the same notebook headless first (nbclient)
and counting the widget models, images and SVGs it makes.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.browser.conftest import ARTIFACTS, LATENCIES

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDERS = {"FloatSliderModel", "FloatLogSliderModel", "IntSliderModel"}
PRESSES = 5  # key presses per explorer for the latency figures
GROSS_LATENCY = 3.0  # seconds; timing is noisy, so only a gross regression fails

pytestmark = pytest.mark.slow


def expectations(path: Path) -> dict:
    """Run the notebook headless and count what it should show."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=120, store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()  # fmt: skip
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = [m["model_name"] for m in state.get("state", {}).values()]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    data = [o.get("data", {}) for o in outputs]
    return {
        "sliders": sum(m in SLIDERS for m in models),
        "dropdowns": models.count("DropdownModel"),
        "explorers": sum("application/vnd.jupyter.widget-view+json" in d for d in data),
        "pngs": sum("image/png" in d for d in data),
        "svgs": sum("image/svg+xml" in d for d in data),
    }


def wait_for_kernel(server: str, notebook: str, timeout: float = 60) -> None:
    """Until the server has an idle kernel for this notebook (the page's own
    indicator says "idle" for a moment before the kernel even exists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{server}/api/sessions", timeout=5) as r:
            sessions = json.load(r)
        for s in sessions:
            if s["path"].endswith(notebook) and s["kernel"]["execution_state"] == "idle":
                return
        time.sleep(0.25)
    raise AssertionError(f"no idle kernel for {notebook} after {timeout} s")


ALL_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim()).filter(t => t !== '');
  const idle = document.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t)) && idle !== null;
}"""

SNAPSHOT = """el =>
  [...el.querySelectorAll('.widget-html-content')].map(e => e.innerHTML).join('|')
  + '#' + [...el.querySelectorAll('img')].map(i => i.src).join('|')"""

LOADED = """sel =>
  [...document.querySelectorAll(sel)].filter(i => i.complete && i.naturalWidth > 0).length"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_runs_and_responds_in_jupyterlab(path, jupyter_server, browser):
    expected = expectations(path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        # A workspace of its own, reset, so tabs from earlier chapters are not restored.
        page.goto(f"{jupyter_server}/lab/workspaces/{path.stem}/tree/notebooks/{path.name}?reset")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        wait_for_kernel(jupyter_server, path.name)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        assert page.locator(".jp-Dialog").count() == 0, "a dialog (kernel picker?) opened"

        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_timeout(500)  # let the first cell go busy before waiting for idle
        page.wait_for_function(ALL_RUN, timeout=120_000)

        errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, f"error output in the page:\n{errors.first.inner_text()}"

        # Widgets render in the browser after the kernel is done: give them a moment.
        want = expected["sliders"]
        page.wait_for_function(
            f"() => document.querySelectorAll('.widget-slider').length >= {want}", timeout=30_000
        )
        assert page.locator(".widget-slider").count() == want
        assert page.locator(".widget-dropdown").count() == expected["dropdowns"]
        explorers = page.locator(".jp-OutputArea-output:has(.noUi-handle)")
        assert explorers.count() == expected["explorers"]

        # Figures and graphs: drawn and loaded, not broken images.
        assert page.evaluate(LOADED, ".jp-RenderedImage img") >= expected["pngs"]
        assert page.evaluate(LOADED, ".jp-RenderedSVG img") >= expected["svgs"]

        for i in range(explorers.count()):
            area = explorers.nth(i)
            area.scroll_into_view_if_needed()
            title = area.locator(".widget-html-content").first.inner_text() or f"widget {i + 1}"
            handle = area.locator(".noUi-handle").first
            handle.focus()
            times = []
            for _ in range(PRESSES):
                before = area.evaluate(SNAPSHOT)
                start = time.perf_counter()
                handle.press("ArrowRight")
                page.wait_for_function(
                    f"([el, before]) => ({SNAPSHOT})(el) !== before",
                    arg=[area.element_handle(), before],
                    timeout=10_000,
                )
                times.append(time.perf_counter() - start)
            LATENCIES.append((path.stem, title, times))
            assert max(times) < GROSS_LATENCY, f"{title}: slider took {max(times):.2f} s"
            assert statistics.median(times) < GROSS_LATENCY

        if explorers.count():
            explorers.first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        assert page.locator(".jp-Dialog").count() == 0
    finally:
        page.close()
