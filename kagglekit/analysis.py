"""Error analysis: confusion, top losses, per-class scores, mislabels, reliability.

Functions take plain numpy outputs (probabilities and targets from ``get_preds``) so
they work the same for every learner; plotting functions draw on a new matplotlib
figure and leave saving to the caller.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kagglekit.items import FILE, LABEL
from kagglekit.learner import vocab_of
from kagglekit.spec import CompetitionSpec

ANNOTATE_UP_TO = 20  # classes up to which confusion cells show their counts


def plot_confusion_matrix(targets: np.ndarray, predicted: np.ndarray, vocab: list[str]):
    """A confusion matrix that stays readable from 2 to hundreds of classes."""
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    n = len(vocab)
    matrix = confusion_matrix(targets, predicted, labels=list(range(n)))
    side = min(24, max(5, 0.28 * n + 3))
    figure, axes = plt.subplots(figsize=(side, side))
    axes.imshow(matrix, cmap="Blues")
    font = max(4, min(10, 220 // max(n, 1)))
    axes.set_xticks(range(n), vocab, rotation=90, fontsize=font)
    axes.set_yticks(range(n), vocab, fontsize=font)
    axes.set_xlabel("predicted")
    axes.set_ylabel("actual")
    if n <= ANNOTATE_UP_TO:
        peak = matrix.max() or 1
        for row in range(n):
            for column in range(n):
                colour = "white" if matrix[row, column] > peak / 2 else "black"
                axes.text(column, row, matrix[row, column], ha="center", va="center",
                          color=colour, fontsize=font)
    axes.set_title("confusion matrix (validation)")
    return figure


def plot_one_per_class(items: pd.DataFrame, limit: int = 30):
    """One training image of every class (up to ``limit`` classes), titled with its class."""
    import matplotlib.pyplot as plt
    from PIL import Image

    firsts = items.groupby(items[LABEL].astype(str), sort=True).head(1).head(limit)
    columns = min(6, len(firsts)) or 1
    rows = max(1, -(-len(firsts) // columns))
    figure, grid = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.4 * rows),
                                squeeze=False)
    for axes in grid.flat:
        axes.axis("off")
    for axes, (_, row) in zip(grid.flat, firsts.iterrows()):
        with Image.open(row[FILE]) as image:
            axes.imshow(image.convert("RGB"))
        axes.set_title(str(row[LABEL]), fontsize=9)
    return figure


def most_confused(
    targets: np.ndarray, predicted: np.ndarray, vocab: list[str], minimum: int = 1
) -> pd.DataFrame:
    """Pairs of (actual, predicted) classes mixed up most often, most first."""
    wrong = targets != predicted
    pairs = pd.DataFrame(
        {
            "actual": np.array(vocab, dtype=object)[targets[wrong]],
            "predicted": np.array(vocab, dtype=object)[predicted[wrong]],
        }
    )
    counts = pairs.value_counts().rename("count").reset_index()
    return counts[counts["count"] >= minimum].reset_index(drop=True)


def per_label_counts(probs: np.ndarray, targets: np.ndarray, vocab: list[str],
                     threshold: float = 0.5) -> pd.DataFrame:
    """True and false positives and negatives per label, for multi-label models."""
    predicted = probs >= threshold
    actual = targets.astype(bool)
    table = pd.DataFrame(
        {
            "true_pos": (predicted & actual).sum(0),
            "false_pos": (predicted & ~actual).sum(0),
            "false_neg": (~predicted & actual).sum(0),
            "true_neg": (~predicted & ~actual).sum(0),
        },
        index=pd.Index(vocab, name="label"),
    )
    return table.sort_values("false_neg", ascending=False)


def plot_top_losses(
    valid_items: pd.DataFrame,
    probs: np.ndarray,
    targets: np.ndarray,
    losses: np.ndarray,
    vocab: list[str],
    count: int = 9,
):
    """A grid of the validation images with the highest loss, titled with their files."""
    import matplotlib.pyplot as plt
    from PIL import Image

    order = np.argsort(-losses)[:count]
    columns = min(3, len(order)) or 1
    rows = max(1, -(-len(order) // columns))
    figure, grid = plt.subplots(rows, columns, figsize=(4 * columns, 4.4 * rows), squeeze=False)
    for axes in grid.flat:
        axes.axis("off")
    files = valid_items[FILE].tolist()
    for axes, position in zip(grid.flat, order):
        with Image.open(files[position]) as image:
            axes.imshow(image.convert("RGB"))
        name = files[position].rsplit("/", 1)[-1]
        axes.set_title(
            f"{name}\n{_describe(probs[position], targets[position], vocab)}"
            f"  loss {losses[position]:.2f}",
            fontsize=9,
        )
    figure.suptitle("top losses: predicted / actual / probability of the prediction")
    return figure


def _describe(prob: np.ndarray, target, vocab: list[str]) -> str:
    if not vocab:
        return f"{_values(prob)} / {_values(target)}"
    if np.ndim(target):
        actual = " ".join(v for v, t in zip(vocab, target) if t)
        guessed = " ".join(v for v, p in zip(vocab, prob) if p >= 0.5)
        return f"{guessed or '-'} / {actual or '-'}"
    top = int(prob.argmax())
    return f"{vocab[top]} / {vocab[int(target)]} / {prob[top]:.2f}"


def _values(values) -> str:
    return " ".join(f"{v:.3g}" for v in np.atleast_1d(values))


def plot_predicted_vs_actual(outputs: np.ndarray, targets: np.ndarray):
    """Predicted against actual values, one panel per target, with the diagonal."""
    import matplotlib.pyplot as plt

    outputs = outputs.reshape(len(outputs), -1)
    targets = targets.reshape(len(targets), -1)
    count = outputs.shape[1]
    figure, axes = plt.subplots(1, count, figsize=(5 * count, 5), squeeze=False)
    for column, panel in enumerate(axes.flat):
        panel.scatter(targets[:, column], outputs[:, column], s=8, alpha=0.5)
        low = min(targets[:, column].min(), outputs[:, column].min())
        high = max(targets[:, column].max(), outputs[:, column].max())
        panel.plot([low, high], [low, high], linestyle="--", color="grey")
        panel.set_xlabel("actual")
        panel.set_ylabel("predicted")
    figure.suptitle("predicted against actual (validation)")
    return figure


def per_class_report(
    probs: np.ndarray, targets: np.ndarray, vocab: list[str], multilabel: bool
) -> pd.DataFrame:
    """Precision, recall and F1 per class, beside those of the majority-class model."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = list(range(len(vocab)))
    if multilabel:
        predicted = (probs >= 0.5).astype(int)
        majority = np.tile(targets.mean(0) >= 0.5, (len(targets), 1)).astype(int)
        truth = targets.astype(int)
        labels = None
    else:
        predicted = probs.argmax(1)
        most_common = np.bincount(targets.astype(int), minlength=len(vocab)).argmax()
        majority = np.full_like(predicted, most_common)
        truth = targets.astype(int)
    model = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    base = precision_recall_fscore_support(truth, majority, labels=labels, zero_division=0)
    report = pd.DataFrame(
        {
            "precision": model[0],
            "recall": model[1],
            "f1": model[2],
            "support": model[3],
            "majority_f1": base[2],
        },
        index=pd.Index(vocab, name="class"),
    )
    return report.sort_values("f1")


def mislabel_candidates(learn, items: pd.DataFrame, splits, frame: pd.DataFrame | None = None,
                        limit: int = 200) -> pd.DataFrame:
    """Labelled items predicted wrongly with high confidence, highest loss first.

    Every item is scored with validation transforms (no augmentation). ``frame`` is
    the table the learner reads, when it differs from ``items`` (tabular learners).
    For regression the items furthest from their value come first.
    """
    dl = learn.dls.test_dl(items if frame is None else frame, with_labels=True)
    probs, targets, losses = learn.get_preds(dl=dl, with_loss=True)
    probs, targets, losses = probs.numpy(), targets.numpy(), losses.numpy()
    vocab = vocab_of(learn.dls)
    split_of = np.full(len(items), "train", dtype=object)
    split_of[list(splits[1])] = "valid"
    if not vocab:
        wrong = np.ones(len(items), dtype=bool)
        predicted = [_values(row) for row in probs]
        confidence = np.full(len(items), np.nan)
    elif targets.ndim > 1 and targets.shape[1] == len(vocab) and len(vocab) > 1:
        wrong = ((probs >= 0.5) != targets.astype(bool)).any(1)
        predicted = [" ".join(v for v, p in zip(vocab, row) if p >= 0.5) for row in probs]
        confidence = np.abs(probs - 0.5).max(1) * 2
    else:
        targets = targets.reshape(-1)
        wrong = probs.argmax(1) != targets
        predicted = [vocab[i] for i in probs.argmax(1)]
        confidence = probs.max(1)
    source = items[FILE].tolist() if FILE in items.columns else list(range(len(items)))
    table = pd.DataFrame(
        {
            "file" if FILE in items.columns else "row": source,
            "label": items[LABEL].map(_label_text).tolist(),
            "predicted": predicted,
            "confidence": confidence,
            "loss": losses.reshape(len(items), -1).mean(1),
            "split": split_of,
        }
    )
    return table[wrong].sort_values("loss", ascending=False).head(limit).reset_index(drop=True)


def _label_text(label) -> str:
    if isinstance(label, list):
        return " ".join(str(value) for value in label)
    return str(label)


def plot_reliability(probs: np.ndarray, targets: np.ndarray, multilabel: bool, bins: int = 10):
    """Accuracy against confidence in bins: bars on the diagonal mean calibrated."""
    import matplotlib.pyplot as plt

    if multilabel:
        confidence = probs.ravel()
        correct = targets.ravel().astype(float)
        label = "share of labels present"
    else:
        confidence = probs.max(1)
        correct = (probs.argmax(1) == targets).astype(float)
        label = "accuracy"
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    centres = (edges[:-1] + edges[1:]) / 2
    rates = [correct[which == b].mean() if (which == b).any() else np.nan for b in range(bins)]
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.bar(centres, rates, width=1 / bins, edgecolor="black", alpha=0.7)
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey")
    axes.set_xlabel("confidence")
    axes.set_ylabel(label)
    axes.set_title("reliability (validation)")
    return figure


def summary_of_errors(probs: np.ndarray, targets: np.ndarray, spec: CompetitionSpec) -> dict:
    """A few numbers for ``metrics.json``: error rate and calibration gap."""
    if spec.task.is_regression:
        errors = regression_errors(probs, targets)
        return {"valid_mean_absolute_error": float(np.abs(errors).mean())}
    if spec.multilabel:
        predicted = probs >= 0.5
        errors = float((predicted != targets.astype(bool)).any(1).mean())
        return {"valid_items_with_a_wrong_label": errors}
    confidence = probs.max(1)
    correct = probs.argmax(1) == targets
    return {
        "valid_error_rate": float(1 - correct.mean()),
        "mean_confidence_minus_accuracy": float(confidence.mean() - correct.mean()),
    }


def regression_errors(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Errors of regression outputs, with both sides shaped as rows of targets."""
    return outputs.reshape(len(outputs), -1) - targets.reshape(len(targets), -1)


def plot_coverage_accuracy(curve: pd.DataFrame, chosen):
    """Accuracy of the kept predictions against the share kept, with the chosen threshold."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(curve["coverage"], curve["accuracy"])
    kept = curve[curve["threshold"] >= chosen.value]
    if not kept.empty:
        point = kept.iloc[0]
        axes.scatter([point["coverage"]], [point["accuracy"]], color="red", zorder=3,
                     label=f"threshold {chosen.value:.3f}")
        axes.legend()
    axes.set_xlabel("coverage (share of validation items kept)")
    axes.set_ylabel("accuracy of the kept items")
    axes.set_title("coverage against accuracy")
    return figure
