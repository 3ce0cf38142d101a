"""The competition spec: one typed description of a competition's layout.

The spec is the only thing the notebooks and the submission builder know about a
competition. ``inspect`` writes it as ``competition.yaml``; users may edit that file,
and loading it names the field that is wrong.
"""

from __future__ import annotations

import re
import string
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from kagglekit.errors import SpecError
from kagglekit.yamlfiles import YamlFileError, load_yaml_file

SPEC_FILE = "competition.yaml"
SPEC_VERSION = 1


class Task(StrEnum):
    """What a model learns to predict."""

    IMAGE_CLASSIFICATION = "image_classification"
    IMAGE_MULTILABEL = "image_multilabel"
    IMAGE_REGRESSION = "image_regression"
    TABULAR_CLASSIFICATION = "tabular_classification"
    TABULAR_REGRESSION = "tabular_regression"

    @property
    def is_image(self) -> bool:
        return self.value.startswith("image_")

    @property
    def is_regression(self) -> bool:
        return self.value.endswith("_regression")

    @property
    def is_multilabel(self) -> bool:
        return self is Task.IMAGE_MULTILABEL


class ItemLayout(StrEnum):
    """How a training item and its label are found."""

    CSV_IDS = "csv_ids"  # a CSV row per item; its file comes from the id
    FOLDER_PER_CLASS = "folder_per_class"  # <folder>/<class>/<file>
    LABEL_IN_NAME = "label_in_name"  # <folder>/<label>.<n>.jpg
    PIXEL_COLUMNS = "pixel_columns"  # a CSV row per image, one column per pixel
    TABULAR = "tabular"  # a CSV row per item, features in columns


class LabelKind(StrEnum):
    """How labels are written in the training data."""

    NAME = "name"  # one class name per item
    CODE = "code"  # one integer code per item
    ORDINAL = "ordinal"  # one ordered integer grade per item
    ONE_HOT = "one_hot"  # one 0/1 column per class, exactly one 1 per item
    TAGS = "tags"  # several labels in one column, separated by a delimiter
    INDICATORS = "indicators"  # one 0/1 column per label, any number of 1s per item
    VALUE = "value"  # a number to regress


class TestSource(StrEnum):
    """Where the test items come from."""

    __test__ = False  # a name pytest would otherwise collect

    FOLDER = "folder"  # every image in a folder
    CSV = "csv"  # the rows of a test CSV
    SAMPLE_SUBMISSION = "sample_submission"  # the ids of the sample submission


class SubmissionKind(StrEnum):
    """What the submission's target columns hold."""

    LABEL = "label"  # the predicted class
    POSITIVE_PROBABILITY = "positive_probability"  # P(positive class), one column
    CLASS_PROBABILITIES = "class_probabilities"  # one probability column per class
    ONE_HOT = "one_hot"  # one 0/1 column per class
    TAGS = "tags"  # predicted labels joined by a delimiter
    VALUE = "value"  # a regressed number per target column


class MetricSource(StrEnum):
    """Where the metric of a spec came from."""

    METADATA = "metadata"  # the competition's own evaluationMetric
    KNOWN = "known"  # kagglekit's table of well-known competitions
    DEFAULT = "default"  # the default for the task
    USER = "user"  # written by hand in competition.yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrainItems(_Strict):
    """Where training items live and how each one's label is read."""

    layout: ItemLayout
    labels_file: str | None = None
    id_column: str | None = None
    file_pattern: str | None = None
    extra_file_patterns: list[str] = []  # where a row's file is when not at file_pattern
    folder: str | None = None
    label_columns: list[str] = []
    label_kind: LabelKind
    label_delimiter: str = " "
    label_pattern: str | None = None
    group_column: str | None = None
    group_pattern: str | None = None
    image_shape: list[int] | None = None
    category_columns: list[str] = []
    continuous_columns: list[str] = []

    @model_validator(mode="after")
    def _check_layout_fields(self) -> TrainItems:
        needed = {
            ItemLayout.CSV_IDS: ("labels_file", "id_column", "file_pattern"),
            ItemLayout.FOLDER_PER_CLASS: ("folder",),
            ItemLayout.LABEL_IN_NAME: ("folder", "label_pattern"),
            ItemLayout.PIXEL_COLUMNS: ("labels_file", "image_shape"),
            ItemLayout.TABULAR: ("labels_file",),
        }[self.layout]
        for field in needed:
            if getattr(self, field) in (None, ""):
                raise ValueError(f"{field} is required when layout is {self.layout.value}")
        _check_patterns(self.file_pattern, self.extra_file_patterns)
        for field in ("label_pattern", "group_pattern"):
            _check_regex(field, getattr(self, field))
        return self


class TestItems(_Strict):
    """Where the items to predict come from."""

    __test__ = False  # a name pytest would otherwise collect

    source: TestSource
    file: str | None = None
    id_column: str
    id_from_row: int | None = None
    file_pattern: str | None = None
    extra_file_patterns: list[str] = []  # where a row's file is when not at file_pattern
    folder: str | None = None

    @model_validator(mode="after")
    def _check_source_fields(self) -> TestItems:
        if self.source is TestSource.FOLDER and not self.folder:
            raise ValueError("folder is required when source is folder")
        if self.source is TestSource.CSV and not self.file:
            raise ValueError("file is required when source is csv")
        _check_patterns(self.file_pattern, self.extra_file_patterns)
        return self


class SubmissionFormat(_Strict):
    """The sample submission's file, columns and the kind of value it wants."""

    file: str
    id_column: str
    target_columns: list[str]
    kind: SubmissionKind
    delimiter: str = " "


class Metric(_Strict):
    """The score a competition is judged by."""

    name: str
    higher_is_better: bool = True
    source: MetricSource = MetricSource.DEFAULT

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        from kagglekit.metrics import METRICS

        if name not in METRICS:
            raise ValueError(f"{name!r} is not one of {', '.join(METRICS)}")
        return name


class CompetitionSpec(_Strict):
    """Everything kagglekit knows about one competition's files."""

    version: int = SPEC_VERSION
    slug: str
    title: str = ""
    task: Task
    data_dir: str = "data"
    train: TrainItems
    test: TestItems
    submission: SubmissionFormat
    classes: list[str] = []
    positive_class: str | None = None
    metric: Metric
    kernels_only: bool = False
    solution_file: str | None = None

    @field_validator("version")
    @classmethod
    def _readable(cls, version: int) -> int:
        if version != SPEC_VERSION:
            raise ValueError(
                f"version {version} is not one this kagglekit reads ({SPEC_VERSION}); "
                "upgrade kagglekit, or set it to 1"
            )
        return version

    @model_validator(mode="after")
    def _check_classes(self) -> CompetitionSpec:
        if not self.task.is_regression and not self.classes:
            raise ValueError(f"classes must list the class names for task {self.task.value}")
        if len(set(self.classes)) != len(self.classes):
            raise ValueError("classes must not repeat a name")
        if self.positive_class is not None and self.positive_class not in self.classes:
            raise ValueError(f"positive_class {self.positive_class!r} is not one of classes")
        return self

    @property
    def multilabel(self) -> bool:
        """Whether an item may carry several labels (tags or indicator columns)."""
        kind = self.train.label_kind
        return self.task.is_multilabel or kind in (LabelKind.TAGS, LabelKind.INDICATORS)

    @property
    def single_label(self) -> bool:
        """Whether each item has exactly one class (validation splits are stratified then)."""
        return not self.task.is_regression and not self.multilabel

    def data_path(self, project_dir: Path) -> Path:
        """The competition's data folder, absolute."""
        return (Path(project_dir) / self.data_dir).resolve()

    def to_yaml(self) -> str:
        """The spec as YAML text in schema order; fields that are unset are left out."""
        data = _without_empty(self.model_dump(mode="json"))
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _without_empty(data: dict) -> dict:
    """Drop None and empty lists, keeping the fields that say something."""
    kept = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _without_empty(value)
        if value is None or value == []:
            continue
        kept[key] = value
    return kept


def load_spec(path: Path) -> CompetitionSpec:
    """Read and validate a spec file; a wrong field is named in the error."""
    try:
        raw = load_yaml_file(Path(path))
    except FileNotFoundError as err:
        raise SpecError(f"{path} not found: run `kagglekit inspect --write` to create it") from err
    except YamlFileError as err:
        raise SpecError(f"{path} {err}") from err
    return parse_spec(raw, source=str(path))


def parse_spec(raw: Any, source: str = SPEC_FILE) -> CompetitionSpec:
    """Validate spec data loaded from YAML or JSON."""
    if not isinstance(raw, dict):
        raise SpecError(f"{source} must hold a mapping of fields, found {type(raw).__name__}")
    try:
        return CompetitionSpec.model_validate(raw)
    except ValidationError as err:
        raise SpecError(f"{source}: {describe_validation_error(err)}") from err


def save_spec(spec: CompetitionSpec, path: Path) -> None:
    """Write the spec as YAML."""
    Path(path).write_text(spec.to_yaml(), encoding="utf-8")


def describe_validation_error(err: ValidationError) -> str:
    """The first problem of a pydantic error, as 'field.path: what is wrong'."""
    problem = err.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "extra_forbidden":
        message = "unknown field (check its spelling)"
    elif problem["type"] == "missing":
        message = "required field is missing"
    elif problem["type"] == "enum":
        expected = problem.get("ctx", {}).get("expected", "")
        message = f"{problem['input']!r} is not one of {expected}"
    return f"{where}: {message}" if where else message


def pattern_fields(pattern: str) -> list[str]:
    """The column names a file pattern such as ``train/{id_code}.png`` refers to."""
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def _check_pattern(pattern: str | None) -> None:
    if pattern is None:
        return
    try:
        fields = pattern_fields(pattern)
    except ValueError as err:
        raise ValueError(f"file_pattern {pattern!r} is not a valid pattern: {err}") from err
    if not fields:
        raise ValueError(f"file_pattern {pattern!r} needs a column in braces, e.g. {{id}}")


def _check_patterns(pattern: str | None, extra: list[str]) -> None:
    if extra and not pattern:
        raise ValueError("extra_file_patterns needs a file_pattern to come after")
    for each in (pattern, *extra):
        _check_pattern(each)


def _check_regex(field: str, pattern: str | None) -> None:
    if pattern is None:
        return
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise ValueError(f"{field} {pattern!r} is not a valid regular expression: {err}") from err
    if compiled.groups < 1:
        raise ValueError(f"{field} {pattern!r} needs one group in parentheses")

