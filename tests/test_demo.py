"""The demo competition: real digits in Kaggle's layout, detected like any competition."""

from __future__ import annotations

import pandas as pd
from PIL import Image

from kagglekit.demo import build_demo
from kagglekit.detection import detect
from kagglekit.spec import ItemLayout, LabelKind, SubmissionKind, Task, TestSource


def test_the_demo_holds_every_digit_once_split_by_class(tmp_path):
    build_demo(tmp_path / "data", tmp_path / "answers" / "solution.csv")

    train = pd.read_csv(tmp_path / "data" / "train.csv")
    sample = pd.read_csv(tmp_path / "data" / "sample_submission.csv")
    solution = pd.read_csv(tmp_path / "answers" / "solution.csv")

    assert list(train.columns) == ["id", "label"]
    assert list(sample.columns) == ["id", "label"]
    assert len(train) + len(sample) == 1797
    assert set(train["id"]).isdisjoint(sample["id"])
    assert sample["id"].tolist() == solution["id"].tolist()
    # Stratified: every digit keeps its share in the test set (about 20 %).
    shares = solution["label"].value_counts() / train["label"].value_counts()
    assert shares.between(0.2, 0.3).all()
    assert len(list((tmp_path / "data" / "train").glob("*.png"))) == len(train)
    assert len(list((tmp_path / "data" / "test").glob("*.png"))) == len(sample)
    assert not list((tmp_path / "data").rglob("solution*"))


def test_the_demo_images_are_the_real_scans(tmp_path):
    from sklearn.datasets import load_digits

    build_demo(tmp_path / "data", tmp_path / "solution.csv")
    digits = load_digits()

    image = Image.open(tmp_path / "data" / "train" / f"{_first_train_id(tmp_path)}.png")
    pixels = list(image.getdata())
    expected = [round(v * 255 / 16) for v in digits.images[_first_train_id(tmp_path) - 1].ravel()]

    assert image.size == (8, 8)
    assert pixels == expected


def _first_train_id(tmp_path) -> int:
    return int(pd.read_csv(tmp_path / "data" / "train.csv")["id"].iloc[0])


def test_the_detector_reads_the_demo_as_a_csv_of_ids_with_flat_folders(tmp_path):
    build_demo(tmp_path / "data", tmp_path / "solution.csv")

    detection = detect(tmp_path / "data", slug="demo", kaggle_metric="accuracy")
    spec = detection.spec

    assert spec.task is Task.IMAGE_CLASSIFICATION
    assert spec.train.layout is ItemLayout.CSV_IDS
    assert spec.train.labels_file == "train.csv"
    assert spec.train.file_pattern == "train/{id}.png"
    assert spec.train.label_kind is LabelKind.CODE
    assert spec.test.source is TestSource.SAMPLE_SUBMISSION
    assert spec.test.file_pattern == "test/{id}.png"
    assert spec.submission.kind is SubmissionKind.LABEL
    assert spec.classes == [str(d) for d in range(10)]
    assert spec.metric.name == "accuracy"
    assert detection.train_count == 1437
    assert detection.test_count == 360
