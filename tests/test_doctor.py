"""``kagglekit doctor``: each check, its fix, the exit code, and never the key."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from kaggle_fixtures import kaggle_isolation  # noqa: F401
from typer.testing import CliRunner

from kagglekit import doctor
from kagglekit.cli import app
from kagglekit.doctor import Check

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("kaggle_isolation")]

SECRET = "doctor-secret-key-987"


@pytest.fixture
def healthy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernel, device and versions reported fine, so that only credentials and cache count."""
    monkeypatch.setattr(doctor, "check_kernel", lambda: Check("kernel", True, "python3"))
    monkeypatch.setattr(doctor, "check_device", lambda: Check("device", True, "CPU only",
                                                              warning=True))
    monkeypatch.setattr(doctor, "check_versions", lambda: Check("versions", True, "all"))


def test_credentials_missing_is_a_problem_with_the_fix() -> None:
    check = doctor.check_credentials()

    assert not check.ok and check.detail == "no Kaggle credentials found"
    assert check.fix is not None and "KAGGLE_USERNAME and KAGGLE_KEY" in check.fix


def test_credentials_found_names_the_source_not_the_key(
    monkeypatch: pytest.MonkeyPatch, kaggle_isolation: Path  # noqa: F811
) -> None:
    path = kaggle_isolation / ".kaggle" / "kaggle.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"username": "u", "key": SECRET}))
    path.chmod(0o600)

    check = doctor.check_credentials()

    assert check.ok and check.detail == str(path)
    assert SECRET not in repr(check)


def test_doctor_exits_non_zero_and_prints_the_fix_without_credentials(healthy: None) -> None:
    result = CliRunner().invoke(app, ["doctor"])

    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert lines[0] == "FAIL  credentials  no Kaggle credentials found"
    assert lines[1].split()[0] == "fix:" and "kaggle.json" in lines[1]
    assert "warn  device       CPU only" in result.output


def test_doctor_exits_zero_when_fine_and_never_shows_the_key(
    healthy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAGGLE_USERNAME", "someone")
    monkeypatch.setenv("KAGGLE_KEY", SECRET)

    result = CliRunner().invoke(app, ["doctor", "--help"])
    assert result.exit_code == 0
    result = CliRunner().invoke(app, ["doctor"])

    assert result.exit_code == 0, result.output
    assert "ok    credentials  KAGGLE_USERNAME/KAGGLE_KEY environment variables" in result.output
    assert SECRET not in result.output


def test_kernel_check_in_this_environment() -> None:
    check = doctor.check_kernel()

    # The test environment has ipykernel and fastai, and its python3 kernel is this Python.
    assert check.ok, check
    assert check.detail.startswith("python3 -> ")


def test_kernel_of_another_environment_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "_kernel_python", lambda: "/opt/other-env/bin/python")

    check = doctor.check_kernel()

    assert not check.ok and "/opt/other-env/bin/python" in check.detail
    assert check.fix == f"{sys.executable} -m ipykernel install --user --name python3"


def test_missing_python3_kernel_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "_kernel_python", lambda: None)

    check = doctor.check_kernel()

    assert not check.ok and check.detail == "no 'python3' Jupyter kernel found"


def test_missing_fastai_is_found_without_importing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(doctor.importlib.util, "find_spec",
                        lambda name, *a: None if name == "fastai" else real(name, *a))

    check = doctor.check_kernel()

    assert not check.ok and check.detail.startswith("fastai not importable")
    assert check.fix == f"{sys.executable} -m pip install fastai"


def test_kernel_check_does_not_import_fastai() -> None:
    code = ("import sys; from kagglekit import doctor; doctor.check_kernel(); "
            "print('fastai' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)

    assert done.stdout.strip() == "False"


def test_device_reports_cuda_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "Fake H200")

    assert doctor.check_device() == Check("device", True, "CUDA: Fake H200 (2 GPU)")


def test_device_falls_back_to_the_cpu_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends, "mps", SimpleNamespace(is_available=lambda: False))

    check = doctor.check_device()

    assert check.ok and check.warning and check.detail.startswith("CPU only")


def test_cache_check_reports_folder_and_space(monkeypatch: pytest.MonkeyPatch) -> None:
    usage = SimpleNamespace(total=10**12, used=0, free=2 * 10**9)
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage)

    check = doctor.check_cache()

    assert check.ok and check.warning
    assert check.detail.startswith(f"{doctor.cache.cache_root()} (2.0 GB free, 0 competitions")


def test_versions_name_every_package(monkeypatch: pytest.MonkeyPatch) -> None:
    check = doctor.check_versions()

    assert check.ok
    assert [part.split()[0] for part in check.detail.split(", ")] == list(doctor.PACKAGES)


def test_missing_package_is_a_problem_with_an_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = doctor.importlib.metadata.version

    def version(name: str) -> str:
        if name == "papermill":
            raise doctor.importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(doctor.importlib.metadata, "version", version)

    check = doctor.check_versions()

    assert not check.ok and check.detail.endswith("missing: papermill")
    assert check.fix == f"{sys.executable} -m pip install papermill"
