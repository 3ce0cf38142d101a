"""Notebook plumbing: validation splits, and the fallback when weights cannot be fetched."""

from __future__ import annotations

import logging
import urllib.error

import pandas as pd
import pytest

from kagglekit import learner
from kagglekit.items import FILE, GROUP, LABEL
from kagglekit.learner import split_items


def items_of(labels, groups=None) -> pd.DataFrame:
    groups = groups or [str(i) for i in range(len(labels))]
    return pd.DataFrame({FILE: [f"{i}.png" for i in range(len(labels))], LABEL: labels,
                         GROUP: groups})


def test_items_of_one_group_stay_on_one_side():
    # Two eyes per patient: 10_left and 10_right must not be split up.
    patients = [str(i // 2) for i in range(40)]
    items = items_of(["a", "b"] * 20, patients)

    train, valid = split_items(items, 0.25, seed=1, stratify=False)

    train_groups = set(items[GROUP].iloc[train])
    valid_groups = set(items[GROUP].iloc[valid])
    assert train_groups.isdisjoint(valid_groups)
    assert sorted(train + valid) == list(range(40))


def test_a_stratified_split_keeps_every_class_in_training_and_singletons_out_of_validation():
    labels = ["common"] * 30 + ["rare"] * 2 + ["single"]
    items = items_of(labels)

    train, valid = split_items(items, 0.2, seed=3, stratify=True)

    trained = set(items[LABEL].iloc[train])
    assert trained == {"common", "rare", "single"}
    assert "single" not in set(items[LABEL].iloc[valid])
    assert list(items[LABEL].iloc[valid]).count("common") == 6


def test_the_same_seed_gives_the_same_split():
    items = items_of(["a", "b", "c"] * 10)

    assert split_items(items, 0.3, 7, True) == split_items(items, 0.3, 7, True)
    assert split_items(items, 0.3, 7, True) != split_items(items, 0.3, 8, True)


def test_unavailable_weights_mean_training_from_scratch_with_a_notice(tmp_path, monkeypatch,
                                                                      caplog):
    from fastai.vision import learner as fastai_learner

    from kagglekit.demo import build_demo
    from kagglekit.detection import detect
    from kagglekit.items import training_items
    from kagglekit.learner import image_dataloaders, make_vision_learner

    build_demo(tmp_path / "data", tmp_path / "solution.csv")
    spec = detect(tmp_path / "data", "demo", kaggle_metric="accuracy").spec
    items = training_items(spec, tmp_path / "data", tmp_path / "cache").head(60)
    dls = image_dataloaders(spec, items, split_items(items, 0.2, 0, False), 16, 8)

    real = fastai_learner.create_vision_model

    def weights_unreachable(*args, pretrained=True, **kwargs):
        if pretrained:
            raise urllib.error.URLError("no route to the weights")
        return real(*args, pretrained=pretrained, **kwargs)

    monkeypatch.setattr(fastai_learner, "create_vision_model", weights_unreachable)
    # kagglekit's logger may not propagate (the CLI and notebooks configure it): listen on it.
    kagglekit_logger = logging.getLogger("kagglekit")
    kagglekit_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="kagglekit"):
            learn = make_vision_learner(dls, "resnet18", pretrained=True)
    finally:
        kagglekit_logger.removeHandler(caplog.handler)

    assert learn.pretrained is False
    notices = [r.getMessage() for r in caplog.records if "pretrained weights" in r.getMessage()]
    assert set(notices) == {"notice: pretrained weights for resnet18 are unavailable (URLError); "
                            "training from scratch"}


def test_an_unknown_architecture_is_named(tmp_path):
    from kagglekit.learner import make_vision_learner

    with pytest.raises(ValueError, match="unknown architecture 'resnet_nonesuch'"):
        make_vision_learner(None, "resnet_nonesuch", pretrained=False)


@pytest.mark.parametrize(
    ("arch", "size", "epochs", "hint"),
    [
        ("resnet34", 224, 5, "; for a quick run use -p arch=resnet18 -p size=64 -p epochs=1"),
        ("resnet18", 224, 1, "; for a quick run use -p size=64"),
        ("resnet18", 32, 1, ""),
    ],
)
def test_the_cpu_notice_suggests_only_what_makes_the_run_quicker(
    monkeypatch, caplog, arch, size, epochs, hint
):
    monkeypatch.setattr(learner, "describe_device", lambda: "CPU (2 cores)")
    caplog.set_level("WARNING", logger="kagglekit")

    learner.cpu_notice(1, epochs, size, arch)

    assert caplog.records[-1].getMessage().endswith(f"of {arch} at {size} px{hint}")
    assert "1 image x" in caplog.text
