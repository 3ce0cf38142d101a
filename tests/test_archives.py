"""Safe extraction: nested archives, every kind Kaggle ships, and hostile entries refused."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import py7zr
import pytest
from fake_kaggle import make_zip

from kagglekit.archives import extract_archive, extract_tree, find_archives
from kagglekit.errors import ArchiveError

pytestmark = pytest.mark.timeout(60)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content, to prove nothing else was written."""
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() and not p.is_symlink() else b"<"
        for p in root.rglob("*")
    }


def make_tar(files: dict[str, bytes], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def make_7z(tmp: Path, files: dict[str, bytes]) -> bytes:
    source = tmp / "7z-source"
    for name, content in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(content)
    target = tmp / "made.7z"
    with py7zr.SevenZipFile(target, "w") as archive:
        for name in files:
            archive.write(source / name, name)
    data = target.read_bytes()
    target.unlink()
    return data


# ---------------------------------------------------------------------------
# Extraction of good archives


def test_extract_archive_creates_the_target(tmp_path: Path) -> None:
    archive = tmp_path / "titanic.zip"
    archive.write_bytes(make_zip({"train.csv": "a\n1\n", "sub/test.csv": "a\n2\n"}))

    extract_archive(archive, tmp_path / "files")

    assert (tmp_path / "files" / "train.csv").read_text() == "a\n1\n"
    assert (tmp_path / "files" / "sub" / "test.csv").read_text() == "a\n2\n"
    assert archive.exists(), "extract_archive leaves the archive alone"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_extract_archive_merges_into_an_existing_folder(tmp_path: Path) -> None:
    target = tmp_path / "files"
    (target / "keep").mkdir(parents=True)
    (target / "keep" / "old.txt").write_text("old")
    (target / "same.txt").write_text("before")
    archive = tmp_path / "b.zip"
    archive.write_bytes(make_zip({"same.txt": "after", "keep/new.txt": "new"}))

    extract_archive(archive, target)

    assert (target / "same.txt").read_text() == "after"
    assert sorted(p.name for p in (target / "keep").iterdir()) == ["new.txt", "old.txt"]


def test_archive_kind_is_sniffed_when_the_name_does_not_tell(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.download"
    archive.write_bytes(make_zip({"x.csv": "1"}))

    extract_archive(archive, tmp_path / "out")

    assert (tmp_path / "out" / "x.csv").read_text() == "1"


def test_inner_zip_with_its_own_top_folder_is_not_doubled(tmp_path: Path) -> None:
    bundle = make_zip({"train/cat.0.jpg": "c", "train/dog.0.jpg": "d"})
    (tmp_path / "train.zip").write_bytes(bundle)

    extract_tree(tmp_path)

    assert sorted(p.name for p in (tmp_path / "train").iterdir()) == ["cat.0.jpg", "dog.0.jpg"]
    assert not (tmp_path / "train" / "train").exists()
    assert not (tmp_path / "train.zip").exists()


def test_inner_zip_without_a_top_folder_goes_into_a_folder_named_after_it(tmp_path: Path) -> None:
    (tmp_path / "images.zip").write_bytes(make_zip({"1.png": "a", "2.png": "b"}))

    extract_tree(tmp_path)

    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["1.png", "2.png"]
    assert not (tmp_path / "images.zip").exists()


def test_csv_zip_becomes_the_csv_next_to_it(tmp_path: Path) -> None:
    (tmp_path / "trainLabels.csv.zip").write_bytes(make_zip({"trainLabels.csv": "image,level\n"}))

    extract_tree(tmp_path)

    assert (tmp_path / "trainLabels.csv").read_text() == "image,level\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trainLabels.csv"]


def test_multi_part_volumes_are_joined_in_order(tmp_path: Path) -> None:
    images = {f"train/{i}.jpeg": os.urandom(3000) for i in range(6)}
    data = make_zip(images)
    third = len(data) // 3
    chunks = [data[:third], data[third: 2 * third], data[2 * third:]]
    for number, chunk in enumerate(chunks, start=1):
        (tmp_path / f"train.zip.{number:03d}").write_bytes(chunk)

    extract_tree(tmp_path)

    for name, content in images.items():
        assert (tmp_path / name).read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train"]


def test_a_missing_middle_part_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    data = make_zip({"train/1.jpeg": os.urandom(5000)})
    (tmp_path / "train.zip.001").write_bytes(data[:2000])
    (tmp_path / "train.zip.003").write_bytes(data[4000:])
    before = snapshot(tmp_path)

    with pytest.raises(ArchiveError, match=r"missing part\(s\) train\.zip\.002"):
        extract_tree(tmp_path)

    assert snapshot(tmp_path) == before


def test_missing_last_parts_make_an_incomplete_archive(tmp_path: Path) -> None:
    data = make_zip({"train/1.jpeg": os.urandom(5000)})
    (tmp_path / "train.zip.001").write_bytes(data[:2000])
    (tmp_path / "train.zip.002").write_bytes(data[2000:4000])
    before = snapshot(tmp_path)

    with pytest.raises(ArchiveError, match="not a complete zip archive.*later part missing"):
        extract_tree(tmp_path)

    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("test.tar.gz", "w:gz"),
        ("test.tgz", "w:gz"),
        ("test.tar.bz2", "w:bz2"),
        ("test.tar.xz", "w:xz"),
        ("test.tar", "w"),
    ],
)
def test_tar_archives_of_every_compression(tmp_path: Path, name: str, mode: str) -> None:
    (tmp_path / name).write_bytes(make_tar({"test/a.png": b"A", "test/b.png": b"B"}, mode))

    extract_tree(tmp_path)

    assert (tmp_path / "test" / "a.png").read_bytes() == b"A"
    assert (tmp_path / "test" / "b.png").read_bytes() == b"B"
    assert not (tmp_path / name).exists()


def test_7z_archive(tmp_path: Path) -> None:
    bundle = make_7z(tmp_path, {"train/1.png": b"one", "train/2.png": b"2"})
    (tmp_path / "train.7z").write_bytes(bundle)

    extract_tree(tmp_path / "train.7z")

    assert (tmp_path / "train" / "1.png").read_bytes() == b"one"
    assert not (tmp_path / "train.7z").exists()


def test_archives_nested_in_archives_are_all_extracted(tmp_path: Path) -> None:
    innermost = make_tar({"labels.csv": b"id,label\n1,cat\n"})
    middle = make_zip({"data/labels.tar.gz": innermost, "data/readme.txt": "hi"})
    (tmp_path / "bundle.zip").write_bytes(make_zip({"data.zip": middle, "sample.csv.zip": make_zip(
        {"sample.csv": "id\n1\n"})}))

    extract_tree(tmp_path)

    assert (tmp_path / "bundle" / "data" / "labels.csv").read_text() == "id,label\n1,cat\n"
    assert (tmp_path / "bundle" / "sample.csv").read_text() == "id\n1\n"
    assert find_archives(tmp_path) == []


def test_macos_metadata_folder_is_not_extracted(tmp_path: Path) -> None:
    (tmp_path / "train.zip").write_bytes(
        make_zip({"train/1.png": "x", "__MACOSX/train/._1.png": "junk"})
    )

    extract_tree(tmp_path)

    assert (tmp_path / "train" / "1.png").exists()
    assert not (tmp_path / "__MACOSX").exists()


# ---------------------------------------------------------------------------
# Hostile entries: refused before anything is written


def zip_with(name: str, symlink: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good/first.txt", "written first if validation were late")
        info = zipfile.ZipInfo(name)
        if symlink:
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "../../outside.txt" if symlink else "evil")
    return buffer.getvalue()


def tar_with(name: str, kind: bytes = tarfile.REGTYPE) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        good = tarfile.TarInfo("good/first.txt")
        good.size = 5
        archive.addfile(good, io.BytesIO(b"first"))
        info = tarfile.TarInfo(name)
        info.type = kind
        if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
            info.linkname = "../../outside.txt"
            archive.addfile(info)
        else:
            info.size = 4
            archive.addfile(info, io.BytesIO(b"evil"))
    return buffer.getvalue()


HOSTILE = [
    ("zip", "../../evil.txt", lambda n: zip_with(n), "'..' component"),
    ("zip", "/tmp/kagglekit-evil.txt", lambda n: zip_with(n), "absolute path"),
    ("zip", "C:\\evil.txt", lambda n: zip_with(n), "absolute path"),
    ("zip", "sub\\..\\..\\evil.txt", lambda n: zip_with(n), "'..' component"),
    ("zip", "link", lambda n: zip_with(n, symlink=True), "is a link"),
    ("tar.gz", "../../evil.txt", lambda n: tar_with(n), "'..' component"),
    ("tar.gz", "/tmp/kagglekit-evil.txt", lambda n: tar_with(n), "absolute path"),
    ("tar.gz", "link", lambda n: tar_with(n, tarfile.SYMTYPE), "is a link"),
    ("tar.gz", "hard", lambda n: tar_with(n, tarfile.LNKTYPE), "is a link"),
    ("tar.gz", "fifo", lambda n: tar_with(n, tarfile.FIFOTYPE), "device or FIFO"),
]


@pytest.mark.parametrize(("suffix", "entry", "build", "reason"), HOSTILE)
def test_hostile_archive_is_refused_and_writes_nothing(
    tmp_path: Path, suffix: str, entry: str, build: object, reason: str
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = work / f"bundle.{suffix}"
    archive.write_bytes(build(entry))  # type: ignore[operator]
    before = snapshot(tmp_path)

    with pytest.raises(ArchiveError) as caught:
        extract_archive(archive, work / "files")

    message = str(caught.value)
    assert f"bundle.{suffix}" in message and entry in message and reason in message
    assert "\n" not in message
    assert snapshot(tmp_path) == before
    assert not Path("/tmp/kagglekit-evil.txt").exists()


@pytest.mark.parametrize(("suffix", "entry", "build", "reason"), HOSTILE[:1] + HOSTILE[5:6])
def test_hostile_inner_archive_is_refused_and_kept(
    tmp_path: Path, suffix: str, entry: str, build: object, reason: str
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / f"inner.{suffix}").write_bytes(build(entry))  # type: ignore[operator]
    before = snapshot(tmp_path)

    with pytest.raises(ArchiveError, match=f"inner.{suffix}"):
        extract_tree(work)

    assert snapshot(tmp_path) == before


def test_7z_with_a_symlink_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "real.txt").write_text("x")
    (source / "link").symlink_to("real.txt")  # py7zr only stores links that resolve
    archive = tmp_path / "work" / "bundle.7z"
    archive.parent.mkdir()
    with py7zr.SevenZipFile(archive, "w", dereference=False) as seven:
        seven.write(source / "real.txt", "real.txt")
        seven.write(source / "link", "link")
    before = snapshot(tmp_path)

    with pytest.raises(ArchiveError, match="bundle.7z: entry 'link' is a link"):
        extract_archive(archive, tmp_path / "work" / "files")

    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------------
# Corrupt and truncated archives


def test_truncated_zip_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    data = make_zip({"train.csv": os.urandom(4000)})
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(data[: len(data) // 2])

    with pytest.raises(ArchiveError, match="bundle.zip is not a complete zip archive"):
        extract_archive(archive, tmp_path / "files")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"]


def test_damaged_data_mid_archive_leaves_no_partial_tree(tmp_path: Path) -> None:
    first, second = b"A" * 3000, b"B" * 3000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a/first.bin", first)
        archive.writestr("a/second.bin", second)
    data = bytearray(buffer.getvalue())
    data[data.index(second) + 100] ^= 0xFF  # break the second file's CRC
    archive_path = tmp_path / "bundle.zip"
    archive_path.write_bytes(bytes(data))

    with pytest.raises(ArchiveError, match="truncated or corrupt.*CRC"):
        extract_archive(archive_path, tmp_path / "files")

    assert not (tmp_path / "files").exists(), "the first file must not appear on its own"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"]


def test_truncated_tar_gz_is_refused(tmp_path: Path) -> None:
    data = make_tar({"x/1.bin": os.urandom(20000)})
    (tmp_path / "x.tar.gz").write_bytes(data[: len(data) // 2])

    with pytest.raises(ArchiveError, match="x.tar.gz is not a complete tar archive"):
        extract_tree(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.tar.gz"]


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.bin"
    path.write_text("just text")

    with pytest.raises(ArchiveError, match="not a zip, 7z or tar archive"):
        extract_archive(path, tmp_path / "out")
