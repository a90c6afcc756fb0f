"""A class release: the whole course without our solutions and hidden cases.

    python -m nnlib.instructor release --out DIR [--no-hints]

writes a folder laid out like this repository (notebooks, README,
requirements, ``binder/``, ``jupyter-config/``, ``docs/`` and nnlib's source
tree) without ``nnlib/solutions/``, the one package that holds solutions and
hidden cases, and without ``tests/``, whose correct answers written in other
styles are solutions by another name. The README's test command then runs
every chapter notebook (nbval), with nnlib's coverage reported, not required.
In it, a learner's checks use the public cases, ``solution(id)`` says in one
sentence that solutions are not part of that copy, and with ``--no-hints``
every hint ladder is replaced by one sentence too. Publish the folder as the
class's own repository (Binder links and nbgitpuller links then point at it).

The grader uses ``copy_library`` to give its sandbox the same nnlib.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

#: What a release holds, relative to the course's folder (folders copied whole).
RELEASE_FILES = (
    "README.md",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "course.toml",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    ".gitignore",
    "binder",
    "jupyter-config",
    "docs",
    "notebooks",
    "tools",
    "my-work",
    "nnlib",
)
#: Left out of every release: solutions and hidden cases, and what Python leaves behind.
PRIVATE = "solutions"
_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
NO_HINTS = "Hints are not part of this copy of the course: ask your instructor."


class ReleaseError(Exception):
    """The release cannot be written; the message says why."""


def course_root() -> Path:
    """The folder of the course this nnlib was installed from (it holds course.toml)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "course.toml").is_file() or not (root / "notebooks").is_dir():
        raise ReleaseError(
            f"{root} is not a copy of the course (no course.toml and notebooks/ beside nnlib/):"
            " run this from a clone of the course, with nnlib installed from it (pip install -e .)"
        )
    return root


def copy_library(dest: Path, *, hints: bool = True) -> Path:
    """Copy nnlib's source tree, without its solutions, to ``dest/nnlib``; return that folder."""
    src = Path(__file__).resolve().parent
    target = dest / "nnlib"
    shutil.copytree(src, target, ignore=shutil.ignore_patterns(PRIVATE, "__pycache__", "*.pyc"))
    if not hints:
        for module in sorted((target / "chapters").glob("ch*.py")):
            module.write_text(strip_hints(module.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def strip_hints(source: str) -> str:
    """Replace the ``hints=(...)`` of every ``exercise(...)`` call by one sentence."""
    tree = ast.parse(source)
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "exercise":
            for kw in node.keywords:
                if kw.arg == "hints":
                    v = kw.value
                    spans.append((v.lineno, v.col_offset, v.end_lineno, v.end_col_offset))
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    text = source
    for lineno, col, end_lineno, end_col in sorted(spans, reverse=True):
        start = offsets[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode())
        end = offsets[end_lineno - 1] + len(lines[end_lineno - 1].encode()[:end_col].decode())
        text = text[:start] + f"({NO_HINTS!r},)" + text[end:]
    return text


_CODE_SPAN = re.compile(r"`[^`\n]*`")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?;])|(?<=[.!?;]\*)|(?<=[.!?;]\*\*))\s+")
# "…, and `solution("05.1")` shows ours once you have tried": only that clause goes
_SOLUTION_CLAUSE = re.compile(
    r",?\s+and\s+`solution\([^`]*\)`\s+shows\s+ours\s+once\s+you\s+have\s+tried"
)


def drop_solution_prompts(text: str) -> str:
    """Markdown without the sentences that offer ``solution(...)`` (a release has none).

    Sentences may run over several lines; code spans are kept whole while
    splitting; paragraphs and list items are never merged.
    """
    spans: list[str] = []

    def mask(m):
        spans.append(m.group(0))
        return f"\0{len(spans) - 1}\0"

    def unmask(t: str) -> str:
        return re.sub("\0(\\d+)\0", lambda m: spans[int(m.group(1))], t)

    masked = _CODE_SPAN.sub(mask, _SOLUTION_CLAUSE.sub("", text))
    out = []
    for block in re.split(r"(\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s))", masked):
        if "solution(" not in unmask(block) or block.strip() == "":
            out.append(block)
            continue
        pieces = _SENTENCE_END.split(block)
        kept = []
        for index, piece in enumerate(pieces):
            if "solution(" in unmask(piece):
                continue
            dropped_next = index + 1 < len(pieces) and "solution(" in unmask(pieces[index + 1])
            kept.append(piece[:-1] + "." if piece.endswith(";") and dropped_next else piece)
        out.append(" ".join(kept))
    return unmask("".join(out))


def _edit_notebook_prompts(path: Path) -> None:
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new = drop_solution_prompts(src)
        if new != src:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _move_links(out: Path, repository: str) -> None:
    """Point the release's launch links at the class's own repository (tools/links.py)."""
    import subprocess
    import sys

    toml = out / "course.toml"
    text = re.sub(r'^repository = "[^"]*"', f'repository = "{repository}"', toml.read_text(
        encoding="utf-8"), count=1, flags=re.M)  # fmt: skip
    toml.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(out / "tools" / "links.py"), "--write"], cwd=out,
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise ReleaseError(f"could not rewrite the launch links: {done.stdout}{done.stderr}")


def write_release(
    out: Path, *, hints: bool = True, force: bool = False, repository: str | None = None
) -> list[Path]:
    """Write the class release into ``out``; return the top-level paths written.

    ``repository`` ("owner/name" on GitHub): where the class's copy will live; the
    README's and the notebooks' launch links (Binder, nbgitpuller) are rewritten for it.
    """
    if repository is not None and not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise ReleaseError(f"--repository takes owner/name as on GitHub, got {repository!r}")
    root = course_root()
    out = Path(out)
    if out.exists():
        if not force:
            raise ReleaseError(f"{out} exists already; use --force to replace it")
        if (out / "nnlib" / PRIVATE).exists() or out.resolve() == root:
            raise ReleaseError(f"{out} looks like the course itself; refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for name in RELEASE_FILES:
        src = root / name
        if not src.exists():
            continue
        if name == "nnlib":
            copy_library(out, hints=hints)
        elif src.is_dir():
            shutil.copytree(src, out / name, ignore=_JUNK)
        else:
            shutil.copy2(src, out / name)
        written.append(out / name)
    pyproject = out / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace(', "nnlib.solutions"', "")
    text = text.replace('testpaths = ["tests", "notebooks"]', 'testpaths = ["notebooks"]')
    text = re.sub(
        r"fail_under = \d+",
        "# A class release has no unit tests (their right answers are solutions too):\n"
        "# its test command runs every chapter, and coverage is reported, not required.\n"
        "fail_under = 0",
        text,
    )
    pyproject.write_text(text, encoding="utf-8")
    for notebook in sorted((out / "notebooks").glob("*.ipynb")):
        _edit_notebook_prompts(notebook)
    if repository:
        _move_links(out, repository)
    leaked = sorted(p for p in out.rglob("*") if p.name == PRIVATE and p.parent.name == "nnlib")
    if leaked:
        raise ReleaseError(f"the release holds {leaked[0]}")
    return written
