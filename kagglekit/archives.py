"""Safe extraction of the archives that Kaggle bundles return.

Kaggle serves a competition as one ``<slug>.zip`` that may hold inner zips, ``.csv.zip``
files, multi-part volumes (``train.zip.001``, ``train.zip.002``, ...), ``.7z`` and
``.tar.*`` archives. :func:`extract_archive` extracts one archive; :func:`extract_tree`
extracts every archive under a folder, again and again, until none is left.

Safety, for every archive:

- every entry is checked before anything is written: a ``..`` component, an absolute
  path (``/x``, ``C:\\x``, ``\\\\server\\x``; backslashes count as separators), a
  symbolic or hard link, or a device/FIFO entry refuses the whole archive with an
  :class:`~kagglekit.errors.ArchiveError` naming the archive and the first bad entry;
- entries are extracted into a hidden staging folder beside the target and moved into
  place only when the whole archive was read, so a corrupt or truncated archive never
  leaves a half-extracted tree behind.

Where an inner archive lands (the rule of :func:`extract_tree`):

- if all its entries sit under one top-level name (``train.zip`` holding ``train/...``,
  or ``labels.csv.zip`` holding ``labels.csv``), that name is created next to the
  archive: ``train/``, ``labels.csv`` (never ``train/train/``);
- otherwise its entries go into a folder named after the archive's stem, next to it
  (``images.zip`` holding ``1.png``, ``2.png`` becomes ``images/1.png``, ...).

Each inner archive (all parts of a multi-part one) is deleted once extracted whole.
``__MACOSX/`` entries are checked like the others but not extracted.
"""

from __future__ import annotations

import errno
import io
import logging
import lzma
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from kagglekit.errors import ArchiveError, DataError

logger = logging.getLogger(__name__)

# Archive suffixes, longest first so that ``.tar.gz`` wins over ``.gz``-less ``.tar``.
_SUFFIXES = (
    (".tar.gz", "tar"),
    (".tar.bz2", "tar"),
    (".tar.xz", "tar"),
    (".tgz", "tar"),
    (".tbz2", "tar"),
    (".txz", "tar"),
    (".tar", "tar"),
    (".zip", "zip"),
    (".7z", "7z"),
)
_PART = re.compile(r"^(?P<base>.+)\.(?P<number>\d{3})$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_STAGING_PREFIX = ".kagglekit-extract-"
_IGNORED_TOP = "__MACOSX"
_MAX_NESTING = 8
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One member of an archive: its stored name, its path parts and its kind."""

    name: str
    parts: tuple[str, ...]
    kind: str  # "file", "dir", "link" or "special"


@dataclass(frozen=True)
class ArchiveSet:
    """An archive on disk: one file, or the ordered parts of a multi-part volume."""

    files: tuple[Path, ...]
    kind: str
    stem: str

    @property
    def label(self) -> str:
        """The name used in messages: ``train.zip`` or ``train.zip.001-005``."""
        if len(self.files) == 1:
            return self.files[0].name
        return f"{self.files[0].name}-{self.files[-1].suffix.lstrip('.')}"


class _Reader(Protocol):
    def entries(self) -> list[Entry]: ...

    def extract(self, entries: list[Entry], staging: Path) -> None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------
# Public API


def extract_archive(archive: Path, target: Path) -> None:
    """Extract every entry of ``archive`` into ``target``, all or nothing.

    ``target`` is created when missing; when it exists, the archive's entries are
    merged into it and files of the same name are replaced.
    """
    archive_set = _single_archive(archive)
    with _opened(archive_set) as reader:
        entries = reader.entries()
        check_entries(archive_set.label, entries)
        _extract_staged(archive_set, reader, entries, target)


def extract_tree(folder: Path) -> None:
    """Extract every archive under ``folder`` in place, nested ones too, deleting each."""
    pending: list[Path] = [folder]
    for _depth in range(_MAX_NESTING):
        archive_sets = [found for root in pending for found in find_archives(root)]
        if not archive_sets:
            return
        pending = []
        for archive_set in archive_sets:
            pending.extend(_extract_inner(archive_set))
    if any(find_archives(root) for root in pending):
        raise ArchiveError(
            f"archives under {folder} are nested more than {_MAX_NESTING} levels deep: "
            "extract them by hand and pass the folder with --data"
        )


def find_archives(root: Path) -> list[ArchiveSet]:
    """The archives under ``root`` (or ``root`` itself), multi-part volumes grouped."""
    if root.is_file():
        candidates = [root]
    elif root.is_dir():
        candidates = list(_walk_files(root))
    else:
        return []

    singles: list[ArchiveSet] = []
    volumes: dict[tuple[Path, str], list[tuple[int, Path]]] = {}
    for path in candidates:
        part = _PART.match(path.name)
        base = part.group("base") if part else path.name
        split = split_archive_name(base)
        if split is None:
            continue
        stem, kind = split
        if part:
            volumes.setdefault((path.parent, base), []).append((int(part.group("number")), path))
        else:
            singles.append(ArchiveSet((path,), kind, stem))

    for (_parent, base), numbered in sorted(volumes.items()):
        singles.append(_volume_set(base, numbered))
    return sorted(singles, key=lambda s: str(s.files[0]))


def split_archive_name(name: str) -> tuple[str, str] | None:
    """``(stem, kind)`` for an archive file name such as ``train.tar.gz``; None otherwise."""
    lower = name.lower()
    for suffix, kind in _SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], kind
    return None


def is_archive(path: Path) -> bool:
    """Whether ``path`` is named like an archive (or a part of a multi-part one)."""
    part = _PART.match(path.name)
    return split_archive_name(part.group("base") if part else path.name) is not None


def check_entries(label: str, entries: list[Entry]) -> None:
    """Refuse the archive at the first entry that could write outside its folder."""
    for entry in entries:
        problem = _entry_problem(entry)
        if problem:
            raise ArchiveError(
                f"refusing to extract {label}: entry '{entry.name}' {problem} "
                "(nothing of this archive was written)"
            )


# ---------------------------------------------------------------------------
# Entry names and kinds


def entry_parts(name: str) -> tuple[str, ...] | None:
    """The path components of an entry name; None when the name is absolute or escapes."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return None
    parts = tuple(p for p in unified.split("/") if p not in ("", "."))
    if ".." in parts:
        return None
    return parts


def _make_entry(name: str, kind: str) -> Entry:
    return Entry(name, entry_parts(name) or (), kind)


def _entry_problem(entry: Entry) -> str | None:
    unified = entry.name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return "is an absolute path"
    if ".." in unified.split("/"):
        return "has a '..' component that points outside the folder"
    if entry.kind == "link":
        return "is a link, which could point outside the folder"
    if entry.kind == "special":
        return "is a device or FIFO, not a file"
    if "\0" in entry.name:
        return "has a NUL character in its name"
    return None


# ---------------------------------------------------------------------------
# Readers for each kind of archive


class _ZipReader:
    def __init__(self, stream: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(stream)

    def entries(self) -> list[Entry]:
        return [_make_entry(info.filename, _zip_kind(info)) for info in self._zip.infolist()]

    def extract(self, entries: list[Entry], staging: Path) -> None:
        for info, entry in zip(self._zip.infolist(), entries, strict=True):
            destination = _destination(staging, entry)
            if destination is None:
                continue
            if entry.kind == "dir":
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with self._zip.open(info) as source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)

    def close(self) -> None:
        self._zip.close()


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "special"
    return "dir" if info.is_dir() else "file"


class _TarReader:
    def __init__(self, stream: BinaryIO) -> None:
        self._tar = tarfile.open(fileobj=stream, mode="r:*")
        self._members = self._tar.getmembers()

    def entries(self) -> list[Entry]:
        return [_make_entry(member.name, _tar_kind(member)) for member in self._members]

    def extract(self, entries: list[Entry], staging: Path) -> None:
        for member, entry in zip(self._members, entries, strict=True):
            destination = _destination(staging, entry)
            if destination is None:
                continue
            if entry.kind == "dir":
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = self._tar.extractfile(member)
            if source is None:
                raise ArchiveError(f"cannot read entry '{member.name}'")
            with source, open(destination, "wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)

    def close(self) -> None:
        self._tar.close()


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.issym() or member.islnk():
        return "link"
    if member.isdir():
        return "dir"
    return "file" if member.isreg() else "special"


class _SevenZipReader:
    def __init__(self, stream: BinaryIO) -> None:
        import py7zr

        self._archive = py7zr.SevenZipFile(stream)

    def entries(self) -> list[Entry]:
        return [_make_entry(item.filename, _seven_zip_kind(item)) for item in self._archive.files]

    def extract(self, entries: list[Entry], staging: Path) -> None:
        # py7zr writes the whole archive itself; the entries were all checked before.
        self._archive.extractall(path=staging)
        macos = staging / _IGNORED_TOP
        if macos.is_dir():
            shutil.rmtree(macos)

    def close(self) -> None:
        self._archive.close()


def _seven_zip_kind(item: object) -> str:
    if getattr(item, "is_symlink", False) or getattr(item, "is_junction", False):
        return "link"
    if getattr(item, "is_socket", False):
        return "special"
    return "dir" if getattr(item, "is_directory", False) else "file"


_READERS: dict[str, Callable[[BinaryIO], _Reader]] = {"zip": _ZipReader, "tar": _TarReader,
                                      "7z": _SevenZipReader}


def _destination(staging: Path, entry: Entry) -> Path | None:
    if not entry.parts or entry.parts[0] == _IGNORED_TOP:
        return None
    return staging.joinpath(*entry.parts)


# ---------------------------------------------------------------------------
# Opening archives, multi-part volumes included


class _JoinedParts(io.RawIOBase):
    """The parts of a multi-part volume read as one seekable file, without copying."""

    def __init__(self, paths: tuple[Path, ...]) -> None:
        self._paths = paths
        self._sizes = [p.stat().st_size for p in paths]
        self._starts = [sum(self._sizes[:i]) for i in range(len(paths))]
        self._total = sum(self._sizes)
        self._position = 0
        self._open_index = -1
        self._handle: BinaryIO | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._total}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._position >= self._total:
            return 0
        index = self._part_at(self._position)
        handle = self._part_handle(index)
        handle.seek(self._position - self._starts[index])
        wanted = min(len(buffer), self._starts[index] + self._sizes[index] - self._position)
        count = int(handle.readinto(memoryview(buffer)[:wanted]))  # type: ignore[attr-defined]
        self._position += count
        return count

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        super().close()

    def _part_at(self, position: int) -> int:
        for index in range(len(self._paths) - 1, -1, -1):
            if position >= self._starts[index] and self._sizes[index]:
                return index
        return 0

    def _part_handle(self, index: int) -> BinaryIO:
        if index != self._open_index or self._handle is None:
            if self._handle is not None:
                self._handle.close()
            self._handle = open(self._paths[index], "rb")
            self._open_index = index
        return self._handle


def _single_archive(archive: Path) -> ArchiveSet:
    if not archive.is_file():
        raise ArchiveError(f"archive {archive} does not exist")
    split = split_archive_name(archive.name)
    if split is not None:
        return ArchiveSet((archive,), split[1], split[0])
    kind = _sniff_kind(archive)
    return ArchiveSet((archive,), kind, archive.stem)


def _sniff_kind(archive: Path) -> str:
    import py7zr

    if zipfile.is_zipfile(archive):
        return "zip"
    if py7zr.is_7zfile(archive):
        return "7z"
    if tarfile.is_tarfile(archive):
        return "tar"
    raise ArchiveError(f"{archive.name} is not a zip, 7z or tar archive")


def _volume_set(base: str, numbered: list[tuple[int, Path]]) -> ArchiveSet:
    numbered.sort()
    numbers = [n for n, _ in numbered]
    first = numbers[0]
    expected = list(range(first, first + len(numbers)))
    label = f"{base}.{numbers[0]:03d}-{numbers[-1]:03d}"
    if first not in (0, 1) or numbers != expected:
        missing = sorted(set(range(1 if first else 0, numbers[-1] + 1)) - set(numbers))
        raise ArchiveError(
            f"multi-part archive {label} is missing part(s) "
            + ", ".join(f"{base}.{n:03d}" for n in missing)
            + ": download the missing parts, then retry"
        )
    stem, kind = split_archive_name(base) or (base, "zip")
    return ArchiveSet(tuple(p for _, p in numbered), kind, stem)


@contextmanager
def _opened(archive_set: ArchiveSet) -> Iterator[_Reader]:
    """Open the archive with the reader for its kind, turning read errors into ArchiveError."""
    stream: BinaryIO
    if len(archive_set.files) == 1:
        stream = open(archive_set.files[0], "rb")
    else:
        joined = _JoinedParts(archive_set.files)
        stream = io.BufferedReader(joined, _CHUNK)
    try:
        with _read_errors(archive_set):
            reader = _READERS[archive_set.kind](stream)
        try:
            with _read_errors(archive_set):
                yield reader
        finally:
            reader.close()
    finally:
        stream.close()


@contextmanager
def _read_errors(archive_set: ArchiveSet) -> Iterator[None]:
    import py7zr.exceptions

    label = archive_set.label
    hint = " (is a later part missing?)" if len(archive_set.files) > 1 else ""
    try:
        yield
    except (ArchiveError, DataError):
        raise
    except NotImplementedError as err:
        raise ArchiveError(
            f"{label} uses a compression method Python cannot read ({err}): extract it with "
            "7-Zip or unzip and pass the folder with --data"
        ) from err
    except (RuntimeError, py7zr.exceptions.PasswordRequired) as err:
        raise ArchiveError(f"{label} cannot be extracted ({err}); is it encrypted?") from err
    except OSError as err:
        if err.errno is None:
            raise _corrupt(label, archive_set.kind, err, hint) from err
        raise _write_error(label, err) from err
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        tarfile.TarError,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        py7zr.exceptions.ArchiveError,
    ) as err:
        raise _corrupt(label, archive_set.kind, err, hint) from err


def _corrupt(label: str, kind: str, err: BaseException, hint: str) -> ArchiveError:
    detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    return ArchiveError(f"{label} is not a complete {kind} archive (truncated or corrupt: "
                        f"{detail}){hint}")


def _write_error(label: str, err: OSError) -> DataError:
    if err.errno == errno.ENOSPC:
        return DataError(
            f"the disk filled up while extracting {label}: free some space or set "
            "KAGGLEKIT_CACHE to a folder on a larger disk, then retry"
        )
    return DataError(f"extracting {label} failed: {err.strerror} ({err.filename})")


# ---------------------------------------------------------------------------
# Staging and moving into place


def _extract_staged(
    archive_set: ArchiveSet, reader: _Reader, entries: list[Entry], target: Path
) -> None:
    """Extract into a hidden sibling of ``target``, then move the result into place."""
    # The staging folder sits on the same disk as the target, so moving is a rename.
    parent = target if target.is_dir() else target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=parent))
    try:
        logger.debug("extracting %s into %s", archive_set.label, target)
        with _read_errors(archive_set):
            reader.extract(entries, staging)
        _move_into(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``; merge folders, replacing files of the same name."""
    if not target.exists() and not target.is_symlink():
        source.rename(target)
        return
    if source.is_dir() and target.is_dir() and not target.is_symlink():
        for child in list(source.iterdir()):
            _move_into(child, target / child.name)
        return
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink()
    source.rename(target)


def _extract_inner(archive_set: ArchiveSet) -> list[Path]:
    """Extract one archive found inside a tree next to itself; return what it created."""
    folder = archive_set.files[0].parent
    size = sum(p.stat().st_size for p in archive_set.files)
    logger.info("extracting %s (%s)", archive_set.label, format_size(size))
    with _opened(archive_set) as reader:
        entries = reader.entries()
        check_entries(archive_set.label, entries)
        tops = sorted({e.parts[0] for e in entries if e.parts and e.parts[0] != _IGNORED_TOP})
        own_names = {p.name for p in archive_set.files}
        if len(tops) == 1 and tops[0] not in own_names:
            target, created = folder, [folder / tops[0]]
        else:
            target = folder / archive_set.stem
            created = [target]
        _extract_staged(archive_set, reader, entries, target)
    for path in archive_set.files:
        path.unlink()
    return [path for path in created if path.exists()]


def _walk_files(root: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(_STAGING_PREFIX)]
        for name in filenames:
            yield Path(directory, name)


def format_size(size: float) -> str:
    """A byte count for people: ``512 B``, ``3.4 MB``, ``82.0 GB``."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"
