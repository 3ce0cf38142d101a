"""Runs on disk: ``runs/<run-id>/run.json``, the newest successful run, the history table."""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from kagglekit import outputs
from kagglekit.errors import RunError
from kagglekit.scaffold import require_project

logger = logging.getLogger(__name__)

RUNS_DIR = "runs"
RUNNING, SUCCEEDED, FAILED, INTERRUPTED = "running", "succeeded", "failed", "interrupted"
# A run still marked running whose process is gone: killed before it could say so.
STOPPED = "stopped"


@dataclass
class RunRecord:
    """What ``run.json`` holds about one run."""

    id: str
    started: str
    status: str = RUNNING
    finished: str | None = None
    notebooks: list[dict] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    overrides: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    device: str = ""
    versions: dict = field(default_factory=dict)
    failure: dict | None = None
    model: str | None = None  # the model notebooks after the baseline used, if not this run's
    valid_score: float | None = None
    metric: str | None = None
    public_score: float | str | None = None
    submissions: list[dict] = field(default_factory=list)
    pid: int | None = None  # the process running it, to tell a killed run from a live one
    host: str | None = None


class Run:
    """One run folder and its record."""

    def __init__(self, path: Path, record: RunRecord) -> None:
        self.path = path
        self.record = record

    @property
    def id(self) -> str:
        return self.record.id

    def save(self) -> None:
        text = json.dumps(asdict(self.record), indent=2, default=str) + "\n"
        (self.path / outputs.RUN_INFO).write_text(text, encoding="utf-8")

    @property
    def status(self) -> str:
        """The recorded status, or ``stopped`` for a running run whose process is gone."""
        record = self.record
        if record.status == RUNNING and record.pid and record.host == socket.gethostname():
            if not _process_alive(record.pid):
                return STOPPED
        return record.status

    def finish(self, status: str, failure: dict | None = None) -> None:
        """Mark the run finished, and copy its validation score from ``metrics.json``."""
        self.record.status = status
        self.record.failure = failure
        self.record.finished = _now()
        metrics = self.metrics()
        self.record.valid_score = metrics.get("valid_score")
        self.record.metric = metrics.get("metric")
        self.save()

    def metrics(self) -> dict:
        path = self.path / outputs.METRICS
        try:
            return json.loads(path.read_text()) if path.exists() else {}
        except json.JSONDecodeError:
            logger.warning("%s is not valid JSON; ignoring it", path)
            return {}


def create_run(project_dir: Path) -> Run:
    """A new run folder named for the current time."""
    runs = Path(project_dir) / RUNS_DIR
    runs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_id, counter = stamp, 1
    while (runs / run_id).exists():
        counter += 1
        run_id = f"{stamp}-{counter}"
    path = runs / run_id
    path.mkdir()
    record = RunRecord(id=run_id, started=_now(), pid=os.getpid(), host=socket.gethostname())
    run = Run(path, record)
    run.save()
    return run


def load_run(project_dir: Path, run_id: str) -> Run:
    """The run with ``run_id``."""
    path = Path(project_dir) / RUNS_DIR / run_id
    info = path / outputs.RUN_INFO
    if not info.exists():
        known = ", ".join(run.id for run in list_runs(project_dir)[:5]) or "none yet"
        raise RunError(f"no run {run_id!r} in {path.parent} (newest: {known})")
    return Run(path, _read_record(info))


def list_runs(project_dir: Path) -> list[Run]:
    """Every run of the project, newest first."""
    runs_dir = Path(project_dir) / RUNS_DIR
    found = []
    for info in runs_dir.glob(f"*/{outputs.RUN_INFO}"):
        try:
            found.append(Run(info.parent, _read_record(info)))
        except RunError as err:
            logger.warning("skipping %s", err)
    return sorted(found, key=lambda run: (run.record.started, run.id), reverse=True)


def newest_successful(project_dir: Path, needing: str | None = None) -> Run | None:
    """The newest run that succeeded (and holds the file ``needing``, if given)."""
    for run in list_runs(project_dir):
        if run.record.status != SUCCEEDED:
            continue
        if needing is None or (run.path / needing).exists():
            return run
    return None


def format_runs(project_dir: Path, as_json: bool = False) -> str:
    """The run history, newest first, as a table or as JSON."""
    runs = list_runs(require_project(project_dir))
    rows = [_summary(run) for run in runs]
    if as_json:
        return json.dumps(rows, indent=2, default=str)
    if not rows:
        return "no runs yet: start one with `kagglekit run`"
    return _table(rows)


def _summary(run: Run) -> dict:
    record = run.record
    changed = {
        key: value
        for key, value in record.params.items()
        if key in record.defaults and record.defaults[key] != value
    }
    return {
        "id": record.id,
        "started": record.started,
        "status": run.status,
        "params": changed,
        "metric": record.metric,
        "valid_score": record.valid_score,
        "public_score": number_or_text(record.public_score),
    }


def _table(rows: list[dict]) -> str:
    headers = ["id", "started", "status", "valid", "public", "parameters changed"]
    lines = [
        [
            row["id"],
            row["started"][:16].replace("T", " "),
            row["status"],
            _score(row["valid_score"]),
            "-" if row["public_score"] is None else str(row["public_score"]),
            " ".join(f"{k}={v}" for k, v in row["params"].items()) or "-",
        ]
        for row in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *lines)]
    render = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip()
              for line in [headers, *lines]]
    return "\n".join(render)


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _read_record(info: Path) -> RunRecord:
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RunError(f"{info} is not a readable run record ({err})") from err
    known = set(RunRecord.__dataclass_fields__)
    if not isinstance(data, dict) or not {"id", "started"} <= set(data):
        raise RunError(f"{info} is not a run record: it lacks the run's id and start")
    return RunRecord(**{key: value for key, value in data.items() if key in known})


def number_or_text(value: str | float | None) -> float | str | None:
    """Kaggle sends scores as text; a number is kept as one."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return value


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there; assume it lives
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
