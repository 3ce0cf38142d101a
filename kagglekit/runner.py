"""``kagglekit run``: check the parameters, then execute notebooks into a new run.

Parameters are checked before anything else is printed or written. Each notebook
then runs in order with papermill, in a kernel of this environment, with absolute
paths for the project and the run; the terminal shows the device, the notebook and
cell running, epoch lines and elapsed time, and ``runs/<run-id>/`` keeps everything.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from kagglekit import execution, history, outputs
from kagglekit.environment import EPOCH_LINES_VARIABLE, describe_device
from kagglekit.errors import ProjectError, RunError, RunInterrupted
from kagglekit.params import (
    NotebookParameters,
    parse_overrides,
    read_declared,
    read_params_file,
    resolve,
)
from kagglekit.scaffold import require_project
from kagglekit.spec import SPEC_FILE, load_spec
from kagglekit.specfiles import check_spec_files

logger = logging.getLogger(__name__)

NOTEBOOKS_DIR = "notebooks"
DEFAULT_NOTEBOOKS = ("01_", "02_", "03_")

# Files a notebook must leave in the run; a notebook that "succeeds" without them failed.
REQUIRED_OUTPUTS = {"01_baseline": [outputs.MODEL], "03_inference": [outputs.PROBABILITIES]}
# Notebooks that load the model exported by 01_baseline.
_USES_MODEL = "model_path"

VERSIONED_PACKAGES = ("kagglekit", "fastai", "torch", "timm", "papermill", "pandas", "numpy")


@dataclass
class RunResult:
    """A finished run."""

    run_id: str
    run_dir: Path


def run_notebooks(project_dir: Path, names: list[str], options: list[str]) -> RunResult:
    """Execute the named notebooks (01-03 by default) of a project as one run."""
    project = require_project(project_dir)

    # The spec and the parameters first: a wrong one is reported before any other output.
    spec = load_spec(project / SPEC_FILE)
    notebooks = select_notebooks(project, names)
    declared = [read_declared(path) for path in notebooks]
    elsewhere = _declared_elsewhere(project, notebooks)
    overrides = parse_overrides(options)
    file_values = read_params_file(project)
    values = resolve(declared, file_values, overrides, elsewhere)
    check_spec_files(spec, project)

    execution.check_kernel_environment()
    model_path = _model_for(project, declared)
    run = history.create_run(project)
    _record_start(run, declared, values, overrides, file_values)
    if model_path is not None:
        run.record.model = os.path.relpath(model_path, project)
        run.save()
    logger.info("run %s: %s", run.id, ", ".join(path.stem for path in notebooks))
    logger.info("device: %s", run.record.device)

    try:
        with _signals_interrupt():
            _execute_all(project, run, notebooks, values, model_path)
    except KeyboardInterrupt as err:
        run.finish(history.INTERRUPTED)
        stopped = RunInterrupted(f"interrupted; run {run.id} kept, marked interrupted")
        stopped.exit_code = 128 + _signal_number(err)
        raise stopped from err
    except RunError as err:
        run.finish(history.FAILED, {"message": str(err)})
        raise RunError(f"{err} (run {run.id} kept, marked failed)") from err
    run.finish(history.SUCCEEDED)
    score = run.record.valid_score
    if score is not None:
        logger.info("%s on validation: %.4f", run.record.metric, score)
    return RunResult(run.id, run.path)


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Treat the signals that end a terminal session like Ctrl-C, so the run is marked."""
    def interrupt(number, frame):
        raise KeyboardInterrupt(signal.Signals(number).name)

    caught = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {number: signal.signal(number, interrupt) for number in caught}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _signal_number(interrupt: KeyboardInterrupt) -> int:
    """The signal behind an interrupt: the one named by ``_signals_interrupt``, else SIGINT."""
    name = str(interrupt.args[0]) if interrupt.args else ""
    number = getattr(signal, name, None) if name.startswith("SIG") else None
    return int(number) if isinstance(number, signal.Signals) else int(signal.SIGINT)


def select_notebooks(project: Path, names: list[str]) -> list[Path]:
    """The notebooks to run, in order: by name, number or file name, or 01-03."""
    folder = project / NOTEBOOKS_DIR
    available = sorted(folder.glob("*.ipynb"))
    if not names:
        chosen = [path for path in available if path.name.startswith(DEFAULT_NOTEBOOKS)]
        if not chosen:
            raise ProjectError(f"no notebooks 01-03 in {folder}")
        return chosen
    chosen = []
    for name in names:
        stem = Path(name).stem
        matches = [p for p in available if p.stem == stem or p.stem.split("_", 1)[0] == stem]
        if len(matches) != 1:
            known = ", ".join(path.stem for path in available)
            raise ProjectError(f"no notebook {name!r} in {folder} (available: {known})")
        chosen.append(matches[0])
    return sorted(set(chosen), key=lambda path: path.name)


def _declared_elsewhere(project: Path, notebooks: list[Path]) -> frozenset[str]:
    others = set(sorted((project / NOTEBOOKS_DIR).glob("*.ipynb"))) - set(notebooks)
    names: set[str] = set()
    for path in others:
        try:
            names.update(read_declared(path).defaults)
        except Exception:  # a broken notebook outside this run must not block it
            logger.debug("could not read the parameters of %s", path.name)
    return frozenset(names)


def _model_for(project: Path, declared: list[NotebookParameters]) -> Path | None:
    """The model that notebooks after the baseline load, when the baseline is not run."""
    if any(nb.notebook.startswith("01_") for nb in declared):
        return None
    if not any(_USES_MODEL in nb.defaults for nb in declared):
        return None
    run = history.newest_successful(project, needing=outputs.MODEL)
    if run is None:
        raise RunError(
            "no trained model yet: run the baseline first (`kagglekit run`), "
            "or include 01_baseline in this run"
        )
    logger.info("using the model of run %s", run.id)
    return run.path / outputs.MODEL


def _record_start(run, declared, values, overrides, file_values) -> None:
    merged = {key: value for nb in values.values() for key, value in nb.items()}
    # The project's defaults: the notebooks' own, as params.yaml sets them.
    defaults = {key: value for nb in declared for key, value in nb.defaults.items()}
    defaults.update({key: value for key, value in file_values.items() if key in defaults})
    run.record.params = merged
    run.record.defaults = {key: defaults[key] for key in merged if key in defaults}
    run.record.overrides = {key: merged.get(key) for key in overrides}
    run.record.device = describe_device()
    run.record.versions = _versions()
    run.save()
    (run.path / outputs.PARAMETERS).write_text(yaml.safe_dump(merged, sort_keys=True))


def _execute_all(project, run, notebooks, values, model_path) -> None:
    os.environ[EPOCH_LINES_VARIABLE] = "1"
    started = time.monotonic()
    with execution.kernel_of_this_environment():
        for notebook in notebooks:
            parameters = dict(values[notebook.stem])
            parameters.update(project_dir=str(project), run_dir=str(run.path))
            if _USES_MODEL in read_declared(notebook).defaults:
                parameters[_USES_MODEL] = str(model_path or run.path / outputs.MODEL)
            _execute_one(project, run, notebook, parameters, started)


def _execute_one(project, run, notebook, parameters, started) -> None:
    output = run.path / notebook.name
    entry = {"name": notebook.stem, "status": history.RUNNING}
    run.record.notebooks.append(entry)
    run.save()
    logger.info("▶ %s", notebook.name)
    notebook_started = time.monotonic()
    progress = _Progress(notebook.stem, started)
    try:
        execution.execute(
            notebook,
            output,
            parameters,
            cwd=notebook.parent,
            log_path=run.path / outputs.LOG,
            on_cell=progress.cell,
            on_line=progress.line,
        )
    except (RunError, KeyboardInterrupt) as err:
        stopped = isinstance(err, KeyboardInterrupt)
        entry["status"] = history.INTERRUPTED if stopped else history.FAILED
        entry["seconds"] = round(time.monotonic() - notebook_started, 1)
        run.save()
        raise
    finally:
        progress.close()
        if output.exists():
            execution.relative_paths_in_metadata(output, project, notebook)
    entry["status"] = history.SUCCEEDED
    entry["seconds"] = round(time.monotonic() - notebook_started, 1)
    run.save()
    _check_outputs(run, notebook.stem)
    logger.info("  %s done in %s", notebook.stem, execution.elapsed(notebook_started))


def _check_outputs(run, name: str) -> None:
    for required in REQUIRED_OUTPUTS.get(name, []):
        path = run.path / required
        if not path.exists() or path.stat().st_size == 0:
            log = run.path / outputs.LOG
            raise RunError(f"{name} finished but wrote no {required}; see {log}")


class _Progress:
    """The notebook and cell running, on one live line when stderr is a terminal."""

    def __init__(self, notebook: str, started: float) -> None:
        self.notebook = notebook
        self.started = started
        self.live = sys.stderr.isatty() and logger.isEnabledFor(logging.INFO)
        self.status = None
        if self.live:
            from rich.console import Console

            self.status = Console(stderr=True).status(f"{notebook}: starting the kernel")
            self.status.start()

    def cell(self, number: int, total: int, line: str) -> None:
        text = f"{self.notebook}: cell {number}/{total} [{execution.elapsed(self.started)}] {line}"
        if self.status is not None:
            self.status.update(text)
        else:
            logger.info(text)

    def line(self, text: str) -> None:
        if self.status is not None:
            self.status.console.print(f"  {text}", highlight=False, markup=False)
        else:
            logger.info("  %s", text)

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()


def _versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for package in VERSIONED_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
