"""Executing one notebook with papermill, in a kernel of this Python environment.

This is the one step that decides where a notebook runs; everything around it
(parameters, the run folder, the history) does not care.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from kagglekit.errors import RunError

logger = logging.getLogger(__name__)

KERNEL_NAME = "python3"

# Lines of notebook output worth showing in the terminal; everything goes to the log.
_SHOWN = re.compile(
    r"^(epoch \d+/\d+|notice:|warning:|predicted \d+|threshold |suggested learning)"
    r"|on validation: "
)
_CELL_MARK = re.compile(r"^(Executing|Ending) Cell (\d+)-*$")


@dataclass
class CellFailure:
    """Where a notebook failed: which code cell, its first line, and the error."""

    notebook: str
    cell: int
    line: str
    error: str

    def __str__(self) -> str:
        return f"{self.notebook} failed in code cell {self.cell} ({self.line}): {self.error}"


def check_kernel_environment() -> None:
    """Fail early when this environment cannot run the notebooks."""
    for package in ("ipykernel", "fastai", "papermill"):
        if find_spec(package) is None:
            raise RunError(
                f"{package} is not installed in {sys.executable}; install it with "
                f"`{sys.executable} -m pip install {package}`"
            )


@contextmanager
def kernel_of_this_environment() -> Iterator[str]:
    """A ``python3`` kernelspec that starts this interpreter, found before any other."""
    with tempfile.TemporaryDirectory(prefix="kagglekit-kernel-") as folder:
        spec_dir = Path(folder) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        # The kernel talks to this process over loopback only; its start-up warning
        # about unencrypted TCP would only confuse the run's output.
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--IPKernelApp.log_level=CRITICAL"]
        spec = {
            "argv": argv,
            "display_name": "Python 3 (kagglekit)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec))
        previous = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [folder, previous]))
        try:
            yield KERNEL_NAME
        finally:
            if previous is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = previous


class _NotebookWatcher(logging.Handler):
    """Turns papermill's log records into progress calls and log-file lines."""

    def __init__(self, code_cells: dict[int, tuple[int, str]], log_file, on_cell, on_line):
        super().__init__(logging.INFO)
        self.code_cells = code_cells
        self.log_file = log_file
        self.on_cell = on_cell
        self.on_line = on_line

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        mark = _CELL_MARK.match(message.strip())
        if mark:
            if mark[1] == "Executing" and int(mark[2]) - 1 in self.code_cells:
                number, line = self.code_cells[int(mark[2]) - 1]
                self.on_cell(number, line)
            return
        self.log_file.write(message if message.endswith("\n") else message + "\n")
        self.log_file.flush()
        for line in message.splitlines():
            if _SHOWN.search(line.strip()):
                self.on_line(line.strip())


def execute(
    notebook: Path,
    output: Path,
    parameters: dict,
    cwd: Path,
    log_path: Path,
    on_cell: Callable[[int, int, str], None],
    on_line: Callable[[str], None],
) -> None:
    """Execute ``notebook`` into ``output`` with ``parameters``; raise on a failing cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if output.resolve() == notebook.resolve() or output.suffix != ".ipynb":
        raise RunError(f"refusing to write {output}: outputs must be new .ipynb files")

    code_cells = _code_cells_after_injection(notebook)
    total = len(code_cells)
    # Notebooks saved by older tools lack cell ids; nbformat's warning about it is noise.
    warnings.filterwarnings("ignore", module="nbformat")
    with open(log_path, "a", encoding="utf-8") as log_file:
        log_file.write(f"==== {notebook.name} ====\n")
        watcher = _NotebookWatcher(
            code_cells, log_file, lambda number, line: on_cell(number, total, line), on_line
        )
        papermill_logger = logging.getLogger("papermill")
        papermill_logger.addHandler(watcher)
        papermill_logger.setLevel(logging.INFO)
        papermill_logger.propagate = False
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                log_output=True,
                cwd=str(cwd),
            )
        except PapermillExecutionError as err:
            failure = _failure(notebook, err)
            raise RunError(str(failure)) from err
        finally:
            papermill_logger.removeHandler(watcher)
    _check_recorded_exception(notebook.name, output)


def _code_cells_after_injection(notebook: Path) -> dict[int, tuple[int, str]]:
    """Cell index (after papermill adds its parameters cell) -> (code cell number, first line)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    numbered: dict[int, tuple[int, str]] = {}
    index, number = 0, 0
    for cell in cells:
        if cell["cell_type"] == "code":
            number += 1
            numbered[index] = (number, _first_line(cell["source"]))
        index += 1
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            index += 1  # papermill's injected-parameters cell follows
    return numbered


def _failure(notebook: Path, err) -> CellFailure:
    code_cells = _code_cells_after_injection(notebook)
    number, line = code_cells.get(err.cell_index, (err.cell_index, _first_line(err.source)))
    return CellFailure(notebook.name, number, line, f"{err.ename}: {_one_line(err.evalue)}")


def _one_line(text: str) -> str:
    """An error value as one line: its first line and, if it has more, its last one.

    Errors raised in DataLoader workers carry the worker's traceback; its last line
    names what actually went wrong.
    """
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0]} ... {lines[-1]}"


def _check_recorded_exception(name: str, output: Path) -> None:
    """Fail when papermill recorded an exception that no error output carried."""
    notebook = json.loads(output.read_text(encoding="utf-8"))
    if notebook.get("metadata", {}).get("papermill", {}).get("exception"):
        raise RunError(f"{name} recorded an exception during execution; see {output}")


def _first_line(source) -> str:
    text = "".join(source) if isinstance(source, list) else str(source)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    code = [line for line in lines if not line.startswith("#")]
    first = (code or lines or [""])[0]
    return first if len(first) <= 60 else first[:57] + "..."


def relative_paths_in_metadata(output: Path, project_dir: Path, notebook: Path) -> None:
    """Record the notebook's input and output paths relative to the project."""
    data = json.loads(output.read_text(encoding="utf-8"))
    recorded = data.setdefault("metadata", {}).setdefault("papermill", {})
    recorded["input_path"] = os.path.relpath(notebook, project_dir)
    recorded["output_path"] = os.path.relpath(output, project_dir)
    output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def elapsed(start: float) -> str:
    """Seconds since ``start`` as m:ss."""
    seconds = int(time.monotonic() - start)
    return f"{seconds // 60}:{seconds % 60:02d}"
