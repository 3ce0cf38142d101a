"""One walk over a competition's files, kept as an index for layout detection.

Detection asks many questions of the file tree (which folders hold images, which
names they have, which CSV files exist); the index answers all of them from a single
``os.scandir`` walk, so detection costs little more than listing the tree once. The
walk does as little per file as it can: a folder's names are split by extension in
bulk, and the sets used for look-ups are built only for the folders that are asked.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from kagglekit.errors import DataError
from kagglekit.scaffold import is_project

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})
TABLE_EXTENSIONS = frozenset({".csv"})

# Folders that tools leave behind and that never hold competition data.
_SKIPPED_FOLDERS = frozenset({"__MACOSX", ".ipynb_checkpoints", ".git", "__pycache__"})


@dataclass(eq=False)
class Folder:
    """The files of one folder, by kind, with names relative to the folder."""

    path: str  # relative to the index root, "" for the root itself
    images: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    subfolders: list[str] = field(default_factory=list)
    # Extensions as written (".JPG" stays upper-case), with how many files carry each.
    extensions: Counter[str] = field(default_factory=Counter)
    _image_set: frozenset[str] | None = field(default=None, repr=False)

    def child(self, name: str) -> str:
        """The index-relative path of an entry of this folder."""
        return f"{self.path}/{name}" if self.path else name

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def image_set(self) -> frozenset[str]:
        """The image names of this folder as a set, built on first use."""
        if self._image_set is None:
            self._image_set = frozenset(self.images)
        return self._image_set

    @property
    def image_extensions(self) -> list[str]:
        """The extensions of this folder's images as written, most common first."""
        return [ext for ext, _ in self.extensions.most_common() if ext.lower() in IMAGE_EXTENSIONS]


@dataclass
class FileIndex:
    """Every folder under a root, and counts of file extensions."""

    root: Path
    folders: dict[str, Folder]
    extensions: Counter[str]  # lower-cased extension -> files

    @property
    def tables(self) -> list[str]:
        """Every CSV file, as a path relative to the root."""
        return [folder.child(name) for folder in self.folders.values() for name in folder.tables]

    @property
    def image_folders(self) -> list[Folder]:
        """Folders that directly hold images, most images first."""
        found = [folder for folder in self.folders.values() if folder.images]
        return sorted(found, key=lambda folder: (-len(folder.images), folder.path))

    @property
    def image_count(self) -> int:
        return sum(len(folder.images) for folder in self.folders.values())

    def subfolders_of(self, folder: Folder) -> list[Folder]:
        """The folders directly inside ``folder``."""
        return [self.folders[folder.child(name)] for name in folder.subfolders]

    def files_with(self, extensions: frozenset[str] | set[str]) -> list[str]:
        """Paths of the non-image, non-table files whose extension is in ``extensions``."""
        return [
            folder.child(name)
            for folder in self.folders.values()
            if any(ext.lower() in extensions for ext in folder.extensions)
            for name in folder.others
            if _extension(name) in extensions
        ]


def scan(root: Path) -> FileIndex:
    """Walk ``root`` once and index its folders and files."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root} is not a folder of competition files; check the path")
    folders: dict[str, Folder] = {}
    extensions: Counter[str] = Counter()
    pending = [""]
    while pending:
        relative = pending.pop()
        folder = Folder(relative)
        folders[relative] = folder
        try:
            names = _list_folder(root / relative if relative else root, folder)
        except OSError as err:
            if not relative:
                raise DataError(
                    f"cannot read {root}: {err.strerror}; check its permissions"
                ) from err
            logger.warning("skipping %s: %s", relative, err.strerror)
            continue
        pending.extend(folder.child(name) for name in folder.subfolders)
        _sort_files(folder, names)
        for ext, count in folder.extensions.items():
            extensions[ext.lower()] += count
    return FileIndex(root, folders, extensions)


def _is_project(path: Path) -> bool:
    """A kagglekit project inside the tree: its runs and notebooks are no competition files."""
    if is_project(path):
        logger.info("skipping %s: a kagglekit project, not competition files", path)
        return True
    return False


def _list_folder(path: Path, folder: Folder) -> list[str]:
    """The file names of one folder; its sub-folders go to ``folder.subfolders``."""
    names: list[str] = []
    subfolders: list[str] = []
    with os.scandir(path) as entries:
        for entry in entries:
            try:
                (subfolders if entry.is_dir() else names).append(entry.name)
            except OSError:
                names.append(entry.name)
    folder.subfolders = [
        name
        for name in subfolders
        if name[0] != "." and name not in _SKIPPED_FOLDERS and not _is_project(path / name)
    ]
    return [name for name in names if name[0] != "."]


def _sort_files(folder: Folder, names: list[str]) -> None:
    """Split a folder's file names into images, tables and others, in bulk."""
    first = _written_extension(names[0]) if names else ""
    if first and sum(map(str.endswith, names, repeat(first))) == len(names):
        # The usual case: one extension for the whole folder, counted without a loop.
        folder.extensions = Counter({first: len(names)})
        getattr(folder, _kind(first)).extend(names)
        return
    written = [_written_extension(name) for name in names]
    folder.extensions = Counter(written)
    kinds = {ext: _kind(ext) for ext in folder.extensions}
    if len(set(kinds.values())) <= 1:
        # Files of one kind only (images as .jpg and .JPG, say).
        kind = next(iter(kinds.values()), "others")
        getattr(folder, kind).extend(names)
        return
    for name, ext in zip(names, written):
        getattr(folder, kinds[ext]).append(name)


def _written_extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _kind(extension: str) -> str:
    lowered = extension.lower()
    if lowered in IMAGE_EXTENSIONS:
        return "images"
    if lowered in TABLE_EXTENSIONS:
        return "tables"
    return "others"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
