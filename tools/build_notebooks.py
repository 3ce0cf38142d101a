"""Build the template notebooks from their sources in tools/notebooks/.

Each source is a Python file in the percent format: `# %%` starts a code cell,
`# %% [markdown]` a markdown cell (its lines start with `# `), and
`# %% tags=["parameters"]` the one cell of parameters. Run `python tools/build_notebooks.py`
after editing a source; a test checks that the notebooks match their sources.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebooks"
TARGET = ROOT / "templates" / "project" / "{{cookiecutter.project_dir}}" / "notebooks"

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_CELL = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def parse_cells(text: str) -> list[dict]:
    """Cells of a percent-format source."""
    cells: list[dict] = []
    for line in text.splitlines():
        marker = _CELL.match(line)
        if marker:
            kind = "markdown" if marker["markdown"] else "code"
            tags = json.loads(marker["tags"]) if marker["tags"] else []
            cells.append({"kind": kind, "tags": tags, "lines": []})
        elif cells:
            cells[-1]["lines"].append(line)
    return [_to_cell(cell) for cell in cells]


def _to_cell(cell: dict) -> dict:
    lines = cell["lines"]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if cell["kind"] == "markdown":
        lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
    source = [line + "\n" for line in lines]
    if source:
        source[-1] = source[-1].rstrip("\n")
    metadata = {"tags": cell["tags"]} if cell["tags"] else {}
    if cell["kind"] == "markdown":
        return {"cell_type": "markdown", "metadata": metadata, "source": source}
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def build_notebook(source: Path) -> str:
    """The notebook JSON text for one source file."""
    notebook = {
        "cells": parse_cells(source.read_text(encoding="utf-8")),
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number:02d}"
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def targets() -> dict[Path, Path]:
    """Each source and the notebook built from it."""
    return {
        source: TARGET / source.parent.name / (source.stem + ".ipynb")
        for source in sorted(SOURCES.glob("*/*.py"))
    }


def main() -> int:
    for source, target in targets().items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(build_notebook(source), encoding="utf-8")
        print(f"built {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
