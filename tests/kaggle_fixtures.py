"""Fixtures for anything that talks to Kaggle: isolation and the fake Kaggle API.

Import them into a conftest or a test module (``from kaggle_fixtures import *``):

- ``kaggle_isolation``: HOME, XDG folders and KAGGLEKIT_CACHE in a temporary folder, every
  ``KAGGLE_*`` and proxy variable removed, the client's retry back-off made instant and
  kagglekit's request timeout short. Returns the temporary HOME.
- ``fake_kaggle``: a running :class:`FakeKaggle` with the in-process client pointed at it
  and ``KAGGLE_USERNAME``/``KAGGLE_KEY`` set to its credentials.
- ``fake_kaggle_env``: the environment (a dict) for a ``kagglekit`` subprocess that talks
  to ``fake_kaggle`` through ``KAGGLE_API_ENVIRONMENT=LOCALHOST`` and ``HTTP_PROXY``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_kaggle import FakeKaggle

__all__ = ["kaggle_isolation", "fake_kaggle", "fake_kaggle_env"]

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class _InstantTime:
    """The ``time`` module, but ``sleep`` returns at once (the client's retry back-off)."""

    def __getattr__(self, name: str) -> Any:
        import time

        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        """Do not wait."""


@pytest.fixture
def kaggle_isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An environment where no real credentials, proxy or cache can be reached."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith("KAGGLE_") or name.upper() in _PROXY_VARS or name in (
            "VERBOSE", "VERBOSE_OUTPUT"
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("KAGGLEKIT_CACHE", str(tmp_path / "cache"))

    from kagglekit import kaggle_client

    monkeypatch.setattr(kaggle_client, "REQUEST_TIMEOUT", (5.0, 10.0))
    monkeypatch.setattr(kaggle_client, "_warned_readable", set())
    extended = kaggle_client._client_module()
    monkeypatch.setattr(extended, "time", _InstantTime())
    return home


@pytest.fixture
def fake_kaggle(kaggle_isolation: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKaggle]:
    """A running fake Kaggle API that the in-process client talks to."""
    from kagglesdk.kaggle_env import KaggleEnv, _env_to_endpoint

    with FakeKaggle() as fake:
        monkeypatch.setenv("KAGGLE_API_ENVIRONMENT", "LOCALHOST")
        monkeypatch.setenv("KAGGLE_USERNAME", fake.username)
        monkeypatch.setenv("KAGGLE_KEY", fake.key)
        monkeypatch.setitem(_env_to_endpoint, KaggleEnv.LOCAL, fake.url)
        yield fake


@pytest.fixture
def fake_kaggle_env(fake_kaggle: FakeKaggle, kaggle_isolation: Path) -> dict[str, str]:
    """Environment variables for a subprocess that must reach only ``fake_kaggle``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KAGGLE_") and k.upper() not in _PROXY_VARS}
    env.update(
        HOME=str(kaggle_isolation),
        KAGGLE_API_ENVIRONMENT="LOCALHOST",
        KAGGLE_USERNAME=fake_kaggle.username,
        KAGGLE_KEY=fake_kaggle.key,
        HTTP_PROXY=fake_kaggle.url,
        http_proxy=fake_kaggle.url,
        HTTPS_PROXY=fake_kaggle.url,
        https_proxy=fake_kaggle.url,
        NO_PROXY="",
        no_proxy="",
    )
    return env
