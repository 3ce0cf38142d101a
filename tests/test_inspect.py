"""``kagglekit inspect``: the report, its warnings, the JSON form, and --write in a project."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import kagglekit
from PIL import Image
from replicas import REPLICAS, build_replica

from kagglekit.detection import detect
from kagglekit.detection.checks import IMAGES_OPENED
from kagglekit.errors import LayoutError, SpecError, UsageError
from kagglekit.inspection import inspect_folder
from kagglekit.spec import SPEC_FILE, MetricSource, load_spec, save_spec

JSON_KEYS = {"task", "id_column", "target_columns", "submission_kind", "metric", "counts",
             "classes", "class_counts", "warnings", "differences", "spec"}


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("replicas")


def _replica(replicas: Path, slug: str, tmp_path: Path) -> Path:
    """A copy of a replica that a test may change."""
    source = replicas / slug
    if not source.exists():
        build_replica(slug, replicas)
    return Path(shutil.copytree(source, tmp_path / slug))


def _json(folder: Path, **options: bool) -> dict:
    return json.loads(inspect_folder(folder, as_json=True, write=options.get("write", False)))


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _project(folder: Path, tmp_path: Path, slug: str, **changes: object) -> Path:
    """A project folder whose competition.yaml is the detected spec, with ``changes``."""
    project = tmp_path / "project"
    project.mkdir()
    spec = detect(folder, slug).spec.model_copy(update={"data_dir": str(folder), **changes})
    save_spec(spec, project / SPEC_FILE)
    return project


# ---------------------------------------------------------------------------------------
# A plain competition folder
# ---------------------------------------------------------------------------------------


def test_the_report_says_what_a_project_would_be_built_from(
    replicas: Path, tmp_path: Path
) -> None:
    folder = _replica(replicas, "paddy-disease-classification", tmp_path)
    text = inspect_folder(folder, as_json=False, write=False)
    lines = text.splitlines()
    assert lines[0] == f"inspected {folder}"
    expected = [
        "task        image classification",
        "training    16 items: rows of train.csv, each one's file at "
        "train_images/{label}/{image_id}",
        "labels      label (class names), 4 classes",
        "test        6 items: the ids of sample_submission.csv, each one's file at "
        "test_images/{image_id}",
        "submission  sample_submission.csv (image_id,label): the predicted class [label]",
        "metric      accuracy (higher is better), from kagglekit's table of well-known "
        "competitions",
        "images      22 opened, sizes 24x32, modes RGB",
    ]
    for line in expected:
        assert line in lines
    assert any(line.split() == ["blast", "4"] for line in lines)
    assert "warnings" not in lines


@pytest.mark.parametrize("slug", [
    "dog-breed-identification", "digit-recognizer", "house-prices-advanced-regression-techniques",
    "planet-understanding-the-amazon-from-space", "histopathologic-cancer-detection",
])
def test_json_holds_the_detected_facts(replicas: Path, tmp_path: Path, slug: str) -> None:
    expected = REPLICAS[slug].expected
    data = _json(_replica(replicas, slug, tmp_path))
    assert JSON_KEYS <= set(data)
    assert data["task"] == expected["task"]
    assert data["id_column"] == expected["id_column"]
    assert data["target_columns"] == expected["target_columns"]
    assert data["submission_kind"] == expected["submission_kind"]
    assert data["metric"] == expected["metric"]
    assert data["counts"] == {"train": expected["n_train"], "test": expected["n_test"]}
    assert data["classes"] == expected["classes"]
    assert data["warnings"] == [] and data["differences"] == []


def test_many_classes_show_the_biggest_and_count_the_rest(tmp_path: Path) -> None:
    for n in range(15):
        for k in range(1 + n % 4 + (10 if n == 7 else 0)):
            _png(tmp_path / "train" / f"class_{n:02d}" / f"{n}_{k}.png")
    _png(tmp_path / "test" / "t1.png")
    _write_rows(tmp_path / "sample_submission.csv", [["id", "label"], ["t1.png", "class_00"]])
    text = inspect_folder(tmp_path, as_json=False, write=False)
    lines = text.splitlines()
    first = lines.index("labels      the class folders' names (class names), 15 classes")
    assert lines[first + 1].split() == ["class_07", "14"]
    assert lines[first + 11].strip() == "... and 5 more"


def _png(path: Path, shade: int = 90) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (6, 4), (shade, shade, shade)).save(path)


# ---------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------


def test_warns_of_ids_without_files_and_files_without_ids(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "aptos2019-blindness-detection", tmp_path)
    first_id = _rows(folder / "train.csv")[1][0]
    (folder / "train_images" / f"{first_id}.png").unlink()
    _png(folder / "train_images" / "stray.png")
    test_id = _rows(folder / "test.csv")[1][0]
    (folder / "test_images" / f"{test_id}.png").unlink()

    warnings = _json(folder)["warnings"]
    assert f"1 of 20 training ids name no file (e.g. {first_id}); they are skipped in " \
        "training" in warnings
    assert f"1 of 6 test ids name no file (e.g. {test_id}); the submission needs a " \
        "prediction for each" in warnings
    assert "1 image file in the training folder train_images/ named by no id " \
        "(e.g. train_images/stray.png)" in warnings

    made = kagglekit("new", "aptos2019-blindness-detection", str(tmp_path / "project"),
                     "--data", str(folder))
    assert made.code == 0, made.stderr
    assert f"warning: 1 of 6 test ids name no file (e.g. {test_id}); the submission needs " \
        "a prediction for each (see `kagglekit inspect`)" in made.stderr


def test_warns_of_submitted_classes_without_training_items(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "dog-breed-identification", tmp_path)
    rows = _rows(folder / "labels.csv")
    kept = [row for row in rows if row[1] != "boston_bull"]
    single = [row for row in kept[1:] if row[1] == "affenpinscher"]
    kept = [row for row in kept if row not in single[1:]]
    _write_rows(folder / "labels.csv", kept)

    data = _json(folder)
    assert data["classes"] == ["affenpinscher", "black-and-tan_coonhound",
                               "curly-coated_retriever"]
    assert "the submission has columns for 1 class that no training item carries: " \
        "boston_bull" in data["warnings"]
    assert "1 class with a single training item (affenpinscher): they cannot be in both " \
        "the training and the validation split" in data["warnings"]


def test_warns_of_sample_labels_that_training_lacks(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "synthetic-dotted-ids", tmp_path)
    rows = _rows(folder / "sample_submission.csv")
    rows[1][1] = "washer"
    _write_rows(folder / "sample_submission.csv", rows)
    assert "the sample submission shows 1 label that no training item carries: washer" in \
        _json(folder)["warnings"]


def test_warns_of_unreadable_images(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "histopathologic-cancer-detection", tmp_path)
    broken = sorted((folder / "train").iterdir())[0]
    broken.write_bytes(b"not an image")
    data = _json(folder)
    assert data["images"]["opened"] == 16
    assert data["images"]["unreadable"] == [f"train/{broken.name}"]
    assert any(w.startswith("1 of 16 images opened cannot be read") for w in data["warnings"])


def test_opens_only_a_spread_sample_of_many_images(tmp_path: Path) -> None:
    _png(tmp_path / "model.png")
    png = (tmp_path / "model.png").read_bytes()
    (tmp_path / "model.png").unlink()
    rows = [["id", "label"]]
    for n in range(600):
        folder = tmp_path / ("train" if n < 500 else "test")
        folder.mkdir(exist_ok=True)
        (folder / f"{n}.png").write_bytes(png if n != 0 else b"broken")
        if n < 500:
            rows.append([str(n), "ab"[n % 2]])
    _write_rows(tmp_path / "train.csv", rows)
    _write_rows(tmp_path / "sample_submission.csv",
                [["id", "label"]] + [[str(n), "a"] for n in range(500, 600)])
    data = _json(tmp_path)
    assert data["images"]["opened"] == IMAGES_OPENED
    assert data["images"]["unreadable"] == ["train/0.png"]


# ---------------------------------------------------------------------------------------
# A project: differences with competition.yaml, --write, and a wrong field
# ---------------------------------------------------------------------------------------


def test_a_project_shows_how_detection_differs_field_by_field(
    replicas: Path, tmp_path: Path
) -> None:
    slug = "aptos2019-blindness-detection"
    folder = _replica(replicas, slug, tmp_path)
    project = _project(folder, tmp_path, slug)
    spec_text = (project / SPEC_FILE).read_text()
    (project / SPEC_FILE).write_text(
        spec_text.replace("train_images/{id_code}.png", "train_images/{id_code}.jpg")
        .replace("- '4'\n", "")
    )
    data = _json(project)
    assert data["differences"] == [
        {"field": "train.file_pattern", "competition_yaml": "train_images/{id_code}.jpg",
         "detected": "train_images/{id_code}.png"},
        {"field": "classes", "competition_yaml": ["0", "1", "2", "3"],
         "detected": ["0", "1", "2", "3", "4"]},
    ]
    text = inspect_folder(project, as_json=False, write=False)
    assert '  - train.file_pattern: "train_images/{id_code}.jpg" -> ' \
        '"train_images/{id_code}.png"' in text.splitlines()
    assert not (project / (SPEC_FILE + ".bak")).exists()


def test_write_keeps_what_detection_cannot_know(replicas: Path, tmp_path: Path) -> None:
    slug = "histopathologic-cancer-detection"
    folder = _replica(replicas, slug, tmp_path)
    spec = detect(folder, slug).spec
    metric = spec.metric.model_copy(update={"name": "log_loss", "higher_is_better": False,
                                            "source": MetricSource.USER})
    project = _project(folder, tmp_path, slug, title="Cancer, my notes", kernels_only=True,
                       solution_file=".kagglekit/solution.csv", metric=metric)
    old = (project / SPEC_FILE).read_text()
    (project / SPEC_FILE).write_text(old.replace("train/{id}.tif", "train/{id}.png"))

    text = inspect_folder(project, as_json=False, write=True)
    assert text.splitlines()[-1] == f"wrote {project / SPEC_FILE} (the old one is kept as " \
        f"{project / SPEC_FILE}.bak)"
    written = load_spec(project / SPEC_FILE)
    assert written.train.file_pattern == "train/{id}.tif"
    assert written.title == "Cancer, my notes"
    assert written.kernels_only and written.solution_file == ".kagglekit/solution.csv"
    assert (written.metric.name, written.metric.source.value) == ("log_loss", "user")
    assert written.data_dir == str(folder)
    assert "train/{id}.png" in (project / (SPEC_FILE + ".bak")).read_text()
    assert _json(project)["differences"] == []


def test_write_keeps_a_metric_edited_by_hand_and_every_backup(
    replicas: Path, tmp_path: Path
) -> None:
    slug = "synthetic-dotted-ids"
    folder = _replica(replicas, slug, tmp_path)
    project = _project(folder, tmp_path, slug)
    detected = load_spec(project / SPEC_FILE).metric
    assert detected.source is MetricSource.DEFAULT and detected.name != "macro_f1"
    edited = (project / SPEC_FILE).read_text().replace(
        f"name: {detected.name}", "name: macro_f1  # my choice"
    )
    (project / SPEC_FILE).write_text(edited)

    first = inspect_folder(project, as_json=False, write=True)
    second = inspect_folder(project, as_json=False, write=True)

    written = load_spec(project / SPEC_FILE)
    assert (written.metric.name, written.metric.source.value) == ("macro_f1", "user")
    assert first.endswith("(the old one is kept as " f"{project / SPEC_FILE}.bak)")
    assert second.endswith("(the old one is kept as " f"{project / SPEC_FILE}.bak.2)")
    assert "# my choice" in (project / (SPEC_FILE + ".bak")).read_text()


def test_a_wrong_field_is_named_in_one_line(replicas: Path, tmp_path: Path) -> None:
    slug = "synthetic-dotted-ids"
    folder = _replica(replicas, slug, tmp_path)
    project = _project(folder, tmp_path, slug)
    text = (project / SPEC_FILE).read_text().replace("kind: label", "kind: labels")
    (project / SPEC_FILE).write_text(text)

    with pytest.raises(SpecError, match=r"submission\.kind: 'labels' is not one of"):
        inspect_folder(project, as_json=False, write=False)
    result = kagglekit("inspect", str(project))
    assert result.code == SpecError.exit_code and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "submission.kind: 'labels' is not one of" in result.stderr
    assert "kagglekit inspect --write" in result.stderr


def test_write_replaces_a_broken_spec_keeping_its_readable_fields(
    replicas: Path, tmp_path: Path
) -> None:
    slug = "synthetic-dotted-ids"
    folder = _replica(replicas, slug, tmp_path)
    project = _project(folder, tmp_path, slug, title="Parts")
    raw = yaml.safe_load((project / SPEC_FILE).read_text())
    raw["train"]["layout"] = "csv"
    (project / SPEC_FILE).write_text(yaml.safe_dump(raw))

    data = _json(project, write=True)
    assert {"field": "train.layout", "competition_yaml": "csv", "detected": "csv_ids"} in \
        data["differences"]
    written = load_spec(project / SPEC_FILE)
    assert written.title == "Parts" and written.data_dir == str(folder)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (b"\xff\xfe", "competition.yaml is not UTF-8 text"),
        (b"slug: [unclosed\n", "competition.yaml is not valid YAML: expected"),
    ],
)
def test_write_refuses_a_spec_it_cannot_read_in_one_line(
    replicas: Path, tmp_path: Path, damage: bytes, message: str
) -> None:
    slug = "synthetic-dotted-ids"
    project = _project(_replica(replicas, slug, tmp_path), tmp_path, slug)
    (project / SPEC_FILE).write_bytes((project / SPEC_FILE).read_bytes() + damage)

    result = kagglekit("inspect", str(project), "--write")

    assert result.code == SpecError.exit_code
    assert result.stderr.startswith(f"error: {message}")
    assert "so that --write can keep the fields only you know" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_command_prints_json_on_stdout(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "titanic", tmp_path)
    result = kagglekit("inspect", str(folder), "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["task"] == "tabular_classification"
    assert data["metric"] == "accuracy" and data["metric_source"] == "known"
    assert data["spec"]["submission"]["file"] == "gender_submission.csv"


def test_write_needs_a_project(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "titanic", tmp_path)
    with pytest.raises(UsageError, match="has no competition.yaml to rewrite"):
        inspect_folder(folder, as_json=False, write=True)


def test_an_unsupported_layout_ends_in_its_one_line(replicas: Path, tmp_path: Path) -> None:
    folder = _replica(replicas, "whale-categorization-playground", tmp_path)
    with pytest.raises(LayoutError, match="ranked top-5"):
        inspect_folder(folder, as_json=False, write=False)
    result = kagglekit("inspect", str(folder))
    assert result.code == LayoutError.exit_code
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("error: found")
    ]


def test_a_project_inside_the_competition_folder_is_not_read_as_data(
    replicas: Path, tmp_path: Path
) -> None:
    folder = _replica(replicas, "aptos2019-blindness-detection", tmp_path)
    before = _json(folder)
    project = folder / "my-project"
    (project / ".kagglekit").mkdir(parents=True)
    (project / "competition.yaml").write_text("slug: aptos2019-blindness-detection\n")
    shutil.copy(folder / "test.csv", project / "test_predictions.csv")
    _png(project / "runs" / "1" / "confusion_matrix.png")

    after = _json(folder)

    assert after["spec"] == before["spec"]
    assert after["warnings"] == before["warnings"]
