"""Generate, or check, every launch link and chapter table from course.toml.

    python tools/links.py           # check: list what is out of date, exit 1 if anything is
    python tools/links.py --write   # rewrite README.md and the notebooks in place

Generated text sits between marker comments, which Markdown renders as
nothing:

    <!-- begin: NAME -->  ...  <!-- end: NAME -->

README.md has the blocks ``binder-badge`` and ``chapters``; docs/instructors.md
has ``instructor-chapters``; the first cell of every notebook has ``launch``;
00_start_here has ``chapter-map``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def load_course(root: Path = ROOT) -> dict:
    with open(root / "course.toml", "rb") as f:
        return tomllib.load(f)


def binder_url(course: dict, notebook: str = "00_start_here.ipynb") -> str:
    """The Binder address that opens JupyterLab on one notebook."""
    return (
        f"https://mybinder.org/v2/gh/{course['repository']}/{course['branch']}"
        f"?urlpath=lab/tree/notebooks/{notebook}"
    )


def _chapter_exists(root: Path, chapter: dict) -> bool:
    return (root / "notebooks" / chapter["file"]).exists()


def _prereqs(chapter: dict) -> str:
    return ", ".join(chapter["prerequisites"]) or "none"


def readme_blocks(course: dict, root: Path = ROOT) -> dict[str, str]:
    badge = f"[![Launch the course on Binder]({BINDER_BADGE})]({binder_url(course)})"
    rows = [
        "| # | Chapter | Afterwards you can… | Time | Needs | Launch |",
        "|---|---|---|---|---|---|",
    ]
    for ch in course["chapter"]:
        if _chapter_exists(root, ch):
            title = f"[{ch['title']}](notebooks/{ch['file']})"
            launch = f"[Binder]({binder_url(course, ch['file'])})"
        else:
            title, launch = f"{ch['title']} *(being written)*", "–"
        rows.append(
            f"| {ch['number']} | {title} | {ch['outcome']} | {ch['minutes']} min"
            f" | {_prereqs(ch)} | {launch} |"
        )
    return {"binder-badge": badge, "chapters": "\n".join(rows)}


def repository_url(course: dict) -> str:
    return f"https://github.com/{course['repository']}"


def clone_folder(repo_url: str) -> str:
    """The folder nbgitpuller clones ``repo_url`` into, in the student's home.

    nbgitpuller names it after the URL's last path component, as is (a ``.git``
    ending stays): ``https://github.com/nn-course/how-neural-networks-learn`` and
    ``git://127.0.0.1:9418/how-neural-networks-learn`` both give
    ``how-neural-networks-learn``.
    """
    return repo_url.rstrip("/").split("/")[-1]


def nbgitpuller_path(repo_url: str, branch: str, path: str) -> str:
    """The part of an nbgitpuller link after a hub's address.

    Opening ``https://HUB`` + this path logs the student in, starts their server,
    clones ``repo_url`` into their home (or, on a later click, merges its new
    commits into their copy) and opens JupyterLab on ``path``, a file of the
    repository such as ``notebooks/01_limits.ipynb``. The docs' table and the
    JupyterHub test (tests/hub) both build their links here.
    """
    from urllib.parse import quote

    repo = quote(repo_url, safe="")
    branch = quote(branch, safe="")
    urlpath = quote(f"lab/tree/{clone_folder(repo_url)}/{path}", safe="")
    return f"/hub/user-redirect/git-pull?repo={repo}&branch={branch}&urlpath={urlpath}"


def nbgitpuller_url(course: dict, notebook: str, hub: str = "https://YOUR-HUB") -> str:
    """An nbgitpuller link: clones (or updates) the course on a JupyterHub, opens a chapter."""
    path = nbgitpuller_path(repository_url(course), course["branch"], f"notebooks/{notebook}")
    return hub.rstrip("/") + path


def instructor_blocks(course: dict, root: Path = ROOT) -> dict[str, str]:
    rows = [
        "| # | Chapter | Time | Needs | Binder | nbgitpuller path (after your hub's address) |",
        "|---|---|---|---|---|---|",
    ]
    for ch in course["chapter"]:
        if not _chapter_exists(root, ch):
            continue
        puller = nbgitpuller_url(course, ch["file"], hub="")
        rows.append(
            f"| {ch['number']} | [{ch['title']}](../notebooks/{ch['file']}) | {ch['minutes']} min"
            f" | {_prereqs(ch)} | [launch]({binder_url(course, ch['file'])}) | `{puller}` |"
        )
    return {"instructor-chapters": "\n".join(rows)}


def notebook_blocks(course: dict, notebook: str, root: Path = ROOT) -> dict[str, str]:
    blocks = {
        "launch": (
            f"[▶ Open this chapter on Binder]({binder_url(course, notebook)}) "
            "(runs in your browser, nothing to install)"
        )
    }
    if notebook.startswith("00_"):
        rows = ["| # | Chapter | Needs | Time |", "|---|---|---|---|"]
        for ch in course["chapter"]:
            if _chapter_exists(root, ch):
                title = f"[{ch['title']}]({ch['file']})"
            else:
                title = f"{ch['title']} *(being written)*"
            rows.append(f"| {ch['number']} | {title} | {_prereqs(ch)} | {ch['minutes']} min |")
        blocks["chapter-map"] = "\n".join(rows)
    return blocks


_BLOCK = re.compile(r"(<!-- begin: ([\w-]+) -->)(.*?)(<!-- end: \2 -->)", re.S)


def fill_blocks(text: str, blocks: dict[str, str]) -> tuple[str, set[str]]:
    """Replace the body of every marked block named in ``blocks``; return the
    new text and the names of the blocks found."""
    found: set[str] = set()

    def repl(m: re.Match) -> str:
        name = m.group(2)
        if name not in blocks:
            return m.group(0)
        found.add(name)
        return f"{m.group(1)}\n{blocks[name]}\n{m.group(4)}"

    return _BLOCK.sub(repl, text), found


def _update_readme(course: dict, root: Path, write: bool) -> list[str]:
    path = root / "README.md"
    old = path.read_text(encoding="utf-8")
    blocks = readme_blocks(course, root)
    new, found = fill_blocks(old, blocks)
    problems = [f"README.md: no '{name}' block" for name in sorted(set(blocks) - found)]
    if new != old:
        problems.append("README.md: generated links or chapter table out of date")
        if write:
            path.write_text(new, encoding="utf-8")
    return problems


def _update_notebook(course: dict, path: Path, root: Path, write: bool) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    blocks = notebook_blocks(course, path.name, root)
    found_all: set[str] = set()
    changed = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new, found = fill_blocks(src, blocks)
        found_all |= found
        if new != src:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    name = f"notebooks/{path.name}"
    problems = [f"{name}: no '{b}' block" for b in sorted(set(blocks) - found_all)]
    if changed:
        problems.append(f"{name}: generated links out of date")
        if write:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return problems


def _update_markdown(path: Path, blocks: dict[str, str], root: Path, write: bool) -> list[str]:
    old = path.read_text(encoding="utf-8")
    new, found = fill_blocks(old, blocks)
    name = path.relative_to(root)
    problems = [f"{name}: no '{b}' block" for b in sorted(set(blocks) - found)]
    if new != old:
        problems.append(f"{name}: generated links out of date")
        if write:
            path.write_text(new, encoding="utf-8")
    return problems


def update(root: Path = ROOT, write: bool = False) -> list[str]:
    """Check (and with ``write`` fix) every generated block; return the problems found."""
    course = load_course(root)
    problems = _update_readme(course, root, write)
    guide = root / "docs" / "instructors.md"
    if guide.exists():
        problems += _update_markdown(guide, instructor_blocks(course, root), root, write)
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        problems += _update_notebook(course, path, root, write)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the files in place")
    args = parser.parse_args(argv)
    problems = update(write=args.write)
    for p in problems:
        print(("fixed: " if args.write else "") + p)
    missing = [p for p in problems if "no '" in p]
    return 1 if missing or (problems and not args.write) else 0


if __name__ == "__main__":
    sys.exit(main())
