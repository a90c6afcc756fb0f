"""A student in Chromium on the test hub: clicks a link, logs in, runs, edits and saves cells.

Everything goes through the pages a student sees: the hub's login form, its
"your server is starting" page, nbgitpuller's progress page and JupyterLab.
What nbgitpuller did is read from the event stream its progress page shows
(the lines a student sees under "Click to show/hide error log"), not from a log file.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.hub.conftest import ARTIFACTS, PASSWORD, Hub

#: The notebook on show (others opened earlier stay in the page, hidden).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SHOWN = f"{PANEL} .jp-Notebook"
IDLE = f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']"

ALL_RUN = """() => {
  const shown = document.querySelector("SHOWN");
  const prompts = [...shown.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim()).filter(t => t !== '');
  const idle = document.querySelector("IDLE");
  return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t)) && idle !== null;
}""".replace("SHOWN", SHOWN).replace("IDLE", IDLE)

ERRORS = ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"

#: What the course's check cells say, per exercise, in the page: {"01.1": "Not done yet", ...}
VERDICTS = """() => {
  const found = {};
  for (const out of document.querySelector("SHOWN").querySelectorAll(".jp-OutputArea-output")) {
    const text = out.textContent;
    const m = text.match(/(Correct|Not quite|Not done yet)\\s*\\(exercise (\\d\\d\\.\\d+)\\)/);
    if (m) found[m[2]] = m[1];
  }
  return found;
}""".replace("SHOWN", SHOWN)


class Student:
    """One student: a browser profile of their own (cookies), on one hub."""

    def __init__(self, browser, hub: Hub, name: str):
        self.hub, self.name = hub, name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.transcripts: list[str] = []  # nbgitpuller's output, one entry per click

    @property
    def home(self) -> Path:
        return self.hub.home(self.name)

    def close(self) -> None:
        self.context.close()

    def screenshot(self, label: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{label}.png"))

    # -- the link -------------------------------------------------------------------------

    def click_link(self, path: str) -> str:
        """Open hub address + ``path`` as a student clicks it; return nbgitpuller's output.

        Logs in on the hub's form when asked, waits through the server's start and
        nbgitpuller's progress page, and returns when JupyterLab shows a notebook.
        """
        self.start_link(path)
        return self.finish_link()

    def start_link(self, path: str) -> None:
        """The first half of ``click_link``: open the link and log in, without waiting."""
        page = self.page
        self._stream: list[str] = []

        def relay(route):
            # nbgitpuller's page reads the sync as an event stream, and leaves for JupyterLab
            # when it ends; fetch it here so it can be kept, then hand it to the page whole.
            response = route.fetch(timeout=180_000)
            self._stream.append(response.text())
            route.fulfill(response=response)

        page.route("**/git-pull/api?**", relay)
        page.goto(self.hub.url + path)
        if "/hub/login" in page.url:
            page.fill("#username_input", self.name)
            page.fill("#password_input", PASSWORD)
            page.click("#login_submit")

    def finish_link(self) -> str:
        """The second half of ``click_link``: wait for JupyterLab; nbgitpuller's output."""
        page = self.page
        try:
            page.wait_for_url(re.compile(rf"/user/{self.name}/lab/tree/"), timeout=180_000)
        finally:
            page.unroute("**/git-pull/api?**")
        stream = self._stream
        assert len(stream) == 1, f"{self.name}: nbgitpuller was called {len(stream)} times"
        lines = []
        for chunk in stream[0].split("\n\n"):
            if chunk.startswith("data: "):
                data = json.loads(chunk[len("data: ") :])
                said = data.get("output") or f"[{data.get('phase')}] {data.get('message', '')}"
                lines.append(said)
        transcript = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        self.transcripts.append(transcript)
        assert "[finished]" in transcript, f"nbgitpuller did not finish:\n{transcript}"
        page.wait_for_selector(".jp-Notebook")
        return transcript

    def processes(self) -> dict[str, float]:
        """Resident memory (MiB) of this student's single-user server and of its kernels."""
        import psutil

        found = {"server": 0.0, "kernels": 0.0}
        for proc in psutil.process_iter(["cmdline"]):
            try:
                env = proc.environ()
                if env.get("JUPYTERHUB_USER") != self.name or env.get("HOME") != str(self.home):
                    continue
                cmd = " ".join(proc.info["cmdline"] or [])
                rss = proc.memory_info().rss / 2**20
            except psutil.Error:
                continue
            found["kernels" if "ipykernel" in cmd else "server"] += rss
        return found

    # -- JupyterLab -----------------------------------------------------------------------

    def current_tab(self) -> str:
        """The path of the document in the main area's current tab."""
        tab = self.page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
        return re.search(r"Path: (.*)", tab.get_attribute("title")).group(1)

    def wait_for_tab(self, path: str, timeout: float = 30_000) -> str:
        """Until the main area's current tab shows ``path``; return the path it shows."""
        try:
            self.page.wait_for_selector(
                f"#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current[title*='Path: {path}']",
                timeout=timeout,
            )
        except Exception:
            self.screenshot("wrong-tab")
        return self.current_tab()

    def wait_for_kernel(self, notebook: str, timeout: float = 60) -> None:
        """Until the student's server has an idle kernel for ``notebook`` (a path from home)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.page.request.get(f"{self.hub.url}/user/{self.name}/api/sessions")
            for s in r.json() if r.ok else []:
                if s["path"] == notebook and s["kernel"]["execution_state"] == "idle":
                    self.page.wait_for_selector(IDLE)
                    return
            time.sleep(0.25)
        raise AssertionError(f"{self.name}: no idle kernel for {notebook} after {timeout} s")

    def run_all(self) -> dict[str, str]:
        """Run ▸ Run All, wait for the end; return each exercise's verdict as the page shows it."""
        page = self.page
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_timeout(500)  # let the first cell go busy before waiting for idle
        self.wait_until_run("run-all", timeout=120_000)
        errors = page.locator(f"{SHOWN} {ERRORS}")
        assert errors.count() == 0, f"{self.name}: error output:\n{errors.first.inner_text()}"
        return page.evaluate(VERDICTS)

    def wait_until_run(self, label: str, timeout: float) -> None:
        """Until every code cell of the notebook on show has run and the kernel is idle."""
        try:
            self.page.wait_for_function(ALL_RUN, timeout=timeout)
        except Exception:
            self.screenshot(f"stuck-{label}")
            raise

    def write(self, marker: str, source: str) -> None:
        """Replace the code of the answer cell holding ``marker`` with ``source`` (typed as
        pasted, so no auto-indent to fight); the cell stays selected, not run."""
        page = self.page
        cell = page.locator(f"{SHOWN} .jp-CodeCell").filter(has_text=marker).first
        cell.scroll_into_view_if_needed()
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(source)
        page.keyboard.press("Escape")  # command mode, as before Ctrl+S

    def answer(self, marker: str, source: str) -> dict[str, str]:
        """Write an answer (see ``write``), run it and the check below it; return every
        exercise's verdict as the page shows it ("Correct", "Not done yet", ...)."""
        page = self.page
        self.write(marker, source)
        page.keyboard.press("Shift+Enter")  # run the answer; the check cell is selected
        page.keyboard.press("Shift+Enter")  # run the check
        page.wait_for_timeout(300)
        self.wait_until_run("answer", timeout=60_000)
        return page.evaluate(VERDICTS)

    def ask(self, code: str) -> str:
        """Add a code cell at the end of the notebook, run ``code`` in it (Ctrl+Enter), and
        return what its output shows."""
        page = self.page
        last = page.locator(f"{SHOWN} .jp-Cell").last
        last.scroll_into_view_if_needed()
        last.click()
        page.keyboard.press("Escape")
        page.keyboard.press("b")  # a new code cell below the last one
        page.keyboard.press("Enter")
        page.keyboard.insert_text(code)
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(300)
        self.wait_until_run("ask", timeout=60_000)
        return page.locator(f"{SHOWN} .jp-CodeCell").last.locator(".jp-OutputArea").inner_text()

    def save(self) -> None:
        """Ctrl+S, and wait until JupyterLab says the notebook is saved."""
        page = self.page
        page.keyboard.press("Control+s")
        try:
            # The tab's dirty mark (a cell edited but not run is marked too, and stays so).
            page.wait_for_selector(
                "#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty", state="detached"
            )
        except Exception:
            self.screenshot("stuck-save")
            raise

    def save_as(self, path: str) -> None:
        """File ▸ Save Notebook As…, typing ``path`` (relative to the home folder)."""
        page = self.page
        page.click(".lm-MenuBar-item:has-text('File')")
        page.click(".lm-Menu-item[data-command='docmanager:save-as']")
        box = page.locator(".jp-Dialog input")
        box.fill(path)
        page.click(".jp-Dialog .jp-mod-accept")
        # JupyterLab then closes the original and, since Run All changed its outputs, asks
        # "Save changes in ... before closing?": Discard keeps the course's copy as it came.
        page.wait_for_timeout(500)
        if page.locator(".jp-Dialog").count():
            self.screenshot("save-as-asks")
            page.click(".jp-Dialog button:has-text('Discard')")
        page.wait_for_selector(".jp-Dialog", state="detached")
        # Back to the copy (the dialogs took the focus), as a student clicks its tab.
        page.click(f"#jp-main-dock-panel .lm-TabBar-tab[title*='Path: {path}']")
        page.wait_for_selector(f"#jp-main-dock-panel .jp-mod-current[title*='Path: {path}']")


def click_together(students: list[Student], path: str) -> list[str]:
    """Students click the same link at about the same time, as a class does; returns each
    one's nbgitpuller output (their servers start and clone side by side)."""
    for s in students:
        s.start_link(path)
    return [s.finish_link() for s in students]
