"""Image competitions: where training images and their labels are, and the test images."""

from __future__ import annotations

import re
from collections import Counter

from kagglekit.detection.items import FoundItems, TrainFound
from kagglekit.detection.files import FileLookup, FileMatch, match_table, match_values
from kagglekit.detection.labels import (
    Labels,
    class_counts,
    find_group_column,
    find_group_pattern,
    is_split_name,
    read_labels,
)
from kagglekit.detection.tables import Table, number_order
from kagglekit.errors import LayoutError
from kagglekit.scan import FileIndex, Folder
from kagglekit.spec import ItemLayout, LabelKind, TestItems, TestSource, TrainItems

# A file named for its label, as in `cat.0.jpg` or `dog_12.png`.
LABEL_IN_NAME = r"^(.+?)[._-]\d+\.[A-Za-z]+$"
_MIN_NAMED_SHARE = 0.9


def detect_image_items(
    index: FileIndex, tables: list[Table], sample: Table, ordinal: bool
) -> FoundItems:
    """Find the training images, their labels and the test images."""
    lookup = FileLookup(index)
    matches = {table.path: match_table(table, lookup) for table in tables}
    sample_ids = list(sample.frame[sample.columns[0]])

    labelled = [
        table
        for table in tables
        if matches[table.path] and _label_columns(table, matches[table.path], sample)
    ]
    if labelled:
        found = _from_label_table(labelled, matches, sample, ordinal)
    else:
        found = _from_folders(index, ordinal)

    test = _test_items(tables, matches, sample, sample_ids, lookup, index, found.train)
    return FoundItems(found.train, test, found.labels, found.count, found.class_counts)


def _from_label_table(
    labelled: list[Table], matches: dict[str, FileMatch | None], sample: Table, ordinal: bool
) -> TrainFound:
    # The labels table is the one named for training, else the one with most rows.
    table = max(labelled, key=lambda t: ("train" in t.name or "label" in t.name, len(t.frame)))
    match = matches[table.path]
    assert match is not None
    columns = _label_columns(table, match, sample)
    labels = read_labels(table.frame, columns, ordinal)
    exclude = [match.column, *columns]
    group_column = find_group_column(table.frame, exclude)
    group_pattern = None if group_column else find_group_pattern(table.frame[match.column])
    train = TrainItems(
        layout=ItemLayout.CSV_IDS,
        labels_file=table.path,
        id_column=match.column,
        file_pattern=match.pattern,
        label_columns=columns,
        label_kind=labels.kind,
        group_column=group_column,
        group_pattern=group_pattern,
    )
    return TrainFound(train, labels, len(table.frame), class_counts(table.frame, labels))


def _label_columns(table: Table, match: FileMatch, sample: Table) -> list[str]:
    """The columns of ``table`` that hold what the submission asks for."""
    used = {match.column, match.class_column}
    targets = sample.columns[1:]
    in_table = [column for column in targets if column in table.columns and column not in used]
    if in_table:
        return in_table
    if match.class_column:
        return [match.class_column]
    others = [column for column in table.columns if column not in used]
    if len(targets) > 1:
        # One column whose values are the submission's class columns (one-hot submission).
        for column in others:
            values = set(table.frame[column].unique())
            if values and values <= set(targets):
                return [column]
    if len(others) == 1:
        return others
    return []


def _from_folders(index: FileIndex, ordinal: bool) -> TrainFound:
    """Labels from folder names (``train/<class>/``) or from file names (``cat.0.jpg``)."""
    class_root = _class_root(index)
    if class_root is not None:
        return _folder_per_class(index, class_root, ordinal)
    named = _label_in_name_folder(index)
    if named is not None:
        return _label_in_name(named)
    raise LayoutError(
        "found images but no labels for them: no CSV names the image files, no folder "
        "holds a folder per class, and file names carry no label; write a spec by hand "
        "and use `kagglekit new --spec FILE`"
    )


def _class_root(index: FileIndex) -> Folder | None:
    """The folder whose sub-folders are classes holding images, if there is one."""
    best: tuple[int, Folder] | None = None
    for folder in index.folders.values():
        children = [index.folders[folder.child(name)] for name in folder.subfolders]
        with_images = [child for child in children if child.images]
        if len(with_images) < 2 or any(is_split_name(_name(c.path)) for c in with_images):
            continue
        count = sum(len(child.images) for child in with_images)
        if best is None or count > best[0]:
            best = (count, folder)
    return best[1] if best else None


def _folder_per_class(index: FileIndex, root: Folder, ordinal: bool) -> TrainFound:
    counts = {
        name: len(index.folders[root.child(name)].images)
        for name in root.subfolders
        if index.folders[root.child(name)].images
    }
    classes = number_order(list(counts))
    integers = all(name.isdigit() for name in classes)
    kind = (LabelKind.ORDINAL if ordinal else LabelKind.CODE) if integers else LabelKind.NAME
    train = TrainItems(layout=ItemLayout.FOLDER_PER_CLASS, folder=root.path, label_kind=kind)
    labels = Labels([], kind, classes)
    return TrainFound(train, labels, sum(counts.values()), counts)


def _label_in_name_folder(index: FileIndex) -> Folder | None:
    pattern = re.compile(LABEL_IN_NAME)
    for folder in index.image_folders:
        found = [pattern.match(name) for name in folder.images]
        labels = {m.group(1) for m in found if m}
        named = sum(1 for m in found if m) / len(folder.images)
        if named >= _MIN_NAMED_SHARE and 2 <= len(labels) <= len(folder.images) // 2:
            return folder
    return None


def _label_in_name(folder: Folder) -> TrainFound:
    pattern = re.compile(LABEL_IN_NAME)
    counts = Counter(m.group(1) for name in folder.images if (m := pattern.match(name)))
    classes = number_order(list(counts))
    train = TrainItems(
        layout=ItemLayout.LABEL_IN_NAME,
        folder=folder.path,
        label_pattern=LABEL_IN_NAME,
        label_kind=LabelKind.NAME,
    )
    labels = Labels([], LabelKind.NAME, classes)
    return TrainFound(train, labels, sum(counts.values()), dict(counts))


def _test_items(
    tables: list[Table],
    matches: dict[str, FileMatch | None],
    sample: Table,
    sample_ids: list[str],
    lookup: FileLookup,
    index: FileIndex,
    train: TrainItems,
) -> TestItems:
    """Test items from a test table, else the sample submission's ids, else a folder."""
    id_column = sample.columns[0]
    train_file = train.labels_file
    for table in tables:
        match = matches[table.path]
        if table.path == train_file or match is None or not table.looks_like_test:
            continue
        return TestItems(
            source=TestSource.CSV,
            file=table.path,
            id_column=match.column,
            file_pattern=match.pattern,
        )
    match = match_values(sample_ids, id_column, lookup)
    if match is not None:
        return TestItems(
            source=TestSource.SAMPLE_SUBMISSION,
            file=sample.path,
            id_column=id_column,
            file_pattern=match.pattern,
        )
    folder = _test_folder(index, train)
    if folder is None:
        raise LayoutError(
            f"cannot tell which images to predict: the ids of {sample.path} name no image "
            "files and no test folder was found; use `kagglekit new --spec FILE`"
        )
    return TestItems(source=TestSource.FOLDER, folder=folder.path, id_column=id_column)


def _test_folder(index: FileIndex, train: TrainItems) -> Folder | None:
    for folder in index.image_folders:
        if "test" in folder.path.lower() and folder.path != train.folder:
            return folder
    return None


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]
