"""The replica factory itself: every replica builds, matches its facts and is consistent."""

from __future__ import annotations

import csv
import json
import re
import struct
import time
import wave
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from replicas import EXPECTED_KEYS, IMAGE_EXTENSIONS, REPLICAS, build_replica

from kagglekit import spec
from kagglekit.metrics import KNOWN_METRICS, METRICS, default_metric
from kagglekit.spec import ItemLayout, LabelKind, SubmissionKind, Task

ALL = sorted(REPLICAS)
SUPPORTED = [slug for slug in ALL if REPLICAS[slug].supported]
UNSUPPORTED = [slug for slug in ALL if not REPLICAS[slug].supported]
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("replicas")
    return {slug: build_replica(slug, root) for slug in ALL}


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _fill(pattern: str, row: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda match: row[match.group(1)], pattern)


def _natural(values: set[str]) -> list[str]:
    if all(re.fullmatch(r"\d+", value) for value in values):
        return sorted(values, key=int)
    return sorted(values)


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


# ---------------------------------------------------------------------------------------
# The set as a whole
# ---------------------------------------------------------------------------------------


def test_the_set_covers_every_supported_family() -> None:
    supported = [REPLICAS[slug].expected for slug in SUPPORTED]
    assert len(supported) >= 20
    assert {e["layout"] for e in supported} == {layout.value for layout in ItemLayout}
    assert {e["label_kind"] for e in supported} == {kind.value for kind in LabelKind}
    assert {e["submission_kind"] for e in supported} >= {
        kind.value for kind in SubmissionKind if kind is not SubmissionKind.ONE_HOT
    }
    assert {e["test_source"] for e in supported} == {"csv", "sample_submission"}
    tasks = {e["task"] for e in supported}
    assert tasks == {task.value for task in Task} - {"image_regression"}

    # Image ids: with and without the extension, with dots, integers, several formats.
    patterns = [p for e in supported for p in [e["train_file_pattern"], *e["test_file_patterns"]]
                if p]
    assert {Path(p).suffix for p in patterns if not p.endswith("}")} >= {
        ".png", ".jpg", ".jpeg", ".tif"}
    assert any(p.endswith("}") for p in patterns)  # ids that carry their extension
    # Folders per class: alone, and named by a label column of a CSV (paddy).
    assert any(e["layout"] == "folder_per_class" and not e["labels_file"] for e in supported)
    assert any(f"{{{e['label_columns'][0]}}}/" in (e["train_file_pattern"] or "")
               for e in supported if e["label_columns"])
    shared = [e for e in supported if e["train_folder"] and e["train_folder"] in e["test_folders"]]
    assert len(shared) >= 2
    assert any(e["group_column"] for e in supported)
    assert any(e["group_pattern"] for e in supported)

    keywords = {REPLICAS[slug].expected["unsupported"] for slug in UNSUPPORTED}
    assert keywords >= {"coco-json", "dicom", "bson", "npy", "multi-file", "segmentation",
                        "text", "audio", "top-k"}


def test_the_whole_set_builds_fast_and_small(tmp_path: Path) -> None:
    start = time.perf_counter()
    for slug in ALL:
        build_replica(slug, tmp_path)
    elapsed = time.perf_counter() - start
    size = sum(path.stat().st_size for path in _files(tmp_path))
    assert elapsed < 5, f"building every replica took {elapsed:.1f} s (about 0.4 s expected)"
    assert size < 2_000_000, f"the replicas take {size} bytes"


def test_builds_are_deterministic_per_seed(tmp_path: Path) -> None:
    for slug in ("titanic", "aptos2019-blindness-detection",
                 "cdiscount-image-classification-challenge"):
        first = build_replica(slug, tmp_path / "a")
        again = build_replica(slug, tmp_path / "b")
        other = build_replica(slug, tmp_path / "c", seed=1)
        assert [p.read_bytes() for p in _files(first)] == [p.read_bytes() for p in _files(again)]
        assert [p.read_bytes() for p in _files(first)] != [p.read_bytes() for p in _files(other)]


# ---------------------------------------------------------------------------------------
# Each replica's facts
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ALL)
def test_expected_is_complete_and_uses_known_values(slug: str) -> None:
    facts = REPLICAS[slug]
    expected = facts.expected
    assert tuple(expected) == EXPECTED_KEYS
    assert facts.family and facts.files and facts.headers
    assert expected["submission_file"] in facts.headers
    assert facts.headers[expected["submission_file"]] == [
        expected["id_column"], *expected["target_columns"]]
    assert expected["n_train"] > 0 and expected["n_test"] > 0
    assert expected["metric"] is None or expected["metric"] in METRICS
    if not facts.synthetic:
        assert expected["metric"] == KNOWN_METRICS.get(slug)
    if not facts.supported:
        assert expected["task"] is None and expected["layout"] is None
        return

    assert expected["task"] in {t.value for t in Task}
    assert expected["layout"] in {v.value for v in ItemLayout}
    assert expected["label_kind"] in {v.value for v in LabelKind}
    assert expected["test_source"] in {v.value for v in spec.TestSource}
    assert expected["submission_kind"] in {v.value for v in SubmissionKind}
    assert expected["n_classes"] == len(expected["classes"])
    if facts.synthetic:
        default = default_metric(expected["task"], expected["n_classes"],
                                 expected["submission_kind"])
        assert expected["metric"] == default
    is_regression = expected["task"].endswith("_regression")
    assert (expected["classes"] == []) == is_regression
    assert (expected["positive_class"] is not None) == (
        expected["submission_kind"] == "positive_probability")
    if expected["positive_class"] is not None:
        assert expected["positive_class"] == expected["classes"][1]
    assert (expected["label_delimiter"] is not None) == (expected["label_kind"] == "tags")
    assert (expected["image_shape"] is not None) == (expected["layout"] == "pixel_columns")
    assert (expected["test_file"] is not None) == (expected["test_source"] == "csv")
    is_image = expected["task"].startswith("image_") and expected["layout"] != "pixel_columns"
    assert bool(expected["train_folder"]) == is_image
    assert len(expected["test_folders"]) == len(expected["test_file_patterns"])
    assert bool(expected["test_folders"]) == is_image


@pytest.mark.parametrize("slug", ALL)
def test_files_and_headers_match_the_facts(slug: str, built: dict[str, Path]) -> None:
    folder = built[slug]
    facts = REPLICAS[slug]
    for relative in facts.files:
        path = folder / relative
        assert path.is_dir() if relative.endswith("/") else path.is_file(), relative
    for relative, header in facts.headers.items():
        assert _rows(folder / relative)[0] == header, relative
    csvs = {str(p.relative_to(folder)) for p in folder.rglob("*.csv")}
    assert csvs == set(facts.headers), "every CSV of the replica has its header in the facts"


@pytest.mark.parametrize("slug", ALL)
def test_images_open_in_their_format(slug: str, built: dict[str, Path]) -> None:
    for path in _files(built[slug]):
        suffix = path.suffix.lower()
        if suffix not in IMAGE_EXTENSIONS:
            continue
        with Image.open(path) as image:
            assert image.format == IMAGE_FORMATS[suffix], path.name
            assert 8 <= image.width <= 64 and 8 <= image.height <= 64
            image.load()


# ---------------------------------------------------------------------------------------
# Supported replicas: submissions, test items, training items
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SUPPORTED)
def test_sample_submission_lists_the_test_items(slug: str, built: dict[str, Path]) -> None:
    folder, expected = built[slug], REPLICAS[slug].expected
    sample = _table(folder / expected["submission_file"])
    ids = [row[expected["id_column"]] for row in sample]
    assert len(ids) == expected["n_test"] == len(set(ids))

    if expected["test_source"] == "csv":
        test = _table(folder / expected["test_file"])
        if expected["test_id_column"]:
            assert ids == [row[expected["test_id_column"]] for row in test]
        else:
            assert ids == [str(n) for n in range(1, len(test) + 1)]
    if expected["test_folders"]:
        _check_test_files(folder, expected, sample)
    _check_placeholders(expected, sample)


def _check_test_files(folder: Path, expected: dict, sample: list[dict[str, str]]) -> None:
    """Each submission id names one existing test file; the test folders hold no others."""
    named = set()
    for row in sample:
        paths = [folder / _fill(p, row) for p in expected["test_file_patterns"]]
        found = [path for path in paths if path.is_file()]
        assert len(found) == 1, f"{row[expected['id_column']]} names {found}"
        named.add(found[0])
    if expected["train_folder"] in expected["test_folders"]:
        return  # a shared folder also holds the training images
    present = {p for name in expected["test_folders"] for p in _files(folder / name)}
    assert present == named


def _check_placeholders(expected: dict, sample: list[dict[str, str]]) -> None:
    values = [row[column] for row in sample for column in expected["target_columns"]]
    kind = expected["submission_kind"]
    if kind in ("positive_probability", "class_probabilities"):
        assert all(0 <= float(value) <= 1 for value in values)
    elif kind == "value":
        assert all(float(value) > 0 for value in values)
    elif kind == "tags":
        assert {tag for value in values for tag in value.split()} <= set(expected["classes"])
    elif kind == "label":
        assert set(values) <= set(expected["classes"]) | {""}


@pytest.mark.parametrize("slug", SUPPORTED)
def test_training_items_match_the_facts(slug: str, built: dict[str, Path]) -> None:
    folder, expected = built[slug], REPLICAS[slug].expected
    layout = expected["layout"]
    if layout == "folder_per_class":
        _check_folder_per_class(folder, expected)
    elif layout == "label_in_name":
        files = _files(folder / expected["train_folder"])
        assert len(files) == expected["n_train"]
        assert _natural({path.name.split(".")[0] for path in files}) == expected["classes"]
    if expected["labels_file"] is None:
        return

    table = _table(folder / expected["labels_file"])
    assert len(table) == expected["n_train"]
    if expected["train_file_pattern"]:
        for row in table:
            assert (folder / _fill(expected["train_file_pattern"], row)).is_file()
    if expected["train_id_column"]:
        ids = [row[expected["train_id_column"]] for row in table]
        assert len(set(ids)) == len(ids)
    if layout == "pixel_columns":
        height, width = expected["image_shape"]
        pixels = [int(v) for row in table for k, v in row.items() if k.startswith("pixel")]
        assert len(pixels) == height * width * len(table)
        assert min(pixels) >= 0 and max(pixels) <= 255
    _check_labels(expected, table)
    _check_groups(expected, table)


def _check_folder_per_class(folder: Path, expected: dict) -> None:
    train = folder / expected["train_folder"]
    classes = sorted(path.name for path in train.iterdir() if path.is_dir())
    assert classes == expected["classes"]
    assert len(_files(train)) == expected["n_train"]


def _check_labels(expected: dict, table: list[dict[str, str]]) -> None:
    """The training labels hold exactly the expected classes, in the expected order."""
    columns, kind = expected["label_columns"], expected["label_kind"]
    assert columns and all(column in table[0] for column in columns)
    if kind in ("name", "code", "ordinal"):
        labels = {row[columns[0]] for row in table}
        assert _natural(labels) == expected["classes"]
        if kind != "name":
            assert all(re.fullmatch(r"\d+", label) for label in labels)
    elif kind == "tags":
        tags = {tag for row in table for tag in row[columns[0]].split(expected["label_delimiter"])}
        assert _natural(tags) == expected["classes"]
    elif kind in ("one_hot", "indicators"):
        matrix = np.array([[int(row[c]) for c in columns] for row in table])
        assert set(np.unique(matrix)) == {0, 1}
        assert columns == expected["classes"]
        sums = Counter(matrix.sum(axis=1).tolist())
        assert (set(sums) == {1}) == (kind == "one_hot")
        assert (matrix.min(axis=0) == 0).all() and (matrix.max(axis=0) == 1).all()
    else:
        assert all(float(row[c]) >= 0 for row in table for c in columns)
    if expected["submission_kind"] in ("class_probabilities", "one_hot"):
        assert expected["classes"] == expected["target_columns"]


def _check_groups(expected: dict, table: list[dict[str, str]]) -> None:
    """A group column or pattern puts several training items in at least one group."""
    if expected["group_column"]:
        groups = Counter(row[expected["group_column"]] for row in table)
        assert max(groups.values()) > 1 and len(groups) > 1
    if expected["group_pattern"]:
        pattern = re.compile(expected["group_pattern"])
        ids = [row[expected["train_id_column"]] for row in table]
        groups = Counter(pattern.match(i).group(1) for i in ids)  # type: ignore[union-attr]
        assert set(groups.values()) == {2}


def test_image_colours_follow_the_class(built: dict[str, Path]) -> None:
    """A model can learn something: images of one class share a colour."""
    folder = built["aptos2019-blindness-detection"]
    means: dict[str, list[np.ndarray]] = {}
    for row in _table(folder / "train.csv"):
        with Image.open(folder / "train_images" / f"{row['id_code']}.png") as image:
            pixels = np.asarray(image, dtype=float)
        means.setdefault(row["diagnosis"], []).append(pixels.mean(axis=(0, 1)))
    centres = {grade: np.mean(values, axis=0) for grade, values in means.items()}
    spread = max(np.std(values, axis=0).max() for values in means.values())
    gaps = [np.abs(centres[a] - centres[b]).max() for a in centres for b in centres if a < b]
    assert min(gaps) > 10 * spread


# ---------------------------------------------------------------------------------------
# Unsupported replicas: each shows what it is
# ---------------------------------------------------------------------------------------


def _bson_documents(data: bytes) -> list[bytes]:
    """Split a BSON stream into documents, checking each one's length and terminator."""
    documents, offset = [], 0
    while offset < len(data):
        (length,) = struct.unpack_from("<i", data, offset)
        assert data[offset + length - 1] == 0
        documents.append(data[offset:offset + length])
        offset += length
    assert offset == len(data)
    return documents


def _decode_rle(text: str, shape: tuple[int, int]) -> np.ndarray:
    flat = np.zeros(shape[0] * shape[1], dtype=bool)
    numbers = [int(n) for n in text.split()]
    for start, length in zip(numbers[::2], numbers[1::2]):
        flat[start - 1:start - 1 + length] = True
    return flat.reshape(shape, order="F")


@pytest.mark.parametrize("slug", UNSUPPORTED)
def test_unsupported_replicas_show_what_they_are(slug: str, built: dict[str, Path]) -> None:
    folder, expected = built[slug], REPLICAS[slug].expected
    keyword = expected["unsupported"]
    sample = _table(folder / expected["submission_file"])
    assert len(sample) == expected["n_test"]

    if keyword == "dicom":
        dicoms = list(folder.rglob("*.dcm"))
        assert len(dicoms) == expected["n_train"] + 4
        assert all(path.read_bytes()[128:132] == b"DICM" for path in dicoms)
    elif keyword == "bson":
        documents = _bson_documents((folder / "train.bson").read_bytes())
        assert len(documents) == expected["n_train"]
        assert all(b"category_id\x00" in doc and b"\xff\xd8\xff" in doc for doc in documents)
    elif keyword == "npy":
        arrays = [np.load(path) for path in (folder / "train").rglob("*.npy")]
        assert len(arrays) == expected["n_train"] and arrays[0].shape == (6, 16, 16)
        assert all(path.parent.name == path.name[0] for path in folder.rglob("*.npy"))
    elif keyword == "audio":
        clips = list(folder.rglob("*.wav"))
        assert len(clips) == expected["n_train"] + expected["n_test"] + 1  # + background noise
        with wave.open(str(clips[0])) as handle:
            assert handle.getframerate() == 16_000
    elif keyword == "coco-json":
        labels = {"iwildcam-2020-fgvc7": "iwildcam2020_train_annotations.json",
                  "herbarium-2021-fgvc8": "train/metadata.json"}[slug]
        data = json.loads((folder / labels).read_text())
        assert {"annotations", "images", "categories"} <= set(data)
        assert len(data["annotations"]) == expected["n_train"]
    elif keyword == "multi-file":
        names = Counter(path.name.split("_")[0] for path in _files(folder / "train"))
        assert len(names) == expected["n_train"] and set(names.values()) == {4}
    elif keyword == "segmentation":
        for row in _table(folder / "train.csv"):
            with Image.open(folder / "train" / "masks" / f"{row['id']}.png") as mask:
                pixels = np.asarray(mask) > 0
            assert (_decode_rle(row["rle_mask"], pixels.shape) == pixels).all()
    elif keyword == "text":
        table = _table(folder / "train.csv")
        texts = [row.get("text") or row["comment_text"] for row in table]
        assert np.mean([len(t) for t in texts]) > 60  # sentences, not short codes
    elif keyword == "top-k":
        assert all(len(row[expected["target_columns"][0]].split()) == 5 for row in sample)
    elif keyword == "json":
        records = json.loads((folder / "data" / "processed" / "train.json").read_text())
        assert len(records) == expected["n_train"] and "band_1" in records[0]
    elif keyword == "image-to-image":
        names = [p.name for p in _files(folder / "train")]
        assert names == [p.name for p in _files(folder / "train_cleaned")]
    else:
        pytest.fail(f"no check for {keyword!r}")
