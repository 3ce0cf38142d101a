"""Which table column names which image files, and by what rule."""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass

from kagglekit.detection.tables import Table
from kagglekit.scan import FileIndex

SAMPLE_SIZE = 300  # rows checked per column: enough evidence, cheap on huge tables
MIN_SHARE = 0.5  # a rule must explain at least this share of the rows checked


@dataclass
class FileMatch:
    """How the values of one table column name image files."""

    column: str
    folder: str  # folder holding the files, or the parent of the class folders
    extension: str  # appended to each value ("" when the values carry it)
    class_column: str | None  # set when files sit in a folder per class named by it
    matched: int
    checked: int

    @property
    def share(self) -> float:
        return self.matched / self.checked if self.checked else 0.0

    @property
    def pattern(self) -> str:
        """The file rule as a pattern of column names, e.g. ``train/{id}.png``."""
        parts = [self.folder] if self.folder else []
        if self.class_column:
            parts.append("{" + self.class_column + "}")
        parts.append("{" + self.column + "}" + self.extension)
        return "/".join(parts)


class FileLookup:
    """Image files by name and by name without extension, over the whole tree."""

    def __init__(self, index: FileIndex) -> None:
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_stem: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for folder in index.image_folders:
            for name in folder.images:
                stem, extension = posixpath.splitext(name)
                self.by_name[name].append(folder.path)
                self.by_stem[stem].append((folder.path, extension))

    def places(self, value: str) -> list[tuple[str, str]]:
        """Each (folder, extension) where a file named by ``value`` exists."""
        found = [(folder, "") for folder in self.by_name.get(value, [])]
        return found + self.by_stem.get(value, [])


def match_table(table: Table, lookup: FileLookup) -> FileMatch | None:
    """The column of ``table`` whose values best name image files, if any does."""
    rows = _spread_rows(len(table.frame))
    best: FileMatch | None = None
    for column in table.columns:
        match = _match_column(table, column, rows, lookup)
        if match and (best is None or match.matched > best.matched):
            best = match
    return best if best and best.share >= MIN_SHARE else None


def match_values(values: list[str], column: str, lookup: FileLookup) -> FileMatch | None:
    """How a list of ids (such as a sample submission's) names image files."""
    rows = _spread_rows(len(values))
    votes: Counter[tuple[str, str]] = Counter()
    for row in rows:
        votes.update(set(lookup.places(values[row])))
    if not votes:
        return None
    (folder, extension), matched = votes.most_common(1)[0]
    match = FileMatch(column, folder, extension, None, matched, len(rows))
    return match if match.share >= MIN_SHARE else None


def _match_column(
    table: Table, column: str, rows: list[int], lookup: FileLookup
) -> FileMatch | None:
    values = table.frame[column]
    votes: Counter[tuple[str, str]] = Counter()
    placed: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        places = lookup.places(values.iat[row])
        if places:
            placed[row] = places
            votes.update(set(places))
    if not votes:
        return None
    (folder, extension), matched = votes.most_common(1)[0]
    flat = FileMatch(column, folder, extension, None, matched, len(rows))
    if flat.share >= MIN_SHARE:
        return flat
    return _match_class_folders(table, column, rows, placed) or flat


def _match_class_folders(
    table: Table, column: str, rows: list[int], placed: dict[int, list[tuple[str, str]]]
) -> FileMatch | None:
    """Files in ``<parent>/<class>/``, with the class named by another column."""
    by_parent: Counter[tuple[str, str]] = Counter()
    for places in placed.values():
        by_parent.update({(posixpath.dirname(folder), ext) for folder, ext in places})
    if not by_parent:
        return None
    (parent, extension), matched = by_parent.most_common(1)[0]
    for other in table.columns:
        if other == column:
            continue
        agree = sum(
            1
            for row, places in placed.items()
            if posixpath.join(parent, table.frame[other].iat[row]) in {f for f, _ in places}
        )
        if agree >= MIN_SHARE * len(rows):
            return FileMatch(column, parent, extension, other, agree, len(rows))
    return None


def _spread_rows(count: int) -> list[int]:
    if count <= SAMPLE_SIZE:
        return list(range(count))
    step = count / SAMPLE_SIZE
    return [int(i * step) for i in range(SAMPLE_SIZE)]
