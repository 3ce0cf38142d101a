"""fastai plumbing for the notebooks: splits, dataloaders, learners, epoch lines.

Everything an exported learner needs at load time lives in importable modules
(fastai's own readers, and this module's callback), never in notebook cells, so
``load_learner`` works in a fresh kernel and in ``kagglekit predict``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd
from fastai.callback.core import Callback
from fastai.data.block import CategoryBlock, DataBlock, MultiCategoryBlock, RegressionBlock
from fastai.data.transforms import ColReader, IndexSplitter
from fastai.vision.augment import Resize, aug_transforms
from fastai.vision.data import ImageBlock

from kagglekit.environment import (
    EPOCH_LINES_VARIABLE,
    describe_device,
    safe_num_workers,
)
from kagglekit.items import FILE, GROUP, LABEL
from kagglekit.spec import CompetitionSpec
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

def split_items(
    items: pd.DataFrame, valid_pct: float, seed: int, stratify: bool
) -> tuple[list[int], list[int]]:
    """Positions of training and validation items.

    Whole groups go to one side. With ``stratify``, each class sends ``valid_pct`` of its
    groups to validation and keeps at least one in training, so a class with a single
    group stays in training (it could not be learned otherwise).
    """
    if not 0 < valid_pct < 1:
        raise ValueError(f"valid_pct must be between 0 and 1, got {valid_pct}")
    rng = np.random.default_rng(seed)
    groups = items[GROUP].astype(str).to_numpy()
    if stratify:
        labels = items[LABEL].astype(str).to_numpy()
        group_label = pd.Series(labels).groupby(groups).agg(lambda s: s.value_counts().index[0])
        valid_groups: set[str] = set()
        for _, members in group_label.groupby(group_label):
            valid_groups.update(_pick(list(members.index), valid_pct, rng, keep_one=True))
    else:
        valid_groups = set(_pick(list(pd.unique(groups)), valid_pct, rng, keep_one=False))
    in_valid = np.isin(groups, list(valid_groups))
    positions = np.arange(len(items))
    return positions[~in_valid].tolist(), positions[in_valid].tolist()


def _pick(groups: list[str], share: float, rng: np.random.Generator, keep_one: bool) -> list[str]:
    """A random ``share`` of ``groups`` (at least one of two or more; never all of them)."""
    if len(groups) < 2:
        return []
    count = int(round(share * len(groups)))
    count = min(max(count, 1), len(groups) - 1) if keep_one else min(count, len(groups) - 1)
    order = rng.permutation(len(groups))
    return [groups[i] for i in order[:count]]


def target_block(spec: CompetitionSpec, vocab: list[str], encoded: bool = False):
    """The fastai block for the labels of the spec's task.

    ``encoded``: multi-label targets arrive as one 0/1 column per label (tables).
    """
    if spec.task.is_regression:
        return RegressionBlock(n_out=len(spec.train.label_columns) or 1)
    if spec.multilabel or encoded:
        return MultiCategoryBlock(encoded=encoded, vocab=vocab)
    return CategoryBlock(vocab=vocab)


def training_vocab(spec: CompetitionSpec, items: pd.DataFrame) -> list[str]:
    """The spec's classes that occur in training, in submission order."""
    if spec.task.is_regression:
        return []
    present = set()
    for label in items[LABEL]:
        present.update(label if isinstance(label, list) else [label])
    return [name for name in spec.classes if name in present]


def image_dataloaders(
    spec: CompetitionSpec,
    items: pd.DataFrame,
    splits: tuple[list[int], list[int]],
    size: int,
    batch_size: int,
    num_workers: int = 0,
    flip: bool = True,
    seed: int = 42,
):
    """Image dataloaders over ``items`` (from ``kagglekit.items``) with the given split."""
    block = DataBlock(
        blocks=(ImageBlock, target_block(spec, training_vocab(spec, items))),
        get_x=ColReader(FILE),
        get_y=ColReader(LABEL),
        splitter=IndexSplitter(splits[1]),
        item_tfms=Resize(size),
        batch_tfms=aug_transforms(size=size, do_flip=flip, min_scale=0.75),
    )
    return block.dataloaders(
        items.reset_index(drop=True),
        bs=fitting_batch_size(batch_size, len(splits[0])),
        num_workers=safe_num_workers(num_workers),
        seed=seed,
    )


def fitting_batch_size(requested: int, train_items: int) -> int:
    """The batch size, made small enough that training gets at least two full batches."""
    fitting = max(1, min(requested, train_items // 2))
    if fitting < requested:
        logger.info("batch_size %d is more than half the %d training items: using %d",
                    requested, train_items, fitting)
    return fitting


def make_vision_learner(dls, arch: str, pretrained: bool, metrics=None, **kwargs):
    """``vision_learner`` by architecture name, from scratch when weights cannot be fetched."""
    from fastai.vision.learner import vision_learner

    model = _architecture(arch)
    cbs = [EpochLines()] if os.environ.get(EPOCH_LINES_VARIABLE) else []
    if pretrained:
        try:
            return vision_learner(dls, model, pretrained=True, metrics=metrics, cbs=cbs, **kwargs)
        except Exception as err:  # any failure to fetch weights: offline, hub down, no cache
            logger.warning(
                "notice: pretrained weights for %s are unavailable (%s); training from scratch",
                arch,
                type(err).__name__,
            )
    return vision_learner(dls, model, pretrained=False, metrics=metrics, cbs=cbs, **kwargs)


def _architecture(name: str):
    """A torchvision model function when fastai knows the name, else timm's name."""
    from fastai.vision import models

    candidate = getattr(models, name, None)
    if callable(candidate):
        return candidate
    import timm

    if not timm.is_model(name):
        raise ValueError(
            f"unknown architecture {name!r}: use a torchvision name such as resnet34 or a timm "
            "name such as convnext_tiny (see timm.list_models())"
        )
    return name


class EpochLines(Callback):
    """Print one plain line per training epoch, for logs that cannot show progress bars."""

    order = 60  # after the Recorder has logged the epoch

    def before_train(self) -> None:
        self.trained = True

    def after_epoch(self) -> None:
        # Prediction passes and the learning-rate finder also end "epochs": skip them.
        if not getattr(self, "trained", False) or hasattr(self.learn, "lr_finder"):
            return
        self.trained = False
        names = self.recorder.metric_names[1:]
        values = self.recorder.log[1:]
        parts = [f"{name} {_number(value)}" for name, value in zip(names, values)]
        print(f"epoch {self.epoch + 1}/{self.n_epoch}  " + "  ".join(parts), flush=True)


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def vocab_of(dls) -> list[str]:
    """The class names a learner's outputs stand for, in output order ([] for regression)."""
    vocab = getattr(dls, "vocab", None)
    if vocab is None or not hasattr(vocab, "__len__") or len(vocab) == 0:
        return []
    if isinstance(vocab[0], (list, tuple)) or hasattr(vocab[0], "items"):
        vocab = vocab[-1]  # tabular dls keep (categories..., targets)
    return [str(name) for name in vocab]


def train_targets(dls):
    """Targets of the training set, as fastai encodes them (indices, one-hot rows, values)."""
    import torch

    targets = dls.train_ds.tls[-1] if hasattr(dls.train_ds, "tls") else None
    if targets is None:
        return dls.train_ds.ys.to_numpy()
    return torch.stack([torch.as_tensor(targets[i]) for i in range(len(targets))]).numpy()


def fastai_metric(spec: CompetitionSpec, dls, log_target: bool = False):
    """The competition's metric as a fastai metric, reported each epoch.

    With ``log_target`` the model learns log(1 + y): RMSE there is RMSLE of the values.
    """
    from kagglekit import metrics

    # Metrics tell multi-label outputs (sigmoid per label) by the image task's name.
    task = "image_multilabel" if spec.multilabel else spec.task.value
    name = "rmse" if log_target and spec.metric.name == "rmsle" else spec.metric.name
    return metrics.fastai_metric(name, task, vocab_of(dls))


# Rough CPU cost of one image through resnet34 at 224 px, forward and backward, in
# seconds, and the cost per image that does not shrink with the size (loading, overhead).
_CPU_SECONDS_PER_IMAGE = 0.06
_CPU_SECONDS_FIXED = 0.002


def cpu_notice(items: int, epochs: int, size: int, arch: str) -> None:
    """On the CPU, say how long training will roughly take and how to make it quick."""
    if not describe_device().startswith("CPU"):
        return
    per_image = _CPU_SECONDS_FIXED + _CPU_SECONDS_PER_IMAGE * (size / 224) ** 2
    seconds = items * epochs * per_image
    quicker = [
        option
        for option, helps in (
            ("-p arch=resnet18", arch != "resnet18"),
            ("-p size=64", size > 64),
            ("-p epochs=1", epochs > 1),
        )
        if helps
    ]
    hint = f"; for a quick run use {' '.join(quicker)}" if quicker else ""
    logger.warning(
        "notice: training on the CPU: roughly %s for %s x %s of %s at %d px%s",
        _duration(seconds),
        counted(items, "image"),
        counted(epochs, "epoch"),
        arch,
        size,
        hint,
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return counted(max(1, round(seconds)), "second")
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def tabular_dataloaders(
    spec: CompetitionSpec,
    items: pd.DataFrame,
    splits: tuple[list[int], list[int]],
    batch_size: int,
    num_workers: int = 0,
    seed: int = 42,
):
    """Tabular dataloaders: categories embedded, missing values filled, numbers normalised."""
    from fastai.tabular.core import Categorify, FillMissing, Normalize
    from fastai.tabular.data import TabularDataLoaders

    train = spec.train
    frame, y_names = tabular_frame(spec, items)
    return TabularDataLoaders.from_df(
        frame,
        procs=[Categorify, FillMissing, Normalize],
        cat_names=list(train.category_columns),
        cont_names=list(train.continuous_columns),
        y_names=y_names,
        y_block=target_block(spec, training_vocab(spec, items), encoded=len(y_names) > 1),
        valid_idx=list(splits[1]),
        bs=fitting_batch_size(batch_size, len(splits[0])),
        num_workers=safe_num_workers(num_workers),
        seed=seed,
    )


def tabular_frame(spec: CompetitionSpec, items: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Items as fastai's tables want them, and the target column names.

    Several regression targets, or several labels per row, become one column each.
    """
    frame = items.drop(columns=[GROUP]).reset_index(drop=True)
    if spec.task.is_regression and len(spec.train.label_columns) > 1:
        names = list(spec.train.label_columns)
        values = pd.DataFrame(frame[LABEL].tolist(), columns=names)
        return pd.concat([frame.drop(columns=[LABEL]), values], axis=1), names
    if spec.multilabel:
        vocab = training_vocab(spec, items)
        ones = {
            name: frame[LABEL].map(lambda labels, n=name: float(n in labels)) for name in vocab
        }
        return pd.concat([frame.drop(columns=[LABEL]), pd.DataFrame(ones)], axis=1), vocab
    return frame, [LABEL]


def make_tabular_learner(dls, spec: CompetitionSpec, layers: list[int], metrics=None, **kwargs):
    """fastai's ``tabular_learner``; regression outputs are kept in the targets' range."""
    from fastai.tabular.learner import tabular_learner

    cbs = [EpochLines()] if os.environ.get(EPOCH_LINES_VARIABLE) else []
    y_range = target_range(dls) if spec.task.is_regression else None
    return tabular_learner(dls, layers=layers, metrics=metrics, cbs=cbs, y_range=y_range,
                           **kwargs)


def target_range(dls, margin: float = 0.2) -> tuple[float, float]:
    """The training targets' range widened by ``margin`` of its span on each side."""
    targets = np.asarray(train_targets(dls), dtype=float)
    low, high = float(targets.min()), float(targets.max())
    span = (high - low) or abs(high) or 1.0
    return low - margin * span, high + margin * span


def log1p_labels(items: pd.DataFrame) -> pd.DataFrame:
    """Items with regression labels replaced by log(1 + label)."""
    logged = items.copy()
    logged[LABEL] = items[LABEL].map(lambda value: np.log1p(np.asarray(value, dtype=float)))
    logged[LABEL] = logged[LABEL].map(lambda v: v.tolist() if np.ndim(v) else float(v))
    return logged


def image_size_of(learn) -> int:
    """The side, in pixels, that a learner's images were resized to in training."""
    from fastai.vision.augment import Resize

    for transform in learn.dls.after_item.fs:
        if isinstance(transform, Resize):
            return int(max(transform.size))
    raise ValueError("this learner does not resize its images; it is not an image learner")


def load_learner_here(path):
    """``load_learner`` onto the device this machine has (the GPU if any), saying which.

    A learner exported on a GPU loads on a CPU-only machine, and the reverse.
    """
    from fastai.learner import load_learner

    import torch

    learn = load_learner(path, cpu=not torch.cuda.is_available())
    logger.info("loaded %s on %s", Path(path).name, describe_device())
    return learn


def balanced_loss(dls, spec: CompetitionSpec, balance: str):
    """The loss for ``balance``: None (fastai's default) or class-weighted cross-entropy."""
    from fastai.losses import CrossEntropyLossFlat

    if balance not in ("none", "weights"):
        raise ValueError(f"balance must be 'none' or 'weights', got {balance!r}")
    if balance == "none" or not spec.single_label:
        return None
    return CrossEntropyLossFlat(weight=class_weights(dls))


def class_weights(dls) -> "torch.Tensor":
    """Loss weights per class, inversely proportional to the class's training count."""
    import torch

    codes = np.asarray(train_targets(dls)).reshape(-1).astype(int)
    counts = np.bincount(codes, minlength=len(vocab_of(dls))).astype(float)
    weights = counts.sum() / (len(counts) * np.maximum(counts, 1))
    return torch.tensor(weights, dtype=torch.float32, device=dls.device)
