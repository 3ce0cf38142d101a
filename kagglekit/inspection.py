"""``kagglekit inspect``: what detection finds in a competition's files, and what is off.

The report says what a project would be built from (task, items, classes, the rule from
an id to its file, the test items, the submission format, the metric and where it came
from) and warns about what would hurt later: ids without files, files without ids,
classes without training items or with one, images that cannot be read. In a project
it also shows how detection differs from ``competition.yaml``, and ``--write`` replaces
that file (keeping the old one as ``competition.yaml.bak``, then ``.bak.2``...) while
keeping what detection cannot know: the slug, the title, the metric it names,
``kernels_only`` and ``solution_file``.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kagglekit.detection.checks import ImageCheck
from kagglekit.errors import DataError, SpecError, UsageError
from kagglekit.spec import (
    SPEC_FILE,
    CompetitionSpec,
    ItemLayout,
    LabelKind,
    MetricSource,
    SubmissionKind,
    TestSource,
    load_spec,
    save_spec,
)
from kagglekit.wording import counted
from kagglekit.yamlfiles import YamlFileError, load_yaml_file

if TYPE_CHECKING:
    from kagglekit.detection import Detection

logger = logging.getLogger(__name__)

BACKUP_SUFFIX = ".bak"
SHOWN_CLASSES = 10  # classes listed by name; the rest are counted
SHOWN_EXAMPLES = 3  # ids or files named in a warning

_KIND_WORDS = {
    LabelKind.NAME: "class names",
    LabelKind.CODE: "integer class codes",
    LabelKind.ORDINAL: "ordered integer grades",
    LabelKind.ONE_HOT: "one 0/1 column per class",
    LabelKind.TAGS: "several tags per item",
    LabelKind.INDICATORS: "one 0/1 column per label, several per item",
    LabelKind.VALUE: "numbers to regress",
}
_METRIC_SOURCES = {
    MetricSource.METADATA: "from the competition's metadata",
    MetricSource.KNOWN: "from kagglekit's table of well-known competitions",
    MetricSource.DEFAULT: "the default for the task; set metric in competition.yaml if "
    "the competition is scored otherwise",
    MetricSource.USER: "set in competition.yaml",
}
# Fields of competition.yaml that detection cannot know, kept by --write.
_KEPT_FIELDS = ("slug", "title", "data_dir", "kernels_only", "solution_file")


@dataclass
class Report:
    """Everything ``inspect`` prints, in either form."""

    folder: Path
    spec: CompetitionSpec
    train_count: int
    test_count: int
    class_counts: dict[str, int]
    notes: list[str]
    warnings: list[str]
    images: ImageCheck
    project: bool = False
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    written: Path | None = None
    backup: Path | None = None


def inspect_folder(directory: Path, as_json: bool, write: bool) -> str:
    """Detect the layout of a project's data or of a competition folder, and report it."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder; give a project or a folder of "
                         "competition files")
    if (directory / SPEC_FILE).exists():
        report = _inspect_project(directory, write)
    elif write:
        raise UsageError(
            f"{directory} has no {SPEC_FILE} to rewrite; run `kagglekit inspect` without "
            f"--write to see the detection, or `kagglekit new NAME --data {directory}` to "
            "make a project"
        )
    else:
        report = _inspect_competition(directory)
    return render_json(report) if as_json else render_text(report)


# ---------------------------------------------------------------------------------------
# Detection, in a project or a plain folder
# ---------------------------------------------------------------------------------------


def _inspect_competition(directory: Path) -> Report:
    from kagglekit.detection import detect

    detection = detect(directory, slug=_slug_of(directory))
    return _report(directory, detection)


def _slug_of(directory: Path) -> str:
    """A plain folder is named for its competition (the cache keeps ``<slug>/files/``)."""
    folder = directory.resolve()
    return folder.parent.name if folder.name == "files" else folder.name


def _inspect_project(directory: Path, write: bool) -> Report:
    from kagglekit.detection import detect

    spec_path = directory / SPEC_FILE
    old, raw = _read_spec(spec_path, write)
    kept = _kept_fields(old, raw, directory)
    metric = _kept_metric(old, raw)
    data_path = (directory / kept["data_dir"]).resolve()
    if not data_path.is_dir():
        raise DataError(
            f"the project's data folder {data_path} does not exist; point data_dir in "
            f"{SPEC_FILE} at the competition's files"
        )

    detection = detect(
        data_path,
        slug=kept["slug"],
        title=kept["title"],
        kaggle_metric=metric["name"] if metric else None,
        data_dir_in_spec=kept["data_dir"],
    )
    update: dict[str, Any] = dict(kept)
    if metric:
        source = _metric_source(metric, detection.spec)
        update["metric"] = detection.spec.metric.model_copy(update={"source": source})
    merged = CompetitionSpec.model_validate({**detection.spec.model_dump(), **update})
    detection.spec = merged

    report = _report(data_path, detection)
    report.project = True
    report.kept = [name for name in _KEPT_FIELDS if name in raw] + (["metric"] if metric else [])
    report.differences = differences(raw, merged.model_dump(mode="json"))
    if write:
        report.backup = _free_backup_name(spec_path)
        shutil.copy2(spec_path, report.backup)
        save_spec(merged, spec_path)
        report.written = spec_path
    return report


def _free_backup_name(spec_path: Path) -> Path:
    """``competition.yaml.bak``, or ``.bak.2``, ``.bak.3``... so no backup is overwritten."""
    backup = spec_path.with_name(SPEC_FILE + BACKUP_SUFFIX)
    number = 1
    while backup.exists():
        number += 1
        backup = spec_path.with_name(f"{SPEC_FILE}{BACKUP_SUFFIX}.{number}")
    return backup


def _read_spec(path: Path, write: bool) -> tuple[CompetitionSpec | None, dict[str, Any]]:
    """The project's spec and its raw fields; a broken one stops inspect unless --write."""
    try:
        spec = load_spec(path)
    except SpecError as err:
        if not write:
            raise SpecError(
                f"{err}; fix it, or run `kagglekit inspect --write` to replace it with what "
                f"is detected (the old file is kept as a {BACKUP_SUFFIX} copy)"
            ) from err
        try:
            raw = load_yaml_file(path, unique_keys=False)
        except YamlFileError as yaml_err:
            # Unreadable YAML would lose the fields detection cannot know (slug, title,
            # metric, solution_file): the user must fix the syntax first.
            raise SpecError(
                f"{path.name} {yaml_err}; fix it first, so that --write can keep the fields "
                "only you know"
            ) from yaml_err
        logger.warning("%s; replacing it with what is detected", err)
        return None, raw if isinstance(raw, dict) else {}
    return spec, spec.model_dump(mode="json")


def _kept_fields(
    old: CompetitionSpec | None, raw: dict[str, Any], directory: Path
) -> dict[str, Any]:
    """The fields detection cannot know, from the old spec (or what is readable of it)."""
    if old is not None:
        return {name: getattr(old, name) for name in _KEPT_FIELDS}
    kept: dict[str, Any] = {
        "slug": directory.resolve().name,
        "title": "",
        "data_dir": "data",
        "kernels_only": False,
        "solution_file": None,
    }
    for name, default in list(kept.items()):
        value = raw.get(name)
        if value is not None and isinstance(value, type(default) if default is not None else str):
            kept[name] = value
    return kept


def _kept_metric(old: CompetitionSpec | None, raw: dict[str, Any]) -> dict[str, str] | None:
    """The metric the spec names, when it is one kagglekit computes: detection keeps it."""
    from kagglekit.metrics import METRICS

    metric = old.metric.model_dump(mode="json") if old is not None else raw.get("metric")
    if not isinstance(metric, dict) or metric.get("name") not in METRICS:
        return None
    source = metric.get("source")
    known = {item.value for item in MetricSource}
    return {"name": metric["name"], "source": source if source in known else "user"}


def _metric_source(metric: dict[str, str], detected: CompetitionSpec) -> MetricSource:
    """The kept metric's source; a "default" the user changed by hand is theirs now."""
    from kagglekit.metrics import default_metric

    source = MetricSource(metric["source"])
    if source is not MetricSource.DEFAULT:
        return source
    default = default_metric(
        detected.task.value, len(detected.classes), detected.submission.kind.value
    )
    return MetricSource.DEFAULT if metric["name"] == default else MetricSource.USER


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Fields whose values differ, as (dotted field, old value, new value)."""
    found = []
    flat_old, flat_new = _flatten(old), _flatten(new)
    for name in [*flat_new, *(k for k in flat_old if k not in flat_new)]:
        before, after = flat_old.get(name), flat_new.get(name)
        if _empty(before) and _empty(after):
            continue
        if before != after:
            found.append((name, before, after))
    return found


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------


def _report(data_path: Path, detection: Detection) -> Report:
    from kagglekit.detection.checks import check_detection

    warnings, images = check_detection(detection, data_path)
    return Report(
        folder=data_path,
        spec=detection.spec,
        train_count=detection.train_count,
        test_count=detection.test_count,
        class_counts=detection.class_counts,
        notes=list(detection.notes),
        warnings=warnings,
        images=images,
    )


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    """The report as aligned lines for a person."""
    spec = report.spec
    lines = [f"inspected {report.folder}"]

    def add(label: str, text: str) -> None:
        lines.append(f"{label:<12}{text}")

    add("competition", spec.slug + (f" ({spec.title})" if spec.title != spec.slug else ""))
    add("task", spec.task.value.replace("_", " "))
    add("training", f"{counted(report.train_count, 'item')}: {_training_rule(spec)}")
    add("labels", _labels_text(spec))
    lines += _class_lines(spec, report.class_counts)
    if spec.train.group_column or spec.train.group_pattern:
        add("groups", _groups_text(spec))
    add("test", f"{counted(report.test_count, 'item')}: {_test_rule(spec)}")
    add("submission", _submission_text(spec))
    add("metric", _metric_text(spec))
    if report.images.opened:
        add("images", _images_text(report.images))
    for note in report.notes:
        add("note", note)
    if report.warnings:
        lines.append("warnings")
        lines += [f"  - {warning}" for warning in report.warnings]
    if report.project:
        lines += _difference_lines(report)
    if report.written:
        lines.append(f"wrote {report.written} (the old one is kept as {report.backup})")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """The report as one JSON object."""
    spec = report.spec
    data = {
        "folder": str(report.folder),
        "slug": spec.slug,
        "task": spec.task.value,
        "id_column": spec.submission.id_column,
        "target_columns": spec.submission.target_columns,
        "submission_kind": spec.submission.kind.value,
        "metric": spec.metric.name,
        "metric_source": spec.metric.source.value,
        "higher_is_better": spec.metric.higher_is_better,
        "layout": spec.train.layout.value,
        "label_kind": spec.train.label_kind.value,
        "counts": {"train": report.train_count, "test": report.test_count},
        "classes": spec.classes,
        "class_counts": report.class_counts,
        "positive_class": spec.positive_class,
        "train_rule": _training_rule(spec),
        "test_rule": _test_rule(spec),
        "images": {
            "opened": report.images.opened,
            "unreadable": report.images.unreadable,
            "sizes": sorted({f"{w}x{h}" for w, h in report.images.sizes}),
            "modes": sorted(report.images.modes),
        },
        "notes": report.notes,
        "warnings": report.warnings,
        "differences": [
            {"field": name, "competition_yaml": old, "detected": new}
            for name, old, new in report.differences
        ],
        "kept": report.kept,
        "written": str(report.written) if report.written else None,
        "spec": spec.model_dump(mode="json"),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _training_rule(spec: CompetitionSpec) -> str:
    train = spec.train
    if train.layout is ItemLayout.CSV_IDS:
        files = " or ".join([train.file_pattern or "", *train.extra_file_patterns])
        return f"rows of {train.labels_file}, each one's file at {files}"
    if train.layout is ItemLayout.FOLDER_PER_CLASS:
        return f"images in {train.folder or '.'}/<class>/, one folder per class"
    if train.layout is ItemLayout.LABEL_IN_NAME:
        return f"images in {train.folder or '.'}/, the label in each file's name"
    if train.layout is ItemLayout.PIXEL_COLUMNS:
        height, width = train.image_shape or [0, 0]
        return f"rows of {train.labels_file}, each a {height}x{width} image in pixel columns"
    return (
        f"rows of {train.labels_file}, {len(train.category_columns)} categorical and "
        f"{len(train.continuous_columns)} continuous feature columns"
    )


def _test_rule(spec: CompetitionSpec) -> str:
    test = spec.test
    if test.source is TestSource.FOLDER:
        return f"every image in {test.folder}/, named by its file name"
    if test.source is TestSource.CSV:
        if test.id_from_row is not None:
            text = f"rows of {test.file}, ids counted from {test.id_from_row}"
        else:
            text = f"rows of {test.file}, ids in column {test.id_column}"
    else:
        text = f"the ids of {test.file}"
    if test.file_pattern:
        text += ", each one's file at " + " or ".join([test.file_pattern,
                                                         *test.extra_file_patterns])
    return text


def _labels_text(spec: CompetitionSpec) -> str:
    train = spec.train
    kind = _KIND_WORDS[train.label_kind]
    if train.label_kind is LabelKind.TAGS:
        kind += f" separated by {train.label_delimiter!r}"
    if train.layout is ItemLayout.FOLDER_PER_CLASS:
        where = "the class folders' names"
    elif train.layout is ItemLayout.LABEL_IN_NAME:
        where = "the file names"
    else:
        where = ", ".join(train.label_columns)
    text = f"{where} ({kind})"
    if not spec.task.is_regression:
        text += f", {counted(len(spec.classes), 'class')}"
    return text


def _class_lines(spec: CompetitionSpec, counts: dict[str, int]) -> list[str]:
    if spec.task.is_regression or not spec.classes:
        return []
    shown = spec.classes
    if len(shown) > SHOWN_CLASSES:
        shown = sorted(spec.classes, key=lambda name: -counts.get(name, 0))[:SHOWN_CLASSES]
    width = max(len(name) for name in shown)
    lines = [f"{'':<12}  {name:<{width}}  {counts.get(name, 0):>8,}" for name in shown]
    if len(spec.classes) > len(shown):
        lines.append(f"{'':<12}  ... and {len(spec.classes) - len(shown):,} more")
    return lines


def _groups_text(spec: CompetitionSpec) -> str:
    if spec.train.group_column:
        return f"column {spec.train.group_column}: its items stay on one side of the split"
    return (
        f"ids matching {spec.train.group_pattern} share a group: its items stay on one "
        "side of the split"
    )


def _submission_text(spec: CompetitionSpec) -> str:
    submission = spec.submission
    columns = ",".join([submission.id_column, *submission.target_columns])
    kind = submission.kind
    if kind is SubmissionKind.LABEL:
        wants = "the predicted class"
    elif kind is SubmissionKind.POSITIVE_PROBABILITY:
        wants = f"the probability of class {spec.positive_class}"
    elif kind is SubmissionKind.CLASS_PROBABILITIES:
        wants = "one probability column per class"
    elif kind is SubmissionKind.ONE_HOT:
        wants = "1 in the predicted class's column, 0 in the others"
    elif kind is SubmissionKind.TAGS:
        wants = f"the predicted labels separated by {submission.delimiter!r}"
    else:
        wants = "a number per target column"
    return f"{submission.file} ({columns}): {wants} [{kind.value}]"


def _metric_text(spec: CompetitionSpec) -> str:
    metric = spec.metric
    direction = "higher" if metric.higher_is_better else "lower"
    return f"{metric.name} ({direction} is better), {_METRIC_SOURCES[metric.source]}"


def _images_text(images: ImageCheck) -> str:
    text = f"{images.opened} opened"
    if images.sizes:
        widths = [w for w, _ in images.sizes]
        heights = [h for _, h in images.sizes]
        smallest = f"{min(widths)}x{min(heights)}"
        largest = f"{max(widths)}x{max(heights)}"
        text += f", sizes {smallest}" + (f" to {largest}" if largest != smallest else "")
    if images.modes:
        text += ", modes " + ", ".join(sorted(images.modes))
    return text


def _difference_lines(report: Report) -> list[str]:
    if not report.differences:
        return [f"no differences from {SPEC_FILE}"]
    lines = [f"differences from {SPEC_FILE} (yaml -> detected)"]
    for name, old, new in report.differences:
        lines.append(f"  - {name}: {_shown(old)} -> {_shown(new)}")
    if report.kept and not report.written:
        lines.append(f"  (--write keeps {', '.join(report.kept)} as they are)")
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False)
