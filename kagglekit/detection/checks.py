"""Checks of a detected spec against the files: what would go wrong when items are read.

Every id is checked against the walk's index with set look-ups (no file is touched);
only a spread sample of images is opened, so the checks stay cheap on competitions of
hundreds of thousands of files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kagglekit.detection.labels import split_tags
from kagglekit.detection.tables import Table, in_set, read_table, spread
from kagglekit.items import fill_pattern
from kagglekit.scan import FileIndex, scan
from kagglekit.spec import CompetitionSpec, ItemLayout, LabelKind, SubmissionKind, TestSource
from kagglekit.wording import counted

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
    """Image files that items resolve to, by the folder they are looked for in."""

    named: dict[str, list[str]] = field(default_factory=dict)  # folder -> paths inside it

    def add(self, folder: str, names: Iterable[str]) -> None:
        self.named.setdefault(folder, []).extend(names)

    def spread_sample(self, count: int) -> list[str]:
        """At most ``count`` files spread over all of them, relative to the data folder."""
        folders = list(self.named)
        ends = np.cumsum([len(self.named[folder]) for folder in folders])
        chosen = []
        for position in spread(int(ends[-1]) if folders else 0, count):
            which = int(np.searchsorted(ends, position, side="right"))
            start = int(ends[which - 1]) if which else 0
            chosen.append(_join(folders[which], self.named[folders[which]][position - start]))
        return chosen


def check_detection(detection: Detection, data_path: Path) -> tuple[list[str], ImageCheck]:
    """Warnings about the data of a detected spec, and a check of a sample of its images."""
    spec = detection.spec
    index = detection.index or scan(data_path)
    paths = _ImagePaths(index)
    warnings: list[str] = []

    train = _training_files(spec, detection, data_path, paths, warnings)
    test = _test_files(spec, detection, data_path, paths, warnings)
    warnings += _unnamed_files(paths, train, test)
    warnings += _class_warnings(spec, detection, data_path)

    test_quota = min(sum(map(len, test.named.values())), int(IMAGES_OPENED * TEST_SHARE))
    chosen = train.spread_sample(IMAGES_OPENED - test_quota)
    chosen += test.spread_sample(IMAGES_OPENED - len(chosen))
    images = open_images(data_path, chosen)
    if images.unreadable:
        warnings.append(
            f"{len(images.unreadable)} of {images.opened} images opened cannot be read "
            f"(e.g. {_listed(images.unreadable)}); check the download"
        )
    return warnings, images


class _ImagePaths:
    """The images under a folder, as paths relative to it, built once per folder."""

    def __init__(self, index: FileIndex) -> None:
        self.index = index
        self._cache: dict[str, frozenset[str]] = {}

    def of(self, folder: str) -> frozenset[str]:
        """Every image under ``folder`` (its sub-folders too), relative to it."""
        if folder not in self._cache:
            top = self.index.folders.get(folder)
            found = set(top.image_set) if top is not None else set()
            prefix = f"{folder}/" if folder else ""
            for path, each in self.index.folders.items():
                if path != folder and path.startswith(prefix) and each.images:
                    inner = path[len(prefix):]
                    found.update(f"{inner}/{name}" for name in each.images)
            self._cache[folder] = frozenset(found)
        return self._cache[folder]


def _unnamed_files(paths: _ImagePaths, train: _Files, test: _Files) -> list[str]:
    """Images in the folders items are read from that no training or test id names."""
    named: dict[str, set[str]] = {}
    for files in (train, test):
        for folder, names in files.named.items():
            named.setdefault(folder, set()).update(names)
    tops = [f for f in named if not any(_inside(f, other) for other in named if other != f)]
    warnings = []
    for folder in sorted(tops):
        left = set(paths.of(folder)) - named[folder]
        for other, names in named.items():
            if _inside(other, folder):
                inner = other[len(folder) + 1:] if folder else other
                left -= {f"{inner}/{name}" for name in names}
        if left:
            what = "training" if folder in train.named else "test"
            shown = [_join(folder, name) for name in sorted(left)[:SHOWN]]
            more = f" and {len(left) - SHOWN:,} more" if len(left) > SHOWN else ""
            warnings.append(
                f"{counted(len(left), 'image file')} in the {what} folder {folder or '.'}/ "
                f"named by no id (e.g. {', '.join(shown)}{more})"
            )
    return warnings


def _inside(folder: str, other: str) -> bool:
    """Whether ``folder`` lies below ``other``."""
    return folder != other and (not other or folder.startswith(other + "/"))


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _training_files(
    spec: CompetitionSpec,
    detection: Detection,
    data_path: Path,
    paths: _ImagePaths,
    warnings: list[str],
) -> _Files:
    train = spec.train
    files = _Files()
    if train.layout is ItemLayout.CSV_IDS and train.labels_file:
        table = _table(detection, data_path, train.labels_file)
        patterns = [train.file_pattern or "", *train.extra_file_patterns]
        missing = _resolve(table.frame, patterns, paths, files)
        ids = table.frame.loc[missing, train.id_column or table.columns[0]]
        if len(ids):
            warnings.append(
                f"{len(ids):,} of {len(table.frame):,} training ids name no file "
                f"(e.g. {_listed(list(ids))}); they are skipped in training"
            )
        return files
    root = paths.index.folders.get(_index_path(train.folder))
    if root is None:
        return files
    if train.layout is ItemLayout.FOLDER_PER_CLASS:
        for child in paths.index.subfolders_of(root):
            files.add(root.path, (f"{child.name}/{name}" for name in child.images))
    elif train.layout is ItemLayout.LABEL_IN_NAME:
        pattern = re.compile(train.label_pattern or "")
        files.add(root.path, (name for name in root.images if pattern.match(name)))
    return files


def _test_files(
    spec: CompetitionSpec,
    detection: Detection,
    data_path: Path,
    paths: _ImagePaths,
    warnings: list[str],
) -> _Files:
    test = spec.test
    files = _Files()
    if test.source is TestSource.FOLDER:
        folder = paths.index.folders.get(_index_path(test.folder))
        if folder is None:
            return files
        files.add(folder.path, folder.images)
        sample = _table(detection, data_path, spec.submission.file).frame
        stems = {name.rsplit(".", 1)[0] for name in folder.images}
        ids = [i for i in sample[spec.submission.id_column] if i not in stems]
        if ids:
            warnings.append(
                f"{len(ids):,} of {len(sample):,} ids of {spec.submission.file} name no image "
                f"in {test.folder}/ (e.g. {_listed(ids)}); test items are named by their "
                "file names there"
            )
        return files
    if not test.file_pattern:
        return files
    table = _table(detection, data_path, test.file or spec.submission.file)
    patterns = [test.file_pattern, *test.extra_file_patterns]
    missing = _resolve(table.frame, patterns, paths, files)
    ids = table.frame.loc[missing, test.id_column]
    if len(ids):
        warnings.append(
            f"{len(ids):,} of {len(table.frame):,} test ids name no file "
            f"(e.g. {_listed(list(ids))}); the submission needs a prediction for each"
        )
    return files


def _index_path(folder: str | None) -> str:
    """A spec's folder as the index names it (the data folder itself is "")."""
    return "" if folder in (None, ".") else str(folder).strip("/")


def _resolve(
    frame: pd.DataFrame, patterns: list[str], paths: _ImagePaths, files: _Files
) -> np.ndarray:
    """Add each row's file (at the first pattern where it exists); the rows without one."""
    missing = np.ones(len(frame), dtype=bool)
    for pattern in patterns:
        if not missing.any():
            break
        folder = _fixed_folder(pattern)
        inner = pattern[len(folder) + 1:] if folder else pattern
        candidates = fill_pattern(frame[missing], inner)
        exists = in_set(candidates, paths.of(folder))
        files.add(folder, candidates[exists].tolist())
        missing[np.flatnonzero(missing)[exists]] = False
    return missing


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
                f"the submission has columns for {counted(len(lacking), 'class')} that no "
                f"training item carries: {_listed(lacking)}"
            )
        unsubmitted = [c for c in counts if c not in submission.target_columns]
        if unsubmitted:
            warnings.append(
                f"{counted(len(unsubmitted), 'training class')} without a column in the "
                f"submission: {_listed(unsubmitted)}; check classes in competition.yaml"
            )
    elif submission.kind in (SubmissionKind.LABEL, SubmissionKind.TAGS):
        shown = _sample_labels(spec, detection, data_path)
        unknown = sorted(shown - set(spec.classes))
        if unknown:
            warnings.append(
                f"the sample submission shows {counted(len(unknown), 'label')} that no "
                f"training item carries: {_listed(unknown)}"
            )
    single = [name for name in spec.classes if counts.get(name) == 1]
    if single and spec.train.label_kind not in (LabelKind.INDICATORS, LabelKind.TAGS):
        warnings.append(
            f"{counted(len(single), 'class')} with a single training item ({_listed(single)}): "
            "they cannot be in both the training and the validation split"
        )
    return warnings


def _sample_labels(spec: CompetitionSpec, detection: Detection, data_path: Path) -> set[str]:
    sample = _table(detection, data_path, spec.submission.file).frame
    values = sample[spec.submission.target_columns[0]].str.strip()
    values = values[values != ""]
    if spec.submission.kind is SubmissionKind.TAGS:
        values = split_tags(values, spec.submission.delimiter).explode().dropna()
    return set(values)


def open_images(data_path: Path, files: list[str]) -> ImageCheck:
    """Open the given images (a spread sample, never all of them) and note what they are."""
    from PIL import Image, UnidentifiedImageError

    check = ImageCheck()
    for relative in files:
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
