"""Commands that create and describe a project: ``new`` and ``inspect``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def new(
    name: Annotated[
        str, typer.Argument(help="Competition slug or search words; 'demo' for the demo.")
    ],
    directory: Annotated[
        Path | None, typer.Argument(help="Project folder (default: the competition's slug).")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Use competition files you already have: a folder or a zip."),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option("--spec", help="Use a hand-written competition spec instead of detection."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Refresh an existing project; your edits are kept beside as .new."
        ),
    ] = False,
    keep_archives: Annotated[
        bool, typer.Option("--keep-archives", help="Keep downloaded archives after extraction.")
    ] = False,
) -> None:
    """Create a practice project for a Kaggle competition (or the offline demo)."""
    from kagglekit.project import create_project

    project_dir = create_project(
        name, directory, data=data, spec_file=spec, force=force, keep_archives=keep_archives
    )
    typer.echo(str(project_dir))


def inspect(
    directory: Annotated[Path, typer.Argument(help="Project or competition folder.")] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print the detection as JSON.")] = False,
    write: Annotated[
        bool,
        typer.Option("--write", help="Rewrite competition.yaml (the old one is kept as .bak)."),
    ] = False,
) -> None:
    """Show what kagglekit detects in a competition's files."""
    from kagglekit.inspection import inspect_folder

    typer.echo(inspect_folder(directory, as_json=as_json, write=write))
