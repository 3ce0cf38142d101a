"""04_from_scratch: chapter 4 on the competition's own images, run only when named."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import copy_project, kagglekit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_notebooks  # noqa: E402

from kagglekit.params import read_declared  # noqa: E402
from kagglekit.runner import select_notebooks  # noqa: E402

NOTEBOOK = build_notebooks.TARGET / "image" / "04_from_scratch.ipynb"


def test_its_knobs_do_not_take_the_baselines_values_but_share_its_split():
    declared = read_declared(NOTEBOOK).defaults

    assert set(declared) == {
        "scratch_size", "scratch_epochs", "scratch_lr", "scratch_batch_size",
        "scratch_max_items", "valid_pct", "seed", "project_dir", "run_dir",
    }
    baseline = read_declared(NOTEBOOK.with_name("01_baseline.ipynb")).defaults
    assert (declared["valid_pct"], declared["seed"]) == (baseline["valid_pct"], baseline["seed"])


def test_it_trains_by_hand_without_a_fastai_learner():
    code = "".join(
        "".join(cell["source"])
        for cell in json.loads(NOTEBOOK.read_text())["cells"]
        if cell["cell_type"] == "code"
    )

    for step in ("requires_grad_()", ".backward()", "optimizer.step()", "optimizer.zero_grad()"):
        assert step in code
    for learner in ("Learner(", "vision_learner", "make_vision_learner", ".fit"):
        assert learner not in code


def test_it_runs_only_when_named(demo_project):
    assert "04_from_scratch" not in [path.stem for path in select_notebooks(demo_project, [])]
    assert [path.stem for path in select_notebooks(demo_project, ["04_from_scratch"])] == [
        "04_from_scratch"
    ]


@pytest.mark.slow
def test_it_runs_on_the_demo_and_records_its_scores_beside_the_baselines(trained_demo, tmp_path):
    project = copy_project(trained_demo[0], tmp_path / "demo")
    before = {run.name for run in (project / "runs").iterdir()}
    baseline_metrics = {
        run.name: (run / "metrics.json").read_text() for run in (project / "runs").iterdir()
    }

    result = kagglekit("run", "04_from_scratch", cwd=project)

    assert result.code == 0, result.stderr[-3000:]
    (run,) = [p for p in (project / "runs").iterdir() if p.name not in before]
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics) == {"from_scratch_pixel_mean_accuracy", "from_scratch_linear_accuracy"}
    # Ten digits: guessing scores 0.1; both methods do far better on this easy data.
    assert metrics["from_scratch_pixel_mean_accuracy"] > 0.6
    assert metrics["from_scratch_linear_accuracy"] > 0.8
    assert (run / "mean_images.png").stat().st_size > 0
    assert "linear-model accuracy on validation" in result.stderr
    for name, text in baseline_metrics.items():
        assert (project / "runs" / name / "metrics.json").read_text() == text
    executed = json.loads((run / "04_from_scratch.ipynb").read_text())
    shown = json.dumps(executed["cells"][-1]["outputs"])
    assert "fastai baseline (run " in shown


@pytest.mark.slow
def test_before_any_baseline_it_still_runs_and_says_so(demo_project, tmp_path):
    project = copy_project(demo_project, tmp_path / "demo")

    result = kagglekit("run", "04_from_scratch", "-p", "scratch_epochs=3", cwd=project)

    assert result.code == 0, result.stderr[-3000:]
    (run,) = list((project / "runs").iterdir())
    metrics = json.loads((run / "metrics.json").read_text())
    assert 0 <= metrics["from_scratch_linear_accuracy"] <= 1
    executed = (run / "04_from_scratch.ipynb").read_text()
    assert "no trained baseline yet" in executed
