"""What the label columns of a training table hold, and which items belong together."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from kagglekit.detection.tables import (
    is_binary_column,
    is_integer_column,
    is_numeric_column,
    number_order,
)
from kagglekit.spec import LabelKind

MAX_CLASS_CODES = 30  # more distinct integers than this are a number to regress
_GROUP_WORDS = re.compile(r"patient|group|subject|case|person|individual|session|study")
_SPLIT_NAMES = frozenset({"train", "test", "valid", "validation", "val", "training", "testing"})


@dataclass
class Labels:
    """The label columns of a table, their kind and the classes they name."""

    columns: list[str]
    kind: LabelKind
    classes: list[str]
    delimiter: str = " "

    @property
    def is_multilabel(self) -> bool:
        return self.kind in (LabelKind.TAGS, LabelKind.INDICATORS)


def read_labels(frame: pd.DataFrame, columns: list[str], ordinal: bool = False) -> Labels:
    """Work out the kind of labels in ``columns`` and the classes they name."""
    if len(columns) > 1:
        return _several_columns(frame, columns)
    column = columns[0]
    values = frame[column]
    if _looks_like_tags(values):
        tokens = values.str.split().explode().dropna()
        return Labels(columns, LabelKind.TAGS, number_order(list(tokens.unique())))
    distinct = list(values[values != ""].unique())
    if is_integer_column(values) and len(distinct) <= MAX_CLASS_CODES:
        kind = LabelKind.ORDINAL if ordinal else LabelKind.CODE
        return Labels(columns, kind, number_order(distinct))
    if is_numeric_column(values):
        return Labels(columns, LabelKind.VALUE, [])
    return Labels(columns, LabelKind.NAME, number_order(distinct))


def _several_columns(frame: pd.DataFrame, columns: list[str]) -> Labels:
    if all(is_binary_column(frame[column]) for column in columns):
        ones = frame[columns].astype(float).sum(axis=1)
        kind = LabelKind.ONE_HOT if bool((ones == 1).all()) else LabelKind.INDICATORS
        return Labels(columns, kind, list(columns))
    return Labels(columns, LabelKind.VALUE, [])


def _looks_like_tags(values: pd.Series) -> bool:
    """Several labels per cell: tokens repeat across cells more than whole cells do."""
    present = values[values != ""]
    if len(present) == 0 or is_numeric_column(present):
        return False
    tokens = present.str.split()
    several = (tokens.str.len() > 1).mean()
    distinct_tokens = tokens.explode().nunique()
    return bool(several >= 0.05 and distinct_tokens < present.nunique())


def find_group_column(frame: pd.DataFrame, exclude: list[str]) -> str | None:
    """A column that names groups of items, such as a patient id, if one exists."""
    for column in frame.columns:
        if column in exclude or not _GROUP_WORDS.search(column.lower()):
            continue
        distinct = frame[column].nunique()
        if 1 < distinct < len(frame):
            return column
    return None


def find_group_pattern(ids: pd.Series) -> str | None:
    """A pattern for ids such as ``10_left`` / ``10_right`` that name one group twice."""
    parts = ids.str.rsplit("_", n=1)
    if len(ids) == 0 or not bool((parts.str.len() == 2).all()):
        return None
    prefixes, suffixes = parts.str[0], parts.str[1]
    if suffixes.nunique() > 4 or prefixes.nunique() >= len(ids):
        return None
    return r"^(.+)_[^_]+$"


def is_split_name(name: str) -> bool:
    """Whether a folder name is a data split (``train``, ``test``, ...), not a class."""
    return name.lower() in _SPLIT_NAMES


def class_counts(frame: pd.DataFrame, labels: Labels) -> dict[str, int]:
    """How many training items carry each class (empty for regression)."""
    if labels.kind is LabelKind.VALUE:
        return {}
    if labels.kind is LabelKind.TAGS:
        tokens = frame[labels.columns[0]].str.split().explode()
        return {str(name): int(n) for name, n in tokens.value_counts().items()}
    if labels.kind in (LabelKind.ONE_HOT, LabelKind.INDICATORS):
        ones = frame[labels.columns].astype(float).sum()
        return {column: int(ones[column]) for column in labels.columns}
    counts = frame[labels.columns[0]].value_counts()
    return {name: int(counts.get(name, 0)) for name in labels.classes}
