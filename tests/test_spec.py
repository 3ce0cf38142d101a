"""The competition spec: validation names the wrong field; YAML round-trips."""

from __future__ import annotations

import pytest
import yaml

from kagglekit.errors import SpecError
from kagglekit.spec import CompetitionSpec, ItemLayout, Task, load_spec, parse_spec, save_spec


def demo_like() -> dict:
    return {
        "slug": "digits",
        "task": "image_classification",
        "train": {
            "layout": "csv_ids",
            "labels_file": "train.csv",
            "id_column": "id",
            "file_pattern": "train/{id}.png",
            "label_columns": ["label"],
            "label_kind": "code",
        },
        "test": {
            "source": "sample_submission",
            "id_column": "id",
            "file_pattern": "test/{id}.png",
        },
        "submission": {
            "file": "sample_submission.csv",
            "id_column": "id",
            "target_columns": ["label"],
            "kind": "label",
        },
        "classes": ["0", "1"],
        "metric": {"name": "accuracy"},
    }


def test_a_valid_spec_round_trips_through_yaml(tmp_path):
    spec = parse_spec(demo_like())
    save_spec(spec, tmp_path / "competition.yaml")

    again = load_spec(tmp_path / "competition.yaml")

    assert again == spec
    assert again.task is Task.IMAGE_CLASSIFICATION
    assert again.train.layout is ItemLayout.CSV_IDS


def test_the_yaml_leaves_out_unset_fields(tmp_path):
    text = parse_spec(demo_like()).to_yaml()

    assert "null" not in text
    assert "group_column" not in text


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["train"].update(label_kind="colour"),
         "train.label_kind: 'colour' is not one of"),
        (lambda d: d["train"].update(lable_columns=["x"]), "train.lable_columns: unknown field"),
        (lambda d: d["submission"].pop("id_column"), "submission.id_column: required field"),
        (lambda d: d["train"].pop("file_pattern"),
         "file_pattern is required when layout is csv_ids"),
        (lambda d: d["train"].update(file_pattern="train/x.png"), "needs a column in braces"),
        (lambda d: d.update(classes=[]), "classes must list the class names"),
        (lambda d: d.update(version=2), "version: version 2 is not one this kagglekit reads"),
        (lambda d: d.update(positive_class="7"), "positive_class '7' is not one of classes"),
        (lambda d: d["train"].update(group_pattern="(unclosed"), "not a valid regular expression"),
    ],
)
def test_a_wrong_field_is_named(tmp_path, change, named):
    data = demo_like()
    change(data)
    path = tmp_path / "competition.yaml"
    path.write_text(yaml.safe_dump(data))

    with pytest.raises(SpecError) as raised:
        load_spec(path)

    assert named in str(raised.value)
    assert str(raised.value).startswith(str(path))
    assert "\n" not in str(raised.value)


def test_a_spec_that_is_not_yaml_is_reported_in_one_line(tmp_path):
    path = tmp_path / "competition.yaml"
    path.write_text("slug: [unclosed\n")

    with pytest.raises(SpecError, match="is not valid YAML"):
        load_spec(path)


def test_a_field_given_twice_is_refused_with_its_line(tmp_path):
    path = tmp_path / "competition.yaml"
    path.write_text(yaml.safe_dump(demo_like()) + "task: image_regression\n")

    with pytest.raises(SpecError, match=r"key 'task' appears twice \(again on line \d+\)"):
        load_spec(path)


def test_a_missing_spec_says_how_to_make_one(tmp_path):
    with pytest.raises(SpecError, match="kagglekit inspect --write"):
        load_spec(tmp_path / "competition.yaml")


def test_regression_needs_no_classes():
    data = demo_like()
    data.update(task="image_regression", classes=[])
    data["train"]["label_kind"] = "value"

    assert isinstance(parse_spec(data), CompetitionSpec)
