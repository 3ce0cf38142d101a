"""One walk over a competition's files, kept as an index for layout detection.

Detection asks many questions of the file tree (which folders hold images, which
names they have, which CSV files exist); the index answers all of them from a single
``os.scandir`` walk, so detection costs little more than listing the tree once.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})
TABLE_EXTENSIONS = frozenset({".csv"})

# Folders that tools leave behind and that never hold competition data.
_SKIPPED_FOLDERS = frozenset({"__MACOSX", ".ipynb_checkpoints", ".git", "__pycache__"})


@dataclass
class Folder:
    """The files of one folder, by kind, with names relative to the folder."""

    path: str  # relative to the index root, "" for the root itself
    images: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    subfolders: list[str] = field(default_factory=list)

    def child(self, name: str) -> str:
        """The index-relative path of an entry of this folder."""
        return f"{self.path}/{name}" if self.path else name


@dataclass
class FileIndex:
    """Every folder under a root, and counts of file extensions."""

    root: Path
    folders: dict[str, Folder]
    extensions: Counter[str]

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

    def files_with(self, extensions: frozenset[str] | set[str]) -> list[str]:
        """Paths of the non-image, non-table files whose extension is in ``extensions``."""
        return [
            folder.child(name)
            for folder in self.folders.values()
            for name in folder.others
            if _extension(name) in extensions
        ]


def scan(root: Path) -> FileIndex:
    """Walk ``root`` once and index its folders and files."""
    root = Path(root)
    folders: dict[str, Folder] = {}
    extensions: Counter[str] = Counter()
    pending = [""]
    while pending:
        relative = pending.pop()
        folder = Folder(relative)
        folders[relative] = folder
        with os.scandir(root / relative if relative else root) as entries:
            for entry in entries:
                _add_entry(folder, entry, extensions, pending)
    return FileIndex(root, folders, extensions)


def _add_entry(
    folder: Folder, entry: os.DirEntry[str], extensions: Counter[str], pending: list[str]
) -> None:
    name = entry.name
    if name.startswith(".") or name in _SKIPPED_FOLDERS:
        return
    if entry.is_dir():
        folder.subfolders.append(name)
        pending.append(folder.child(name))
        return
    extension = _extension(name)
    extensions[extension] += 1
    if extension in IMAGE_EXTENSIONS:
        folder.images.append(name)
    elif extension in TABLE_EXTENSIONS:
        folder.tables.append(name)
    else:
        folder.others.append(name)


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()
