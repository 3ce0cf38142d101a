"""Competition metrics against hand-computed values, scikit-learn and a fastai Learner."""

from __future__ import annotations

import logging
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

from kagglekit import metrics
from kagglekit.metrics import compute


def _reference_qwk(rater_a: list[int], rater_b: list[int]) -> float:
    """Kaggle's reference quadratic weighted kappa (ratings span min..max of both raters)."""
    low, high = min(rater_a + rater_b), max(rater_a + rater_b)
    size = high - low + 1
    observed = np.zeros((size, size))
    for a, b in zip(rater_a, rater_b):
        observed[a - low, b - low] += 1
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(rater_a)
    weights = np.subtract.outer(np.arange(size), np.arange(size)) ** 2 / (size - 1) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


# ---------------------------------------------------------------------------------------
# The metric table
# ---------------------------------------------------------------------------------------


def test_metric_table_is_consistent() -> None:
    for name, info in metrics.METRICS.items():
        assert info.name == name
        assert info.needs in ("labels", "probabilities", "values")
        assert info.title
    assert metrics.needs_probabilities("log_loss")
    assert metrics.needs_probabilities("roc_auc")
    assert not metrics.needs_probabilities("accuracy")
    assert not metrics.needs_probabilities("rmse")
    lower = {name for name, info in metrics.METRICS.items() if not info.higher_is_better}
    assert lower == {"log_loss", "rmse", "rmsle", "mae"}


def test_unknown_metric_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown metric 'map5'.*accuracy"):
        compute("map5", [1], [1])
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.needs_probabilities("top1_error")


def test_importing_metrics_loads_no_heavy_library() -> None:
    code = (
        "import sys, kagglekit.metrics\n"
        "heavy = [m for m in ('numpy', 'pandas', 'sklearn', 'torch', 'fastai') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


# Facts from competitions.json: the metric each competition is scored by.
KNOWN = {
    "aptos2019-blindness-detection": "quadratic_kappa",
    "diabetic-retinopathy-detection": "quadratic_kappa",
    "dog-breed-identification": "log_loss",
    "plant-seedlings-classification": "micro_f1",
    "histopathologic-cancer-detection": "roc_auc",
    "dogs-vs-cats-redux-kernels-edition": "log_loss",
    "leaf-classification": "log_loss",
    "paddy-disease-classification": "accuracy",
    "cassava-leaf-disease-classification": "accuracy",
    "planet-understanding-the-amazon-from-space": "mean_f2",
    "digit-recognizer": "accuracy",
    "titanic": "accuracy",
    "house-prices-advanced-regression-techniques": "rmsle",
    "tabular-playground-series-may-2022": "roc_auc",
    "jigsaw-toxic-comment-classification-challenge": "roc_auc",
    "playground-series-s3e18": "roc_auc",
    "nomad2018-predict-transparent-conductors": "rmsle",
    "new-york-city-taxi-fare-prediction": "rmse",
    "spooky-author-identification": "log_loss",
    "imet-2020-fgvc7": "micro_f1",
}
# Scored by metrics kagglekit does not compute: they must not be in the table.
NOT_KNOWN = [
    "alaska2-image-steganalysis",  # weighted AUC
    "whale-categorization-playground",  # MAP@5
    "hotel-id-2021-fgvc8",  # MAP@5
    "inaturalist-2019-fgvc6",  # top-1 error
    "rsna-breast-cancer-detection",  # probabilistic F1
    "tgs-salt-identification-challenge",  # mean AP over IoU thresholds
]


def test_known_metrics_of_well_known_competitions() -> None:
    for slug, name in KNOWN.items():
        assert metrics.KNOWN_METRICS[slug] == name, slug
    for slug in NOT_KNOWN:
        assert slug not in metrics.KNOWN_METRICS
    assert set(metrics.KNOWN_METRICS.values()) <= set(metrics.METRICS)


# ---------------------------------------------------------------------------------------
# Kaggle's metric names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kaggle", "name"),
    [
        ("Categorization Accuracy", "accuracy"),
        ("CategorizationAccuracy", "accuracy"),
        ("accuracy", "accuracy"),
        ("Multiclass Accuracy", "accuracy"),
        ("Quadratic Weighted Kappa", "quadratic_kappa"),
        ("QuadraticWeightedKappa", "quadratic_kappa"),
        ("  quadratic   weighted kappa ", "quadratic_kappa"),
        ("Multi Class Log Loss", "log_loss"),
        ("MulticlassLoss", "log_loss"),
        ("Log Loss", "log_loss"),
        ("LogLoss", "log_loss"),
        ("Binary Cross Entropy", "log_loss"),
        ("AUC", "roc_auc"),
        ("Area Under Receiver Operating Characteristic Curve", "roc_auc"),
        ("ROC-AUC", "roc_auc"),
        ("Mean Columnwise AUC", "roc_auc"),
        ("MeanFScoreBeta", "mean_f2"),
        ("Mean F2", "mean_f2"),
        ("F2 Score", "mean_f2"),
        ("F1 Score", "f1"),
        ("F1-Score", "f1"),
        ("FScore", "f1"),
        ("MacroF1", "macro_f1"),
        ("Macro F1 Score", "macro_f1"),
        ("F-Score (Macro)", "macro_f1"),
        ("MicroF1", "micro_f1"),
        ("Micro-averaged F1-Score", "micro_f1"),
        ("F1 Micro", "micro_f1"),
        ("RMSE", "rmse"),
        ("Root Mean Squared Error", "rmse"),
        ("Root Mean Square Error (RMSE)", "rmse"),
        ("MCRMSE", "rmse"),
        ("RMSLE", "rmsle"),
        ("Root Mean Squared Logarithmic Error", "rmsle"),
        ("MCRMSLE", "rmsle"),
        ("MAE", "mae"),
        ("Mean Absolute Error", "mae"),
        ("quadratic_kappa", "quadratic_kappa"),
        ("mean_f2", "mean_f2"),
    ],
)
def test_metric_from_kaggle(kaggle: str, name: str) -> None:
    assert metrics.metric_from_kaggle(kaggle) == name


@pytest.mark.parametrize(
    "kaggle",
    [
        "MAP@5", "Mean Average Precision @ 5", "Weighted AUC", "Weighted Mean Absolute Error",
        "Weighted Mean Absolute Error (MAE)", "MeanFScore", "Kappa", "Top-1 Error",
        "IntersectionOverUnion", "Dice", "", None, "something new",
    ],
)
def test_metric_from_kaggle_unknown_is_none(kaggle: str | None) -> None:
    assert metrics.metric_from_kaggle(kaggle) is None


# ---------------------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "n_classes", "kind", "name"),
    [
        ("image_classification", 5, "label", "accuracy"),
        ("image_classification", 120, "class_probabilities", "log_loss"),
        ("image_classification", 2, "positive_probability", "roc_auc"),
        ("image_classification", 4, "one_hot", "accuracy"),
        ("image_multilabel", 17, "tags", "mean_f2"),
        ("image_multilabel", 3474, "tags", "micro_f1"),
        ("image_multilabel", 6, "class_probabilities", "roc_auc"),
        ("image_multilabel", 6, "one_hot", "mean_f2"),
        ("image_regression", 0, "value", "rmse"),
        ("tabular_classification", 2, "label", "accuracy"),
        ("tabular_classification", 2, "positive_probability", "roc_auc"),
        ("tabular_classification", 3, "class_probabilities", "log_loss"),
        ("tabular_regression", 0, "value", "rmse"),
    ],
)
def test_default_metric(task: str, n_classes: int, kind: str, name: str) -> None:
    assert metrics.default_metric(task, n_classes, kind) == name


def test_default_metric_accepts_spec_enums_and_rejects_unknown_values() -> None:
    from kagglekit.spec import SubmissionKind, Task

    default = metrics.default_metric(Task.IMAGE_MULTILABEL, 17, SubmissionKind.TAGS)
    assert default == "mean_f2"
    with pytest.raises(ValueError, match="unknown task 'text'"):
        metrics.default_metric("text", 3, "label")
    with pytest.raises(ValueError, match="unknown submission kind 'ranked'"):
        metrics.default_metric("image_classification", 3, "ranked")


# ---------------------------------------------------------------------------------------
# Single-label classification
# ---------------------------------------------------------------------------------------


def test_accuracy_compares_labels_as_text() -> None:
    assert compute("accuracy", [1, 2, 3, 3], ["1", "2", "3", "1"]) == 0.75
    assert compute("accuracy", np.array([1.0, 2.0]), [1, 2]) == 1.0
    assert compute("accuracy", [True, False], ["True", "True"]) == 0.5


def test_accuracy_of_a_probability_matrix_takes_the_most_probable_class() -> None:
    probs = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]]
    score = compute("accuracy", ["ant", "cow", "ant"], probs, classes=["ant", "bee", "cow"])
    assert score == pytest.approx(2 / 3)


def test_accuracy_of_positive_probabilities_thresholds_at_one_half() -> None:
    score = compute("accuracy", ["cat", "dog", "dog"], [0.2, 0.9, 0.4], classes=["cat", "dog"])
    assert score == pytest.approx(2 / 3)


def test_label_metrics_reject_unknown_classes_and_bad_shapes() -> None:
    with pytest.raises(ValueError, match="not among the classes: 'fox'"):
        compute("accuracy", ["cat", "fox"], ["cat", "cat"], classes=["cat", "dog"])
    with pytest.raises(ValueError, match="3 probability columns but there are 2 classes"):
        compute("accuracy", ["a", "b"], [[1, 0, 0], [0, 1, 0]], classes=["a", "b"])
    with pytest.raises(ValueError, match="y_true has 2 rows, y_pred 3"):
        compute("accuracy", [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        compute("accuracy", [1.0, float("nan")], [1, 2])


def test_quadratic_kappa_of_a_hand_computed_pair() -> None:
    # Grades 0..4, w = (i-j)^2/16: observed disagreement 2/16, expected 80/80 -> 1 - 0.125.
    assert compute("quadratic_kappa", [0, 1, 2, 4, 3], [0, 2, 2, 3, 3]) == pytest.approx(0.875)
    sk = skm.cohen_kappa_score([0, 1, 2, 4, 3], [0, 2, 2, 3, 3], weights="quadratic")
    assert sk == pytest.approx(0.875)


def test_quadratic_kappa_weighs_by_grade_distance_like_kaggle() -> None:
    # Grade 2 never occurs: the distance from 1 to 3 is still 2, not 1.
    truth, pred = [0, 1, 3, 3, 1, 0, 4], [0, 3, 3, 1, 1, 0, 3]
    expected = _reference_qwk(truth, pred)
    assert compute("quadratic_kappa", truth, pred) == pytest.approx(expected)
    assert skm.cohen_kappa_score(truth, pred, weights="quadratic") != pytest.approx(expected)
    as_text = compute("quadratic_kappa", [str(t) for t in truth], np.array(pred, dtype=float))
    assert as_text == pytest.approx(expected)


def test_quadratic_kappa_of_probabilities_uses_the_argmax_grade() -> None:
    probs = np.eye(5)[[0, 2, 2, 3, 3]] * 0.6 + 0.08
    score = compute("quadratic_kappa", [0, 1, 2, 4, 3], probs, classes=["0", "1", "2", "3", "4"])
    assert score == pytest.approx(0.875)


def test_quadratic_kappa_of_named_grades_follows_the_class_order() -> None:
    order = ["none", "mild", "severe"]
    truth, pred = ["none", "mild", "severe", "severe"], ["mild", "mild", "none", "severe"]
    codes = {name: i for i, name in enumerate(order)}
    expected = _reference_qwk([codes[t] for t in truth], [codes[p] for p in pred])
    assert compute("quadratic_kappa", truth, pred, classes=order) == pytest.approx(expected)
    with pytest.raises(ValueError, match="integer grades, or classes in grade order"):
        compute("quadratic_kappa", truth, pred)


def test_binary_log_loss_by_hand() -> None:
    expected = -(math.log(0.8) + math.log(0.7) + math.log(0.9)) / 3
    assert compute("log_loss", [0, 1, 1], [0.2, 0.7, 0.9]) == pytest.approx(expected)
    assert skm.log_loss([0, 1, 1], [0.2, 0.7, 0.9]) == pytest.approx(expected)
    two_columns = [[0.8, 0.2], [0.3, 0.7], [0.1, 0.9]]
    assert compute("log_loss", [0, 1, 1], two_columns) == pytest.approx(expected)


def test_log_loss_clips_like_kaggle() -> None:
    # A confident wrong answer costs -log(1e-15), not infinity nor -log(2.2e-16).
    score = compute("log_loss", ["a", "b"], [[1.0, 0.0], [1.0, 0.0]], classes=["a", "b"])
    assert score == pytest.approx(-math.log(1e-15) / 2, rel=1e-6)
    assert compute("log_loss", [1], [1.0], classes=["0", "1"]) == pytest.approx(1e-15, abs=1e-14)


def test_log_loss_renormalises_rows() -> None:
    score = compute("log_loss", ["a", "b"], [[2, 2], [1, 3]], classes=["a", "b"])
    assert score == pytest.approx(-(math.log(0.5) + math.log(0.75)) / 2)


def test_multiclass_log_loss_matches_sklearn_with_columns_in_class_order() -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=30)
    truth = rng.choice(["husky", "pug", "black-and-tan_coonhound", "akita"], size=30)
    classes = ["akita", "black-and-tan_coonhound", "husky", "pug"]
    expected = skm.log_loss(truth, probs, labels=classes)
    assert compute("log_loss", truth, probs, classes=classes) == pytest.approx(expected)
    onehot = (truth[:, None] == np.array(classes)).astype(int)
    assert compute("log_loss", onehot, probs) == pytest.approx(expected)


def test_log_loss_rejects_wrong_inputs() -> None:
    with pytest.raises(ValueError, match=r"expected \(2, 3\)"):
        compute("log_loss", ["a", "b"], [[0.5, 0.5], [0.5, 0.5]], classes=["a", "b", "c"])
    with pytest.raises(ValueError, match="negative"):
        compute("log_loss", [0, 1], [-0.1, 0.5])
    with pytest.raises(ValueError, match="exactly one 1 per row"):
        compute("log_loss", [[1, 1], [0, 1]], [[0.5, 0.5], [0.5, 0.5]])


def test_binary_roc_auc_by_hand_and_sklearn() -> None:
    # Positives score 0.8, 0.4; negatives 0.1, 0.5: three of four pairs in order.
    assert compute("roc_auc", [0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5]) == 0.75
    assert skm.roc_auc_score([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.5]) == 0.75
    matrix = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]
    assert compute("roc_auc", ["cat", "dog", "dog", "cat"], matrix, ["cat", "dog"]) == 0.75
    assert compute("roc_auc", ["cat", "dog", "dog", "cat"], [0.1, 0.8, 0.4, 0.5]) == 0.75


def test_roc_auc_takes_any_real_scores() -> None:
    assert compute("roc_auc", [False, True, True], [-3.0, 7.5, 0.2]) == 1.0


def test_roc_auc_of_a_single_class_is_an_error() -> None:
    with pytest.raises(ValueError, match="single class"):
        compute("roc_auc", [1, 1, 1], [0.2, 0.4, 0.9])
    with pytest.raises(ValueError, match="all positive or all negative"):
        compute("roc_auc", [1, 1], [0.2, 0.4], classes=["0", "1"])


def test_multiclass_roc_auc_is_one_vs_rest_macro() -> None:
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(3), size=40)
    truth = rng.choice(["x", "y", "z"], size=40)
    expected = skm.roc_auc_score(truth, probs, multi_class="ovr", labels=["x", "y", "z"])
    assert compute("roc_auc", truth, probs, classes=["x", "y", "z"]) == pytest.approx(expected)


def test_roc_auc_is_the_mean_over_target_columns() -> None:
    truth = [[1, 0], [0, 1], [1, 1], [0, 0]]
    scores = [[0.9, 0.2], [0.1, 0.8], [0.6, 0.15], [0.4, 0.1]]
    # Column 1 is perfect; column 2 orders 3 of its 4 pairs: (1 + 0.75) / 2.
    assert compute("roc_auc", truth, scores) == pytest.approx(0.875)
    with pytest.raises(ValueError, match="column 'EC2' is all positive"):
        compute("roc_auc", [[1, 1], [0, 1]], [[0.9, 0.2], [0.1, 0.8]], classes=["EC1", "EC2"])


def test_f1_of_two_classes_is_the_positive_class_f1() -> None:
    truth, pred = ["no", "yes", "yes", "no", "yes"], ["yes", "yes", "no", "no", "yes"]
    expected = skm.f1_score(truth, pred, pos_label="yes")
    assert expected == pytest.approx(2 / 3)
    assert compute("f1", truth, pred) == pytest.approx(expected)


def test_micro_and_macro_f1_of_single_labels() -> None:
    truth = ["a", "b", "c", "a", "b", "c", "a"]
    pred = ["a", "b", "b", "a", "c", "c", "b"]
    assert compute("micro_f1", truth, pred) == pytest.approx(4 / 7)
    assert compute("micro_f1", truth, pred) == compute("accuracy", truth, pred)
    expected = skm.f1_score(truth, pred, average="macro")
    assert compute("macro_f1", truth, pred) == pytest.approx(expected)
    # Per class F1: a 0.8, b 0.4, c 0.5.
    assert expected == pytest.approx((0.8 + 0.4 + 0.5) / 3)


# ---------------------------------------------------------------------------------------
# Multi-label classification
# ---------------------------------------------------------------------------------------

TRUTH_TAGS = [[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 1, 0]]
PRED_TAGS = [[1, 1, 0, 0], [0, 1, 1, 1], [0, 0, 0, 0]]


def test_mean_f2_by_hand() -> None:
    # Row 1: tp 1, fp 1, fn 1 -> 5/(5+4+1) = 0.5. Row 2: tp 1, fp 2 -> 5/7. Row 3: 0.
    expected = (0.5 + 5 / 7 + 0.0) / 3
    assert compute("mean_f2", TRUTH_TAGS, PRED_TAGS) == pytest.approx(expected)
    sk = skm.fbeta_score(TRUTH_TAGS, PRED_TAGS, beta=2, average="samples", zero_division=1)
    assert sk == pytest.approx(expected)


def test_mean_f2_of_an_empty_row_predicted_empty_is_one() -> None:
    assert compute("mean_f2", [[0, 0], [1, 0]], [[0, 0], [1, 0]]) == 1.0


def test_mean_f2_needs_a_thresholded_matrix() -> None:
    with pytest.raises(ValueError, match="threshold probabilities first"):
        compute("mean_f2", TRUTH_TAGS, np.full((3, 4), 0.4))
    with pytest.raises(ValueError, match="tags_to_matrix"):
        compute("mean_f2", ["a b", "a"], ["a", "a"])


def test_multilabel_f1_scores_match_sklearn() -> None:
    micro = skm.f1_score(TRUTH_TAGS, PRED_TAGS, average="micro")
    macro = skm.f1_score(TRUTH_TAGS, PRED_TAGS, average="macro", zero_division=0)
    assert compute("micro_f1", TRUTH_TAGS, PRED_TAGS) == pytest.approx(micro)
    assert compute("macro_f1", TRUTH_TAGS, PRED_TAGS) == pytest.approx(macro)
    assert compute("f1", TRUTH_TAGS, PRED_TAGS) == pytest.approx(micro)
    # Micro F1: tp 2, fp 3, fn 4 -> 2 * 2 / (2 * 2 + 3 + 4).
    assert micro == pytest.approx(4 / 11)
    assert compute("accuracy", TRUTH_TAGS, [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]) == 2 / 3


def test_tags_to_matrix() -> None:
    matrix = metrics.tags_to_matrix(["haze primary", "", "clear primary water"],
                                    ["clear", "haze", "primary", "water"])
    assert matrix.tolist() == [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 1]]
    with pytest.raises(ValueError, match="row 0: tag 'fog'"):
        metrics.tags_to_matrix(["fog"], ["clear"])


# ---------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------


def test_rmse_and_mae_by_hand() -> None:
    assert compute("rmse", [1, 2, 3, 4], [1, 2, 3, 8]) == pytest.approx(2.0)
    assert compute("mae", [1, 2, 3, 4], [1, 2, 3, 8]) == pytest.approx(1.0)
    # Column-wise: RMSE 2 and 0 -> mean 1 (MCRMSE), not the pooled sqrt(2).
    truth = [[1, 5], [2, 5], [3, 5], [4, 5]]
    pred = [[1, 5], [2, 5], [3, 5], [8, 5]]
    assert compute("rmse", truth, pred) == pytest.approx(1.0)
    assert compute("mae", truth, pred) == pytest.approx(0.5)


def test_rmsle_by_hand() -> None:
    e = math.e
    # log1p(e - 1) = 1: log errors 1 and 0 -> sqrt(1/2).
    assert compute("rmsle", [0, e - 1], [e - 1, e - 1]) == pytest.approx(math.sqrt(0.5))
    sk = math.sqrt(skm.mean_squared_log_error([0, e - 1], [e - 1, e - 1]))
    assert sk == pytest.approx(math.sqrt(0.5))
    truth = [[0, e**2 - 1], [e - 1, 0]]
    pred = [[e - 1, e**2 - 1], [e - 1, 0]]
    assert compute("rmsle", truth, pred) == pytest.approx(math.sqrt(0.5) / 2)


def test_regression_metrics_reject_bad_values() -> None:
    with pytest.raises(ValueError, match="above -1"):
        compute("rmsle", [1, 2], [1, -2])
    with pytest.raises(ValueError, match="NaN at row 1"):
        compute("rmse", [1, 2], [1, float("nan")])
    with pytest.raises(ValueError, match="shape"):
        compute("rmse", [[1, 2]], [1, 2])


def test_pandas_inputs() -> None:
    import pandas as pd

    frame = pd.DataFrame({"EC1": [0, 1, 1, 0], "EC2": [1, 0, 1, 0]})
    scores = pd.DataFrame({"EC1": [0.1, 0.9, 0.8, 0.3], "EC2": [0.7, 0.2, 0.9, 0.1]})
    assert compute("roc_auc", frame, scores) == 1.0
    assert compute("rmse", pd.Series([1.0, 2.0]), pd.Series([1.0, 4.0])) == pytest.approx(
        math.sqrt(2)
    )


# ---------------------------------------------------------------------------------------
# fastai: the competition's metric on validation, each epoch
# ---------------------------------------------------------------------------------------


def _image_frame(root: Path, labels: list[str], per_label: int, valid: int):
    """Coloured 16 px squares, one colour per label (or tag), in a flat folder."""
    import pandas as pd
    from PIL import Image

    rng = np.random.default_rng(0)
    palette = {"0": (220, 40, 40), "1": (40, 200, 40), "2": (40, 40, 220),
               "cat": (230, 200, 40), "dog": (60, 60, 60), "red": (255, 0, 0),
               "green": (0, 255, 0), "blue": (0, 0, 255)}
    rows = []
    for label in labels:
        tags = label.split()
        colour = np.mean([palette[tag] for tag in tags], axis=0)
        for k in range(per_label):
            pixels = np.clip(colour + rng.normal(0, 12, (16, 16, 3)), 0, 255).astype(np.uint8)
            name = f"{'_'.join(tags)}_{k}.png"
            Image.fromarray(pixels).save(root / name)
            rows.append({"file": name, "label": label, "is_valid": k < valid})
    return pd.DataFrame(rows)


def _fit_vision(frame, root: Path, metric_name: str, task: str, multilabel: bool = False):
    from fastai.vision.all import ImageDataLoaders, Resize, resnet18, vision_learner

    dls = ImageDataLoaders.from_df(
        frame, root, fn_col="file", label_col="label", valid_col="is_valid",
        label_delim=" " if multilabel else None, item_tfms=Resize(16), bs=4, num_workers=0,
    )
    metric = metrics.fastai_metric(metric_name, task, dls.vocab)
    learn = vision_learner(dls, resnet18, pretrained=False, metrics=metric)
    learn.fit(1, 1e-3)
    return learn


def test_fastai_metric_kappa_on_a_vision_learner(tmp_path: Path) -> None:
    from fastai.vision.all import load_learner

    frame = _image_frame(tmp_path, ["0", "1", "2"], per_label=6, valid=2)
    frame["label"] = frame["label"].astype(int)
    learn = _fit_vision(frame, tmp_path, "quadratic_kappa", "image_classification")

    # The epoch line carries the metric, and it is the metric of the validation outputs.
    assert learn.recorder.metric_names[-2] == "quadratic_kappa"
    epoch_value = learn.recorder.values[-1][-1]
    probs, targs = learn.get_preds()
    vocab = [str(v) for v in learn.dls.vocab]
    truth = np.asarray(vocab)[targs.numpy()]
    expected = compute("quadratic_kappa", truth, probs.numpy(), vocab)
    assert epoch_value == pytest.approx(expected)
    sk = skm.cohen_kappa_score(targs.numpy(), probs.numpy().argmax(1), weights="quadratic",
                               labels=[0, 1, 2])
    assert expected == pytest.approx(sk)

    # An exported learner with this metric loads in another process's way (pickle).
    learn.export(tmp_path / "model.pkl")
    loaded = load_learner(tmp_path / "model.pkl")
    assert loaded.metrics[0].name == "quadratic_kappa"


def test_fastai_metric_binary_roc_auc(tmp_path: Path) -> None:
    frame = _image_frame(tmp_path, ["cat", "dog"], per_label=6, valid=3)
    learn = _fit_vision(frame, tmp_path, "roc_auc", "image_classification")
    probs, targs = learn.get_preds()
    expected = skm.roc_auc_score(targs.numpy(), probs.numpy()[:, 1])
    assert learn.validate()[1] == pytest.approx(expected)
    assert learn.recorder.values[-1][-1] == pytest.approx(expected)


def test_fastai_metric_mean_f2_on_a_multilabel_learner(
    tmp_path: Path
) -> None:
    frame = _image_frame(tmp_path, ["red", "green", "red blue", "blue green"], 4, valid=1)
    learn = _fit_vision(frame, tmp_path, "mean_f2", "image_multilabel", multilabel=True)
    probs, targs = learn.get_preds()
    # zero_division=1: a row with no true and no predicted tag scores 1, as in mean_f2.
    expected = skm.fbeta_score(targs.numpy(), (probs.numpy() >= 0.5).astype(int), beta=2,
                               average="samples", zero_division=1)
    assert learn.recorder.values[-1][-1] == pytest.approx(expected)


def test_fastai_metric_rmse_on_a_tabular_regression_learner() -> None:
    import pandas as pd
    from fastai.tabular.all import Normalize, TabularDataLoaders, tabular_learner

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    frame["y"] = 2 * frame["a"] - frame["b"] + rng.normal(0, 0.1, size=60)
    dls = TabularDataLoaders.from_df(
        frame, cont_names=["a", "b"], y_names="y", procs=[Normalize], bs=16,
        valid_idx=list(range(45, 60)), num_workers=0,
    )
    learn = tabular_learner(
        dls, layers=[8], metrics=metrics.fastai_metric("rmse", "tabular_regression")
    )
    learn.fit(1, 1e-2)
    preds, targs = learn.get_preds()
    expected = math.sqrt(float(((preds.numpy() - targs.numpy()) ** 2).mean()))
    assert learn.recorder.values[-1][-1] == pytest.approx(expected, rel=1e-5)


def test_fastai_metric_gives_nan_and_a_warning_when_undefined(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import torch

    metric = metrics.fastai_metric("roc_auc", "image_classification", ["cat", "dog"])
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8]])
    with caplog.at_level(logging.WARNING, logger="kagglekit.metrics"):
        value = metric(probs, torch.tensor([1, 1]))
    assert math.isnan(value)
    assert "roc_auc could not be computed" in caplog.text
    assert metric(probs, torch.tensor([0, 1])) == 1.0


def test_fastai_metric_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.fastai_metric("map5", "image_classification")
    with pytest.raises(ValueError, match="unknown task"):
        metrics.fastai_metric("accuracy", "audio_classification")
