"""``kagglekit report``: one self-contained HTML page of a run.

The page holds the run's summary (status, device, scores, timings), its metrics and
parameters, its figures (the PNG files of the run folder, embedded) and its executed
notebooks with the code folded away: the markdown and what the cells displayed. It
loads nothing from the network, so it can be mailed or archived as one file. It is
written to ``runs/<run-id>/report.html``.
"""

from __future__ import annotations

import base64
import html
import logging
import webbrowser
from pathlib import Path

from kagglekit import history
from kagglekit.errors import KagglekitError, RunError
from kagglekit.scaffold import require_project
from kagglekit.spec import SPEC_FILE, load_spec

logger = logging.getLogger(__name__)

REPORT = "report.html"

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
th { background: #f5f5f5; }
.changed { font-weight: bold; } .muted { color: #777; }
.status-succeeded { color: #176f2c; } .status-failed, .status-interrupted { color: #b00020; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { text-align: center; color: #555; }
details { margin: 1em 0; border: 1px solid #ddd; border-radius: 4px; padding: 0.5em 1em; }
summary { cursor: pointer; font-weight: bold; font-size: 1.1em; }
pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; white-space: pre-wrap; }
.notebook img { max-width: 100%; }
"""


def write_report(project_dir: str | Path, run_id: str | None = None) -> Path:
    """Write the report of a run (default: the newest) and return its path."""
    project = require_project(project_dir)
    run = history.load_run(project, run_id) if run_id else _newest(project)
    path = run.path / REPORT
    path.write_text(render_report(run, _title(project)), encoding="utf-8")
    return path


def _newest(project: Path) -> history.Run:
    runs = history.list_runs(project)
    if not runs:
        raise RunError(f"no runs yet in {project}: start one with `kagglekit run`")
    return runs[0]


def _title(project: Path) -> str:
    try:
        return load_spec(project / SPEC_FILE).title
    except KagglekitError:
        return project.name


def render_report(run: history.Run, title: str) -> str:
    """The report's HTML text."""
    record = run.record
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}: run {_e(record.id)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">run {_e(record.id)}</p>',
        _summary(run),
        _metrics(run.metrics()),
        _parameters(record.params, record.defaults),
        _figures(run.path),
        _notebooks(run),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


# The sections.


def _summary(run: history.Run) -> str:
    record = run.record
    rows = [
        ("status", f'<span class="status-{_e(run.status)}">{_e(run.status)}</span>'),
        ("started", _e(record.started)),
        ("finished", _e(record.finished or "-")),
        ("device", _e(record.device or "-")),
    ]
    if record.valid_score is not None:
        rows.append((f"{record.metric or 'score'} on validation", _number(record.valid_score)))
    if record.public_score is not None:
        rows.append(("public score", _e(record.public_score)))
    for notebook in record.notebooks:
        seconds = notebook.get("seconds")
        timing = f", {seconds:.0f} s" if isinstance(seconds, (int, float)) else ""
        rows.append((_e(notebook.get("name", "?")), _e(f"{notebook.get('status', '?')}{timing}")))
    versions = ", ".join(f"{name} {version}" for name, version in record.versions.items())
    if versions:
        rows.append(("versions", _e(versions)))
    table = _table(["", ""], rows, header=False)
    failure = ""
    if record.failure:
        failure = f"<h2>Failure</h2><pre>{_e(record.failure.get('message', record.failure))}</pre>"
    return f"<h2>Summary</h2>{table}{failure}"


def _metrics(metrics: dict) -> str:
    if not metrics:
        return ""
    rows = [(_e(key), _value(value)) for key, value in metrics.items()]
    return "<h2>Metrics</h2>" + _table(["metric", "value"], rows)


def _parameters(params: dict, defaults: dict) -> str:
    if not params:
        return ""
    rows = []
    for key, value in sorted(params.items()):
        default = defaults.get(key, value)
        if default != value:
            shown = f'<span class="changed">{_value(value)}</span> (default {_value(default)})'
        else:
            shown = _value(value)
        rows.append((_e(key), shown))
    return "<h2>Parameters</h2>" + _table(["parameter", "value"], rows)


def _figures(folder: Path) -> str:
    images = sorted(folder.glob("*.png"))
    if not images:
        return ""
    figures = []
    for image in images:
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        caption = _e(image.stem.replace("_", " "))
        figures.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    return '<h2>Figures</h2><div class="figures">' + "".join(figures) + "</div>"


def _notebooks(run: history.Run) -> str:
    recorded = [entry.get("name", "") for entry in run.record.notebooks]
    found = {path.stem: path for path in run.path.glob("*.ipynb")}
    order = [name for name in recorded if name in found]
    order += sorted(set(found) - set(order))
    if not order:
        return ""
    sections = []
    for name in order:
        sections.append(
            f"<details open><summary>{_e(name)}</summary>"
            f'<div class="notebook">{notebook_html(found[name])}</div></details>'
        )
    return "<h2>Notebooks</h2>" + "".join(sections)


def notebook_html(path: Path) -> str:
    """An executed notebook as an HTML fragment: markdown and outputs, no code."""
    import nbformat
    from nbconvert import HTMLExporter

    try:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            # Warnings printed to stderr stay in the notebook and run.log.
            cell_outputs = cell.get("outputs", [])
            cell["outputs"] = [out for out in cell_outputs if out.get("name") != "stderr"]
        exporter = HTMLExporter(
            template_name="basic",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        body, _ = exporter.from_notebook_node(notebook)
    except Exception as err:  # a notebook cut short by a crash may not convert
        logger.warning("could not render %s: %s", path.name, err)
        return f"<p>could not render {_e(path.name)}: {_e(err)}</p>"
    return body


def open_in_browser(path: Path) -> None:
    """Open the report in the user's web browser, or say where it is."""
    if not webbrowser.open(Path(path).resolve().as_uri()):
        logger.warning("no web browser found; open %s yourself", path)


# HTML pieces.


def _table(headers: list[str], rows: list[tuple[str, str]], header: bool = True) -> str:
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr>" if header else ""
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            tag = "th" if not header and index == 0 else "td"
            cells.append(f"<{tag}>{cell}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _value(value) -> str:
    if isinstance(value, float):
        return _number(value)
    return _e(value)


def _number(value: float) -> str:
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.3g}"


def _e(value) -> str:
    return html.escape(str(value))

