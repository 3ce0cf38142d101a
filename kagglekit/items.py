"""Training and test items of a competition as tables, from its spec.

Every layout ends up in the same shape: one row per training item with its file
(for images) or features (for tables), its label and its group, and one row per test
item with its id. The notebooks, ``inspect`` and the submission builder all read items
through here, so a layout is interpreted in one place only.
"""

from __future__ import annotations

import logging
import os
import re
import string
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import DataError
from kagglekit.scan import IMAGE_EXTENSIONS
from kagglekit.spec import CompetitionSpec, ItemLayout, LabelKind, TestSource

logger = logging.getLogger(__name__)

FILE = "file"  # column of an item's absolute image path
LABEL = "label"  # column of an item's label: a class name, a list of names, or a number
GROUP = "group"  # column of the group an item belongs to (items of a group stay together)
ID = "id"  # column of a test item's id, exactly as the submission writes it


def read_csv_as_text(path: Path) -> pd.DataFrame:
    """A CSV with every cell as text, so ids and labels keep their exact form."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def training_items(spec: CompetitionSpec, data_path: Path, cache_dir: Path) -> pd.DataFrame:
    """One row per training item with ``file``/features, ``label`` and ``group``."""
    data_path = Path(data_path)
    train = spec.train
    if train.layout is ItemLayout.FOLDER_PER_CLASS:
        return _folder_per_class(data_path / (train.folder or ""))
    if train.layout is ItemLayout.LABEL_IN_NAME:
        return _label_in_name(data_path / (train.folder or ""), train.label_pattern or "")

    table = read_csv_as_text(data_path / (train.labels_file or ""))
    items = pd.DataFrame(index=table.index)
    if train.layout is ItemLayout.CSV_IDS:
        items[FILE] = file_paths(
            table, data_path, train.file_pattern or "", train.extra_file_patterns
        )
    elif train.layout is ItemLayout.PIXEL_COLUMNS:
        pixels = [c for c in table.columns if c not in train.label_columns]
        items[FILE] = pixel_images(table, pixels, train.image_shape or [], cache_dir / "train")
    else:
        features = train.category_columns + train.continuous_columns
        items = _typed_features(table, train.category_columns, train.continuous_columns)
        items = items[features]
    items[LABEL] = labels_of(table, spec)
    items[GROUP] = _groups(table, spec)
    return items


def test_items(spec: CompetitionSpec, data_path: Path, cache_dir: Path) -> pd.DataFrame:
    """One row per test item: its ``id`` and its ``file`` or features."""
    data_path = Path(data_path)
    test = spec.test
    if test.source is TestSource.FOLDER:
        files = sorted(_images_in(data_path / (test.folder or "")))
        return pd.DataFrame({ID: [f.stem for f in files], FILE: [str(f) for f in files]})

    table_file = test.file if test.source is TestSource.CSV else spec.submission.file
    table = read_csv_as_text(data_path / (table_file or ""))
    items = pd.DataFrame(index=table.index)
    if test.id_from_row is not None:
        items[ID] = [str(test.id_from_row + i) for i in range(len(table))]
    else:
        items[ID] = table[test.id_column]

    layout = spec.train.layout
    if layout is ItemLayout.PIXEL_COLUMNS:
        excluded = {test.id_column, *spec.train.label_columns}
        pixels = [c for c in table.columns if c not in excluded]
        items[FILE] = pixel_images(table, pixels, spec.train.image_shape or [], cache_dir / "test")
    elif layout is ItemLayout.TABULAR:
        train = spec.train
        features = _typed_features(table, train.category_columns, train.continuous_columns)
        columns = train.category_columns + train.continuous_columns
        items = pd.concat([items, features[columns]], axis=1)
    else:
        items[FILE] = file_paths(
            table, data_path, test.file_pattern or "", test.extra_file_patterns
        )
    return items


def file_paths(
    table: pd.DataFrame, data_path: Path, pattern: str, extra: Sequence[str] = ()
) -> list[str]:
    """Each row's file: ``pattern`` filled in with the row's columns.

    With ``extra`` patterns, a row whose file is not at ``pattern`` takes the first of
    them where its file exists (test images spread over two folders, say).
    """
    root = str(Path(data_path))
    chosen = fill_pattern(table, pattern)
    if extra:
        exists = chosen.map(lambda relative: os.path.exists(f"{root}/{relative}"))
        for other in extra:
            missing = ~exists
            if not missing.any():
                break
            candidates = fill_pattern(table[missing], other)
            found = candidates.map(lambda relative: os.path.exists(f"{root}/{relative}"))
            chosen[found.index[found]] = candidates[found]
            exists[found.index[found]] = True
    return (root + "/" + chosen).tolist()


def fill_pattern(table: pd.DataFrame, pattern: str) -> pd.Series:
    """``pattern`` filled in with each row's columns, as paths relative to the data folder."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as err:
        raise DataError(f"file_pattern {pattern!r} is not a valid pattern: {err}") from err
    filled = pd.Series("", index=table.index, dtype=object)
    for literal, column, spec, conversion in parts:
        filled = filled + literal
        if column is None:
            continue
        if column not in table.columns:
            raise DataError(
                f"file_pattern {pattern!r} names column '{column}' that the table does not "
                "have; fix it in competition.yaml"
            )
        values = table[column].astype(str)
        if spec or conversion:
            template = "{0" + (f"!{conversion}" if conversion else "") + f":{spec}" + "}"
            values = values.map(template.format)
        filled = filled + values
    return filled


def labels_of(table: pd.DataFrame, spec: CompetitionSpec) -> pd.Series:
    """Each row's label: a class name, a list of class names, or a number."""
    train = spec.train
    columns = train.label_columns
    kind = train.label_kind
    if kind is LabelKind.TAGS:
        return table[columns[0]].str.split(train.label_delimiter or None).map(
            lambda tags: [tag for tag in tags if tag]
        )
    if kind in (LabelKind.ONE_HOT, LabelKind.INDICATORS):
        ones = table[columns].astype(float).to_numpy() > 0.5
        names = np.array(columns)
        picked = [list(names[row]) for row in ones]
        return pd.Series([p[0] if kind is LabelKind.ONE_HOT else p for p in picked])
    if kind is LabelKind.VALUE:
        values = table[columns].replace("", np.nan).astype(float)
        return values[columns[0]] if len(columns) == 1 else pd.Series(values.values.tolist())
    return table[columns[0]]


def _groups(table: pd.DataFrame, spec: CompetitionSpec) -> pd.Series:
    train = spec.train
    if train.group_column:
        return table[train.group_column]
    if train.group_pattern and train.id_column:
        pattern = re.compile(train.group_pattern)
        ids = table[train.id_column]
        return ids.map(lambda value: m.group(1) if (m := pattern.match(value)) else value)
    return pd.Series(range(len(table)), index=table.index).astype(str)


def _folder_per_class(root: Path) -> pd.DataFrame:
    rows = [
        (str(file), folder.name)
        for folder in sorted(p for p in root.iterdir() if p.is_dir())
        for file in sorted(_images_in(folder))
    ]
    items = pd.DataFrame(rows, columns=[FILE, LABEL])
    items[GROUP] = items[FILE]
    return items


def _label_in_name(folder: Path, pattern: str) -> pd.DataFrame:
    compiled = re.compile(pattern)
    rows = [
        (str(file), match.group(1))
        for file in sorted(_images_in(folder))
        if (match := compiled.match(file.name))
    ]
    items = pd.DataFrame(rows, columns=[FILE, LABEL])
    items[GROUP] = items[FILE]
    return items


def _images_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise DataError(f"folder {folder} does not exist; check competition.yaml")
    return [p for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS]


def _typed_features(
    table: pd.DataFrame, categories: list[str], continuous: list[str]
) -> pd.DataFrame:
    """Feature columns typed for learning: categories as text, numbers as floats."""
    features = pd.DataFrame(index=table.index)
    for column in categories:
        features[column] = table[column]
    for column in continuous:
        features[column] = pd.to_numeric(table[column].replace("", np.nan), errors="coerce")
    return features


def pixel_images(
    table: pd.DataFrame, pixels: list[str], shape: list[int], folder: Path
) -> list[str]:
    """Write each row's pixel columns as a PNG file (once) and return the files."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / f"{i}.png" for i in range(len(table))]
    marker = folder / f".complete-{len(table)}"
    if not marker.exists():
        values = table[pixels].astype(float).to_numpy()
        peak = values.max() if values.size else 1.0
        scale = 255.0 if peak <= 1.0 else 255.0 / peak if peak > 255 else 1.0
        images = np.clip(values * scale, 0, 255).astype(np.uint8).reshape(-1, *shape)
        for file, image in zip(files, images):
            Image.fromarray(image).save(file)
        marker.touch()
        logger.info("wrote %d images from pixel columns to %s", len(files), folder)
    return [str(file) for file in files]
