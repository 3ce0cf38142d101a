"""Competitions without image files: plain tables, or images stored as pixel columns."""

from __future__ import annotations

import math
import re

from kagglekit.detection.images import find_test_table
from kagglekit.detection.items import FoundItems
from kagglekit.detection.labels import (
    LabelEvidence,
    class_counts,
    find_group_column,
    read_labels,
)
from kagglekit.detection.tables import (
    Table,
    find_column,
    is_integer_column,
    is_numeric_column,
)
from kagglekit.errors import LayoutError
from kagglekit.spec import ItemLayout, TestItems, TestSource, TrainItems

_PIXEL_COLUMN = re.compile(r"^(pixel|px)_?\d+$", re.IGNORECASE)
MIN_PIXELS = 16
MAX_CATEGORY_CODES = 20  # integer columns with more distinct values are continuous
MAX_TEXT_SHARE = 0.5  # text columns with more distinct values than this share are dropped


def detect_table_items(tables: list[Table], sample: Table, evidence: LabelEvidence) -> FoundItems:
    """Training rows, label columns and test rows of a competition made of tables."""
    targets = sample.columns[1:]
    test_table = find_test_table(tables, sample)
    train = _training_table(tables, targets, test_table[0] if test_table else None)
    label_columns = _label_columns(train, targets)
    labels = read_labels(train.frame, label_columns, evidence)
    test = _test_items(tables, train, sample, test_table)

    id_column = find_column(train.columns, sample.columns[0])
    features = [c for c in train.columns if c != id_column and c not in label_columns]
    test_columns = _test_columns(tables, test)
    if test_columns is not None:
        # Columns the test rows lack are neither features nor labels (other targets, leaks).
        features = [c for c in features if c in test_columns]
    pixels = [column for column in features if _PIXEL_COLUMN.match(column)]
    side = math.isqrt(len(pixels))
    notes = [] if train.complete else [
        f"labels counted on the first {len(train.frame):,} of {train.rows:,} rows of {train.path}"
    ]
    if len(pixels) >= MIN_PIXELS and side * side == len(pixels) and len(pixels) == len(features):
        items = TrainItems(
            layout=ItemLayout.PIXEL_COLUMNS,
            labels_file=train.path,
            label_columns=label_columns,
            label_kind=labels.kind,
            image_shape=[side, side],
        )
    else:
        categories, continuous = split_features(train, features)
        if not categories and not continuous:
            raise LayoutError(
                f"{train.path} has no feature columns besides ids and targets (and no "
                "images were found); if the data is still in archives, extract them; else "
                "write a spec by hand and use `kagglekit new --spec FILE`"
            )
        items = TrainItems(
            layout=ItemLayout.TABULAR,
            labels_file=train.path,
            id_column=id_column,
            label_columns=label_columns,
            label_kind=labels.kind,
            label_delimiter=labels.delimiter,
            group_column=find_group_column(
                train.frame[[c for c in train.columns if c in features]], []
            ),
            category_columns=categories,
            continuous_columns=continuous,
        )
    counts = class_counts(train.frame, labels)
    return FoundItems(items, test, labels, train.rows, counts, notes)


def split_features(table: Table, features: list[str]) -> tuple[list[str], list[str]]:
    """Categorical and continuous feature columns; free text and row ids are left out."""
    categories, continuous = [], []
    rows = max(len(table.frame), 1)
    for column in features:
        values = table.frame[column]
        distinct = values.nunique()
        if is_integer_column(values):
            target = categories if distinct <= MAX_CATEGORY_CODES else continuous
            target.append(column)
        elif is_numeric_column(values):
            continuous.append(column)
        elif distinct / rows <= MAX_TEXT_SHARE or distinct <= MAX_CATEGORY_CODES:
            categories.append(column)
    return categories, continuous


def _label_columns(train: Table, targets: list[str]) -> list[str]:
    found = [column for target in targets if (column := find_column(train.columns, target))]
    return found or _class_name_column(train, targets)


def _training_table(tables: list[Table], targets: list[str], test: Table | None) -> Table:
    """The table that holds the submission's targets (or class names for them)."""
    candidates = [
        table
        for table in tables
        if table is not test
        and not table.looks_like_test
        and all(find_column(table.columns, target) for target in targets)
    ]
    if not candidates:
        candidates = [t for t in tables if "train" in t.name and _class_name_column(t, targets)]
    if not candidates:
        names = ", ".join(targets)
        raise LayoutError(
            f"no training table holds the submission's target columns ({names}); "
            "write a spec by hand and use `kagglekit new --spec FILE`"
        )
    return max(candidates, key=lambda table: ("train" in table.name, table.rows))


def _class_name_column(table: Table, targets: list[str]) -> list[str]:
    """A column whose values are the submission's class columns (one-hot submissions)."""
    if len(targets) < 2:
        return []
    for column in table.columns:
        values = set(table.frame[column].unique()) - {""}
        if values and values <= set(targets):
            return [column]
    return []


def _test_items(
    tables: list[Table], train: Table, sample: Table, listed: tuple[Table, str] | None
) -> TestItems:
    id_column = sample.columns[0]
    if listed is not None and listed[0] is not train:
        return TestItems(source=TestSource.CSV, file=listed[0].path, id_column=listed[1])
    candidates = [t for t in tables if t is not train and t.looks_like_test]
    if not candidates:
        raise LayoutError(
            f"no test table found (looked for a CSV that lists the ids of {sample.path} or "
            f"is named like test.csv); write a spec by hand and use `kagglekit new --spec FILE`"
        )
    test = max(candidates, key=lambda table: (table.rows == len(sample.frame), table.rows))
    first = _consecutive_start(sample, test.rows)
    if first is None:
        raise LayoutError(
            f"{test.path} has no '{id_column}' column and the ids of {sample.path} are not "
            "its row numbers; write a spec by hand and use `kagglekit new --spec FILE`"
        )
    return TestItems(source=TestSource.CSV, file=test.path, id_column=id_column, id_from_row=first)


def _test_columns(tables: list[Table], test: TestItems) -> set[str] | None:
    for table in tables:
        if table.path == test.file:
            return set(table.columns)
    return None


def _consecutive_start(sample: Table, rows: int) -> int | None:
    """The first id when the sample's ids count rows (1, 2, 3, ...), else None."""
    ids = sample.frame[sample.columns[0]]
    if len(ids) != rows or not is_integer_column(ids):
        return None
    numbers = ids.astype(int).tolist()
    first = numbers[0]
    return first if numbers == list(range(first, first + rows)) else None
