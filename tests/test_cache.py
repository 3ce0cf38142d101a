"""The shared download cache: download once, extract whole, reuse, and clean up after failures."""

from __future__ import annotations

import json
import sys
from collections import namedtuple
from pathlib import Path

import pytest
from fake_kaggle import FakeKaggle, make_zip
from kaggle_fixtures import fake_kaggle, kaggle_isolation  # noqa: F401
from typer.testing import CliRunner

from kagglekit import cache
from kagglekit.cli import app
from kagglekit.errors import ArchiveError, DataError, KaggleError, UsageError
from kagglekit.kaggle_client import KaggleConnection, connect

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("kaggle_isolation")]

LABELS = "image,level\n10_left,0\n10_right,2\n"
BUNDLE = make_zip({
    "train.zip": make_zip({"train/10_left.jpeg": b"L" * 500, "train/10_right.jpeg": b"R" * 500}),
    "trainLabels.csv.zip": make_zip({"trainLabels.csv": LABELS}),
    "sample/1.jpeg": b"S",
})


@pytest.fixture
def fake(fake_kaggle: FakeKaggle) -> FakeKaggle:  # noqa: F811
    fake_kaggle.add_competition("diabetic-retinopathy-detection", BUNDLE, evaluation_metric="QWK")
    return fake_kaggle


@pytest.fixture
def connection(fake: FakeKaggle) -> KaggleConnection:
    return connect()


def fetch(connection: KaggleConnection, slug: str = "diabetic-retinopathy-detection",
          keep_archives: bool = False) -> Path:
    return cache.fetch_competition(connection, connection.resolve(slug), keep_archives)


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ---------------------------------------------------------------------------
# Where the cache lives


def test_cache_root_from_kagglekit_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAGGLEKIT_CACHE", str(tmp_path / "elsewhere"))

    assert cache.cache_root() == tmp_path / "elsewhere"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG rules are Linux's")
def test_cache_root_follows_xdg(
    monkeypatch: pytest.MonkeyPatch, kaggle_isolation: Path  # noqa: F811
) -> None:
    monkeypatch.delenv("KAGGLEKIT_CACHE")
    assert cache.cache_root() == kaggle_isolation / ".cache" / "kagglekit"

    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_root() == Path.home() / ".cache" / "kagglekit"


# ---------------------------------------------------------------------------
# Fetching from Kaggle


def test_fetch_downloads_extracts_everything_and_marks_complete(
    connection: KaggleConnection, fake: FakeKaggle
) -> None:
    files = fetch(connection)

    entry = cache.cache_root() / "diabetic-retinopathy-detection"
    assert files == entry / "files"
    assert tree(files) == ["sample", "sample/1.jpeg", "train", "train/10_left.jpeg",
                           "train/10_right.jpeg", "trainLabels.csv"]
    assert (files / "trainLabels.csv").read_text() == LABELS
    assert not (entry / "download").exists(), "archives are deleted once extracted"
    marker = json.loads((entry / "complete.json").read_text())
    assert marker["slug"] == "diabetic-retinopathy-detection"
    assert marker["files"] == 4 and marker["size_bytes"] == 1000 + len(LABELS) + 1
    assert cache.is_complete("diabetic-retinopathy-detection")


def test_second_fetch_sends_no_download_request(
    connection: KaggleConnection, fake: FakeKaggle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kagglekit")
    first = fetch(connection)
    before = len(fake.requests)

    second = fetch(connection)

    assert second == first
    new = fake.requests[before:]
    assert [r.rpc for r in new] == ["ListCompetitions"], "only the resolve, no download"
    assert "using cached diabetic-retinopathy-detection" in caplog.text


def test_keep_archives(connection: KaggleConnection) -> None:
    fetch(connection, keep_archives=True)

    download = cache.cache_root() / "diabetic-retinopathy-detection" / "download"
    assert [p.name for p in download.iterdir()] == ["diabetic-retinopathy-detection.zip"]


def test_not_enough_disk_space_stops_before_downloading(
    connection: KaggleConnection, fake: FakeKaggle, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(cache.shutil, "disk_usage", lambda path: usage(10**6, 10**6 - 100, 100))

    with pytest.raises(DataError) as caught:
        fetch(connection)

    message = str(caught.value)
    assert message.startswith("not enough free disk space in ")
    assert "estimated as twice the download" in message and "100 B free" in message
    assert "KAGGLEKIT_CACHE" in message and "\n" not in message
    assert fake.calls("DownloadDataFiles") == []


def test_rules_not_accepted(connection: KaggleConnection, fake: FakeKaggle) -> None:
    fake.competitions["diabetic-retinopathy-detection"].rules_accepted = False

    with pytest.raises(KaggleError, match="You have not accepted the rules"):
        fetch(connection)

    assert not cache.is_complete("diabetic-retinopathy-detection")
    assert cache.list_cached() == [], "a refused download leaves no empty entry"


def test_interrupted_download_is_resumed_by_the_next_fetch(
    connection: KaggleConnection, fake: FakeKaggle
) -> None:
    import os

    big = make_zip({"train/big.bin": os.urandom(3 * 2**20)})
    fake.add_competition("big-images", big)
    fake.cut_downloads = 6

    with pytest.raises(KaggleError, match="interrupted"):
        fetch(connection, "big-images")
    assert not cache.is_complete("big-images")

    files = fetch(connection, "big-images")

    assert (files / "train" / "big.bin").stat().st_size == 3 * 2**20
    assert fake.calls("storage")[-1].headers["Range"].startswith("bytes=")
    assert cache.is_complete("big-images")


def test_truncated_download_is_an_error_and_nothing_is_complete(
    connection: KaggleConnection, fake: FakeKaggle
) -> None:
    competition = fake.competitions["diabetic-retinopathy-detection"]
    competition.bundle = BUNDLE[: len(BUNDLE) - 40]  # the server itself sends a cut archive

    with pytest.raises(ArchiveError) as caught:
        fetch(connection)

    message = str(caught.value)
    assert "diabetic-retinopathy-detection.zip is not a complete zip archive" in message
    assert "the download of diabetic-retinopathy-detection was deleted" in message
    assert not (cache.cache_root() / "diabetic-retinopathy-detection").exists()

    competition.bundle = BUNDLE
    assert (fetch(connection) / "trainLabels.csv").exists()
    assert len(fake.calls("DownloadDataFiles")) == 2


def test_corrupt_inner_archive_removes_the_entry(
    connection: KaggleConnection, fake: FakeKaggle
) -> None:
    inner = make_zip({"train/1.jpeg": b"x" * 3000})
    fake.add_competition("broken", make_zip({"train.zip": inner[:-30], "a.csv": "a\n"}))

    with pytest.raises(ArchiveError, match="train.zip is not a complete zip archive.*cached "
                                           "files of broken were removed"):
        fetch(connection, "broken")

    assert not (cache.cache_root() / "broken").exists()


def test_unsafe_bundle_writes_nothing_outside(
    connection: KaggleConnection, fake: FakeKaggle, tmp_path: Path
) -> None:
    fake.add_competition("evil", make_zip({"ok.csv": "a\n", "../../../escaped.txt": "x"}))
    cache.cache_root().mkdir(parents=True)  # '../../../' from files/ reaches tmp_path
    before = tree(tmp_path)

    with pytest.raises(ArchiveError, match="entry '../../../escaped.txt'"):
        fetch(connection, "evil")

    assert tree(tmp_path) == before
    assert not (cache.cache_root() / "evil").exists()


def test_interrupted_extraction_is_finished_without_downloading(
    connection: KaggleConnection, fake: FakeKaggle
) -> None:
    files = cache.cache_root() / "diabetic-retinopathy-detection" / "files"
    files.mkdir(parents=True)
    (files / "trainLabels.csv.zip").write_bytes(make_zip({"trainLabels.csv": LABELS}))

    result = fetch(connection)

    assert (result / "trainLabels.csv").read_text() == LABELS
    assert fake.calls("DownloadDataFiles") == []
    assert cache.is_complete("diabetic-retinopathy-detection")


# ---------------------------------------------------------------------------
# --data PATH


def test_local_folder_is_used_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "train.csv").write_text("a\n")

    assert cache.use_local_data(folder, "titanic") == folder.resolve()
    assert not cache.cache_root().exists(), "nothing is copied"


def test_local_folder_with_archives_is_refused_until_they_are_extracted(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "train.zip").write_bytes(make_zip({"train/1.png": "x"}))

    with pytest.raises(DataError, match=r"holds archives \(train.zip\): extract them"):
        cache.use_local_data(folder, "dogs")
    assert not cache.cache_root().exists()


def test_local_zip_is_extracted_into_the_cache_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kagglekit")
    download = tmp_path / "diabetic-retinopathy-detection.zip"
    download.write_bytes(BUNDLE)

    files = cache.use_local_data(download, "diabetic-retinopathy-detection")

    assert files == cache.cache_root() / "diabetic-retinopathy-detection" / "files"
    assert (files / "train" / "10_left.jpeg").exists() and (files / "trainLabels.csv").exists()
    assert cache.is_complete("diabetic-retinopathy-detection")
    assert download.exists(), "the user's zip is left alone"

    caplog.clear()
    assert cache.use_local_data(download, "diabetic-retinopathy-detection") == files
    assert "using cached" in caplog.text and "extracting" not in caplog.text


def test_local_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="--data .*missing.zip does not exist"):
        cache.use_local_data(tmp_path / "missing.zip", "titanic")


def test_local_unsafe_zip_leaves_no_cache_entry(tmp_path: Path) -> None:
    download = tmp_path / "evil.zip"
    download.write_bytes(make_zip({"/etc/evil": "x"}))

    with pytest.raises(ArchiveError, match="absolute path"):
        cache.use_local_data(download, "evil")

    assert not (cache.cache_root() / "evil").exists()


# ---------------------------------------------------------------------------
# Listing and removing


def test_list_and_remove(connection: KaggleConnection) -> None:
    fetch(connection)
    (cache.cache_root() / "half-done" / "download").mkdir(parents=True)
    (cache.cache_root() / "half-done" / "download" / "half-done.zip").write_bytes(b"x" * 10)

    listed = cache.list_cached()

    assert [(c.slug, c.size_bytes, c.complete) for c in listed] == [
        ("diabetic-retinopathy-detection", 1000 + len(LABELS) + 1, True),
        ("half-done", 10, False),
    ]
    assert cache.remove_cached("half-done") == 10
    assert [c.slug for c in cache.list_cached()] == ["diabetic-retinopathy-detection"]


def test_removing_names_the_projects_left_without_data(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    download = tmp_path / "diabetic-retinopathy-detection.zip"
    download.write_bytes(BUNDLE)
    files = cache.use_local_data(download, "diabetic-retinopathy-detection")
    linked, moved = tmp_path / "linked", tmp_path / "moved"
    for project in (linked, moved):
        project.mkdir()
        (project / "data").symlink_to(files)
        cache.note_project("diabetic-retinopathy-detection", files, project)
    (moved / "data").unlink()
    (moved / "data").mkdir()
    cache.note_project("diabetic-retinopathy-detection", tmp_path, tmp_path / "elsewhere")

    assert cache.linked_projects("diabetic-retinopathy-detection") == [linked]
    cache.remove_cached("diabetic-retinopathy-detection")

    assert f"1 project left without data ({linked}): `kagglekit new " \
        f"diabetic-retinopathy-detection <project> --data {download} --force` fetches it " \
        "again" in caplog.text


def test_remove_unknown_or_unsafe_names(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'titanic' is not in the cache"):
        cache.remove_cached("titanic")
    outside = cache.cache_root().parent / "precious"
    outside.mkdir(parents=True)
    with pytest.raises(UsageError, match="is not a competition slug"):
        cache.remove_cached("../precious")
    assert outside.exists()


def test_cache_command_lists_and_removes(connection: KaggleConnection) -> None:
    fetch(connection)
    runner = CliRunner()

    listing = runner.invoke(app, ["cache"])
    removed = runner.invoke(app, ["cache", "--remove", "diabetic-retinopathy-detection"])
    empty = runner.invoke(app, ["cache"])

    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].split() == ["diabetic-retinopathy-detection", "1.0", "KB", "complete"]
    assert lines[1] == f"1 competition, 1.0 KB in {cache.cache_root()}"
    assert removed.exit_code == 0 and removed.output.startswith("removed diabetic-retinopathy")
    assert empty.output.startswith("0 competitions")
