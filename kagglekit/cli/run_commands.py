"""Commands that execute notebooks and look back at runs: ``run`` and ``runs``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def run(
    notebooks: Annotated[
        list[str] | None,
        typer.Argument(help="Notebooks to run, by name (default: 01, 02 and 03)."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as key=value (repeatable)."),
    ] = None,
    project: Annotated[
        Path, typer.Option("--project", help="The project folder.")
    ] = Path("."),
) -> None:
    """Execute the project's notebooks and record everything in runs/<run-id>/."""
    from kagglekit.runner import run_notebooks

    result = run_notebooks(project, notebooks or [], param or [])
    typer.echo(str(result.run_dir))


def runs(
    as_json: Annotated[bool, typer.Option("--json", help="Print the history as JSON.")] = False,
    project: Annotated[
        Path, typer.Option("--project", help="The project folder.")
    ] = Path("."),
) -> None:
    """List the project's runs, newest first."""
    from kagglekit.history import format_runs

    typer.echo(format_runs(project, as_json=as_json))
