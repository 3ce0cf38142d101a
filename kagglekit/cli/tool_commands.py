"""Commands that work with what runs produced: ``predict`` and ``report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def predict(
    model: Annotated[
        Path,
        typer.Argument(metavar="MODEL", help="An exported learner: runs/<run-id>/model.pkl."),
    ],
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATHS", help="Image files, folders (their images) or globs."),
    ],
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Below this confidence a prediction is unknown (default: the threshold "
            "recorded beside the model by 03_inference, else 0.5)."
        ),
    ] = None,
    tta: Annotated[
        bool, typer.Option("--tta/--no-tta", help="Average over augmented copies (slower).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the CSV here (default: stdout).")
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Images per batch (default: four times the learner's training batch)."),
    ] = None,
) -> None:
    """Predict images in batches: a CSV of file,label,confidence,unknown in input order.

    label is the top class (multi-label: the labels reaching the threshold,
    space-separated); unknown is true when the confidence is below the threshold.
    Unreadable images are skipped with a warning.
    """
    from kagglekit.predict import predict as predict_images
    from kagglekit.predict import save_table

    result = predict_images(
        model, paths, threshold=threshold, tta=tta, batch_size=batch_size, output=output
    )
    if output is None:
        typer.echo(result.table.to_csv(index=False), nl=False)
    else:
        typer.echo(str(save_table(result.table, output)))


def report(
    run: Annotated[
        str | None, typer.Argument(metavar="RUN", help="Run id (default: the newest run).")
    ] = None,
    project: Annotated[Path, typer.Option("--project", help="The project folder.")] = Path("."),
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the report in the web browser.")
    ] = False,
) -> None:
    """Write one HTML page of a run: summary, metrics, figures and its notebooks."""
    from kagglekit.report import open_in_browser, write_report

    path = write_report(project, run)
    typer.echo(str(path))
    if open_browser:
        open_in_browser(path)
