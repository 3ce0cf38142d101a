"""The competition's metric on model outputs, and the score of a trivial baseline."""

from __future__ import annotations

import logging

import numpy as np

from kagglekit import metrics
from kagglekit.spec import CompetitionSpec

MULTILABEL_THRESHOLD = 0.5

logger = logging.getLogger(__name__)


def score_outputs(
    spec: CompetitionSpec,
    outputs: np.ndarray,
    targets: np.ndarray,
    vocab: list[str],
    threshold: float = MULTILABEL_THRESHOLD,
) -> float:
    """The spec's metric for model outputs (probabilities or values) against targets.

    Single-label targets are vocab indices; multi-label targets are 0/1 rows in vocab
    order; regression targets are values.
    """
    try:
        return _score(spec, outputs, targets, vocab, threshold)
    except ValueError as err:  # e.g. AUC of a label that validation never shows
        logger.warning("%s cannot be computed on this validation set: %s", spec.metric.name, err)
        return float("nan")


def _score(spec, outputs, targets, vocab, threshold) -> float:
    name = spec.metric.name
    needs = metrics.METRICS[name].needs
    if spec.task.is_regression:
        return metrics.compute(name, _squeezed(targets), _squeezed(outputs))
    if spec.multilabel:
        predicted = outputs if needs == "probabilities" else (outputs >= threshold).astype(int)
        return metrics.compute(name, np.asarray(targets).astype(int), predicted, classes=vocab)
    truth = np.array(vocab, dtype=object)[np.asarray(targets).reshape(-1).astype(int)]
    if needs == "probabilities":
        return metrics.compute(name, truth, outputs, classes=vocab)
    predicted = np.array(vocab, dtype=object)[outputs.argmax(axis=1)]
    return metrics.compute(name, truth, predicted, classes=vocab)


def baseline_outputs(
    spec: CompetitionSpec, train_targets: np.ndarray, count: int, vocab: list[str]
) -> np.ndarray:
    """What a model that ignores its input would output: the training prior, or the mean."""
    train_targets = np.asarray(train_targets)
    if spec.task.is_regression:
        mean = train_targets.astype(float).mean(axis=0)
        return np.tile(mean, (count, 1)) if mean.ndim else np.full(count, mean)
    if spec.multilabel:
        prior = train_targets.astype(float).mean(axis=0)
    else:
        codes = train_targets.reshape(-1).astype(int)
        prior = np.bincount(codes, minlength=len(vocab)) / len(codes)
    return np.tile(prior, (count, 1))


def _squeezed(values) -> np.ndarray:
    """Values as a 1-D array when there is one target, else as rows of targets."""
    array = np.asarray(values, dtype=float)
    if array.ndim > 1 and array.shape[1] == 1:
        return array[:, 0]
    return array


def f_beta_of(spec: CompetitionSpec) -> float:
    """The beta of the competition's F-score (2 for F2 metrics, else 1)."""
    return 2.0 if "f2" in spec.metric.name.lower() else 1.0


def describe_against_baseline(spec: CompetitionSpec, score: float, baseline: float) -> str:
    """One line with the validation score beside the baseline's, and a warning if no better."""
    what = "mean-value" if spec.task.is_regression else "majority-class"
    line = f"{spec.metric.name} on validation: {score:.4f}  ({what} baseline: {baseline:.4f})"
    better = score > baseline if spec.metric.higher_is_better else score < baseline
    if not better:
        line += (f"\nwarning: the model does not beat the {what} baseline; "
                 "look at 02_error_analysis")
    return line
