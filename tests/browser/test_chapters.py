"""Every chapter, in real JupyterLab: runs clean, renders its widgets and figures, responds.

For each notebook in notebooks/ (found, not listed): open it and check that
opening alone does not mark it modified; Run All, wait for the kernel to
finish, and check what a learner would see: no error output, every slider and
drop-down the notebook creates on the page, every figure and graph drawn, and
each explorer's picture or readout changing when one of its sliders is moved
with the keyboard. Key-press-to-update latency is measured for every explorer
and printed as a table at the end of the run. axe-core then checks the page:
any serious or critical accessibility violation inside the course's own
outputs fails the test; JupyterLab's own are reported, not failed.

What to expect is learnt by running the same notebook headless first (nbclient)
and counting the widget models, images and SVGs it makes.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.browser.conftest import ARTIFACTS, LATENCIES, LAYOUT

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SLIDERS = {"FloatSliderModel", "FloatLogSliderModel", "IntSliderModel"}  # ipywidgets' own
COURSE_SLIDERS = {"nnlib.widgets.Slider", "nnlib.widgets.LogSlider", "nnlib.widgets.IntSlider"}
SLIDER = ".nnlib-slider input[type=range], .widget-slider .noUi-handle"
SERIOUS = {"serious", "critical"}
AXE_REPORT: list[tuple[str, str, str, int]] = []  # (chapter, where, rule, nodes)
PRESSES = 5  # key presses per explorer for the latency figures
GROSS_LATENCY = 3.0  # seconds; timing is noisy, so only a gross regression fails
# A 1280×800 window shows about 650 px of notebook below JupyterLab's bars: a slider and
# the figure it drives must fit in that together.
VISIBLE_HEIGHT = 650

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
    anywidgets = [m["state"].get("_anywidget_id") for m in state.get("state", {}).values()]
    playground_ids = {
        model_id
        for model_id, m in state.get("state", {}).items()
        if str(m["state"].get("_anywidget_id", "")).endswith("Playground")
    }
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    data = [o.get("data", {}) for o in outputs]
    return {
        "sliders": sum(m in SLIDERS for m in models)
        + sum(a in COURSE_SLIDERS for a in anywidgets),
        "dropdowns": models.count("DropdownModel"),
        # Explorers: widget outputs with sliders. The playground (an anywidget with controls
        # of its own, tested in test_playground.py) is not one.
        "explorers": sum(
            "application/vnd.jupyter.widget-view+json" in d
            and playground_ids.isdisjoint(
                {d["application/vnd.jupyter.widget-view+json"]["model_id"]}
            )
            for d in data
        ),
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

DIRTY = """() => document.querySelector('.jp-mod-dirty') !== null"""

IN_OUTPUT = """sel => {
  const el = document.querySelector(sel);
  return el !== null && el.closest('.jp-OutputArea') !== null;
}"""

SPAN = """el => {
  const sliders = [...el.querySelectorAll('.nnlib-slider, .widget-slider')];
  const pictures = [...el.querySelectorAll('img, svg, canvas')]
    .filter(p => p.getBoundingClientRect().height > 40);
  if (!sliders.length || !pictures.length) return null;
  const top = Math.min(...sliders.map(s => s.getBoundingClientRect().top));
  const bottom = Math.max(...pictures.map(p => p.getBoundingClientRect().bottom));
  return bottom - top;
}"""

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
        # Opening a chapter must not mark it modified (JupyterLab rewrites incomplete
        # kernel metadata, and autosave would then write into the tracked file).
        page.wait_for_timeout(1500)
        assert page.get_by_text("official Jupyter news").count() == 0, "the news pop-up showed"
        assert not page.evaluate(DIRTY), (
            f"{path.name} is marked modified just by opening it: run `python tools/nbmeta.py "
            "notebooks/` to give it complete metadata"
        )

        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_timeout(500)  # let the first cell go busy before waiting for idle
        page.wait_for_function(ALL_RUN, timeout=120_000)

        errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, f"error output in the page:\n{errors.first.inner_text()}"

        # Widgets render in the browser after the kernel is done: give them a moment.
        want = expected["sliders"]
        page.wait_for_function(
            f"() => document.querySelectorAll({SLIDER!r}).length >= {want}", timeout=30_000
        )
        assert page.locator(SLIDER).count() == want
        assert page.locator(".widget-dropdown").count() == expected["dropdowns"]
        explorers = page.locator(
            ".jp-OutputArea-output:has(.nnlib-slider input[type=range]),"
            ".jp-OutputArea-output:has(.noUi-handle)"
        )
        assert explorers.count() == expected["explorers"]
        # Readouts a person reads: "0.32" or "1e-8", never "3.2e-1" or "1.0e-08".
        readouts = page.locator(".nnlib-slider-readout").all_inner_texts()
        unreadable = [r for r in readouts if re.search(r"\de[+-]?0\d|\.0+e|e-1\b|e\+", r)]
        assert not unreadable, f"readouts a person cannot read at a glance: {unreadable}"

        # Figures and graphs: drawn and loaded, not broken images.
        # (Course figures and graphs come as HTML <img> with alt text; other PNG/SVG as is.)
        shown = ".jp-RenderedImage img, .jp-RenderedSVG img, .jp-RenderedHTMLCommon img"
        assert page.evaluate(LOADED, shown) >= expected["pngs"] + expected["svgs"]

        for i in range(explorers.count()):
            area = explorers.nth(i)
            area.scroll_into_view_if_needed()
            title = area.locator(".widget-html-content").first.inner_text() or f"widget {i + 1}"
            handle = area.locator(SLIDER).first
            span = area.evaluate(SPAN)
            if span is not None:
                LAYOUT.append((path.stem, title, span))
                assert span <= VISIBLE_HEIGHT, (
                    f"{title}: slider top to figure bottom is {span:.0f} px, more than the "
                    f"{VISIBLE_HEIGHT} px a 1280×800 window shows"
                )
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

        ours = check_accessibility(page, path.stem)
        assert not ours, "accessibility violations in the course's outputs:\n" + "\n".join(ours)
    finally:
        page.close()


def check_accessibility(page, chapter: str) -> list[str]:
    """Run axe-core on the page; return the serious or critical violations inside the
    notebook's outputs (the course's own), and record all of them for the summary."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    ours = []
    for violation in results["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        inside = [n for n in violation["nodes"] if page.evaluate(IN_OUTPUT, n["target"][0])]
        outside = len(violation["nodes"]) - len(inside)
        if inside:
            AXE_REPORT.append((chapter, "course outputs", violation["id"], len(inside)))
            ours += [
                f"{violation['id']} ({violation['impact']}): {violation['help']} at "
                f"{n['target'][0]}: {n['failureSummary'].splitlines()[-1].strip()}"
                for n in inside
            ]
        if outside:
            AXE_REPORT.append((chapter, "JupyterLab", violation["id"], outside))
    (ARTIFACTS / f"{chapter}.axe.json").write_text(json.dumps(results["violations"], indent=1))
    return ours


# ------------------------------------------- width: graphs fit beside the file browser

#: Chapters that draw computation graphs (static, stepped and live).
GRAPH_CHAPTERS = [p for p in NOTEBOOKS if p.name.startswith(("02_", "07_"))]

OVERFLOW = """() => {
  const found = [];
  for (const area of document.querySelectorAll('.jp-OutputArea-output')) {
    const edge = area.getBoundingClientRect().right + 1;
    if (area.scrollWidth > area.clientWidth + 1) {
      found.push(`an output scrolls sideways: ${area.scrollWidth} px in ${area.clientWidth} px`);
    }
    for (const el of area.querySelectorAll('img, svg, canvas, .widget-box, .nnpg')) {
      if (el.parentElement && el.parentElement.closest('svg')) continue;  // inside a picture
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > edge) {
        const name = el.tagName.toLowerCase() + [...el.classList].map(c => '.' + c).join('');
        const at = Math.round(r.right), end = Math.round(edge - 1);
        found.push(`${name} ends at ${at} px, its output at ${end} px`);
      }
    }
  }
  return found;
}"""


def open_with_file_browser(page, server: str, path: Path, workspace: str) -> None:
    """Open a chapter as the README's command does: the file browser open beside it."""
    page.goto(f"{server}/lab/workspaces/{workspace}/tree/notebooks/{path.name}?reset")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    wait_for_kernel(server, path.name)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    if not page.locator("#filebrowser").is_visible():
        page.locator(".jp-SideBar li[data-id='filebrowser']").click()
    page.wait_for_selector("#filebrowser", state="visible")


@pytest.mark.parametrize("path", GRAPH_CHAPTERS, ids=lambda p: p.name)
def test_graphs_fit_their_output_area_at_1280x800_with_the_file_browser_open(
    path, jupyter_server, browser
):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        open_with_file_browser(page, jupyter_server, path, f"{path.stem}-narrow")
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_timeout(500)
        page.wait_for_function(ALL_RUN, timeout=120_000)
        page.wait_for_timeout(1500)  # widgets render after the kernel is done
        width = page.locator(".jp-OutputArea-output").first.evaluate("e => e.clientWidth")
        overflow = page.evaluate(OVERFLOW)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-narrow.png"))
        assert width < 860, f"the output area is {width} px wide: the file browser is not open"
        assert not overflow, f"{path.name}, outputs {width} px wide:\n" + "\n".join(overflow)
    finally:
        page.close()
