"""``kagglekit submit``: from a run's predictions to a scored submission.

The steps: pick the run (the newest successful one unless told), build the file in
the sample's exact format, validate it, then score it locally (the demo) or upload it
to Kaggle and wait for the public score. The score goes into the run's record.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from kagglekit import history, metrics, outputs
from kagglekit.errors import RunError, SubmissionError
from kagglekit.items import read_csv_as_text
from kagglekit.scaffold import require_project
from kagglekit.spec import SPEC_FILE, CompetitionSpec, SubmissionKind, load_spec
from kagglekit.submission import (
    build_submission,
    read_sample,
    validate_submission,
    write_submission,
)

logger = logging.getLogger(__name__)

COMPRESS_ABOVE_BYTES = 20 * 1024 * 1024  # larger files are uploaded zipped


@dataclass
class SubmitOutcome:
    """Where the submission was written, and the score line (None when there is none)."""

    path: Path
    score_line: str | None


def submit_run(
    project_dir: Path,
    run_id: str | None = None,
    message: str = "",
    dry_run: bool = False,
    wait: bool = True,
    timeout: float = 600.0,
) -> SubmitOutcome:
    """Build, validate and (unless ``dry_run``) score or upload a run's submission."""
    project = require_project(project_dir)
    spec = load_spec(project / SPEC_FILE)
    run = _pick_run(project, run_id)
    data_path = spec.data_path(project)

    # Build and check the file before anything leaves the machine.
    sample = read_sample(spec, data_path)
    submission = build_submission(spec, sample, _read_outputs(run), _read_thresholds(run))
    path = write_submission(submission, run.path / outputs.SUBMISSION)
    logger.info("wrote %s (%d rows)", path, len(submission))
    problems = validate_submission(read_csv_as_text(path), sample, spec)
    if problems:
        for problem in problems:
            logger.error("%s: %s", path.name, problem)
        raise SubmissionError(
            f"{path} is invalid ({len(problems)} problem(s), first: {problems[0]}); "
            "nothing was uploaded"
        )
    logger.info("%s is valid: header, %d ids and values checked", path.name, len(submission))

    if spec.solution_file:
        score = score_locally(spec, project, submission)
        score_line = f"{spec.metric.name}: {score:.4f}"
        if not dry_run:
            _record(run, score_line, f"{score:.4f}", message)
        return SubmitOutcome(path, score_line)
    if dry_run:
        logger.info("dry run: nothing uploaded")
        return SubmitOutcome(path, None)
    return _upload(spec, run, path, message, wait, timeout)


def _pick_run(project: Path, run_id: str | None) -> history.Run:
    if run_id is not None:
        run = history.load_run(project, run_id)
        if run.record.status != history.SUCCEEDED:
            raise RunError(
                f"run {run_id} {run.status}; submit a successful run "
                "(see `kagglekit runs`)"
            )
    else:
        run = history.newest_successful(project, needing=outputs.PROBABILITIES)
        if run is None:
            raise RunError("no successful run with test predictions yet: start one with "
                           "`kagglekit run`")
        logger.info("using run %s, the newest successful one", run.id)
    if not (run.path / outputs.PROBABILITIES).exists():
        raise RunError(f"run {run.id} has no {outputs.PROBABILITIES}; rerun 03_inference")
    return run


def _read_outputs(run: history.Run) -> pd.DataFrame:
    path = run.path / outputs.PROBABILITIES
    started = datetime.fromisoformat(run.record.started).timestamp()
    if path.stat().st_mtime < started:
        raise RunError(f"{path} is older than run {run.id}; rerun 03_inference")
    frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
    if frame.empty:
        raise RunError(f"{path} holds no predictions; rerun 03_inference")
    return frame


def _read_thresholds(run: history.Run) -> dict[str, float] | None:
    import json

    path = run.path / outputs.THRESHOLDS
    return json.loads(path.read_text()) if path.exists() else None


def score_locally(spec: CompetitionSpec, project: Path, submission: pd.DataFrame) -> float:
    """The metric of a submission against the answers kept beside the project."""
    solution = read_csv_as_text(project / (spec.solution_file or ""))
    id_column = spec.submission.id_column
    truth = solution.set_index(id_column).loc[submission[id_column].astype(str)]
    targets = spec.submission.target_columns
    kind = spec.submission.kind
    if kind in (SubmissionKind.LABEL, SubmissionKind.TAGS):
        y_true = truth[targets[0]].to_numpy()
        y_pred = submission[targets[0]].astype(str).to_numpy()
    else:
        y_true = truth[targets].astype(float).to_numpy().squeeze()
        y_pred = submission[targets].astype(float).to_numpy().squeeze()
    return metrics.compute(spec.metric.name, y_true, y_pred, classes=spec.classes or None)


def _upload(spec, run, path: Path, message: str, wait: bool, timeout: float) -> SubmitOutcome:
    if spec.kernels_only:
        raise SubmissionError(
            f"'{spec.slug}' takes submissions only from Kaggle notebooks: run your notebook "
            f"on Kaggle with {path.name} as its output, then submit it from the notebook's page"
        )
    from kagglekit.kaggle_client import connect

    connection = connect()
    pending = _pending_submission(run)
    if pending is not None:
        # The run was uploaded before and not scored yet: ask for that score instead of
        # spending another of the day's submissions.
        logger.info("run %s was submitted as %d; checking its score", run.id, pending["ref"])
        return _scored(spec, run, path, connection.get_submission(pending["ref"]), pending)

    upload = _compressed(path) if path.stat().st_size > COMPRESS_ABOVE_BYTES else path
    result = connection.submit(spec.slug, upload, message or f"kagglekit run {run.id}",
                               wait=wait, timeout=timeout)
    entry = _record(run, None, None, message, result.ref)
    return _scored(spec, run, path, result, entry)


def _pending_submission(run) -> dict | None:
    for entry in reversed(run.record.submissions):
        if entry.get("ref") and entry.get("score") is None:
            return entry
    return None


def _scored(spec, run, path: Path, result, entry: dict) -> SubmitOutcome:
    """Record a submission's state; the score line when Kaggle has scored it."""
    status = result.status.upper()
    if status.endswith("ERROR"):
        entry["score"] = f"error: {result.error_description or 'no reason given'}"
        run.save()
        raise SubmissionError(
            f"Kaggle could not score submission {result.ref}: "
            f"{result.error_description or 'no reason given'}"
        )
    if status.endswith("COMPLETE") and result.public_score not in (None, ""):
        line = f"{spec.metric.name}: {result.public_score}"
        entry["score"] = line
        run.record.public_score = history.number_or_text(result.public_score)
        run.save()
        return SubmitOutcome(path, line)
    logger.info("submission %s is still being scored; run `kagglekit submit` again later to "
                "fetch its score (nothing is uploaded again)", result.ref)
    return SubmitOutcome(path, None)


def _compressed(path: Path) -> Path:
    archive = path.with_suffix(".csv.zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.write(path, arcname=path.name)
    logger.info("compressed %s to %s for upload", path.name, archive.name)
    return archive


def _record(run, score_line, public_score, message: str, ref: int | None = None) -> dict:
    """Add a submission to the run's record and return its entry."""
    if public_score is not None:
        run.record.public_score = history.number_or_text(public_score)
    entry = {
        "submitted": datetime.now().astimezone().isoformat(timespec="seconds"),
        "message": message,
        "ref": ref,
        "score": score_line,
    }
    run.record.submissions.append(entry)
    run.save()
    return entry
