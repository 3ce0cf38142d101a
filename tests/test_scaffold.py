"""`kagglekit new`: a project from the template; `--force` never loses the user's edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import copy_project, kagglekit

from kagglekit import scaffold
from kagglekit.scaffold import template_dir


def test_new_demo_makes_a_complete_project(demo_project: Path):
    for name in ("README.md", "competition.yaml", "params.yaml", ".gitignore",
                 "notebooks/01_baseline.ipynb", "notebooks/02_error_analysis.ipynb",
                 "notebooks/03_inference.ipynb", "data/train.csv", "runs"):
        assert (demo_project / name).exists(), name
    assert not (demo_project / "notebooks" / "image").exists()
    assert (demo_project / ".kagglekit" / "solution.csv").exists()
    assert "{{" not in (demo_project / "README.md").read_text()
    assert "pretrained: false" in (demo_project / "params.yaml").read_text()


def test_notebooks_are_copied_byte_for_byte(demo_project: Path):
    template = template_dir() / "{{cookiecutter.project_dir}}" / "notebooks" / "image"
    for notebook in template.glob("*.ipynb"):
        assert (demo_project / "notebooks" / notebook.name).read_bytes() == notebook.read_bytes()


def test_a_second_new_refuses_without_force(demo_project: Path, tmp_path: Path):
    project = copy_project(demo_project, tmp_path / "demo")

    result = kagglekit("new", "demo", str(project))

    assert result.code != 0
    assert "already a kagglekit project; use --force" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_force_keeps_edits_renders_untouched_files_and_leaves_data_and_runs(
    demo_project: Path, tmp_path: Path
):
    project = copy_project(demo_project, tmp_path / "demo")
    baseline = project / "notebooks" / "01_baseline.ipynb"
    edited = json.loads(baseline.read_text())
    edited["cells"][0]["source"] = ["# my own notes\n"]
    baseline.write_text(json.dumps(edited))
    readme = project / "README.md"
    readme.unlink()
    (project / "runs" / "keep-me").mkdir()
    (project / "data" / "mine.txt").write_text("mine")
    untouched = project / "notebooks" / "03_inference.ipynb"
    untouched_before = untouched.read_bytes()

    result = kagglekit("new", "demo", str(project), "--force")

    assert result.code == 0, result.stderr
    assert json.loads(baseline.read_text())["cells"][0]["source"] == ["# my own notes\n"]
    assert (project / "notebooks" / "01_baseline.ipynb.new").exists()
    assert readme.exists()
    assert untouched.read_bytes() == untouched_before
    assert not (project / "notebooks" / "03_inference.ipynb.new").exists()
    assert (project / "runs" / "keep-me").is_dir()
    assert (project / "data" / "mine.txt").read_text() == "mine"
    assert "kept your notebooks/01_baseline.ipynb" in result.stderr


def test_new_into_a_folder_with_other_files_refuses(tmp_path: Path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")

    result = kagglekit("new", "demo", str(folder))

    assert result.code != 0
    assert "exists and is not empty" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_failed_new_leaves_nothing_behind(tmp_path: Path):
    data = tmp_path / "competition"
    data.mkdir()
    (data / "readme.txt").write_text("no tables here")

    result = kagglekit("new", "odd", str(tmp_path / "odd"), "--data", str(data))

    assert result.code != 0
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "odd").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["competition"]


def test_binary_and_jinja_looking_files_in_the_template_are_copied_unchanged(
    tmp_path: Path, monkeypatch
):
    template = tmp_path / "template"
    shutil.copytree(template_dir(), template)
    root = template / "{{cookiecutter.project_dir}}"
    binaries = {
        "assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\xff\xfe{{ not jinja }}",
        "assets/font.ttf": b"\x00\x01\x00\x00\x00\x0f\x80\x00\xff",
        "models/dummy.pkl": b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00\x8c\x01a\x94.",
    }
    for relative, data in binaries.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    braces = root / "notebooks" / "image" / "01_baseline.ipynb"
    braces.write_text(braces.read_text() + '\n{"x": "f\\"{{literal}}\\" {% if a %}"}\n')
    monkeypatch.setattr(scaffold, "template_dir", lambda: template)

    scaffold.render(tmp_path / "project", {"slug": "logo"}, "image", {})

    project = tmp_path / "project"
    for relative, data in binaries.items():
        assert (project / relative).read_bytes() == data, relative
    assert (project / "notebooks" / "01_baseline.ipynb").read_bytes() == braces.read_bytes()
