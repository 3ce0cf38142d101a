"""Submissions: built in the sample's exact format, and checked before upload."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kagglekit.errors import SubmissionError
from kagglekit.spec import parse_spec
from kagglekit.submission import build_submission, validate_submission


def spec_for(kind, targets, classes, task="image_classification", positive=None, id_column="id"):
    return parse_spec({
        "slug": "c",
        "task": task,
        "train": {"layout": "folder_per_class", "folder": "train",
                  "label_kind": "value" if task.endswith("regression") else "name"},
        "test": {"source": "sample_submission", "id_column": id_column},
        "submission": {"file": "sample_submission.csv", "id_column": id_column,
                       "target_columns": targets, "kind": kind},
        "classes": classes,
        "positive_class": positive,
        "metric": {"name": "accuracy"},
    })


def sample_of(ids, columns, fill="0", id_column="id"):
    frame = pd.DataFrame({id_column: ids})
    for column in columns:
        frame[column] = fill
    return frame


def outputs_for(ids, probabilities, columns):
    frame = pd.DataFrame(probabilities, columns=columns)
    frame.insert(0, "id", ids)
    return frame


def test_labels_follow_the_samples_ids_order_and_exact_form():
    spec = spec_for("label", ["label"], ["cat", "dog"])
    sample = sample_of(["007", "10", "2"], ["label"])
    outputs = outputs_for(["2", "007", "10"], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], ["cat", "dog"])

    submission = build_submission(spec, sample, outputs)

    assert list(submission.columns) == ["id", "label"]
    assert submission["id"].tolist() == ["007", "10", "2"]
    assert submission["label"].tolist() == ["dog", "cat", "cat"]
    assert validate_submission(submission, sample, spec) == []


def test_class_probability_columns_are_matched_by_name_not_position():
    spec = spec_for("class_probabilities", ["zebra", "ant", "bee"], ["ant", "bee", "zebra"])
    sample = sample_of(["a", "b"], ["zebra", "ant", "bee"])
    outputs = outputs_for(["a", "b"], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], ["ant", "bee", "zebra"])

    submission = build_submission(spec, sample, outputs)

    assert submission.loc[0, "ant"] == pytest.approx(0.7)
    assert submission.loc[1, "zebra"] == pytest.approx(0.8)
    assert list(submission.columns) == ["id", "zebra", "ant", "bee"]


def test_a_class_the_model_never_learned_gets_zero():
    spec = spec_for("class_probabilities", ["ant", "bee", "yak"], ["ant", "bee", "yak"])
    sample = sample_of(["a"], ["ant", "bee", "yak"])
    outputs = outputs_for(["a"], [[0.4, 0.6]], ["ant", "bee"])

    submission = build_submission(spec, sample, outputs)

    assert submission.loc[0, "yak"] == 0


def test_the_positive_class_probability_is_written_even_when_the_sample_shows_zero():
    spec = spec_for("positive_probability", ["label"], ["0", "1"], positive="1")
    sample = sample_of([1, 2], ["label"], fill="0").astype(str)
    outputs = outputs_for(["1", "2"], [[0.3, 0.7], [0.9, 0.1]], ["0", "1"])

    submission = build_submission(spec, sample, outputs)

    assert submission["label"].tolist() == pytest.approx([0.7, 0.1])


def test_one_hot_marks_the_top_class_once_per_row():
    spec = spec_for("one_hot", ["a", "b", "c"], ["a", "b", "c"])
    sample = sample_of(["x", "y"], ["a", "b", "c"])
    outputs = outputs_for(["x", "y"], [[0.5, 0.5, 0.0], [0.1, 0.2, 0.7]], ["a", "b", "c"])

    submission = build_submission(spec, sample, outputs)

    assert submission[["a", "b", "c"]].to_numpy().tolist() == [[1, 0, 0], [0, 0, 1]]


def test_tags_use_per_label_thresholds_and_keep_the_top_label_of_an_empty_row():
    spec = spec_for("tags", ["tags"], ["clear", "haze", "water"], task="image_multilabel")
    sample = sample_of(["p1", "p2"], ["tags"])
    outputs = outputs_for(["p1", "p2"], [[0.9, 0.3, 0.25], [0.1, 0.2, 0.15]],
                          ["clear", "haze", "water"])

    submission = build_submission(spec, sample, outputs, thresholds={"water": 0.2})

    assert submission["tags"].tolist() == ["clear water", "haze"]


def test_regression_values_fill_the_target_columns():
    spec = spec_for("value", ["SalePrice"], [], task="tabular_regression", id_column="Id")
    sample = sample_of(["1461", "1462"], ["SalePrice"], id_column="Id")
    outputs = outputs_for(["1462", "1461"], [[200000.0], [150000.5]], ["SalePrice"])

    submission = build_submission(spec, sample, outputs)

    assert submission["SalePrice"].tolist() == [150000.5, 200000.0]


def test_unknown_is_never_written_unless_it_is_a_class():
    sample = sample_of(["1"], ["label"])
    outputs = outputs_for(["1"], [[0.2, 0.3, 0.5]], ["cat", "dog", "unknown"])

    with pytest.raises(SubmissionError, match="classes that competition.yaml does not list"):
        build_submission(spec_for("label", ["label"], ["cat", "dog"]), sample, outputs)
    with_unknown = spec_for("label", ["label"], ["cat", "dog", "unknown"])
    assert build_submission(with_unknown, sample, outputs)["label"].tolist() == ["unknown"]


def test_predictions_for_classes_renamed_in_the_spec_are_refused():
    spec = spec_for("label", ["label"], ["0", "1", "nine"])
    sample = sample_of(["a"], ["label"])
    outputs = outputs_for(["a"], [[0.1, 0.1, 0.8]], ["0", "1", "9"])

    with pytest.raises(SubmissionError, match=r"does not list \(9\)"):
        build_submission(spec, sample, outputs)


def test_missing_predictions_are_refused_naming_the_ids():
    spec = spec_for("label", ["label"], ["cat", "dog"])
    sample = sample_of(["1", "2", "3"], ["label"])
    outputs = outputs_for(["1"], [[0.5, 0.5]], ["cat", "dog"])

    with pytest.raises(SubmissionError, match="lack 2 of the sample's ids \\(2, 3\\)"):
        build_submission(spec, sample, outputs)


# Titanic's sample has 418 rows of PassengerId,Survived.
def titanic():
    spec = spec_for("label", ["Survived"], ["0", "1"], task="tabular_classification",
                    id_column="PassengerId")
    ids = [str(892 + i) for i in range(418)]
    sample = sample_of(ids, ["Survived"], id_column="PassengerId")
    good = sample.copy()
    good["Survived"] = ["1" if i % 3 else "0" for i in range(418)]
    return spec, sample, good


def test_a_valid_titanic_submission_passes():
    spec, sample, good = titanic()
    assert validate_submission(good, sample, spec) == []


def test_a_wrong_header_is_reported():
    spec, sample, good = titanic()
    problems = validate_submission(good.set_axis(["Id", "Prediction"], axis=1), sample, spec)
    assert problems == ["header is Id,Prediction; expected PassengerId,Survived"]


def test_a_missing_row_is_reported():
    spec, sample, good = titanic()
    problems = validate_submission(good.iloc[:417], sample, spec)
    assert "417 rows; expected 418" in problems
    assert "1 id of the sample missing: 1309" in problems


def test_a_duplicated_and_a_foreign_id_are_reported_with_their_lines():
    spec, sample, good = titanic()
    bad = good.copy()
    bad.loc[5, "PassengerId"] = "892"
    bad.loc[9, "PassengerId"] = "5000"

    problems = validate_submission(bad, sample, spec)

    assert "duplicate ids on lines 7: 892" in problems
    assert "ids not in the sample on lines 11: 5000" in problems
    assert any(p.startswith("2 ids of the sample missing") for p in problems)


def test_a_nan_is_reported_with_its_line():
    spec, sample, good = titanic()
    bad = good.copy()
    bad.loc[3, "Survived"] = np.nan

    assert validate_submission(bad, sample, spec) == ["Survived: empty or NaN on lines 5"]


def test_a_label_outside_the_classes_is_reported():
    spec, sample, good = titanic()
    bad = good.copy()
    bad.loc[0, "Survived"] = "yes"

    problems = validate_submission(bad, sample, spec)

    assert problems == ["Survived: labels not among the classes on lines 2 (yes)"]


def test_probabilities_outside_zero_and_one_are_reported():
    spec = spec_for("positive_probability", ["label"], ["0", "1"], positive="1")
    sample = sample_of(["a", "b"], ["label"])
    bad = pd.DataFrame({"id": ["a", "b"], "label": [0.5, 1.5]})

    assert validate_submission(bad, sample, spec) == [
        "label: not a probability in [0, 1] on lines 3"
    ]


def test_a_million_rows_are_built_and_checked_in_the_samples_order():
    ids = [str(i) for i in range(1_000_000)]
    spec = spec_for("positive_probability", ["target"], ["0", "1"], positive="1")
    sample = sample_of(ids, ["target"])
    probabilities = np.random.default_rng(0).random(1_000_000)
    outputs = outputs_for(ids[::-1], np.c_[1 - probabilities, probabilities], ["0", "1"])

    submission = build_submission(spec, sample, outputs)
    problems = validate_submission(submission, sample, spec)

    assert problems == []
    assert submission["target"].iloc[-1] == pytest.approx(probabilities[0])
