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

from kagglekit import metrics
from kagglekit.detection.images import detect_image_items
from kagglekit.detection.items import FoundItems
from kagglekit.detection.labels import Labels
from kagglekit.detection.tabular import detect_table_items
from kagglekit.detection.tables import Table, read_table
from kagglekit.detection.unsupported import (
    refuse_by_content,
    refuse_several_files,
    refuse_unsupported,
)
from kagglekit.errors import LayoutError
from kagglekit.scan import FileIndex, scan
from kagglekit.spec import (
    CompetitionSpec,
    LabelKind,
    Metric,
    MetricSource,
    SubmissionFormat,
    SubmissionKind,
    Task,
)

logger = logging.getLogger(__name__)

__all__ = ["Detection", "detect"]


@dataclass
class Detection:
    """A detected spec and the facts ``inspect`` reports beside it."""

    spec: CompetitionSpec
    train_count: int
    test_count: int
    class_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


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
    tables = [read_table(root, path) for path in sorted(index.tables)]
    sample = _find_sample(tables)
    others = [table for table in tables if table is not sample]

    metric_name, metric_source = _known_metric(slug, kaggle_metric)
    ordinal = metric_name == "quadratic_kappa"
    try:
        if index.image_count:
            items = detect_image_items(index, others, sample, ordinal)
        else:
            items = detect_table_items(others, sample, ordinal)
    except LayoutError:
        # Say what makes the layout unsupported, when that is what made detection fail.
        refuse_by_content(index, others, sample, None)
        refuse_several_files(index, others)
        raise
    refuse_by_content(index, others, sample, items.labels)

    kind = submission_kind(items.labels, sample, metric_name)
    if metric_name is None:
        metric_name = metrics.default_metric(
            _task(index, items.labels).value, len(items.labels.classes), kind.value
        )
        metric_source = MetricSource.DEFAULT
        logger.info("no metric known for %s: using %s, the default for its task", slug, metric_name)

    spec = _assemble(slug, title, index, items, sample, kind, metric_name, metric_source)
    spec = spec.model_copy(update={"data_dir": data_dir_in_spec})
    return Detection(spec, items.train_count, len(sample.frame), items.class_counts, items.notes)


def _find_sample(tables: list[Table]) -> Table:
    candidates = [table for table in tables if table.is_sample_submission]
    if not candidates:
        found = ", ".join(table.path for table in tables) or "no CSV files"
        raise LayoutError(
            f"no sample submission found (looked for a CSV named like sample_submission; "
            f"found {found}); write a spec by hand and use `kagglekit new --spec FILE`"
        )
    candidates.sort(key=lambda table: ("sample" not in table.name, len(table.path)))
    sample = candidates[0]
    if len(sample.columns) < 2:
        raise LayoutError(
            f"{sample.path} has {len(sample.columns)} column; a submission needs an id "
            "column and a target column"
        )
    return sample


def _known_metric(slug: str, kaggle_metric: str | None) -> tuple[str | None, MetricSource]:
    if kaggle_metric:
        name = metrics.metric_from_kaggle(kaggle_metric)
        if name:
            return name, MetricSource.METADATA
        logger.warning("the competition's metric %r is not supported yet", kaggle_metric)
    if slug in metrics.KNOWN_METRICS:
        return metrics.KNOWN_METRICS[slug], MetricSource.KNOWN
    return None, MetricSource.DEFAULT


def submission_kind(labels: Labels, sample: Table, metric_name: str | None) -> SubmissionKind:
    """What the sample submission's target columns want, from its columns and the metric."""
    targets = sample.columns[1:]
    wants_probabilities = metric_name is not None and metrics.needs_probabilities(metric_name)
    if labels.kind is LabelKind.VALUE:
        return SubmissionKind.VALUE
    if len(targets) > 1:
        if wants_probabilities or _holds_fractions(sample, targets):
            return SubmissionKind.CLASS_PROBABILITIES
        return SubmissionKind.ONE_HOT
    if labels.is_multilabel:
        return SubmissionKind.TAGS
    if len(labels.classes) == 2 and (wants_probabilities or _holds_fractions(sample, targets)):
        return SubmissionKind.POSITIVE_PROBABILITY
    return SubmissionKind.LABEL


def _holds_fractions(sample: Table, columns: list[str]) -> bool:
    """Whether the sample shows probabilities (values strictly between 0 and 1)."""
    for column in columns:
        values = sample.frame[column].str.strip()
        if values.str.match(r"^0?\.\d*[1-9]").any():
            return True
    return False


def _task(index: FileIndex, labels: Labels) -> Task:
    if not index.image_count:
        kind = labels.kind
        return Task.TABULAR_REGRESSION if kind is LabelKind.VALUE else Task.TABULAR_CLASSIFICATION
    if labels.kind is LabelKind.VALUE:
        return Task.IMAGE_REGRESSION
    return Task.IMAGE_MULTILABEL if labels.is_multilabel else Task.IMAGE_CLASSIFICATION


def _assemble(
    slug: str,
    title: str,
    index: FileIndex,
    items: FoundItems,
    sample: Table,
    kind: SubmissionKind,
    metric_name: str,
    metric_source: MetricSource,
) -> CompetitionSpec:
    targets = sample.columns[1:]
    classes = _submission_order(items.labels.classes, targets)
    positive = classes[-1] if kind is SubmissionKind.POSITIVE_PROBABILITY else None
    return CompetitionSpec(
        slug=slug,
        title=title or slug,
        task=_task(index, items.labels),
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
