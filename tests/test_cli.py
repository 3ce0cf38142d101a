"""The command line: fast help, and parameter errors as one line before any other output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import kagglekit


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from kagglekit.cli import app; "
        "import typer.main as m; m.get_command(app); "
        "heavy = [n for n in ('torch', 'fastai', 'pandas', 'kaggle', 'papermill', 'sklearn') "
        "if n in sys.modules]; print(','.join(heavy))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == ""


def test_help_lists_the_commands():
    result = kagglekit("--help")

    assert result.code == 0
    for command in ("new", "run", "submit", "inspect", "runs"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("epochs=oops", "error: parameter 'epochs' expects an integer, got 'oops'"),
        ("nosuchparam=1", "error: unknown parameter 'nosuchparam': no notebook of this run"),
        ("lr", "error: -p 'lr' must look like key=value"),
    ],
)
def test_a_bad_parameter_is_one_line_and_nothing_else(demo_project: Path, option, message):
    result = kagglekit("run", "-p", option, cwd=demo_project)

    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)
    assert not (demo_project / "runs").exists() or not any((demo_project / "runs").iterdir())


@pytest.mark.parametrize(
    "command", [["run"], ["runs"], ["runs", "--json"], ["submit"], ["report"]]
)
def test_project_commands_outside_a_project_say_what_to_do(tmp_path: Path, command):
    result = kagglekit(*command, cwd=tmp_path)

    assert result.code != 0
    assert result.stderr.startswith(f"error: {tmp_path.resolve()} is not a kagglekit project")
    assert "create one with `kagglekit new NAME`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_submit_before_any_run_says_what_to_do(demo_project: Path):
    result = kagglekit("submit", cwd=demo_project)

    assert result.code != 0
    assert "no successful run with test predictions yet" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--bogus"], "error: No such option: --bogus (see `kagglekit run --help`)"),
        (["nosuch"], "error: No such command 'nosuch'."),
        (["new"], "error: Missing argument 'name'."),
        (["submit", "--timeout", "-1"], "error: Invalid value for '--timeout'"),
    ],
)
def test_a_usage_mistake_is_one_line(args, message):
    result = kagglekit(*args)

    assert result.code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_arguments_show_the_help():
    result = kagglekit()

    assert result.code == 0
    assert "Usage: kagglekit" in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("task: image_classification", "task: painting", "task: 'painting' is not one of"),
        ("  - label\n", "  - lab\n",
         "competition.yaml: column 'lab' is not in train.csv (its columns: id, label)"),
        ("labels_file: train.csv", "labels_file: labels.csv",
         "competition.yaml: train.labels_file 'labels.csv' is not a file in"),
        ("data_dir: data", "data_dir: moved", "does not exist: fix data_dir in competition.yaml"),
    ],
)
def test_a_broken_competition_yaml_stops_run_before_anything_starts(
    demo_project, tmp_path, old, new, message
):
    import shutil

    project = tmp_path / "demo"
    shutil.copytree(demo_project, project, symlinks=True)
    spec = project / "competition.yaml"
    assert old in spec.read_text()
    spec.write_text(spec.read_text().replace(old, new))

    result = kagglekit("run", cwd=project)

    assert result.code != 0
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any((project / "runs").iterdir())


@pytest.mark.parametrize("quiet", [["-q", "new"], ["new", "-q"], ["new", "--quiet"], ["new"]])
def test_quiet_works_before_or_after_the_command(tmp_path: Path, quiet):
    result = kagglekit(*quiet, "demo", str(tmp_path / "demo"))

    assert result.code == 0, result.stderr
    assert (tmp_path / "demo" / "competition.yaml").exists()
    if quiet == ["new"]:
        assert "project ready in" in result.stderr
    else:
        assert result.stderr == ""


def test_a_message_that_looks_like_a_flag_stays_a_message():
    from kagglekit.cli import _global_flags_first

    assert _global_flags_first(["submit", "-m", "-q", "-v"]) == ["-v", "submit", "-m", "-q"]
    assert _global_flags_first(["run", "--", "-q"]) == ["run", "--", "-q"]


def test_a_data_link_into_a_removed_cache_entry_says_how_to_fetch_it(demo_project, tmp_path):
    import shutil

    project = tmp_path / "demo"
    shutil.copytree(demo_project, project, symlinks=True)
    shutil.rmtree(project / "data")
    (project / "data").symlink_to(tmp_path / "cache" / "demo" / "files")

    result = kagglekit("run", cwd=project)

    assert result.code != 0
    assert "which is gone (removed from the cache?): `kagglekit new demo . --force`" \
        in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
