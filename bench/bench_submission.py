"""Building and validating a 1,000,000-row submission, against plain pandas CSV I/O.

Baseline: reading the sample submission and writing a CSV of the same shape with pandas,
the least any submission builder must do. Measured: kagglekit's whole path, from the run's
probabilities to a validated file on disk (read, align, build, write, re-read, validate).
Prints both times and the ratio; the target is a ratio of a few (seconds, not minutes).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.items import read_csv_as_text
from kagglekit.spec import parse_spec
from kagglekit.submission import build_submission, validate_submission, write_submission

ROWS = 1_000_000
CLASSES = ["0", "1", "2", "3", "4"]


def make_inputs(folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    ids = np.char.add("img_", np.arange(ROWS).astype(str))
    sample = folder / "sample_submission.csv"
    pd.DataFrame({"id": ids, "label": "0"}).to_csv(sample, index=False)
    probabilities = rng.dirichlet(np.ones(len(CLASSES)), size=ROWS)
    outputs = pd.DataFrame(probabilities, columns=CLASSES)
    outputs.insert(0, "id", ids[rng.permutation(ROWS)])
    predictions = folder / "test_probabilities.csv"
    outputs.to_csv(predictions, index=False)
    return sample, predictions


def baseline(sample: Path, folder: Path) -> None:
    frame = pd.read_csv(sample, dtype=str)
    frame.to_csv(folder / "baseline.csv", index=False)


def kagglekit_path(sample_path: Path, predictions: Path, folder: Path) -> None:
    spec = parse_spec({
        "slug": "bench", "task": "image_classification",
        "train": {"layout": "folder_per_class", "folder": "train", "label_kind": "code"},
        "test": {"source": "sample_submission", "id_column": "id"},
        "submission": {"file": "sample_submission.csv", "id_column": "id",
                       "target_columns": ["label"], "kind": "label"},
        "classes": CLASSES, "metric": {"name": "accuracy"},
    })
    sample = read_csv_as_text(sample_path)
    outputs = pd.read_csv(predictions, dtype={"id": str})
    path = write_submission(build_submission(spec, sample, outputs), folder / "submission.csv")
    problems = validate_submission(read_csv_as_text(path), sample, spec)
    if problems:
        raise SystemExit(f"the benchmark's submission is invalid: {problems[0]}")


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sample, predictions = make_inputs(folder)
        base = best_of(3, lambda: baseline(sample, folder))
        ours = best_of(3, lambda: kagglekit_path(sample, predictions, folder))
    print(f"1,000,000-row submission, best of 3 runs")
    print(f"  baseline (pandas read + write of the sample): {base:6.2f} s")
    print(f"  kagglekit build + write + validate:           {ours:6.2f} s")
    print(f"  ratio: {ours / base:.1f}x the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
