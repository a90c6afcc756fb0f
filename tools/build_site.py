"""Build the course website (Jupyter Book 1) into _build/site/, offline.

    python tools/build_site.py                       # the whole site, into _build/site/
    python tools/build_site.py --hub https://hub.example.edu   # JupyterHub button for your hub

What it does, in order:

1. Fetches the browser side of the widgets and MathJax from the npm registry
   with ``npm pack`` (pinned versions, checked against their sha512; cached in
   _build/site-work/npm): the widget manager @jupyter-widgets/html-manager,
   RequireJS and MathJax 3. anywidget's own AMD module comes from the anywidget
   Python package installed here, so it always matches the kernel side.
2. Executes every chapter with nbclient (two at a time), saving the widget
   state, so that sliders, explorers and the playground render on the page in
   their starting state. Executed chapters are cached under
   _build/site-work/executed and reused while the notebook, nnlib and the pins
   are unchanged.
3. Stages the book in _build/site-work/src with the same layout as the
   repository (notebooks/…, docs/…), so that the launch buttons open the
   repository's paths: the home page (from site/index.md, with the chapter
   table and commands taken from course.toml and README.md), every executed
   chapter with a note beside each explorer, and docs/instructors.md. Links to
   files of the repository that are not pages become links to GitHub.
   Without --hub, a page (jupyterhub.html) asks for the hub's address and
   builds the chapter's nbgitpuller link (tools/links.py's) in the browser.
4. Runs Sphinx through Jupyter Book into _build/site/, gives the launch menu its
   ▶, drops Thebe's unused loader (it names a CDN), and prints the build time
   and the site's size.

The site makes no request outside itself: the widget manager, RequireJS,
anywidget, MathJax and their fonts are served from _vendor/ (not _static/,
whose every .js file Jupyter Book would add to every page), and the theme's
fonts from _static/.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import links  # noqa: E402

SITE = ROOT / "site"
DEFAULT_OUT = ROOT / "_build" / "site"
DEFAULT_WORK = ROOT / "_build" / "site-work"
COLAB = "https://colab.research.google.com"

#: npm packages the site serves itself: name, version, the tarball's sha512 (as npm prints it).
NPM = {
    "html-manager": (
        "@jupyter-widgets/html-manager",
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
    ),
    "requirejs": (
        "requirejs",
        "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
    ),
    "mathjax": (
        "mathjax",
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
    ),
}

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

EXPLORER_NOTE = (
    "<p class='course-site-note' role='note'><strong>On this page the explorer shows its "
    "starting state.</strong> Moving its sliders live needs the chapter running: use the "
    "launch button (<span aria-hidden='true'>▶</span> <em>Launch</em>) at the top of the "
    "page.</p>"
)
PLAYGROUND_NOTE = (
    "<p class='course-site-note' role='note'><strong>On this page the playground shows its "
    "starting state.</strong> Training it and changing its settings needs the chapter "
    "running: use the launch button (<span aria-hidden='true'>▶</span> <em>Launch</em>) at "
    "the top of the page.</p>"
)


def log(msg: str) -> None:
    print(f"[build_site] {msg}", flush=True)


# --------------------------------------------------------------------------- npm


def _sha512(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_npm(cache: Path) -> dict[str, Path]:
    """Each pinned npm package unpacked under ``cache``; ``npm pack`` fetches what is missing."""
    cache.mkdir(parents=True, exist_ok=True)
    unpacked = {}
    for key, (name, version, integrity) in NPM.items():
        tarball = cache / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
        if not tarball.exists() or _sha512(tarball) != integrity:
            npm = shutil.which("npm")
            if npm is None:
                raise SystemExit(
                    "npm is needed to fetch the widget manager, RequireJS and MathJax "
                    "(Debian/Ubuntu: apt install npm)"
                )
            log(f"npm pack {name}@{version}")
            subprocess.run(
                [npm, "pack", f"{name}@{version}", "--pack-destination", str(cache), "--silent"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        if _sha512(tarball) != integrity:
            raise SystemExit(f"{tarball.name}: sha512 differs from the pinned one")
        target = cache / f"{key}-{version}"
        if not (target / "package" / "package.json").exists():
            shutil.rmtree(target, ignore_errors=True)
            with tarfile.open(tarball) as tar:
                tar.extractall(target, filter="data")
        unpacked[key] = target / "package"
    return unpacked


def stage_vendor(npm: dict[str, Path], dest: Path) -> None:
    """The JavaScript every widget page loads, laid out under ``dest`` (served as _vendor/)."""
    import anywidget

    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(npm["requirejs"] / "require.js", dest / "require.js")
    shutil.copy2(SITE / "_vendor" / "widgets-setup.js", dest / "widgets-setup.js")
    manager = dest / "html-manager"
    manager.mkdir(exist_ok=True)
    for f in (npm["html-manager"] / "dist").iterdir():
        if f.name == "embed-amd.js":
            shutil.copy2(f, manager / f.name)
    for licence in (npm["html-manager"] / "dist").glob("*.LICENSE.txt"):
        shutil.copy2(licence, manager / licence.name)
    # The widget manager's icon fonts (Font Awesome 4), which its stylesheets look for next
    # to its modules' addresses (widgets-setup.js puts those in this folder).
    for f in (npm["html-manager"] / "dist").iterdir():
        if f.suffix in {".woff2", ".woff", ".ttf"}:
            shutil.copy2(f, manager / f.name)
    (dest / "anywidget").mkdir(exist_ok=True)
    shutil.copy2(
        Path(anywidget.__file__).parent / "nbextension" / "index.js",
        dest / "anywidget" / "index.js",
    )
    # MathJax 3: the TeX-to-HTML bundle, its fonts and the pieces it loads on demand.
    mj_src = npm["mathjax"] / "es5"
    mj = dest / "mathjax"
    shutil.rmtree(mj, ignore_errors=True)
    mj.mkdir()
    shutil.copy2(mj_src / "tex-mml-chtml.js", mj / "tex-mml-chtml.js")
    if (npm["mathjax"] / "LICENSE").exists():
        shutil.copy2(npm["mathjax"] / "LICENSE", mj / "LICENSE")
    for sub in ("output/chtml/fonts/woff-v2", "input/tex/extensions", "ui", "a11y"):
        if (mj_src / sub).exists():
            shutil.copytree(mj_src / sub, mj / sub)


# ---------------------------------------------------------------- execution


def _fingerprint(notebook: Path) -> str:
    """What an executed chapter depends on: itself, nnlib's code and the pinned packages."""
    h = hashlib.sha256(notebook.read_bytes())
    for path in sorted((ROOT / "nnlib").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".js", ".css", ".npz"}:
            h.update(path.relative_to(ROOT).as_posix().encode())
            h.update(path.read_bytes())
    h.update((ROOT / "requirements.txt").read_bytes())
    return h.hexdigest()


def execute_one(notebook: str, dest: str) -> tuple[str, float]:
    """Run one notebook on a fresh kernel with its widget state saved; write it to ``dest``."""
    import nbformat
    from nbclient import NotebookClient

    start = time.monotonic()
    path = Path(notebook)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(nb, dest)
    return path.name, time.monotonic() - start


def execute_all(
    notebooks: list[Path], cache: Path, jobs: int, reuse: bool = False
) -> dict[str, Path]:
    """Every chapter executed (from the cache when nothing it depends on changed,
    or whenever it is there if ``reuse``)."""
    cache.mkdir(parents=True, exist_ok=True)
    done: dict[str, Path] = {}
    todo = []
    for nb in notebooks:
        out = cache / nb.name
        stamp = cache / (nb.name + ".sha256")
        key = _fingerprint(nb)
        if out.exists() and stamp.exists() and (reuse or stamp.read_text() == key):
            done[nb.name] = out
        else:
            todo.append((nb, out, stamp, key))
    if done:
        log(f"{len(done)} chapter(s) unchanged since their last run: reused")
    if todo:
        log(f"executing {len(todo)} chapter(s), {jobs} at a time")
        # The kernels draw with matplotlib's inline backend; keep this process off any display.
        os.environ.setdefault("MPLBACKEND", "Agg")
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(execute_one, str(nb), str(out)): (nb, out, stamp, key)
                for nb, out, stamp, key in todo
            }
            for fut in concurrent.futures.as_completed(futures):
                nb, out, stamp, key = futures[fut]
                name, seconds = fut.result()
                stamp.write_text(key)
                done[nb.name] = out
                log(f"  {name}: {seconds:.1f} s")
    return done


# ------------------------------------------------------------------ staging


def _widget_states(nb: dict) -> dict:
    return nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


READING_NOTE = """\
:::{{admonition}} Reading this chapter, not running it
:class: tip
This page shows the chapter as a fresh run leaves it: its figures, the numbers
it prints, each exercise's check saying "Not done yet", and every explorer in
its starting state. To move the sliders live and do the exercises, open it with
the launch button (<span aria-hidden="true">▶</span> *Launch*) at the top of
the page: **Binder** needs nothing installed; on **Colab**, first run a new cell
holding `{colab_install}`; **JupyterHub** opens it on your institution's hub.
:::
"""


def add_reading_note(nb: dict, course: dict) -> None:
    """After the chapter's opening cell, say what the page is and how to run the chapter."""
    cell = {
        "cell_type": "markdown",
        "id": "course-site-reading-note",
        "metadata": {},
        "source": READING_NOTE.format(colab_install=colab_install(course)),
    }
    nb["cells"].insert(1, cell)


def add_notes(nb: dict) -> int:
    """After every widget output, a note that moving it live needs the launch button.

    Returns the number of notes added. The notes are outputs of the executed copy
    only; the chapters in notebooks/ are not touched.
    """
    states = _widget_states(nb)
    added = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            # The course's feedback type is for JupyterLab; the page shows its HTML form.
            out.get("data", {}).pop("application/vnd.nnlib.feedback+json", None)
            outputs.append(out)
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not view:
                continue
            state = states.get(view.get("model_id"), {}).get("state", {})
            playground = str(state.get("_anywidget_id", "")).endswith("Playground")
            note = PLAYGROUND_NOTE if playground else EXPLORER_NOTE
            outputs.append(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"text/html": note, "text/plain": "(note: launch to run live)"},
                }
            )
            added += 1
        cell["outputs"] = outputs
    return added


_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def rewrite_links(text: str, doc: Path, stage: Path, course: dict) -> str:
    """Relative links to repository files that are not pages of the site go to GitHub."""
    repo = links.repository_url(course)

    def repl(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/")):
            return m.group(0)
        path, _, frag = target.partition("#")
        resolved = (doc.parent / path).resolve()
        try:
            rel = resolved.relative_to(stage.resolve())
        except ValueError:
            return m.group(0)
        if (stage / rel).exists() and rel.suffix in {".md", ".ipynb"}:
            return m.group(0)
        kind = "tree" if (ROOT / rel).is_dir() else "blob"
        url = f"{repo}/{kind}/{course['branch']}/{quote(rel.as_posix())}"
        return f"{m.group(1)}{url}{'#' + frag if frag else ''}{m.group(3)}"

    return _MD_LINK.sub(repl, text)


def colab_url(course: dict, notebook: str) -> str:
    return f"{COLAB}/github/{course['repository']}/blob/{course['branch']}/notebooks/{notebook}"


def chapter_table(course: dict, stage: Path) -> str:
    rows = [
        "| # | Chapter | Afterwards you can… | Time | Needs | Run it |",
        "|---|---|---|---|---|---|",
    ]
    for ch in course["chapter"]:
        if not (stage / "notebooks" / ch["file"]).exists():
            continue
        needs = ", ".join(ch["prerequisites"]) or "none"
        run = (
            f"[Binder]({links.binder_url(course, ch['file'])}) · "
            f"[Colab]({colab_url(course, ch['file'])})"
        )
        rows.append(
            f"| {ch['number']} | [{ch['title']}](notebooks/{ch['file']}) | {ch['outcome']} "
            f"| {ch['minutes']} min | {needs} | {run} |"
        )
    return "\n".join(rows)


def readme_intro() -> str:
    """The README's opening paragraph (between the title and the first blank line)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1].lstrip("\n")
    return body.split("\n\n", 1)[0].strip()


def readme_command(number: int) -> str:
    """The command on the line after ``# N.`` in the README's set-up block."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"# {number}. "):
            return lines[i + 1].strip()
    raise SystemExit(f"README.md has no '# {number}.' command")


def colab_install(course: dict) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"`(!pip install [^`]+)`", text)
    if m:
        return m.group(1)
    return f'!pip install -q "nnlib @ git+{links.repository_url(course)}"'


def home_page(course: dict, stage: Path, hub: str) -> str:
    if hub:
        example = links.nbgitpuller_url(course, course["chapter"][0]["file"], hub=hub)
        hub_sentence = (
            f"The *JupyterHub* button of every chapter page opens it on [{hub}]({hub}) "
            f"([chapter 00 there]({example}))."
        )
    else:
        hub_sentence = (
            "The *JupyterHub* button of every chapter page asks for your hub's address "
            "and builds that link."
        )
    values = {
        "intro": readme_intro(),
        "chapters": chapter_table(course, stage),
        "colab_install": colab_install(course),
        "repository": links.repository_url(course),
        "setup_course": readme_command(1),
        "hub_sentence": hub_sentence,
    }
    text = (SITE / "index.md").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{ " + key + " }}", value)
    if "{{" in text:
        raise SystemExit("site/index.md: a {{ placeholder }} was left unfilled")
    return text


def hub_page(course: dict) -> str:
    """A page that turns a hub's address into the nbgitpuller link of a chapter (no hub set)."""
    template = links.nbgitpuller_url(course, "NOTEBOOK", hub="HUB")
    files = [ch["file"] for ch in course["chapter"]]
    return (
        (SITE / "jupyterhub.md")
        .read_text(encoding="utf-8")
        .replace(
            "{{ config }}",
            json.dumps({"template": template, "chapters": files}),
        )
    )


def toc(course: dict, stage: Path, with_hub_page: bool) -> str:
    lines = [
        "format: jb-book",
        "root: index",
        "parts:",
        "- caption: Chapters",
        "  chapters:",
    ]
    for ch in course["chapter"]:
        if (stage / "notebooks" / ch["file"]).exists():
            lines.append(f"  - file: notebooks/{Path(ch['file']).stem}")
    lines += ["- caption: Teaching with the course", "  chapters:", "  - file: docs/instructors"]
    if with_hub_page:
        lines.append("  - file: jupyterhub")
    return "\n".join(lines) + "\n"


def config(course: dict, hub: str) -> str:
    import yaml

    cfg = yaml.safe_load((SITE / "_config.yml").read_text(encoding="utf-8"))
    cfg["repository"]["url"] = links.repository_url(course)
    cfg["repository"]["branch"] = course["branch"]
    # Without a hub of your own, the JupyterHub button goes to jupyterhub.html, which
    # asks for the hub's address; the theme builds the rest of the nbgitpuller link.
    cfg["launch_buttons"]["jupyterhub_url"] = hub or "HUB-PAGE"
    sphinx = cfg["sphinx"]["config"]
    # Every script and stylesheet from this site (paths are relative to _static/).
    sphinx["mathjax_path"] = "../_vendor/mathjax/tex-mml-chtml.js"
    sphinx["nb_ipywidgets_js"] = {
        "../_vendor/require.js": {},
        "../_vendor/widgets-setup.js": {},
        # A "CDN" inside the site: a widget module it does not hold fails here, not abroad.
        "../_vendor/html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": "_vendor/none/"},
    }
    return yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True)


def stage_book(
    course: dict, stage: Path, executed: dict[str, Path], npm: dict[str, Path], hub: str
) -> dict[str, int]:
    """Lay out the book's source in ``stage``; return the number of notes per chapter."""
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "notebooks").mkdir(parents=True)
    (stage / "docs").mkdir()
    shutil.copytree(SITE / "_static", stage / "_static")
    stage_vendor(npm, stage / "_extra" / "_vendor")
    notes = {}
    for name, path in sorted(executed.items()):
        nb = json.loads(path.read_text(encoding="utf-8"))
        notes[name] = add_notes(nb)
        add_reading_note(nb, course)
        dest = stage / "notebooks" / name
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                src = "".join(cell["source"])
                cell["source"] = rewrite_links(src, dest, stage, course)
        dest.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    guide = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    dest = stage / "docs" / "instructors.md"
    dest.write_text(rewrite_links(guide, dest, stage, course), encoding="utf-8")
    (stage / "index.md").write_text(home_page(course, stage, hub), encoding="utf-8")
    if not hub:
        (stage / "jupyterhub.md").write_text(hub_page(course), encoding="utf-8")
    (stage / "_toc.yml").write_text(toc(course, stage, not hub), encoding="utf-8")
    (stage / "_config.yml").write_text(config(course, hub), encoding="utf-8")
    return notes


# -------------------------------------------------------------------- build


_THEBE = re.compile(
    r"\s*<script>const THEBE_JS_URL = [^<]*</script>"
    r'|\s*<script async="async" src="[^"]*sphinx-thebe\.js[^"]*"></script>'
)
_HUB_PAGE = re.compile(
    r'href="HUB-PAGE/hub/user-redirect/git-pull\?[^"]*?urlpath=[^"]*?notebooks/'
    r'([\w.-]+\.ipynb)[^"]*"'
)


def finish_pages(out: Path, hub: str) -> None:
    """Last touches to the HTML Jupyter Book writes.

    - Thebe (live code on the page through a remote kernel) is not used: its
      loader, which names a CDN, goes.
    - The launch menu shows ▶ (the notes beside the explorers point at it).
    - Without a hub address, the JupyterHub buttons go to jupyterhub.html, which asks for it.
    """
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = _THEBE.sub("", html)
        new = new.replace('<i class="fas fa-rocket"></i>', '<i class="fas fa-play"></i>')
        if not hub:
            new = _HUB_PAGE.sub(lambda m: f'href="../jupyterhub.html?chapter={m.group(1)}"', new)
        if new != html:
            page.write_text(new, encoding="utf-8")


def sphinx_build(stage: Path, out: Path, doctrees: Path) -> None:
    from jupyter_book.sphinx import build_sphinx

    shutil.rmtree(out, ignore_errors=True)
    result = build_sphinx(
        str(stage),
        str(out),
        noconfig=True,
        path_config=str(stage / "_config.yml"),
        confoverrides={
            "external_toc_path": (stage / "_toc.yml").as_posix(),
            "latex_individualpages": False,
        },
        doctreedir=str(doctrees),
        freshenv=True,
        quiet=True,
    )
    if result:
        raise SystemExit(f"Sphinx failed ({result})")


def site_report(out: Path) -> tuple[int, Path, int]:
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    pages = sorted(out.rglob("*.html"), key=lambda f: f.stat().st_size)
    return total, pages[-1], pages[-1].stat().st_size


def build(out: Path, work: Path, hub: str, jobs: int, reuse: bool = False) -> dict[str, int]:
    start = time.monotonic()
    course = links.load_course()
    npm = fetch_npm(work / "npm")
    notebooks = [
        ROOT / "notebooks" / ch["file"]
        for ch in course["chapter"]
        if (ROOT / "notebooks" / ch["file"]).exists()
    ]
    executed = execute_all(notebooks, work / "executed", jobs, reuse)
    notes = stage_book(course, work / "src", executed, npm, hub.rstrip("/"))
    log("rendering with Jupyter Book (Sphinx)")
    sphinx_build(work / "src", out, work / "doctrees")
    finish_pages(out, hub)
    # The download button gives the chapter as the repository has it (no outputs, no
    # notes), the file a learner works in, rather than the page's executed copy.
    for nb in notebooks:
        shutil.copy2(nb, out / "_sources" / "notebooks" / nb.name)
    (out / ".nojekyll").write_text("")
    total, largest, size = site_report(out)
    log(
        f"done in {time.monotonic() - start:.0f} s: {out} "
        f"({total / 1e6:.1f} MB; largest page {largest.relative_to(out)}, {size / 1e6:.2f} MB)"
    )
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the site goes")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="caches and staging")
    parser.add_argument(
        "--hub",
        default=os.environ.get("NNLIB_SITE_HUB", ""),
        help="your JupyterHub's address, for the JupyterHub launch button "
        "(default: $NNLIB_SITE_HUB; without one the button asks for it)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="chapters executed at once")
    parser.add_argument(
        "--reuse-executed",
        action="store_true",
        help="use the chapters already executed in --work even if the course changed since",
    )
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.work.resolve(), args.hub, args.jobs, args.reuse_executed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
