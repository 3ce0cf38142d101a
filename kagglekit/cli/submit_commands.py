"""The ``submit`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def submit(
    run: Annotated[
        str | None, typer.Option("--run", help="Run id (default: the newest successful run).")
    ] = None,
    message: Annotated[
        str, typer.Option("--message", "-m", help="Description shown on Kaggle.")
    ] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Build and validate the file; upload nothing.")
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Wait for Kaggle's score.")
    ] = True,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for the score.", min=0)
    ] = 600.0,
    project: Annotated[
        Path, typer.Option("--project", help="The project folder.")
    ] = Path("."),
) -> None:
    """Build the submission from a run, validate it, upload it and report the score."""
    from kagglekit.submitting import submit_run

    outcome = submit_run(
        project, run_id=run, message=message, dry_run=dry_run, wait=wait, timeout=timeout
    )
    typer.echo(str(outcome.path))
    if outcome.score_line:
        typer.echo(outcome.score_line)
