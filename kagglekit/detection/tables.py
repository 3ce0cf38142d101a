"""CSV files of a competition, read as text so that ids keep their exact form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from kagglekit.errors import DataError

_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass
class Table:
    """One CSV file: its path relative to the data folder and its cells as text."""

    path: str
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name.lower()

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def is_sample_submission(self) -> bool:
        return "sample" in self.name or "submission" in self.name

    @property
    def looks_like_test(self) -> bool:
        return "test" in self.name

    def values(self, column: str) -> pd.Series:
        return self.frame[column]


def read_table(root: Path, path: str) -> Table:
    """Read a CSV with every cell as text (``007`` stays ``007``, ``NA`` stays ``NA``)."""
    try:
        frame = pd.read_csv(
            Path(root) / path, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataError(f"{path} cannot be read as CSV: {_first_line(err)}") from err
    frame.columns = [str(column).strip() for column in frame.columns]
    return Table(path, frame)


def is_integer_column(values: pd.Series) -> bool:
    """Whether every non-empty cell is an integer written in digits."""
    present = values[values != ""]
    return len(present) > 0 and bool(present.str.match(_INTEGER).all())


def is_numeric_column(values: pd.Series) -> bool:
    """Whether every non-empty cell is a number."""
    present = values[values != ""]
    return len(present) > 0 and bool(present.str.strip().str.match(_NUMBER).all())


def is_binary_column(values: pd.Series) -> bool:
    """Whether every cell is 0 or 1 (as integers or floats)."""
    return bool(values.isin(["0", "1", "0.0", "1.0"]).all()) and len(values) > 0


def number_order(names: list[str]) -> list[str]:
    """Class names sorted as numbers when they all are integers, else as text."""
    if names and all(_INTEGER.match(name) for name in names):
        return sorted(names, key=int)
    return sorted(names)


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
