"""The template notebooks: one parameters cell, a neutral kernel, built from their sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks  # noqa: E402

from kagglekit.params import RESERVED, read_declared  # noqa: E402

NOTEBOOKS = sorted(build_notebooks.TARGET.glob("*/*.ipynb"))


def test_there_are_notebooks():
    expected = {"01_baseline", "02_error_analysis", "03_inference"}
    assert {path.stem for path in NOTEBOOKS} >= expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_notebook_has_one_parameters_cell_and_a_neutral_kernel(path):
    notebook = json.loads(path.read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]

    assert len(tagged) == 1
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")
    assert {"project_dir", "run_dir"} <= set(read_declared(path).defaults)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebooks_do_not_shell_out(path):
    sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
               if c["cell_type"] == "code"]
    assert not [s for s in sources if any(line.lstrip().startswith(("!", "%"))
                                          for line in s.splitlines())]


def test_the_notebooks_match_their_sources():
    stale = [
        str(target.relative_to(ROOT))
        for source, target in build_notebooks.targets().items()
        if not target.exists() or target.read_text() != build_notebooks.build_notebook(source)
    ]
    assert not stale, f"run `python tools/build_notebooks.py`: {stale}"


def test_reserved_parameters_are_the_ones_run_fills_in():
    assert RESERVED == {"project_dir", "run_dir", "model_path"}
