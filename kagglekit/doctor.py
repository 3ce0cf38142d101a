"""``kagglekit doctor``: check what kagglekit needs and say how to fix what is missing.

Each check returns a :class:`Check`; a problem (``ok`` false) makes the command exit
non-zero, a warning only informs. Nothing here talks to Kaggle, prints a key, or imports
fastai; torch is imported only to ask for the device.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from kagglekit import cache, kaggle_client
from kagglekit.archives import format_size
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

PACKAGES = ("kagglekit", "kaggle", "fastai", "torch", "papermill")
LOW_SPACE = 10 * 1000**3


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was found and, for a problem, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None
    warning: bool = False


def run_checks() -> list[Check]:
    """Every check, in the order they are shown."""
    return [
        check_credentials(),
        check_kernel(),
        check_device(),
        check_cache(),
        check_versions(),
    ]


def has_problems(checks: list[Check]) -> bool:
    """Whether any check found a problem (warnings do not count)."""
    return any(not check.ok for check in checks)


def check_credentials() -> Check:
    """Which credentials the official client would use; never the key."""
    source = kaggle_client.find_credentials()
    if source is None:
        return Check("credentials", False, "no Kaggle credentials found",
                     kaggle_client.credentials_help())
    return Check("credentials", True, source.description)


def check_kernel() -> Check:
    """The ``python3`` Jupyter kernel runs this environment, which has ipykernel and fastai."""
    missing = [m for m in ("ipykernel", "fastai") if importlib.util.find_spec(m) is None]
    if missing:
        return Check("kernel", False, f"{', '.join(missing)} not importable in {sys.prefix}",
                     f"{sys.executable} -m pip install {' '.join(missing)}")

    python = _kernel_python()
    if python is None:
        return Check("kernel", False, "no 'python3' Jupyter kernel found",
                     f"{sys.executable} -m ipykernel install --user --name python3")
    if not _same_environment(python, sys.executable):
        return Check(
            "kernel", False,
            f"the 'python3' kernel runs {python}, not this environment ({sys.executable})",
            f"{sys.executable} -m ipykernel install --user --name python3",
        )
    return Check("kernel", True, f"python3 -> {python} (ipykernel and fastai importable)")


def check_device() -> Check:
    """The device training will use: CUDA, MPS or the CPU."""
    if importlib.util.find_spec("torch") is None:
        return Check("device", False, "torch is not installed",
                     f"{sys.executable} -m pip install torch torchvision")
    import torch

    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        return Check("device", True, f"CUDA: {torch.cuda.get_device_name(0)} ({count} GPU)")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Check("device", True, "MPS (Apple GPU)")
    return Check("device", True, "CPU only: training works but is slow; small image sizes "
                 "and few epochs help", warning=True)


def check_cache() -> Check:
    """The cache folder: writable, its free space, what it holds."""
    root = cache.cache_root()
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        return Check("cache", False, f"{root} is not writable",
                     "set KAGGLEKIT_CACHE to a folder you can write to")

    free = shutil.disk_usage(existing).free
    count = counted(len(cache.list_cached()), "competition")
    detail = f"{root} ({format_size(free)} free, {count} cached)"
    if free < LOW_SPACE:
        return Check("cache", True, detail + ": little space for competition data",
                     "free some space or set KAGGLEKIT_CACHE to a larger disk", warning=True)
    return Check("cache", True, detail)


def check_versions() -> Check:
    """Versions of the packages kagglekit relies on."""
    found, missing = [], []
    for name in PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if "kaggle" not in missing and importlib.util.find_spec("six") is None:
        missing.append("six")  # the kaggle client imports it without declaring it

    detail = ", ".join(found) or "none found"
    if missing:
        return Check("versions", False, f"{detail}; missing: {', '.join(missing)}",
                     f"{sys.executable} -m pip install {' '.join(missing)}")
    return Check("versions", True, detail)


def _kernel_python() -> str | None:
    """The Python that jupyter_client would start for the ``python3`` kernel."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return None
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return None
    program = spec.argv[0] if spec.argv else ""
    # jupyter_client starts its own interpreter for these names (format_kernel_cmd).
    version = sys.version_info
    if program in {"python", f"python{version[0]}", f"python{version[0]}.{version[1]}"}:
        return sys.executable
    return program


def _same_environment(python: str, executable: str) -> bool:
    # Compare folders, not resolved links: every venv's python links to the same base.
    return Path(python).absolute().parent == Path(executable).absolute().parent
