"""Batched prediction against a loop of ``learn.predict`` on the same 500 images.

    python bench/bench_predict.py [--model runs/<id>/model.pkl] [--images 500]

Without ``--model`` it builds the demo competition in a temporary folder and trains a
resnet18 from scratch at 28 px for one epoch (a minute or two on a CPU). The images are
the demo's digits. Fixed costs (start-up, loading the model, the first call of each
path) are left out of the times: each path is timed over the same files, after a
warm-up. Prints the times and the ratios against the loop, with fastai's own
``test_dl`` + ``get_preds`` path for reference; exits non-zero if the labels differ.
DESIGN.md's target: at least 10 times the loop.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

TARGET_RATIO = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an exported learner (default: train one)")
    parser.add_argument("--images", type=int, default=500, help="how many image files")
    parser.add_argument("--batch-size", type=int, default=None, help="batched path's batch size")
    options = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    warnings.filterwarnings("ignore", message=".*torch.jit.script", category=FutureWarning)

    with tempfile.TemporaryDirectory(prefix="kagglekit-bench-") as folder:
        files = make_images(Path(folder), options.images)
        model = options.model or train_model(Path(folder), files)
        return compare(model, [str(file) for file in files], options.batch_size)


def make_images(folder: Path, count: int) -> list[Path]:
    """``count`` image files: the demo's digits, copied as often as needed."""
    from kagglekit.demo import build_demo

    build_demo(folder / "demo", folder / "solution.csv")
    digits = sorted((folder / "demo" / "train").glob("*.png"))
    images = folder / "images"
    images.mkdir()
    files = []
    for index in range(count):
        source = digits[index % len(digits)]
        files.append(Path(shutil.copy(source, images / f"{index:05d}_{source.name}")))
    return files


def train_model(folder: Path, files: list[Path]) -> Path:
    """A resnet18 trained from scratch at 28 px for one epoch on the demo's labels."""
    import fastai.vision.all  # noqa: F401  (the Learner methods: fit_one_cycle, no_bar, ...)
    import pandas as pd
    from fastai.data.block import CategoryBlock, DataBlock
    from fastai.data.transforms import ColReader, RandomSplitter
    from fastai.vision.augment import Resize
    from fastai.vision.data import ImageBlock

    from kagglekit.learner import make_vision_learner

    labels = pd.read_csv(folder / "demo" / "train.csv", dtype=str).set_index("id")["label"]
    train = sorted((folder / "demo" / "train").glob("*.png"))
    rows = pd.DataFrame({"file": [str(p) for p in train],
                         "label": [labels[p.stem] for p in train]})
    dls = DataBlock(
        blocks=(ImageBlock, CategoryBlock),
        get_x=ColReader("file"),
        get_y=ColReader("label"),
        splitter=RandomSplitter(seed=42),
        item_tfms=Resize(28),
    ).dataloaders(rows, bs=64, num_workers=0)
    learn = make_vision_learner(dls, "resnet18", pretrained=False)
    print("training resnet18 at 28 px for one epoch (from scratch)", file=sys.stderr)
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(1, 4e-3)
    path = folder / "model.pkl"
    learn.export(path)
    return path


def compare(model: Path, files: list[str], batch_size: int | None) -> int:
    from kagglekit.environment import describe_device
    from kagglekit.predict import load_model, predict_files

    learn = load_model(model)
    vocab = [str(name) for name in learn.dls.vocab]

    # Warm-up: the first call of each path pays one-time costs.
    with learn.no_bar():
        learn.predict(files[0])
        learn.get_preds(dl=learn.dls.test_dl(files[:8]))
    predict_files(learn, files[:8], batch_size=batch_size)

    started = time.perf_counter()
    with learn.no_bar():
        looped = [str(learn.predict(file)[0]) for file in files]
    loop_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with learn.no_bar():
        probabilities, _ = learn.get_preds(dl=learn.dls.test_dl(files))
    fastai_seconds = time.perf_counter() - started
    fastai_labels = [vocab[i] for i in probabilities.argmax(1).tolist()]

    started = time.perf_counter()
    batched = predict_files(learn, files, batch_size=batch_size)
    kagglekit_seconds = time.perf_counter() - started
    kagglekit_labels = batched.table["label"].tolist()

    print(f"predicting {len(files)} images on {describe_device()}")
    print(f"  loop of learn.predict          {loop_seconds:8.2f} s")
    print(f"  fastai test_dl + get_preds     {fastai_seconds:8.2f} s  "
          f"{loop_seconds / fastai_seconds:6.1f}x the loop")
    print(f"  kagglekit predict_files        {kagglekit_seconds:8.2f} s  "
          f"{loop_seconds / kagglekit_seconds:6.1f}x the loop (target >= {TARGET_RATIO:.0f}x)")
    same = looped == kagglekit_labels == fastai_labels
    print(f"  labels identical: {'yes' if same else 'NO'}")
    if not same:
        differ = sum(a != b for a, b in zip(looped, kagglekit_labels))
        print(f"  {differ} of {len(files)} labels differ from the loop's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
