"""The user's path on the demo: `new demo`, `run`, `submit`, on the CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_project, kagglekit

pytestmark = pytest.mark.slow


def run_dir_of(project: Path) -> Path:
    (run,) = sorted((project / "runs").iterdir())
    return run


def test_run_leaves_everything_of_the_run_in_its_folder(trained_demo):
    project, result = trained_demo
    run = run_dir_of(project)

    for name in ("01_baseline.ipynb", "02_error_analysis.ipynb", "03_inference.ipynb",
                 "model.pkl", "metrics.json", "params.yaml", "run.json", "run.log",
                 "test_probabilities.csv", "test_predictions.csv", "confusion_matrix.png",
                 "top_losses.png", "coverage_accuracy.png", "reliability.png",
                 "most_confused.csv", "mislabel_candidates.csv"):
        assert (run / name).exists(), name
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "succeeded"
    assert record["device"].startswith("CPU")
    assert {"fastai", "torch", "papermill"} <= set(record["versions"])
    assert [n["name"] for n in record["notebooks"]] == [
        "01_baseline", "02_error_analysis", "03_inference"]
    assert yaml.safe_load((run / "params.yaml").read_text())["epochs"] == 4
    assert record["valid_score"] > 0.8


def test_run_shows_the_device_the_notebooks_and_epoch_lines(trained_demo):
    _, result = trained_demo

    assert "device: CPU" in result.stderr
    for name in ("01_baseline", "02_error_analysis", "03_inference"):
        assert f"▶ {name}.ipynb" in result.stderr
    assert result.stderr.count("  epoch ") == 4
    assert "accuracy on validation:" in result.stderr
    assert "Traceback" not in result.stderr


def test_executed_notebooks_record_paths_relative_to_the_project(trained_demo):
    project, _ = trained_demo
    run = run_dir_of(project)
    notebook = json.loads((run / "01_baseline.ipynb").read_text())

    recorded = notebook["metadata"]["papermill"]
    assert recorded["input_path"] == "notebooks/01_baseline.ipynb"
    assert recorded["output_path"] == f"runs/{run.name}/01_baseline.ipynb"
    # The templates themselves are never overwritten by a run.
    template = json.loads((project / "notebooks" / "01_baseline.ipynb").read_text())
    assert all(not c.get("outputs") for c in template["cells"] if c["cell_type"] == "code")


def test_predictions_cover_every_test_item_in_one_pass(trained_demo):
    project, _ = trained_demo
    run = run_dir_of(project)
    sample = pd.read_csv(project / "data" / "sample_submission.csv")
    probabilities = pd.read_csv(run / "test_probabilities.csv")
    predictions = pd.read_csv(run / "test_predictions.csv")

    assert sorted(probabilities["id"]) == sorted(sample["id"])
    assert list(probabilities.columns) == ["id", *[str(d) for d in range(10)]]
    assert probabilities.drop(columns="id").sum(axis=1).round(3).eq(1).all()
    assert list(predictions.columns) == ["id", "label", "confidence", "unknown"]


def test_submit_scores_the_demo_well_above_chance(trained_demo, tmp_path):
    project = copy_project(trained_demo[0], tmp_path / "demo")

    result = kagglekit("submit", cwd=project)

    assert result.code == 0, result.stderr
    run = run_dir_of(project)
    submission = pd.read_csv(run / "submission.csv")
    sample = pd.read_csv(project / "data" / "sample_submission.csv")
    assert list(submission.columns) == ["id", "label"]
    assert submission["id"].tolist() == sample["id"].tolist()
    assert str(run / "submission.csv") in result.stdout
    metric, value = result.last_line.split(": ")
    assert metric == "accuracy"
    assert float(value) > 0.8  # chance is 0.1
    record = json.loads((run / "run.json").read_text())
    assert record["public_score"] == float(value)


def test_a_failing_cell_fails_the_run_naming_the_notebook_and_cell(demo_project, tmp_path):
    project = copy_project(demo_project, tmp_path / "demo")
    broken = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
             "execution_count": None,
             "source": ["project_dir = '..'\n", "run_dir = '.'\n", "seed = 1"]},
            {"cell_type": "markdown", "metadata": {}, "source": ["A note."]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": ["print('before the failure')"]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": ["raise ValueError('the data is odd')"]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": ["print('never runs')"]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (project / "notebooks" / "05_broken.ipynb").write_text(json.dumps(broken))

    result = kagglekit("run", "05_broken", "-p", "seed=3", cwd=project)

    assert result.code == 6
    assert "05_broken.ipynb failed in code cell 3 (raise ValueError('the data is odd'))" in (
        result.stderr)
    assert "ValueError: the data is odd" in result.stderr
    assert "Traceback" not in result.stderr
    run = run_dir_of(project)
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "failed"
    assert (run / "05_broken.ipynb").exists()  # the partial output is kept
    assert "before the failure" in (run / "run.log").read_text()

    refused = kagglekit("submit", "--run", run.name, cwd=project)
    assert refused.code != 0
    assert f"run {run.name} failed" in refused.stderr


def test_missing_or_corrupt_test_images_are_listed_and_still_get_a_row(trained_demo, tmp_path):
    project = copy_project(trained_demo[0], tmp_path / "demo")
    sample = pd.read_csv(project / "data" / "sample_submission.csv")
    first, second = sample["id"].iloc[0], sample["id"].iloc[1]
    (project / "data" / "test" / f"{first}.png").unlink()
    (project / "data" / "test" / f"{second}.png").write_bytes(b"not a png")

    ran = kagglekit("run", "03_inference", cwd=project)

    assert ran.code == 0, ran.stderr[-2000:]
    assert "warning: 2 test images missing or unreadable" in ran.stderr
    submitted = kagglekit("submit", "--dry-run", cwd=project)
    assert submitted.code == 0, submitted.stderr
    record = json.loads((sorted((project / "runs").iterdir())[-1] / "run.json").read_text())
    assert record["model"].startswith("runs/") and record["model"].endswith("model.pkl")


def test_a_terminated_run_is_marked_interrupted_and_says_so(demo_project, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    project = copy_project(demo_project, tmp_path / "demo")
    process = subprocess.Popen([sys.executable, "-m", "kagglekit", "run", "-p", "epochs=50"],
                               cwd=project, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((project / "runs").glob("*/01_baseline.ipynb")):
        time.sleep(0.5)
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == 128 + signal.SIGTERM
    assert "interrupted; run" in stderr and "marked interrupted" in stderr
    assert "Traceback" not in stderr
    record = json.loads(next((project / "runs").glob("*/run.json")).read_text())
    assert record["status"] == "interrupted"
    assert record["notebooks"][-1]["status"] == "interrupted"


def test_a_run_whose_process_was_killed_shows_as_stopped(demo_project, tmp_path):
    import subprocess
    import sys

    project = copy_project(demo_project, tmp_path / "demo")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (project / "runs" / "20260101-000000").mkdir(parents=True)
    (project / "runs" / "20260101-000000" / "run.json").write_text(json.dumps({
        "id": "20260101-000000", "started": "2026-01-01T00:00:00+00:00", "status": "running",
        "pid": int(gone.stdout), "host": __import__("socket").gethostname(),
    }))
    (project / "runs" / "20260101-000001").mkdir()
    (project / "runs" / "20260101-000001" / "run.json").write_text("{not json")

    listed = kagglekit("runs", "--json", cwd=project)
    report = kagglekit("report", "20260101-000001", cwd=project)

    assert [run["status"] for run in json.loads(listed.stdout)] == ["stopped"]
    assert "run.json is not a readable run record" in listed.stderr
    assert report.code != 0 and "Traceback" not in report.stderr
    assert report.stderr.startswith("error: ") and "not a readable run record" in report.stderr
    assert len(report.stderr.strip().splitlines()) == 1


def test_runs_lists_each_run_with_its_status_scores_and_changed_parameters(trained_demo):
    project, _ = trained_demo

    listed = json.loads(kagglekit("runs", "--json", cwd=project).stdout)
    table = kagglekit("runs", cwd=project).stdout

    assert [run["status"] for run in listed][-1] == "succeeded"
    oldest = listed[-1]
    assert set(oldest) >= {"id", "started", "status", "params", "valid_score", "public_score"}
    assert oldest["params"] == {"epochs": 4, "size": 28}  # -p values differing from params.yaml
    assert isinstance(oldest["valid_score"], float)
    assert oldest["id"] in table and "succeeded" in table
