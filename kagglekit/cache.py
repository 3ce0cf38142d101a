"""The shared download cache: each competition downloaded and extracted once.

The root is ``$KAGGLEKIT_CACHE``, else the user's cache folder (``$XDG_CACHE_HOME/kagglekit``
or ``~/.cache/kagglekit`` on Linux, ``~/Library/Caches/kagglekit`` on macOS,
``%LOCALAPPDATA%\\kagglekit\\Cache`` on Windows). Each competition has::

    <root>/<slug>/download/       the archive while it downloads (kept with keep_archives)
    <root>/<slug>/files/          the extracted contents; appears only once the outer
                                  archive was extracted whole
    <root>/<slug>/complete.json   written last, when every inner archive is extracted too
    <root>/<slug>/projects.json   the projects whose ``data`` link points at ``files/``

Only ``complete.json`` makes an entry usable. An entry whose ``files/`` exists without it
is finished on the next fetch (the remaining inner archives are extracted); an entry whose
archive turned out corrupt or unsafe is removed so that the next fetch starts anew.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kagglekit import archives, logs
from kagglekit.archives import format_size
from kagglekit.errors import ArchiveError, DataError, UsageError
from kagglekit.wording import counted

if TYPE_CHECKING:
    from kagglekit.kaggle_client import CompetitionInfo, KaggleConnection

logger = logging.getLogger(__name__)

MARKER = "complete.json"
PROJECTS = "projects.json"
FILES = "files"
DOWNLOAD = "download"
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class CachedCompetition:
    """One competition in the cache."""

    slug: str
    size_bytes: int
    complete: bool
    path: Path


def cache_root() -> Path:
    """The cache's root folder (not created here)."""
    override = os.environ.get("KAGGLEKIT_CACHE")
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "kagglekit"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "kagglekit" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "kagglekit"


def entry_dir(slug: str) -> Path:
    """The cache folder of one competition."""
    if not _SLUG.match(slug):
        raise UsageError(f"'{slug}' is not a competition slug (letters, digits, '-', '_', '.')")
    return cache_root() / slug


def is_complete(slug: str) -> bool:
    """Whether the competition is in the cache, extracted whole."""
    return _read_marker(entry_dir(slug)) is not None


# ---------------------------------------------------------------------------
# Filling the cache


def fetch_competition(
    connection: KaggleConnection, info: CompetitionInfo, keep_archives: bool = False
) -> Path:
    """The competition's extracted files, downloaded and extracted first if needed."""
    entry = entry_dir(info.slug)
    files = entry / FILES
    if _read_marker(entry) is not None:
        logger.info("using cached %s (%s)", info.slug, files)
        return files

    if files.is_dir():
        logger.info("finishing the extraction of %s in %s", info.slug, files)
    else:
        try:
            archive = _download(connection, info.slug, entry)
        except BaseException:
            _remove_if_empty(entry)  # a refused download leaves no empty entry behind
            raise
        _extract_download(archive, entry, info.slug)
        if not keep_archives:
            shutil.rmtree(entry / DOWNLOAD, ignore_errors=True)

    _extract_inner(entry, info.slug)
    _write_marker(entry, info.slug, source="kaggle")
    return files


def use_local_data(path: Path, slug: str) -> Path:
    """The folder of competition files to use for ``--data PATH``.

    A folder is used in place. An archive (the zip downloaded from Kaggle, or a 7z or
    tar) is extracted into the cache for ``slug`` and marked complete.
    """
    if not path.exists():
        raise DataError(f"--data {path} does not exist: give the folder of competition "
                        "files or the zip downloaded from Kaggle")
    if path.is_dir():
        _note_archives_inside(path)
        return path.resolve()

    entry = entry_dir(slug)
    source = _local_source(path)
    marker = _read_marker(entry)
    if marker is not None and marker.get("source") == source:
        logger.info("using cached %s, extracted from %s", slug, path)
        return entry / FILES

    _remove_entry(entry)
    size = path.stat().st_size
    _check_free_space(entry, 2 * size, f"{path.name} ({format_size(size)})")
    logger.info("extracting %s into the cache for %s", path, slug)
    try:
        archives.extract_archive(path, entry / FILES)
        archives.extract_tree(entry / FILES)
    except ArchiveError:
        _remove_entry(entry)
        raise
    _write_marker(entry, slug, source=source)
    return entry / FILES


def _download(connection: KaggleConnection, slug: str, entry: Path) -> Path:
    """Check the size and the free space, then download the bundle."""
    listed = connection.list_files(slug)
    total = sum(f.size_bytes for f in listed)
    logger.info("%s: %d files, %s to download", slug, len(listed), format_size(total))
    partial = sum(p.stat().st_size for p in (entry / DOWNLOAD).glob("*") if p.is_file())
    _check_free_space(entry, 2 * total - partial, f"the {format_size(total)} download")
    show_bar = sys.stderr.isatty() and not logs.is_quiet()
    return connection.download(slug, entry / DOWNLOAD, progress=show_bar)


def _extract_download(archive: Path, entry: Path, slug: str) -> None:
    """Extract the downloaded bundle into ``files/``; a bad archive is deleted."""
    try:
        archives.extract_archive(archive, entry / FILES)
    except ArchiveError as err:
        _remove_entry(entry)
        raise ArchiveError(f"{err}; the download of {slug} was deleted: run the command "
                           "again to download it anew") from err


def _extract_inner(entry: Path, slug: str) -> None:
    try:
        archives.extract_tree(entry / FILES)
    except ArchiveError as err:
        _remove_entry(entry)
        raise ArchiveError(f"{err}; the cached files of {slug} were removed: run the command "
                           "again to download them anew") from err


def _check_free_space(entry: Path, needed: int, what: str) -> None:
    """Refuse to start when the disk cannot hold the archive and its extracted contents."""
    free = shutil.disk_usage(_existing_parent(entry)).free
    logger.debug("%s needs about %s, %s free", what, format_size(needed), format_size(free))
    if needed > free:
        raise DataError(
            f"not enough free disk space in {entry.parent}: {what} needs about "
            f"{format_size(needed)} (estimated as twice the download: the archive plus its "
            f"extracted contents), {format_size(free)} free; free some space or set "
            "KAGGLEKIT_CACHE to a folder on a larger disk"
        )


def _note_archives_inside(folder: Path) -> None:
    """Refuse a folder whose data is still packed: its layout cannot be read yet."""
    found = [p.name for p in folder.iterdir() if p.is_file() and archives.is_archive(p)]
    if found:
        raise DataError(
            f"{folder} holds archives ({', '.join(sorted(found)[:5])}): extract them in "
            "that folder first, or give --data the zip downloaded from Kaggle (kagglekit "
            "extracts everything in it)"
        )


def _local_source(path: Path) -> str:
    status = path.stat()
    return f"{path.resolve()}|{status.st_size}|{int(status.st_mtime)}"


# ---------------------------------------------------------------------------
# Listing and removing


def list_cached() -> list[CachedCompetition]:
    """Every competition in the cache, by slug."""
    root = cache_root()
    if not root.is_dir():
        return []
    cached = []
    for entry in sorted(root.iterdir()):
        if not entry.is_dir() or entry.is_symlink() or entry.name.startswith("."):
            continue
        marker = _read_marker(entry)
        size = int(marker["size_bytes"]) if marker else _tree_size(entry)
        cached.append(CachedCompetition(entry.name, size, marker is not None, entry))
    return cached


def remove_cached(slug: str) -> int:
    """Delete a competition from the cache; return the bytes freed.

    Projects linked to it are named in a warning, with the command that restores them.
    """
    entry = entry_dir(slug)
    if not entry.is_dir() or entry.is_symlink():
        raise UsageError(f"'{slug}' is not in the cache ({cache_root()}): 'kagglekit cache' "
                         "lists what is")
    linked = linked_projects(slug)
    source = (_read_marker(entry) or {}).get("source", "kaggle")
    size = _tree_size(entry)
    _remove_entry(entry)
    logger.info("removed %s from the cache (%s)", slug, format_size(size))
    if linked:
        data = "" if source == "kaggle" else f" --data {source.split('|')[0]}"
        logger.warning(
            "%s left without data (%s): `kagglekit new %s <project>%s --force` fetches it "
            "again and keeps your edits",
            counted(len(linked), "project"),
            ", ".join(map(str, linked)),
            slug,
            data,
        )
    return size


def note_project(slug: str, files: Path, project_dir: Path) -> None:
    """Remember that ``project_dir`` reads its data from the cached ``files``."""
    entry = entry_dir(slug)
    if files.resolve() != (entry / FILES).resolve():
        return
    projects = {str(p) for p in linked_projects(slug)} | {str(project_dir.resolve())}
    (entry / PROJECTS).write_text(json.dumps(sorted(projects), indent=1) + "\n")


def linked_projects(slug: str) -> list[Path]:
    """The recorded projects whose ``data`` link still points into this cache entry."""
    entry = entry_dir(slug)
    try:
        recorded = json.loads((entry / PROJECTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = (entry / FILES).resolve()
    return [
        Path(project)
        for project in recorded
        if isinstance(project, str) and (Path(project) / "data").resolve() == files
    ]


# ---------------------------------------------------------------------------
# The completion marker and helpers


def _write_marker(entry: Path, slug: str, source: str) -> None:
    files = entry / FILES
    count, size = 0, 0
    for directory, _dirs, names in os.walk(files):
        for name in names:
            count += 1
            size += os.path.getsize(os.path.join(directory, name))
    marker = {
        "slug": slug,
        "size_bytes": size,
        "files": count,
        "completed": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": source,
    }
    # Written to a temporary file and renamed, so a marker is never half written.
    handle, temporary = tempfile.mkstemp(prefix=".complete-", dir=entry)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(marker, out, indent=2)
    os.replace(temporary, entry / MARKER)
    logger.info("%s is ready: %d files, %s in %s", slug, count, format_size(size), files)


def _read_marker(entry: Path) -> dict[str, Any] | None:
    path = entry / MARKER
    if not path.is_file() or not (entry / FILES).is_dir():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "size_bytes" in data else None


def _remove_entry(entry: Path) -> None:
    if entry.is_symlink():
        entry.unlink()
    elif entry.exists():
        shutil.rmtree(entry)


def _remove_if_empty(entry: Path) -> None:
    """Remove an entry that holds no file: nothing was downloaded into it."""
    if entry.is_dir() and not entry.is_symlink():
        if not any(path.is_file() for path in entry.rglob("*")):
            shutil.rmtree(entry)


def _tree_size(folder: Path) -> int:
    total = 0
    for directory, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
