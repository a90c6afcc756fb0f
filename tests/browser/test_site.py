"""The course website, built as README command 3 builds it and read in Chromium.

The site is built once per test session (tools/build_site.py, in a fresh work
folder, so every chapter is executed), served from 127.0.0.1 and every page is
opened at 1280×800. On every page: no request leaves 127.0.0.1 and none fails;
every image has alt text and has loaded; axe-core finds no serious or critical
violation inside the page's content. On every chapter page: every widget output
renders from its saved state (so nothing is a "kernel required" placeholder),
with a note beside it pointing at the launch button, and a course slider moves
under the keyboard (JavaScript alone); the chapter's figures show; each
exercise's check says "Not done yet"; the launch links (Binder, Colab,
JupyterHub), the repository and the download buttons point at this chapter.
Every internal link of every page resolves, to a file and to an anchor in it;
the home page's chapter table agrees with course.toml; search finds chapters;
the JupyterHub page builds tools/links.py's nbgitpuller link. Screenshots and
axe-core's findings go to test-artifacts/site/.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tools import build_site, links

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "site"
COURSE = links.load_course()
CHAPTERS = [ch for ch in COURSE["chapter"] if (ROOT / "notebooks" / ch["file"]).exists()]
OTHER_PAGES = ["index.html", "docs/instructors.html", "jupyterhub.html", "search.html"]
SERIOUS = {"serious", "critical"}
MAX_PAGE_BYTES = 5_000_000
HUB = "https://hub.example.edu"
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
COURSE_SLIDER = ".nnlib-slider input[type=range]"
#: What the page shows where a widget could not be drawn (MyST-NB, the widget manager, mystmd).
PLACEHOLDERS = ("kernel connection required", "Error displaying widget", "Loading widget")

pytestmark = pytest.mark.slow


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_site_pins_are_in_the_test_requirements():
    """CI's test command (requirements-dev.txt) builds the site with the website's own pins."""
    site = _pins(ROOT / "site" / "requirements.txt")
    assert "jupyter-book" in site and site["jupyter-book"].startswith("1.")
    dev = _pins(ROOT / "requirements-dev.txt")
    assert {name: dev.get(name) for name in site} == site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory, chromium_path):
    """The website, built from this working tree once per session: (folder, seconds)."""
    work = tmp_path_factory.mktemp("website")
    out = work / "site"
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out),
         "--work", str(work / "work"), "--hub", ""],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    seconds = time.monotonic() - start
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "build.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, f"the site did not build:\n{result.stderr[-3000:]}"
    return out, seconds, work / "work"


@pytest.fixture(scope="session")
def server(site):
    out, *_ = site
    handler = functools.partial(_Quiet, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class Visit:
    """One page opened at 1280×800, with every request it made recorded."""

    def __init__(self, browser, base: str, path: str):
        self.base = base
        self.outside: list[str] = []  # requests for anything not on 127.0.0.1 (aborted)
        self.failed: list[str] = []  # local requests answered with an error
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)
        self.page.goto(base + path, wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _response(self, response):
        if response.status >= 400 and not response.url.endswith("favicon.ico"):
            self.failed.append(f"{response.status} {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(path: str) -> Visit:
        v = Visit(browser, server, path)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()


IMAGES = """() => [...document.querySelectorAll('img')].map(i => ({
  src: i.currentSrc.slice(0, 60), alt: i.getAttribute('alt'), ok: i.complete && i.naturalWidth > 0,
  inWidget: i.closest('.widget-subarea') !== null, inOutput: i.closest('.cell_output') !== null,
}))"""

SAVED = """() => {
  const tag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const ids = Object.values(JSON.parse(tag.textContent).state)
    .map(m => String(m.state._anywidget_id || ''));
  const count = names => ids.filter(i => names.includes(i)).length;
  return {
    figures: count(['nnlib.widgets.FigureImage']),
    sliders: count(['nnlib.widgets.Slider', 'nnlib.widgets.LogSlider', 'nnlib.widgets.IntSlider']),
    playgrounds: ids.filter(i => i.endsWith('.Playground')).length,
  };
}"""

RENDERED = f"""() => {{
  const views = [...document.querySelectorAll('{WIDGET_VIEW}')];
  return views.length > 0 && views.every(v => {{
    const area = v.parentElement.querySelector('.widget-subarea');
    return area !== null && area.children.length > 0;
  }});
}}"""


def check_common(v: Visit, name: str) -> None:
    """What every page must satisfy: self-contained, images with alt text, accessible content."""
    page = v.page
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert not v.outside, f"{name}: requests leaving 127.0.0.1: {v.outside}"
    assert not v.failed, f"{name}: requests that failed: {v.failed}"
    images = page.evaluate(IMAGES)
    no_alt = [i["src"] for i in images if not (i["alt"] or "").strip()]
    assert not no_alt, f"{name}: images without alt text: {no_alt}"
    broken = [i["src"] for i in images if not i["ok"]]
    assert not broken, f"{name}: images that did not load: {broken}"
    ours = check_accessibility(page, name)
    assert not ours, f"{name}: accessibility violations in the page content:\n" + "\n".join(ours)


def check_accessibility(page, name: str) -> list[str]:
    """axe-core over the page's content (#main-content): serious or critical violations fail.

    Code cells are all highlighted alike (the theme's Pygments colours), and checking the
    contrast of every token takes most of axe's time: they are checked on chapter 00 and
    the home page, and left out on the other chapter pages.
    """
    from axe_playwright_python.sync_playwright import Axe

    context: str | dict = "#main-content"
    if name not in {"00_start_here", "index"}:
        context = {"include": [["#main-content"]], "exclude": [[".cell_input .highlight"]]}
    results = Axe().run(page, context=context).response
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(results["violations"], indent=1))
    return [
        f"{violation['id']} ({violation['impact']}) at {node['target'][0]}: "
        + node["failureSummary"].splitlines()[-1].strip()
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def test_the_site_is_whole_and_small(site):
    out, seconds, _ = site
    pages = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*.html") if "_static" not in p.parts
    )
    expected = sorted(
        [f"notebooks/{Path(ch['file']).stem}.html" for ch in CHAPTERS]
        + OTHER_PAGES
        + ["genindex.html"]
    )
    assert pages == expected
    # The download button gives each chapter as the repository holds it.
    for ch in CHAPTERS:
        download = out / "_sources" / "notebooks" / ch["file"]
        assert download.read_bytes() == (ROOT / "notebooks" / ch["file"]).read_bytes()
    sizes = {p: (out / p).stat().st_size for p in pages}
    assert max(sizes.values()) < MAX_PAGE_BYTES, sizes
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    report = {"build_seconds": round(seconds), "site_bytes": total, "page_bytes": sizes}
    (ARTIFACTS / "size.json").write_text(json.dumps(report, indent=1))
    # Nothing in any page names a script, stylesheet or font outside the site.
    outside = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//')
    for p in pages:
        text = (out / p).read_text(encoding="utf-8")
        assert not outside.search(text), f"{p} loads something from outside the site"
    for p in out.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", p.read_text(errors="replace")), p


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[ch["number"] for ch in CHAPTERS])
def test_chapter_page(visit, chapter):
    stem = Path(chapter["file"]).stem
    v = visit(f"notebooks/{stem}.html")
    page = v.page
    page.wait_for_function(RENDERED, timeout=60_000)
    views = page.locator(WIDGET_VIEW).count()
    assert views >= 1, "every chapter has at least one explorer"
    text = page.inner_text("#main-content")
    for placeholder in PLACEHOLDERS:
        assert placeholder not in text, f"{stem}: '{placeholder}' on the page"
    assert page.locator(".widget-subarea .jupyter-widgets").count() >= views
    # Beside each explorer and playground, the note that live sliders need the launch button.
    notes = page.locator(".cell_output .course-site-note")
    assert notes.count() == views
    assert "launch button" in notes.first.inner_text()
    # Figures: the chapter's own and those inside its widgets, drawn, with their alt text.
    images = page.evaluate(IMAGES)
    figures = [i for i in images if i["inOutput"]]
    assert figures, f"{stem}: no figure on the page"
    assert all(i["alt"].startswith("Figure") or len(i["alt"]) > 20 for i in figures), figures
    widget_figures = [i for i in images if i["inWidget"]]
    for i in widget_figures:
        assert i["src"].startswith("blob:") and i["ok"], i
    # Every explorer's picture, course slider and playground in the saved state is drawn.
    saved = page.evaluate(SAVED)
    drawn = [i for i in widget_figures if i["src"].startswith("blob:")]
    assert len(drawn) == saved["figures"], (len(drawn), saved)
    assert page.locator(COURSE_SLIDER).count() == saved["sliders"], saved
    # The playground draws its network, data and loss from the saved frame alone.
    playgrounds = page.locator(".cell_output .widget-subarea:has(.nnpg-play)")
    assert playgrounds.count() == saved["playgrounds"], saved
    for k in range(saved["playgrounds"]):
        area = playgrounds.nth(k)
        assert "training loss" in area.inner_text()
        assert area.locator("canvas, svg").count() >= 2
    # A course slider moves from the keyboard: the widget's JavaScript runs without a kernel.
    sliders = page.locator(COURSE_SLIDER)
    if sliders.count():
        slider = sliders.first
        slider.scroll_into_view_if_needed()
        before = slider.input_value()
        slider.focus()
        page.keyboard.press("ArrowRight")
        if slider.input_value() == before:  # it starts at its maximum
            page.keyboard.press("ArrowLeft")
        assert slider.input_value() != before, "the slider did not move"
    # At the top, what the page is and how to run the chapter (Colab needs nnlib first).
    tip = page.locator(".admonition.tip").first.inner_text()
    assert "Reading this chapter" in tip and "!pip install" in tip
    # Every exercise's check runs and says so.
    assert "Not done yet" in text
    check_launch_links(page, chapter)
    check_common(v, stem)
    assert not [e for e in v.errors if "Queue" in e or "anywidget" in e], v.errors


def check_launch_links(page, chapter: dict) -> None:
    hrefs = page.eval_on_selector_all(
        ".dropdown-launch-buttons a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert links.binder_url(COURSE, chapter["file"]) in hrefs
    assert build_site.colab_url(COURSE, chapter["file"]) in hrefs
    hub = [h for h in hrefs if "jupyterhub.html" in h]
    assert hub == [f"../jupyterhub.html?chapter={chapter['file']}"]
    stem = Path(chapter["file"]).stem
    downloads = page.eval_on_selector_all(
        ".dropdown-download-buttons a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert f"../_sources/notebooks/{stem}.ipynb" in downloads
    repo = page.eval_on_selector_all(
        "a.btn[href^='https://github.com']", "els => els.map(a => a.getAttribute('href'))"
    )
    assert links.repository_url(COURSE) in repo


def test_home_page(visit):
    v = visit("index.html")
    page = v.page
    rows = page.locator("#the-chapters table tbody tr")
    assert rows.count() == len(CHAPTERS)
    for row, ch in zip(rows.all(), CHAPTERS, strict=True):
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        assert cells[0] == ch["number"] and cells[1] == ch["title"]
        assert cells[3] == f"{ch['minutes']} min"
        assert cells[4] == (", ".join(ch["prerequisites"]) or "none")
        href = row.locator("td").nth(1).locator("a").get_attribute("href")
        assert href == f"notebooks/{Path(ch['file']).stem}.html"
        run = row.locator("td").nth(5).locator("a")
        assert run.first.get_attribute("href") == links.binder_url(COURSE, ch["file"])
    text = page.inner_text("#main-content")
    for way in ("Binder", "Colab", "JupyterHub", "your own machine"):
        assert way in text
    check_common(v, "index")


def test_instructor_guide_page(visit):
    v = visit("docs/instructors.html")
    assert "For instructors" in v.page.inner_text("h1")
    check_common(v, "instructors")


def test_search_finds_chapters(visit):
    v = visit("search.html?q=backpropagation")
    v.page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    found = v.page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))"
    )
    assert any("07_backpropagation" in h for h in found), found
    check_common(v, "search")


def test_jupyterhub_page_builds_the_nbgitpuller_link(visit):
    chapter = CHAPTERS[1]["file"]
    v = visit(f"jupyterhub.html?chapter={chapter}")
    page = v.page
    assert page.locator("#hub-chapter").input_value() == chapter
    page.fill("#hub-address", HUB + "/")
    href = page.locator("#hub-link").get_attribute("href")
    assert href == links.nbgitpuller_url(COURSE, chapter, hub=HUB)
    check_common(v, "jupyterhub")


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def test_every_internal_link_resolves(site):
    out, *_ = site
    parsed = {}
    for page in out.rglob("*.html"):
        p = _Links()
        p.feed(page.read_text(encoding="utf-8"))
        parsed[page.resolve()] = p
    checked = 0
    broken = []
    for page, p in parsed.items():
        for href in p.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(out)}: {href}")
            elif parts.fragment and target in parsed:
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{page.relative_to(out)}: {href} (no such anchor)")
    assert checked > 100
    assert not broken, "\n".join(broken)


@pytest.fixture(scope="session")
def hub_site(site):
    """The same site built with a hub address (the executed chapters are reused)."""
    out, _, work = site
    hub_out = out.parent / "site-hub"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(hub_out),
         "--work", str(work), "--hub", HUB, "--reuse-executed"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, f"the site did not build:\n{result.stderr[-3000:]}"
    return hub_out


def _query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("chapter", CHAPTERS[:2], ids=[ch["number"] for ch in CHAPTERS[:2]])
def test_jupyterhub_button_of_a_hub_build(hub_site, chapter):
    """Built with --hub, the JupyterHub button opens tools/links.py's nbgitpuller link."""
    page = hub_site / "notebooks" / f"{Path(chapter['file']).stem}.html"
    hrefs = [
        h.replace("&amp;", "&")
        for h in re.findall(r'href="([^"]*git-pull[^"]*)"', page.read_text(encoding="utf-8"))
    ]
    assert len(hrefs) == 1, hrefs
    ours = links.nbgitpuller_url(COURSE, chapter["file"], hub=HUB)
    assert hrefs[0].split("?")[0] == ours.split("?")[0] == f"{HUB}/hub/user-redirect/git-pull"
    assert _query(hrefs[0]) == _query(ours)
    assert "jupyterhub.html" not in page.read_text(encoding="utf-8")
    home = (hub_site / "index.html").read_text(encoding="utf-8")
    assert HUB in home
