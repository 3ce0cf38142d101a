"""Shared fixtures: isolation from the user's home, the ``kagglekit`` command, the demo.

Every test runs with HOME, the kagglekit cache and Jupyter's folders in a temporary
folder and with no ``KAGGLE_*`` variable, so no real credentials are read and nothing
is sent anywhere. The demo is trained once per test session and shared by the tests
that need a finished run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kaggle_fixtures import *  # noqa: F403  (kaggle_isolation, fake_kaggle, fake_kaggle_env)

KAGGLEKIT = [sys.executable, "-m", "kagglekit"]

# Small enough to train in well under a minute on two CPU cores, big enough to learn.
QUICK_PARAMS = ["-p", "epochs=4", "-p", "size=28", "-p", "find_lr=false"]

# Every HTTP(S) request that is not aimed at a fake server on purpose goes to a closed
# port of 127.0.0.1: a test that reaches for the internet fails instead of leaving it.
NOWHERE = "http://127.0.0.1:9"
_NOWHERE_PROXIES = {"HTTP_PROXY": NOWHERE, "HTTPS_PROXY": NOWHERE, "ALL_PROXY": NOWHERE,
                    "http_proxy": NOWHERE, "https_proxy": NOWHERE, "all_proxy": NOWHERE,
                    "NO_PROXY": "", "no_proxy": ""}


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    for name in list(os.environ):
        if name.startswith(("KAGGLE_", "JUPYTER_")) or name.upper().endswith("_PROXY"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("KAGGLEKIT_CACHE", str(home / "kagglekit-cache"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for name, value in _NOWHERE_PROXIES.items():
        monkeypatch.setenv(name, value)


@dataclass
class Result:
    """What a ``kagglekit`` command printed and how it exited."""

    code: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        lines = self.stdout.strip().splitlines()
        return lines[-1] if lines else ""


def kagglekit(*args: str, cwd: Path | None = None, env: dict | None = None,
              timeout: float = 900) -> Result:
    """Run the ``kagglekit`` command as a user would, in a subprocess."""
    completed = subprocess.run(
        [*KAGGLEKIT, *args],
        cwd=cwd,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("session-home")


def _session_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAGGLE_", "JUPYTER_"))}
    env.update(HOME=str(home), KAGGLEKIT_CACHE=str(home / "cache"), MPLBACKEND="Agg")
    env.update(_NOWHERE_PROXIES)
    return env


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory, session_home: Path) -> Path:
    """A fresh demo project (not run); copy it before changing it."""
    root = tmp_path_factory.mktemp("demo")
    result = kagglekit("new", "demo", str(root / "demo"), env=_session_env(session_home))
    assert result.code == 0, result.stderr
    return root / "demo"


@pytest.fixture(scope="session")
def trained_demo(tmp_path_factory: pytest.TempPathFactory, session_home: Path,
                 demo_project: Path) -> Iterator[tuple[Path, Result]]:
    """The demo after one quick ``kagglekit run``, shared by the tests that read a run."""
    root = tmp_path_factory.mktemp("trained")
    project = root / "demo"
    shutil.copytree(demo_project, project, symlinks=True)
    result = kagglekit("run", *QUICK_PARAMS, cwd=project, env=_session_env(session_home))
    assert result.code == 0, result.stderr[-3000:]
    yield project, result


def copy_project(source: Path, destination: Path) -> Path:
    """A copy of a project that a test may change freely."""
    shutil.copytree(source, destination, symlinks=True)
    return destination
