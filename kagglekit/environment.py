"""Where code runs: the device, safe worker counts, and what `run` tells the kernel."""

from __future__ import annotations

import os
import platform

# Set by `kagglekit run` so that training prints one plain line per epoch.
EPOCH_LINES_VARIABLE = "KAGGLEKIT_EPOCH_LINES"


def describe_device() -> str:
    """The device training will use, in words: CUDA (with its name), MPS or CPU."""
    import torch

    if torch.cuda.is_available():
        return f"CUDA ({torch.cuda.get_device_name(torch.cuda.current_device())})"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "MPS (Apple GPU)"
    return f"CPU ({torch.get_num_threads()} threads)"


def on_cuda() -> bool:
    """Whether a CUDA device is available."""
    import torch

    return torch.cuda.is_available()


def safe_num_workers(requested: int) -> int:
    """Worker processes for loading data: none on Windows and macOS notebooks."""
    if platform.system() in ("Windows", "Darwin"):
        return 0
    return max(0, min(requested, os.cpu_count() or 1))
