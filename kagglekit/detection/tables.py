"""CSV files of a competition, read as text so that ids keep their exact form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from kagglekit.errors import DataError

_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_FRACTION = r"^\s*(0?\.\d+|0|1|0\.0*|1\.0*)\s*$"  # a number in [0, 1]

# A table bigger than this is read in part: enough rows to detect its layout, while the
# rows of the whole file are counted (New York taxi fares has 55 million).
LARGE_TABLE_BYTES = 128 << 20
ROWS_OF_LARGE_TABLE = 500_000
QUICK_LOOK = 1000  # cells looked at before a whole column is


@dataclass
class Table:
    """One CSV file: its path relative to the data folder and its cells as text."""

    path: str
    frame: pd.DataFrame
    rows: int = -1  # rows of the whole file; the frame may hold only the first ones

    def __post_init__(self) -> None:
        if self.rows < 0:
            self.rows = len(self.frame)

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name.lower()

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def complete(self) -> bool:
        """Whether the frame holds every row of the file."""
        return self.rows == len(self.frame)

    @property
    def is_sample_submission(self) -> bool:
        return "sample" in self.name or "submission" in self.name

    @property
    def looks_like_test(self) -> bool:
        return "test" in self.name

    def values(self, column: str) -> pd.Series:
        return self.frame[column]


def read_table(root: Path, path: str, whole: bool = False) -> Table:
    """Read a CSV with every cell as text (``007`` stays ``007``, ``NA`` stays ``NA``).

    A very large file is read in part unless ``whole``; its rows are still all counted.
    """
    file = Path(root) / path
    large = not whole and file.stat().st_size > LARGE_TABLE_BYTES
    try:
        frame = pd.read_csv(
            file,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            nrows=ROWS_OF_LARGE_TABLE if large else None,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataError(
            f"{path} cannot be read as CSV: {_first_line(err)}; check the file"
        ) from err
    frame.columns = [str(column).strip() for column in frame.columns]
    rows = _count_rows(file) if large and len(frame) == ROWS_OF_LARGE_TABLE else len(frame)
    return Table(path, frame, max(rows, len(frame)))


def _count_rows(file: Path) -> int:
    """Lines after the header (quoted line breaks make this an estimate)."""
    lines = 0
    last = b"\n"
    with open(file, "rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines - 1 + (last != b"\n")


def find_column(columns: list[str], name: str) -> str | None:
    """The column called ``name``, ignoring case and punctuation when no exact match exists.

    A sample submission may write ``Label`` where the training table writes ``label``.
    """
    if name in columns:
        return name
    for normalise in (str.casefold, _letters_and_digits):
        wanted = normalise(name)
        found = [column for column in columns if normalise(column) == wanted]
        if len(found) == 1:
            return found[0]
    return None


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def is_integer_column(values: pd.Series) -> bool:
    """Whether every non-empty cell is an integer written in digits."""
    return _all_match(values, _INTEGER, strip=False)


def is_numeric_column(values: pd.Series) -> bool:
    """Whether every non-empty cell is a number."""
    return _all_match(values, _NUMBER, strip=True)


def _all_match(values: pd.Series, pattern: re.Pattern[str], strip: bool) -> bool:
    """Whether every non-empty cell matches; a spread sample is tried first (cheap misses)."""
    for cells in (values.iloc[spread(len(values), QUICK_LOOK)], values):
        present = cells[cells != ""]
        if strip:
            present = present.str.strip()
        if len(present) == 0 or not bool(present.str.match(pattern).all()):
            return False
        if len(cells) == len(values):
            break
    return True


def in_set(values: pd.Series, names: frozenset[str] | set[str]) -> np.ndarray:
    """For each value, whether it is in ``names`` (far quicker than ``isin`` on text)."""
    return np.array([value in names for value in values.tolist()], dtype=bool)


def is_fraction_column(values: pd.Series) -> bool:
    """Whether every non-empty cell is a number from 0 to 1, and some lie strictly between."""
    present = values[values != ""]
    if len(present) == 0 or not bool(present.str.match(_FRACTION).all()):
        return False
    return bool(present.str.match(r"^\s*0?\.0*[1-9]").any())


def is_binary_column(values: pd.Series) -> bool:
    """Whether every cell is 0 or 1 (as integers or floats)."""
    return bool(values.isin(["0", "1", "0.0", "1.0"]).all()) and len(values) > 0


def number_order(names: list[str]) -> list[str]:
    """Class names sorted as numbers when they all are integers, else as text."""
    if names and all(_INTEGER.match(name) for name in names):
        return sorted(names, key=int)
    return sorted(names)


def spread(count: int, size: int) -> list[int]:
    """At most ``size`` positions spread evenly over ``range(count)``."""
    if count <= size:
        return list(range(count))
    step = count / size
    return [int(i * step) for i in range(size)]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
