"""Layout detection: from a competition's files to its ``CompetitionSpec``.

Detection works from evidence only: which table's values name which image files,
which columns the sample submission has, which folders hold images. Nothing here
depends on a competition's slug, except the table of well-known metrics, which the
competition's own metadata or the user can override.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kagglekit import metrics
from kagglekit.detection.images import detect_image_items
from kagglekit.detection.items import FoundItems
from kagglekit.detection.labels import LabelEvidence, Labels
from kagglekit.detection.tables import Table, is_binary_column, is_fraction_column, read_table
from kagglekit.detection.tabular import detect_table_items
from kagglekit.detection.unsupported import (
    refuse_by_content,
    refuse_by_extension,
    refuse_paired_folders,
    refuse_several_files,
    refuse_unsupported,
)
from kagglekit.errors import LayoutError
from kagglekit.scan import FileIndex, scan
from kagglekit.spec import (
    CompetitionSpec,
    ItemLayout,
    LabelKind,
    Metric,
    MetricSource,
    SubmissionFormat,
    SubmissionKind,
    Task,
)

logger = logging.getLogger(__name__)

__all__ = ["Detection", "choose_metric", "detect", "submission_kind"]

MAX_STRAY_IMAGES = 20  # images beside tables that name none of them: figures, not data


@dataclass
class Detection:
    """A detected spec and the facts ``inspect`` reports beside it."""

    spec: CompetitionSpec
    train_count: int
    test_count: int
    class_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    index: FileIndex | None = field(default=None, repr=False)  # the walk detection made
    tables: dict[str, Table] = field(default_factory=dict, repr=False)  # by path
    train_folders: list[str] = field(default_factory=list)  # image folders of training


def detect(
    data_dir: Path,
    slug: str,
    title: str = "",
    kaggle_metric: str | None = None,
    data_dir_in_spec: str = "data",
) -> Detection:
    """Detect the layout of the competition files in ``data_dir``."""
    root = Path(data_dir)
    index = scan(root)
    refuse_unsupported(index)
    tables = [read_table(root, path, whole=_read_whole(path)) for path in sorted(index.tables)]
    sample = _find_sample(tables)
    others = [table for table in tables if table is not sample]

    metric_name, metric_source = choose_metric(slug, kaggle_metric)
    evidence = _label_evidence(sample, metric_name)
    try:
        items = _detect_items(index, others, sample, evidence)
    except LayoutError:
        # Say what makes the layout unsupported, when that is what made detection fail.
        refuse_by_extension(index)
        refuse_by_content(index, others, sample, None)
        refuse_several_files(index, others)
        refuse_paired_folders(index)
        raise
    refuse_by_content(index, others, sample, items.labels)

    kind = submission_kind(items.labels, sample, metric_name)
    task = _task(items)
    if metric_name is None:
        metric_name = metrics.default_metric(task.value, len(items.labels.classes), kind.value)
        metric_source = MetricSource.DEFAULT
        logger.info(
            "no metric known for %s: using %s, the default for its task; set metric in "
            "competition.yaml if the competition is scored otherwise",
            slug,
            metric_name,
        )

    spec = _assemble(slug, title, task, items, sample, kind, metric_name, metric_source)
    spec = spec.model_copy(update={"data_dir": data_dir_in_spec})
    return Detection(
        spec,
        items.train_count,
        len(sample.frame),
        class_counts=items.class_counts,
        notes=items.notes,
        index=index,
        tables={table.path: table for table in tables},
        train_folders=items.train_folders,
    )


def choose_metric(slug: str, kaggle_metric: str | None) -> tuple[str | None, MetricSource]:
    """The metric from the competition's metadata, else the table of known ones, else None."""
    if kaggle_metric:
        name = metrics.metric_from_kaggle(kaggle_metric)
        if name:
            return name, MetricSource.METADATA
        logger.warning("the competition's metric %r is not supported yet", kaggle_metric)
    if slug in metrics.KNOWN_METRICS:
        return metrics.KNOWN_METRICS[slug], MetricSource.KNOWN
    return None, MetricSource.DEFAULT


def _read_whole(path: str) -> bool:
    """Sample submissions and test tables are read whole: their ids are needed in order."""
    name = path.rsplit("/", 1)[-1].lower()
    return any(word in name for word in ("sample", "submission", "test"))


def _find_sample(tables: list[Table]) -> Table:
    candidates = [table for table in tables if table.is_sample_submission]
    if not candidates:
        found = ", ".join(table.path for table in tables) or "no CSV files"
        raise LayoutError(
            f"no sample submission found (looked for a CSV named like sample_submission; "
            f"found {found}); write a spec by hand and use `kagglekit new --spec FILE`"
        )
    candidates.sort(
        key=lambda table: (
            not ("sample" in table.name and "submission" in table.name),
            "submission" not in table.name,
            table.path.count("/"),
            len(table.path),
        )
    )
    sample = candidates[0]
    if len(sample.columns) < 2:
        raise LayoutError(
            f"{sample.path} has {len(sample.columns)} column; a submission needs an id "
            "column and a target column; write a spec by hand and use "
            "`kagglekit new --spec FILE`"
        )
    return sample


def _label_evidence(sample: Table, metric_name: str | None) -> LabelEvidence:
    targets = sample.columns[1:]
    values = sample.frame[targets[0]] if len(targets) == 1 else pd.Series([], dtype=str)
    return LabelEvidence(
        ordinal=metric_name == "quadratic_kappa",
        metric_needs=metrics.METRICS[metric_name].needs if metric_name else None,
        sample_values=values,
    )


def submission_kind(labels: Labels, sample: Table, metric_name: str | None) -> SubmissionKind:
    """What the sample submission's target columns want, from its columns and the metric.

    A known metric decides between labels and probabilities (a sample showing 0 under an
    AUC-scored column still wants probabilities); without one, the sample's values do.
    """
    targets = sample.columns[1:]
    needs = metrics.METRICS[metric_name].needs if metric_name else None
    shows_fractions = any(is_fraction_column(sample.frame[column]) for column in targets)
    wants_probabilities = needs == "probabilities" or (needs is None and shows_fractions)
    if labels.kind is LabelKind.VALUE:
        return SubmissionKind.VALUE
    if len(targets) > 1:
        if wants_probabilities:
            return SubmissionKind.CLASS_PROBABILITIES
        if needs == "labels" or all(is_binary_column(sample.frame[c]) for c in targets):
            return SubmissionKind.ONE_HOT
        return SubmissionKind.CLASS_PROBABILITIES
    if labels.is_multilabel:
        return SubmissionKind.TAGS
    if len(labels.classes) == 2 and wants_probabilities:
        return SubmissionKind.POSITIVE_PROBABILITY
    return SubmissionKind.LABEL


def _detect_items(
    index: FileIndex, tables: list[Table], sample: Table, evidence: LabelEvidence
) -> FoundItems:
    if not index.image_count:
        return detect_table_items(tables, sample, evidence)
    try:
        return detect_image_items(index, tables, sample, evidence)
    except LayoutError as image_error:
        if index.image_count > MAX_STRAY_IMAGES:
            raise
        # A few images that nothing names (a figure, a logo) beside tables: tabular data?
        try:
            return detect_table_items(tables, sample, evidence)
        except LayoutError:
            raise image_error from None


def _task(items: FoundItems) -> Task:
    regression = items.labels.kind is LabelKind.VALUE
    if items.train.layout is ItemLayout.TABULAR:
        return Task.TABULAR_REGRESSION if regression else Task.TABULAR_CLASSIFICATION
    if regression:
        return Task.IMAGE_REGRESSION
    return Task.IMAGE_MULTILABEL if items.labels.is_multilabel else Task.IMAGE_CLASSIFICATION


def _assemble(
    slug: str,
    title: str,
    task: Task,
    items: FoundItems,
    sample: Table,
    kind: SubmissionKind,
    metric_name: str,
    metric_source: MetricSource,
) -> CompetitionSpec:
    targets = sample.columns[1:]
    classes = _submission_order(items.labels.classes, targets)
    positive = None
    if kind is SubmissionKind.POSITIVE_PROBABILITY:
        positive = _positive_class(classes, targets[0])
    return CompetitionSpec(
        slug=slug,
        title=title or slug,
        task=task,
        train=items.train,
        test=items.test,
        submission=SubmissionFormat(
            file=sample.path,
            id_column=sample.columns[0],
            target_columns=targets,
            kind=kind,
            delimiter=items.labels.delimiter,
        ),
        classes=classes,
        positive_class=positive,
        metric=Metric(
            name=metric_name,
            higher_is_better=metrics.METRICS[metric_name].higher_is_better,
            source=metric_source,
        ),
    )


def _submission_order(classes: list[str], targets: list[str]) -> list[str]:
    """Classes in the order of the submission's columns when it has one per class."""
    if len(targets) > 1 and set(classes) <= set(targets):
        return [target for target in targets if target in set(classes)]
    return classes


def _positive_class(classes: list[str], target: str) -> str:
    """The class whose probability is submitted: the one the column names, else the last.

    ``is_iceberg`` names no class of ``0``/``1``, so ``1`` (and ``True``, ``dog``) wins.
    """
    column = target.casefold()
    named = [name for name in classes if name.casefold() in column and not name.isdigit()]
    return named[0] if len(named) == 1 else classes[-1]
