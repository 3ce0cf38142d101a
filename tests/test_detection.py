"""Layout detection: every replica, each kind of fault, and layouts the replicas lack."""

from __future__ import annotations

import csv
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from replicas import EXPECTED_KEYS, REPLICAS, build_replica

from kagglekit.detection import Detection, detect
from kagglekit.errors import DataError, LayoutError
from kagglekit.inspection import inspect_folder
from kagglekit import items as kk_items
from kagglekit.items import FILE, ID, LABEL, training_items
from kagglekit.specfiles import check_spec_files
from kagglekit.spec import (
    ItemLayout,
    LabelKind,
    MetricSource,
    SubmissionKind,
    Task,
    TestSource,
)

ALL = sorted(REPLICAS)
SUPPORTED = [slug for slug in ALL if REPLICAS[slug].supported]
UNSUPPORTED = [slug for slug in ALL if not REPLICAS[slug].supported]

# What a refusal must name for each kind of unsupported layout.
NAMED = {
    "coco-json": r"COCO-style JSON",
    "dicom": r"DICOM",
    "bson": r"BSON",
    "npy": r"NumPy arrays",
    "multi-file": r"several files per sample",
    "segmentation": r"segmentation",
    "text": r"free text",
    "audio": r"audio files",
    "top-k": r"ranked top-\d",
    "json": r"JSON data files",
    "image-to-image": r"image-to-image",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("replicas")
    return {slug: build_replica(slug, root) for slug in ALL}


@pytest.fixture(scope="module")
def detected(built: dict[str, Path]) -> dict[str, Detection]:
    return {slug: detect(built[slug], slug) for slug in SUPPORTED}


def _folder_of(pattern: str | None) -> str | None:
    """The fixed folder a file pattern starts with: ``train_images`` of ``train_images/{x}``."""
    if not pattern:
        return None
    head = pattern.split("{", 1)[0]
    return head.rsplit("/", 1)[0] if "/" in head else ""


def detected_facts(detection: Detection) -> dict[str, Any]:
    """A detection in the terms of a replica's ``expected``."""
    spec = detection.spec
    train, test = spec.train, spec.test
    test_patterns = [p for p in [test.file_pattern, *test.extra_file_patterns] if p]
    train_folder = train.folder
    if train.layout is ItemLayout.CSV_IDS:
        train_folder = _folder_of(train.file_pattern)
    csv_test = test.source is TestSource.CSV
    return {
        "unsupported": None,
        "task": spec.task.value,
        "id_column": spec.submission.id_column,
        "target_columns": spec.submission.target_columns,
        "submission_file": spec.submission.file,
        "submission_kind": spec.submission.kind.value,
        "metric": spec.metric.name,
        "layout": train.layout.value,
        "labels_file": train.labels_file,
        "train_id_column": train.id_column,
        "label_columns": train.label_columns,
        "label_kind": train.label_kind.value,
        "label_delimiter": train.label_delimiter if train.label_kind is LabelKind.TAGS else None,
        "train_folder": train_folder,
        "train_file_pattern": train.file_pattern,
        "test_source": test.source.value,
        "test_file": test.file if csv_test else None,
        "test_id_column": test.id_column if csv_test and test.id_from_row is None else None,
        "test_folders": [test.folder] if test.folder else [_folder_of(p) for p in test_patterns],
        "test_file_patterns": test_patterns,
        "classes": spec.classes,
        "n_classes": len(spec.classes),
        "positive_class": spec.positive_class,
        "image_shape": train.image_shape,
        "n_train": detection.train_count,
        "n_test": detection.test_count,
        "group_column": train.group_column,
        "group_pattern": train.group_pattern,
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _groups(pattern: str, ids: list[str]) -> list[str]:
    compiled = re.compile(pattern)
    return [m.group(1) if (m := compiled.match(i)) else i for i in ids]


# ---------------------------------------------------------------------------------------
# Every replica
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SUPPORTED)
def test_detects_every_expected_fact(
    slug: str, built: dict[str, Path], detected: dict[str, Detection]
) -> None:
    expected = REPLICAS[slug].expected
    facts = detected_facts(detected[slug])
    assert tuple(facts) == EXPECTED_KEYS
    wrong = {
        key: (facts[key], expected[key])
        for key in EXPECTED_KEYS
        if key != "group_pattern" and facts[key] != expected[key]
    }
    assert not wrong, f"detected vs expected: {wrong}"

    # A group pattern is right when it yields the same groups.
    if expected["group_pattern"] is None:
        assert facts["group_pattern"] is None
    else:
        assert facts["group_pattern"] is not None
        ids = [row[expected["train_id_column"]] for row in
               _read(built[slug] / expected["labels_file"])]
        assert _groups(facts["group_pattern"], ids) == _groups(expected["group_pattern"], ids)


@pytest.mark.parametrize("slug", SUPPORTED)
def test_items_read_the_detected_spec_back(
    slug: str, built: dict[str, Path], detected: dict[str, Detection], tmp_path: Path
) -> None:
    folder, expected = built[slug], REPLICAS[slug].expected
    spec = detected[slug].spec
    # What `run` checks first passes for every detected spec.
    check_spec_files(spec.model_copy(update={"data_dir": str(folder)}), tmp_path)

    train = training_items(spec, folder, tmp_path)
    assert len(train) == expected["n_train"]
    if FILE in train:
        assert all(Path(file).is_file() for file in train[FILE])
    if not spec.task.is_regression:
        labels = train[LABEL].explode() if spec.train.label_kind in (
            LabelKind.TAGS, LabelKind.INDICATORS) else train[LABEL]
        assert set(labels.dropna().astype(str)) == set(spec.classes)

    test = kk_items.test_items(spec, folder, tmp_path)
    sample = _read(folder / expected["submission_file"])
    assert test[ID].tolist() == [row[expected["id_column"]] for row in sample]
    if FILE in test:
        assert all(Path(file).is_file() for file in test[FILE])


@pytest.mark.parametrize("slug", UNSUPPORTED)
def test_refuses_unsupported_layouts_in_one_line(slug: str, built: dict[str, Path]) -> None:
    with pytest.raises(LayoutError) as caught:
        detect(built[slug], slug)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(NAMED[REPLICAS[slug].expected["unsupported"]], message), message
    assert message.endswith("use `kagglekit new --spec FILE`")


# ---------------------------------------------------------------------------------------
# Small competitions written by the tests
# ---------------------------------------------------------------------------------------


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _image(path: Path, shade: int = 128, kind: str = "PNG") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (shade, 255 - shade, 60)).save(path, kind)


def _image_competition(
    root: Path,
    ids: list[str],
    labels: list[str],
    test_ids: list[str],
    name: str = "{}.png",
    train_dir: str = "train",
    test_dir: str = "test",
    header: tuple[str, str] = ("id", "label"),
    sample_value: str = "",
) -> Path:
    """A CSV of ids and labels, flat image folders, and a sample submission."""
    for image_id in ids:
        _image(root / train_dir / name.format(image_id))
    for image_id in test_ids:
        _image(root / test_dir / name.format(image_id))
    _csv(root / "train.csv", list(header), [[i, label] for i, label in zip(ids, labels)])
    value = sample_value or labels[0]
    _csv(root / "sample_submission.csv", list(header), [[i, value] for i in test_ids])
    return root


def _ids(count: int, start: int = 0) -> list[str]:
    return [f"img{n:03d}" for n in range(start, start + count)]


def _names(count: int, classes: list[str]) -> list[str]:
    return [classes[n % len(classes)] for n in range(count)]


# ---------------------------------------------------------------------------------------
# Fault kinds: ranked submissions, column names, regression, groups, DICOM, class folders
# ---------------------------------------------------------------------------------------


def test_class_names_with_spaces_are_not_a_ranked_submission(tmp_path: Path) -> None:
    classes = ["Sugar beet", "Common wheat", "Maize"]
    root = _image_competition(tmp_path / "c", _ids(12), _names(12, classes), _ids(4, 50),
                              sample_value="Common wheat")
    spec = detect(root, "spaced-classes").spec
    assert spec.classes == sorted(classes)
    assert spec.train.label_kind is LabelKind.NAME
    assert spec.submission.kind is SubmissionKind.LABEL


def test_a_placeholder_of_several_words_is_no_ranking_when_classes_have_spaces(
    tmp_path: Path
) -> None:
    classes = ["leaf blight", "brown spot", "healthy"]
    root = _image_competition(tmp_path / "c", _ids(12), _names(12, classes), _ids(4, 50),
                              sample_value="to be predicted")
    assert detect(root, "placeholder").spec.classes == sorted(classes)


def test_a_sample_listing_several_classes_per_row_is_a_ranked_submission(tmp_path: Path) -> None:
    classes = ["w_1", "w_2", "w_3", "w_4"]
    root = _image_competition(tmp_path / "c", _ids(12), _names(12, classes), _ids(4, 50),
                              sample_value="w_1 w_2 w_3")
    with pytest.raises(LayoutError, match=r"ranked top-3 .*3 of them training classes"):
        detect(root, "ranked")


def test_target_columns_match_training_columns_ignoring_case(tmp_path: Path) -> None:
    root = tmp_path / "c"
    _csv(root / "train.csv", ["id", "f1", "target"], [[n, n * 0.5, n % 2] for n in range(20)])
    _csv(root / "test.csv", ["id", "f1"], [[n, n * 0.5] for n in range(20, 26)])
    _csv(root / "sample_submission.csv", ["ID", "Target"], [[n, 0] for n in range(20, 26)])
    spec = detect(root, "cased").spec
    assert spec.train.label_columns == ["target"]
    assert spec.train.id_column == "id"
    assert spec.submission.target_columns == ["Target"]
    assert spec.test.id_column == "id"
    assert spec.train.continuous_columns == ["f1"]


def _integer_target(root: Path, prices: list[int], sample: str) -> Path:
    _csv(root / "train.csv", ["Id", "rooms", "Price"],
         [[n, n % 4, price] for n, price in enumerate(prices)])
    _csv(root / "test.csv", ["Id", "rooms"], [[n, n % 4] for n in range(100, 106)])
    _csv(root / "sample_submission.csv", ["Id", "Price"], [[n, sample] for n in range(100, 106)])
    return root


def test_integer_targets_are_a_number_when_the_sample_shows_decimals(tmp_path: Path) -> None:
    prices = [100_000 + 1000 * (n % 3) for n in range(20)]  # three values only
    spec = detect(_integer_target(tmp_path / "c", prices, "180921.19"), "prices").spec
    assert spec.task is Task.TABULAR_REGRESSION
    assert spec.train.label_kind is LabelKind.VALUE
    assert spec.submission.kind is SubmissionKind.VALUE
    assert spec.metric.name == "rmse" and spec.metric.source is MetricSource.DEFAULT


def test_integer_targets_are_a_number_when_the_metric_scores_values(tmp_path: Path) -> None:
    prices = [n % 3 for n in range(20)]
    root = _integer_target(tmp_path / "c", prices, "0")
    spec = detect(root, "counts", kaggle_metric="Root Mean Squared Error").spec
    assert spec.train.label_kind is LabelKind.VALUE
    assert spec.metric.name == "rmse" and spec.metric.source is MetricSource.METADATA


def test_integer_targets_are_a_number_when_nearly_every_value_differs(tmp_path: Path) -> None:
    prices = [1000 + 37 * n for n in range(20)]
    spec = detect(_integer_target(tmp_path / "c", prices, "0"), "distinct").spec
    assert spec.train.label_kind is LabelKind.VALUE


def test_many_integer_codes_are_classes_when_the_metric_scores_labels(tmp_path: Path) -> None:
    codes = list(range(40)) * 2
    root = _integer_target(tmp_path / "c", codes, "0")
    spec = detect(root, "many-codes", kaggle_metric="Categorization Accuracy").spec
    assert spec.train.label_kind is LabelKind.CODE
    assert spec.classes == [str(n) for n in range(40)]
    assert spec.submission.kind is SubmissionKind.LABEL


@pytest.mark.parametrize(
    ("column", "is_group"),
    [("patient_id", True), ("PatientID", True), ("groupId", True), ("subject", True),
     ("spacegroup", False), ("study_date", False), ("group_score", False)],
)
def test_group_columns_are_named_as_groups_in_words_of_their_own(
    tmp_path: Path, column: str, is_group: bool
) -> None:
    root = tmp_path / "c"
    values = ["2019-01-01", "2019-01-02"] if column == "study_date" else ["7", "9"]
    _csv(root / "train.csv", ["id", column, "x", "y"],
         [[n, values[n % 2], n * 1.5, n % 2] for n in range(20)])
    _csv(root / "test.csv", ["id", column, "x"], [[n, "7", 1.0] for n in range(20, 24)])
    _csv(root / "sample_submission.csv", ["id", "y"], [[n, 0] for n in range(20, 24)])
    spec = detect(root, "groups").spec
    assert spec.train.group_column == (column if is_group else None)


def test_dicom_copies_beside_jpegs_that_labels_name_are_left_out(tmp_path: Path) -> None:
    root = _image_competition(tmp_path / "c", _ids(8), _names(8, ["a", "b"]), _ids(4, 50),
                              name="{}.jpg", train_dir="jpeg/train", test_dir="jpeg/test")
    for image_id in _ids(8) + _ids(4, 50):
        (root / "dicom").mkdir(exist_ok=True)
        (root / "dicom" / f"{image_id}.dcm").write_bytes(b"\0" * 128 + b"DICM")
    spec = detect(root, "dicom-and-jpeg").spec
    assert spec.train.file_pattern == "jpeg/train/{id}.jpg"
    assert spec.test.file_pattern == "jpeg/test/{id}.jpg"


def test_dicom_as_the_only_images_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for image_id in _ids(6):
        (root / "train").mkdir(parents=True, exist_ok=True)
        (root / "train" / f"{image_id}.dcm").write_bytes(b"\0" * 128 + b"DICM")
    _csv(root / "train.csv", ["id", "label"], [[i, n % 2] for n, i in enumerate(_ids(6))])
    _csv(root / "sample_submission.csv", ["id", "label"], [["x", 0]])
    with pytest.raises(LayoutError, match=r"found DICOM images \(train/img000.dcm"):
        detect(root, "dicom-only")


def test_class_folders_named_by_a_column_other_than_the_target(tmp_path: Path) -> None:
    """Hotel-id style: train_images/<chain>/<image>, the label is hotel_id."""
    root = tmp_path / "c"
    rows = []
    for n, image in enumerate(_ids(12)):
        chain, hotel = ("3", "h1") if n % 2 else ("8", "h2" if n % 4 else "h3")
        _image(root / "train_images" / chain / f"{image}.jpg", kind="JPEG")
        rows.append([f"{image}.jpg", chain, hotel])
    for image in _ids(3, 50):
        _image(root / "test_images" / f"{image}.jpg", kind="JPEG")
    _csv(root / "train.csv", ["image", "chain", "hotel_id"], rows)
    _csv(root / "sample_submission.csv", ["image", "hotel_id"],
         [[f"{i}.jpg", "h1"] for i in _ids(3, 50)])
    spec = detect(root, "chains").spec
    assert spec.train.file_pattern == "train_images/{chain}/{image}"
    assert spec.train.label_columns == ["hotel_id"]
    assert spec.classes == ["h1", "h2", "h3"]
    assert len(training_items(spec, root, tmp_path / "cache")) == 12


# ---------------------------------------------------------------------------------------
# Layouts none of the replicas shows
# ---------------------------------------------------------------------------------------


def test_ids_with_dots_that_carry_an_upper_case_extension(tmp_path: Path) -> None:
    ids = [f"cam{n % 2}.2020.{n:02d}.JPG" for n in range(10)]
    test = [f"cam9.2021.{n:02d}.JPG" for n in range(3)]
    root = _image_competition(tmp_path / "c", ids, _names(10, ["x", "y"]), test, name="{}",
                              header=("file", "kind"))
    spec = detect(root, "dotted").spec
    assert spec.train.file_pattern == "train/{file}"
    assert spec.test.file_pattern == "test/{file}"


def test_upper_case_extensions_are_appended_as_written(tmp_path: Path) -> None:
    root = _image_competition(tmp_path / "c", _ids(8), _names(8, ["x", "y"]), _ids(3, 20),
                              name="{}.TIF")
    spec = detect(root, "upper").spec
    assert spec.train.file_pattern == "train/{id}.TIF"
    items = training_items(spec, root, tmp_path / "cache")
    assert all(Path(file).is_file() for file in items[FILE])


@pytest.mark.parametrize("base", ["", "input"])
def test_a_column_of_paths_from_the_data_folder_or_a_folder_above(
    tmp_path: Path, base: str
) -> None:
    root = tmp_path / "c"
    paths = [f"images/train/{i}.jpg" for i in _ids(8)]
    for path in paths:
        _image(root / base / path, kind="JPEG")
    for image_id in _ids(3, 20):
        _image(root / base / "images" / "test" / f"{image_id}.jpg", kind="JPEG")
    _csv(root / "train.csv", ["path", "label"], [[p, "xy"[n % 2]] for n, p in enumerate(paths)])
    _csv(root / "sample_submission.csv", ["id", "label"], [[i, "x"] for i in _ids(3, 20)])
    spec = detect(root, "paths").spec
    prefix = f"{base}/" if base else ""
    assert spec.train.id_column == "path"
    assert spec.train.file_pattern == prefix + "{path}"
    assert spec.test.file_pattern == prefix + "images/test/{id}.jpg"
    items = training_items(spec, root, tmp_path / "cache")
    assert all(Path(file).is_file() for file in items[FILE])
    assert json.loads(inspect_folder(root, as_json=True, write=False))["warnings"] == []


def test_tables_and_images_in_a_sub_folder(tmp_path: Path) -> None:
    root = tmp_path / "c"
    _image_competition(root / "input" / "data", _ids(8), _names(8, ["x", "y"]), _ids(3, 20),
                       name="{}.jpeg", train_dir="imgs/tr", test_dir="imgs/te")
    spec = detect(root, "nested").spec
    assert spec.train.labels_file == "input/data/train.csv"
    assert spec.train.file_pattern == "input/data/imgs/tr/{id}.jpeg"
    assert spec.submission.file == "input/data/sample_submission.csv"
    assert spec.test.file_pattern == "input/data/imgs/te/{id}.jpeg"


def test_a_test_folder_with_another_name(tmp_path: Path) -> None:
    root = _image_competition(tmp_path / "c", _ids(8), _names(8, ["x", "y"]), _ids(3, 20),
                              test_dir="holdout")
    spec = detect(root, "holdout").spec
    assert spec.test.source is TestSource.SAMPLE_SUBMISSION
    assert spec.test.file_pattern == "holdout/{id}.png"


def test_test_images_that_the_sample_does_not_name_come_from_their_folder(
    tmp_path: Path
) -> None:
    root = tmp_path / "c"
    for n in range(8):
        _image(root / "train" / "ab"[n % 2] / f"{n}.png")
    for n in range(3):
        _image(root / "test_set" / f"img_{n}.png")
    _csv(root / "sample_submission.csv", ["id", "label"], [[n, "a"] for n in range(3)])
    spec = detect(root, "unnamed-test").spec
    assert spec.test.source is TestSource.FOLDER and spec.test.folder == "test_set"
    assert kk_items.test_items(spec, root, tmp_path / "cache")[ID].tolist() == [
        "img_0", "img_1", "img_2"]
    warnings = json.loads(inspect_folder(root, as_json=True, write=False))["warnings"]
    assert "3 of 3 ids of sample_submission.csv name no image in test_set/ (e.g. 0, 1, 2); " \
        "test items are named by their file names there" in warnings


def test_train_and_test_images_in_one_shared_folder(tmp_path: Path) -> None:
    root = _image_competition(tmp_path / "c", _ids(8), _names(8, ["x", "y"]), _ids(3, 20),
                              train_dir="all", test_dir="all")
    spec = detect(root, "shared").spec
    assert spec.train.file_pattern == spec.test.file_pattern == "all/{id}.png"
    assert detect(root, "shared").train_count == 8


def test_tags_separated_by_a_bar(tmp_path: Path) -> None:
    tags = ["sky|tree", "tree", "sky|water|tree", "water", "sky", "tree|water"] * 2
    root = _image_competition(tmp_path / "c", _ids(12), tags, _ids(3, 20), header=("id", "tags"),
                              sample_value="sky|tree")
    spec = detect(root, "bars").spec
    assert spec.task is Task.IMAGE_MULTILABEL
    assert spec.train.label_kind is LabelKind.TAGS
    assert spec.train.label_delimiter == spec.submission.delimiter == "|"
    assert spec.classes == ["sky", "tree", "water"]
    items = training_items(spec, root, tmp_path / "cache")
    assert items[LABEL].iat[2] == ["sky", "water", "tree"]


def test_na_is_a_class_and_zero_padded_ids_stay_text(tmp_path: Path) -> None:
    root = tmp_path / "c"
    labels = ["NA", "A", "B"]
    _csv(root / "train.csv", ["code", "size", "grade"],
         [[f"{n:05d}", n % 7, labels[n % 3]] for n in range(21)])
    _csv(root / "test.csv", ["code", "size"], [[f"{n:05d}", n % 7] for n in range(30, 34)])
    _csv(root / "sample_submission.csv", ["code", "grade"],
         [[f"{n:05d}", "NA"] for n in range(30, 34)])
    spec = detect(root, "na").spec
    assert spec.classes == ["A", "B", "NA"]
    assert kk_items.test_items(spec, root, tmp_path / "cache")[ID].tolist() == [
        "00030", "00031", "00032", "00033"]


def test_folder_per_class_with_integer_grades_under_kappa(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for n in range(12):
        _image(root / "train" / str(n % 3) / f"{n}.png")
    for n in range(3):
        _image(root / "test" / f"t{n}.png")
    _csv(root / "sample_submission.csv", ["id", "grade"], [[f"t{n}", 0] for n in range(3)])
    spec = detect(root, "grades", kaggle_metric="Quadratic Weighted Kappa").spec
    assert spec.train.layout is ItemLayout.FOLDER_PER_CLASS
    assert spec.train.label_kind is LabelKind.ORDINAL
    assert spec.classes == ["0", "1", "2"]
    assert spec.test.file_pattern == "test/{id}.png"


def test_folders_sharded_by_the_first_character_are_not_classes(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for name in [f"{shard:x}{n}" for shard in range(10) for n in range(2)]:
        _image(root / "train" / name[0] / f"{name}.png")
    _csv(root / "sample_submission.csv", ["id", "label"], [["9z9", 0]])
    with pytest.raises(LayoutError, match="found images but no labels"):
        detect(root, "shards")


def test_a_few_stray_images_beside_tables_leave_a_tabular_layout(tmp_path: Path) -> None:
    root = tmp_path / "c"
    _image(root / "figures" / "schema.png")
    _csv(root / "train.csv", ["id", "a", "y"], [[n, n * 0.1, "yes" if n % 2 else "no"]
                                                for n in range(10)])
    _csv(root / "test.csv", ["id", "a"], [[n, 0.5] for n in range(10, 13)])
    _csv(root / "sample_submission.csv", ["id", "y"], [[n, "no"] for n in range(10, 13)])
    spec = detect(root, "figure").spec
    assert spec.task is Task.TABULAR_CLASSIFICATION
    assert spec.classes == ["no", "yes"]


# ---------------------------------------------------------------------------------------
# Metric precedence and the submission kind
# ---------------------------------------------------------------------------------------


def test_the_competitions_metadata_comes_before_the_known_metric(built: dict[str, Path]) -> None:
    slug = "dogs-vs-cats-redux-kernels-edition"
    spec = detect(built[slug], slug, kaggle_metric="Categorization Accuracy").spec
    assert spec.metric.name == "accuracy" and spec.metric.source is MetricSource.METADATA
    assert spec.submission.kind is SubmissionKind.LABEL


def test_an_unsupported_metadata_metric_falls_back_to_the_known_one(
    built: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    slug = "histopathologic-cancer-detection"
    with caplog.at_level(logging.WARNING, logger="kagglekit"):
        spec = detect(built[slug], slug, kaggle_metric="MAP@5").spec
    assert spec.metric.name == "roc_auc" and spec.metric.source is MetricSource.KNOWN
    assert "'MAP@5' is not supported yet" in caplog.text


def test_without_a_metric_the_task_default_is_taken_with_a_notice(
    built: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="kagglekit"):
        spec = detect(built["aptos2019-blindness-detection"], "unknown-slug").spec
    assert spec.metric.name == "accuracy" and spec.metric.source is MetricSource.DEFAULT
    assert spec.train.label_kind is LabelKind.CODE  # not ordinal without kappa
    assert "using accuracy, the default for its task" in caplog.text


def test_an_auc_scored_sample_showing_zero_still_wants_probabilities(
    built: dict[str, Path]
) -> None:
    slug = "histopathologic-cancer-detection"
    spec = detect(built[slug], "some-other-name", kaggle_metric="AUC").spec
    assert spec.submission.kind is SubmissionKind.POSITIVE_PROBABILITY
    assert spec.positive_class == "1"


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is not a folder of competition files"):
        detect(tmp_path / "nowhere", "x")


def test_no_sample_submission_is_one_clear_error(tmp_path: Path) -> None:
    _csv(tmp_path / "train.csv", ["id", "y"], [[1, 0]])
    with pytest.raises(LayoutError, match=r"no sample submission found .* --spec FILE"):
        detect(tmp_path, "x")
