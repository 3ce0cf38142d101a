"""``kagglekit predict``: batched predictions of image files with an exported learner."""

from __future__ import annotations

import io
import logging
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import kagglekit

from kagglekit.errors import DataError, UsageError
from kagglekit.project import SOLUTION_FILE
from kagglekit.predict import (
    COLUMNS,
    check_threshold,
    find_images,
    load_model,
    predict,
    predict_files,
    predict_one,
    recorded_threshold,
)

COLOURS = {"red": (200, 30, 30), "green": (30, 200, 30), "blue": (30, 30, 200)}
TAGS = {"red": "warm bright", "green": "cool bright", "blue": "cool"}


def _write_image(path: Path, colour: tuple[int, int, int], seed: int) -> Path:
    from PIL import Image

    noise = np.random.default_rng(seed).integers(0, 40, (16, 16, 3))
    pixels = np.clip(np.array(colour) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """18 small coloured squares, img00.png ... img17.png, six of each colour."""
    folder = tmp_path_factory.mktemp("images")
    names = list(COLOURS)
    return [
        _write_image(folder / f"img{i:02d}.png", COLOURS[names[i % 3]], i) for i in range(18)
    ]


def _export(images: list[Path], kind: str, path: Path) -> Path:
    """An untrained resnet18 learner of the given kind, exported to ``path``."""
    from fastai.data.block import CategoryBlock, DataBlock, MultiCategoryBlock, RegressionBlock
    from fastai.data.transforms import ColReader, IndexSplitter
    from fastai.vision.augment import Resize
    from fastai.vision.data import ImageBlock

    from kagglekit.learner import make_vision_learner

    colours = [list(COLOURS)[i % 3] for i in range(len(images))]
    labels = {
        "single": colours,
        "multi": [TAGS[c] for c in colours],
        "regression": [float(i) for i in range(len(images))],
    }[kind]
    block = {
        "single": CategoryBlock(),
        "multi": MultiCategoryBlock(),
        "regression": RegressionBlock(),
    }[kind]
    rows = pd.DataFrame({"file": [str(p) for p in images], "label": labels})
    dls = DataBlock(
        blocks=(ImageBlock, block),
        get_x=ColReader("file"),
        get_y=ColReader("label", label_delim=" " if kind == "multi" else None),
        splitter=IndexSplitter(list(range(0, len(images), 4))),
        item_tfms=Resize(16),
    ).dataloaders(rows, bs=4, num_workers=0)
    learn = make_vision_learner(dls, "resnet18", pretrained=False)
    learn.export(path)
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory, images: list[Path]) -> dict[str, Path]:
    """Untrained exported learners (nothing to learn from: only their outputs matter)."""
    folder = tmp_path_factory.mktemp("models")
    return {kind: _export(images, kind, folder / f"{kind}.pkl")
            for kind in ("single", "multi", "regression")}


# Finding the images.


def test_images_come_in_the_order_given_and_folders_sorted(tmp_path: Path):
    folder = tmp_path / "test"
    folder.mkdir()
    for name in ("b.png", "a.png", "c.JPG"):
        _write_image(folder / name, (0, 0, 0), 0)
    (folder / "notes.txt").write_text("not an image")
    (folder / "nested").mkdir()
    _write_image(folder / "nested" / "d.png", (0, 0, 0), 0)
    single = _write_image(tmp_path / "z.png", (0, 0, 0), 0)

    found = find_images([str(single), str(folder), str(tmp_path / "test" / "**" / "*.png")])

    assert found == [
        str(single),
        str(folder / "a.png"),
        str(folder / "b.png"),
        str(folder / "c.JPG"),
        str(folder / "a.png"),
        str(folder / "b.png"),
        str(folder / "nested" / "d.png"),
    ]


def test_paths_that_give_no_images_are_one_clear_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "classes" / "cat").mkdir(parents=True)
    _write_image(tmp_path / "classes" / "cat" / "1.png", (0, 0, 0), 0)
    (tmp_path / "labels.csv").write_text("id,label\n")

    with pytest.raises(UsageError, match="no such file or folder"):
        find_images([str(tmp_path / "missing")])
    with pytest.raises(UsageError, match="is not an image file"):
        find_images([str(tmp_path / "labels.csv")])
    with pytest.raises(DataError, match=r"no images in .*empty$"):
        find_images([str(tmp_path / "empty")])
    hint = r"subfolders hold some: use the glob '.*classes/\*\*/\*\.png'"
    with pytest.raises(DataError, match=hint):
        find_images([str(tmp_path / "classes")])
    with pytest.raises(DataError, match="no image file matches"):
        find_images([str(tmp_path / "*.jpg")])


# Thresholds.


@pytest.mark.parametrize("value", [1.5, -0.1, float("nan"), "high", True, None])
def test_a_threshold_outside_zero_to_one_is_refused(value):
    with pytest.raises(UsageError, match="--threshold must be a number between 0 and 1"):
        check_threshold(value)


def test_the_threshold_recorded_beside_the_model_is_the_default(tmp_path: Path):
    model = tmp_path / "model.pkl"

    assert recorded_threshold(model, "single-label") == (0.5, "the default")

    (tmp_path / "metrics.json").write_text('{"threshold": 0.83, "valid_score": 0.9}')
    (tmp_path / "thresholds.json").write_text('{"cool": 0.3, "warm": 0.6}')

    assert recorded_threshold(model, "single-label") == (0.83, str(tmp_path / "metrics.json"))
    assert recorded_threshold(model, "multi-label") == (
        {"cool": 0.3, "warm": 0.6},
        str(tmp_path / "thresholds.json"),
    )

    (tmp_path / "metrics.json").write_text('{"threshold": 3}')
    with pytest.raises(UsageError, match=r"metrics.json must be a number between 0 and 1, got 3"):
        recorded_threshold(model, "single-label")


# Single items and batches are not confused (CASES #1).


def test_a_list_given_to_the_single_item_helper_fails_fast(images):
    with pytest.raises(UsageError, match="expects one item, got a list of 3; use batch inference"):
        predict_one(None, [str(p) for p in images[:3]])
    with pytest.raises(UsageError, match="expects one item, got a tuple of 2"):
        predict_one(None, (images[0], images[1]))


def test_one_path_given_to_the_batch_helper_fails_fast(images):
    with pytest.raises(UsageError, match="expects a list of image files, got one path"):
        predict_files(None, str(images[0]))


# Predictions.


def test_batched_predictions_equal_learn_predict_in_any_order(models, images):
    learn = load_model(models["single"])
    files = [str(p) for p in images]
    random.Random(7).shuffle(files)

    result = predict_files(learn, files, threshold=0.5)

    assert list(result.table.columns) == COLUMNS
    assert result.table["file"].tolist() == files
    assert result.vocab == ["blue", "green", "red"]
    with learn.no_bar():
        for row, file in enumerate(files):
            label, _, probabilities = learn.predict(file)
            np.testing.assert_allclose(result.probabilities[row], probabilities.numpy(), atol=1e-5)
            assert result.table["label"].iloc[row] == label
            assert result.table["confidence"].iloc[row] == pytest.approx(
                float(probabilities.max()), abs=1e-5
            )
    one = predict_one(learn, files[0])
    assert one["label"] == result.table["label"].iloc[0]
    assert one["confidence"] == pytest.approx(result.table["confidence"].iloc[0], abs=1e-5)


def test_unknown_means_below_the_threshold(models, images):
    learn = load_model(models["single"])
    files = [str(p) for p in images[:6]]

    never = predict_files(learn, files, threshold=0.0).table
    always = predict_files(learn, files, threshold=1.0).table
    middle = float(np.median(always["confidence"]))
    some = predict_files(learn, files, threshold=middle).table

    assert not never["unknown"].any()
    assert always["unknown"].all()
    assert (some["unknown"] == (some["confidence"] < middle)).all()
    assert (some["label"] == never["label"]).all()  # the label is the top class regardless


def test_a_threshold_at_or_below_one_over_classes_is_warned_about(models, images, caplog):
    learn = load_model(models["single"])

    with caplog.at_level(logging.WARNING, logger="kagglekit"):
        predict_files(learn, [str(images[0])], threshold=0.3)

    assert "no prediction can fall below it" in caplog.text


def test_multi_label_gives_the_labels_reaching_the_threshold(models, images):
    learn = load_model(models["multi"])
    files = [str(p) for p in images[:6]]

    everything = predict_files(learn, files, threshold=0.0)
    nothing = predict_files(learn, files, threshold=1.0)
    per_label = predict_files(learn, files, threshold={"bright": 0.0, "cool": 1.0, "warm": 1.0})

    assert everything.vocab == ["bright", "cool", "warm"]
    assert (everything.table["label"] == "bright cool warm").all()
    assert not everything.table["unknown"].any()
    tops = [everything.vocab[i] for i in everything.probabilities.argmax(1)]
    assert nothing.table["label"].tolist() == tops
    assert nothing.table["unknown"].all()
    assert (per_label.table["label"] == "bright").all()
    np.testing.assert_allclose(
        everything.table["confidence"], everything.probabilities.max(1), atol=1e-6
    )


def test_tta_works_on_a_freshly_loaded_learner(models, images):
    learn = load_model(models["single"])

    result = predict_files(learn, [str(p) for p in images[:4]], tta=True)

    assert len(result.table) == 4
    np.testing.assert_allclose(result.probabilities.sum(1), 1, atol=1e-4)


def test_unreadable_images_are_skipped_and_named(models, images, tmp_path, caplog):
    folder = tmp_path / "test"
    folder.mkdir()
    for image in images[:5]:
        shutil.copy(image, folder / image.name)
    (folder / "img02.png").write_bytes(b"this is no image")
    whole = (folder / "img03.png").read_bytes()
    (folder / "img03.png").write_bytes(whole[: len(whole) // 2])  # header fine, data cut short
    learn = load_model(models["single"])

    with caplog.at_level(logging.WARNING, logger="kagglekit"):
        result = predict_files(learn, find_images([str(folder)]))

    kept = ["img00.png", "img01.png", "img04.png"]
    assert result.table["file"].tolist() == [str(folder / name) for name in kept]
    assert result.skipped == [str(folder / "img02.png"), str(folder / "img03.png")]
    assert "skipped 2 unreadable images" in caplog.text
    assert "img02.png" in caplog.text and "img03.png" in caplog.text


def test_when_no_image_can_be_read_that_is_the_error(models, tmp_path):
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "b.png").write_bytes(b"GIF89a")

    files = [str(tmp_path / name) for name in ("a.png", "b.png")]
    with pytest.raises(DataError, match="no image can be read among 2 files"):
        predict_files(load_model(models["single"]), files)


def _as_if_saved_on_gpu(model: Path, copy: Path) -> Path:
    """A copy of an exported learner whose tensors say they were saved on ``cuda:1``."""
    with zipfile.ZipFile(model) as source, zipfile.ZipFile(copy, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.endswith("data.pkl"):  # pickle protocol 2: length, then text
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:1")
            target.writestr(entry, data)
    return copy


def test_a_learner_exported_on_a_gpu_loads_on_whatever_device_there_is(models, images, tmp_path):
    from fastai.torch_core import default_device

    moved = _as_if_saved_on_gpu(models["single"], tmp_path / "gpu.pkl")
    with zipfile.ZipFile(moved) as archive:
        pickled = next(name for name in archive.namelist() if name.endswith("data.pkl"))
        assert b"cuda:1" in archive.read(pickled)

    learn = load_model(moved)
    result = predict_files(learn, [str(images[0])])

    assert next(learn.model.parameters()).device.type == default_device().type
    expected = predict_files(load_model(models["single"]), [str(images[0])])
    np.testing.assert_allclose(result.probabilities, expected.probabilities, atol=1e-5)


# Models that cannot be used.


def test_learners_that_are_no_image_classifier_are_refused(models, tmp_path):
    from fastai.tabular.all import TabularDataLoaders, tabular_learner

    with pytest.raises(UsageError, match="not a classifier .*takes classifiers only"):
        load_model(models["regression"])

    table = pd.DataFrame({"x": np.arange(20.0), "y": ["a", "b"] * 10})
    tabular = tabular_learner(TabularDataLoaders.from_df(table, cont_names=["x"], y_names="y"))
    tabular.export(tmp_path / "tabular.pkl")
    with pytest.raises(UsageError, match="not an image learner"):
        load_model(tmp_path / "tabular.pkl")


def test_files_that_are_no_learner_are_refused(tmp_path):
    import torch

    (tmp_path / "notes.pkl").write_text("hello")
    torch.save({"weight": torch.zeros(2)}, tmp_path / "weights.pth")

    with pytest.raises(UsageError, match="no such model file"):
        load_model(tmp_path / "missing.pkl")
    with pytest.raises(UsageError, match=r"notes.pkl is not an exported fastai learner \("):
        load_model(tmp_path / "notes.pkl")
    with pytest.raises(UsageError, match=r"weights.pth is not an exported fastai learner .*"
                       r"learn.export\(\) writes one, learn.save\(\) only weights"):
        load_model(tmp_path / "weights.pth")


EXPORT_NEEDING_A_HELPER = """
import sys
import pandas as pd
from fastai.vision.all import *
{definition}

files = sys.argv[1:-1]
rows = pd.DataFrame({{"file": files, "label": ["a", "b"] * (len(files) // 2)}})
dls = DataBlock(blocks=(ImageBlock, CategoryBlock), get_x=ColReader("file"), get_y=colour_of,
                splitter=IndexSplitter([0]), item_tfms=Resize(16)).dataloaders(rows, bs=2)
learn = vision_learner(dls, resnet18, pretrained=False)
learn.export(sys.argv[-1]{pickle_module})
"""


@pytest.mark.parametrize(
    ("definition", "pickle_module", "message"),
    [
        # fastai pickles the exporter's own functions by value, except with plain pickle.
        ("def colour_of(row):\n    return row['label']", ", pickle_module=pickle",
         "needs 'colour_of', which was defined in the notebook or script that exported it; "
         "move colour_of into an importable module"),
        ("from colour_helpers import colour_of", "",
         "needs colour_helpers.colour_of, which cannot be imported here (No module named "
         "'colour_helpers'); make 'colour_helpers' importable"),
    ],
    ids=["notebook-function", "module-not-importable"],
)
def test_a_learner_needing_a_missing_helper_names_it(
    images, tmp_path, definition, pickle_module, message
):
    (tmp_path / "colour_helpers.py").write_text("def colour_of(row):\n    return row['label']\n")
    script = tmp_path / "train.py"
    script.write_text(
        EXPORT_NEEDING_A_HELPER.format(definition=definition, pickle_module=pickle_module)
    )
    model = tmp_path / "model.pkl"
    files = [str(p) for p in images[:4]]
    done = subprocess.run([sys.executable, str(script), *files, str(model)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]

    with pytest.raises(UsageError, match=re.escape(message)):
        load_model(model)


# The command.


def test_the_command_writes_the_csv_in_input_order_from_any_folder(models, images, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    files = [str(images[5]), str(images[1]), str(images[3])]

    printed = kagglekit("predict", str(models["single"]), *files, cwd=elsewhere)
    written = kagglekit("predict", str(models["single"]), *files, "--threshold", "0.9",
                        "-o", "out/predictions.csv", cwd=elsewhere)

    assert printed.code == 0, printed.stderr
    table = pd.read_csv(io.StringIO(printed.stdout))
    assert list(table.columns) == COLUMNS
    assert table["file"].tolist() == files
    assert set(table["label"]) <= set(COLOURS)
    assert "predicting on CPU" in printed.stderr
    assert written.code == 0, written.stderr
    assert written.stdout.strip() == str(Path("out") / "predictions.csv")
    saved = pd.read_csv(elsewhere / "out" / "predictions.csv")
    assert saved["file"].tolist() == files
    assert (saved["unknown"] == (saved["confidence"] < 0.9)).all()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing.pkl", "{image}"], "error: missing.pkl: no such model file"),
        (["{model}", "nowhere/"], "error: nowhere/: no such file or folder"),
        (["{model}", "{image}", "--threshold", "2"],
         "error: --threshold must be a number between 0 and 1, got 2.0"),
        (["{model}", "{image}", "--batch-size", "0"], "error: --batch-size must be at least 1"),
        (["{image}", "{image}"], "error: {image} is not an exported fastai learner"),
        (["missing.pkl", "{image}", "-o", "{folder}"], "error: {folder} is a folder; give a"),
        (["missing.pkl", "{image}", "-o", "{image}/out.csv"],
         "error: cannot write {image}/out.csv: {image} is a file, not a folder"),
        (["{model}", "{image}", "-o", "{image}"],
         "error: -o {image} would overwrite one of the inputs"),
        (["{model}", "{image}", "-o", "{model}"],
         "error: -o {model} would overwrite one of the inputs"),
        (["{model}", "{image}", "-o", "{notes}"],
         "error: -o {notes} exists and is not a CSV file: choose a name ending in .csv"),
    ],
)
def test_a_mistake_on_the_command_line_is_one_line(models, images, tmp_path, arguments, message):
    (tmp_path / "notes.txt").write_text("mine")
    values = {"model": str(models["single"]), "image": str(images[0]), "folder": str(tmp_path),
              "notes": str(tmp_path / "notes.txt")}
    before = {name: Path(values[name]).read_bytes() for name in ("model", "image", "notes")}
    result = kagglekit("predict", *[a.format(**values) for a in arguments], cwd=tmp_path)

    assert result.code != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message.format(**values))
    assert {name: Path(values[name]).read_bytes() for name in before} == before


# The trained demo.


@pytest.mark.slow
def test_on_the_trained_demo_batches_equal_learn_predict(trained_demo, tmp_path):
    import json

    from fastai.learner import load_learner

    project, _ = trained_demo
    run = next(p for p in sorted((project / "runs").iterdir()) if (p / "model.pkl").exists())
    test_files = sorted((project / "data" / "test").glob("*.png"))
    chosen = [str(p) for p in test_files[:12]]
    random.Random(3).shuffle(chosen)

    result = predict(run / "model.pkl", chosen)

    recorded = json.loads((run / "metrics.json").read_text())["threshold"]
    assert result.threshold == pytest.approx(recorded)
    assert result.table["file"].tolist() == chosen
    learn = load_learner(run / "model.pkl")
    with learn.no_bar():
        for row, file in enumerate(chosen):
            label, _, probabilities = learn.predict(file)
            assert result.table["label"].iloc[row] == label
            np.testing.assert_allclose(result.probabilities[row], probabilities.numpy(), atol=1e-5)

    folder = predict(run / "model.pkl", [str(project / "data" / "test")], threshold=0.5)
    assert folder.table["file"].tolist() == [str(p) for p in test_files]
    answers = pd.read_csv(project / SOLUTION_FILE, dtype=str)
    truth = dict(zip(answers["id"], answers["label"]))
    correct = [truth[Path(file).stem] == label
               for file, label in zip(folder.table["file"], folder.table["label"])]
    assert np.mean(correct) > 0.8
