"""Small helpers for editing the course notebooks as JSON (authors' tool, not for learners).

from tools.nbedit import load, save, md, code, answer, check_cell
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(name: str) -> dict:
    path = next((ROOT / "notebooks").glob(f"{name}*.ipynb"))
    return json.loads(path.read_text(encoding="utf-8"))


def save(name: str, nb: dict) -> Path:
    path = next((ROOT / "notebooks").glob(f"{name}*.ipynb"))
    nb.setdefault("metadata", {}).setdefault("nnlib", {})["chapter"] = path.name[:2]
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _cell(kind: str, text: str, metadata: dict | None = None) -> dict:
    cell = {
        "cell_type": kind,
        "id": uuid.uuid4().hex[:8],
        "metadata": metadata or {},
        "source": text.strip("\n").splitlines(keepends=True),
    }
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def md(text: str) -> dict:
    return _cell("markdown", text)


def code(text: str, metadata: dict | None = None) -> dict:
    return _cell("code", text, metadata)


def answer(ex_id: str) -> dict:
    """The answer cell of exercise ``ex_id``, holding the companion's placeholder."""
    from nnlib.exercises import get
    from nnlib.instructor import answer_metadata

    return _cell("code", get(ex_id).placeholder, answer_metadata(ex_id))


def check_cell(ex_id: str) -> dict:
    """The check cell of exercise ``ex_id``."""
    from nnlib.exercises import get
    from nnlib.instructor import check_source

    return _cell("code", check_source(get(ex_id)), {"nnlib": {"exercise": ex_id, "role": "check"}})


def exercise_cells(ex_id: str, text: str) -> list[dict]:
    """Markdown statement, answer cell and check cell of one exercise."""
    return [md(text), answer(ex_id), check_cell(ex_id)]
