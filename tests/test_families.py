"""One replica per supported family, from files on disk to a dry-run submission.

Each runs exactly the user's commands: `new SLUG --data FOLDER`, `run -p epochs=1
-p size=32` (tabular: `-p epochs=1`) and `submit --dry-run`, then checks that the file has
the sample's exact header, its ids in its order, and values of the right kind.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import kagglekit
from replicas import REPLICAS, build_replica

from kagglekit.spec import load_spec
from kagglekit.submission import validate_submission

pytestmark = pytest.mark.slow

FAMILIES = {
    "dog-breed-identification": "CSV of ids, one probability column per class",
    "plant-seedlings-classification": "a folder per class, no label CSV",
    "dogs-vs-cats-redux-kernels-edition": "label in the file name, integer test ids",
    "planet-understanding-the-amazon-from-space": "multi-label tags",
    "synthetic-indicator-labels": "multi-label indicator columns",
    "synthetic-zero-padded-ids": "numeric-looking ids kept as text",
    "digit-recognizer": "images as pixel columns",
    "titanic": "tabular classification",
    "house-prices-advanced-regression-techniques": "tabular regression",
    "playground-series-s3e18": "tabular, several targets",
}


# Families whose run includes the learning-rate finder, one image and one tabular.
LEARNING_RATE_FINDER = {"dog-breed-identification", "titanic"}


@pytest.mark.parametrize("slug", sorted(FAMILIES), ids=lambda slug: FAMILIES[slug])
def test_a_family_runs_from_files_to_a_valid_submission(slug, tmp_path: Path):
    folder = build_replica(slug, tmp_path / "downloads")
    project = tmp_path / "project"

    created = kagglekit("new", slug, str(project), "--data", str(folder))
    assert created.code == 0, created.stderr

    spec = load_spec(project / "competition.yaml")
    params = ["-p", "epochs=1"]
    if spec.task.is_image:
        params += ["-p", "size=32", "-p", "pretrained=false"]  # weights are never fetched here
    if slug not in LEARNING_RATE_FINDER:
        params += ["-p", "find_lr=false"]  # costs more than the one epoch on tiny replicas
    ran = kagglekit("run", *params, cwd=project)
    assert ran.code == 0, ran.stderr[-3000:]

    submitted = kagglekit("submit", "--dry-run", cwd=project)
    assert submitted.code == 0, submitted.stderr
    path = Path(submitted.stdout.strip().splitlines()[-1])
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    sample = pd.read_csv(folder / spec.submission.file, dtype=str, keep_default_na=False)
    assert list(text.columns) == list(sample.columns)
    assert text.iloc[:, 0].tolist() == sample.iloc[:, 0].tolist()
    assert validate_submission(text, sample, spec) == []
    assert spec.submission.kind.value == REPLICAS[slug].expected["submission_kind"]
