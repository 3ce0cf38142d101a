"""Real competitions through the official client, against the fake Kaggle API.

The `kagglekit` command runs in a subprocess aimed at the fake server the documented
way (KAGGLE_API_ENVIRONMENT=LOCALHOST and HTTP_PROXY), with HOME and the download
cache in temporary folders: nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import QUICK_PARAMS, kagglekit
from fake_kaggle import make_zip
from replicas import build_replica

APTOS = "aptos2019-blindness-detection"
RETINOPATHY = "diabetic-retinopathy-detection"


def zip_folder(folder: Path, inside: str = "") -> bytes:
    """A zip of every file under ``folder``, named ``inside/<relative path>``."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        files[f"{inside}/{name}" if inside else name] = path.read_bytes()
    return make_zip(files)


def aptos_bundle(root: Path) -> bytes:
    """APTOS as Kaggle serves it: CSV files and inner zips of the image folders."""
    folder = build_replica(APTOS, root)
    return make_zip({
        "train.csv": (folder / "train.csv").read_bytes(),
        "test.csv": (folder / "test.csv").read_bytes(),
        "sample_submission.csv": (folder / "sample_submission.csv").read_bytes(),
        "train_images.zip": zip_folder(folder / "train_images", "train_images"),
        "test_images.zip": zip_folder(folder / "test_images", "test_images"),
    })


def split_volumes(data: bytes, name: str, parts: int) -> dict[str, bytes]:
    size = -(-len(data) // parts)
    return {f"{name}.{i + 1:03d}": data[i * size:(i + 1) * size] for i in range(parts)}


def retinopathy_bundle(root: Path) -> bytes:
    """Diabetic retinopathy: multi-part volumes of the image zips, zipped CSV files."""
    folder = build_replica(RETINOPATHY, root)
    files: dict[str, bytes] = {}
    files.update(split_volumes(zip_folder(folder / "train", "train"), "train.zip", 3))
    files.update(split_volumes(zip_folder(folder / "test", "test"), "test.zip", 2))
    for csv in ("trainLabels.csv", "sampleSubmission.csv"):
        files[f"{csv}.zip"] = make_zip({csv: (folder / csv).read_bytes()})
    return make_zip(files)


@pytest.fixture
def served(fake_kaggle, tmp_path):
    fake_kaggle.add_competition(
        APTOS, aptos_bundle(tmp_path / "replicas"), title="APTOS 2019 Blindness Detection",
        evaluation_metric="Quadratic Weighted Kappa", score="0.8123",
    )
    fake_kaggle.add_competition(
        RETINOPATHY, retinopathy_bundle(tmp_path / "replicas"),
        title="Diabetic Retinopathy Detection", evaluation_metric="Quadratic Weighted Kappa",
    )
    return fake_kaggle


def test_new_downloads_detects_and_a_second_new_reuses_the_cache(served, fake_kaggle_env,
                                                                 tmp_path):
    first = kagglekit("new", APTOS, cwd=tmp_path, env=fake_kaggle_env)

    assert first.code == 0, first.stderr
    project = tmp_path / APTOS
    spec = yaml.safe_load((project / "competition.yaml").read_text())
    assert spec["title"] == "APTOS 2019 Blindness Detection"
    assert spec["metric"] == {"name": "quadratic_kappa", "higher_is_better": True,
                              "source": "metadata"}
    assert spec["train"]["file_pattern"] == "train_images/{id_code}.png"
    assert spec["train"]["label_kind"] == "ordinal"
    assert (project / "data" / "train_images").is_dir()
    assert len(served.calls("DownloadDataFiles")) == 1
    assert "%|" not in first.stderr, "no progress bar when stderr is not a terminal"

    second = kagglekit("new", APTOS, str(tmp_path / "again"), cwd=tmp_path, env=fake_kaggle_env)

    assert second.code == 0, second.stderr
    assert len(served.calls("DownloadDataFiles")) == 1
    assert (tmp_path / "again" / "data").resolve() == (project / "data").resolve()
    recorded = Path(fake_kaggle_env["KAGGLEKIT_CACHE"]) / APTOS / "projects.json"
    assert json.loads(recorded.read_text()) == sorted([str(project), str(tmp_path / "again")])


def test_a_partial_name_resolves_by_search_and_multipart_volumes_are_joined(
    served, fake_kaggle_env, tmp_path
):
    result = kagglekit("new", "diabetic-retinopathy", cwd=tmp_path, env=fake_kaggle_env)

    assert result.code == 0, result.stderr
    project = tmp_path / RETINOPATHY
    spec = yaml.safe_load((project / "competition.yaml").read_text())
    assert spec["slug"] == RETINOPATHY
    assert spec["train"]["labels_file"] == "trainLabels.csv"
    assert spec["train"]["file_pattern"] == "train/{image}.jpeg"
    assert spec["submission"]["file"] == "sampleSubmission.csv"
    assert list((project / "data" / "train").glob("*.jpeg"))


@pytest.mark.slow
def test_submit_uploads_and_prints_the_servers_score_last(served, fake_kaggle_env, tmp_path):
    assert kagglekit("new", APTOS, cwd=tmp_path, env=fake_kaggle_env).code == 0
    project = tmp_path / APTOS
    ran = kagglekit("run", *QUICK_PARAMS, "-p", "pretrained=false", cwd=project,
                    env=fake_kaggle_env)
    assert ran.code == 0, ran.stderr[-2000:]

    result = kagglekit("submit", "-m", "test", cwd=project, env=fake_kaggle_env)

    assert result.code == 0, result.stderr
    assert result.last_line == "quadratic_kappa: 0.8123"
    (upload,) = served.calls("upload")
    uploaded = upload.body.decode()
    assert uploaded.splitlines()[0] == "id_code,diagnosis"
    runs = kagglekit("runs", "--json", cwd=project, env=fake_kaggle_env)
    assert '"public_score": 0.8123' in runs.stdout


def test_without_credentials_new_says_how_to_provide_them(fake_kaggle_env, tmp_path):
    env = {k: v for k, v in fake_kaggle_env.items() if k not in ("KAGGLE_USERNAME", "KAGGLE_KEY")}
    work = tmp_path / "work"
    work.mkdir()

    result = kagglekit("new", APTOS, cwd=work, env=env)

    assert result.code == 3
    assert result.stderr.startswith("error: no Kaggle credentials found")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list(work.iterdir()) == []
    assert kagglekit("--help", env=env).code == 0


def test_rules_not_accepted_leave_no_project(fake_kaggle, fake_kaggle_env, tmp_path):
    fake_kaggle.add_competition(APTOS, make_zip({"x.csv": "a\n"}), rules_accepted=False)

    result = kagglekit("new", APTOS, cwd=tmp_path, env=fake_kaggle_env)

    assert result.code != 0
    assert f"competitions/{APTOS}/rules" in result.stderr
    assert not (tmp_path / APTOS).exists()


def hostile_zip(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("train.csv", "id,label\n1,a\n")
        if kind == "parent":
            archive.writestr("../escaped.txt", "out")
        elif kind == "absolute":
            archive.writestr("/tmp/kagglekit-absolute-escape.txt", "out")
        else:
            link = zipfile.ZipInfo("link")
            link.external_attr = (0o120777 << 16)
            archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["parent", "absolute", "link"])
def test_hostile_archives_are_refused_and_nothing_is_written(kind, tmp_path):
    archive = tmp_path / "evil.zip"
    archive.write_bytes(hostile_zip(kind))

    result = kagglekit("new", "evil", str(tmp_path / "evil"), "--data", str(archive),
                       cwd=tmp_path)

    assert result.code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [result.stderr.strip().splitlines()[-1]]
    assert "nothing of this archive was written" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "escaped.txt").exists()
    assert not Path("/tmp/kagglekit-absolute-escape.txt").exists()
    assert not (tmp_path / "evil").exists()
    assert not list(tmp_path.rglob("link"))


def fake_finished_run(project: Path) -> Path:
    """A succeeded run with test probabilities, as 03_inference leaves it (no training)."""
    import json

    import pandas as pd

    run = project / "runs" / "20260101-000000"
    run.mkdir(parents=True)
    sample = pd.read_csv(project / "data" / "sample_submission.csv", dtype=str)
    probabilities = pd.DataFrame({"id": sample["id_code"]})
    for grade in "01234":
        probabilities[grade] = 0.2
    probabilities["2"] = 0.6
    probabilities[["0", "1", "3", "4"]] = 0.1
    probabilities.to_csv(run / "test_probabilities.csv", index=False)
    (run / "run.json").write_text(json.dumps(
        {"id": run.name, "started": "2026-01-01T00:00:00+00:00", "status": "succeeded"}))
    return run


def test_a_pending_score_is_fetched_later_without_uploading_again(
    fake_kaggle, fake_kaggle_env, tmp_path
):
    fake_kaggle.add_competition(
        APTOS, aptos_bundle(tmp_path / "replicas"), evaluation_metric="Quadratic Weighted Kappa",
        score="0.6543", pending_polls=1,
    )
    assert kagglekit("new", APTOS, cwd=tmp_path, env=fake_kaggle_env).code == 0
    project = tmp_path / APTOS
    fake_finished_run(project)

    first = kagglekit("submit", "-m", "wait later", "--no-wait", cwd=project,
                      env=fake_kaggle_env)
    second = kagglekit("submit", cwd=project, env=fake_kaggle_env)
    third = kagglekit("submit", cwd=project, env=fake_kaggle_env)

    assert first.code == 0, first.stderr
    assert "still being scored" in first.stderr
    assert second.code == 0, second.stderr
    assert "still being scored" in second.stderr
    assert third.code == 0, third.stderr
    assert third.last_line == "quadratic_kappa: 0.6543"
    assert len(fake_kaggle.calls("CreateSubmission")) == 1
