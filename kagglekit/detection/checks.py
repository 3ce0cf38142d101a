"""Checks of a detected spec against the files: what would go wrong when items are read.

Every id is checked against the walk's index with set look-ups (no file is touched);
only a spread sample of images is opened, so the checks stay cheap on competitions of
hundreds of thousands of files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kagglekit.detection.labels import split_tags
from kagglekit.detection.tables import Table, read_table, spread
from kagglekit.items import fill_pattern
from kagglekit.scan import FileIndex, scan
from kagglekit.spec import CompetitionSpec, ItemLayout, LabelKind, SubmissionKind, TestSource

if TYPE_CHECKING:
    from kagglekit.detection import Detection

IMAGES_OPENED = 200  # images opened to check they can be read, spread over the data
TEST_SHARE = 0.25  # of the images opened, the share taken from the test images
SHOWN = 3  # ids, files or classes named in a warning


@dataclass
class ImageCheck:
    """What opening a spread sample of the images showed."""

    opened: int = 0
    unreadable: list[str] = field(default_factory=list)
    sizes: list[tuple[int, int]] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)


@dataclass
class _Files:
    """Image files that items resolve to, and the folders they are looked for in."""

    found: list[str] = field(default_factory=list)  # paths relative to the data folder
    folders: set[str] = field(default_factory=set)


def check_detection(detection: Detection, data_path: Path) -> tuple[list[str], ImageCheck]:
    """Warnings about the data of a detected spec, and a check of a sample of its images."""
    spec = detection.spec
    index = detection.index or scan(data_path)
    paths = _ImagePaths(index)
    warnings: list[str] = []

    train = _training_files(spec, detection, data_path, paths, warnings)
    test = _test_files(spec, detection, data_path, paths, warnings)
    named = set(train.found) | set(test.found)
    for folders, what in ((train.folders, "training"), (test.folders - train.folders, "test")):
        unnamed = [p for p in paths.under(folders) if p not in named]
        if unnamed:
            warnings.append(
                f"{len(unnamed):,} image files in the {what} folders "
                f"({_listed(sorted(folders))}) are named by no id (e.g. {_listed(unnamed)})"
            )
    warnings += _class_warnings(spec, detection, data_path)
    images = open_images(data_path, train.found, test.found)
    if images.unreadable:
        warnings.append(
            f"{len(images.unreadable)} of {images.opened} images opened cannot be read "
            f"(e.g. {_listed(images.unreadable)}); check the download"
        )
    return warnings, images


class _ImagePaths:
    """Index-relative paths of the images under a folder, built once per folder."""

    def __init__(self, index: FileIndex) -> None:
        self.index = index
        self._cache: dict[str, frozenset[str]] = {}

    def of(self, folder: str) -> frozenset[str]:
        """Every image path under ``folder`` (its sub-folders too)."""
        if folder not in self._cache:
            prefix = f"{folder}/" if folder else ""
            self._cache[folder] = frozenset(
                each.child(name)
                for path, each in self.index.folders.items()
                if path == folder or path.startswith(prefix)
                for name in each.images
            )
        return self._cache[folder]

    def under(self, folders: set[str]) -> list[str]:
        found: set[str] = set()
        for folder in folders:
            found |= self.of(folder)
        return sorted(found)


def _training_files(
    spec: CompetitionSpec,
    detection: Detection,
    data_path: Path,
    paths: _ImagePaths,
    warnings: list[str],
) -> _Files:
    train = spec.train
    if train.layout is ItemLayout.CSV_IDS and train.labels_file:
        table = _table(detection, data_path, train.labels_file)
        patterns = [train.file_pattern or "", *train.extra_file_patterns]
        files = _resolve(table.frame, patterns, paths)
        missing = table.frame.loc[files.isna(), train.id_column or table.columns[0]]
        if len(missing):
            warnings.append(
                f"{len(missing):,} of {len(table.frame):,} training ids name no file "
                f"(e.g. {_listed(list(missing))}); they are skipped in training"
            )
        return _Files(list(files.dropna()), {_fixed_folder(p) for p in patterns})
    folder = train.folder or ""
    if train.layout is ItemLayout.FOLDER_PER_CLASS:
        found = [path for path in paths.of(folder) if _parent(_parent(path)) == folder]
        return _Files(sorted(found), {folder})
    if train.layout is ItemLayout.LABEL_IN_NAME:
        pattern = re.compile(train.label_pattern or "")
        found = [
            path for path in paths.of(folder)
            if _parent(path) == folder and pattern.match(path.rsplit("/", 1)[-1])
        ]
        return _Files(sorted(found), {folder})
    return _Files()


def _test_files(
    spec: CompetitionSpec,
    detection: Detection,
    data_path: Path,
    paths: _ImagePaths,
    warnings: list[str],
) -> _Files:
    test = spec.test
    if test.source is TestSource.FOLDER:
        folder = test.folder or ""
        found = [path for path in paths.of(folder) if _parent(path) == folder]
        return _Files(sorted(found), {folder})
    if not test.file_pattern:
        return _Files()
    table = _table(detection, data_path, test.file or spec.submission.file)
    patterns = [test.file_pattern, *test.extra_file_patterns]
    files = _resolve(table.frame, patterns, paths)
    missing = table.frame.loc[files.isna(), test.id_column]
    if len(missing):
        warnings.append(
            f"{len(missing):,} of {len(table.frame):,} test ids name no file "
            f"(e.g. {_listed(list(missing))}); the submission needs a prediction for each"
        )
    return _Files(list(files.dropna()), {_fixed_folder(p) for p in patterns})


def _resolve(frame: pd.DataFrame, patterns: list[str], paths: _ImagePaths) -> pd.Series:
    """Each row's file at the first pattern where it exists; missing ones are NaN."""
    resolved = pd.Series(None, index=frame.index, dtype=object)
    for pattern in patterns:
        todo = resolved.isna()
        if not todo.any():
            break
        candidates = fill_pattern(frame[todo], pattern)
        exists = candidates.isin(paths.of(_fixed_folder(pattern)))
        resolved[candidates.index[exists]] = candidates[exists]
    return resolved


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _fixed_folder(pattern: str) -> str:
    """The folder a pattern starts in: ``train_images`` of ``train_images/{label}/{id}``."""
    head = pattern.split("{", 1)[0]
    return head.rsplit("/", 1)[0] if "/" in head else ""


def _table(detection: Detection, data_path: Path, path: str) -> Table:
    table = detection.tables.get(path)
    if table is None or not table.complete:
        table = read_table(data_path, path, whole=True)
    return table


def _class_warnings(spec: CompetitionSpec, detection: Detection, data_path: Path) -> list[str]:
    """Classes the submission wants but training lacks, and classes of a single item."""
    if spec.task.is_regression:
        return []
    warnings = []
    counts = detection.class_counts
    submission = spec.submission
    per_class = submission.kind in (SubmissionKind.CLASS_PROBABILITIES, SubmissionKind.ONE_HOT)
    if per_class:
        lacking = [c for c in submission.target_columns if counts.get(c, 0) == 0]
        if lacking:
            warnings.append(
                f"the submission has columns for {len(lacking)} classes that no training item "
                f"carries: {_listed(lacking)}"
            )
        unsubmitted = [c for c in counts if c not in submission.target_columns]
        if unsubmitted:
            warnings.append(
                f"{len(unsubmitted)} training classes have no column in the submission: "
                f"{_listed(unsubmitted)}; check classes in competition.yaml"
            )
    elif submission.kind in (SubmissionKind.LABEL, SubmissionKind.TAGS):
        shown = _sample_labels(spec, detection, data_path)
        unknown = sorted(shown - set(spec.classes))
        if unknown:
            warnings.append(
                f"the sample submission shows {len(unknown)} labels that no training item "
                f"carries: {_listed(unknown)}"
            )
    single = [name for name in spec.classes if counts.get(name) == 1]
    if single and spec.train.label_kind not in (LabelKind.INDICATORS, LabelKind.TAGS):
        warnings.append(
            f"{len(single)} classes have a single training item ({_listed(single)}): they "
            "cannot be in both the training and the validation split"
        )
    return warnings


def _sample_labels(spec: CompetitionSpec, detection: Detection, data_path: Path) -> set[str]:
    sample = _table(detection, data_path, spec.submission.file).frame
    values = sample[spec.submission.target_columns[0]].str.strip()
    values = values[values != ""]
    if spec.submission.kind is SubmissionKind.TAGS:
        values = split_tags(values, spec.submission.delimiter).explode().dropna()
    return set(values)


def open_images(data_path: Path, train: list[str], test: list[str]) -> ImageCheck:
    """Open a spread sample of the images (never all of them) and note what they are."""
    from PIL import Image, UnidentifiedImageError

    test_quota = min(len(test), int(IMAGES_OPENED * TEST_SHARE))
    train_quota = min(len(train), IMAGES_OPENED - test_quota)
    test_quota = min(len(test), IMAGES_OPENED - train_quota)
    chosen = [train[i] for i in spread(len(train), train_quota)]
    chosen += [test[i] for i in spread(len(test), test_quota)]
    check = ImageCheck()
    for relative in chosen:
        check.opened += 1
        try:
            with Image.open(Path(data_path) / relative) as image:
                check.sizes.append(image.size)
                check.modes.add(image.mode)
                image.verify()
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
            check.unreadable.append(relative)
    return check


def _listed(names: list[str]) -> str:
    shown = ", ".join(str(name) for name in names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN:,} more" if len(names) > SHOWN else "")
