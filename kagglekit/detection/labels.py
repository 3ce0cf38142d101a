"""What the label columns of a training table hold, and which items belong together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from kagglekit.detection.tables import (
    is_binary_column,
    is_fraction_column,
    is_integer_column,
    is_numeric_column,
    number_order,
    spread,
)
from kagglekit.spec import LabelKind

MAX_CLASS_CODES = 30  # without other evidence, more distinct integers are a number to regress
TAG_DELIMITERS = ("|", ";", " ")  # tried in this order; a space also splits class names
TAG_EVIDENCE = 20_000  # cells, spread over the column, that tell tags from single labels
_GROUP_WORDS = frozenset(
    {"patient", "group", "subject", "case", "person", "individual", "participant", "session",
     "study"}
)
_ID_WORDS = frozenset({"id", "ids", "no", "nr", "num", "number", "code", "key", "name"})
_SPLIT_NAMES = frozenset(
    {"train", "test", "valid", "validation", "val", "training", "testing", "holdout", "eval"}
)
_MAX_GROUP_SUFFIXES = 4  # ids such as 10_left/10_right: a few suffixes per group


@dataclass
class LabelEvidence:
    """What besides the labels themselves says how to read them."""

    ordinal: bool = False  # the metric is quadratic kappa: integer labels are grades
    metric_needs: str | None = None  # "labels", "probabilities" or "values" when known
    sample_values: pd.Series = field(default_factory=lambda: pd.Series([], dtype=str))

    @property
    def sample_is_regression(self) -> bool:
        """The sample shows numbers that are neither class codes nor probabilities."""
        values = self.sample_values[self.sample_values.str.strip() != ""]
        if len(values) == 0 or not is_numeric_column(values) or is_fraction_column(values):
            return False
        return not bool(values.str.match(r"^\s*-?\d+(\.0*)?\s*$").all())

    @property
    def sample_is_probability(self) -> bool:
        return is_fraction_column(self.sample_values)


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


def read_labels(
    frame: pd.DataFrame, columns: list[str], evidence: LabelEvidence | None = None
) -> Labels:
    """Work out the kind of labels in ``columns`` and the classes they name."""
    evidence = evidence or LabelEvidence()
    if len(columns) > 1:
        return _several_columns(frame, columns, evidence)
    column = columns[0]
    values = frame[column]
    if evidence.metric_needs != "values":
        delimiter = tag_delimiter(values)
        if delimiter is not None:
            tokens = split_tags(values, delimiter).explode().dropna()
            return Labels(columns, LabelKind.TAGS, number_order(list(tokens.unique())), delimiter)
    distinct = list(values[values != ""].unique())
    if is_integer_column(values):
        if _integers_are_classes(len(distinct), len(values), evidence):
            kind = LabelKind.ORDINAL if evidence.ordinal else LabelKind.CODE
            return Labels(columns, kind, number_order(distinct))
        return Labels(columns, LabelKind.VALUE, [])
    if is_numeric_column(values):
        classified = evidence.metric_needs in ("labels", "probabilities")
        if classified and len(distinct) <= MAX_CLASS_CODES:
            return Labels(columns, LabelKind.NAME, number_order(distinct))
        return Labels(columns, LabelKind.VALUE, [])
    return Labels(columns, LabelKind.NAME, number_order(distinct))


def _integers_are_classes(distinct: int, rows: int, evidence: LabelEvidence) -> bool:
    """Whether integer labels are class codes rather than a number to regress."""
    if evidence.metric_needs == "values" or evidence.sample_is_regression:
        return False
    if evidence.metric_needs in ("labels", "probabilities") or evidence.sample_is_probability:
        return True
    # No metric, no telling sample: few values that repeat are codes.
    return distinct <= MAX_CLASS_CODES and distinct <= max(2, rows // 2)


def _several_columns(frame: pd.DataFrame, columns: list[str], evidence: LabelEvidence) -> Labels:
    if evidence.metric_needs != "values" and all(
        is_binary_column(frame[column]) for column in columns
    ):
        ones = frame[columns].astype(float).sum(axis=1)
        kind = LabelKind.ONE_HOT if bool((ones == 1).all()) else LabelKind.INDICATORS
        return Labels(columns, kind, list(columns))
    return Labels(columns, LabelKind.VALUE, [])


def tag_delimiter(values: pd.Series) -> str | None:
    """The delimiter of several labels per cell, when the cells hold tags."""
    present = values[values != ""]
    present = present.iloc[spread(len(present), TAG_EVIDENCE)]
    if len(present) == 0 or is_numeric_column(present):
        return None
    for delimiter in TAG_DELIMITERS:
        if _looks_like_tags(present, delimiter):
            return delimiter
    return None


def split_tags(values: pd.Series, delimiter: str) -> pd.Series:
    """Each cell as a list of its tags."""
    if delimiter == " ":
        return values.str.split()
    return values.str.split(re.escape(delimiter), regex=True).map(
        lambda tags: [tag.strip() for tag in tags if tag.strip()]
    )


def _looks_like_tags(present: pd.Series, delimiter: str) -> bool:
    """Several labels per cell: tokens repeat across cells more than whole cells do."""
    if not bool(present.str.contains(delimiter, regex=False).any()):
        return False
    tokens = split_tags(present, delimiter)
    several = (tokens.str.len() > 1).mean()
    distinct_tokens = tokens.explode().nunique()
    return bool(several >= 0.05 and distinct_tokens < present.nunique())


def find_group_column(frame: pd.DataFrame, exclude: list[str]) -> str | None:
    """A column that names groups of items, such as ``patient_id``, if one exists.

    The column's name must say so in words of its own (``patient_id``, ``GroupId``, not
    ``spacegroup``), its values must not be measurements, and some groups must hold
    several items.
    """
    for column in frame.columns:
        if column in exclude or not _names_a_group(column):
            continue
        values = frame[column]
        present = values[values != ""]
        if is_numeric_column(present) and not is_integer_column(present):
            continue
        distinct = present.nunique()
        if 1 < distinct < len(present):
            return column
    return None


def _names_a_group(column: str) -> bool:
    words = _words(column)
    return bool(words & _GROUP_WORDS) and words <= _GROUP_WORDS | _ID_WORDS


def _words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return {word for word in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if word}


def find_group_pattern(ids: pd.Series) -> str | None:
    """A pattern for ids such as ``10_left`` / ``10_right`` that name one group twice."""
    if len(ids) == 0:
        return None
    quick = ids.iloc[spread(len(ids), 1000)]
    if not bool(quick.str.contains("_", regex=False).all()):
        return None
    if quick.str.rsplit("_", n=1).str[1].nunique() > _MAX_GROUP_SUFFIXES:
        return None
    parts = ids.str.rsplit("_", n=1)
    if not bool((parts.str.len() == 2).all()):
        return None
    prefixes, suffixes = parts.str[0], parts.str[1]
    kinds = sorted(suffixes.unique())
    if len(kinds) > _MAX_GROUP_SUFFIXES or len(kinds) < 2:
        return None
    repeated = prefixes.duplicated(keep=False).mean()
    if repeated < 0.5:
        return None
    return r"^(.+)_(?:" + "|".join(re.escape(kind) for kind in kinds) + r")$"


def is_split_name(name: str) -> bool:
    """Whether a folder name is a data split (``train``, ``test_images``, ...), not a class."""
    return bool(_words(name) & _SPLIT_NAMES)


def class_counts(frame: pd.DataFrame, labels: Labels) -> dict[str, int]:
    """How many training items carry each class (empty for regression)."""
    if labels.kind is LabelKind.VALUE:
        return {}
    if labels.kind is LabelKind.TAGS:
        tokens = split_tags(frame[labels.columns[0]], labels.delimiter).explode()
        counts = tokens.value_counts()
        return {name: int(counts.get(name, 0)) for name in labels.classes}
    if labels.kind in (LabelKind.ONE_HOT, LabelKind.INDICATORS):
        ones = frame[labels.columns].astype(float).sum()
        return {column: int(ones[column]) for column in labels.columns}
    counts = frame[labels.columns[0]].value_counts()
    return {name: int(counts.get(name, 0)) for name in labels.classes}
