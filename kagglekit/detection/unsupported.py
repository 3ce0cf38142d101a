"""Layouts kagglekit does not support yet, recognised so they end in one clear line.

Each check names what it found, so the user knows why and can write a spec by hand
(``kagglekit new --spec FILE``) for a layout that is close to a supported one.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from pathlib import Path

from kagglekit.detection.labels import Labels
from kagglekit.detection.tables import Table, is_numeric_column, spread
from kagglekit.errors import LayoutError
from kagglekit.scan import FileIndex

_BY_EXTENSION = {
    "DICOM images": {".dcm", ".dicom"},
    "BSON files": {".bson"},
    "NumPy arrays": {".npy", ".npz"},
    "audio files": {".wav", ".mp3", ".flac", ".ogg", ".aif", ".aiff", ".m4a"},
}
_MASK_FOLDERS = {"masks", "mask", "train_masks", "labels_masks"}
_MASK_COLUMNS = ("rle", "encodedpixels", "mask", "segmentation")
_JSON_HEAD = 1 << 20  # enough of a JSON file to see its top-level keys
_JSON_FILES_OPENED = 20  # JSON files whose heads are read, shallowest first
_TEXT_LENGTH = 40  # mean characters per cell above which a column is free text
_PAIRED_SHARE = 0.9  # share of file names two image folders must have in common
_SPEC_HINT = "write a spec by hand and use `kagglekit new --spec FILE`"


def refuse_unsupported(index: FileIndex) -> None:
    """Refuse layouts that the files alone show to be unsupported."""
    if index.image_count == 0:
        # Without image files, DICOM, BSON, arrays or audio are the only data there is.
        refuse_by_extension(index)
    coco = [path for path in _json_files(index) if _is_coco(index.root / path)]
    if coco:
        _refuse(f"COCO-style JSON labels ({_examples(coco)})")
    masks = [f.path for f in index.image_folders if posixpath.basename(f.path) in _MASK_FOLDERS]
    if masks:
        _refuse(f"segmentation masks (image folder {masks[0]}/)")
    if index.image_count == 0 and not index.tables:
        kinds = ", ".join(sorted(ext for ext in index.extensions if ext)) or "no files"
        _refuse(f"no images and no CSV tables (found {kinds})")


def refuse_by_extension(index: FileIndex) -> None:
    """Refuse data held in files kagglekit cannot read, when they outnumber the images."""
    for what, extensions in _BY_EXTENSION.items():
        found = index.files_with(extensions)
        if found and len(found) >= index.image_count:
            _refuse(f"{what} ({_examples(found)})")


def refuse_by_content(
    index: FileIndex, tables: list[Table], sample: Table, labels: Labels | None
) -> None:
    """Refuse layouts that the tables show to be unsupported."""
    targets = sample.columns[1:]
    for column in targets:
        if any(word in column.lower() for word in _MASK_COLUMNS):
            _refuse(f"a segmentation submission (column {column!r} of {sample.path})")
    if labels is not None and not labels.is_multilabel and len(targets) == 1:
        _refuse_ranked(sample, targets[0], labels)
    if index.image_count == 0:
        for table in tables:
            text = _text_column(table)
            if text:
                _refuse(f"free text (column {text!r} of {table.path})")
    if index.files_with({".json"}) and all(t is sample for t in tables):
        _refuse(f"JSON data files ({_examples(index.files_with({'.json'}))})")


def _refuse_ranked(sample: Table, target: str, labels: Labels) -> None:
    """A single-label competition whose sample lists several labels per row (MAP@k).

    A cell that is itself a class name (``Sugar beet``) is one label with a space in it;
    where class names hold spaces, most of a ranked cell's words must be class names.
    """
    classes = set(labels.classes)
    cells = sample.frame[target].str.strip()
    cells = cells[cells != ""]
    if len(cells) == 0 or bool(cells.isin(classes).any()):
        return
    counts = cells.str.split().str.len()
    if counts.min() < 2 or counts.nunique() != 1:
        return
    k = int(counts.iat[0])
    tokens = set(cells.str.split().explode())
    known = tokens & classes
    if any(" " in name for name in classes) and len(known) < len(tokens) / 2:
        return
    named = f", {len(known)} of them training classes" if known else ""
    _refuse(
        f"a ranked top-{k} submission ({sample.path} lists {k} labels per row{named}, "
        "while each training item has one label)"
    )


def refuse_several_files(index: FileIndex, tables: list[Table]) -> None:
    """Refuse ids that each name several files, such as ``<id>_red.png`` and ``<id>_green.png``."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for folder in index.image_folders:
        for position in spread(len(folder.images), 2000):
            stem = posixpath.splitext(folder.images[position])[0]
            _prefix, sep, suffix = stem.rpartition("_")
            if sep:
                groups[folder.path][suffix] += 1
    for table in tables:
        for column in table.columns:
            values = set(table.frame[column].head(50))
            for folder_path, suffixes in groups.items():
                if 2 <= len(suffixes) <= 8 and _names_prefixes(index, folder_path, values):
                    kinds = ", ".join(sorted(suffixes))
                    _refuse(
                        f"several files per sample ({column} of {table.path} names files "
                        f"<id>_{{{kinds}}} in {folder_path or '.'}/)"
                    )


def refuse_paired_folders(index: FileIndex) -> None:
    """Refuse two image folders holding the same file names (``train/`` and ``train_cleaned/``).

    Images paired with images are an image-to-image task (denoising, super-resolution).
    """
    folders = [folder for folder in index.image_folders if len(folder.images) >= 2]
    for position, first in enumerate(folders):
        for second in folders[position + 1:]:
            if len(second.images) < _PAIRED_SHARE * len(first.images):
                break
            shared = len(first.image_set & second.image_set)
            if shared >= _PAIRED_SHARE * max(len(first.images), len(second.images)):
                _refuse(
                    f"paired image folders ({first.path}/ and {second.path}/ hold the same "
                    "file names), an image-to-image task"
                )


def _names_prefixes(index: FileIndex, folder_path: str, values: set[str]) -> bool:
    prefixes = {
        posixpath.splitext(name)[0].rpartition("_")[0]
        for name in index.folders[folder_path].images
    }
    return bool(values) and len(values & prefixes) >= 0.5 * len(values)


def _text_column(table: Table) -> str | None:
    for column in table.columns[1:]:
        values = table.frame[column]
        if is_numeric_column(values) or len(values) == 0:
            continue
        spaced = values.str.contains(" ").mean()
        if values.str.len().mean() > _TEXT_LENGTH and spaced > 0.8:
            return column
    return None


def _json_files(index: FileIndex) -> list[str]:
    found = index.files_with({".json"})
    return sorted(found, key=lambda path: (path.count("/"), path))[:_JSON_FILES_OPENED]


def _is_coco(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(_JSON_HEAD)
    except OSError:
        return False
    return '"annotations"' in head and ('"images"' in head or '"categories"' in head)


def _examples(paths: list[str]) -> str:
    shown = ", ".join(sorted(paths)[:2])
    return f"{shown}, ... {len(paths)} in all" if len(paths) > 2 else shown


def _refuse(what: str) -> None:
    raise LayoutError(f"found {what}: this layout is not supported yet; {_SPEC_HINT}")
