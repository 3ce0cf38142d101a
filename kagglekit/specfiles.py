"""Checking that the files, folders and columns a spec names exist, before a run starts.

A mistake in ``competition.yaml`` (a misspelt column, a folder that moved, data removed
from the cache) would otherwise surface minutes later as a ``KeyError`` inside a notebook.
Only headers are read, so the check costs milliseconds even for large tables.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kagglekit.errors import DataError
from kagglekit.spec import SPEC_FILE, CompetitionSpec, TestSource


def check_spec_files(spec: CompetitionSpec, project_dir: Path) -> None:
    """Raise ``DataError`` naming the first file, folder or column the spec gets wrong."""
    data = spec.data_path(project_dir)
    if not data.is_dir():
        raise DataError(_missing_data(spec, data, project_dir))

    train, test, submission = spec.train, spec.test, spec.submission
    if train.folder:
        _folder(data, train.folder, "train.folder")
    if train.labels_file:
        columns = [train.id_column, *train.label_columns, train.group_column,
                   *train.category_columns, *train.continuous_columns]
        _columns(data, train.labels_file, "train.labels_file", columns)
    if test.source is TestSource.FOLDER and test.folder:
        _folder(data, test.folder, "test.folder")
    if test.source is TestSource.CSV and test.file:
        # Ids counted from a row number (id_from_row) have no column of their own.
        id_column = test.id_column if test.id_from_row is None else None
        _columns(data, test.file, "test.file", [id_column])
    _columns(data, submission.file, "submission.file",
             [submission.id_column, *submission.target_columns])


def _missing_data(spec: CompetitionSpec, data: Path, project_dir: Path) -> str:
    link = Path(project_dir) / spec.data_dir
    if link.is_symlink():
        return (f"the data folder {spec.data_dir} points to {data}, which is gone (removed "
                f"from the cache?): `kagglekit new {spec.slug} . --force` fetches it again, "
                "with --data PATH if you gave one")
    return (f"the data folder {data} does not exist: fix data_dir in {SPEC_FILE} or put the "
            "competition's files there")


def _folder(data: Path, relative: str, field: str) -> None:
    if not (data / relative).is_dir():
        raise DataError(f"{SPEC_FILE}: {field} {relative!r} is not a folder in {data}")


def _columns(data: Path, relative: str, field: str, wanted: list[str | None]) -> None:
    path = data / relative
    if not path.is_file():
        raise DataError(f"{SPEC_FILE}: {field} {relative!r} is not a file in {data}")
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), [])
    for column in wanted:
        if column and column not in header:
            shown = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
            raise DataError(
                f"{SPEC_FILE}: column {column!r} is not in {relative} (its columns: {shown})"
            )
