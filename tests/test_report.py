"""``kagglekit report``: one self-contained HTML page of a run."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import copy_project, kagglekit

from kagglekit import history, report
from kagglekit.errors import ProjectError, RunError

CODE = "secret_code_of_the_cell()"


def _notebook(path: Path, printed: str) -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(CODE)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=printed),
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: noise\n"),
    ]
    notebook.cells = [nbformat.v4.new_markdown_cell("# What this notebook does"), cell]
    nbformat.write(notebook, path)


def _png(path: Path, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    Image.new("RGB", (4, 4), colour).save(path)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with two runs made by hand: an older success, a newer failure."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "competition.yaml").write_text("not: a valid spec\n")
    older = history.create_run(root)
    older.record.started = "2026-01-01T10:00:00+00:00"
    older.record.params = {"epochs": 8, "lr": 0.004}
    older.record.defaults = {"epochs": 5, "lr": 0.004}
    older.record.notebooks = [{"name": "01_baseline", "status": "succeeded", "seconds": 12.5}]
    metrics = {"metric": "accuracy", "valid_score": 0.97}
    (older.path / "metrics.json").write_text(json.dumps(metrics))
    older.finish(history.SUCCEEDED)
    _notebook(older.path / "01_baseline.ipynb", "accuracy on validation: 0.97\n")
    _png(older.path / "confusion_matrix.png", (255, 0, 0))
    _png(older.path / "lr_find.png", (0, 0, 255))

    newer = history.create_run(root)
    newer.record.started = "2026-01-02T10:00:00+00:00"
    newer.finish(history.FAILED, {"message": "02_error_analysis failed in code cell 3"})
    return root


def test_the_report_holds_summary_metrics_figures_and_outputs_but_no_code(project):
    run = history.list_runs(project)[1]

    path = report.write_report(project, run.id)

    assert path == run.path / "report.html"
    page = path.read_text(encoding="utf-8")
    for figure in ("confusion_matrix.png", "lr_find.png"):
        data = base64.b64encode((run.path / figure).read_bytes()).decode()
        assert f'<img src="data:image/png;base64,{data}"' in page
    assert "accuracy on validation: 0.97" in page
    assert "What this notebook does" in page
    assert CODE not in page
    assert "FutureWarning" not in page
    assert '<span class="changed">8</span> (default 5)' in page
    assert "valid_score" in page and "0.9700" in page
    assert "<script" not in page and "<link" not in page
    assert not re.search(r'src="https?:', page)


def test_the_newest_run_is_the_default_and_a_failure_is_shown(project):
    newest = history.list_runs(project)[0]

    page = report.write_report(project).read_text()

    assert report.write_report(project).parent == newest.path
    assert "02_error_analysis failed in code cell 3" in page
    assert 'class="status-failed"' in page


def test_a_run_or_project_that_does_not_exist_is_one_clear_error(project, tmp_path):
    with pytest.raises(RunError, match="no run 'nope'"):
        report.write_report(project, "nope")
    with pytest.raises(ProjectError, match="is not a kagglekit project"):
        report.write_report(tmp_path / "elsewhere")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "competition.yaml").write_text("slug: x\n")
    with pytest.raises(RunError, match="no runs yet"):
        report.write_report(tmp_path / "empty")


def test_open_hands_the_page_to_the_web_browser(project, monkeypatch, caplog):
    opened = []
    monkeypatch.setattr(report.webbrowser, "open", lambda url: opened.append(url) or True)
    path = report.write_report(project)

    report.open_in_browser(path)
    monkeypatch.setattr(report.webbrowser, "open", lambda url: False)
    report.open_in_browser(path)

    assert opened == [path.resolve().as_uri()]
    assert "no web browser found" in caplog.text


def test_the_command_prints_the_path_only(project):
    result = kagglekit("report", "--project", str(project))
    unknown = kagglekit("report", "nope", "--project", str(project))

    assert result.code == 0, result.stderr
    assert result.stdout.strip() == str(history.list_runs(project)[0].path / "report.html")
    assert unknown.code != 0
    assert unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        f"error: no run 'nope' in {project / 'runs'} (newest: "
        + ", ".join(run.id for run in history.list_runs(project)) + ")"
    ]


@pytest.mark.slow
def test_the_report_of_a_finished_run(trained_demo, tmp_path):
    project = copy_project(trained_demo[0], tmp_path / "demo")

    result = kagglekit("report", cwd=project)

    assert result.code == 0, result.stderr
    path = Path(result.stdout.strip())
    run = path.parent
    page = path.read_text(encoding="utf-8")
    figures = sorted(run.glob("*.png"))
    assert {"confusion_matrix.png", "top_losses.png"} <= {f.name for f in figures}
    for figure in figures:
        data = base64.b64encode(figure.read_bytes()).decode()
        assert f'<img src="data:image/png;base64,{data}"' in page
    for name in ("01_baseline", "02_error_analysis", "03_inference"):
        assert f"<summary>{name}</summary>" in page
    assert "from fastai.vision.all import" not in page
    assert "kk.open_project" not in page
    assert "Handwritten digits" in page
    assert "<script" not in page
