"""Which table column names which image files, and by what rule.

A rule is a *place*: a folder and an extension appended to each value
(``train/{id}.png``), or a parent folder with one folder per class named by another
column (``train_images/{label}/{image_id}``). A column may need several places when
its files are spread over folders (planet's ``test-jpg/`` and ``test-jpg-additional/``).
Places are proposed from a spread sample of values and then checked on every value
with set look-ups, so the counts are exact and cheap on tables of any size.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kagglekit.detection.tables import in_set, spread
from kagglekit.scan import FileIndex, Folder

SAMPLE_SIZE = 300  # values looked up per round: enough evidence, cheap on huge tables
PROBE_SIZE = 30  # values tried first; a column none of whose probes names a file is skipped
MIN_SHARE = 0.5  # a rule must explain at least this share of the values
MAX_PLACES = 4  # folders one column's files may be spread over
MANY_FOLDERS = 64  # above this many image folders, names are looked up in one global index


@dataclass(frozen=True)
class Place:
    """Where the file named by a value is: ``folder[/<class>]/<value><extension>``."""

    folder: str  # folder holding the files, or the parent of the class folders
    extension: str  # appended to each value ("" when the values carry it)
    class_column: str | None = None  # set when files sit in a folder per class

    def pattern(self, column: str) -> str:
        """The rule as a pattern of column names, e.g. ``train/{id}.png``."""
        parts = [self.folder] if self.folder else []
        if self.class_column:
            parts.append("{" + self.class_column + "}")
        parts.append("{" + column + "}" + self.extension)
        return "/".join(parts)


@dataclass
class FileMatch:
    """How the values of one table column name image files."""

    column: str
    places: list[Place]
    matched: int  # values whose file exists at one of the places
    total: int
    found: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def share(self) -> float:
        return self.matched / self.total if self.total else 0.0

    @property
    def class_column(self) -> str | None:
        return self.places[0].class_column

    @property
    def pattern(self) -> str:
        return self.places[0].pattern(self.column)

    @property
    def extra_patterns(self) -> list[str]:
        return [place.pattern(self.column) for place in self.places[1:]]

    @property
    def folders(self) -> list[str]:
        return [place.folder for place in self.places]


class FileLookup:
    """Image files by name, over the whole tree."""

    def __init__(self, index: FileIndex, exclude: frozenset[str] = frozenset()) -> None:
        self.index = index
        self.folders = [folder for folder in index.image_folders if folder.path not in exclude]
        self.extensions = sorted(
            {ext for folder in self.folders for ext in folder.image_extensions}
        )
        self._global: dict[str, list[str]] | None = None
        self._by_last_name: dict[str, list[Folder]] | None = None
        self._subtrees: dict[str, frozenset[str]] = {}

    def places(self, value: str) -> set[tuple[str, str]]:
        """Each (folder, extension) where a file named by ``value`` exists.

        A value may be a name (``a1``, ``a1.jpg``) or a path (``train/a1.jpg``), found from
        the data folder or from any folder above its own.
        """
        if not value:
            return set()
        if "/" in value:
            return self._path_places(value)
        if len(self.folders) > MANY_FOLDERS:
            return self._global_places(value)
        found = set()
        for folder in self.folders:
            names = folder.image_set
            if value in names:
                found.add((folder.path, ""))
            for ext in folder.image_extensions:
                if value + ext in names:
                    found.add((folder.path, ext))
        return found

    def _global_places(self, value: str) -> set[tuple[str, str]]:
        if self._global is None:
            self._global = {}
            for folder in self.folders:
                for name in folder.images:
                    self._global.setdefault(name, []).append(folder.path)
        found = {(path, "") for path in self._global.get(value, [])}
        for ext in self.extensions:
            found.update((path, ext) for path in self._global.get(value + ext, []))
        return found

    def _path_places(self, value: str) -> set[tuple[str, str]]:
        inner, _, name = value.rpartition("/")
        if self._by_last_name is None:
            self._by_last_name = {}
            for folder in self.folders:
                self._by_last_name.setdefault(folder.name, []).append(folder)
        found = set()
        for folder in self._by_last_name.get(inner.rsplit("/", 1)[-1], []):
            if folder.path != inner and not folder.path.endswith("/" + inner):
                continue
            base = folder.path[: len(folder.path) - len(inner)].rstrip("/")
            if name in folder.image_set:
                found.add((base, ""))
            for ext in folder.image_extensions:
                if name + ext in folder.image_set:
                    found.add((base, ext))
        return found

    def contains(self, values: pd.Series, place: Place, table: pd.DataFrame | None) -> np.ndarray:
        """For every value, whether its file exists at ``place``."""
        names = values + place.extension if place.extension else values
        if place.class_column is not None:
            assert table is not None
            return in_set(table[place.class_column] + "/" + names, self._subtree(place.folder))
        if _holds_paths(values):
            return in_set(names, self._subtree(place.folder))
        folder = self.index.folders.get(place.folder)
        if folder is None or folder not in self.folders:
            return np.zeros(len(values), dtype=bool)
        return in_set(names, folder.image_set)

    def _subtree(self, parent: str) -> frozenset[str]:
        """The path of every image below ``parent``, relative to it."""
        if parent not in self._subtrees:
            prefix = f"{parent}/" if parent else ""
            self._subtrees[parent] = frozenset(
                f"{folder.path[len(prefix):]}/{name}"
                for folder in self.folders
                if folder.path.startswith(prefix) and folder.path != parent
                for name in folder.images
            )
        return self._subtrees[parent]


def _holds_paths(values: pd.Series) -> bool:
    """Whether a column's values are paths with folders (judged on a spread sample)."""
    return any("/" in values.iat[row] for row in spread(len(values), PROBE_SIZE))


def match_table(table: pd.DataFrame, lookup: FileLookup) -> FileMatch | None:
    """The column of ``table`` whose values best name image files, if any does."""
    best: FileMatch | None = None
    for column in table.columns:
        match = match_column(table[column], column, lookup, table)
        if match and (best is None or match.matched > best.matched):
            best = match
    return best


def match_column(
    values: pd.Series, column: str, lookup: FileLookup, table: pd.DataFrame | None = None
) -> FileMatch | None:
    """How the values of one column name image files, when at least half of them do."""
    values = values.reset_index(drop=True)
    if not _may_name_files(values, lookup):
        return None
    remaining = np.ones(len(values), dtype=bool)
    places: list[Place] = []
    while remaining.any() and len(places) < MAX_PLACES:
        rows = np.flatnonzero(remaining)
        rows = rows[spread(len(rows), SAMPLE_SIZE)]
        place = _best_place(values, column, rows, lookup, table)
        if place is None:
            break
        found = lookup.contains(values, place, table) & remaining
        # A further folder must explain values that the first ones do not.
        if not found.any() or (places and found.sum() < 2 and len(values) > 2):
            break
        places.append(place)
        remaining &= ~found
    matched = int(len(values) - remaining.sum())
    if not places or matched < MIN_SHARE * len(values):
        return None
    return FileMatch(column, places, matched, len(values), ~remaining)


def _may_name_files(values: pd.Series, lookup: FileLookup) -> bool:
    """Whether any of a few values spread over the column names a file."""
    return any(lookup.places(values.iat[row]) for row in spread(len(values), PROBE_SIZE))


def _best_place(
    values: pd.Series,
    column: str,
    rows: np.ndarray,
    lookup: FileLookup,
    table: pd.DataFrame | None,
) -> Place | None:
    """The place that explains most of the values at ``rows``: a folder or class folders."""
    votes: Counter[tuple[str, str]] = Counter()
    placed: dict[int, set[tuple[str, str]]] = {}
    for row in rows:
        found = lookup.places(values.iat[row])
        if found:
            placed[int(row)] = found
            votes.update(found)
    if not votes:
        return None
    (folder, extension), flat_votes = votes.most_common(1)[0]
    best, best_votes = Place(folder, extension), flat_votes
    if table is not None and flat_votes < len(placed):
        # Files spread over sibling folders: folders per class, named by another column?
        by_class = _class_folders(table, column, placed, lookup)
        if by_class is not None and by_class[1] > best_votes:
            best, best_votes = by_class
    return best


def _class_folders(
    table: pd.DataFrame,
    column: str,
    placed: dict[int, set[tuple[str, str]]],
    lookup: FileLookup,
) -> tuple[Place, int] | None:
    """Files in ``<parent>/<class>/``, with the class named by another column."""
    parents: Counter[tuple[str, str]] = Counter()
    for found in placed.values():
        parents.update({(posixpath.dirname(folder), ext) for folder, ext in found})
    (parent, extension), _ = parents.most_common(1)[0]
    if parent not in lookup.index.folders:
        return None
    best: tuple[Place, int] | None = None
    for other in table.columns:
        if other == column:
            continue
        cells = table[other]
        agree = sum(
            1
            for row, found in placed.items()
            if (posixpath.join(parent, cells.iat[row]), extension) in found
        )
        if agree and (best is None or agree > best[1]):
            best = (Place(parent, extension, other), agree)
    return best

