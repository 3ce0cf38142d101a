"""Layouts kagglekit does not support yet, recognised so they end in one clear line.

Each check names what it found, so the user knows why and can write a spec by hand
(``kagglekit new --spec FILE``) for a layout that is close to a supported one.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from pathlib import Path

from kagglekit.detection.labels import Labels
from kagglekit.detection.tables import Table, is_numeric_column
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
_TEXT_LENGTH = 40  # mean characters per cell above which a column is free text
_SPEC_HINT = "write a spec by hand and use `kagglekit new --spec FILE`"


def refuse_unsupported(index: FileIndex) -> None:
    """Refuse layouts that the files alone show to be unsupported."""
    for what, extensions in _BY_EXTENSION.items():
        found = index.files_with(extensions)
        if found and len(found) >= index.image_count:
            _refuse(f"{what} ({_examples(found)})")
    coco = [path for path in index.files_with({".json"}) if _is_coco(index.root / path)]
    if coco:
        _refuse(f"COCO-style JSON labels ({_examples(coco)})")
    masks = [f.path for f in index.image_folders if posixpath.basename(f.path) in _MASK_FOLDERS]
    if masks:
        _refuse(f"segmentation masks (image folder {masks[0]}/)")
    if index.image_count == 0 and not index.tables:
        kinds = ", ".join(sorted(ext for ext in index.extensions if ext)) or "no files"
        _refuse(f"no images and no CSV tables (found {kinds})")


def refuse_by_content(
    index: FileIndex, tables: list[Table], sample: Table, labels: Labels | None
) -> None:
    """Refuse layouts that the tables show to be unsupported."""
    targets = sample.columns[1:]
    for column in targets:
        if any(word in column.lower() for word in _MASK_COLUMNS):
            _refuse(f"a segmentation submission (column {column!r} of {sample.path})")
    if labels is not None and not labels.is_multilabel and len(targets) == 1:
        counts = sample.frame[targets[0]].str.split().str.len()
        if len(counts) and counts.min() >= 2 and counts.nunique() == 1:
            _refuse(
                f"a ranked top-{int(counts.iat[0])} submission ({sample.path} lists "
                f"{int(counts.iat[0])} labels per row for single-label training data)"
            )
    if index.image_count == 0:
        for table in tables:
            text = _text_column(table)
            if text:
                _refuse(f"free text (column {text!r} of {table.path})")
    if index.files_with({".json"}) and all(t is sample for t in tables):
        _refuse(f"JSON data files ({_examples(index.files_with({'.json'}))})")


def refuse_several_files(index: FileIndex, tables: list[Table]) -> None:
    """Refuse ids that each name several files, such as ``<id>_red.png`` and ``<id>_green.png``."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for folder in index.image_folders:
        for name in folder.images:
            stem = posixpath.splitext(name)[0]
            prefix, sep, suffix = stem.rpartition("_")
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
