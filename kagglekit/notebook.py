"""What the project notebooks import, as ``from kagglekit import notebook as kk``.

The notebooks keep fastai in plain sight; this module holds only the plumbing around
it: where the project's files are, how the competition's items are read, where a
run's outputs go. Importing it sends kagglekit's notices to the notebook's output.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit import logs, outputs
from kagglekit.analysis import (
    most_confused,
    mislabel_candidates,
    per_class_report,
    per_label_counts,
    plot_confusion_matrix,
    plot_predicted_vs_actual,
    plot_coverage_accuracy,
    plot_one_per_class,
    plot_reliability,
    plot_top_losses,
    summary_of_errors,
)
from kagglekit.datachecks import check_training_data, class_counts_by_split
from kagglekit.environment import describe_device, on_cuda
from kagglekit.inference import (
    check_probabilities,
    choose_threshold,
    coverage_curve,
    label_predictions,
    predict_items,
    predict_test_images,
    tune_label_thresholds,
    warn_if_threshold_cannot_fire,
)
from kagglekit.items import test_items, training_items
from kagglekit.learner import (
    cpu_notice,
    fastai_metric,
    image_dataloaders,
    image_size_of,
    balanced_loss,
    load_learner_here,
    log1p_labels,
    make_tabular_learner,
    make_vision_learner,
    split_items,
    tabular_dataloaders,
    tabular_frame,
    train_targets,
    vocab_of,
)
from kagglekit.scoring import (
    baseline_outputs,
    describe_against_baseline,
    f_beta_of,
    score_outputs,
)
from kagglekit.spec import SPEC_FILE, CompetitionSpec, load_spec

__all__ = [
    "Project",
    "balanced_loss",
    "baseline_outputs",
    "check_probabilities",
    "check_training_data",
    "choose_threshold",
    "class_counts_by_split",
    "coverage_curve",
    "cpu_notice",
    "describe_against_baseline",
    "describe_device",
    "f_beta_of",
    "fastai_metric",
    "image_dataloaders",
    "image_size_of",
    "label_predictions",
    "load_learner_here",
    "log1p_labels",
    "make_tabular_learner",
    "make_vision_learner",
    "mislabel_candidates",
    "most_confused",
    "on_cuda",
    "open_project",
    "per_class_report",
    "per_label_counts",
    "plot_confusion_matrix",
    "plot_coverage_accuracy",
    "plot_one_per_class",
    "plot_predicted_vs_actual",
    "plot_reliability",
    "plot_top_losses",
    "predict_items",
    "predict_test_images",
    "score_outputs",
    "split_items",
    "summary_of_errors",
    "tabular_dataloaders",
    "tabular_frame",
    "train_targets",
    "tune_label_thresholds",
    "vocab_of",
    "warn_if_threshold_cannot_fire",
]


def _show_notices_in_notebook() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logs.line_formatter())
    logger = logging.getLogger("kagglekit")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


_show_notices_in_notebook()


@dataclass
class Project:
    """A project's spec and folders, as one notebook execution sees them."""

    root: Path
    run_path: Path
    spec: CompetitionSpec
    model_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.model_path = self.run_path / outputs.MODEL

    @property
    def data_path(self) -> Path:
        return self.spec.data_path(self.root)

    @property
    def cache_path(self) -> Path:
        """Where derived files (such as images from pixel columns) are kept."""
        return self.root / ".kagglekit" / "derived"

    def training_items(self) -> pd.DataFrame:
        return training_items(self.spec, self.data_path, self.cache_path)

    def test_items(self) -> pd.DataFrame:
        return test_items(self.spec, self.data_path, self.cache_path)

    def output(self, name: str) -> Path:
        """The path of a file of this run's outputs."""
        return self.run_path / name

    def save_figure(self, name: str, figure=None) -> Path:
        """Save the current (or given) matplotlib figure as a PNG in the run."""
        import matplotlib.pyplot as plt

        path = self.output(name)
        (figure or plt.gcf()).savefig(path, dpi=110, bbox_inches="tight")
        return path

    def save_metrics(self, **values) -> dict:
        """Merge ``values`` into the run's ``metrics.json`` and return all of it."""
        path = self.output(outputs.METRICS)
        merged = json.loads(path.read_text()) if path.exists() else {}
        merged.update({key: _plain(value) for key, value in values.items()})
        path.write_text(json.dumps(merged, indent=2) + "\n")
        return merged

    def read_metrics(self) -> dict:
        path = self.output(outputs.METRICS)
        return json.loads(path.read_text()) if path.exists() else {}

    def save_probabilities(self, ids, predictions: np.ndarray, vocab: list[str]) -> Path:
        """Save test outputs with their ids: one column per class, or per target."""
        columns = vocab or self.spec.train.label_columns
        values = predictions.reshape(len(predictions), -1)
        table = pd.DataFrame(values, columns=columns[: values.shape[1]])
        table.insert(0, "id", list(ids))
        path = self.output(outputs.PROBABILITIES)
        table.to_csv(path, index=False)
        return path

    def save_thresholds(self, thresholds: pd.DataFrame) -> Path:
        """Save per-label thresholds (columns ``label`` and ``threshold``) for submit."""
        path = self.output(outputs.THRESHOLDS)
        chosen = dict(zip(thresholds["label"], thresholds["threshold"].astype(float)))
        path.write_text(json.dumps(chosen, indent=2) + "\n")
        return path


def open_project(project_dir: str | Path, run_dir: str | Path) -> Project:
    """The project at ``project_dir``; a run's outputs go to ``run_dir`` (created)."""
    root = Path(project_dir).resolve()
    run_path = Path(run_dir)
    run_path = (run_path if run_path.is_absolute() else Path.cwd() / run_path).resolve()
    run_path.mkdir(parents=True, exist_ok=True)
    return Project(root, run_path, load_spec(root / SPEC_FILE))


def _plain(value):
    """Numbers from numpy or torch as plain Python numbers, for JSON."""
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        return value.item()
    return value
