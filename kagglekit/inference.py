"""Batched predictions with an exported learner, and the confidence threshold.

Batch inference is one ``test_dl`` over all items and one ``get_preds`` (or ``tta``)
pass; ``learn.predict`` is for a single item and is never looped over here.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kagglekit.errors import DataError, UsageError
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

UNKNOWN = "unknown"


def predict_items(
    learn, items, tta: bool = False, batch_size: int | None = None, num_workers: int | None = None
) -> np.ndarray:
    """Probabilities (or regressed values) for many items in batched passes.

    ``items`` is a list of image files or, for tabular learners, a DataFrame.
    ``batch_size`` and ``num_workers`` default to the learner's validation loader's.
    """
    if isinstance(items, (str, bytes)) or not hasattr(items, "__len__"):
        raise UsageError("predict_items expects a list of items; for one item use learn.predict")
    kwargs: dict = {"bs": batch_size} if batch_size else {}
    if num_workers is not None:
        kwargs["num_workers"] = num_workers
    if isinstance(items, pd.DataFrame):
        items = fill_unseen_missing(learn, items)
    dl = learn.dls.test_dl(items, **kwargs)
    if tta:
        preds, _ = learn.tta(dl=dl)
    else:
        preds, _ = learn.get_preds(dl=dl)
    return preds.float().cpu().numpy()


def predict_test_images(learn, files: list[str], tta: bool = False,
                        batch_size: int | None = None) -> np.ndarray:
    """Outputs for every test image; missing or unreadable ones get the mean output.

    A submission needs a row for every id, so an image that cannot be read is not a
    reason to lose the others: it is listed, and its row gets the average prediction.
    """
    from kagglekit.datachecks import find_unreadable

    missing = {i for i, file in enumerate(files) if not os.path.exists(file)}
    if len(missing) == len(files):
        raise DataError(
            f"no test image exists among {counted(len(files), 'file')} (first: {files[0]}); "
            "check test.file_pattern in competition.yaml"
        )
    unusable = missing | set(find_unreadable(files, skip=missing, sample_only=False))
    bad = sorted(unusable)
    readable = [i for i in range(len(files)) if i not in unusable]
    outputs = predict_items(learn, [files[i] for i in readable], tta=tta, batch_size=batch_size)
    if not bad:
        return outputs
    shown = ", ".join(os.path.basename(files[i]) for i in bad[:5])
    logger.warning(
        "%s missing or unreadable (%s%s); their rows get the average prediction",
        counted(len(bad), "test image"), shown, ", ..." if len(bad) > 5 else "",
    )
    filled = np.empty((len(files), *outputs.shape[1:]), dtype=outputs.dtype)
    filled[readable] = outputs
    filled[bad] = outputs.mean(axis=0)
    return filled


def fill_unseen_missing(learn, table: pd.DataFrame) -> pd.DataFrame:
    """Fill gaps in numeric columns that had none in training, with the training mean.

    fastai fills missing values only in the columns where training had some; a gap
    elsewhere (Titanic's test set lacks one fare) would stop prediction.
    """
    procs = getattr(learn.dls, "procs", [])
    filled = {name for proc in procs for name in getattr(proc, "na_dict", {})}
    means = next((proc.means for proc in procs if hasattr(proc, "means")), {})
    gaps = {
        column: float(means[column])
        for column in means
        if column in table.columns and column not in filled and table[column].isna().any()
    }
    if not gaps:
        return table
    logger.info("filled missing values in %s with training means", ", ".join(gaps))
    return table.fillna(gaps)


def check_probabilities(probabilities: np.ndarray, single_label: bool) -> None:
    """Fail when outputs look like logits rather than probabilities."""
    low, high = float(probabilities.min()), float(probabilities.max())
    if low < -1e-4 or high > 1 + 1e-4:
        raise ValueError(
            f"model outputs look like logits (min {low:.2f}, max {high:.2f}); apply "
            "softmax or sigmoid, or use one of fastai's flattened losses"
        )
    if single_label and probabilities.ndim == 2:
        sums = probabilities.sum(axis=1)
        if not np.allclose(sums, 1, atol=1e-3):
            raise ValueError("single-label probabilities do not sum to 1 per item")


@dataclass
class Threshold:
    """A confidence threshold and how it was chosen."""

    value: float
    chosen_on_validation: bool
    accuracy_kept: float | None = None
    coverage: float | None = None


def choose_threshold(
    confidences: np.ndarray,
    correct: np.ndarray,
    threshold: float | str,
    target_accuracy: float,
) -> Threshold:
    """The threshold below which a prediction is called ``unknown``.

    ``threshold="auto"`` picks the lowest confidence at which the kept validation
    predictions reach ``target_accuracy``; a number is used as given.
    """
    if threshold != "auto":
        return Threshold(float(threshold), False)
    curve = coverage_curve(confidences, correct)
    reaching = curve[curve["accuracy"] >= target_accuracy]
    if reaching.empty:
        best = curve.iloc[-1]
        logger.warning(
            "no threshold reaches accuracy %.3f on validation; using the strictest (%.3f)",
            target_accuracy,
            best["threshold"],
        )
        return Threshold(float(best["threshold"]), True, best["accuracy"], best["coverage"])
    chosen = reaching.iloc[0]
    return Threshold(
        float(chosen["threshold"]), True, float(chosen["accuracy"]), float(chosen["coverage"])
    )


def coverage_curve(confidences: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """Accuracy of the predictions kept, and their share, at each possible threshold."""
    order = np.argsort(-confidences)
    sorted_conf = confidences[order]
    sorted_correct = correct[order].astype(float)
    kept = np.arange(1, len(order) + 1)
    curve = pd.DataFrame(
        {
            "threshold": sorted_conf,
            "coverage": kept / len(order),
            "accuracy": np.cumsum(sorted_correct) / kept,
        }
    )
    # Thresholds from low to high: the first one reaching a target keeps the most items.
    return curve.iloc[::-1].drop_duplicates("threshold").reset_index(drop=True)


def label_predictions(
    ids: list[str], probabilities: np.ndarray, vocab: list[str], threshold: float
) -> pd.DataFrame:
    """Top class, its confidence and whether it falls below the threshold, per item."""
    top = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    return pd.DataFrame(
        {
            "id": list(ids),
            "label": [vocab[i] for i in top],
            "confidence": confidence,
            UNKNOWN: confidence < threshold,
        }
    )


def warn_if_threshold_cannot_fire(threshold: float, class_count: int) -> None:
    """Warn when the threshold is at or below 1/classes: the top class always passes it."""
    if class_count and threshold <= 1 / class_count:
        logger.warning(
            "threshold %.3f is at or below 1/%d classes: no prediction can fall below it",
            threshold,
            class_count,
        )


def tune_label_thresholds(
    probabilities: np.ndarray, targets: np.ndarray, vocab: list[str], beta: float = 1.0
) -> pd.DataFrame:
    """Per-label thresholds that maximise each label's F-beta score on validation.

    A label never present in validation keeps the best shared threshold.
    """
    candidates = np.linspace(0.05, 0.95, 19)
    truth = targets.astype(bool)
    shared = max(candidates, key=lambda t: _f_beta(probabilities >= t, truth, beta))
    rows = []
    for label, column in enumerate(vocab):
        actual = truth[:, label]
        if not actual.any():
            best = shared
        else:
            best = max(
                candidates, key=lambda t: _f_beta(probabilities[:, label] >= t, actual, beta)
            )
        score = _f_beta(probabilities[:, label] >= best, actual, beta)
        rows.append({"label": column, "threshold": float(best), "f_score": score})
    return pd.DataFrame(rows)


def _f_beta(predicted: np.ndarray, actual: np.ndarray, beta: float) -> float:
    true_pos = float((predicted & actual).sum())
    false_pos = float((predicted & ~actual).sum())
    false_neg = float((~predicted & actual).sum())
    weight = beta * beta
    denominator = (1 + weight) * true_pos + weight * false_neg + false_pos
    return (1 + weight) * true_pos / denominator if denominator else 0.0
