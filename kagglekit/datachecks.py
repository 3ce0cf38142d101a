"""Checks of the training data before any training, with fixes in their messages."""

from __future__ import annotations

import logging
import os

import pandas as pd

from kagglekit.errors import DataError
from kagglekit.items import FILE, LABEL
from kagglekit.spec import CompetitionSpec
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

_DATA_FOLDER_NAMES = frozenset({"train", "test", "valid", "validation", "images", "data"})
MAX_OPENED = 20_000  # images whose headers are read; beyond this a spread sample is


def check_training_data(
    items: pd.DataFrame, splits: tuple[list[int], list[int]], spec: CompetitionSpec
) -> tuple[pd.DataFrame, tuple[list[int], list[int]]]:
    """Drop missing or unreadable images, check the classes and show counts per split.

    Returns the items and split positions without the dropped rows.
    """
    if FILE in items.columns:
        items, splits = _drop_bad_images(items, splits)
    if not spec.task.is_regression:
        _check_classes(items, splits)
    return items, splits


def class_counts_by_split(
    items: pd.DataFrame, splits: tuple[list[int], list[int]]
) -> pd.DataFrame:
    """Items per class in training and validation (multi-label items count per label)."""
    labels = items[LABEL].map(lambda label: label if isinstance(label, list) else [label])
    sides = {"train": splits[0], "valid": splits[1]}
    counts = {
        side: labels.iloc[positions].explode().value_counts() for side, positions in sides.items()
    }
    table = pd.DataFrame(counts).fillna(0).astype(int)
    table.index.name = "class"
    return table.sort_values("train", ascending=False)


def _check_classes(items: pd.DataFrame, splits: tuple[list[int], list[int]]) -> None:
    table = class_counts_by_split(items, splits)
    logger.info("items per class:\n%s", table.to_string())

    classes = list(table.index.astype(str))
    folders = sorted(set(classes) & _DATA_FOLDER_NAMES)
    if folders:
        raise DataError(
            f"class {folders[0]!r} is the name of a data folder: labels were read from the "
            "wrong folder level; point train.folder in competition.yaml at the folder that "
            "holds one folder per class"
        )
    if len(classes) < 2:
        raise DataError(
            f"only one class ({classes[0] if classes else 'none'}) was found in the training "
            "data; check label_columns or the folder layout in competition.yaml"
        )
    untrained = list(table.index[table["train"] == 0].astype(str))
    if untrained:
        raise DataError(
            f"class {untrained[0]!r} has no training item (all in validation); use a "
            "different seed or a smaller valid_pct"
        )


def _drop_bad_images(
    items: pd.DataFrame, splits: tuple[list[int], list[int]]
) -> tuple[pd.DataFrame, tuple[list[int], list[int]]]:
    files = items[FILE].tolist()
    missing = [i for i, file in enumerate(files) if not os.path.exists(file)]
    unreadable = find_unreadable(files, skip=set(missing))
    bad = sorted(set(missing) | set(unreadable))
    if not bad:
        return items, splits

    for kind, positions in (("missing", missing), ("unreadable", unreadable)):
        if positions:
            shown = ", ".join(os.path.basename(files[i]) for i in positions[:5])
            more = f" and {len(positions) - 5} more" if len(positions) > 5 else ""
            count = counted(len(positions), f"{kind} image")
            logger.warning("skipping %s: %s%s", count, shown, more)
    if len(bad) == len(files):
        raise DataError(
            "none of the training images can be read; check train.file_pattern in "
            "competition.yaml"
        )
    keep = [i for i in range(len(files)) if i not in set(bad)]
    new_position = {old: new for new, old in enumerate(keep)}
    kept_splits = tuple([new_position[i] for i in side if i in new_position] for side in splits)
    return items.iloc[keep].reset_index(drop=True), kept_splits  # type: ignore[return-value]


def find_unreadable(
    files: list[str], skip: set[int] | None = None, sample_only: bool = True
) -> list[int]:
    """Positions of image files that cannot be read (of a spread sample, when many)."""
    from PIL import Image, UnidentifiedImageError

    skip = skip or set()
    step = max(1, len(files) // MAX_OPENED) if sample_only else 1
    unreadable = []
    for position in range(0, len(files), step):
        if position in skip:
            continue
        try:
            with Image.open(files[position]) as image:
                image.verify()
        except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
            unreadable.append(position)
    return unreadable
