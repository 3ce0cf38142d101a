"""The demo competition: real handwritten digits in Kaggle's usual layout.

scikit-learn ships 1,797 scans of handwritten digits (8x8 pixels, 16 grey levels).
``build_demo`` writes them the way an image competition arrives from Kaggle: a
``train.csv`` of ids and labels, flat ``train/`` and ``test/`` folders of PNG files
and a ``sample_submission.csv``. The test answers are written elsewhere so that
``submit`` can score the demo locally while the notebooks never see them.
"""

from __future__ import annotations

import logging
from pathlib import Path

SLUG = "demo"
TITLE = "Handwritten digits (kagglekit demo)"
TEST_SHARE = 0.2
SEED = 2024

logger = logging.getLogger(__name__)


def build_demo(data_dir: Path, solution_file: Path) -> None:
    """Write the demo competition into ``data_dir`` and its answers to ``solution_file``."""
    import numpy as np
    import pandas as pd
    from PIL import Image
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    pixels = np.round(digits.images * (255 / 16)).astype(np.uint8)
    ids = np.arange(1, len(pixels) + 1)

    # A stratified split keeps every digit's share the same in train and test.
    train_ids, test_ids = train_test_split(
        ids, test_size=TEST_SHARE, stratify=digits.target, random_state=SEED
    )
    labels = dict(zip(ids, digits.target))

    data_dir = Path(data_dir)
    for split, split_ids in (("train", train_ids), ("test", test_ids)):
        folder = data_dir / split
        folder.mkdir(parents=True, exist_ok=True)
        for item_id in split_ids:
            Image.fromarray(pixels[item_id - 1]).save(folder / f"{item_id}.png")

    train = pd.DataFrame({"id": np.sort(train_ids)})
    train["label"] = train["id"].map(labels)
    train.to_csv(data_dir / "train.csv", index=False)

    test = pd.DataFrame({"id": np.sort(test_ids)})
    test.assign(label=0).to_csv(data_dir / "sample_submission.csv", index=False)

    solution_file = Path(solution_file)
    solution_file.parent.mkdir(parents=True, exist_ok=True)
    test.assign(label=test["id"].map(labels)).to_csv(solution_file, index=False)
    logger.info(
        "built the demo competition: %d training and %d test digits", len(train), len(test)
    )
