"""Image competitions: where training images and their labels are, and the test images."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from kagglekit.detection.files import FileLookup, FileMatch, match_column, match_table
from kagglekit.detection.items import FoundItems, TrainFound
from kagglekit.detection.labels import (
    LabelEvidence,
    Labels,
    class_counts,
    find_group_column,
    find_group_pattern,
    is_split_name,
    read_labels,
)
from kagglekit.detection.tables import Table, find_column, number_order, spread
from kagglekit.errors import LayoutError
from kagglekit.scan import FileIndex, Folder
from kagglekit.spec import ItemLayout, LabelKind, TestItems, TestSource, TrainItems

# A file named for its label, as in `cat.0.jpg` or `dog_12.png`.
LABEL_IN_NAME = r"^(.+?)[._-]\d+\.[A-Za-z]+$"
_MIN_NAMED_SHARE = 0.9
_SHARD_CHECKS = 50  # file names looked at per folder to tell shards from classes
_MIN_SHARDS = 8
_MAX_SHARD_NAME = 3


def detect_image_items(
    index: FileIndex, tables: list[Table], sample: Table, evidence: LabelEvidence
) -> FoundItems:
    """Find the training images, their labels and the test images."""
    lookup = FileLookup(index)
    test_table = find_test_table(tables, sample)
    # A table listing the sample's ids lists test items (or their answers), never training.
    candidates = [table for table in tables if not test_table or table is not test_table[0]]
    labelled = []
    naming: list[tuple[Table, FileMatch]] = []  # tables that name files, labelled or not
    for table in candidates:
        match = match_table(table.frame, lookup)
        if match is None:
            continue
        naming.append((table, match))
        columns = _label_columns(table, match, sample)
        if columns:
            labelled.append((table, match, columns))
    if labelled:
        found = _from_label_table(labelled, evidence)
    else:
        found = _from_folders(index, evidence, naming, sample.columns[1:])

    if found.train.layout is not ItemLayout.CSV_IDS:
        # Test images never sit in the class folders (or the named files) of training.
        lookup = FileLookup(index, exclude=frozenset(found.folders))
    test = _test_items(test_table, sample, lookup, index, found)
    return FoundItems(
        found.train,
        test,
        found.labels,
        found.count,
        class_counts=found.class_counts,
        notes=found.notes,
        train_folders=found.folders,
    )


def find_test_table(tables: list[Table], sample: Table) -> tuple[Table, str] | None:
    """A table that lists the sample submission's ids, and its column that does."""
    ids = sample.frame[sample.columns[0]]
    wanted = set(ids)
    ordered = sorted(tables, key=lambda table: (not table.looks_like_test, table.path))
    for table in ordered:
        if table.rows != len(ids):
            continue
        first = find_column(table.columns, sample.columns[0])
        columns = [first] if first else []
        columns += [column for column in table.columns if column != first]
        for column in columns:
            values = table.frame[column]
            if values.iat[0] in wanted and set(values) == wanted:
                return table, column
    return None


def _label_columns(table: Table, match: FileMatch, sample: Table) -> list[str]:
    """The columns of ``table`` that hold what the submission asks for."""
    others = [column for column in table.columns if column != match.column]
    targets = sample.columns[1:]
    found = [column for target in targets if (column := find_column(others, target))]
    if found:
        return found
    if match.class_column:
        return [match.class_column]
    if len(targets) > 1:
        # One column whose values are the submission's class columns (one-hot submission).
        for column in others:
            values = set(table.frame[column].unique()) - {""}
            if values and values <= set(targets):
                return [column]
    if len(others) == 1:
        return others
    return []


def _from_label_table(
    labelled: list[tuple[Table, FileMatch, list[str]]], evidence: LabelEvidence
) -> TrainFound:
    # The labels table is the one named for training, else the one naming most files.
    table, match, columns = max(
        labelled,
        key=lambda found: ("train" in found[0].name or "label" in found[0].name, found[1].matched),
    )
    labels = read_labels(table.frame, columns, evidence)
    group_column = find_group_column(table.frame, [match.column, *columns])
    group_pattern = None if group_column else find_group_pattern(table.frame[match.column])
    train = TrainItems(
        layout=ItemLayout.CSV_IDS,
        labels_file=table.path,
        id_column=match.column,
        file_pattern=match.pattern,
        extra_file_patterns=match.extra_patterns,
        label_columns=columns,
        label_kind=labels.kind,
        label_delimiter=labels.delimiter,
        group_column=group_column,
        group_pattern=group_pattern,
    )
    notes = []
    if not table.complete:
        notes.append(f"labels counted on the first {len(table.frame):,} of {table.rows:,} rows")
    folders = [place.folder for place in match.places]
    return TrainFound(train, labels, table.rows, class_counts(table.frame, labels), notes, folders)


def _from_folders(
    index: FileIndex,
    evidence: LabelEvidence,
    naming: list[tuple[Table, FileMatch]],
    targets: list[str],
) -> TrainFound:
    """Labels from folder names (``train/<class>/``) or from file names (``cat.0.jpg``)."""
    class_root = _class_root(index)
    if class_root is not None:
        return _folder_per_class(index, class_root, evidence)
    named = _label_in_name_folder(index)
    if named is not None:
        return _label_in_name(named)
    if naming:
        table, match = max(naming, key=lambda found: found[1].matched)
        raise LayoutError(
            f"{table.path} names the image files (column {match.column}) but holds no column "
            f"the submission asks for ({', '.join(targets)}); write a spec by "
            "hand and use `kagglekit new --spec FILE`"
        )
    raise LayoutError(
        "found images but no labels for them: no CSV names the image files, no folder "
        "holds a folder per class, and file names carry no label; write a spec by hand "
        "and use `kagglekit new --spec FILE`"
    )


def _class_root(index: FileIndex) -> Folder | None:
    """The folder whose sub-folders are classes holding images, if there is one."""
    best: tuple[tuple[bool, int], Folder] | None = None
    for folder in index.folders.values():
        if not folder.path:
            continue  # class folders at the top would leave no place for the test images
        with_images = [child for child in index.subfolders_of(folder) if child.images]
        if len(with_images) < 2 or any(is_split_name(child.name) for child in with_images):
            continue
        if _are_shards(with_images):
            continue
        count = sum(len(child.images) for child in with_images)
        rank = ("test" not in folder.path.lower(), count)
        if best is None or rank > best[0]:
            best = (rank, folder)
    return best[1] if best else None


def _are_shards(folders: list[Folder]) -> bool:
    """Folders that split files by the start of their names (``0/0a1.png``), not classes.

    Shards are many short names of one length (``0``..``f``, ``00``..``ff``), each the
    start of every file name inside it.
    """
    lengths = {len(folder.name) for folder in folders}
    if len(folders) < _MIN_SHARDS or len(lengths) != 1 or lengths.pop() > _MAX_SHARD_NAME:
        return False
    for folder in folders:
        names = [folder.images[i] for i in spread(len(folder.images), _SHARD_CHECKS)]
        if not all(name.startswith(folder.name) for name in names):
            return False
    return True


def _folder_per_class(index: FileIndex, root: Folder, evidence: LabelEvidence) -> TrainFound:
    counts = {child.name: len(child.images) for child in index.subfolders_of(root) if child.images}
    classes = number_order(list(counts))
    integers = all(name.isdigit() for name in classes)
    if integers:
        kind = LabelKind.ORDINAL if evidence.ordinal else LabelKind.CODE
    else:
        kind = LabelKind.NAME
    train = TrainItems(layout=ItemLayout.FOLDER_PER_CLASS, folder=root.path, label_kind=kind)
    labels = Labels([], kind, classes)
    folders = [root.child(name) for name in counts]
    return TrainFound(train, labels, sum(counts.values()), counts, [], folders)


def _label_in_name_folder(index: FileIndex) -> Folder | None:
    pattern = re.compile(LABEL_IN_NAME)
    for folder in index.image_folders:
        names = [folder.images[i] for i in spread(len(folder.images), 2000)]
        found = [m.group(1) for name in names if (m := pattern.match(name))]
        labels = set(found)
        if len(found) >= _MIN_NAMED_SHARE * len(names) and 2 <= len(labels) <= len(found) // 2:
            return folder
    return None


def _label_in_name(folder: Folder) -> TrainFound:
    pattern = re.compile(LABEL_IN_NAME)
    names = pd.Series(folder.images, dtype=str)
    counts = Counter(names.str.extract(pattern, expand=False).dropna())
    classes = number_order(list(counts))
    train = TrainItems(
        layout=ItemLayout.LABEL_IN_NAME,
        folder=folder.path or ".",
        label_pattern=LABEL_IN_NAME,
        label_kind=LabelKind.NAME,
    )
    labels = Labels([], LabelKind.NAME, classes)
    return TrainFound(train, labels, sum(counts.values()), dict(counts), [], [folder.path])


def _test_items(
    test_table: tuple[Table, str] | None,
    sample: Table,
    lookup: FileLookup,
    index: FileIndex,
    train: TrainFound,
) -> TestItems:
    """Test items from a test table, else the sample submission's ids, else a folder."""
    id_column = sample.columns[0]
    if test_table is not None:
        table, column = test_table
        match = match_column(table.frame[column], column, lookup)
        if match is not None:
            return TestItems(
                source=TestSource.CSV,
                file=table.path,
                id_column=column,
                file_pattern=match.pattern,
                extra_file_patterns=match.extra_patterns,
            )
    match = match_column(sample.frame[id_column], id_column, lookup)
    if match is not None:
        return TestItems(
            source=TestSource.SAMPLE_SUBMISSION,
            file=sample.path,
            id_column=id_column,
            file_pattern=match.pattern,
            extra_file_patterns=match.extra_patterns,
        )
    folder = _test_folder(index, train.folders)
    if folder is None:
        raise LayoutError(
            f"cannot tell which images to predict: the ids of {sample.path} name no image "
            "files and no test folder was found; write a spec by hand and use "
            "`kagglekit new --spec FILE`"
        )
    return TestItems(source=TestSource.FOLDER, folder=folder.path or ".", id_column=id_column)


def _test_folder(index: FileIndex, train_folders: list[str]) -> Folder | None:
    """The one image folder that training does not use, preferring one named for tests."""
    used = set(train_folders)
    unused = [
        folder
        for folder in index.image_folders
        if folder.path not in used and folder.path.rsplit("/", 1)[0] not in used
    ]
    named = [folder for folder in unused if "test" in folder.path.lower()]
    if named:
        return named[0]
    return unused[0] if len(unused) == 1 else None
