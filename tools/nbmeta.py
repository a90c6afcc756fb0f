"""Give notebooks complete kernel metadata, as JupyterLab itself writes it.

When a notebook's ``kernelspec`` or ``language_info`` differs from what the
running kernel reports, JupyterLab rewrites it as soon as the kernel starts,
and the notebook shows as modified although the learner changed nothing;
autosave then writes into the tracked file. This tool asks a real kernel (the
``python3`` kernel of this environment) what JupyterLab will ask it, and
writes exactly that into each notebook, leaving everything else alone.

    python tools/nbmeta.py notebooks/            # write the metadata
    python tools/nbmeta.py --check notebooks/    # exit 1 and list notebooks that lack it

``language_info.version`` is the Python version of the kernel that answered:
run the tool with the course's Python (``.venv/bin/python``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

KERNEL = "python3"


def kernel_metadata(kernel_name: str = KERNEL) -> dict:
    """The ``kernelspec`` and ``language_info`` JupyterLab writes for ``kernel_name``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import start_new_kernel

    spec = KernelSpecManager().get_kernel_spec(kernel_name)
    km, kc = start_new_kernel(kernel_name=kernel_name)
    try:
        msg_id = kc.kernel_info()
        while True:
            reply = kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        language_info = reply["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "kernelspec": {
            "display_name": spec.display_name,
            "language": spec.language,
            "name": kernel_name,
        },
        "language_info": language_info,
    }


def notebooks(paths: list[str]) -> list[Path]:
    found = []
    for p in map(Path, paths):
        found += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    return found


def missing(nb: dict, wanted: dict) -> list[str]:
    """Which of ``wanted``'s keys the notebook's metadata lacks or holds differently."""
    return [key for key, value in wanted.items() if nb.get("metadata", {}).get(key) != value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    parser.add_argument("--check", action="store_true", help="only report; change nothing")
    args = parser.parse_args(argv)
    wanted = kernel_metadata()
    bad = 0
    for path in notebooks(args.paths):
        nb = json.loads(path.read_text(encoding="utf-8"))
        lacking = missing(nb, wanted)
        if not lacking:
            continue
        if args.check:
            bad += 1
            print(f"{path}: {', '.join(lacking)} differ from what the kernel reports")
            continue
        nb.setdefault("metadata", {}).update(wanted)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path}: wrote {', '.join(lacking)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
