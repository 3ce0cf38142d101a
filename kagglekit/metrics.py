"""Competition metrics: the scores Kaggle computes, and how kagglekit calls them.

Every metric is computed by ``compute(name, y_true, y_pred, classes)``. Its arguments
follow one set of conventions:

- Single-label classification: ``y_true`` holds one class per row (names, integer codes or
  booleans; they are compared as text, so ``3``, ``3.0`` and ``"3"`` are one class).
  ``y_pred`` holds either predicted classes, or an ``(n, n_classes)`` probability matrix
  whose columns follow ``classes``; label metrics take the most probable class of a row.
- Binary classification: ``y_pred`` may also be a 1-D array of the positive class's
  probability. The positive class is ``classes[1]``; without ``classes`` it is the larger
  of the two labels of ``y_true`` (``1`` of 0/1, ``True`` of booleans, ``dog`` of cat/dog).
- Multi-label classification: ``y_true`` is an ``(n, k)`` 0/1 matrix (``tags_to_matrix``
  makes one from space-separated tags); ``y_pred`` is a 0/1 matrix for the F-scores and
  accuracy, or a probability matrix for ROC AUC.
- Regression: numbers, 1-D or ``(n, k)`` for several targets; RMSE and RMSLE of several
  targets are the mean of the per-column scores (Kaggle's MCRMSE / MCRMSLE).

Log loss divides each row of probabilities by its sum, then clips them to
``[1e-15, 1 - 1e-15]``, as Kaggle does. Invalid input (NaN, unknown classes, mismatched
lengths, a ROC AUC column with one class only) raises ``ValueError`` naming the problem.

numpy, pandas, scikit-learn and fastai are imported inside the functions that need them,
so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

Needs = Literal["labels", "probabilities", "values"]

LOG_LOSS_EPS = 1e-15


@dataclass(frozen=True)
class MetricInfo:
    """What a metric is called, which way is better, and what predictions it scores."""

    name: str
    higher_is_better: bool
    needs: Needs
    title: str


METRICS: dict[str, MetricInfo] = {
    info.name: info
    for info in (
        MetricInfo("accuracy", True, "labels", "Accuracy"),
        MetricInfo("quadratic_kappa", True, "labels", "Quadratic weighted kappa"),
        MetricInfo("log_loss", False, "probabilities", "Log loss"),
        MetricInfo("roc_auc", True, "probabilities", "ROC AUC"),
        MetricInfo("f1", True, "labels", "F1 score"),
        MetricInfo("micro_f1", True, "labels", "Micro-averaged F1"),
        MetricInfo("macro_f1", True, "labels", "Macro-averaged F1"),
        MetricInfo("mean_f2", True, "labels", "Mean F2 over samples"),
        MetricInfo("rmse", False, "values", "Root mean squared error"),
        MetricInfo("rmsle", False, "values", "Root mean squared logarithmic error"),
        MetricInfo("mae", False, "values", "Mean absolute error"),
    )
}

# The metric of well-known competitions whose metric kagglekit computes. A default only:
# the competition's own metadata and the user's competition.yaml come first.
KNOWN_METRICS: dict[str, str] = {
    "aptos2019-blindness-detection": "quadratic_kappa",
    "diabetic-retinopathy-detection": "quadratic_kappa",
    "dog-breed-identification": "log_loss",
    "plant-seedlings-classification": "micro_f1",
    "histopathologic-cancer-detection": "roc_auc",
    "dogs-vs-cats-redux-kernels-edition": "log_loss",
    "leaf-classification": "log_loss",
    "paddy-disease-classification": "accuracy",
    "cassava-leaf-disease-classification": "accuracy",
    "siim-isic-melanoma-classification": "roc_auc",
    "planet-understanding-the-amazon-from-space": "mean_f2",
    "human-protein-atlas-image-classification": "macro_f1",
    "iwildcam-2019-fgvc6": "macro_f1",
    "iwildcam-2020-fgvc7": "accuracy",
    "herbarium-2020-fgvc7": "macro_f1",
    "herbarium-2021-fgvc8": "macro_f1",
    "herbarium-2022-fgvc9": "macro_f1",
    "statoil-iceberg-classifier-challenge": "log_loss",
    "digit-recognizer": "accuracy",
    "titanic": "accuracy",
    # Scored as RMSE between log(prediction) and log(price); at house prices (all above
    # 30,000) RMSLE's log1p changes each log error by less than 4e-5.
    "house-prices-advanced-regression-techniques": "rmsle",
    "tabular-playground-series-may-2022": "roc_auc",
    "jigsaw-toxic-comment-classification-challenge": "roc_auc",
    "denoising-dirty-documents": "rmse",
    "imet-2020-fgvc7": "micro_f1",
    "cdiscount-image-classification-challenge": "accuracy",
    "seti-breakthrough-listen": "roc_auc",
    "playground-series-s3e18": "roc_auc",
    "nomad2018-predict-transparent-conductors": "rmsle",
    "new-york-city-taxi-fare-prediction": "rmse",
    "spooky-author-identification": "log_loss",
    "detecting-insults-in-social-commentary": "roc_auc",
    "random-acts-of-pizza": "roc_auc",
    "tensorflow-speech-recognition-challenge": "accuracy",
    "the-icml-2013-whale-challenge-right-whale-redux": "roc_auc",
    "ml2021spring-hw2": "accuracy",
}

# Kaggle's evaluationMetric strings, lower-cased with everything but letters and digits
# removed. Metrics that only look alike (weighted AUC, MAP@K, per-sample mean F1, plain
# kappa, error rates) are left out on purpose: None is better than a wrong score.
_KAGGLE_NAMES: dict[str, tuple[str, ...]] = {
    "accuracy": (
        "accuracy", "categorizationaccuracy", "classificationaccuracy",
        "multiclassaccuracy", "binaryaccuracy", "accuracyscore", "meanaccuracy",
        "top1accuracy",
    ),
    "quadratic_kappa": (
        "quadraticweightedkappa", "quadratickappa", "qwk", "weightedkappaquadratic",
        "cohenskappaquadratic", "quadraticweightedcohenskappa", "kappaquadratic",
    ),
    "log_loss": (
        "logloss", "multiclassloss", "multiclasslogloss", "multiclasslogarithmicloss",
        "logarithmicloss", "binarylogloss", "binarylogarithmicloss", "crossentropy",
        "binarycrossentropy", "categoricalcrossentropy", "multiclasscrossentropy",
        "mlogloss", "negativeloglikelihood",
    ),
    "roc_auc": (
        "auc", "rocauc", "aucroc", "auroc", "areaunderroccurve", "areaundertheroccurve",
        "areaunderreceiveroperatingcharacteristiccurve",
        "areaunderthereceiveroperatingcharacteristiccurve", "meancolumnwiseauc",
        "meancolumnwiserocauc", "columnwiseauc", "meanrocauc", "meanauc",
    ),
    "f1": ("f1", "f1score", "fscore", "f1measure", "fmeasure", "binaryf1"),
    "micro_f1": (
        "microf1", "f1micro", "microf1score", "microaveragedf1", "microaveragedf1score",
        "microfscore", "fscoremicro", "microaveragef1", "f1scoremicro",
    ),
    "macro_f1": (
        "macrof1", "f1macro", "macrof1score", "macroaveragedf1", "macroaveragedf1score",
        "macrofscore", "fscoremacro", "macroaveragef1", "f1scoremacro",
    ),
    "mean_f2": (
        "meanfscorebeta", "meanf2", "meanf2score", "f2", "f2score", "meanfbeta",
        "fbeta", "fbetascore", "meanfbetascore", "samplef2", "meansamplef2",
    ),
    "rmse": (
        "rmse", "rootmeansquarederror", "rootmeansquareerror", "mcrmse",
        "meancolumnwiserootmeansquarederror", "columnwisermse",
        "meancolumnwisermse",
    ),
    "rmsle": (
        "rmsle", "rootmeansquaredlogarithmicerror", "rootmeansquaredlogerror",
        "rootmeansquarelogarithmicerror", "rootmeansquarelogerror", "mcrmsle",
        "meancolumnwisermsle", "meancolumnwiserootmeansquaredlogarithmicerror",
        "columnwisermsle",
    ),
    "mae": ("mae", "meanabsoluteerror", "meancolumnwisemae", "meancolumnwiseabsoluteerror"),
}

_FROM_KAGGLE: dict[str, str] = {
    alias: name for name, aliases in _KAGGLE_NAMES.items() for alias in aliases
}
for _info in METRICS.values():
    _FROM_KAGGLE.setdefault(re.sub(r"[^a-z0-9]", "", _info.name), _info.name)
    _FROM_KAGGLE.setdefault(re.sub(r"[^a-z0-9]", "", _info.title.lower()), _info.name)

_TASKS = {
    "image_classification", "image_multilabel", "image_regression",
    "tabular_classification", "tabular_regression",
}
_SUBMISSION_KINDS = {
    "label", "positive_probability", "class_probabilities", "one_hot", "tags", "value",
}
# Above this many labels a multi-label default is micro F1 (per-label counts are tiny).
_MANY_LABELS = 30


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def metric_info(name: str) -> MetricInfo:
    """The description of a metric; an unknown name raises ValueError listing the known."""
    try:
        return METRICS[name]
    except KeyError:
        known = ", ".join(METRICS)
        raise ValueError(f"unknown metric {name!r}: use one of {known}") from None


def needs_probabilities(name: str) -> bool:
    """Whether the metric scores probabilities rather than labels or values."""
    return metric_info(name).needs == "probabilities"


def compute(name: str, y_true: Any, y_pred: Any, classes: Sequence[Any] | None = None) -> float:
    """The metric ``name`` of predictions against the truth (conventions: module docstring)."""
    metric_info(name)
    return float(_SCORERS[name](y_true, y_pred, classes))


def metric_from_kaggle(evaluation_metric: str | None) -> str | None:
    """The metric name for a Kaggle ``evaluationMetric`` string, None when not supported."""
    if not evaluation_metric:
        return None
    text = evaluation_metric.lower().strip()
    for candidate in (text, re.sub(r"\([^)]*\)", "", text)):
        key = re.sub(r"[^a-z0-9]", "", candidate)
        if key in _FROM_KAGGLE:
            return _FROM_KAGGLE[key]
    return None


def default_metric(task: str, n_classes: int, submission_kind: str) -> str:
    """A sensible metric for a task whose competition names none kagglekit computes.

    Regression: RMSE. Multi-label: ROC AUC for probability columns, else mean F2 (micro
    F1 above 30 labels). Single-label: accuracy for labels, log loss for one probability
    column per class, ROC AUC for the positive class's probability.
    """
    task, submission_kind = str(task), str(submission_kind)
    if task not in _TASKS:
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(sorted(_TASKS))}")
    if submission_kind not in _SUBMISSION_KINDS:
        kinds = ", ".join(sorted(_SUBMISSION_KINDS))
        raise ValueError(f"unknown submission kind {submission_kind!r}: use one of {kinds}")

    if task.endswith("_regression") or submission_kind == "value":
        return "rmse"
    if task == "image_multilabel":
        if submission_kind in ("class_probabilities", "positive_probability"):
            return "roc_auc"
        return "micro_f1" if n_classes > _MANY_LABELS else "mean_f2"
    if submission_kind == "positive_probability":
        return "roc_auc"
    if submission_kind == "class_probabilities":
        return "log_loss"
    if submission_kind == "tags":
        return "micro_f1" if n_classes > _MANY_LABELS else "mean_f2"
    return "accuracy"


def tags_to_matrix(
    tags: Sequence[str], classes: Sequence[str], delimiter: str = " "
) -> np.ndarray:
    """An ``(n, len(classes))`` 0/1 matrix from delimiter-separated tag strings."""
    import numpy as np

    index = {str(name): column for column, name in enumerate(classes)}
    matrix = np.zeros((len(tags), len(index)), dtype=np.int64)
    for row, text in enumerate(tags):
        for tag in _split_tags(text, delimiter):
            if tag not in index:
                raise ValueError(f"row {row}: tag {tag!r} is not one of the classes")
            matrix[row, index[tag]] = 1
    return matrix


def fastai_metric(
    name: str, task: str, classes: Sequence[Any] | None = None, threshold: float = 0.5
) -> Any:
    """A fastai metric that reports the competition's metric on validation each epoch.

    ``classes`` are the model's output classes in output order (``dls.vocab``); without
    them single-label outputs are named by their index. Single-label outputs pass through
    softmax, multi-label ones through sigmoid (and ``threshold`` for the label metrics),
    regression outputs unchanged. A validation set the metric cannot score (one class
    only, say) gives NaN and a warning rather than stopping training.
    """
    from fastai.metrics import AccumMetric, ActivationType

    metric_info(name)
    task = str(task)
    if task not in _TASKS:
        raise ValueError(f"unknown task {task!r}: use one of {', '.join(sorted(_TASKS))}")

    if task.endswith("_regression"):
        activation, dim = ActivationType.No, None
    elif task == "image_multilabel":
        activation, dim = ActivationType.Sigmoid, None
    else:
        activation, dim = ActivationType.Softmax, -1
    names = None if classes is None else [_label_text(label) for label in classes]
    return AccumMetric(
        _score_outputs, dim_argmax=dim, activation=activation, to_np=True, flatten=False,
        name=name, metric=name, task=task, classes=names, threshold=threshold,
    )


def _score_outputs(
    preds: np.ndarray, targs: np.ndarray, metric: str, task: str,
    classes: list[str] | None, threshold: float,
) -> float:
    """Score one validation pass of activated model outputs (used by ``fastai_metric``)."""
    import numpy as np

    preds = np.asarray(preds, dtype=np.float64)
    if task.endswith("_regression"):
        y_true, y_pred, names = np.asarray(targs, dtype=np.float64), preds, None
    elif task == "image_multilabel":
        y_true, names = np.asarray(targs).astype(np.int64), classes
        y_pred = preds if needs_probabilities(metric) else (preds >= threshold).astype(np.int64)
    else:
        names = classes if classes is not None else [str(i) for i in range(preds.shape[-1])]
        y_true = np.asarray(names, dtype=object)[np.asarray(targs).reshape(-1).astype(int)]
        y_pred = preds
    try:
        return compute(metric, y_true, y_pred, names)
    except ValueError as err:
        logger.warning("%s could not be computed on the validation set: %s", metric, err)
        return float("nan")


# ---------------------------------------------------------------------------------------
# Classification metrics
# ---------------------------------------------------------------------------------------


def _accuracy(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    if _is_multilabel(y_true):
        truth, pred = _indicator_pair(y_true, y_pred, "accuracy")
        return float((truth == pred).all(axis=1).mean())
    truth, pred = _label_pair(y_true, y_pred, classes)
    return float((truth == pred).mean())


def _quadratic_kappa(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    from sklearn.metrics import cohen_kappa_score

    if _is_multilabel(y_true):
        raise ValueError("quadratic_kappa needs one grade per row, not a multi-label matrix")
    truth, pred = _label_pair(y_true, y_pred, classes)
    levels = _ordinal_levels(truth, pred, classes)
    return float(cohen_kappa_score(truth, pred, labels=levels, weights="quadratic"))


def _f1(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    from sklearn.metrics import f1_score

    if _is_multilabel(y_true):
        return _micro_f1(y_true, y_pred, classes)
    truth, pred = _label_pair(y_true, y_pred, classes)
    names = _class_names(classes, truth)
    if len(names) != 2:
        return float((truth == pred).mean())
    return float(f1_score(truth == names[1], pred == names[1], zero_division=0))


def _micro_f1(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    from sklearn.metrics import f1_score

    if _is_multilabel(y_true):
        truth, pred = _indicator_pair(y_true, y_pred, "micro_f1")
        return float(f1_score(truth, pred, average="micro", zero_division=0))
    truth, pred = _label_pair(y_true, y_pred, classes)
    return float((truth == pred).mean())


def _macro_f1(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    from sklearn.metrics import f1_score

    if _is_multilabel(y_true):
        truth, pred = _indicator_pair(y_true, y_pred, "macro_f1")
    else:
        truth, pred = _label_pair(y_true, y_pred, classes)
    return float(f1_score(truth, pred, average="macro", zero_division=0))


def _mean_f2(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    """F-beta (beta=2) of each row's label set, averaged over rows (Kaggle's planet score).

    A row with no true and no predicted label scores 1.
    """
    import numpy as np

    if not _is_multilabel(y_true):
        raise ValueError("mean_f2 needs (n, k) 0/1 matrices: use tags_to_matrix for tags")
    truth, pred = _indicator_pair(y_true, y_pred, "mean_f2")
    true_pos = (truth & pred).sum(axis=1)
    false_pos = (~truth & pred).sum(axis=1)
    false_neg = (truth & ~pred).sum(axis=1)
    denominator = 5 * true_pos + 4 * false_neg + false_pos
    scores = np.where(denominator == 0, 1.0, 5 * true_pos / np.maximum(denominator, 1))
    return float(scores.mean())


def _log_loss(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    import numpy as np

    truth = _array(y_true)
    if truth.ndim == 2 and truth.shape[1] > 1:
        onehot = _one_hot_targets(truth)
    else:
        labels = _labels(truth)
        names = _class_names(classes, labels)
        onehot = _encode(labels, names)
    probs = _row_normalised(_probability_matrix(y_pred, onehot.shape[1], len(onehot)))
    probs = np.clip(probs, LOG_LOSS_EPS, 1 - LOG_LOSS_EPS)
    return float(-np.mean(np.sum(onehot * np.log(probs), axis=1)))


def _roc_auc(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    from sklearn.metrics import roc_auc_score

    truth = _array(y_true)
    if truth.ndim == 2 and truth.shape[1] > 1:
        return _mean_column_auc(truth, y_pred, classes)

    # One class per row: binary, or one-vs-rest averaged over classes.
    labels = _labels(truth)
    names = _class_names(classes, labels)
    _check_known(labels, names, "y_true")
    if len(names) < 2:
        raise ValueError("roc_auc is undefined: y_true holds a single class")
    if len(names) == 2:
        positive = labels == names[1]
        _check_both_classes(positive, f"class {names[1]!r}")
        scores = _positive_scores(y_pred, len(labels))
        return float(roc_auc_score(positive, scores))
    probs = _row_normalised(_probability_matrix(y_pred, len(names), len(labels)))
    codes = _encode(labels, names).argmax(axis=1)
    return float(roc_auc_score(codes, probs, multi_class="ovr", labels=range(len(names))))


def _mean_column_auc(truth: np.ndarray, y_pred: Any, classes: Sequence[Any] | None) -> float:
    import numpy as np
    from sklearn.metrics import roc_auc_score

    truth = _binary_matrix(truth, "y_true")
    scores = _float_array(y_pred, "y_pred")
    if scores.shape != truth.shape:
        raise ValueError(f"y_pred has shape {scores.shape}, y_true {truth.shape}")
    names = list(classes) if classes is not None else list(range(truth.shape[1]))
    for column, name in enumerate(names):
        _check_both_classes(truth[:, column], f"column {name!r}")
    return float(np.mean([roc_auc_score(truth[:, i], scores[:, i]) for i in range(len(names))]))


# ---------------------------------------------------------------------------------------
# Regression metrics
# ---------------------------------------------------------------------------------------


def _rmse(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    import numpy as np

    truth, pred = _value_pair(y_true, y_pred)
    return float(np.mean(np.sqrt(np.mean((truth - pred) ** 2, axis=0))))


def _rmsle(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    import numpy as np

    truth, pred = _value_pair(y_true, y_pred)
    for what, values in (("y_true", truth), ("y_pred", pred)):
        if (values <= -1).any():
            raise ValueError(f"rmsle needs values above -1; {what} has {values.min():g}")
    return _rmse(np.log1p(truth), np.log1p(pred), None)


def _mae(y_true: Any, y_pred: Any, classes: Sequence[Any] | None) -> float:
    import numpy as np

    truth, pred = _value_pair(y_true, y_pred)
    return float(np.mean(np.abs(truth - pred)))


_SCORERS = {
    "accuracy": _accuracy,
    "quadratic_kappa": _quadratic_kappa,
    "log_loss": _log_loss,
    "roc_auc": _roc_auc,
    "f1": _f1,
    "micro_f1": _micro_f1,
    "macro_f1": _macro_f1,
    "mean_f2": _mean_f2,
    "rmse": _rmse,
    "rmsle": _rmsle,
    "mae": _mae,
}


# ---------------------------------------------------------------------------------------
# Array helpers
# ---------------------------------------------------------------------------------------


def _array(values: Any) -> np.ndarray:
    import numpy as np

    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    elif hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _float_array(values: Any, what: str) -> np.ndarray:
    import numpy as np

    try:
        array = _array(values).astype(np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must hold numbers: {err}") from err
    if np.isnan(array).any():
        raise ValueError(f"{what} contains NaN at row {int(np.argwhere(np.isnan(array))[0][0])}")
    return array


def _is_multilabel(y_true: Any) -> bool:
    array = _array(y_true)
    return array.ndim == 2 and array.shape[1] > 1


def _label_text(value: Any) -> str:
    """A label as text: integral floats lose their ``.0`` so 3, 3.0 and "3" agree."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _label_text(value.item())
    return str(value)


def _labels(values: Any) -> np.ndarray:
    """One label per row, as text."""
    import numpy as np

    array = _array(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"expected one label per row, got an array of shape {array.shape}")
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"labels contain NaN at row {int(np.argmax(np.isnan(array)))}")
        if np.all(array == np.round(array)):
            array = array.astype(np.int64)
    if array.dtype.kind == "O":
        return np.array([_label_text(value) for value in array], dtype=object)
    return array.astype(str).astype(object)


def _label_pair(
    y_true: Any, y_pred: Any, classes: Sequence[Any] | None
) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted labels as text, checked against ``classes`` when given."""
    truth = _labels(y_true)
    pred = _predicted_labels(y_pred, classes, truth)
    if len(truth) != len(pred):
        raise ValueError(f"y_true has {len(truth)} rows, y_pred {len(pred)}")
    if classes is not None:
        names = _class_names(classes, truth)
        for what, labels in (("y_true", truth), ("y_pred", pred)):
            _check_known(labels, names, what)
    return truth, pred


def _predicted_labels(
    y_pred: Any, classes: Sequence[Any] | None, truth: np.ndarray
) -> np.ndarray:
    """Labels from labels, from a probability matrix, or from P(positive) of two classes."""
    import numpy as np

    array = _array(y_pred)
    if array.ndim == 2 and array.shape[1] > 1:
        names = _class_names(classes, truth)
        if len(names) != array.shape[1]:
            raise ValueError(
                f"y_pred has {array.shape[1]} probability columns but there are "
                f"{len(names)} classes: pass classes in column order"
            )
        best = _float_array(array, "y_pred").argmax(axis=1)
        labels: np.ndarray = np.asarray(names, dtype=object)[best]
        return labels
    flat = array.reshape(len(array)) if array.ndim == 2 else array
    if flat.dtype.kind == "f" and not np.isnan(flat).any() and (flat != np.round(flat)).any():
        names = _class_names(classes, truth)
        if len(names) != 2:
            raise ValueError("a 1-D array of probabilities needs exactly two classes")
        return np.where(flat >= 0.5, names[1], names[0]).astype(object)
    return _labels(flat)


def _class_names(classes: Sequence[Any] | None, labels: np.ndarray) -> list[str]:
    """``classes`` as text, or the labels' own classes in natural order."""
    if classes is not None:
        names = [_label_text(name) for name in classes]
        if len(set(names)) != len(names):
            raise ValueError("classes must not repeat a name")
        return names
    return _natural_order(set(labels))


def _natural_order(labels: set[str]) -> list[str]:
    """Integer-like labels in numeric order, others alphabetically."""
    if all(_is_integer_text(label) for label in labels):
        return sorted(labels, key=int)
    return sorted(labels)


def _is_integer_text(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", text) is not None


def _check_known(labels: np.ndarray, names: list[str], what: str) -> None:
    unknown = sorted(set(labels) - set(names))
    if unknown:
        shown = ", ".join(repr(label) for label in unknown[:5])
        raise ValueError(f"{what} has labels that are not among the classes: {shown}")


def _ordinal_levels(
    truth: np.ndarray, pred: np.ndarray, classes: Sequence[Any] | None
) -> list[str]:
    """The grades in order: every integer from the lowest to the highest, else ``classes``."""
    seen = set(truth) | set(pred)
    if classes is not None:
        seen |= {_label_text(name) for name in classes}
    if all(_is_integer_text(label) for label in seen):
        values = [int(label) for label in seen]
        return [str(value) for value in range(min(values), max(values) + 1)]
    if classes is None:
        raise ValueError("quadratic_kappa needs integer grades, or classes in grade order")
    return _class_names(classes, truth)


def _encode(labels: np.ndarray, names: list[str]) -> np.ndarray:
    """A one-hot matrix of labels over ``names``."""
    import numpy as np

    _check_known(labels, names, "y_true")
    index = {name: column for column, name in enumerate(names)}
    onehot = np.zeros((len(labels), len(names)))
    onehot[np.arange(len(labels)), [index[label] for label in labels]] = 1.0
    return onehot


def _one_hot_targets(truth: np.ndarray) -> np.ndarray:
    import numpy as np

    onehot = _binary_matrix(truth, "y_true").astype(np.float64)
    bad = np.flatnonzero(onehot.sum(axis=1) != 1)
    if len(bad):
        raise ValueError(f"one-hot y_true must hold exactly one 1 per row; row {bad[0]} does not")
    return onehot


def _probability_matrix(y_pred: Any, n_classes: int, n_rows: int) -> np.ndarray:
    """An ``(n, n_classes)`` matrix; a 1-D array of two classes is P(second class)."""
    import numpy as np

    probs = _float_array(y_pred, "y_pred")
    if probs.ndim == 1 and n_classes == 2:
        probs = np.column_stack([1 - probs, probs])
    if probs.shape != (n_rows, n_classes):
        raise ValueError(
            f"y_pred has shape {probs.shape}; expected ({n_rows}, {n_classes}), "
            "one probability column per class"
        )
    if (probs < 0).any():
        raise ValueError("probabilities must not be negative")
    return probs


def _row_normalised(probs: np.ndarray) -> np.ndarray:
    """Each row divided by its sum, as Kaggle rescales submitted probabilities."""
    import numpy as np

    sums = probs.sum(axis=1, keepdims=True)
    if (sums <= 0).any():
        raise ValueError(f"row {int(np.flatnonzero(sums <= 0)[0])} of y_pred sums to 0")
    normalised: np.ndarray = probs / sums
    return normalised


def _positive_scores(y_pred: Any, n_rows: int) -> np.ndarray:
    """The positive class's scores from a 1-D array or a two-column matrix."""
    scores = _float_array(y_pred, "y_pred")
    if scores.ndim == 2:
        if scores.shape[1] == 1:
            scores = scores[:, 0]
        elif scores.shape[1] == 2:
            scores = scores[:, 1]
        else:
            raise ValueError(f"y_pred has {scores.shape[1]} columns for two classes")
    if len(scores) != n_rows:
        raise ValueError(f"y_true has {n_rows} rows, y_pred {len(scores)}")
    return scores


def _check_both_classes(positive: np.ndarray, what: str) -> None:
    if positive.all() or not positive.any():
        raise ValueError(f"roc_auc is undefined: {what} is all positive or all negative")


def _binary_matrix(values: Any, what: str) -> np.ndarray:
    import numpy as np

    matrix = _float_array(values, what)
    if matrix.ndim != 2:
        raise ValueError(f"{what} must be an (n, k) matrix, got shape {matrix.shape}")
    if not np.isin(matrix, (0.0, 1.0)).all():
        raise ValueError(f"{what} must hold only 0 and 1; threshold probabilities first")
    return matrix.astype(bool)


def _indicator_pair(y_true: Any, y_pred: Any, metric: str) -> tuple[np.ndarray, np.ndarray]:
    truth = _binary_matrix(y_true, "y_true")
    pred = _binary_matrix(y_pred, "y_pred")
    if truth.shape != pred.shape:
        raise ValueError(f"{metric}: y_pred has shape {pred.shape}, y_true {truth.shape}")
    return truth, pred


def _value_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Truth and predictions as ``(n, k)`` float matrices of one shape."""
    truth = _float_array(y_true, "y_true")
    pred = _float_array(y_pred, "y_pred")
    truth = truth.reshape(len(truth), -1) if truth.ndim else truth.reshape(1, 1)
    pred = pred.reshape(len(pred), -1) if pred.ndim else pred.reshape(1, 1)
    if truth.shape != pred.shape:
        raise ValueError(f"y_pred has shape {pred.shape}, y_true {truth.shape}")
    if not len(truth):
        raise ValueError("no rows to score")
    return truth, pred


def _split_tags(text: Any, delimiter: str) -> list[str]:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    return [tag for tag in str(text).split(delimiter) if tag]
